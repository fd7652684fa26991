"""The store of record (SQLite, WAL mode): sources, raw bytes, stories, revisions, rejects."""

from dateline.store.sqlite import (
    DB_NAME,
    IngestCounts,
    ParsedSource,
    RejectRow,
    Store,
    story_id_for,
    story_key,
)

__all__ = [
    "DB_NAME",
    "IngestCounts",
    "ParsedSource",
    "RejectRow",
    "Store",
    "story_id_for",
    "story_key",
]
