"""``dateline copy``: a whole store of record into an empty one, on any backend.

Every row of every table the two stores share — raw bytes, sources, stories, revisions, quotes,
rejects, runs, entities and the user's merges and splits, Korean terms, near-duplicate and
thread tables, derived titles — is copied with its own ids, in one transaction on the
destination (foreign keys checked at its end).  What belongs to one place and is not copied:
the destination's schema version and store id, and the watermarks of derived indexes (the
destination makes its indexes again, at its first search or with ``dateline reindex``; its
vectors with ``dateline embed``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dateline.errors import InputError
from dateline.store.backend import quoted_columns
from dateline.store.schema_postgres import PRIMARY_KEYS
from dateline.store.sqlite import Store

log = logging.getLogger(__name__)

#: tables in an order that satisfies their foreign keys (the rest follow in name order)
FIRST = ("runs", "blobs", "sources", "stories", "revisions", "quotes", "rejects")
#: meta keys that describe a store's own place, never copied
LOCAL_META = frozenset({"schema_version", "store_id", "derived_reset", "index_seq",
                        "quotes_index_seq", "index_enrich_seq"})
#: prefixes of meta keys that are watermarks of derived indexes, never copied
LOCAL_META_PREFIXES = ("embed_seq:",)
_BATCH = 2000


def is_local_meta(key: str) -> bool:
    """Whether a meta key belongs to one store's place (never copied)."""
    return key in LOCAL_META or key.startswith(LOCAL_META_PREFIXES)


@dataclass(slots=True)
class CopyReport:
    """Rows copied, by table."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"rows": dict(self.rows), "total_rows": sum(self.rows.values()),
                "seconds": round(self.seconds, 3)}


def copy_store(src: Store, dst: Store, *,
               progress: Callable[[str, int], None] | None = None) -> CopyReport:
    """Copy ``src`` into ``dst``, which must hold no source yet."""
    import time

    started = time.monotonic()
    if dst.has_sources() or dst.conn.execute("SELECT 1 FROM stories LIMIT 1").fetchone():
        raise InputError(f"{dst.backend.location} is not empty",
                         hint="copy into a new archive folder or an empty database")
    shared = set(src.backend.table_names()) & set(dst.backend.table_names())
    missing = set(src.backend.table_names()) - shared - {"sqlite_sequence", "sqlite_stat1"}
    if missing:
        raise InputError(f"{dst.backend.location} has no tables {', '.join(sorted(missing))}",
                         hint="upgrade dateline where the destination is made, then copy")
    order = [t for t in FIRST if t in shared] + sorted(shared - set(FIRST) - {"meta"})
    report = CopyReport()
    with dst.backend.transaction():
        dst.backend.defer_constraints()
        keep = tuple(LOCAL_META)
        marks = ", ".join("?" * len(keep))
        dst.conn.execute(f"DELETE FROM meta WHERE key NOT IN ({marks})", keep)
        rows = [r for r in src.conn.execute("SELECT key, value FROM meta ORDER BY key")
                if not is_local_meta(r[0])]
        dst.conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", rows)
        report.rows["meta"] = len(rows)
        for table in order:
            dst_columns = dst.backend.columns(table)
            columns = [c for c in src.backend.columns(table) if c in dst_columns]
            key = [c for c in PRIMARY_KEYS.get(table, ()) if c in columns]
            by = f" ORDER BY {quoted_columns(key)}" if key else ""
            count = dst.backend.bulk_insert(table, columns, src.backend.iter_rows(
                f"SELECT {quoted_columns(columns)} FROM {table}{by}", _BATCH))
            report.rows[table] = count
            log.info("copied %d rows of %s", count, table)
            if progress is not None:
                progress(table, count)
        dst.backend.after_copy()
    report.seconds = time.monotonic() - started
    return report
