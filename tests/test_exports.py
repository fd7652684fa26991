"""Exports: the same columns in JSONL, CSV and Parquet, typed Parquet columns, and slices with
the filters of search."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_kbs_radio
from dateline import Archive
from dateline.cli import app
from dateline.export import COLUMNS

KOREAN = ("가상 마을 축제 개막\n\n입력 2019.05.01 (21:10) 수정 2019.05.02 (09:30)\n\n<앵커 멘트>\n"
          "가상의 마을에서 봄 축제가 열렸습니다.\n<리포트>\n주민들이 모였습니다.\n"
          '<녹취> 성춘향(이장) : "많은 분들이 오셨습니다."\nKBS 뉴스 홍길동입니다.\n')


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("exports")
    src = tmp / "in"
    for i in range(4):
        topic = "tollgate inquiry" if i % 2 else "ferry strike"
        write_kbs_radio(src, f"s{i}.txt", f"{2017 + i}-0{i + 1}-1{i}", "Han Ji-ho",
                        f"Talks number {i} on the {topic}.")
    (src / "ko.txt").write_text(KOREAN, encoding="utf-8")
    (src / "undated.json").write_text(json.dumps(
        {"title": "An undated note", "text": "Anchor: A note on the tollgate inquiry. Report: "
         "Nothing more on the tollgate."}), encoding="utf-8")
    with Archive(tmp / "a.dateline", create=True) as arc:
        arc.ingest([src], workers=1)
    return tmp / "a.dateline"


def _jsonl(arc: Archive, **filters: object) -> list[dict[str, object]]:
    out = io.StringIO()
    arc.export(out, "jsonl", **filters)  # type: ignore[arg-type]
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_csv_and_parquet_have_the_same_columns(exported: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    with Archive(exported, readonly=True) as arc:
        records = _jsonl(arc)
        text = io.StringIO()
        arc.export(text, "csv")
        with (tmp_path / "all.parquet").open("wb") as fh:
            arc.export(fh, "parquet")
    assert all(tuple(r) == COLUMNS for r in records)
    rows = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert tuple(rows[0]) == COLUMNS and len(rows) == len(records) == 6
    assert tuple(pq.read_schema(tmp_path / "all.parquet").names) == COLUMNS
    by_id = {r["id"]: r for r in records}
    for row in rows:  # CSV holds the nested columns as JSON text
        assert json.loads(row["quotes"]) == by_id[row["id"]]["quotes"]
        assert json.loads(row["segments"]) == by_id[row["id"]]["segments"]
        assert row["title_derived"] in ("true", "false")


def test_parquet_columns_are_typed(exported: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = tmp_path / "all.parquet"
    with Archive(exported, readonly=True) as arc, path.open("wb") as fh:
        arc.export(fh, "parquet")
        stories = {s.id: s for s in arc.stories()}
    table = pq.read_table(path)
    schema = table.schema
    assert schema.field("date").type == pa.date32()
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("revision").type == pa.int64()
    assert schema.field("title_derived").type == pa.bool_()
    assert pa.types.is_list(schema.field("quotes").type)
    assert schema.field("quotes").type.value_type.field("language").type == pa.string()
    assert schema.field("segments").type.value_type.field("start").type == pa.int32()
    # what `SELECT year(date) FROM 'all.parquet'` needs: a real date column
    years = sorted(y for y in pc.year(table.column("date")).to_pylist() if y is not None)
    assert years == [2017, 2018, 2019, 2019, 2020]
    for row in table.to_pylist():
        story = stories[row["id"]]
        assert row["date"] == story.date
        if story.published_at is not None:  # the same instant, in UTC
            assert row["published_at"] == story.published_at.astimezone(UTC)
        assert [q["text"] for q in row["quotes"]] == [q.text for q in story.quotes]
        assert [(g["kind"], g["start"]) for g in row["segments"]] == \
            [(g.kind, g.start) for g in story.segments]


def test_export_takes_the_filters_of_search(exported: Path) -> None:
    with Archive(exported, readonly=True) as arc:
        tollgate = _jsonl(arc, query="tollgate")
        found = arc.search("tollgate", limit=50)
        assert {r["id"] for r in tollgate} == {h.id for h in found.hits} and len(tollgate) == 3
        dated = [r["date"] for r in tollgate if r["date"]]
        assert dated == sorted(dated)  # oldest first
        in_2018 = _jsonl(arc, date_from=date(2018, 1, 1), date_to=date(2018, 12, 31))
        assert [r["date"][:4] for r in in_2018] == ["2018"]
        assert {r["language"] for r in _jsonl(arc, language="Korean")} == {"ko"}
        assert len(_jsonl(arc, language="ko")) == 1
        radio = _jsonl(arc, program="kbs world radio news")
        assert len(radio) == 4 and {r["program"] for r in radio} == {"KBS World Radio News"}
        both = _jsonl(arc, query="tollgate", date_from=date(2019, 1, 1))
        assert [r["date"] for r in both] == ["2020-04-13"]
        assert _jsonl(arc, query="tollgate", language="ko") == []


def test_cli_export_a_slice(exported: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["export", "ferry", "--from", "2017", "--to", "2019", "-a",
                              str(exported)])
    assert out.exit_code == 0, out.output
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["date"] for r in records] == ["2017-01-10", "2019-03-12"]
    assert "exported 2 stories" in out.stderr
    target = tmp_path / "ko.csv"
    out = runner.invoke(app, ["export", "--lang", "ko", "-f", "csv", "-o", str(target), "-a",
                              str(exported)])
    assert out.exit_code == 0, out.output
    assert [r["language"] for r in csv.DictReader(target.open(encoding="utf-8"))] == ["ko"]
    assert "exported 1 story" in out.stderr
