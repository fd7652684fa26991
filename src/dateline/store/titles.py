"""Titles derived from the lead of stories that have none (``story_titles``).

One definition, :func:`dateline.model.derive_title`, of each untitled current revision's
indexed text.  The table keeps them so that SQL readers (the archive's views, Datasette) and the
front ends' lists (threads, near-duplicates, search hits, quotes) read them without the text;
it is derived and kept current after each ingest (:func:`update`, watermark ``titles_seq``), and
a story it does not hold yet (an ingest with ``--no-index``, an archive open read-only) has its
title derived from the text when asked (:func:`derived_titles`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dateline.model import derive_title, indexed_text

if TYPE_CHECKING:
    from dateline.store.sqlite import Store

MAKER = "lead-title@1"
WATERMARK = "titles_seq"
TABLE = """
CREATE TABLE IF NOT EXISTS story_titles (   -- a title derived from the lead of untitled stories
    story_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    title    TEXT NOT NULL,
    maker    TEXT NOT NULL,
    PRIMARY KEY (story_id, revision)
) WITHOUT ROWID
"""
_CHUNK = 500


def derived_title(text: str, segments_json: str) -> str | None:
    """The derived title of a stored revision, from its text and its segments' JSON."""
    return derive_title(indexed_text(text, json.loads(segments_json or "[]")))


def fill(conn: sqlite3.Connection, after_seq: int = 0) -> int:
    """Derive the titles of untitled current revisions changed after ``after_seq``; returns
    how many were written.  The caller holds the transaction."""
    rows = conn.execute(
        "SELECT s.id, s.revision, r.text, r.segments FROM stories s JOIN revisions r "
        "ON r.story_id = s.id AND r.revision = s.revision WHERE s.seq > ? AND r.title IS NULL",
        (after_seq,))
    written = 0
    batch: list[tuple[str, int, str, str]] = []
    for sid, revision, text, segments in rows:
        title = derived_title(text, segments)
        if title:
            batch.append((sid, revision, title, MAKER))
        if len(batch) >= _CHUNK:
            written += _put(conn, batch)
    return written + _put(conn, batch)


def _put(conn: sqlite3.Connection, batch: list[tuple[str, int, str, str]]) -> int:
    conn.executemany("INSERT OR REPLACE INTO story_titles(story_id, revision, title, maker) "
                     "VALUES (?, ?, ?, ?)", batch)
    n = len(batch)
    batch.clear()
    return n


def update(store: Store) -> int:
    """Bring ``story_titles`` up to date with the store (stories changed since the last pass);
    returns how many titles were derived."""
    from dateline.store.sqlite import transaction

    after = int(store.get_meta(WATERMARK, "0") or 0)
    top = store.max_seq()
    if top <= after or store.readonly:
        return 0
    with transaction(store.conn):
        written = fill(store.conn, after)
        store.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                           (WATERMARK, str(top)))
    return written


def _has_table(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                              "'story_titles'").fetchone() is not None


def derived_titles(store: Store, ids: Sequence[str]) -> dict[str, str]:
    """Story id → the derived title of its current revision, for the given ids of untitled
    stories (an id with a title of its own, or no words, is left out)."""
    out: dict[str, str] = {}
    wanted = list(dict.fromkeys(ids))
    kept = _has_table(store)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        if kept:
            out.update(store.conn.execute(
                "SELECT s.id, t.title FROM stories s JOIN story_titles t ON t.story_id = s.id "
                f"AND t.revision = s.revision WHERE s.id IN ({marks})", chunk).fetchall())
        missing = [sid for sid in chunk if sid not in out]
        if not missing:
            continue
        marks = ",".join("?" * len(missing))
        for sid, text, segments in store.conn.execute(
                "SELECT s.id, r.text, r.segments FROM stories s JOIN revisions r ON "
                "r.story_id = s.id AND r.revision = s.revision "
                f"WHERE s.id IN ({marks}) AND r.title IS NULL", missing):
            title = derived_title(text, segments)
            if title:
                out[sid] = title
    return out
