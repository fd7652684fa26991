"""Slices of the archive's stories for exports: by date, language and programme (in SQL), or
the stories a search found, in the order it found them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateline.model import StoredStory
    from dateline.store.sqlite import Store

_BATCH = 1000


def iter_slice(store: Store, *, date_from: date | None = None, date_to: date | None = None,
               language: str | None = None, program: str | None = None,
               include_duplicates: bool = False) -> Iterator[StoredStory]:
    """Current revisions dated ``date_from``..``date_to`` (inclusive; a bound leaves undated
    stories out), in ``language`` (ISO 639-1 code) and ``program`` (exactly as stored, case
    aside), in the order they were stored (store sequence)."""
    where = ["s.seq > ?"]
    params: list[object] = []
    if not include_duplicates:
        where.append("+s.duplicate_of IS NULL")
    if date_from is not None:
        where.append("r.date >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        where.append("r.date <= ?")
        params.append(date_to.isoformat())
    if language:
        where.append("r.language = ?")
        params.append(language)
    if program:
        where.append("r.program = ? COLLATE NOCASE")
        params.append(program)
    sql = (f"SELECT {store._STORY_COLUMNS} {store._STORY_FROM} WHERE {' AND '.join(where)} "
           "ORDER BY s.seq LIMIT ?")
    last = 0
    while True:
        rows = store.conn.execute(sql, (last, *params, _BATCH)).fetchall()
        if not rows:
            return
        for row in rows:
            yield store._row_to_story(row)
        last = rows[-1][-1]


def iter_by_ids(store: Store, ids: Sequence[str]) -> Iterator[StoredStory]:
    """Current revisions of these stories, in the order given (ids no longer stored are
    skipped)."""
    for start in range(0, len(ids), _BATCH):
        chunk = list(ids[start:start + _BATCH])
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(
            f"SELECT {store._STORY_COLUMNS} {store._STORY_FROM} WHERE s.id IN ({marks})", chunk
        ).fetchall()
        found = {row[0]: row for row in rows}
        for sid in chunk:
            if sid in found:
                yield store._row_to_story(found[sid])
