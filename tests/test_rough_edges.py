"""Small things a new user trips on: what `dups` says on an incremental run, and each speaker
once under "Who speaks"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_kbs_radio
from dateline import Archive
from dateline.cli import app


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("edges")
    src = tmp / "in"
    for i in range(2):
        write_kbs_radio(src, f"s{i}.txt", f"2019-0{i + 1}-05", "Han Ji-ho",
                        f"Park said that round {i} of the harbour talks went well.")
    runner = CliRunner()
    out = runner.invoke(app, ["ingest", str(src), "-a", str(tmp / "a.dateline"), "--workers",
                              "1"])
    assert out.exit_code == 0, out.output
    return tmp / "a.dateline"


def test_dups_says_when_nothing_was_new(small: Path) -> None:
    runner = CliRunner()
    again = runner.invoke(app, ["dups", "-a", str(small)])  # the ingest already checked them
    assert again.exit_code == 0, again.output
    assert "0 stories checked" not in again.stderr
    assert "up to date: no story is new or changed since the last pass" in again.stderr
    rebuilt = runner.invoke(app, ["dups", "--rebuild", "-a", str(small)])
    assert "every story checked again (2 stories)" in rebuilt.stderr


def test_who_speaks_lists_each_speaker_once(small: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    with Archive(small, readonly=True) as arc:
        story = next(iter(arc.stories()))
        said = arc.quotes(limit=50)
    mine = [h for h in said.hits if h.story_id == story.id]
    assert len(mine) == 3  # a sound bite, and "Park said that…" in the lead and the report
    with TestClient(create_app(small)) as client:
        data = client.get(f"/api/stories/{story.id}").json()
        page = client.get(f"/stories/{story.id}").text
    assert [(s["entity"], s["kinds"]) for s in data["speakers"]] == \
        [("Park Sol-bin", {"soundbite": 1, "reported": 2})]
    panel = re.search(r"<h2>Who speaks</h2>(.*?)</section>", page, re.S)
    assert panel is not None
    assert panel.group(1).count("<li>") == 1
    assert "1 sound bite, 2 reported" in " ".join(panel.group(1).split())


@pytest.mark.parametrize("query", ["date:1000..3000", "date:0900-01-01..9999-12-31"])
def test_a_date_range_beyond_the_index_means_every_date(small: Path, query: str) -> None:
    with Archive(small, readonly=True) as arc:
        assert arc.search(query).total == 2  # it was an internal error
