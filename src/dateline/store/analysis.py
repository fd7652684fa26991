"""The SQL of the analysis package: near-duplicate LSH state and clusters, thread links,
per-period story reads, quote and mention aggregates for timelines and co-occurrence.

Functions take the :class:`~dateline.store.sqlite.Store` of an archive; the logic that uses them
lives in :mod:`dateline.analysis`.  Dates are ISO strings in SQL and :class:`datetime.date`
outside.  Only current revisions of stories that are not exact duplicates are counted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from dateline.model import StoredStory
from dateline.store.sqlite import Store
from dateline.store.sqlite import chunks as _chunks

log = logging.getLogger(__name__)

DUPS_SEQ = "dups_seq"
DUPS_PARAMS = "dups_params"

_CURRENT = (
    "FROM stories s JOIN revisions r ON r.story_id = s.id AND r.revision = s.revision "
)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _period(column: str, date_from: date | None, date_to: date | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if date_from is not None:
        clauses.append(f"{column} >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        clauses.append(f"{column} <= ?")
        params.append(date_to.isoformat())
    return (" AND " + " AND ".join(clauses)) if clauses else "", params


def table_exists(store: Store, name: str) -> bool:
    row = store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def columns_of(store: Store, table: str) -> set[str]:
    return {r[1] for r in store.conn.execute(f"PRAGMA table_info({table})")}


# -- stories ---------------------------------------------------------------------------------


def stories_by_ids(store: Store, ids: Iterable[str]) -> list[StoredStory]:
    """Current revisions of these stories (without quotes), in no particular order."""
    out: list[StoredStory] = []
    ids = list(dict.fromkeys(ids))
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(
            f"SELECT {store._STORY_COLUMNS} {store._STORY_FROM} WHERE s.id IN ({marks})", chunk
        ).fetchall()
        out.extend(store._row_to_story(row, with_quotes=False) for row in rows)
    return out


def iter_stories_between(store: Store, date_from: date | None, date_to: date | None, *,
                         sample_below: str | None = None,
                         batch: int = 2000) -> Iterator[StoredStory]:
    """Current, non-duplicate stories dated ``date_from``..``date_to`` (inclusive).

    ``sample_below``: keep only stories whose id sorts below this hex prefix (ids are hashes,
    so ``"4"`` keeps a uniform quarter of them).
    """
    where, params = _period("r.date", date_from, date_to)
    if sample_below is not None:
        where += " AND s.id < ?"
        params.append(sample_below)
    sql = (f"SELECT {store._STORY_COLUMNS} {store._STORY_FROM} WHERE s.duplicate_of IS NULL "
           f"AND r.date IS NOT NULL{where} AND s.id > ? ORDER BY s.id LIMIT ?")
    last = ""
    while True:
        rows = store.conn.execute(sql, (*params, last, batch)).fetchall()
        if not rows:
            return
        for row in rows:
            yield store._row_to_story(row, with_quotes=False)
        last = rows[-1][0]


def count_stories_between(store: Store, date_from: date | None, date_to: date | None) -> int:
    where, params = _period("r.date", date_from, date_to)
    row = store.conn.execute(
        f"SELECT COUNT(*) {_CURRENT} WHERE s.duplicate_of IS NULL AND r.date IS NOT NULL{where}",
        params,
    ).fetchone()
    return int(row[0])


def day_counts(store: Store, date_from: date | None, date_to: date | None) -> dict[date, int]:
    """Stories per day (the denominator of normalised timelines when no engine is at hand)."""
    where, params = _period("r.date", date_from, date_to)
    out: dict[date, int] = {}
    for d, n in store.conn.execute(
        f"SELECT r.date, COUNT(*) {_CURRENT} WHERE s.duplicate_of IS NULL "
        f"AND r.date IS NOT NULL{where} GROUP BY r.date", params,
    ):
        day = _day(d)
        if day is not None:
            out[day] = out.get(day, 0) + int(n)
    return out


def speakers_of(store: Store, ids: Iterable[str]) -> dict[str, set[str]]:
    """Story id → lower-cased speaker names of its current revision's quotes."""
    out: dict[str, set[str]] = {}
    ids = list(ids)
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for sid, speaker in store.conn.execute(
            f"SELECT q.story_id, q.speaker FROM quotes q JOIN stories s ON s.id = q.story_id "
            f"AND s.revision = q.revision WHERE q.story_id IN ({marks}) AND q.speaker IS NOT NULL",
            chunk,
        ):
            out.setdefault(sid, set()).add(" ".join(str(speaker).lower().split()))
    return out


