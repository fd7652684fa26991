"""SQL of semantic search's bookkeeping: which revision each model embedded, and the numbers
that tie a story to its passages in the model's vector index (table ``embeddings``, migration
10).  The vectors themselves are files in the archive folder (:mod:`dateline.search.vectors`).

Each model keeps a watermark in ``meta`` (``embed_seq:<name@version>``): every story changed
at or before it has been embedded (or, a duplicate, removed).  Numbers are given before the
vectors are written and never change for a story, so a pass that is killed and run again
writes the same keys.

In server mode every machine keeps its own vector index (in its local folder), so the
watermark is the machine's (``marks``: the folder's watermarks) while the numbers stay shared:
a story has one number in every machine's index, and starting a machine's index again forgets
its watermark only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from dateline.model import indexed_text
from dateline.store.sqlite import chunks, transaction

if TYPE_CHECKING:
    from dateline.node import Marks

__all__ = ["EmbeddingStore"]

WATERMARK_PREFIX = "embed_seq:"


class EmbeddingStore:
    """Bookkeeping of one embedding model (``model`` is its ``name@version``); ``marks``: where
    this machine's watermark is kept when not in the store (server mode)."""

    def __init__(self, conn: sqlite3.Connection, model: str, marks: Marks | None = None) -> None:
        self.conn = conn
        self.model = model
        self.marks = marks

    @property
    def watermark_key(self) -> str:
        return WATERMARK_PREFIX + self.model

    def watermark(self) -> int:
        if self.marks is not None:
            return self.marks.get(self.watermark_key)
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?",
                                (self.watermark_key,)).fetchone()
        return int(row[0]) if row else 0

    def set_watermark(self, seq: int) -> None:
        if self.marks is not None:
            self.marks.set(self.watermark_key, seq)
            return
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (self.watermark_key, str(seq)))

    def behind(self) -> int:
        """Stories (duplicates included) changed since the watermark: not embedded yet."""
        row = self.conn.execute("SELECT count(*) FROM stories WHERE seq > ?",
                                (self.watermark(),)).fetchone()
        return int(row[0])

    def numbers(self, story_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Story id → (its number, passages in the index) for the embedded ones."""
        out: dict[str, tuple[int, int]] = {}
        for part in chunks(list(story_ids)):
            marks = ",".join("?" * len(part))
            for sid, num, passages in self.conn.execute(
                    f"SELECT story_id, num, passages FROM embeddings WHERE model = ? "
                    f"AND story_id IN ({marks})", (self.model, *part)):
                out[sid] = (int(num), int(passages))
        return out

    def stories_of(self, nums: Sequence[int]) -> dict[int, str]:
        """Number → story id (numbers of other models or of removed stories are absent)."""
        out: dict[int, str] = {}
        for part in chunks(list(nums)):
            marks = ",".join("?" * len(part))
            # by number alone, the model compared here: with "model = ?" in the query SQLite
            # chose the (model, story_id) index and read every row of the model (10 ms at 10k)
            for num, sid, model in self.conn.execute(
                    f"SELECT num, story_id, model FROM embeddings WHERE num IN ({marks})", part):
                if model == self.model:
                    out[int(num)] = sid
        return out

    def hit_rows(self, story_ids: Sequence[str]) -> dict[str, tuple[str | None, date | None,
                                                                   str | None, str | None, str]]:
        """What a search hit shows of each story's current revision, in one query: title, date,
        programme, language and the indexed text (a passage snippet is cut from it)."""
        out: dict[str, tuple[str | None, date | None, str | None, str | None, str]] = {}
        for part in chunks(list(story_ids)):
            marks = ",".join("?" * len(part))
            for sid, title, day, pub, program, language, text, segments in self.conn.execute(
                    "SELECT s.id, r.title, r.date, r.published_at, r.program, r.language, r.text, "
                    "r.segments FROM stories s JOIN revisions r ON r.story_id = s.id "
                    f"AND r.revision = s.revision WHERE s.id IN ({marks})", part):
                when = date.fromisoformat(day) if day else (
                    date.fromisoformat(pub[:10]) if pub else None)
                out[sid] = (title, when, program, language,
                            indexed_text(text, json.loads(segments)))
        return out

    def record(self, rows: Sequence[tuple[str, int, int]]) -> dict[str, tuple[int, int]]:
        """Record ``(story id, revision, passages)`` as embedded; returns each story's number
        and the passages it had before (0 when new), whose keys the caller replaces."""
        before = self.numbers([sid for sid, _, _ in rows])
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT INTO embeddings(model, story_id, revision, passages) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(model, story_id) DO UPDATE SET revision = excluded.revision, "
                "passages = max(embeddings.passages, excluded.passages)",
                [(self.model, sid, rev, n) for sid, rev, n in rows])
        after = self.numbers([sid for sid, _, _ in rows])
        return {sid: (after[sid][0], before.get(sid, (0, 0))[1]) for sid, _, _ in rows}

    def forget(self, story_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Drop stories (now duplicates); returns the numbers and passages they had."""
        before = self.numbers(story_ids)
        if before:
            with transaction(self.conn):
                self.conn.executemany(
                    "DELETE FROM embeddings WHERE model = ? AND story_id = ?",
                    [(self.model, sid) for sid in before])
        return before

    def clear(self) -> None:
        """Forget every vector of the model and move its watermark back to the start (server
        mode: this machine's watermark only; the numbers stay, other machines' indexes use
        them)."""
        if self.marks is not None:
            self.marks.delete([self.watermark_key])
            return
        with transaction(self.conn):
            self.conn.execute("DELETE FROM embeddings WHERE model = ?", (self.model,))
            self.conn.execute("DELETE FROM meta WHERE key = ?", (self.watermark_key,))

    def count(self) -> int:
        row = self.conn.execute("SELECT count(*) FROM embeddings WHERE model = ?",
                                (self.model,)).fetchone()
        return int(row[0])
