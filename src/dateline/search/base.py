"""The search engine interface every full-text backend implements, and the engine registry.

An engine is derived state: the store of record feeds it :class:`IndexDoc` objects and can rebuild
it at any time.  Built-in engines register themselves exactly the way a plug-in would::

    from dateline.search import register_engine, get_engine
    register_engine(MyEngine)               # MyEngine.name == "mine"
    engine = get_engine("mine")(path)

Engines share the query language of :mod:`dateline.search.query`, the snippet format of
:func:`dateline.search.snippets.render_snippet` (HTML-safe, terms in ``<mark>``) and the facet
names in :data:`FACETS`.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal

from dateline.errors import InputError
from dateline.registry import Registry
from dateline.search.query import Query

__all__ = [
    "FACETS",
    "Hit",
    "IndexDoc",
    "SearchEngine",
    "SearchResults",
    "available_engines",
    "bucket_start",
    "fill_histogram",
    "get_engine",
    "register_engine",
]

log = logging.getLogger(__name__)
_Date = date  # the fields named ``date`` shadow the type inside the classes

Sort = Literal["relevance", "date", "-date"]
Interval = Literal["day", "week", "month", "quarter", "year"]
#: facet names in :attr:`SearchResults.facets`
FACETS: tuple[str, ...] = ("year", "month", "program", "speaker", "language")
SORTS: tuple[str, ...] = ("relevance", "date", "-date")
INTERVALS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")


@dataclass(slots=True)
class IndexDoc:
    """What an engine indexes for one story (the store builds it; engines never read the store)."""

    id: str
    title: str | None
    text: str
    date: date | None = None
    published_at: datetime | None = None
    program: str | None = None
    language: str | None = None
    reporter: str | None = None
    source: str = ""
    speakers: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    #: Korean search terms of the title and of title + text, when already analysed (the store
    #: keeps them); engines analyse the text themselves when these are None
    ko_title: str | None = None
    ko_text: str | None = None
    #: an untitled story's title derived from its lead (:func:`dateline.model.derive_title`):
    #: shown on its hits (``title_derived``), never searched
    lead_title: str | None = None

    def effective_date(self) -> _Date | None:
        """The story date, else the date it was published (in its own time zone)."""
        if self.date is not None:
            return self.date
        return self.published_at.date() if self.published_at is not None else None


@dataclass(slots=True)
class Hit:
    """One matching story; ``snippets`` are HTML-safe with the matched terms in ``<mark>``."""

    id: str
    score: float
    date: date | None
    title: str | None
    program: str | None
    language: str | None
    snippets: list[str] = field(default_factory=list)
    #: the title is derived from the story's lead (it has none of its own); set by the archive
    title_derived: bool = False


@dataclass(slots=True)
class SearchResults:
    hits: list[Hit]
    total: int
    #: facet name (see :data:`FACETS`) → value → number of matching stories
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    took_ms: float = 0.0
    #: keyword, semantic or hybrid (see :data:`dateline.search.fusion.MODES`)
    mode: str = "keyword"
    #: semantic and hybrid modes: stories changed since the vectors were last brought up to date
    not_embedded: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "total": self.total,
            "hits": [
                {
                    "id": h.id,
                    "score": h.score,
                    "date": h.date.isoformat() if h.date else None,
                    "title": h.title,
                    "title_derived": h.title_derived,
                    "program": h.program,
                    "language": h.language,
                    "snippets": h.snippets,
                }
                for h in self.hits
            ],
            "facets": self.facets,
            "warnings": self.warnings,
            "took_ms": self.took_ms,
            **({"not_embedded": self.not_embedded} if self.not_embedded is not None else {}),
        }


class SearchEngine(ABC):
    """A full-text engine over :class:`IndexDoc` objects.

    Writes (``add``/``delete``/``clear``) become visible to ``search`` after ``commit``.
    ``add`` is idempotent: adding a document whose id is already indexed replaces it.
    """

    name: ClassVar[str]

    def __init__(self, path: Path | None = None, *,  # noqa: B027 - the construction contract
                 recreate: bool = False, writer_memory: int | None = None) -> None:
        """Engines are built as ``get_engine(name)(path)``: ``path`` is the index folder.
        ``recreate=True`` (a rebuild) lets an engine start afresh on an index it cannot read,
        one built by another version of its schema, instead of refusing it.
        ``writer_memory``: about how many bytes the engine may hold for writes not yet flushed
        (``None``: its own default); an index of small documents needs less."""

    @abstractmethod
    def add(self, docs: Iterable[IndexDoc], *, new: bool = False) -> None:
        """Index ``docs``, replacing any indexed document with the same id.  ``new=True`` is the
        caller's promise that no id among them is indexed or pending, so the engine may skip the
        replacing (a full rebuild of an empty index is the case)."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> None: ...

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (visible after ``commit``)."""

    @abstractmethod
    def doc_count(self) -> int:
        """Number of committed documents."""

    def generation(self) -> Hashable | None:
        """A value that changes whenever the committed documents change (as seen by this
        process); ``None`` when the engine cannot tell.  Answers may be cached under it
        (:mod:`dateline.search.cache`, per process), never under ``None``."""
        return None

    @abstractmethod
    def search(
        self,
        query: str | Query,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        sort: Sort = "relevance",
        limit: int = 20,
        offset: int = 0,
        facets: bool = True,
        snippets: bool = True,
    ) -> SearchResults:
        """Stories matching ``query`` dated ``date_from``..``date_to`` (inclusive).

        Raises :class:`~dateline.errors.QueryError` only when the query has nothing to search;
        other problems come back as ``warnings``.
        """

    def match_any(self, words: Sequence[str], *, date_from: date | None = None,
                  date_to: date | None = None, limit: int = 50) -> list[tuple[str, float]]:
        """``(id, score)`` of the ``limit`` best stories holding any of ``words`` — terms of the
        index's own analysis (English words, Korean morphemes), searched as an unfielded
        ``OR`` query would — best first, equal scores by id, so that the answer does not depend
        on the order documents were indexed in.  No count, facets or snippets: the candidate
        search of the thread pass (one per story).  Engines override it to go faster."""
        return top_ids(lambda n: [(h.id, h.score) for h in self.search(
            " OR ".join(words), date_from=date_from, date_to=date_to, limit=n, facets=False,
            snippets=False).hits], limit)

    def match_many(self, asks: Sequence[MatchAsk], *, limit: int = 50,
                   threads: int = 1) -> list[list[tuple[str, float]] | Exception]:
        """:meth:`match_any` for each ``(words, date_from, date_to)`` of ``asks``, answers in
        the same order (an exception in the place of a search that failed).  ``threads``: how
        many searches may run at once; engines that can search outside the GIL override this
        (the thread pass asks a batch of stories at a time)."""
        out: list[list[tuple[str, float]] | Exception] = []
        for words, date_from, date_to in asks:
            try:
                out.append(self.match_any(words, date_from=date_from, date_to=date_to,
                                          limit=limit))
            except Exception as exc:  # noqa: BLE001 - the caller decides
                out.append(exc)
        return out

    @abstractmethod
    def histogram(
        self,
        query: str | Query | None,
        *,
        by: Interval,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[tuple[date, int]]:
        """Matching stories per day/week/month/quarter/year, oldest first, gaps filled with 0.

        ``query=None`` counts every story.  Buckets are keyed by their first day (weeks start
        on Monday).  Stories without a date are not counted.
        """

    def release_writer(self) -> None:  # noqa: B027 (optional hook)
        """Commit what is pending and let go of the index's writer (and any lock it holds),
        so that another process may write next; searching goes on, and a later write takes
        the writer again."""

    def filter_ids(self, ids: Sequence[str], query: str | Query | None, *,
                   date_from: date | None = None, date_to: date | None = None) -> set[str]:
        """Of the stories ``ids``, those that ``query`` matches within the dates (``None``:
        any story in the dates).  Semantic search filters its candidates with it, so that
        fields, languages and dates mean the same in every search mode."""
        raise NotImplementedError(f"the {self.name} engine cannot filter stories by id")

    def close(self) -> None:  # noqa: B027 (optional hook)
        """Release files and locks; the engine is unusable afterwards."""

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ----------------------------------------------------------------------------- helpers


#: one search of :meth:`SearchEngine.match_many`: (words, date_from, date_to)
MatchAsk = tuple[Sequence[str], date | None, date | None]


def top_ids(fetch: Callable[[int], list[tuple[str, float]]],
            limit: int) -> list[tuple[str, float]]:
    """The ``limit`` best of ``fetch(n)`` (which gives the ``n`` best, in any order among equal
    scores) ranked by score, then id: ``n`` grows while hits left out could tie with the last
    one kept."""
    n = limit + 8
    while True:
        hits = fetch(n)
        ranked = sorted(hits, key=lambda h: (-h[1], h[0]))
        if len(hits) < n or len(ranked) <= limit or n >= _MAX_TIE_FETCH:
            return ranked[:limit]
        if min(score for _, score in hits) < ranked[limit - 1][1]:
            return ranked[:limit]
        n *= 4


#: most hits :func:`top_ids` fetches to settle ties (stories of identical text)
_MAX_TIE_FETCH = 4096


def check_search_args(sort: str, limit: int, offset: int) -> None:
    if sort not in SORTS:
        raise InputError(f"unknown sort {sort!r}", hint=f"use one of: {', '.join(SORTS)}")
    if limit < 0 or offset < 0:
        raise InputError("limit and offset must not be negative")


def check_interval(by: str) -> None:
    if by not in INTERVALS:
        raise InputError(f"unknown interval {by!r}", hint=f"use one of: {', '.join(INTERVALS)}")


def bucket_start(day: date, by: Interval) -> date:
    """The first day of the bucket holding ``day``."""
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    if by == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def _next_bucket(start: date, by: Interval) -> date:
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    m = start.month - 1 + months
    return date(start.year + m // 12, m % 12 + 1, 1)


def fill_histogram(
    day_counts: dict[date, int],
    by: Interval,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[tuple[date, int]]:
    """Roll per-day counts up into buckets and fill the gaps with zeros."""
    buckets: dict[date, int] = {}
    for day, n in day_counts.items():
        if n:
            key = bucket_start(day, by)
            buckets[key] = buckets.get(key, 0) + n
    first = date_from if date_from is not None else (min(buckets) if buckets else None)
    last = date_to if date_to is not None else (max(buckets) if buckets else None)
    if first is None or last is None or first > last:
        return []
    out: list[tuple[date, int]] = []
    cur = bucket_start(first, by)
    end = bucket_start(last, by)
    while cur <= end:
        out.append((cur, buckets.get(cur, 0)))
        cur = _next_bucket(cur, by)
    return out


# ----------------------------------------------------------------------------- registry

EngineFactory = Callable[..., SearchEngine]


def _load_builtins() -> None:
    # importing the modules registers them (the same hook a plug-in uses)
    from dateline.search import memory, tantivy_engine  # noqa: F401


_ENGINES: Registry[SearchEngine] = Registry("search engine", plural="engines",
                                            builtins=_load_builtins)


def register_engine(engine: type[SearchEngine], *, replace: bool = False) -> type[SearchEngine]:
    """Make an engine class available by its ``name`` (usable as a class decorator)."""
    return _ENGINES.register(engine, replace=replace)


def get_engine(name: str) -> type[SearchEngine]:
    """The engine class registered as ``name``."""
    return _ENGINES.get(name)


def available_engines() -> list[str]:
    return _ENGINES.names()
