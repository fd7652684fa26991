"""SQL views of the store for people reading the SQLite file itself (Datasette, the sqlite3
shell, pandas), and the Datasette metadata that describes them and hides the internals.

The tables are shaped for dateline's own work: ``stories`` holds identities, the words are in
``revisions``, quotes and entities are keyed by name keys.  The views give what a reader asks
for, in plain columns, for the current revision of each story (exact duplicates left out):

- ``current_stories``: date, title (derived from the lead when the story has none, marked in
  ``title_derived``), programme, language, reporter, times, source, text, quote count;
- ``current_quotes``: who said what — speaker (canonical name when known), role, organisation,
  kind, language, text — with the story's id, date, title and programme;
- ``entity_summary``: people, organisations and places with their stories, mentions, quotes
  and first and last dates (the figures of ``dateline entities``);
- ``ingest_warnings``: what the readers and the parser warned about, per source.

They are part of the schema (migration 10): any tool that opens the file sees them, read-only
archives included.  A migration that changes a table they read must create them again
(:func:`create`), after a ``DROP VIEW``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

VIEWS: dict[str, str] = {
    "current_stories": """
        SELECT s.id, r.date, COALESCE(r.title, t.title) AS title,
               r.title IS NULL AND t.title IS NOT NULL AS title_derived,
               r.program, r.language, r.reporter, r.published_at, r.updated_at, r.url,
               src.name AS source, s.revision,
               (SELECT COUNT(*) FROM entity_quotes q WHERE q.story_id = s.id
                                                       AND q.revision = s.revision) AS quotes,
               r.text
        FROM stories s
        JOIN revisions r ON r.story_id = s.id AND r.revision = s.revision
        JOIN sources src ON src.id = r.source_id
        LEFT JOIN story_titles t ON t.story_id = s.id AND t.revision = s.revision
        WHERE s.duplicate_of IS NULL""",
    "current_quotes": """
        SELECT q.story_id, q.date, COALESCE(r.title, t.title) AS story_title, q.program,
               q.kind, COALESCE(e.name, q.speaker) AS speaker, q.speaker AS speaker_as_written,
               a.entity_id AS speaker_id, q.role, q.organization, q.language,
               p.language_label, q.text, q.confidence, q.idx
        FROM entity_quotes q
        JOIN stories s ON s.id = q.story_id AND s.revision = q.revision
        JOIN revisions r ON r.story_id = s.id AND r.revision = s.revision
        LEFT JOIN story_titles t ON t.story_id = s.id AND t.revision = s.revision
        LEFT JOIN entity_aliases a ON a.kind = 'person' AND a.key = q.speaker_key
        LEFT JOIN entities e ON e.id = a.entity_id
        LEFT JOIN quotes p ON p.story_id = q.story_id AND p.revision = q.revision
                          AND p.idx = q.idx AND q.kind != 'reported'""",
    "entity_summary": """
        SELECT e.id, e.kind, e.name, COUNT(DISTINCT m.story_id) AS stories,
               COUNT(m.story_id) AS mentions,
               (SELECT COUNT(*) FROM entity_quotes q JOIN entity_aliases qa
                  ON qa.kind = 'person' AND qa.key = q.speaker_key
                WHERE qa.entity_id = e.id) AS quotes,
               MIN(m.date) AS first_seen, MAX(m.date) AS last_seen
        FROM entities e
        JOIN entity_aliases a ON a.entity_id = e.id
        LEFT JOIN entity_mentions m ON m.kind = a.kind AND m.key = a.key
        GROUP BY e.id""",
    "ingest_warnings": """
        SELECT s.id AS source_id, s.name AS source, j.value AS warning, s.ingested_at
        FROM sources s, json_each(s.warnings) j
        WHERE s.warnings != '[]'""",
}

#: what each view is, for Datasette
DESCRIPTIONS: dict[str, str] = {
    "current_stories": "Every story as it reads now (its current revision; exact duplicates "
                       "left out). A story without a title has one derived from its lead "
                       "(title_derived = 1).",
    "current_quotes": "Who said what: sound bites from the transcripts and reported speech "
                      "from the narration, with the speaker's canonical name when known, and "
                      "the story they come from.",
    "entity_summary": "People, organisations and places, with how many stories mention them, "
                      "their mentions and quotes, and the first and last dates seen.",
    "ingest_warnings": "What the readers and the parser warned about while storing each source "
                       "(the place opens the message: the record, then the story).",
}
COLUMNS: dict[str, dict[str, str]] = {
    "current_stories": {
        "date": "the broadcast date (ISO 8601)",
        "title_derived": "1 when the title is the first words of the lead, not the source's",
        "language": "ISO 639-1 code of the story's text",
        "published_at": "first published (ISO 8601 with offset; KBS times are Asia/Seoul)",
        "updated_at": "last updated (수정), when the page says",
        "quotes": "sound bites and reported speech in the story",
    },
    "current_quotes": {
        "kind": "soundbite (from the transcript) or reported (from the narration)",
        "speaker": "the speaker's canonical name, else the name as written",
        "language": "ISO 639-1 code of the language the words are written in",
        "language_label": "the language the sound-bite label names, as written ('Korean')",
        "confidence": "1 for sound bites; under 1 for reported speech",
    },
}
#: tables shown beside the views; every other table is dateline's own bookkeeping
VISIBLE_TABLES = frozenset({"sources", "rejects", "revisions", "entities", "entity_aliases",
                            "entity_mentions"})
TABLE_DESCRIPTIONS: dict[str, str] = {
    "sources": "Every file or record received, with its reader, encoding and sha256 (the raw "
               "bytes are kept, compressed, in a hidden table).",
    "rejects": "Sources, or records of them, that could not be read, with the reason.",
    "revisions": "Every version of every story (current_stories shows the current one).",
    "entities": "People (p…), organisations (o…) and places (l…), one per referent.",
    "entity_aliases": "The names each entity is written as.",
    "entity_mentions": "Each mention of a name in a story, with its offsets.",
}


def create(conn: sqlite3.Connection) -> None:
    """(Re)create the views (inside the caller's transaction)."""
    for name, sql in VIEWS.items():
        conn.execute(f"DROP VIEW IF EXISTS {name}")
        conn.execute(f"CREATE VIEW {name} AS {sql.strip()}")


def datasette_metadata(table_names: list[str], database: str = "dateline") -> dict[str, Any]:
    """Datasette metadata for an archive's ``dateline.sqlite``: the views described first,
    the tables a reader may want described, every other table hidden."""
    tables: dict[str, Any] = {}
    for name in VIEWS:
        tables[name] = {"description": DESCRIPTIONS[name]}
        if name in COLUMNS:
            tables[name]["columns"] = COLUMNS[name]
    for name in sorted(table_names):
        if name in VIEWS:
            continue
        if name in VISIBLE_TABLES:
            tables[name] = {"description": TABLE_DESCRIPTIONS[name]}
        else:
            tables[name] = {"hidden": True}
    return {
        "title": "dateline archive",
        "description": "A dateline archive of news transcripts. Start with current_stories, "
                       "current_quotes and entity_summary; dateline's own bookkeeping tables "
                       "are hidden.",
        "databases": {database: {"tables": tables}},
    }


def table_names(conn: sqlite3.Connection) -> list[str]:
    """The tables of the store (views not included)."""
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
