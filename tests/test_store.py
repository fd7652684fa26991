"""The store of record: migrations, WAL mode, ids."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dateline.errors import SchemaTooNew
from dateline.store import Store, story_id_for
from dateline.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate


def test_store_migrates_an_old_archive_step_by_step(tmp_path: Path) -> None:
    db = tmp_path / "dateline.sqlite"
    conn = sqlite3.connect(db)
    conn.isolation_level = None
    conn.executescript("BEGIN;\n" + MIGRATIONS[0] + "\nPRAGMA user_version = 1;\nCOMMIT;")
    conn.close()
    store = Store(tmp_path)  # opening migrates
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"stories", "revisions", "korean_terms", "entities"} <= tables
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.sqlite")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaTooNew, match="upgrade dateline"):
        migrate(conn)


def test_story_ids_are_stable() -> None:
    assert story_id_for("url:https://example.invalid/a#0") == story_id_for(
        "url:https://example.invalid/a#0")
    assert len(story_id_for("src:a.txt#0")) == 16


def test_paged_reads_of_current_stories_walk_the_sequence_index(tmp_path: Path) -> None:
    # With a full index on duplicate_of, SQLite served "duplicate_of IS NULL" from it and sorted
    # the whole table for every page: quadratic over a large archive.
    store = Store(tmp_path, readonly=False)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    list(store.iter_stories())
    store.conn.set_trace_callback(None)
    [select] = [s for s in statements if "ORDER BY s.seq" in s]
    plan = " ".join(str(row) for row in store.conn.execute("EXPLAIN QUERY PLAN " + select))
    assert "stories_seq" in plan and "stories_dup" not in plan and "TEMP B-TREE" not in plan
    store.close()


def test_background_checkpoints_copy_the_wal_while_the_writer_goes_on(tmp_path: Path) -> None:
    import threading
    import time

    from dateline.store.sqlite_backend import _CHECKPOINT_PAGES

    store = Store(tmp_path)
    db = tmp_path / "dateline.sqlite"
    start = db.stat().st_size
    with store.background_checkpoints(every=0.02):
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] > _CHECKPOINT_PAGES
        with store.conn:  # ~2 MB into the WAL, far below the writer's own checkpoint size
            store.conn.execute("BEGIN IMMEDIATE")
            for i in range(200):
                store.set_meta(f"filler-{i}", "x" * 10_000)
        deadline = time.monotonic() + 10
        while db.stat().st_size < start + 1_000_000 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert db.stat().st_size >= start + 1_000_000  # copied into the database file
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == _CHECKPOINT_PAGES
    assert not any(t.name == "dateline-checkpoints" for t in threading.enumerate())
    store.close()


def test_a_stored_story_pickles_whole_and_compactly() -> None:
    import pickle
    from dataclasses import replace
    from datetime import date

    from dateline.model import Quote, Segment, StoredStory

    text = "Anchor: Ports reopen.\nReporter: Ships sail again."
    story = StoredStory(
        "abc", "url:x#0", 2, "Ports", date(2020, 1, 2), None, None, "News Today", "Kim Sol",
        "en", "https://example.org/x", text, 7, "x.json", 0, "h", None,
        [Segment("anchor", text[:21], 0, 21),
         Segment("report", "Ships sail again", 32, 49),  # not the slice: kept as it is
         ], [Quote("Ships sail again.", speaker="Kim Sol")], 9)
    back = pickle.loads(pickle.dumps(story))
    assert text[32:49] == "Ships sail again."
    assert back == story and back.segments[1].text == "Ships sail again"
    sliced = replace(story, segments=[Segment("anchor", text[:21], 0, 21),
                                      Segment("report", text[32:49], 32, 49)])
    grown = len(pickle.dumps(sliced)) - len(pickle.dumps(replace(story, segments=[])))
    assert grown < 21 + 17  # a segment costs its kind and offsets, not its text again
