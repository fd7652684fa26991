"""The server store backend: an archive's store of record in a PostgreSQL database.

Named by a URL (``postgresql://user@host:5432/dbname``; ``postgres://`` too).  libpq reads
what the URL leaves out from the standard ``PG*`` environment variables and ``~/.pgpass``; a
password is never printed or logged (errors and ``stats`` show the URL without it).  The driver
is psycopg 3 (``pip install 'dateline[server]'``), imported only when a server archive is
opened.

dateline's SQL (see :mod:`dateline.store.backend`) runs here through :func:`translate`, a thin
dialect layer: ``?`` placeholders, ``INSERT OR IGNORE`` / ``OR REPLACE`` as upserts on the
table's primary key, SQLite's ``LIKE`` (ASCII case ignored) as ``ILIKE``, its scalar
``max(a, b)`` as ``GREATEST``, NULLs sorted first in ascending order as SQLite sorts them, and
SQLite's planner hints (``+column``, ``CROSS JOIN … ON``) as plain SQL.  Every value is a
bound parameter.

Writers: a transaction that takes the next store sequence numbers locks the ``seq`` row of
``meta`` until it commits (:attr:`for_update`), so sequence numbers become visible in the
order they were taken — the property that lets followers of the sequence (the indexes of each
serving node, the enrichers) keep a watermark.  Passes over derived tables take a session
advisory lock (:meth:`lock`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from dateline.errors import ArchiveError, ArchiveNotFound, MissingExtra, PermissionDenied
from dateline.store.backend import StoreBackend, mask_url, quoted_columns
from dateline.store.schema_postgres import NOT_NULL

log = logging.getLogger(__name__)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise MissingExtra("psycopg", "server", "a server archive (postgresql://…)") from None
    return psycopg


# -- the dialect ---------------------------------------------------------------------------------

_LITERAL = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*")
_MASK = "\x01{}\x02"
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.I)
_OR_REPLACE = re.compile(r"\bINSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I)
_LIKE = re.compile(r"(?<![\w])LIKE\b", re.I)
_SCALAR_MAX = re.compile(r"\bmax\s*\(([^(),]+),([^(),]+)\)", re.I)
_HINT = re.compile(r"(?<=[\s(,=])\+(?=[A-Za-z_]\w*\.\w)")
#: SQLite's CROSS JOIN … ON (an inner join in the order written) is PostgreSQL's JOIN … ON
_CROSS_ON = re.compile(r"\bCROSS\s+JOIN\b(?=\s+\w+(?:\s+(?:AS\s+)?(?!ON\b)\w+)?\s+ON\b)",
                       re.I)
_BEGIN = re.compile(r"^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\s*$", re.I)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
_ORDER_END = re.compile(r"\b(LIMIT|OFFSET|FOR|FETCH|UNION|EXCEPT|INTERSECT)\b", re.I)
_RETURNING = re.compile(r"\bRETURNING\b", re.I)
_COLUMN = re.compile(r"^(?:\w+\.)?(\w+)(?:\s+(?:ASC|DESC))?$", re.I)


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """dateline's SQL (see :mod:`dateline.store.backend`) as PostgreSQL runs it, for psycopg
    (``%s`` placeholders, literal ``%`` doubled)."""
    from dateline.store.schema_postgres import PRIMARY_KEYS

    literals: list[str] = []

    def hide(match: re.Match[str]) -> str:
        literals.append(match.group(0))
        return _MASK.format(len(literals) - 1)

    code = _LITERAL.sub(hide, sql)
    code = _BEGIN.sub("BEGIN", code)
    tail = ""
    if _OR_IGNORE.search(code):
        code = _OR_IGNORE.sub("INSERT INTO", code)
        tail = " ON CONFLICT DO NOTHING"
    elif match := _OR_REPLACE.search(code):
        table, columns = match.group(1), [c.strip() for c in match.group(2).split(",")]
        key = PRIMARY_KEYS[table]
        rest = [c for c in columns if c.strip('"') not in key]
        tail = (f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET " +
                ", ".join(f"{c} = EXCLUDED.{c}" for c in rest) if rest
                else " ON CONFLICT DO NOTHING")
        code = code[:match.start()] + f"INSERT INTO {table}({match.group(2)})" + \
            code[match.end():]
    if tail:
        code = code.rstrip().rstrip(";")
        returning = _RETURNING.search(code)
        code = (code[:returning.start()] + tail.strip() + " " + code[returning.start():]
                if returning else code + tail)
    code = _LIKE.sub("ILIKE", code)
    code = _CROSS_ON.sub("JOIN", code)
    code = _SCALAR_MAX.sub(r"GREATEST(\1,\2)", code)
    code = _HINT.sub("", code)
    code = _nulls_first(code)
    code = code.replace("%", "%%").replace("?", "%s")
    return re.sub("\x01(\\d+)\x02", lambda m: literals[int(m.group(1))].replace("%", "%%"), code)


def _ends_order(code: str, i: int) -> bool:
    """Whether a keyword that ends an ORDER BY list starts at ``code[i]``."""
    return bool(_ORDER_END.match(code, i)) and not (code[i - 1].isalnum() or code[i - 1] == "_")


def _nulls_first(code: str) -> str:
    """``ORDER BY`` items with SQLite's order of NULLs: first when ascending, last when
    descending (PostgreSQL's default is the other way round)."""
    out: list[str] = []
    pos = 0
    for match in _ORDER_BY.finditer(code):
        if match.start() < pos:
            continue
        out.append(code[pos:match.end()])
        depth, i, item_start = 0, match.end(), match.end()
        items: list[str] = []
        while i < len(code):
            ch = code[i]
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(code[item_start:i])
                item_start = i + 1
            elif depth == 0 and (ch == ";" or _ends_order(code, i)):
                break
            i += 1
        items.append(code[item_start:i])
        fixed = []
        for item in items:
            bare = item.rstrip()
            space = item[len(bare):]
            upper = bare.upper()
            column = _COLUMN.match(bare.strip())
            if "NULLS" in upper or (column and column.group(1) in NOT_NULL):
                fixed.append(item)  # (a column never NULL keeps an order its index gives)
            elif upper.endswith("DESC"):
                fixed.append(f"{bare} NULLS LAST{space}")
            else:
                fixed.append(f"{bare} NULLS FIRST{space}")
        out.append(",".join(fixed))
        pos = i
    out.append(code[pos:])
    return "".join(out)


# -- the connection ------------------------------------------------------------------------------


class PgConnection:
    """The store's connection to PostgreSQL: the ``execute``/``executemany`` of a
    :mod:`sqlite3` connection over psycopg, in autocommit mode outside transactions."""

    def __init__(self, pg: Any, backend: PostgresBackend):
        self.pg = pg
        self.backend = backend

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        cur = self.pg.cursor()
        cur.execute(translate(sql), tuple(params) if params is not None else ())
        return cur

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        cur = self.pg.cursor()
        rows = [tuple(r) for r in rows]
        if rows:
            cur.executemany(translate(sql), rows)
        return cur

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self.pg.info.transaction_status != TransactionStatus.IDLE)

    def close(self) -> None:
        self.pg.close()


