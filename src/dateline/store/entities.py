"""SQL of the entity side: per-story mentions and quotes, resolution tables, overrides, queries.

:class:`EntityStore` works on the store's connection (``Store.conn``); writes happen in one
transaction per batch, like the rest of the store.  Tables: :mod:`dateline.store.schema_entities`.

It also keeps ``entity_period_counts`` (migration 6): for each entity and month, the number of
stories whose mention rows name the entity through the current aliases.  Every write of mention
rows applies its difference in the same transaction, and every new resolution recounts the
entities whose aliases changed, so the table always equals that count over the mention rows.
Mention rows of an older revision (a story revised since it was enriched) are still counted;
``entity_counts_seq`` in ``meta`` (set when an enrichment pass has caught up) bounds the
stories that may have such rows, and readers subtract them (``store/entity_periods.py``).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from dateline.store.sqlite import chunks, has_column, transaction

ENRICH_SEQ = "enrich_seq"
#: store sequence up to which every story's mention rows are of its current revision
COUNTS_SEQ = "entity_counts_seq"
#: the month of a mention row's story date ('' when undated), as entity_period_counts keys it
MONTH_OF_MENTION = "COALESCE(substr(m.date, 1, 7), '')"
_COUNT_SELECT = (
    f"SELECT a.entity_id, {MONTH_OF_MENTION}, COUNT(DISTINCT m.story_id) FROM entity_mentions m "
    "JOIN entity_aliases a ON a.kind = m.kind AND a.key = m.key"
)
#: past this many entities to recount, recount them all (one pass over the mentions)
_RECOUNT_ALL = 2000


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class StoryFactsRow:
    """What the enricher made of one story, ready to write."""

    story_id: str
    revision: int
    date: str | None
    program: str | None
    mentions: list[Any]  # MentionFact
    quotes: list[Any]  # QuoteFact


class EntityStore:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._labels: bool | None = None  # do quotes have language labels (migration 10)?

    # -- bookkeeping --------------------------------------------------------------------------

    def stale_stories(self, enricher: str, version: str, *, all_: bool = False,
                      limit: int = 1000, after: str = "") -> list[str]:
        """Ids of current, non-duplicate stories not yet enriched at this version and revision."""
        sql = ("SELECT s.id FROM stories s LEFT JOIN enrichments e ON e.story_id = s.id AND "
               "e.enricher = ? WHERE s.duplicate_of IS NULL AND s.id > ?")
        if not all_:
            sql += " AND (e.story_id IS NULL OR e.version != ? OR e.revision != s.revision)"
        sql += " ORDER BY s.id LIMIT ?"
        params: tuple[Any, ...] = ((enricher, after, version, limit) if not all_
                                   else (enricher, after, limit))
        return [r[0] for r in self.conn.execute(sql, params)]

    def count_stale(self, enricher: str, version: str) -> int:
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM stories s LEFT JOIN enrichments e ON e.story_id = s.id AND "
            "e.enricher = ? WHERE s.duplicate_of IS NULL AND (e.story_id IS NULL OR "
            "e.version != ? OR e.revision != s.revision)", (enricher, version)).fetchone()[0])

    def drop_duplicates(self) -> int:
        """Forget facts of stories that have become duplicates; returns how many."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT e.story_id FROM enrichments e JOIN stories s ON s.id = e.story_id "
            "WHERE s.duplicate_of IS NOT NULL")]
        if ids:
            with transaction(self.conn):
                seq = self._next_seq()
                self._apply_counts(self._story_counts(ids), -1)
                for sid in ids:
                    self._clear_story(sid, seq)
                    self.conn.execute("DELETE FROM enrichments WHERE story_id = ?", (sid,))
        return len(ids)

    def _next_seq(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (ENRICH_SEQ,)).fetchone()
        value = int(row[0]) + 1 if row else 1
        self.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                          "SET value = excluded.value", (ENRICH_SEQ, str(value)))
        return value

    def max_seq(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (ENRICH_SEQ,)).fetchone()
        return int(row[0]) if row else 0

    def _clear_story(self, story_id: str, seq: int) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO entity_quotes_dead(id, seq) SELECT story_id || ':' || "
            "revision || ':' || idx, ? FROM entity_quotes WHERE story_id = ?", (seq, story_id))
        self.conn.execute("DELETE FROM entity_mentions WHERE story_id = ?", (story_id,))
        self.conn.execute("DELETE FROM entity_quotes WHERE story_id = ?", (story_id,))

    def write_facts(self, rows: Sequence[StoryFactsRow], enricher: str, version: str) -> None:
        """Replace the facts of these stories, in one transaction."""
        maker = f"{enricher}@{version}"
        conn = self.conn
        ids = [row.story_id for row in rows]
        with transaction(self.conn):
            seq = self._next_seq()
            before = self._story_counts(ids)
            for row in rows:
                self._clear_story(row.story_id, seq)
                conn.executemany(
                    'INSERT INTO entity_mentions(story_id, revision, idx, kind, key, surface, '
                    'start, "end", title, source, note, date, maker) '
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(row.story_id, row.revision, i, m.kind, m.key, m.surface, m.start, m.end,
                      m.title, m.source, m.note, row.date, maker)
                     for i, m in enumerate(row.mentions)])
                conn.executemany(
                    "INSERT INTO entity_quotes(story_id, revision, idx, kind, text, speaker_key, "
                    'speaker, role, organization, org_key, language, start, "end", confidence, '
                    "date, program, maker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?)",
                    [(row.story_id, row.revision, q.idx, q.kind, q.text, q.speaker_key,
                      q.speaker, q.role, q.organization, q.org_key, q.language, q.start, q.end,
                      q.confidence, row.date, row.program, maker) for q in row.quotes])
                conn.execute(
                    "DELETE FROM entity_quotes_dead WHERE id IN (SELECT story_id || ':' || "
                    "revision || ':' || idx FROM entity_quotes WHERE story_id = ?)",
                    (row.story_id,))
                conn.execute(
                    "INSERT OR REPLACE INTO enrichments(story_id, revision, enricher, version, "
                    "seq, done_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (row.story_id, row.revision, enricher, version, seq, _now()))
            after = self._story_counts(ids)
            after.subtract(before)
            self._apply_counts(after)

    # -- resolution ---------------------------------------------------------------------------

    def distinct_names(self) -> list[tuple[str, str, str, int]]:
        """(kind, key, surface, count) over every mention and quote speaker."""
        return [tuple(r) for r in self.conn.execute(  # type: ignore[misc]
            "SELECT kind, key, surface, COUNT(*) FROM entity_mentions GROUP BY kind, key, surface")]

    def unresolved_count(self) -> int:
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT m.kind, m.key FROM entity_mentions m LEFT JOIN "
            "entity_aliases a ON a.kind = m.kind AND a.key = m.key WHERE a.key IS NULL)"
        ).fetchone()[0])

    def alias_map(self) -> dict[tuple[str, str], str]:
        return {(k, key): eid for k, key, eid in self.conn.execute(
            "SELECT kind, key, entity_id FROM entity_aliases")}

    def entity_names(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT id, name FROM entities").fetchall())

    def replace_resolution(self, entities: Iterable[tuple[str, str, str, str, str | None]],
                           aliases: Iterable[tuple[str, str, str, str, str]], maker: str) -> None:
        """entities: (id, kind, name, rep_key, note); aliases: (kind, key, id, surface, how).

        The stories per month of every entity whose aliases changed are counted again."""
        conn = self.conn
        aliases = list(aliases)
        with transaction(self.conn):
            old = self.alias_map()
            conn.execute("DELETE FROM entities")
            conn.execute("DELETE FROM entity_aliases")
            conn.executemany("INSERT INTO entities(id, kind, name, rep_key, note, maker) "
                             "VALUES (?, ?, ?, ?, ?, ?)", [(*e, maker) for e in entities])
            conn.executemany("INSERT INTO entity_aliases(kind, key, entity_id, surface, how) "
                             "VALUES (?, ?, ?, ?, ?)", aliases)
            new = {(a[0], a[1]): a[2] for a in aliases}
            changed = {eid for k, eid in old.items() if new.get(k) != eid}
            changed.update(eid for k, eid in new.items() if old.get(k) != eid)
            self._recount(changed)

    # -- stories per entity and month (entity_period_counts) -----------------------------------

    def _story_counts(self, story_ids: Sequence[str]) -> Counter[tuple[str, str]]:
        """(entity id, month) → how many of these stories' mention rows name the entity."""
        out: Counter[tuple[str, str]] = Counter()
        for chunk in chunks(story_ids):
            marks = ",".join("?" * len(chunk))
            for eid, month, n in self.conn.execute(
                    f"{_COUNT_SELECT} WHERE m.story_id IN ({marks}) GROUP BY 1, 2", chunk):
                out[(eid, month)] += n
        return out

    def _apply_counts(self, delta: Counter[tuple[str, str]], sign: int = 1) -> None:
        rows = [(eid, month, sign * n) for (eid, month), n in delta.items() if n]
        self.conn.executemany(
            "INSERT INTO entity_period_counts(entity_id, month, stories) VALUES (?, ?, ?) "
            "ON CONFLICT(entity_id, month) DO UPDATE SET stories = stories + excluded.stories",
            rows)
        self.conn.executemany(
            "DELETE FROM entity_period_counts WHERE entity_id = ? AND month = ? AND stories <= 0",
            [r[:2] for r in rows if r[2] < 0])

    def _recount(self, entity_ids: set[str] | None) -> None:
        """Count the stories per month of these entities (None: all) again from the mentions."""
        if entity_ids is None or len(entity_ids) > _RECOUNT_ALL:
            self.conn.execute("DELETE FROM entity_period_counts")
            self.conn.execute(f"INSERT INTO entity_period_counts(entity_id, month, stories) "
                              f"{_COUNT_SELECT} GROUP BY 1, 2")
            return
        ids = sorted(entity_ids)
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM entity_period_counts WHERE entity_id IN ({marks})",
                              chunk)
            self.conn.execute(f"INSERT INTO entity_period_counts(entity_id, month, stories) "
                              f"{_COUNT_SELECT} WHERE a.entity_id IN ({marks}) GROUP BY 1, 2",
                              chunk)

    def rebuild_counts(self) -> None:
        """Count the stories per entity and month again from scratch."""
        with transaction(self.conn):
            self._recount(None)

    def counts_current(self, seq: int) -> None:
        """Record that no story up to store sequence ``seq`` has mentions of an older
        revision (an enrichment pass begun at ``seq`` has finished)."""
        self.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO "
                          "UPDATE SET value = excluded.value", (COUNTS_SEQ, str(seq)))

    def stories_with_keys(self, keys: Iterable[tuple[str, str]]) -> list[str]:
        out: set[str] = set()
        for kind, key in keys:
            out.update(r[0] for r in self.conn.execute(
                "SELECT DISTINCT story_id FROM entity_mentions WHERE kind = ? AND key = ?",
                (kind, key)))
        return sorted(out)

    def touch(self, story_ids: Sequence[str]) -> None:
        """Mark stories' quotes for re-indexing (their speakers' canonical names changed)."""
        if not story_ids:
            return
        with transaction(self.conn):
            seq = self._next_seq()
            self.conn.executemany("UPDATE enrichments SET seq = ? WHERE story_id = ?",
                                  [(seq, s) for s in story_ids])

    # -- overrides ----------------------------------------------------------------------------

    def add_override(self, action: str, kind: str, target_key: str, other_key: str | None) -> None:
        self.conn.execute(
            "INSERT INTO entity_overrides(action, kind, target_key, other_key, created_at) "
            "VALUES (?, ?, ?, ?, ?)", (action, kind, target_key, other_key, _now()))

    def overrides(self) -> list[tuple[str, str, str, str | None]]:
        return [tuple(r) for r in self.conn.execute(  # type: ignore[misc]
            "SELECT action, kind, target_key, other_key FROM entity_overrides ORDER BY id")]

    # -- lookups ------------------------------------------------------------------------------

    def find_entities(self, kind: str | None, key: str, name: str) -> list[tuple[str, str, str]]:
        """(id, kind, name) of entities with this id, canonical name or alias key."""
        rows = self.conn.execute("SELECT id, kind, name FROM entities WHERE id = ? OR name = ? "
                                 "COLLATE NOCASE", (name, name)).fetchall()
        if not rows:
            rows = self.conn.execute(
                "SELECT DISTINCT e.id, e.kind, e.name FROM entity_aliases a JOIN entities e ON "
                "e.id = a.entity_id WHERE a.key = ? OR a.surface = ? COLLATE NOCASE",
                (key, name)).fetchall()
        if not rows and name.strip():
            # a whole word of the name, as users type it: "pompeo" finds Mike Pompeo
            word = name.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = self.conn.execute(
                "SELECT id, kind, name FROM entities WHERE ' ' || name || ' ' LIKE ? ESCAPE '\\'",
                (f"% {word} %",)).fetchall()
        return [r for r in rows if kind is None or r[1] == kind]

    def entity_row(self, entity_id: str) -> tuple[str, str, str, str, str | None] | None:
        return self.conn.execute("SELECT id, kind, name, rep_key, note FROM entities WHERE id = ?",
                                 (entity_id,)).fetchone()

    def aliases_of(self, entity_id: str) -> list[tuple[str, str, str]]:
        return self.conn.execute("SELECT key, surface, how FROM entity_aliases WHERE entity_id = ? "
                                 "ORDER BY how, surface", (entity_id,)).fetchall()

    def surfaces_of(self, entity_id: str) -> list[tuple[str, int]]:
        return self.conn.execute(
            "SELECT m.surface, COUNT(*) FROM entity_mentions m JOIN entity_aliases a ON a.kind = "
            "m.kind AND a.key = m.key WHERE a.entity_id = ? GROUP BY m.surface ORDER BY 2 DESC",
            (entity_id,)).fetchall()

    def titles_of(self, entity_id: str) -> list[tuple[str, str | None, str | None, int]]:
        """(title, first date, last date, stories) for every title given to an entity."""
        return self.conn.execute(
            "SELECT m.title, MIN(m.date), MAX(m.date), COUNT(DISTINCT m.story_id) FROM "
            "entity_mentions m JOIN entity_aliases a ON a.kind = m.kind AND a.key = m.key "
            "WHERE a.entity_id = ? AND m.title IS NOT NULL GROUP BY m.title COLLATE NOCASE "
            "ORDER BY MIN(m.date), m.title", (entity_id,)).fetchall()

    def counts_of(self, entity_id: str) -> tuple[int, int, int, str | None, str | None]:
        """(stories, mentions, quotes, first date, last date)."""
        stories, mentions, first, last = self.conn.execute(
            "SELECT COUNT(DISTINCT m.story_id), COUNT(*), MIN(m.date), MAX(m.date) FROM "
            "entity_mentions m JOIN entity_aliases a ON a.kind = m.kind AND a.key = m.key "
            "WHERE a.entity_id = ?", (entity_id,)).fetchone()
        quotes = self.conn.execute(
            "SELECT COUNT(*) FROM entity_quotes q JOIN entity_aliases a ON a.kind = 'person' AND "
            "a.key = q.speaker_key WHERE a.entity_id = ?", (entity_id,)).fetchone()[0]
        return stories, mentions, quotes, first, last

    def stories_mentioning(self, entity_id: str, ids_below: str | None = None) -> int:
        """Stories mentioning the entity (any alias), or those of them whose id sorts before
        ``ids_below``."""
        sample, params = ("AND m.story_id < ?", (ids_below,)) if ids_below else ("", ())
        return int(self.conn.execute(
            "SELECT COUNT(DISTINCT m.story_id) FROM entity_mentions m JOIN entity_aliases a ON "
            f"a.kind = m.kind AND a.key = m.key WHERE a.entity_id = ? {sample}",
            (entity_id, *params)).fetchone()[0])

    def co_mentions(self, entity_id: str, top: int = 10,
                    ids_below: str | None = None) -> list[tuple[str, str, str, int]]:
        """The entities in most of the entity's stories, with how many; with ``ids_below``,
        among those of its stories whose id sorts before it (a uniform sample)."""
        sample, params = ("AND m.story_id < ? ", (ids_below,)) if ids_below else ("", ())
        return self.conn.execute(
            "WITH mine AS (SELECT DISTINCT m.story_id FROM entity_mentions m JOIN entity_aliases "
            f"a ON a.kind = m.kind AND a.key = m.key WHERE a.entity_id = ? {sample}) "
            "SELECT e.id, e.kind, e.name, COUNT(DISTINCT m.story_id) AS n FROM entity_mentions m "
            "JOIN mine ON mine.story_id = m.story_id JOIN entity_aliases a ON a.kind = m.kind "
            "AND a.key = m.key JOIN entities e ON e.id = a.entity_id WHERE e.id != ? "
            "GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?",
            (entity_id, *params, entity_id, top)).fetchall()

    def top_entities(self, kind: str | None, top: int, date_from: date | None,
                     date_to: date | None) -> list[tuple[str, str, str, int, int, str, str]]:
        where: list[str] = ["1 = 1"]
        params: list[Any] = []
        if kind:
            where.append("e.kind = ?")
            params.append(kind)
        if date_from:
            where.append("m.date >= ?")
            params.append(date_from.isoformat())
        if date_to:
            where.append("m.date <= ?")
            params.append(date_to.isoformat())
        return self.conn.execute(
            "SELECT e.id, e.kind, e.name, COUNT(DISTINCT m.story_id) AS n, COUNT(*), MIN(m.date), "
            "MAX(m.date) FROM entity_mentions m JOIN entity_aliases a ON a.kind = m.kind AND "
            "a.key = m.key JOIN entities e ON e.id = a.entity_id WHERE " + " AND ".join(where) +
            " GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?", (*params, top)).fetchall()

    def story_mentions(self, story_id: str) -> list[tuple[Any, ...]]:
        """(entity id, kind, name, surface, start, end, title, source, note, maker)."""
        return self.conn.execute(
            'SELECT a.entity_id, m.kind, e.name, m.surface, m.start, m."end", m.title, m.source, '
            "m.note, m.maker FROM entity_mentions m LEFT JOIN entity_aliases a ON a.kind = "
            "m.kind AND a.key = m.key LEFT JOIN entities e ON e.id = a.entity_id "
            "WHERE m.story_id = ? ORDER BY m.start", (story_id,)).fetchall()

    def mention_names(self, story_ids: list[str]) -> list[tuple[str, str, str]]:
        """(story id, kind, canonical name or surface) of every mention in the given stories,
        in story and text order; a few queries for the whole list (the index reads this)."""
        out: list[tuple[str, str, str]] = []
        for ids in chunks(story_ids):
            out.extend(self.conn.execute(
                "SELECT m.story_id, m.kind, COALESCE(NULLIF(e.name, ''), m.surface) "
                "FROM entity_mentions m "
                "LEFT JOIN entity_aliases a ON a.kind = m.kind AND a.key = m.key "
                "LEFT JOIN entities e ON e.id = a.entity_id "
                f"WHERE m.story_id IN ({', '.join('?' * len(ids))}) ORDER BY m.story_id, m.start",
                ids,
            ))
        return out

    # -- quotes -------------------------------------------------------------------------------

    _QUOTE_COLUMNS = (
        "q.story_id, q.revision, q.idx, q.kind, q.text, q.speaker, q.role, q.organization, "
        'q.language, q.start, q."end", q.confidence, q.date, q.program, q.maker, a.entity_id, '
        "e.name, oa.entity_id, r.title, pq.language_label"
    )

    @property
    def _quote_columns(self) -> str:
        """:data:`_QUOTE_COLUMNS`, or without the labels in an archive older than migration 10
        (open read-only, so not migrated)."""
        if self._labels is None:
            self._labels = has_column(self.conn, "quotes", "language_label")
        if self._labels:
            return self._QUOTE_COLUMNS
        return self._QUOTE_COLUMNS.replace("pq.language_label", "NULL")
    _QUOTE_FROM = (
        "FROM entity_quotes q JOIN stories s ON s.id = q.story_id AND s.revision = q.revision "
        "JOIN revisions r ON r.story_id = s.id AND r.revision = s.revision "
        "LEFT JOIN entity_aliases a ON a.kind = 'person' AND a.key = q.speaker_key "
        "LEFT JOIN entities e ON e.id = a.entity_id "
        "LEFT JOIN entity_aliases oa ON oa.kind = 'org' AND oa.key = q.org_key "
        # a sound bite's label, as the parser read it (reported speech has none)
        "LEFT JOIN quotes pq ON pq.story_id = q.story_id AND pq.revision = q.revision "
        "AND pq.idx = q.idx AND q.kind != 'reported'"
    )

    def quotes(self, *, entity_ids: Sequence[str] | None = None, role: str | None = None,
               organization: str | None = None, language: str | None = None,
               kind: str | None = None, date_from: date | None = None,
               date_to: date | None = None, ids: Sequence[str] | None = None,
               story_id: str | None = None, limit: int | None = 20,
               offset: int = 0) -> tuple[list[tuple[Any, ...]], int]:
        """Quote rows matching the filters (newest first) and their total."""
        where: list[str] = ["1 = 1"]
        params: list[Any] = []
        if entity_ids is not None:
            where.append(f"a.entity_id IN ({','.join('?' * len(entity_ids)) or 'NULL'})")
            params.extend(entity_ids)
        if role:
            where.append("q.role LIKE ?")
            params.append(f"%{role}%")
        if organization:
            where.append("(q.organization LIKE ? OR q.role LIKE ?)")
            params.extend([f"%{organization}%"] * 2)
        if language:  # an ISO 639-1 code: the language of the quote's own words
            where.append("q.language = ?")
            params.append(language)
        if kind:
            where.append("q.kind = ?")
            params.append(kind)
        if date_from:
            where.append("q.date >= ?")
            params.append(date_from.isoformat())
        if date_to:
            where.append("q.date <= ?")
            params.append(date_to.isoformat())
        if story_id:
            where.append("q.story_id = ?")
            params.append(story_id)
        if ids is not None:
            where.append(f"(q.story_id || ':' || q.revision || ':' || q.idx) IN "
                         f"({','.join('?' * len(ids)) or 'NULL'})")
            params.extend(ids)
        clause = " AND ".join(where)
        total = self.conn.execute(f"SELECT COUNT(*) {self._QUOTE_FROM} WHERE {clause}",
                                  params).fetchone()[0]
        sql = (f"SELECT {self._quote_columns} {self._QUOTE_FROM} WHERE {clause} "
               "ORDER BY q.date DESC, q.story_id, q.idx")
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return self.conn.execute(sql, params).fetchall(), int(total)

    def quote_counts(self) -> dict[str, int]:
        """How many quotes :meth:`quotes` can return (those of current revisions), by kind: the
        one count of quotes that stats, the command line and the web give."""
        # the joins of _QUOTE_FROM that can change a count: each quote's story is at this
        # revision (the others match at most one row each, by their keys)
        return dict(self.conn.execute(
            "SELECT q.kind, COUNT(*) FROM entity_quotes q JOIN stories s ON s.id = q.story_id "
            "AND s.revision = q.revision GROUP BY q.kind ORDER BY q.kind").fetchall())

    def quotes_changed(self, after_seq: int) -> Iterator[tuple[Any, ...]]:
        """Quote rows of stories enriched (or touched) after ``after_seq``, with their seq, as
        they are read (a rebuild reads every quote of the archive: not into one list)."""
        return iter(self.conn.execute(
            f"SELECT {self._quote_columns}, en.seq {self._QUOTE_FROM} JOIN enrichments en ON "
            "en.story_id = q.story_id AND en.enricher = 'entities' WHERE en.seq > ? "
            "ORDER BY en.seq", (after_seq,)))

    def dead_quotes(self, after_seq: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM entity_quotes_dead WHERE seq > ?", (after_seq,))]

    def purge_dead(self, upto_seq: int) -> None:
        self.conn.execute("DELETE FROM entity_quotes_dead WHERE seq <= ?", (upto_seq,))
