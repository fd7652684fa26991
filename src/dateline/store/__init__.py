"""The store of record (SQLite, WAL mode): sources, raw bytes, stories, revisions, rejects."""

from dateline.store.sqlite import DB_NAME, RejectRow, Store, story_id_for
from dateline.store.writer import IngestCounts, ParsedRecord, ParsedSource

__all__ = [
    "DB_NAME",
    "IngestCounts",
    "ParsedRecord",
    "ParsedSource",
    "RejectRow",
    "Store",
    "story_id_for",
]