# -- speakers (quotes) -----------------------------------------------------------------------


def speaker_spellings(store: Store, speaker: str) -> list[str]:
    """The spellings of a speaker name as stored (case- and space-insensitive match)."""
    want = " ".join(speaker.lower().split())
    rows = store.conn.execute(
        "SELECT DISTINCT speaker FROM quotes WHERE speaker IS NOT NULL AND speaker LIKE ?",
        ("%" + speaker.strip().split()[-1] + "%" if speaker.strip() else "%",),
    ).fetchall()
    return [r[0] for r in rows if " ".join(str(r[0]).lower().split()) == want]


def quote_day_counts(store: Store, spellings: Sequence[str], date_from: date | None,
                     date_to: date | None) -> dict[date, int]:
    """Stories per day quoting any of ``spellings`` (current revisions, no duplicates)."""
    if not spellings:
        return {}
    where, params = _period("r.date", date_from, date_to)
    marks = ",".join("?" * len(spellings))
    out: dict[date, int] = {}
    for d, n in store.conn.execute(
        f"SELECT r.date, COUNT(DISTINCT s.id) FROM quotes q JOIN stories s ON s.id = q.story_id "
        f"AND s.revision = q.revision JOIN revisions r ON r.story_id = s.id AND "
        f"r.revision = s.revision WHERE q.speaker IN ({marks}) AND s.duplicate_of IS NULL "
        f"AND r.date IS NOT NULL{where} GROUP BY r.date",
        (*spellings, *params),
    ):
        day = _day(d)
        if day is not None:
            out[day] = out.get(day, 0) + int(n)
    return out


# -- near-duplicates -------------------------------------------------------------------------


def dup_clear(store: Store) -> None:
    store.conn.execute("DELETE FROM dup_bands")
    store.conn.execute("DELETE FROM dup_members")
    store.set_meta(DUPS_SEQ, "0")


def dup_state(store: Store) -> tuple[int, dict[str, Any] | None]:
    """(store sequence the near-duplicate pass has seen, the parameters it used)."""
    params = store.get_meta(DUPS_PARAMS)
    return int(store.get_meta(DUPS_SEQ, "0") or 0), json.loads(params) if params else None


def dup_set_state(store: Store, seq: int, params: dict[str, Any]) -> None:
    store.set_meta(DUPS_SEQ, str(seq))
    store.set_meta(DUPS_PARAMS, json.dumps(params, sort_keys=True))


def dup_candidates(store: Store, keys: Sequence[int]) -> set[str]:
    """Stories sharing at least one LSH band key with ``keys``."""
    if not keys:
        return set()
    marks = ",".join("?" * len(keys))
    rows = store.conn.execute(
        f"SELECT DISTINCT story_id FROM dup_bands WHERE key IN ({marks})", list(keys)
    ).fetchall()
    return {r[0] for r in rows}


def dup_add(store: Store, story_id: str, keys: Sequence[int]) -> None:
    store.conn.executemany(
        "INSERT OR IGNORE INTO dup_bands(key, story_id) VALUES (?, ?)",
        [(k, story_id) for k in keys],
    )


def dup_forget(store: Store, story_id: str) -> None:
    """Remove a story from the LSH state and from its cluster (it changed or became a dup)."""
    store.conn.execute("DELETE FROM dup_bands WHERE story_id = ?", (story_id,))
    row = store.conn.execute(
        "SELECT cluster FROM dup_members WHERE story_id = ?", (story_id,)
    ).fetchone()
    if row is None:
        return
    store.conn.execute("DELETE FROM dup_members WHERE story_id = ?", (story_id,))
    rest = [r[0] for r in store.conn.execute(
        "SELECT story_id FROM dup_members WHERE cluster = ? ORDER BY story_id", (row[0],))]
    if len(rest) == 1:  # a cluster of one is no cluster
        store.conn.execute("DELETE FROM dup_members WHERE story_id = ?", (rest[0],))
    elif rest and row[0] == story_id:
        store.conn.execute("UPDATE dup_members SET cluster = ? WHERE cluster = ?",
                           (rest[0], story_id))


