"""``dateline rebuild``: an archive made again from the raw bytes it keeps.

Every stored source is read and parsed again — in the order it was first stored, with the
reader options of the run that stored it — into a new store beside the old one, by today's
readers, parser and rules of story identity.  The new store then takes over what no parser can
make again (:mod:`dateline.store.rebuilding`): runs, when each source came, the user's entity
decisions, and a map from every old story id that changed to its story now.

The swap keeps the old store as ``dateline.sqlite.before-rebuild`` (a hard link: no copy) and
is safe at every moment: killed before it, the old archive is untouched and the half-made one
is thrown away by the next rebuild; killed after it, the next open finds the derived indexes
marked stale (``derived_reset``) and drops them.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dateline.ingest import IngestReport, Job, Progress, options_from_json, run_jobs
from dateline.readers import ReaderOptions
from dateline.readers.registry import readers
from dateline.store import DB_NAME, Store
from dateline.store import rebuilding as sql

log = logging.getLogger(__name__)

REBUILD_DIR = ".rebuild"
BACKUP_NAME = DB_NAME + ".before-rebuild"


@dataclass(slots=True)
class RebuildReport:
    """What a rebuild did: the stories before and after, and the ids it moved."""

    sources: int
    stories_before: int
    stories_after: int
    moved_ids: int
    backup: Path
    ingest: IngestReport
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {"sources": self.sources, "stories_before": self.stories_before,
                "stories_after": self.stories_after, "moved_ids": self.moved_ids,
                "backup": str(self.backup), "seconds": round(self.seconds, 3),
                **{k: v for k, v in self.ingest.counts.as_dict().items()
                   if k not in ("sources", "unchanged_sources")}}


def rebuild_store(old: Store, *, workers: int | None = None, batch_size: int = 1024,
                  parse_timeout: float = 0.0,
                  progress: Callable[[Progress], None] | None = None) -> RebuildReport:
    """Make the store of ``old``'s archive again from its raw bytes and put it in place; the
    caller closes everything else it holds open on the archive first and opens it again
    after."""
    started = time.monotonic()
    folder = old.folder
    work = folder / REBUILD_DIR
    if work.exists():  # what a killed rebuild left
        shutil.rmtree(work)
    work.mkdir()
    before = old.stats()["stories"]
    sql.checkpoint_all(old)
    new = Store(work)
    try:
        sql.start(new, folder)
        report = run_jobs(new, _jobs(old), ReaderOptions(), {"rebuild": str(folder)},
                          workers=workers, batch_size=batch_size, parse_timeout=parse_timeout,
                          progress=progress, total=sql.count_sources(old), folder=folder)
        moved = sql.carry_over(new, folder, datetime.now(UTC).isoformat(timespec="seconds"))
        after = new.stats()["stories"]
    finally:
        new.close()
    old.close()
    backup = folder / BACKUP_NAME
    if backup.exists():
        backup.unlink()
    os.link(folder / DB_NAME, backup)
    for leftover in ("-wal", "-shm"):  # the old store's, empty after its last checkpoint
        (folder / (DB_NAME + leftover)).unlink(missing_ok=True)
    os.replace(work / DB_NAME, folder / DB_NAME)
    shutil.rmtree(work)
    log.info("rebuilt %s: %d stories before, %d after, %d ids moved", folder, before, after,
             moved)
    return RebuildReport(report.files, before, after, moved, backup, report,
                         time.monotonic() - started)


def _jobs(old: Store) -> Iterator[Job]:
    """The old store's sources as parser jobs, each with the reader options it was read with:
    those its run recorded, else its own reader (runs of older versions recorded none)."""
    known = readers()
    for _, name, origin, reader, args, codec, data in sql.stored_sources(old):
        if "options" in args:
            options = options_from_json(args["options"])
        else:
            options = ReaderOptions(format=reader if reader in known else None)
        yield name, origin, codec, data, options
