"""The store backend seam: the database under a :class:`~dateline.store.Store`.

A backend opens the store of record — creating or migrating its schema — and hands the store
one connection.  Everything else about the store (sources, stories, revisions, entities,
analysis tables) is SQL written once, in :mod:`dateline.store`, that every backend runs:

- standard SQL both SQLite and PostgreSQL accept (``ON CONFLICT … DO NOTHING / DO UPDATE``,
  ``UPDATE … FROM``, CTEs, window functions), with ``?`` placeholders;
- ``COLLATE NOCASE`` for comparisons that ignore the case of ASCII letters, ``LIKE`` as
  SQLite means it (ASCII letters in any case);
- a ``+`` glued to a column (``+s.duplicate_of``) tells SQLite's planner not to use an index
  on it; other engines ignore it.

What the engines do differently for real is asked of the backend: the change stamp, the
catalogue (:meth:`table_names`, :meth:`columns`), ids of inserted rows (:meth:`insert_id`),
row locks (:attr:`for_update`), JSON arrays as rows (:meth:`json_items`), bulk loads
(:meth:`bulk_insert`), locks between processes (:meth:`lock`) and transactions
(:meth:`transaction`).

Built-in backends: :class:`~dateline.store.sqlite_backend.SQLiteBackend` (embedded: one file in
an archive folder; the default) and :class:`~dateline.store.postgres.PostgresBackend` (server
mode: a PostgreSQL database named by a ``postgresql://`` URL).  Both pass the store contract
suite (``tests/test_store_contract.py``); an in-memory SQLite database
(:meth:`SQLiteBackend.memory`) is the test double.
"""

from __future__ import annotations

import contextlib
import re
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar


class StoreBackend(ABC):
    """One open database of an archive's store of record.

    Subclasses set :attr:`conn` (an object with the ``execute``/``executemany`` methods of a
    :mod:`sqlite3` connection, taking dateline's SQL; see the module docstring), :attr:`readonly`
    and :attr:`location`, and create or migrate the schema when they open a database.
    """

    #: short name of the engine ("sqlite", "postgresql")
    name: ClassVar[str]
    #: what a row lock needs after a SELECT (" FOR UPDATE"); "" where a write transaction
    #: already excludes every other writer (SQLite)
    for_update: ClassVar[str] = ""
    #: the connection the store's SQL runs on
    conn: Any
    readonly: bool = False
    #: where the store is, as it may be shown to users (never a password)
    location: str = ""
    #: a local folder of this archive whose files forked processes let go of (the embedded
    #: archive's folder; a serving node's folder of derived indexes in server mode)
    folder: Path | None = None

    @abstractmethod
    def close(self) -> None:
        """Close the connection; the backend is unusable afterwards."""

    @abstractmethod
    def reopen(self, *, readonly: bool = False) -> StoreBackend:
        """Another connection to the same store (for a thread of its own)."""

    @abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        """A write transaction: committed when the block ends, rolled back on any exception
        (``KeyboardInterrupt`` included)."""

    @abstractmethod
    def change_stamp(self) -> Hashable:
        """A value that changes whenever the store may have changed since it was taken, cheap
        enough to ask before every search."""

    @abstractmethod
    def table_names(self) -> list[str]:
        """The tables of the store (views left out)."""

    @abstractmethod
    def columns(self, table: str) -> list[str]:
        """The columns of ``table`` ([] when there is no such table)."""

    def table_exists(self, name: str) -> bool:
        return name in self.table_names()

    @abstractmethod
    def insert_id(self, sql: str, params: Sequence[Any]) -> int | None:
        """Run an ``INSERT`` into a table with an integer ``id`` key; the new row's id, or
        ``None`` when an ``ON CONFLICT … DO NOTHING`` clause left the row out."""

    def insert_ids(self, sql: str, rows: Sequence[Sequence[Any]]) -> list[int | None]:
        """:meth:`insert_id` of each row in turn (backends may send them all at once)."""
        return [self.insert_id(sql, row) for row in rows]

    @abstractmethod
    def json_items(self, column: str, alias: str) -> str:
        """A table expression of the elements of the JSON array in ``column``, as text, with
        the columns ``alias.value`` and ``alias.key`` (the position)."""

    def bulk_insert(self, table: str, columns: Sequence[str],
                    rows: Iterable[Sequence[Any]]) -> int:
        """Insert many rows into ``table`` (the caller holds the transaction); returns how
        many.  Backends may use their engine's bulk path."""
        marks = ", ".join("?" * len(columns))
        names = ", ".join(_quoted(c) for c in columns)
        sql = f"INSERT INTO {table}({names}) VALUES ({marks})"
        count = 0
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 1000:
                self.conn.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            self.conn.executemany(sql, batch)
            count += len(batch)
        return count

    def iter_rows(self, sql: str, size: int = 1000) -> Iterator[tuple[Any, ...]]:
        """The rows of a query, read ``size`` at a time (never all at once)."""
        return rows_of(self.conn.execute(sql), size)

    def defer_constraints(self) -> None:  # noqa: B027 - optional
        """Check foreign keys at the end of the current transaction only (a copy loads
        tables in any order)."""

    def after_copy(self) -> None:  # noqa: B027 - optional
        """After rows were copied in with their own ids: what the engine needs to go on
        giving new ids."""

    def lock(self, name: str) -> contextlib.AbstractContextManager[None]:
        """Exclusive, among every process using this store, while the block runs: the passes
        that bring a derived table up to date take it so that two never run at once.  The
        default does nothing (one process at a time)."""
        return contextlib.nullcontext()

    def hold(self, name: str) -> None:  # noqa: B027 - optional
        """Hold the mark ``name`` for this connection until :meth:`release` or the end of the
        process (a running ingest holds its run's: others can tell it from a killed one)."""

    def release(self, name: str) -> None:  # noqa: B027 - optional
        """Let go of a mark taken with :meth:`hold`."""

    def held_elsewhere(self, name: str) -> bool:
        """Whether another live connection holds the mark ``name`` (never, by default: one
        process at a time)."""
        return False

    def background_checkpoints(self, every: float = 1.0
                               ) -> contextlib.AbstractContextManager[None]:
        """Whatever the engine does beside a long run of writes (SQLite: WAL checkpoints in a
        thread of their own); by default nothing."""
        return contextlib.nullcontext()

    def after_batch(self) -> None:  # noqa: B027 - an optional hook
        """Called after each batch of a long run of writes is committed."""

    def __enter__(self) -> StoreBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: URL schemes of server archives
