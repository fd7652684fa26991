"""Timelines say how many matching stories they leave out for want of a date (library, CLI,
JSON API, web pages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_kbs_radio
from dateline import Archive
from dateline.cli import app

UNDATED = ("Anchor: Harbour Minister Park Sol-bin spoke on the tollgate. Han Ji-ho has more."
           "Report: The tollgate opens soon.[Sound bite: Harbour Minister Park Sol-bin]\"We "
           "will open the tollgate.\"Han Ji-ho, KBS World Radio News.")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("undated")
    src = tmp / "in"
    for i in range(3):
        write_kbs_radio(src, f"s{i}.txt", f"{2018 + i}-03-05", "Han Ji-ho",
                        f"Round {i} of the tollgate talks.")
    (src / "undated.json").write_text(json.dumps(
        [{"title": f"Undated tollgate note {i}", "text": UNDATED.replace("soon", f"in {i}")}
         for i in range(2)]), encoding="utf-8")
    with Archive(tmp / "a.dateline", create=True) as arc:
        arc.ingest([src], workers=1)
    return tmp / "a.dateline"


def test_timelines_count_what_they_leave_out(mixed: Path) -> None:
    with Archive(mixed) as arc:
        assert arc.search("tollgate").total == 5
        by_query = arc.timeline("tollgate", by="year")
        assert (by_query.total, by_query.undated) == (3, 2)
        assert any("2 stories" in w and "no date" in w for w in by_query.warnings)
        by_entity = arc.timeline(entity="Park Sol-bin", by="year")
        assert (by_entity.total, by_entity.undated) == (3, 2)
        by_speaker = arc.timeline(speaker="Park Sol-bin", by="month")
        assert (by_speaker.total, by_speaker.undated) == (3, 2)
        dated_only = arc.timeline("railway", by="year")  # the sound bites of dated stories
        assert dated_only.undated == 0 and not dated_only.warnings
        assert by_query.to_dict()["undated"] == 2


def test_cli_timeline_says_how_many_are_left_out(mixed: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["timeline", "tollgate", "--by", "year", "-a", str(mixed)])
    assert table.exit_code == 0, table.output
    assert "total 3 in 3 years; 2 undated, not counted" in table.stdout
    assert "no date" in table.stderr
    data = json.loads(runner.invoke(app, ["timeline", "tollgate", "-a", str(mixed), "-f",
                                          "json"]).stdout)
    assert (data["total"], data["undated"]) == (3, 2)


def test_web_says_how_many_are_left_out(mixed: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    with Archive(mixed, readonly=True) as arc:
        park = arc.entity("Park Sol-bin").id
    with TestClient(create_app(mixed)) as client:
        api = client.get("/api/timeline", params={"q": "tollgate", "by": "year"}).json()
        assert (api["total"], api["undated"]) == (3, 2)
        page = client.get("/search", params={"q": "tollgate"}).text
        assert "2 of the matching stories have no date and are not in the chart" in page
        entity = client.get(f"/entities/{park}").text
        assert "2 more stories have no date and are not in the chart" in entity