def dup_clusters_of(store: Store, ids: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        out.update(store.conn.execute(
            f"SELECT story_id, cluster FROM dup_members WHERE story_id IN ({marks})", chunk))
    return out


def dup_join(store: Store, story_id: str, similarity: float, clusters: Iterable[str],
             partners: Iterable[tuple[str, float]]) -> str:
    """Put ``story_id`` into one cluster with ``partners`` (ids not yet clustered, with their
    similarity) and merge ``clusters``; returns the cluster id (its smallest member id)."""
    clusters = sorted(set(clusters))
    partners = list(partners)
    members = [story_id, *(p for p, _ in partners)]
    target = min([*clusters, *members])
    for c in clusters:
        if c != target:
            store.conn.execute("UPDATE dup_members SET cluster = ? WHERE cluster = ?", (target, c))
    rows = [(story_id, target, similarity), *((p, target, s) for p, s in partners)]
    store.conn.executemany(
        "INSERT INTO dup_members(story_id, cluster, similarity) VALUES (?, ?, ?) "
        "ON CONFLICT(story_id) DO UPDATE SET cluster = excluded.cluster", rows)
    if target not in members and target not in clusters:  # pragma: no cover - defensive
        log.warning("near-duplicate cluster %s has no member row", target)
    return target


def dup_cluster(store: Store, story_id: str) -> list[tuple[str, float]]:
    """The other members of ``story_id``'s cluster with their similarity."""
    row = store.conn.execute(
        "SELECT cluster FROM dup_members WHERE story_id = ?", (story_id,)
    ).fetchone()
    if row is None:
        return []
    return [(r[0], float(r[1])) for r in store.conn.execute(
        "SELECT story_id, similarity FROM dup_members WHERE cluster = ? AND story_id != ? "
        "ORDER BY story_id", (row[0], story_id))]


def dup_all_clusters(store: Store, *, limit: int | None = None,
                     offset: int = 0) -> list[tuple[str, list[tuple[str, float]]]]:
    """Clusters, largest first: (cluster id, [(story id, similarity), …])."""
    sql = ("SELECT cluster, COUNT(*) AS n FROM dup_members GROUP BY cluster "
           "ORDER BY n DESC, cluster")
    params: list[Any] = []
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [limit, offset]
    clusters = [r[0] for r in store.conn.execute(sql, params)]
    out = []
    for c in clusters:
        rows = store.conn.execute(
            "SELECT story_id, similarity FROM dup_members WHERE cluster = ? ORDER BY story_id",
            (c,)).fetchall()
        out.append((c, [(r[0], float(r[1])) for r in rows]))
    return out


def dup_cluster_count(store: Store) -> tuple[int, int]:
    """(number of clusters, number of clustered stories)."""
    row = store.conn.execute(
        "SELECT COUNT(DISTINCT cluster), COUNT(*) FROM dup_members").fetchone()
    return int(row[0]), int(row[1])


def begin(store: Store) -> None:
    store.conn.execute("BEGIN IMMEDIATE")


def commit(store: Store) -> None:
    store.conn.execute("COMMIT")


def rollback(store: Store) -> None:
    if store.conn.in_transaction:
        store.conn.execute("ROLLBACK")


# -- story threads (tables of migration 4) ---------------------------------------------------

THREADS_SEQ = "threads_seq"
THREADS_PARAMS = "threads_params"

#: (story id, date, term counts of title and lead, entity ids, speakers)
ThreadDoc = tuple[str, date | None, dict[str, int], list[str], list[str]]


def thread_state(store: Store) -> tuple[int, dict[str, Any] | None]:
    """(store sequence the thread pass has seen, the parameters it used)."""
    params = store.get_meta(THREADS_PARAMS)
    return int(store.get_meta(THREADS_SEQ, "0") or 0), json.loads(params) if params else None


def thread_set_state(store: Store, seq: int, params: dict[str, Any]) -> None:
    store.set_meta(THREADS_SEQ, str(seq))
    store.set_meta(THREADS_PARAMS, json.dumps(params, sort_keys=True))


def threads_ready(store: Store) -> bool:
    """True when the thread tables exist (an archive opened read-only may predate them)."""
    return table_exists(store, "thread_links")


def thread_clear(store: Store) -> None:
    for table in ("thread_links", "thread_docs", "thread_df"):
        store.conn.execute(f"DELETE FROM {table}")
    store.set_meta(THREADS_SEQ, "0")
    store.conn.execute("DELETE FROM meta WHERE key = ?", (THREADS_PARAMS,))


def thread_doc_count(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM thread_docs").fetchone()[0])


def thread_df_of(store: Store, terms: Sequence[str]) -> dict[str, int]:
    """Term → number of thread documents containing it (missing terms: absent)."""
    out: dict[str, int] = {}
    for chunk in _chunks(list(terms)):
        marks = ",".join("?" * len(chunk))
        out.update((t, int(n)) for t, n in store.conn.execute(
            f"SELECT term, df FROM thread_df WHERE term IN ({marks})", chunk))
    return out


def _thread_drop(store: Store, ids: Sequence[str], df: dict[str, int]) -> int:
    """Delete the documents and links of ``ids``, subtracting their terms from ``df``."""
    removed = 0
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        for (terms,) in store.conn.execute(
                f"SELECT terms FROM thread_docs WHERE story_id IN ({marks})", chunk):
            for t in json.loads(terms):
                df[t] = df.get(t, 0) - 1
            removed += 1
        others = store.conn.execute(
            f"SELECT other, story_id FROM thread_links WHERE story_id IN ({marks})",
            chunk).fetchall()
        store.conn.executemany("DELETE FROM thread_links WHERE story_id = ? AND other = ?",
                               others)
        store.conn.execute(f"DELETE FROM thread_links WHERE story_id IN ({marks})", chunk)
        store.conn.execute(f"DELETE FROM thread_docs WHERE story_id IN ({marks})", chunk)
    return removed


def _apply_df(store: Store, df: dict[str, int]) -> None:
    store.conn.executemany(
        "INSERT INTO thread_df(term, df) VALUES (?, ?) "
        "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
        [(t, n) for t, n in df.items() if n])
    gone = [(t,) for t, n in df.items() if n < 0]
    if gone:
        store.conn.executemany("DELETE FROM thread_df WHERE term = ? AND df <= 0", gone)


def thread_forget(store: Store, ids: Sequence[str]) -> int:
    """Remove stories (now duplicates) from the threads; returns how many had a document."""
    df: dict[str, int] = {}
    removed = _thread_drop(store, ids, df)
    _apply_df(store, df)
    return removed


def thread_put_docs(store: Store, docs: Sequence[ThreadDoc]) -> None:
    """Store (or replace) thread documents: (id, date, term counts, entity ids, speakers).

    A replaced document loses its links (they are computed again) and its old terms' counts."""
    df: dict[str, int] = {}
    _thread_drop(store, [d[0] for d in docs], df)
    rows = []
    for sid, day, counts, entities, speakers in docs:
        for t in counts:
            df[t] = df.get(t, 0) + 1
        rows.append((sid, day.isoformat() if day else None,
                     json.dumps(counts, ensure_ascii=False, separators=(",", ":")),
                     json.dumps(entities, ensure_ascii=False, separators=(",", ":")),
                     json.dumps(speakers, ensure_ascii=False, separators=(",", ":"))))
    store.conn.executemany(
        "INSERT INTO thread_docs(story_id, day, terms, entities, speakers) "
        "VALUES (?, ?, ?, ?, ?)", rows)
    _apply_df(store, df)


def thread_get_docs(store: Store, ids: Sequence[str]) -> list[ThreadDoc]:
    out: list[ThreadDoc] = []
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        for sid, day, terms, entities, speakers in store.conn.execute(
                f"SELECT story_id, day, terms, entities, speakers FROM thread_docs "
                f"WHERE story_id IN ({marks})", chunk):
            out.append((sid, _day(day), json.loads(terms), json.loads(entities),
                        json.loads(speakers)))
    return out


def thread_add_links(store: Store, links: Sequence[tuple[str, str, float]]) -> None:
    """Store links in both directions (a link already there keeps the higher score)."""
    rows = [(a, b, s) for a, b, s in links] + [(b, a, s) for a, b, s in links]
    store.conn.executemany(
        "INSERT INTO thread_links(story_id, other, score) VALUES (?, ?, ?) "
        "ON CONFLICT(story_id, other) DO UPDATE SET score = max(score, excluded.score)", rows)


def thread_links_of(store: Store, ids: Sequence[str],
                    min_score: float) -> list[tuple[str, str, float]]:
    """(member, linked story, score) for every stored link of ``ids`` at ``min_score`` or more."""
    out: list[tuple[str, str, float]] = []
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        out.extend((a, b, float(s)) for a, b, s in store.conn.execute(
            f"SELECT story_id, other, score FROM thread_links WHERE story_id IN ({marks}) "
            f"AND score >= ?", (*chunk, min_score)))
    return out


def story_headers(store: Store, ids: Sequence[str]) -> dict[str, tuple[date | None, str | None]]:
    """Story id → (date, title) of current, non-duplicate stories (no text is read)."""
    out: dict[str, tuple[date | None, str | None]] = {}
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        # "+": never the duplicate_of index, which SQLite (without statistics) picks for five
        # ids or more and then walks every non-duplicate story: 12 ms at 20k stories
        for sid, d, title in store.conn.execute(
                f"SELECT s.id, r.date, r.title {_CURRENT} WHERE s.id IN ({marks}) "
                f"AND +s.duplicate_of IS NULL", chunk):
            out[sid] = (_day(d), title)
    return out


def original_of(store: Store, story_id: str) -> str:
    """The story an exact duplicate copies (the story itself when it is no duplicate)."""
    row = store.conn.execute("SELECT duplicate_of FROM stories WHERE id = ?",
                             (story_id,)).fetchone()
    return str(row[0]) if row and row[0] else story_id


# -- entities (tables of migration 2, written by the entity enricher) ------------------------

_MENTIONS = (
    "FROM entity_aliases a JOIN entity_mentions m ON m.kind = a.kind AND m.key = a.key "
    "JOIN stories s ON s.id = m.story_id AND s.revision = m.revision AND s.duplicate_of IS NULL "
)


def entities_ready(store: Store) -> bool:
    """True when the entity tables exist and hold resolved entities."""
    if not (table_exists(store, "entities") and table_exists(store, "entity_mentions")):
        return False
    return store.conn.execute("SELECT 1 FROM entities LIMIT 1").fetchone() is not None


def resolve_entity(store: Store, name: str, kind: str | None = None
                   ) -> tuple[str, str, str] | None:
    """(id, kind, canonical name) of the entity called ``name`` (its id, canonical name or an
    alias as written, case-insensitive); the most mentioned one when several match."""
    if not entities_ready(store):
        return None
    name = " ".join(name.split())
    kind_sql, kind_params = (" AND e.kind = ?", [kind]) if kind else ("", [])
    row = store.conn.execute(
        f"SELECT e.id, e.kind, e.name FROM entities e WHERE e.id = ?{kind_sql}",
        [name, *kind_params]).fetchone()
    if row is not None:
        return row[0], row[1], row[2]
    ids = [r[0] for r in store.conn.execute(
        f"SELECT e.id FROM entities e WHERE e.name = ? COLLATE NOCASE{kind_sql}",
        [name, *kind_params])]
    if not ids:
        ids = [r[0] for r in store.conn.execute(
            f"SELECT DISTINCT a.entity_id FROM entity_aliases a JOIN entities e ON "
            f"e.id = a.entity_id WHERE a.surface = ? COLLATE NOCASE{kind_sql}",
            [name, *kind_params])]
    if not ids:
        ids = [r[0] for r in store.conn.execute(
            f"SELECT DISTINCT a.entity_id FROM entity_mentions m JOIN entity_aliases a ON "
            f"a.kind = m.kind AND a.key = m.key JOIN entities e ON e.id = a.entity_id "
            f"WHERE m.surface = ? COLLATE NOCASE{kind_sql} LIMIT 20", [name, *kind_params])]
    if not ids:
        return None
    if len(ids) > 1:
        counts = {i: store.conn.execute(
            "SELECT COUNT(*) FROM entity_aliases a JOIN entity_mentions m ON m.kind = a.kind "
            "AND m.key = a.key WHERE a.entity_id = ?", (i,)).fetchone()[0] for i in ids}
        ids.sort(key=lambda i: (-counts[i], i))
    row = store.conn.execute("SELECT id, kind, name FROM entities WHERE id = ?",
                             (ids[0],)).fetchone()
    return row[0], row[1], row[2]


def entity_names(store: Store, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Entity id → (canonical name, kind)."""
    out: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        for eid, name, kind in store.conn.execute(
            f"SELECT id, name, kind FROM entities WHERE id IN ({marks})", chunk):
            out[eid] = (name, kind)
    return out


def mention_day_counts(store: Store, entity_id: str, date_from: date | None,
                       date_to: date | None) -> dict[date, int]:
    """Stories per day mentioning the entity (any alias; current revisions, no duplicates)."""
    where, params = _period("m.date", date_from, date_to)
    out: dict[date, int] = {}
    for d, n in store.conn.execute(
        f"SELECT m.date, COUNT(DISTINCT m.story_id) {_MENTIONS} WHERE a.entity_id = ? "
        f"AND m.date IS NOT NULL{where} GROUP BY m.date", (entity_id, *params)):
        day = _day(d)
        if day is not None:
            out[day] = out.get(day, 0) + int(n)
    return out


def entity_speaker_keys(store: Store, entity_id: str) -> list[str]:
    return [r[0] for r in store.conn.execute(
        "SELECT key FROM entity_aliases WHERE entity_id = ? AND kind = 'person'", (entity_id,))]


def entity_quote_day_counts(store: Store, entity_id: str, date_from: date | None,
                            date_to: date | None) -> dict[date, int]:
    """Stories per day quoting the person entity (the enricher's ``entity_quotes``)."""
    if not table_exists(store, "entity_quotes"):
        return {}
    where, params = _period("q.date", date_from, date_to)
    out: dict[date, int] = {}
    for d, n in store.conn.execute(
        f"SELECT q.date, COUNT(DISTINCT q.story_id) FROM entity_aliases a JOIN entity_quotes q "
        f"ON q.speaker_key = a.key JOIN stories s ON s.id = q.story_id AND "
        f"s.revision = q.revision AND s.duplicate_of IS NULL WHERE a.entity_id = ? AND "
        f"a.kind = 'person' AND q.date IS NOT NULL{where} GROUP BY q.date",
        (entity_id, *params)):
        day = _day(d)
        if day is not None:
            out[day] = out.get(day, 0) + int(n)
    return out


def entities_of_stories(store: Store, ids: Sequence[str]) -> dict[str, set[str]]:
    """Story id → ids of the entities its current revision mentions."""
    out: dict[str, set[str]] = {}
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        for sid, eid in store.conn.execute(
            f"SELECT m.story_id, a.entity_id FROM entity_mentions m JOIN stories s ON "
            f"s.id = m.story_id AND s.revision = m.revision JOIN entity_aliases a ON "
            f"a.kind = m.kind AND a.key = m.key WHERE m.story_id IN ({marks})", chunk):
            out.setdefault(sid, set()).add(eid)
    return out


def entity_story_counts(store: Store, entity_ids: Sequence[str], date_from: date | None,
                        date_to: date | None) -> dict[str, int]:
    """Entity id → number of stories mentioning it in the period."""
    where, params = _period("m.date", date_from, date_to)
    out: dict[str, int] = {}
    for chunk in _chunks(list(entity_ids), 200):
        marks = ",".join("?" * len(chunk))
        for eid, n in store.conn.execute(
            f"SELECT a.entity_id, COUNT(DISTINCT m.story_id) {_MENTIONS} WHERE "
            f"a.entity_id IN ({marks}){where} GROUP BY a.entity_id", (*chunk, *params)):
            out[eid] = int(n)
    return out


def undated_entity_stories(store: Store, entity_id: str) -> int:
    """Stories mentioning the entity (any alias) that have no date."""
    return int(store.conn.execute(
        "SELECT COUNT(DISTINCT m.story_id) FROM entity_aliases a JOIN entity_mentions m ON "
        "m.kind = a.kind AND m.key = a.key WHERE a.entity_id = ? AND m.date IS NULL",
        (entity_id,)).fetchone()[0])


def undated_quoting_stories(store: Store, entity_id: str | None,
                            spellings: Sequence[str]) -> int:
    """Stories without a date quoting the person entity, or (no entity) any of ``spellings``."""
    if entity_id is not None and table_exists(store, "entity_quotes"):
        return int(store.conn.execute(
            "SELECT COUNT(DISTINCT q.story_id) FROM entity_aliases a JOIN entity_quotes q ON "
            "q.speaker_key = a.key JOIN stories s ON s.id = q.story_id AND s.revision = "
            "q.revision AND s.duplicate_of IS NULL WHERE a.entity_id = ? AND a.kind = 'person' "
            "AND q.date IS NULL", (entity_id,)).fetchone()[0])
    if not spellings:
        return 0
    marks = ",".join("?" * len(spellings))
    return int(store.conn.execute(
        "SELECT COUNT(DISTINCT s.id) FROM quotes q JOIN stories s ON s.id = q.story_id AND "
        "s.revision = q.revision JOIN revisions r ON r.story_id = s.id AND r.revision = "
        f"s.revision WHERE q.speaker IN ({marks}) AND s.duplicate_of IS NULL AND r.date IS NULL",
        tuple(spellings)).fetchone()[0])
