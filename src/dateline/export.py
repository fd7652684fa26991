"""Exports of stories: JSONL, CSV, Parquet and IPTC ninjs.

JSONL, CSV and Parquet carry the same columns (:data:`COLUMNS`), which hold the fields the JSON
and CSV readers recognise (``text``, ``title``, ``date``, ``url``), so an export ingested again
gives the same stories.  Parquet columns are typed (``date`` a date32, the times timestamps in
UTC, ``revision`` an integer, ``segments`` and ``quotes`` lists of structs); CSV writes those
two as JSON text.  ninjs is the IPTC's own shape.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import IO, Any

from dateline.errors import InputError, MissingExtra
from dateline.model import StoredStory

FORMATS = ("jsonl", "csv", "parquet", "ninjs")
#: the columns of JSONL, CSV and Parquet exports, in order
COLUMNS = (
    "id", "date", "published_at", "updated_at", "title", "title_derived", "program", "reporter",
    "language", "url", "source", "revision", "duplicate_of", "text", "segments", "quotes",
)
#: kept for readers of older code: CSV has every column now
CSV_FIELDS = COLUMNS
SEGMENT_FIELDS = ("kind", "start", "end")
QUOTE_FIELDS = ("speaker", "role", "organization", "language", "language_label", "kind", "text",
                "start", "end")
_NESTED = ("segments", "quotes")
_ROWS_PER_GROUP = 5000


def story_record(story: StoredStory, *, quotes: bool = True) -> dict[str, Any]:
    """The flat JSON form of a story used by exports, ``show --format json`` and the API; a
    story without a title has the one derived from its lead, with ``title_derived`` true."""
    title, derived = story.display_title
    record: dict[str, Any] = {
        "id": story.id,
        "date": story.date.isoformat() if story.date else None,
        "published_at": story.published_at.isoformat() if story.published_at else None,
        "updated_at": story.updated_at.isoformat() if story.updated_at else None,
        "title": title,
        "title_derived": derived,
        "program": story.program,
        "reporter": story.reporter,
        "language": story.language,
        "url": story.url,
        "source": story.source_name,
        "revision": story.revision,
        "duplicate_of": story.duplicate_of,
        "text": story.text,
    }
    if quotes:
        record["segments"] = [{"kind": s.kind, "start": s.start, "end": s.end}
                              for s in story.segments]
        record["quotes"] = [
            {"speaker": q.speaker, "role": q.role, "organization": q.organization,
             "language": q.language, "language_label": q.language_label, "kind": q.kind,
             "text": q.text, "start": q.start, "end": q.end}
            for q in story.quotes
        ]
    return record


def ninjs(story: StoredStory) -> dict[str, Any]:
    """IPTC ninjs 2.0 representation of a story."""
    item: dict[str, Any] = {
        "uri": story.url or f"urn:dateline:story:{story.id}",
        "type": "text",
        "version": str(story.revision),
        "language": story.language or None,
        "headlines": [{"value": story.title}] if story.title else [],
        "bodies": [{"role": "main", "contenttype": "text/plain", "value": story.text}],
        "copyrightholder": None,
    }
    if story.published_at:
        item["firstcreated"] = story.published_at.isoformat()
    elif story.date:
        item["firstcreated"] = story.date.isoformat()
    if story.updated_at:
        item["versioncreated"] = story.updated_at.isoformat()
    if story.reporter:
        item["by"] = story.reporter
    if story.program:
        item["genres"] = [{"name": story.program}]
    people = sorted({q.speaker for q in story.quotes if q.speaker})
    if people:
        item["people"] = [{"name": p, "rel": "quoted"} for p in people]
    return {k: v for k, v in item.items() if v not in (None, [], "")}


def _text_out(out: IO[Any]) -> IO[str]:
    if isinstance(out, io.TextIOBase):
        return out  # type: ignore[return-value]
    return io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)


def export_stories(stories: Iterable[StoredStory], out: IO[Any], fmt: str) -> int:
    """Write stories to ``out`` in ``fmt``; returns how many were written."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        return _export_parquet(stories, out)
    text = _text_out(out)
    n = 0
    if fmt == "csv":
        writer = csv.DictWriter(text, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for story in stories:
            writer.writerow(_csv_row(story_record(story)))
            n += 1
    else:
        convert = ninjs if fmt == "ninjs" else story_record
        for story in stories:
            text.write(json.dumps(convert(story), ensure_ascii=False) + "\n")
            n += 1
    text.flush()
    return n


def _csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """A record as CSV cells: the nested columns as JSON text, booleans as JSON does."""
    row = dict(record)
    for name in _NESTED:
        row[name] = json.dumps(row[name], ensure_ascii=False)
    row["title_derived"] = "true" if row["title_derived"] else "false"
    return row


def parquet_schema() -> Any:
    """The Arrow schema of Parquet exports: the columns of :data:`COLUMNS`, typed."""
    import pyarrow as pa

    text = pa.string()
    timestamp = pa.timestamp("us", tz="UTC")
    segment = pa.struct([("kind", text), ("start", pa.int32()), ("end", pa.int32())])
    quote = pa.struct([(name, pa.int32() if name in ("start", "end") else text)
                       for name in QUOTE_FIELDS])
    types = {"date": pa.date32(), "published_at": timestamp, "updated_at": timestamp,
             "title_derived": pa.bool_(), "revision": pa.int64(),
             "segments": pa.list_(segment), "quotes": pa.list_(quote)}
    return pa.schema([(name, types.get(name, text)) for name in COLUMNS])


def _parquet_row(story: StoredStory) -> dict[str, Any]:
    row = story_record(story)
    row["date"] = story.date
    row["published_at"] = story.published_at
    row["updated_at"] = story.updated_at
    return row


def _export_parquet(stories: Iterable[StoredStory], out: IO[Any]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingExtra("pyarrow", "export", "Parquet export") from exc
    schema = parquet_schema()
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for story in stories:
            chunk.append(_parquet_row(story))
            n += 1
            if len(chunk) >= _ROWS_PER_GROUP:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                chunk = []
        if chunk or n == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
    return n

