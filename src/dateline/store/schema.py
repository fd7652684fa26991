"""Schema of the store of record, as an ordered list of migrations.

Each migration runs once, in order, inside a transaction; ``PRAGMA user_version`` records how far
an archive has come.  Never edit a released migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from dateline.errors import SchemaTooNew
from dateline.store.schema_analysis import ANALYSIS_V1, THREADS_V1
from dateline.store.schema_entities import ENTITIES_V1

#: each migration is SQL, or a function of the connection for one that must look first
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    # 1: sources, blobs, stories, revisions, quotes, rejects, runs
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL DEFAULT 'running',   -- running | done | interrupted
        args        TEXT NOT NULL DEFAULT '{}',
        counts      TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size   INTEGER NOT NULL,
        codec  TEXT NOT NULL,                           -- zstd | raw
        data   BLOB NOT NULL
    );
    CREATE TABLE sources (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,                      -- identity: file name or archive!member
        origin      TEXT NOT NULL,                      -- where it was read from
        sha256      TEXT NOT NULL REFERENCES blobs(sha256),
        size        INTEGER NOT NULL,
        reader      TEXT NOT NULL,
        encoding    TEXT,
        status      TEXT NOT NULL,                      -- ok | partial | rejected
        warnings    TEXT NOT NULL DEFAULT '[]',
        run_id      INTEGER REFERENCES runs(id),
        ingested_at TEXT NOT NULL,
        UNIQUE (name, sha256)
    );
    CREATE INDEX sources_sha ON sources(sha256);
    CREATE TABLE stories (
        id           TEXT PRIMARY KEY,                  -- stable hash of key
        key          TEXT NOT NULL UNIQUE,              -- url or source name + record + position
        revision     INTEGER NOT NULL,                  -- current revision
        duplicate_of TEXT REFERENCES stories(id),       -- set when the text is another story's
        seq          INTEGER NOT NULL,                  -- change counter for derived indexes
        first_run    INTEGER REFERENCES runs(id)
    );
    CREATE INDEX stories_seq ON stories(seq);
    CREATE INDEX stories_dup ON stories(duplicate_of);
    CREATE TABLE revisions (
        story_id     TEXT NOT NULL REFERENCES stories(id),
        revision     INTEGER NOT NULL,
        text_hash    TEXT NOT NULL,
        title        TEXT,
        date         TEXT,
        published_at TEXT,
        updated_at   TEXT,
        program      TEXT,
        reporter     TEXT,
        language     TEXT,
        url          TEXT,
        text         TEXT NOT NULL,
        segments     TEXT NOT NULL DEFAULT '[]',        -- JSON [[kind, start, end], …]
        source_id    INTEGER NOT NULL REFERENCES sources(id),
        position     INTEGER NOT NULL,
        locator      TEXT NOT NULL DEFAULT '',
        run_id       INTEGER REFERENCES runs(id),
        parser       TEXT NOT NULL DEFAULT ''           -- parser name/version that made it
    );
    CREATE UNIQUE INDEX revisions_story ON revisions(story_id, revision);
    CREATE INDEX revisions_hash ON revisions(text_hash);
    CREATE INDEX revisions_date ON revisions(date);
    CREATE TABLE quotes (
        story_id     TEXT NOT NULL,
        revision     INTEGER NOT NULL,
        idx          INTEGER NOT NULL,
        kind         TEXT NOT NULL,
        text         TEXT NOT NULL,
        speaker      TEXT,
        role         TEXT,
        organization TEXT,
        language     TEXT,
        label        TEXT,
        start        INTEGER NOT NULL,
        "end"        INTEGER NOT NULL,
        confidence   REAL NOT NULL DEFAULT 1.0,
        maker        TEXT NOT NULL DEFAULT ''           -- enricher/parser name@version
    );
    CREATE UNIQUE INDEX quotes_story ON quotes(story_id, revision, idx);
    CREATE INDEX quotes_speaker ON quotes(speaker);
    CREATE TABLE rejects (
        id         INTEGER PRIMARY KEY,
        source_id  INTEGER REFERENCES sources(id),
        name       TEXT NOT NULL,
        origin     TEXT NOT NULL,
        locator    TEXT NOT NULL DEFAULT '',
        reason     TEXT NOT NULL,
        sha256     TEXT NOT NULL REFERENCES blobs(sha256),
        run_id     INTEGER REFERENCES runs(id),
        created_at TEXT NOT NULL
    );
    CREATE INDEX rejects_source ON rejects(source_id);
    """,
    # 2: entities, aliases, mentions, titles, enrichment bookkeeping (schema_entities.py)
    ENTITIES_V1,
    # 3: near-duplicate clusters, threads (schema_analysis.py)
    ANALYSIS_V1,
    # 4: story threads as persisted links; drops migration 3's thread_cache (schema_analysis.py)
    THREADS_V1,
    # 5: Korean analysis kept per revision, reused by entities and the index
    """
    CREATE TABLE IF NOT EXISTS korean_terms (   -- one Kiwi analysis per revision
        story_id      TEXT NOT NULL,
        revision      INTEGER NOT NULL,
        title_terms   TEXT NOT NULL,
        text_terms    TEXT NOT NULL,
        proper_nouns  TEXT NOT NULL,                    -- JSON [[form, start, end], …]
        maker         TEXT NOT NULL,
        PRIMARY KEY (story_id, revision)
    );
    """,
    # 6: stories per entity and month, the marginals of co-occurrence and entity timelines.
    #    Counts every mention row through the current aliases (``month`` is 'YYYY-MM' of the
    #    story date, '' when undated); kept so by the entity enricher (store/entities.py).
    #    ``entity_counts_seq`` in ``meta``: store sequence up to which no story has mentions of
    #    an older revision (then the counts are exact without correction).  Filled here from
    #    the mentions an archive already has.
    """
    CREATE TABLE IF NOT EXISTS entity_period_counts (
        entity_id TEXT NOT NULL,
        month     TEXT NOT NULL,
        stories   INTEGER NOT NULL,
        PRIMARY KEY (entity_id, month)
    ) WITHOUT ROWID;
    DELETE FROM entity_period_counts;
    INSERT INTO entity_period_counts(entity_id, month, stories)
        SELECT a.entity_id, COALESCE(substr(m.date, 1, 7), ''), COUNT(DISTINCT m.story_id)
        FROM entity_mentions m JOIN entity_aliases a ON a.kind = m.kind AND a.key = m.key
        GROUP BY 1, 2;
    INSERT OR REPLACE INTO meta(key, value)
        SELECT 'entity_counts_seq', CASE WHEN EXISTS (
            SELECT 1 FROM entity_mentions m JOIN stories s ON s.id = m.story_id
            WHERE s.revision != m.revision OR s.duplicate_of IS NOT NULL)
        THEN '0' ELSE COALESCE((SELECT value FROM meta WHERE key = 'seq'), '0') END;
    """,
    # 7: the index of duplicates holds only duplicates.  Over every story, SQLite's planner took
    #    it for "duplicate_of IS NULL" (nearly every row), then sorted the whole table for each
    #    page of a paged read: quadratic at a million stories.  A partial index cannot serve
    #    IS NULL, and still serves "duplicate_of = ?".
    """
    DROP INDEX IF EXISTS stories_dup;
    CREATE INDEX stories_dup ON stories(duplicate_of) WHERE duplicate_of IS NOT NULL;
    """,
    # 8: the index of mentions by name holds each mention's story, revision and date: an
    #    entity's stories per day (timelines by day or week) are counted from the index alone,
    #    without reading one mention row (3.4 s for an entity in 233,000 of a million stories),
    #    and a co-occurrence sample is still a range of story ids right after the name.
    """
    DROP INDEX IF EXISTS entity_mentions_key;
    CREATE INDEX entity_mentions_key ON entity_mentions(kind, key, story_id, revision, date);
    """,
    # 9: story identity with evidence (store/identity.py).  Stories of an archive made before
    #    it may merge records that share a URL; ``dateline rebuild`` re-keys them from the raw
    #    bytes and keeps each old id that changed here, so that it still finds its story.
    #    ``identity_rule`` in ``meta``: 1 for archives that held stories before this
    #    migration (a rebuild sets 2), 2 for the others.
    """
    CREATE TABLE IF NOT EXISTS story_aliases (
        old_id   TEXT PRIMARY KEY,
        story_id TEXT NOT NULL,
        made_at  TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT OR REPLACE INTO meta(key, value)
        SELECT 'identity_rule', CASE WHEN EXISTS (SELECT 1 FROM stories) THEN '1' ELSE '2' END;
    """,
    # 10: quote languages as ISO 639-1 codes with the labels kept; titles derived from the lead
    #     of untitled stories; views for Datasette and SQL readers (see _upgrade_10)
    lambda conn: _upgrade_10(conn),
    # 11: which revision of each story an embedding model has embedded, and the story's number
    #     in that model's vector index (passage keys are num * 64 + passage); the vectors are
    #     files in the archive folder, derived and rebuildable (dateline embed --rebuild)
    """
    CREATE TABLE IF NOT EXISTS embeddings (
        num       INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: old keys stay unknown
        model     TEXT NOT NULL,                      -- embedder name@version
        story_id  TEXT NOT NULL,
        revision  INTEGER NOT NULL,
        passages  INTEGER NOT NULL,
        UNIQUE (model, story_id)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def _upgrade_10(conn: sqlite3.Connection) -> None:
    """Migration 10: quote languages (:func:`_quote_languages`), derived titles
    (:mod:`dateline.store.titles`: the table, filled for the stories already stored) and the
    views for readers of the SQLite file (:mod:`dateline.store.views`)."""
    from dateline.store import titles, views

    _quote_languages(conn)
    conn.execute(titles.TABLE)
    titles.fill(conn, 0)
    conn.execute("INSERT OR REPLACE INTO meta(key, value) SELECT ?, COALESCE((SELECT value FROM "
                 "meta WHERE key = 'seq'), '0')", (titles.WATERMARK,))
    views.create(conn)


def _quote_languages(conn: sqlite3.Connection) -> None:
    """A quote's language is the ISO 639-1 code of its own words ("en", "ko"),
    read from them (``dateline_quote_language``: :func:`transcript.language.quote_language`);
    the language a sound-bite label names ("Korean", "Korean-English") is kept as written in
    ``quotes.language_label``.  The enricher's copy of each quote (``entity_quotes``) gets the
    same code; its sound bites find their label in ``quotes`` by (story, revision, idx).

    A schema that already has the column (its version set back by hand) is left as it is."""
    if any(r[1] == "language_label" for r in conn.execute("PRAGMA table_info(quotes)")):
        return
    for statement in (
        "ALTER TABLE quotes ADD COLUMN language_label TEXT",
        """UPDATE quotes SET language_label = language, language = dateline_quote_language(
               text, language, (SELECT r.language FROM revisions r WHERE
                                r.story_id = quotes.story_id AND r.revision = quotes.revision))""",
        """UPDATE entity_quotes SET language = dateline_quote_language(
               text, CASE WHEN kind = 'reported' THEN NULL ELSE language END,
               (SELECT r.language FROM revisions r WHERE r.story_id = entity_quotes.story_id
                                                     AND r.revision = entity_quotes.revision))""",
        "CREATE INDEX IF NOT EXISTS entity_quotes_language ON entity_quotes(language)",
    ):
        conn.execute(statement)


def _functions(conn: sqlite3.Connection) -> None:
    """The Python functions migrations call in their SQL (registered on the migrating
    connection only: no view or trigger uses them, so any SQLite tool reads the archive)."""
    from dateline.transcript.language import quote_language

    conn.create_function("dateline_quote_language", 3, quote_language, deterministic=True)


def _version(conn: sqlite3.Connection) -> int:
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"this archive has schema version {current}, newer than this dateline knows "
            f"({SCHEMA_VERSION})",
            hint="upgrade dateline: pip install -U dateline",
        )
    return current


def migrate(conn: sqlite3.Connection) -> int:
    """Bring an archive's schema up to date; returns the version it is at."""
    current = _version(conn)
    if current < SCHEMA_VERSION:
        _functions(conn)
    for version in range(current + 1, SCHEMA_VERSION + 1):
        step = MIGRATIONS[version - 1]
        if isinstance(step, str):
            conn.executescript(
                "BEGIN;\n" + step + f"\nPRAGMA user_version = {version};\nCOMMIT;"
            )
            continue
        conn.execute("BEGIN")  # a migration in Python: its statements in one transaction
        try:
            step(conn)
            conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return SCHEMA_VERSION