def _numeric_loader() -> Any:
    """Loads NUMERIC (what SUM of integers gives) as int when whole, else float — as SQLite
    gives them — not as Decimal."""
    from psycopg.adapt import Loader

    class NumericLoader(Loader):
        def load(self, data: Any) -> int | float:
            text = bytes(data).decode()
            return float(text) if any(c in text for c in ".eEN") else int(text)

    return NumericLoader


# -- the backend ---------------------------------------------------------------------------------


class PostgresBackend(StoreBackend):
    """The store in a PostgreSQL database (see the module docstring).

    ``create``: make the schema in a database without one (the database itself must exist:
    ``createdb``).  ``readonly``: every transaction of the session is read-only.  ``folder``:
    the local folder of this node (see :attr:`StoreBackend.folder`)."""

    name: ClassVar[str] = "postgresql"
    for_update: ClassVar[str] = " FOR UPDATE"

    def __init__(self, url: str, *, readonly: bool = False, create: bool = False,
                 folder: Path | None = None):
        psycopg = _psycopg()
        self._url = url  # never shown: it may hold a password
        self.location = mask_url(url)
        self.readonly = readonly
        self.folder = folder
        try:
            pg = psycopg.connect(url, autocommit=True, application_name="dateline")
        except psycopg.Error as exc:
            raise ArchiveError(f"cannot connect to {self.location}: {self._clean(exc)}",
                               hint="check the URL, the server, and the password in "
                                    "~/.pgpass or PGPASSWORD") from None
        pg.adapters.register_loader("numeric", _numeric_loader())
        self.conn = PgConnection(pg, self)
        self._locks: dict[str, int] = {}
        try:
            self._open_schema(create)
        except BaseException:
            pg.close()
            raise
        if readonly:
            pg.execute("SET default_transaction_read_only = on")

    def _clean(self, exc: BaseException) -> str:
        """An error's first line, with any password of the URL taken out."""
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        from urllib.parse import urlsplit

        password = urlsplit(self._url).password
        return text.replace(password, "***") if password else text

    # -- schema --------------------------------------------------------------------------------

    def schema_version(self) -> int | None:
        """The schema version of the archive in this database (None: no archive here)."""
        if not self.table_exists("meta"):
            return None
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None

    def _open_schema(self, create: bool) -> None:
        from dateline.errors import SchemaTooNew
        from dateline.store.schema import SCHEMA_VERSION

        version = self.schema_version()
        if version is None:
            if not create:
                raise ArchiveNotFound(
                    f"no dateline archive in {self.location}",
                    hint="create one with: dateline ingest FILES --archive URL")
            if self.readonly:
                raise PermissionDenied(f"cannot create an archive in {self.location} read-only")
        elif version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"this archive has schema version {version}, newer than this dateline knows "
                f"({SCHEMA_VERSION})", hint="upgrade dateline: pip install -U dateline")
        if version == SCHEMA_VERSION or (self.readonly and version is not None):
            return
        self.migrate()

    def migrate(self) -> int:
        """Create the schema, or bring it up to date, in one transaction that holds a lock
        against other processes doing the same."""
        from dateline.store import schema_postgres as pg_schema
        from dateline.store import views
        from dateline.store.schema import SCHEMA_VERSION

        with self.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(?)", (_lock_key("schema"),))
            version = self.schema_version()
            if version is None:
                self.conn.pg.execute(pg_schema.SCHEMA)
                import uuid

                start = {**pg_schema.START_META, "store_id": uuid.uuid4().hex}
                self.conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                                      sorted(start.items()))
                views.create(self.conn)
                version = pg_schema.BASE_VERSION
            for step in range(version + 1, SCHEMA_VERSION + 1):
                upgrade = pg_schema.UPGRADES[step]
                if isinstance(upgrade, str):
                    self.conn.pg.execute(upgrade)
                else:
                    upgrade(self.conn)
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(SCHEMA_VERSION),))
        return SCHEMA_VERSION

    # -- the backend interface -----------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def reopen(self, *, readonly: bool = False) -> PostgresBackend:
        return PostgresBackend(self._url, readonly=readonly, folder=self.folder)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        with self.conn.pg.transaction():
            yield self.conn

    def change_stamp(self) -> Hashable:
        """The store's sequence and the enrichers' (one query): what derived indexes follow."""
        return tuple(self.conn.execute(
            "SELECT key, value FROM meta WHERE key IN ('seq', 'enrich_seq') ORDER BY key"
        ).fetchall())

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")]

    def table_exists(self, name: str) -> bool:
        # a table once seen stays (migrations add tables): asked once per connection, as
        # searches ask it on every page
        seen: set[str] = self.__dict__.setdefault("_tables_seen", set())
        if name in seen:
            return True
        found = self.conn.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_name = ? AND table_type = 'BASE TABLE'", (name,)).fetchone() is not None
        if found:
            seen.add(name)
        return found

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? ORDER BY ordinal_position", (table,))]

    def insert_id(self, sql: str, params: Sequence[Any]) -> int | None:
        row = self.conn.execute(sql + " RETURNING id", params).fetchone()
        return int(row[0]) if row else None

    def insert_ids(self, sql: str, rows: Sequence[Sequence[Any]]) -> list[int | None]:
        """Every row in one pipeline: a round trip for all of them, not one each."""
        if not rows:
            return []
        cur = self.conn.pg.cursor()
        cur.executemany(translate(sql + " RETURNING id"), [tuple(r) for r in rows],
                        returning=True)
        out: list[int | None] = []
        while True:
            row = cur.fetchone()
            out.append(int(row[0]) if row else None)
            if not cur.nextset():
                break
        if len(out) != len(rows):  # pragma: no cover - psycopg gives one result per row
            raise RuntimeError(f"{len(out)} results for {len(rows)} inserted rows")
        return out

    def json_items(self, column: str, alias: str) -> str:
        return f"json_array_elements_text({column}::json) WITH ORDINALITY {alias}(value, key)"

    def bulk_insert(self, table: str, columns: Sequence[str],
                    rows: Iterable[Sequence[Any]]) -> int:
        """``COPY … FROM STDIN``: many times faster than inserts, one round trip."""
        count = 0
        cur = self.conn.pg.cursor()
        with cur.copy(f"COPY {table} ({quoted_columns(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def iter_rows(self, sql: str, size: int = 1000) -> Iterator[tuple[Any, ...]]:
        """Rows as the server sends them, ``size`` at a time (psycopg's stream)."""
        return iter(self.conn.pg.cursor().stream(translate(sql), (), size=size))

    def defer_constraints(self) -> None:
        self.conn.execute("SET CONSTRAINTS ALL DEFERRED")

    def after_copy(self) -> None:
        """Identity columns go on after the highest id copied in."""
        from dateline.store.schema_postgres import IDENTITY_TABLES

        for table, column in IDENTITY_TABLES.items():
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL) FROM {table}")

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """A session advisory lock named ``name`` (waits for the process that holds it);
        re-entrant within this connection."""
        key = _lock_key(name)
        if self._locks.get(name):
            self._locks[name] += 1
            try:
                yield
            finally:
                self._locks[name] -= 1
            return
        self.conn.execute("SELECT pg_advisory_lock(?)", (key,))
        self._locks[name] = 1
        try:
            yield
        finally:
            self._locks[name] = 0
            with contextlib.suppress(Exception):  # a broken connection drops it anyway
                self.conn.execute("SELECT pg_advisory_unlock(?)", (key,))


    def hold(self, name: str) -> None:
        self.conn.execute("SELECT pg_advisory_lock(?)", (_lock_key(name),))

    def release(self, name: str) -> None:
        with contextlib.suppress(Exception):  # a broken connection lets go anyway
            self.conn.execute("SELECT pg_advisory_unlock(?)", (_lock_key(name),))

    def held_elsewhere(self, name: str) -> bool:
        key = _lock_key(name)
        if self.conn.execute("SELECT pg_try_advisory_lock(?)", (key,)).fetchone()[0]:
            self.conn.execute("SELECT pg_advisory_unlock(?)", (key,))
            return False
        return True


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key for a name (the same in every process)."""
    return int.from_bytes(hashlib.sha1(f"dateline:{name}".encode()).digest()[:8], "big",
                          signed=True)

