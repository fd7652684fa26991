"""Readers of structured records: ``json``, ``jsonl`` and ``csv``.

- **json**: an object, a list of objects, or an object wrapping the list under ``items``,
  ``data``, ``articles``, ``records`` (also ``results``, ``stories``, ``entries``, ``posts``),
  nested up to three levels.  Each object is a record with locator ``#N`` (N counts from 1).
  A ``.json`` file that is really JSON Lines is read as JSON Lines.
- **jsonl**: one object per line, locator ``line N``; a bad line is a RecordError holding that
  line's bytes and the other lines are read.
- **csv**: a header row, then one record per row, locator ``row N`` (N counts data rows from 1);
  ``.tsv`` is tab-separated, otherwise the delimiter is guessed from the header line.

Field names are found as described in :mod:`dateline.readers.fields`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Mapping
from typing import Any

from dateline.model import Record, RecordError, SourceFile
from dateline.readers.decoding import Decoded, attach_warnings, decode_source, encode_like
from dateline.readers.fields import TEXT_FIELDS, to_record
from dateline.readers.registry import ReaderOptions, register_reader

WRAPPER_KEYS = ("items", "data", "articles", "records", "results", "stories", "entries", "posts")
#: the start of a JSON object or list of objects (``[Anchor Lead]`` starts a transcript)
_JSON_START = re.compile(rb'^(?:\xef\xbb\xbf)?\s*(?:\[\s*)?\{\s*(?:"|\})')


def read_json(source: SourceFile, options: ReaderOptions) -> None:
    decoded = decode_source(source, options)
    if decoded is None:
        return
    try:
        data = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and _looks_like_jsonl(decoded.text):
            source.reader = "jsonl"
            _read_lines(source, decoded, options)
            return
        source.reject_reason = (
            f"invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; fix the file, "
            "or read it as plain text with --reader text"
        )
        source.reject_place = f"line {exc.lineno}, column {exc.colno}"
        attach_warnings(source, decoded)
        return
    items = _items(data, options)
    if items is None:
        source.reject_reason = (
            f"the JSON holds {_kind(data)}, not an object or a list of objects; "
            "read it as plain text with --reader text"
        )
        return
    for number, item in enumerate(items, 1):
        raw = json.dumps(item, ensure_ascii=False).encode("utf-8")
        _add(source, to_record(item, f"#{number}", options, raw))
    if not items:
        source.reject_reason = "the JSON holds an empty list: no records"
    attach_warnings(source, decoded)


def read_jsonl(source: SourceFile, options: ReaderOptions) -> None:
    decoded = decode_source(source, options)
    if decoded is None:
        return
    _read_lines(source, decoded, options)


def read_csv(source: SourceFile, options: ReaderOptions) -> None:
    decoded = decode_source(source, options)
    if decoded is None:
        return
    text = decoded.text
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = "\t" if source.name.lower().endswith(".tsv") else _delimiter(first_line)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(rows, [])]
        if not any(header):
            source.reject_reason = "the CSV file has no header row (line 1 is empty)"
            source.reject_place = "line 1"
            return
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            number += 1
            line = rows.line_num
            obj: dict[str, Any] = dict(zip(header, row, strict=False))
            for name in header[len(row):]:
                obj[name] = None
            locator = f"row {number}"
            result = to_record(obj, locator, options, encode_like(delimiter.join(row), decoded))
            if len(row) > len(header):
                extra = row[len(header):]
                if isinstance(result, RecordError):
                    result.reason += f" (line {line})"
                else:
                    result.hints.extra["_extra_cells"] = extra
                    result.warnings.append(
                        f"line {line} has {len(extra)} more cell(s) than the header; "
                        "kept as _extra_cells"
                    )
            elif isinstance(result, RecordError):
                result.reason += f" (line {line})"
            _add(source, result)
    except csv.Error as exc:
        source.errors.append(RecordError(
            f"row {number + 1} (line {rows.line_num}): CSV error: {exc}; the rows after it were "
            "not read — fix the quoting there and ingest again",
            f"row {number + 1}",
        ))
    if number == 0 and not source.errors:
        source.reject_reason = "the CSV file has a header but no rows"
    attach_warnings(source, decoded)


# -- helpers ----------------------------------------------------------------------------------


def _read_lines(source: SourceFile, decoded: Decoded, options: ReaderOptions) -> None:
    text = decoded.text
    start = 0
    number = 0
    seen = 0
    last: Record | RecordError | None = None
    while start <= len(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        line = text[start:end]
        number += 1
        start = end + 1
        if not line or line.isspace():
            continue
        seen += 1
        locator = f"line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            last = RecordError(
                f"line {number}: invalid JSON ({exc.msg}, column {exc.colno}); the other "
                "lines were read — fix this line and ingest again",
                locator, encode_like(line, decoded),
            )
            source.errors.append(last)
            continue
        last = to_record(obj, locator, options, encode_like(line, decoded))
        _add(source, last)
    if seen == 0:
        source.reject_reason = "no JSON lines: the file holds only whitespace"
    attach_warnings(source, decoded, last)


def _items(data: Any, options: ReaderOptions, depth: int = 0) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if not isinstance(data, Mapping):
        return None
    lower = {str(k).lower(): k for k in data}
    if options.text_field and (options.text_field in data or "." in options.text_field):
        return [data]
    if any(name in lower for name in TEXT_FIELDS):
        return [data]
    if depth < 3:
        for key in WRAPPER_KEYS:
            if key not in lower:
                continue
            value = data[lower[key]]
            if isinstance(value, list):
                return value
            if isinstance(value, Mapping):
                inner = _items(value, options, depth + 1)
                if inner is not None and not (len(inner) == 1 and inner[0] is value):
                    return inner
    return [data]


def _looks_like_jsonl(text: str) -> bool:
    lines = [line for line in text[:65536].split("\n")[:3] if line.strip()]
    return len(lines) >= 2 and all(line.lstrip().startswith("{") for line in lines)


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _add(source: SourceFile, result: Any) -> None:
    if isinstance(result, RecordError):
        source.errors.append(result)
    else:
        source.records.append(result)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


def _sniff_json(head: bytes) -> bool:
    return _JSON_START.match(head) is not None


register_reader("json", (".json",), read_json, _sniff_json,
                description="a JSON object or list of objects; field names detected")
register_reader("jsonl", (".jsonl", ".ndjson", ".jsonlines"), read_jsonl,
                description="JSON Lines: one object per line")
register_reader("csv", (".csv", ".tsv"), read_csv,
                description="CSV/TSV with a header row; field names detected")
