"""Round trips: store in → same out; export → ingest → same stories."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_kbs_radio
from dateline import Archive
from dateline.model import SEOUL, ParsedStory, Segment, SourceFile, normalize_text
from dateline.store import ParsedRecord, ParsedSource, Store

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1, max_size=400,
).map(normalize_text).filter(lambda t: t.strip() != "")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       title=st.one_of(st.none(), texts), minutes=st.integers(0, 60 * 24 * 365))
def test_store_round_trip_keeps_text_date_and_times(tmp_path_factory, text: str, day: date,
                                                    title: str | None, minutes: int) -> None:
    folder = tmp_path_factory.mktemp("rt")
    store = Store(folder)
    published = datetime(2020, 1, 1, tzinfo=SEOUL) + timedelta(minutes=minutes)
    story = ParsedStory(text=text, title=title, date=day, published_at=published,
                        segments=[Segment("narration", text, 0, len(text))])
    source = SourceFile(origin="mem", name="mem.txt", raw=text.encode("utf-8"), reader="text")
    run = store.start_run({})
    store.write_batch([ParsedSource(source, [ParsedRecord("", [story], [])])], run)
    [back] = list(store.iter_stories())
    store.close()
    assert back.text == text
    assert back.title == title
    assert back.date == day
    assert back.published_at == published
    assert back.published_at.utcoffset() == timedelta(hours=9)
    assert back.segments[0].text == text


def _corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    for i in range(6):
        write_kbs_radio(src, f"s{i}.txt", f"2017-0{i + 1}-1{i}", "Han Ji-ho",
                        f"Talks number {i} on the harbour railway and sanctions.")
    return src


def _signature(archive: Archive) -> list[tuple[object, ...]]:
    return sorted((s.date, s.title, " ".join(s.text.split())) for s in archive.stories())


def test_export_jsonl_then_ingest_gives_same_stories(tmp_path: Path) -> None:
    with Archive(tmp_path / "a", create=True) as a:
        a.ingest([_corpus(tmp_path)], workers=1, index=False)
        out = io.StringIO()
        n = a.export(out, "jsonl")
        expected = _signature(a)
    assert n == 6
    export = tmp_path / "export.jsonl"
    export.write_text(out.getvalue(), encoding="utf-8")
    first = json.loads(out.getvalue().splitlines()[0])
    assert {"id", "date", "title", "text", "quotes"} <= first.keys()
    with Archive(tmp_path / "b", create=True) as b:
        report = b.ingest([export], workers=1, index=False)
        assert report.counts.rejected == 0
        assert _signature(b) == expected


def test_export_csv_has_header_and_rows(tmp_path: Path) -> None:
    with Archive(tmp_path / "a", create=True) as a:
        a.ingest([_corpus(tmp_path)], workers=1, index=False)
        out = io.StringIO()
        a.export(out, "csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 6
    assert all(r["date"].startswith("2017-") for r in rows)


def test_export_ninjs_is_valid_shape(tmp_path: Path) -> None:
    with Archive(tmp_path / "a", create=True) as a:
        a.ingest([_corpus(tmp_path)], workers=1, index=False)
        out = io.StringIO()
        a.export(out, "ninjs")
    items = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(items) == 6
    for item in items:
        assert item["type"] == "text"
        assert item["uri"].startswith("urn:dateline:story:")
        assert item["bodies"][0]["value"]
        assert item["firstcreated"].startswith("2017-")


def test_export_parquet_round_trips_rows(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    with Archive(tmp_path / "a", create=True) as a:
        a.ingest([_corpus(tmp_path)], workers=1, index=False)
        path = tmp_path / "all.parquet"
        with path.open("wb") as fh:
            a.export(fh, "parquet")
        expected = {s.id for s in a.stories()}
    table = pq.read_table(path)
    assert set(table.column("id").to_pylist()) == expected
    assert table.num_rows == 6
