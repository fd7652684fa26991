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
