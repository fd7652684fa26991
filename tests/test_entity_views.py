"""The command line and the web show the entities the enricher found, as it typed and counted
them, without errors of their own (on real KBS pages from ../shared)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_path
from dateline import Archive
from dateline.cli import app


@pytest.fixture(scope="module")
def kbs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pages = sorted(shared_path("corpora", "kbs-pages").glob("*.json"))[:16]
    path = tmp_path_factory.mktemp("kbs") / "kbs.dateline"
    with Archive(path, create=True) as arc:
        arc.ingest(pages, workers=1)
    return path


def _stored(arc: Archive, kind: str) -> set[tuple[str, str, str, int, int]]:
    """What the enricher stored: entities of ``kind`` with their stories and mentions."""
    return set(arc.store.conn.execute(
        "SELECT e.id, e.kind, e.name, COUNT(DISTINCT m.story_id), COUNT(*) FROM entity_mentions "
        "m JOIN entity_aliases a ON a.kind = m.kind AND a.key = m.key JOIN entities e ON "
        "e.id = a.entity_id WHERE m.kind = ? GROUP BY e.id", (kind,)).fetchall())


@pytest.mark.parametrize("kind, spelling", [("person", "person"), ("org", "organisation"),
                                            ("place", "places")])
def test_cli_and_api_list_the_entities_the_enricher_typed(kbs: Path, kind: str,
                                                          spelling: str) -> None:
    with Archive(kbs, readonly=True) as arc:
        stored = _stored(arc, kind)
    assert stored
    out = CliRunner().invoke(app, ["entities", "--type", spelling, "--top", "1000", "-a",
                                   str(kbs), "-f", "json"])
    assert out.exit_code == 0, out.output
    listed = {(e["id"], e["kind"], e["name"], e["stories"], e["mentions"])
              for e in json.loads(out.stdout)}
    assert listed == stored
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    with TestClient(create_app(kbs)) as client:
        api = client.get("/api/entities", params={"kind": kind, "top": 200}).json()
        page = client.get("/entities", params={"kind": kind, "top": 200}).text
    assert {(e["id"], e["kind"], e["name"], e["stories"], e["mentions"])
            for e in api["entities"]} == stored
    shown = set(re.findall(r'href="/entities/([^"]+)"', page))
    assert shown == {sid for sid, *_ in stored}


def test_story_page_shows_mentions_and_speakers_as_stored(kbs: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    with Archive(kbs, readonly=True) as arc:
        quoted = next(h for h in arc.quotes(limit=50).hits if h.entity_id)
        mentions = arc.story_extras(quoted.story_id)["entities"]
    kinds = {m["id"]: m["kind"] for m in mentions if m["id"]}
    with TestClient(create_app(kbs)) as client:
        story = client.get(f"/api/stories/{quoted.story_id}").json()
        page = client.get(f"/stories/{quoted.story_id}").text
    assert {m["id"]: m["kind"] for m in story["mentioned"]} == kinds
    assert any(s["entity_id"] == quoted.entity_id for s in story["speakers"])
    # every entity link on the page points at an entity the enricher found in the story
    linked = set(re.findall(r'href="/entities/([^"]+)"', page))
    assert linked <= set(kinds) | {s["entity_id"] for s in story["speakers"]}


def test_a_place_written_in_hangul_alone_is_listed_as_written_and_found_either_way(
        tmp_path: Path) -> None:
    # an archive that writes 미국 only lists it so, and finds its stories by place:미국 and by
    # the name every archive shares, place:"United States"
    page = tmp_path / "page.txt"
    page.write_text("date 2024-03-01\n솔빛일보\n미국 정부는 미국 국무부를 통해 한국 정부에 "
                    "항의했다고 밝혔습니다.\n", encoding="utf-8")
    with Archive(tmp_path / "arc.dateline", create=True) as arc:
        arc.ingest([page], workers=1)
        places = {e[2] for e in _stored(arc, "place")}
        assert {"미국", "한국"} <= places and not places & {"United States", "South Korea"}
        for query in ("place:미국", 'place:"United States"', 'place:"South Korea"'):
            assert arc.search(query).total == 1, query
