"""From one structured record (a JSON object, a CSV row) to a :class:`Record` or a RecordError.

Field names are found automatically, case-insensitively, from the common names below, unless
the user names them with the ``*_field`` options (a dotted name such as ``content.rendered``
reaches into nested objects); a record with none of the date names takes the first field named
for the story's date (``content_date``, ``datePublished``) whose value reads as a date.  Fields
that are not mapped are kept in ``Hints.extra``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from dateline.model import Hints, Record, RecordError, normalize_text
from dateline.readers.registry import ReaderOptions

TEXT_FIELDS = ("text", "body", "story_text", "excerpt", "content", "article")
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("date", "date_str", "published", "published_at", "pubdate", "datetime")
URL_FIELDS = ("url", "link")
ID_FIELDS = ("id", "guid", "record_id", "uuid")
PROGRAM_FIELDS = ("program", "programme", "program_name", "show")
LANGUAGE_FIELDS = ("language", "lang", "language_code", "inlanguage")

_YMD = re.compile(r"^\s*(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})\.?\s*(.*)$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_TIME = re.compile(
    r"^\(?\s*(?:T\s*)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*"
    r"(Z|UTC|GMT|KST|[+-]\d{2}:?\d{2})?\s*\)?$",
    re.I,
)
_OFFSETS = {"Z": "+00:00", "UTC": "+00:00", "GMT": "+00:00", "KST": "+09:00"}
_NUMBER = re.compile(r"^\s*-?\d{9,14}(\.\d+)?\s*$")


@dataclass(slots=True)
class ParsedDate:
    date: date
    published_at: datetime | None  # only for a time with an explicit offset


def to_record(obj: Any, locator: str, options: ReaderOptions, raw: bytes) -> Record | RecordError:
    """Map one JSON object or CSV row to a Record, or say why it cannot be one."""
    where = f"record {locator}" if locator.startswith("#") else locator
    if not isinstance(obj, Mapping):
        return RecordError(f"{where} is {_kind(obj)}, not an object with a text field",
                           locator, raw)
    fields = _Fields(obj)
    text_name = options.text_field or fields.first(TEXT_FIELDS)
    if text_name is None:
        keys = ", ".join(repr(str(k)) for k in list(obj)[:12]) or "no fields"
        return RecordError(
            f"{where} has no text field (looked for {', '.join(TEXT_FIELDS)}; it has {keys}); "
            "name the field with --text-field",
            locator, raw,
        )
    found, value = fields.get(text_name)
    if not found:
        return RecordError(f"{where} has no field {text_name!r} (given with --text-field)",
                           locator, raw)
    if not isinstance(value, str):
        return RecordError(
            f"{where}: field {text_name!r} is {_kind(value)}, expected a string of text",
            locator, raw,
        )
    if not value.strip():
        return RecordError(f"{where}: field {text_name!r} is empty", locator, raw)
    warnings: list[str] = []
    used = {fields.key(text_name)}
    hints = Hints(
        title=_string(fields, options.title_field, TITLE_FIELDS, used, warnings),
        program=_string(fields, options.program_field, PROGRAM_FIELDS, used, warnings),
        language=_string(fields, options.language_field, LANGUAGE_FIELDS, used, warnings),
        record_id=_string(fields, options.id_field, ID_FIELDS, used, warnings),
        url=_string(fields, options.url_field, URL_FIELDS, used, warnings),
    )
    found, derived = fields.get("title_derived")
    if found and not options.title_field:
        # dateline's own exports give an untitled story the title derived from its lead,
        # marked so: it is not the story's title, and reading the export back keeps it so
        used.add(fields.key("title_derived"))
        if derived is True or str(derived).strip().lower() in ("true", "1"):
            hints.title = None
    if hints.url is None and hints.record_id and hints.record_id.startswith(("http://", "https://")):
        hints.url = hints.record_id
    _dates(fields, options.date_field, hints, used, warnings)
    hints.extra = {str(k): v for k, v in obj.items() if str(k) not in used}
    return Record(normalize_text(value), locator, hints, warnings)


def parse_date(value: Any) -> ParsedDate | None:
    """A date from an ISO string, ``YYYY.MM.DD``, ``YYYYMMDD``, RFC 2822, or epoch s/ms."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _epoch(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    if _NUMBER.match(s):
        return _epoch(float(s))
    try:
        dt = datetime.fromisoformat(s[:-1] + "+00:00" if s[-1:] in "zZ" else s)
    except ValueError:
        pass
    else:
        return ParsedDate(dt.date(), dt if dt.tzinfo is not None else None)
    m = _COMPACT.match(s)
    if m:
        return _ymd(m[1], m[2], m[3])
    m = _YMD.match(s)
    if m:
        day = _ymd(m[1], m[2], m[3])
        return None if day is None else _with_time(day, m[4])
    try:
        dt = parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    return ParsedDate(dt.date(), dt if dt.tzinfo is not None else None)


