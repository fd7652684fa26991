"""Request parameters of the web app: dates, limits and the facet filters of a search.

Everything a request can send passes through here before it reaches :class:`~dateline.Archive`,
so the limits (``max_query_length``, ``max_page_size``) are enforced in one place for the JSON
API and the HTML pages alike.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from dateline.errors import InputError, QueryError
from dateline.search.base import FACETS

#: the deepest result a page may start at (engines collect offset + limit hits per query)
MAX_OFFSET = 10_000
#: facet filters the search page and ``/api/search`` accept, and the query field each one becomes
FILTER_FIELDS: dict[str, str] = {
    "program": "program",
    "speaker": "speaker",
    "language": "lang",
}
SORTS: tuple[str, ...] = ("relevance", "-date", "date")
#: spellings of the ``facets`` parameter that ask for every facet, or for none
ALL_FACETS = frozenset({"", "all", "true", "1", "yes", "on"})
NO_FACETS = frozenset({"none", "false", "0", "no", "off"})
MODE_LABELS: dict[str, str] = {"keyword": "Keywords", "semantic": "Meaning",
                               "hybrid": "Keywords + meaning"}
SORT_LABELS: dict[str, str] = {
    "relevance": "Best match",
    "-date": "Newest first",
    "date": "Oldest first",
}


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits one app enforces (from the archive's settings)."""

    max_query_length: int = 1000
    max_page_size: int = 200


def parse_day(value: str | None, *, end: bool = False, name: str = "date") -> date | None:
    """A date from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``end`` gives the period's last day."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    parts = text.split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            year = int(parts[0])
            return date(year, 12, 31) if end else date(year, 1, 1)
        if len(parts) == 2:
            year, month = int(parts[0]), int(parts[1])
            last = calendar.monthrange(year, month)[1]
            return date(year, month, last if end else 1)
        if len(parts) == 3:
            return date.fromisoformat(text)
    except (ValueError, OverflowError):
        pass
    raise InputError(f"invalid {name} {value[:40]!r}", hint="use YYYY, YYYY-MM or YYYY-MM-DD")


def check_query(text: str | None, limits: Limits, *, name: str = "query") -> str:
    """The query text, stripped; a :class:`QueryError` (400) when it is over the length limit."""
    text = (text or "").strip()
    if len(text) > limits.max_query_length:
        raise QueryError(
            f"the {name} is {len(text)} characters long; the limit is {limits.max_query_length}",
            hint="shorten it (the limit is the max_query_length setting)",
        )
    if "\x00" in text:
        raise QueryError(f"the {name} contains a NUL character")
    return text


def check_page(limit: int, offset: int, limits: Limits) -> tuple[int, int]:
    """``limit`` and ``offset`` checked against ``max_page_size`` and :data:`MAX_OFFSET`."""
    if limit < 1 or limit > limits.max_page_size:
        raise InputError(
            f"limit must be between 1 and {limits.max_page_size}, not {limit}",
            hint="page through larger result sets with offset",
        )
    if offset < 0 or offset > MAX_OFFSET:
        raise InputError(
            f"offset must be between 0 and {MAX_OFFSET}, not {offset}",
            hint="narrow the search (a date range or a filter) instead of paging this deep",
        )
    return limit, offset


def parse_facets(value: str | None) -> tuple[str, ...]:
    """The facets a search should count: ``all`` (the default), ``none``/``false``, or a
    comma-separated list of names (``year,program``), in :data:`~dateline.search.base.FACETS`
    order."""
    text = (value or "").strip().lower()
    if text in ALL_FACETS:
        return FACETS
    if text in NO_FACETS:
        return ()
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(names - set(FACETS))
    if unknown:
        raise InputError(f"unknown facet {unknown[0][:20]!r}",
                         hint=f"use all, none or some of: {', '.join(FACETS)}")
    return tuple(name for name in FACETS if name in names)


def check_sort(sort: str) -> str:
    if sort not in SORTS:
        raise InputError(f"unknown sort {sort[:20]!r}", hint=f"use one of: {', '.join(SORTS)}")
    return sort


def _quoted(value: str) -> str:
    """A field value in the query language: one phrase (double quotes cannot be escaped)."""
    cleaned = " ".join(value.replace('"', " ").split())
    return f'"{cleaned}"'


@dataclass(slots=True)
class SearchRequest:
    """What the user asked for: free query text, a date range and facet filters."""

    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    year: int | None = None
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    #: facets to count (names of :data:`~dateline.search.base.FACETS`); empty: none
    facets: tuple[str, ...] = FACETS
    #: keyword, semantic or hybrid; None: the archive's search_mode setting
    mode: str | None = None

    def effective_range(self) -> tuple[date | None, date | None]:
        """The date range after the year facet is applied (their intersection)."""
        start, end = self.date_from, self.date_to
        if self.year is not None:
            y_start, y_end = date(self.year, 1, 1), date(self.year, 12, 31)
            start = max(start, y_start) if start else y_start
            end = min(end, y_end) if end else y_end
        return start, end

    def engine_query(self) -> str:
        """The query sent to the engine: the user's words ANDed with the facet filters."""
        parts: list[str] = []
        if self.q:
            parts.append(f"({self.q})" if self.filters else self.q)
        for key, value in self.filters.items():
            if value and any(ch.isalnum() for ch in value):
                parts.append(f"{FILTER_FIELDS[key]}:{_quoted(value)}")
        if not parts:
            start, end = self.effective_range()
            if start or end:
                # browse a date range: a query of only the range
                parts.append(f"date:{start.isoformat() if start else ''}.."
                             f"{end.isoformat() if end else ''}")
        return " ".join(parts)

    def is_empty(self) -> bool:
        return not self.engine_query()


def search_request(
    *,
    q: str | None,
    date_from: str | None,
    date_to: str | None,
    year: str | None,
    program: str | None,
    speaker: str | None,
    language: str | None,
    sort: str,
    limit: int,
    offset: int,
    limits: Limits,
    facets: str | None = None,
    mode: str | None = None,
) -> SearchRequest:
    """Check every search parameter and build a :class:`SearchRequest`."""
    from dateline.search.fusion import MODES

    text = check_query(q, limits)
    if mode is not None and mode not in MODES:
        raise InputError(f"unknown search mode {mode[:20]!r}",
                         hint=f"use one of: {', '.join(MODES)}")
    filters: dict[str, str] = {}
    for key, value in (("program", program), ("speaker", speaker), ("language", language)):
        if value and value.strip():
            filters[key] = check_query(value, limits, name=key)
    year_value: int | None = None
    if year and year.strip():
        try:
            year_value = int(year.strip())
        except ValueError:
            raise InputError(f"invalid year {year[:20]!r}", hint="use four digits, e.g. 2018") \
                from None
        if not 1 <= year_value <= 9999:
            raise InputError(f"invalid year {year_value}", hint="use four digits, e.g. 2018")
    start = parse_day(date_from, name="from date")
    end = parse_day(date_to, end=True, name="to date")
    if start and end and start > end:
        raise InputError(f"the date range is empty: {start} is after {end}",
                         hint="swap the from and to dates")
    limit, offset = check_page(limit, offset, limits)
    return SearchRequest(q=text, date_from=start, date_to=end, year=year_value, filters=filters,
                         sort=check_sort(sort), limit=limit, offset=offset,
                         facets=parse_facets(facets), mode=mode or None)
