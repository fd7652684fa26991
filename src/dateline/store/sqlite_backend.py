"""The embedded store backend: one SQLite file (WAL mode) in the archive folder."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from dateline.errors import ArchiveError
from dateline.store.backend import StoreBackend

DB_NAME = "dateline.sqlite"
_CHECKPOINT_PAGES = 16384  # 64 MiB of WAL at the 4 KiB page size


@contextlib.contextmanager
def sqlite_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed on success, rolled back on any exception — including
    a Ctrl-C that lands after SQLite already ended the transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class SQLiteBackend(StoreBackend):
    """The store in ``dateline.sqlite`` of an archive folder (created and migrated when opened
    for writing; :mod:`dateline.store.schema` holds the migrations)."""

    name: ClassVar[str] = "sqlite"

    def __init__(self, folder: Path | None, *, readonly: bool = False):
        self.folder = Path(folder) if folder is not None else None
        self.path = self.folder / DB_NAME if self.folder is not None else None
        self.readonly = readonly
        self.location = str(self.folder) if self.folder is not None else ":memory:"
        try:
            if self.path is None:
                self.conn = sqlite3.connect(":memory:", check_same_thread=False)
            elif readonly:
                uri = f"file:{self.path}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, check_same_thread=False)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open the archive store {self.path}: {exc}") from exc
        conn = self.conn
        conn.isolation_level = None  # explicit transactions
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of page cache
        conn.execute("PRAGMA temp_store = MEMORY")
        if not readonly:
            from dateline.store.schema import migrate

            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            # Checkpoints (WAL → database file) run in the writer, between its batches, every
            # 64 MiB (SQLite's default 1,000 pages copies the same index pages again and
            # again); during an ingest they run beside it (background_checkpoints).
            conn.execute(f"PRAGMA wal_autocheckpoint = {_CHECKPOINT_PAGES}")
            # A migration may sort every row of a table to build an index: in temporary files,
            # not in memory (the mentions of a million stories take 2 GB to sort in memory).
            conn.execute("PRAGMA temp_store = FILE")
            migrate(conn)
            conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA foreign_keys = ON")
        #: set after each batch while background checkpoints run (see background_checkpoints)
        self._committed: threading.Event | None = None

    @classmethod
    def memory(cls) -> SQLiteBackend:
        """A store in memory, gone when closed: the test double of the store backends."""
        return cls(None)

    def close(self) -> None:
        self.conn.close()

    def reopen(self, *, readonly: bool = False) -> SQLiteBackend:
        if self.folder is None:
            raise ArchiveError("a store in memory has one connection")
        return SQLiteBackend(self.folder, readonly=readonly)

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        return sqlite_transaction(self.conn)

    def change_stamp(self) -> Hashable:
        """A commit of another connection moves SQLite's ``data_version``, a change made
        through this one its ``total_changes``."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes

    def table_names(self) -> list[str]:
        # SQLite's own tables (sqlite_sequence of AUTOINCREMENT keys, sqlite_stat1) left out
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' ORDER BY name")]

    def table_exists(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                 "name = ?", (name,)).fetchone() is not None

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]

    def insert_id(self, sql: str, params: Sequence[Any]) -> int | None:
        cur = self.conn.execute(sql, params)
        return int(cur.lastrowid or 0) if cur.rowcount else None

    def json_items(self, column: str, alias: str) -> str:
        return f"json_each({column}) {alias}"

    def defer_constraints(self) -> None:
        self.conn.execute("PRAGMA defer_foreign_keys = ON")

    def after_batch(self) -> None:
        if self._committed is not None:
            self._committed.set()

    @contextlib.contextmanager
    def background_checkpoints(self, every: float = 1.0) -> Iterator[None]:
        """For a long run of writes: WAL checkpoints in a thread of their own, after each batch
        (at least every ``every`` seconds), instead of inside the writer's commits.

        A checkpoint copies the WAL into the database file and waits for the disk; in the
        writer it stalls every batch behind it (half a second and more at 64 MiB) while the
        parser workers run out of work.  A passive checkpoint from another connection runs
        beside the writer; the writer's own automatic checkpoint stays as a backstop, at four
        times its usual size, should the thread fall behind.  Started right after a commit, a
        checkpoint usually finishes before the next batch begins, and SQLite then writes that
        batch from the start of the WAL again: the file stays the size of a batch or two
        instead of growing for the whole run, and the last checkpoint, when the archive is
        closed, has little left to copy."""
        if self.readonly or self.path is None:
            yield
            return
        stop = threading.Event()
        committed = threading.Event()
        path = self.path

        def run() -> None:
            conn = sqlite3.connect(path)
            try:
                while True:
                    committed.wait(every)
                    committed.clear()
                    if stop.is_set():
                        return
                    with contextlib.suppress(sqlite3.Error):  # busy: next time
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                conn.close()

        self.conn.execute(f"PRAGMA wal_autocheckpoint = {4 * _CHECKPOINT_PAGES}")
        thread = threading.Thread(target=run, name="dateline-checkpoints", daemon=True)
        thread.start()
        self._committed = committed
        try:
            yield
        finally:
            self._committed = None
            stop.set()
            committed.set()
            thread.join()
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {_CHECKPOINT_PAGES}")
