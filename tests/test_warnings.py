"""Warnings about stored sources can be listed (library, CLI, JSON API, rejects page), each with
its source, its place and what it says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline import Archive
from dateline.cli import app
from dateline.store.ingest_warnings import split_place

#: a JSONL source: the first record's date line is impossible (a warning), the second is fine
RECORDS = [
    {"url": "https://example.invalid/a",
     "text": " date 2020-13-45 Photo : YONHAP News\n\nAnchor: Words about the harbour. "
             "Han Ji-ho has more.Report: More words about the harbour."},
    {"url": "https://example.invalid/b", "text": "Anchor: Fine words about ferries. Report: "
                                                 "More words about ferries."},
]


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("warned")
    src = tmp / "in" / "pages.jsonl"
    src.parent.mkdir()
    src.write_text("\n".join(json.dumps(r) for r in RECORDS), encoding="utf-8")
    arc = tmp / "a.dateline"
    out = CliRunner().invoke(app, ["ingest", str(src.parent), "-a", str(arc), "--workers", "1"])
    assert out.exit_code == 0, out.output
    assert "1 warnings" in out.output and "dateline rejects --warnings" in out.output
    return arc


def test_warnings_are_listed_with_source_and_place(warned: Path) -> None:
    with Archive(warned, readonly=True) as arc:
        assert arc.rejects() == []  # stored, not rejected
        [warning] = arc.warnings()
        assert arc.stats()["warnings"] == 1
    assert warning.source == "pages.jsonl"
    assert warning.place == "line 1"  # the record it is about
    assert warning.message == "invalid date 2020-13-45 on line 1"


def test_cli_rejects_warnings(warned: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["rejects", "--warnings", "-a", str(warned), "-f", "json"])
    assert out.exit_code == 0, out.output
    [row] = json.loads(out.stdout)
    assert (row["source"], row["place"]) == ("pages.jsonl", "line 1")
    assert "2020-13-45" in row["message"]
    table = runner.invoke(app, ["rejects", "-w", "-a", str(warned)], env={"COLUMNS": "120"})
    assert "invalid date 2020-13-45" in table.output
    assert json.loads(runner.invoke(app, ["rejects", "-a", str(warned), "-f", "json"]).stdout) \
        == []


def test_web_rejects_page_and_api_list_warnings(warned: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    with TestClient(create_app(warned), raise_server_exceptions=False) as client:
        body = client.get("/api/warnings").json()
        assert body["ok"] is True and body["total"] == 1
        assert body["warnings"][0]["place"] == "line 1"
        assert body["warnings"][0]["source"] == "pages.jsonl"
        page = client.get("/rejects").text
        assert "invalid date 2020-13-45 on line 1" in page and "pages.jsonl" in page
        assert "Nothing was rejected" in page
        assert client.get("/api/stats").json()["warnings"] == 1


@pytest.mark.parametrize("text, place, message", [
    ("line 7: story 0: sound bite at 12 is cut", "line 7, story 0", "sound bite at 12 is cut"),
    ("#3: no field 'date'", "#3", "no field 'date'"),
    ("story 2: sound bite at 5 is cut", "story 2", "sound bite at 5 is cut"),
    ("no main text found; kept the whole page", None, "no main text found; kept the whole page"),
])
def test_warning_place_is_split_from_its_message(text: str, place: str | None,
                                                 message: str) -> None:
    assert split_place(text) == (place, message)