SERVER_SCHEMES = ("postgresql", "postgres")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?")


def server_url(location: str | Path) -> str | None:
    """The URL of a server archive when ``location`` names one, ``None`` when it is a folder.

    Anything else that looks like a URL (``scheme://…``, or ``postgresql:`` without the
    slashes, which a path type may have collapsed) is an error, never a folder."""
    from dateline.errors import InputError

    text = str(location).strip()
    match = _SCHEME.match(text)
    if match is None or (len(match.group(1)) == 1 and not match.group(2)):  # C:\… on Windows
        return None
    scheme = match.group(1).lower()
    if scheme in SERVER_SCHEMES:
        if match.group(2):
            return text
        raise InputError(f"{mask_url(text)!r} is not a complete archive URL",
                         hint="write it as postgresql://user@host:5432/dbname")
    if match.group(2):
        raise InputError(f"archives cannot be reached by {scheme}:// URLs",
                         hint="give a folder, or a postgresql://user@host/dbname URL")
    return None


def mask_url(url: str) -> str:
    """``url`` as it may be shown: without its password (in the user part or the query)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            users, _, hosts = netloc.rpartition("@")
            netloc = users.split(":", 1)[0] + "@" + hosts
        query = urlencode([(k, "***" if k.lower() == "password" else v)
                           for k, v in parse_qsl(parts.query, keep_blank_values=True)],
                          safe="*")
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:
        return re.sub(r"//[^/@]*@", "//***@", url)


#: errors worth running a transaction again for (serialization failure, deadlock, unique
#: violation: another writer got there first)
RETRY_SQLSTATES = frozenset({"40001", "40P01", "23505"})


def is_retryable(exc: BaseException) -> bool:
    """Whether ``exc`` is a conflict with another writer that running again may resolve."""
    return getattr(exc, "sqlstate", None) in RETRY_SQLSTATES


def retry_pause(attempt: int) -> None:
    """Back off before attempt ``attempt + 1`` (a few milliseconds, growing)."""
    import time

    time.sleep(min(0.5, 0.01 * 2 ** attempt))


def _quoted(column: str) -> str:
    return f'"{column}"' if column in _RESERVED else column


#: column names of the schema that are words of SQL
_RESERVED = frozenset({"end"})


def quoted_columns(columns: Sequence[str]) -> str:
    """``columns`` as a select list, quoting the names that are SQL words (``"end"``)."""
    return ", ".join(_quoted(c) for c in columns)


def rows_of(cursor: Any, size: int = 1000) -> Iterator[tuple[Any, ...]]:
    """The rows of a cursor, fetched ``size`` at a time."""
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        yield from rows
