"""The SQL of ``dateline rebuild``: a new store filled from an old one's raw bytes.

:func:`stored_sources` feeds the parser the old store's sources, in the order they were stored;
once the new store holds what the parser made of them, :func:`carry_over` gives it what the
old one knew that no parser can make again — runs, the time and run that brought each source,
sources kept without bytes, the user's entity merges and splits — and the ids of stories
whose identity changed (``story_aliases``: an old id still finds its story).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dateline.store.sqlite import DB_NAME, Store, transaction

#: what a rebuild needs of one stored source: ``(id, name, origin, reader, run args, codec,
#: stored bytes)``
StoredSource = tuple[int, str, str, str, dict[str, Any], str, bytes]


def count_sources(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM sources WHERE size > 0").fetchone()[0])


def stored_sources(store: Store, page: int = 256) -> Iterator[StoredSource]:
    """Every source with bytes, in the order it was stored, with its bytes as stored and the
    arguments of the run that stored it (its reader options)."""
    runs = {rid: json.loads(args or "{}")
            for rid, args in store.conn.execute("SELECT id, args FROM runs")}
    last = 0
    while True:
        rows = store.conn.execute(
            "SELECT s.id, s.name, s.origin, s.reader, s.run_id, b.codec, b.data FROM sources s "
            "JOIN blobs b ON b.sha256 = s.sha256 WHERE s.id > ? AND s.size > 0 ORDER BY s.id "
            "LIMIT ?", (last, page)).fetchall()
        if not rows:
            return
        for sid, name, origin, reader, run_id, codec, data in rows:
            yield sid, name, origin, reader, runs.get(run_id, {}), codec, bytes(data)
        last = rows[-1][0]


def start(new: Store, old_path: Path) -> None:
    """Before the new store takes its first source: the runs of the old one, so that its runs
    keep their numbers."""
    with _attached(new, old_path), transaction(new.conn):
        new.conn.execute("INSERT INTO runs SELECT * FROM old.runs")


def carry_over(new: Store, old_path: Path, made_at: str) -> int:
    """What the old store knew that the parser cannot make again; returns how many old story
    ids now lead to a story of another id."""
    conn = new.conn
    with _attached(new, old_path), transaction(conn):
        # when and by which run each source came, as first recorded
        conn.execute(
            "UPDATE sources SET run_id = o.run_id, ingested_at = o.ingested_at FROM old.sources o "
            "WHERE o.name = sources.name AND o.sha256 = sources.sha256")
        conn.execute(
            "UPDATE revisions SET run_id = s.run_id FROM sources s WHERE s.id = "
            "revisions.source_id")
        conn.execute(
            "UPDATE stories SET first_run = r.run_id FROM revisions r WHERE r.story_id = "
            "stories.id AND r.revision = 1")
        # sources kept without their bytes (a parser process died on them): as they were
        conn.execute(
            "INSERT OR IGNORE INTO blobs SELECT b.* FROM old.blobs b JOIN old.sources s ON "
            "s.sha256 = b.sha256 WHERE s.size = 0")
        conn.execute(
            "INSERT INTO sources(name, origin, sha256, size, reader, encoding, status, warnings, "
            "run_id, ingested_at) SELECT name, origin, sha256, size, reader, encoding, status, "
            "warnings, run_id, ingested_at FROM old.sources WHERE size = 0 ORDER BY id")
        conn.execute(
            "INSERT INTO rejects(source_id, name, origin, locator, reason, sha256, run_id, "
            "created_at) SELECT s.id, r.name, r.origin, r.locator, r.reason, r.sha256, r.run_id, "
            "r.created_at FROM old.rejects r JOIN old.sources o ON o.id = r.source_id AND "
            "o.size = 0 JOIN sources s ON s.name = o.name AND s.sha256 = o.sha256 ORDER BY r.id")
        # the user's own decisions about entities
        conn.execute("INSERT INTO entity_overrides SELECT * FROM old.entity_overrides")
        # each old story id leads to the story that now holds its current text
        conn.execute("CREATE INDEX revisions_rebuild ON revisions(source_id, locator, position)")
        conn.execute(
            "CREATE TEMP TABLE moved AS SELECT o.id AS old_id, COALESCE(n.duplicate_of, n.id) "
            "AS story_id FROM old.stories o JOIN old.revisions r ON r.story_id = o.id AND "
            "r.revision = o.revision JOIN old.sources os ON os.id = r.source_id JOIN sources ns "
            "ON ns.name = os.name AND ns.sha256 = os.sha256 JOIN revisions nr ON nr.source_id = "
            "ns.id AND nr.locator = r.locator AND nr.position = r.position JOIN stories n ON "
            "n.id = nr.story_id WHERE NOT EXISTS (SELECT 1 FROM stories k WHERE k.id = o.id)")
        conn.execute("DROP INDEX revisions_rebuild")
        conn.execute(
            "INSERT OR REPLACE INTO story_aliases(old_id, story_id, made_at) "
            "SELECT old_id, MIN(story_id), ? FROM moved GROUP BY old_id", (made_at,))
        # ids an earlier rebuild moved follow their story
        conn.execute(
            "INSERT OR IGNORE INTO story_aliases(old_id, story_id, made_at) SELECT a.old_id, "
            "COALESCE(m.story_id, a.story_id), a.made_at FROM old.story_aliases a LEFT JOIN "
            "moved m ON m.old_id = a.story_id")
        moved = int(conn.execute("SELECT COUNT(*) FROM moved").fetchone()[0])
        conn.execute("DROP TABLE moved")
        new.set_meta("identity_rule", "2")
        new.set_meta("derived_reset", "1")
    return moved


def checkpoint_all(store: Store) -> None:
    """Copy the whole WAL into the database file, or say that another process holds it."""
    busy, frames, done = store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy or frames != done:
        from dateline.errors import ArchiveError

        raise ArchiveError("another process is using the archive",
                           hint="stop `dateline serve` and other commands on it, then rebuild")


class _attached:
    """The old store attached to the new one's connection as ``old``."""

    def __init__(self, new: Store, old_path: Path):
        self.conn: sqlite3.Connection = new.conn
        self.path = str(old_path / DB_NAME)

    def __enter__(self) -> None:
        self.conn.execute("ATTACH DATABASE ? AS old", (self.path,))

    def __exit__(self, *exc: object) -> None:
        self.conn.execute("DETACH DATABASE old")
