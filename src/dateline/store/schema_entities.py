"""Schema of entities, aliases, mentions, quotes and enrichment bookkeeping (migration 2).

Per-story facts (``entity_mentions``, ``entity_quotes``) are written by the entity enricher and
keyed by a *name key* (``kind`` + normalised name), never by an entity id: the archive-wide
resolution (``entities`` + ``entity_aliases``) is derived from the distinct keys and rebuilt
whenever new keys appear, so re-enrichment and merges never have to rewrite mention rows.
Manual merges and splits live in ``entity_overrides`` and are re-applied on every resolution.
"""

ENTITIES_V1 = """
CREATE TABLE enrichments (
    story_id  TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    enricher  TEXT NOT NULL,
    version   TEXT NOT NULL,
    seq       INTEGER NOT NULL,                 -- change counter for the quote index
    done_at   TEXT NOT NULL,
    PRIMARY KEY (story_id, enricher)
) WITHOUT ROWID;
CREATE INDEX enrichments_seq ON enrichments(seq);
CREATE TABLE entity_mentions (
    story_id  TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    idx       INTEGER NOT NULL,
    kind      TEXT NOT NULL,                    -- person | org | place
    key       TEXT NOT NULL,                    -- normalised name key (see enrich/names.py)
    surface   TEXT NOT NULL,                    -- the words as written
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL,
    title     TEXT,                             -- title/role given with this mention
    source    TEXT NOT NULL,                    -- soundbite | reporter | title | name | gazetteer…
    note      TEXT,                             -- e.g. 'metonym: government'
    date      TEXT,                             -- the story's date (for titles over time)
    maker     TEXT NOT NULL,                    -- enricher@version
    PRIMARY KEY (story_id, idx)
) WITHOUT ROWID;
CREATE INDEX entity_mentions_key ON entity_mentions(kind, key);  -- more columns: migration 8
CREATE TABLE entity_quotes (
    story_id     TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    idx          INTEGER NOT NULL,              -- parser quote index; reported speech from 1000
    kind         TEXT NOT NULL,                 -- soundbite | direct | reported
    text         TEXT NOT NULL,
    speaker_key  TEXT,                          -- person key of the speaker (NULL: unnamed)
    speaker      TEXT,                          -- speaker as written
    role         TEXT,
    organization TEXT,
    org_key      TEXT,
    language     TEXT,
    start        INTEGER NOT NULL,
    "end"        INTEGER NOT NULL,
    confidence   REAL NOT NULL,
    date         TEXT,
    program      TEXT,
    maker        TEXT NOT NULL,
    PRIMARY KEY (story_id, idx)
) WITHOUT ROWID;
CREATE INDEX entity_quotes_speaker ON entity_quotes(speaker_key);
CREATE INDEX entity_quotes_date ON entity_quotes(date);
CREATE TABLE entity_quotes_dead (              -- quote index documents to delete
    id  TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE entities (
    id      TEXT PRIMARY KEY,                   -- p…/o…/l… + hash of the representative key
    kind    TEXT NOT NULL,
    name    TEXT NOT NULL,                      -- canonical name
    rep_key TEXT NOT NULL,
    note    TEXT,
    maker   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX entities_name ON entities(name COLLATE NOCASE);
CREATE TABLE entity_aliases (
    kind      TEXT NOT NULL,
    key       TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    surface   TEXT NOT NULL,                    -- most frequent way it is written
    how       TEXT NOT NULL,                    -- name | romanisation | surname | manual
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX entity_aliases_entity ON entity_aliases(entity_id);
CREATE TABLE entity_overrides (
    id         INTEGER PRIMARY KEY,
    action     TEXT NOT NULL,                   -- merge | split
    kind       TEXT NOT NULL,
    target_key TEXT NOT NULL,                   -- merge: the entity kept; split: the alias
    other_key  TEXT,                            -- merge: the entity merged into it
    created_at TEXT NOT NULL
);
"""
