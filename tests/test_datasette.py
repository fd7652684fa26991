"""The archive's SQLite file reads well in Datasette and SQL: views a reader would query, and
metadata that describes them and hides dateline's own tables (opened with Datasette's own
Python API)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import write_kbs_radio
from dateline import Archive
from dateline.cli import app
from dateline.store import views

pytest.importorskip("datasette")

from datasette.app import Datasette  # noqa: E402


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("datasette")
    src = tmp / "in"
    for i in range(3):
        write_kbs_radio(src, f"s{i}.txt", f"2019-0{i + 1}-05", "Han Ji-ho",
                        f"Park said that round {i} of the harbour railway talks went well.")
    (src / "copy.txt").write_text((src / "s0.txt").read_text(encoding="utf-8"),
                                  encoding="utf-8")  # an exact duplicate: not a story twice
    (src / "bad.json").write_text(json.dumps([{"title": "No text here"}]), encoding="utf-8")
    with Archive(tmp / "a.dateline", create=True) as arc:
        arc.ingest([src], workers=1)
    return tmp / "a.dateline"


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_datasette_shows_the_views_and_hides_internals(archive_db: Path) -> None:
    with Archive(archive_db, readonly=True) as arc:
        meta = arc.datasette_metadata()
        stories = {s.id: s for s in arc.stories()}
        quotes = arc.quotes(limit=100)
        top = {e.id: e for e in arc.entities(top=500)}
        park_quotes = arc.entity("Park Sol-bin").quotes

    async def browse() -> dict[str, Any]:
        ds = Datasette([str(archive_db / "dateline.sqlite")], metadata=meta)
        await ds.invoke_startup()
        db = ds.get_database("dateline")
        out: dict[str, Any] = {
            "views": set(await db.view_names()),
            "hidden": set(await db.hidden_table_names()),
            "tables": set(await db.table_names()),
        }
        for name in views.VIEWS:
            result = await db.execute(f"SELECT * FROM {name}")
            out[name] = [dict(r) for r in result.rows]
        page = await ds.client.get("/dateline.json")
        assert page.status_code == 200, page.text
        out["listed"] = {t["name"]: t["hidden"] for t in page.json()["tables"]}
        index = await ds.client.get("/dateline")
        out["index_html"] = index.text
        shaped = await ds.client.get("/dateline/current_stories.json?_shape=array&_size=max")
        out["api_rows"] = shaped.json()
        return out

    seen = _run(browse())
    assert set(views.VIEWS) <= seen["views"]
    internal = {"blobs", "meta", "stories", "thread_df", "thread_links", "dup_bands",
                "korean_terms", "entity_quotes", "enrichments", "story_titles", "quotes"}
    assert internal <= seen["hidden"]
    visible = {name for name, hidden in seen["listed"].items() if not hidden}
    assert visible == set(views.VISIBLE_TABLES)
    assert "current_quotes" in seen["index_html"] and "blobs" not in seen["index_html"]
    # current_stories: one row per story (the duplicate left out), with its text and title
    rows = {r["id"]: r for r in seen["current_stories"]}
    assert set(rows) == set(stories) and len(rows) == 3
    for sid, story in stories.items():
        title, derived = story.display_title
        assert (rows[sid]["date"], rows[sid]["title"], bool(rows[sid]["title_derived"])) == \
            (story.date.isoformat(), title, derived)
        assert rows[sid]["text"] == story.text and rows[sid]["program"] == story.program
    assert {r["id"] for r in seen["api_rows"]} == set(stories)
    # current_quotes: the quotes `dateline quotes` lists, with the speaker's canonical name
    got = sorted((r["story_id"], r["kind"], r["speaker"], r["text"])
                 for r in seen["current_quotes"])
    want = sorted((h.story_id, h.kind, h.entity or h.speaker, h.text) for h in quotes.hits)
    assert got == want and {r["kind"] for r in seen["current_quotes"]} == {"soundbite",
                                                                          "reported"}
    # entity_summary: the figures of `dateline entities`
    for row in seen["entity_summary"]:
        if row["id"] in top:
            assert (row["stories"], row["mentions"]) == (top[row["id"]].stories,
                                                         top[row["id"]].mentions)
    assert {r["id"] for r in seen["entity_summary"]} >= set(top)
    park = next(r for r in seen["entity_summary"] if r["name"] == "Park Sol-bin")
    assert park["kind"] == "person" and park["quotes"] == park_quotes == 9  # 3 + 2 × 3


def test_views_are_plain_sql_for_any_reader(archive_db: Path) -> None:
    conn = sqlite3.connect(f"file:{archive_db / 'dateline.sqlite'}?mode=ro", uri=True)
    try:
        n = conn.execute("SELECT COUNT(*) FROM current_stories WHERE date >= '2019-02-01'"
                         ).fetchone()[0]
        speakers = conn.execute("SELECT speaker, COUNT(*) FROM current_quotes GROUP BY speaker"
                                ).fetchall()
    finally:
        conn.close()
    assert n == 2 and dict(speakers)["Park Sol-bin"] == 9


def test_cli_datasette_metadata(archive_db: Path) -> None:
    out = CliRunner().invoke(app, ["datasette", "--metadata", "-a", str(archive_db)])
    assert out.exit_code == 0, out.output
    meta = json.loads(out.stdout)
    tables = meta["databases"]["dateline"]["tables"]
    assert tables["blobs"] == {"hidden": True}
    assert "description" in tables["current_stories"]