# -- helpers ----------------------------------------------------------------------------------


class _Fields:
    """Case-insensitive, dotted-path access to one record's fields."""

    def __init__(self, obj: Mapping[Any, Any]):
        self.obj = obj
        self.lower: dict[str, str] = {}
        for k in obj:
            self.lower.setdefault(str(k).lower(), k)

    def key(self, name: str) -> str:
        return str(self.lower.get(name.lower(), name)).split(".")[0]

    def first(self, candidates: tuple[str, ...]) -> str | None:
        for name in candidates:
            if name in self.lower:
                return str(self.lower[name])
        return None

    def get(self, name: str) -> tuple[bool, Any]:
        if name in self.obj:
            return True, self.obj[name]
        if name.lower() in self.lower:
            return True, self.obj[self.lower[name.lower()]]
        node: Any = self.obj
        for part in name.split("."):
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return False, None
        return True, node


def _string(fields: _Fields, flag: str | None, candidates: tuple[str, ...], used: set[str],
            warnings: list[str]) -> str | None:
    name = flag or fields.first(candidates)
    if name is None:
        return None
    found, value = fields.get(name)
    if not found:
        warnings.append(f"no field {name!r}")
        return None
    used.add(fields.key(name))
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        warnings.append(f"field {name!r} is {_kind(value)}, not a string; ignored")
        return None
    value = " ".join(normalize_text(value).split())  # titles, ids, urls: one line each
    return value or None


def _dates(fields: _Fields, flag: str | None, hints: Hints, used: set[str],
           warnings: list[str]) -> None:
    """Fill hints.date/published_at; strings before epoch numbers (KCNA: date_str, date).
    Without a field of a known name, the first field named for a date (``content_date``,
    ``datePublished``) whose value reads as one."""
    names = [flag] if flag else [str(fields.lower[n]) for n in DATE_FIELDS if n in fields.lower]
    if not names:
        _named_date(fields, hints, used)
        return
    values: list[tuple[str, Any]] = []
    for name in names:
        found, value = fields.get(name)
        if not found:
            warnings.append(f"no field {name!r} (given with --date-field)")
            continue
        used.add(fields.key(name))
        if value is not None and value != "":
            values.append((name, value))
    ordered = [v for v in values if isinstance(v[1], str)] + [
        v for v in values if not isinstance(v[1], str)
    ]
    bad: list[str] = []
    for name, value in ordered:
        parsed = parse_date(value)
        if parsed is None:
            bad.append(f"field {name!r} = {str(value)[:40]!r}")
            continue
        if hints.date is None:
            hints.date = parsed.date
        if hints.published_at is None and parsed.published_at is not None:
            hints.published_at = parsed.published_at
    if bad and hints.date is None:
        warnings.append(
            f"date not understood ({'; '.join(bad)}); use YYYY-MM-DD, an ISO 8601 time or "
            "epoch seconds/milliseconds — the record is kept without a date"
        )


#: words in a field's name that make it a date of something else than the story
_OTHER_DATES = re.compile(r"updat|modif|edit|crawl|scrap|fetch|retriev|access|download|expir|"
                          r"birth|death|index|harvest|collect|insert|import", re.I)


def _named_date(fields: _Fields, hints: Hints, used: set[str]) -> None:
    """The first field whose name says a date (and no other date than the story's) and whose
    value reads as one: ``content_date``, ``pub_date``, ``datePublished``."""
    for key, value in fields.obj.items():
        name = str(key)
        if "date" not in name.lower() or _OTHER_DATES.search(name):
            continue
        parsed = parse_date(value)
        if parsed is None:
            continue
        used.add(name)
        hints.date = parsed.date
        hints.published_at = parsed.published_at
        return


def _epoch(x: float) -> ParsedDate | None:
    if abs(x) >= 1e11:  # milliseconds
        x /= 1000.0
    if not 0 <= x < 4.2e9:  # 1970 … 2103; anything else is not a timestamp
        return None
    return ParsedDate(datetime.fromtimestamp(x, tz=UTC).date(), None)


def _ymd(y: str, m: str, d: str) -> ParsedDate | None:
    try:
        return ParsedDate(date(int(y), int(m), int(d)), None)
    except ValueError:
        return None


def _with_time(day: ParsedDate, rest: str) -> ParsedDate | None:
    rest = rest.strip()
    if not rest:
        return day
    m = _TIME.match(rest)
    if m is None:
        return None
    if m[4] is None:
        return day  # a local time without an offset: the date is sure, the instant is not
    off = _OFFSETS.get(m[4].upper(), m[4])
    iso = f"{day.date.isoformat()}T{int(m[1]):02d}:{m[2]}:{m[3] or '00'}{off}"
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return ParsedDate(day.date, dt)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"
