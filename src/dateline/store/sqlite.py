"""The store of record: :class:`Store`, over a :class:`~dateline.store.backend.StoreBackend` —
one SQLite file (WAL mode) in the archive folder by default.

All SQL of dateline lives in this package.  Writes happen in batches, one transaction each, so a
killed process leaves the archive as it was after the last committed batch; a source row is
written in the same transaction as its stories, so "this source is done" and "its stories are
stored" can never disagree.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import zstandard

from dateline.errors import NotFound
from dateline.model import IndexRow, Quote, Segment, StoredStory, indexed_text
from dateline.store.backend import StoreBackend
from dateline.store.sqlite_backend import DB_NAME as DB_NAME  # the name it had here
from dateline.store.sqlite_backend import sqlite_transaction

if TYPE_CHECKING:
    from dateline.store.writer import IngestCounts, ParsedSource, PreparedSource

log = logging.getLogger(__name__)

_ZSTD_LEVEL = 3
_COMPRESS_MIN = 64  # bytes; smaller blobs are stored raw


_compressor = threading.local()


def pack_blob(raw: bytes) -> tuple[str, str, bytes]:
    """(sha256, codec, stored bytes) of raw bytes: zstd-compressed unless tiny."""
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) < _COMPRESS_MIN:
        return digest, "raw", raw
    cctx = getattr(_compressor, "cctx", None)
    if cctx is None:
        cctx = _compressor.cctx = zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
    return digest, "zstd", cctx.compress(raw)


def transaction(conn: Any) -> contextlib.AbstractContextManager[Any]:
    """One write transaction on a store's connection: committed on success, rolled back on any
    exception (see :meth:`StoreBackend.transaction`)."""
    if isinstance(conn, sqlite3.Connection):
        return sqlite_transaction(conn)
    return conn.backend.transaction()  # type: ignore[no-any-return]


def story_id_for(key: str) -> str:
    """Stable story id: the first 16 hex digits of sha1(key)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


IN_CHUNK = 500  # values per "IN (…)" list: well under SQLite's limit on bound parameters


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    """``items`` in slices of ``size``: the "IN (…)" lists of a query over many ids."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def for_update(conn: Any) -> str:
    """What a SELECT on a store's connection ends with to lock the rows it reads until the
    transaction ends (see :attr:`StoreBackend.for_update`)."""
    backend = getattr(conn, "backend", None)
    return backend.for_update if backend is not None else ""


def has_column(conn: Any, table: str, column: str) -> bool:
    """Whether ``table`` has ``column`` (an archive open read-only may predate a migration)."""
    if isinstance(conn, sqlite3.Connection):
        return any(r[1] == column for r in conn.execute(f"PRAGMA table_info({table})"))
    return column in conn.backend.columns(table)


def _row_to_quote(r: tuple[Any, ...]) -> Quote:
    """A Quote from a row of ``Store._QUOTE_SELECT`` (story id and revision first)."""
    return Quote(text=r[2], speaker=r[3], role=r[4], organization=r[5], language=r[6], kind=r[7],
                 label=r[8], start=r[9], end=r[10], confidence=r[11], language_label=r[12])


def _index_row(row: tuple[Any, ...]) -> IndexRow:
    (sid, revision, dup, title, d, pub, program, reporter, language, source_name, text,
     segments, seq) = row
    return IndexRow(sid, revision, seq, dup, title, date.fromisoformat(d) if d else None,
                    datetime.fromisoformat(pub) if pub else None, program, reporter, language,
                    source_name, indexed_text(text, json.loads(segments)))


#: Korean proper nouns (form, start, end) of a revision's text, and of its title when known
Nouns = tuple[list[tuple[str, int, int]], list[tuple[str, int, int]] | None]


def _nouns(data: str) -> Nouns:
    """The proper nouns kept in ``korean_terms``: ``{"text": …, "title": …}``, or a list
    (the text's alone) in archives analysed before titles' were kept."""
    value = json.loads(data)
    if isinstance(value, list):
        return [tuple(n) for n in value], None  # type: ignore[misc]
    title = value.get("title")
    return ([tuple(n) for n in value["text"]],  # type: ignore[misc]
            [tuple(n) for n in title] if title is not None else None)  # type: ignore[misc]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class RejectRow:
    id: int
    name: str
    origin: str
    locator: str
    reason: str
    sha256: str
    created_at: str


class Store:
    """The store of record of one archive: its SQL, on the connection of its backend."""

    def __init__(self, location: Path | StoreBackend, *, readonly: bool = False):
        """The store of an archive folder (its SQLite file), or of an open backend."""
        if isinstance(location, StoreBackend):
            self.backend = location
        else:
            from dateline.store.sqlite_backend import SQLiteBackend

            self.backend = SQLiteBackend(Path(location), readonly=readonly)
        self.conn = self.backend.conn
        self.readonly = self.backend.readonly
        #: the local folder of the archive (None: a store in memory)
        self.folder = self.backend.folder
        #: what quote rows are read with (an archive older than migration 10, open read-only
        #: and so not migrated, has no language labels)
        self._quote_select = self._QUOTE_SELECT if has_column(
            self.conn, "quotes", "language_label") else self._QUOTE_SELECT.replace(
            "language_label", "NULL")
        self._dctx = zstandard.ZstdDecompressor()

    @property
    def path(self) -> Path | None:
        """The SQLite file of an embedded archive."""
        return getattr(self.backend, "path", None)

    def close(self) -> None:
        self.backend.close()

    def background_checkpoints(self, every: float = 1.0
                               ) -> contextlib.AbstractContextManager[None]:
        """What the backend does beside a long run of writes (see
        :meth:`StoreBackend.background_checkpoints`)."""
        return self.backend.background_checkpoints(every)

    # -- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def watermark_and_seq(self, key: str) -> tuple[int, int]:
        """The sequence number kept under the watermark ``key`` and the store's sequence now,
        in one query (searches check the index's watermark on every call)."""
        values = dict(self.conn.execute(
            "SELECT key, value FROM meta WHERE key IN (?, 'seq')", (key,)))
        return int(values.get(key) or 0), int(values.get("seq") or 0)

    def change_stamp(self) -> Hashable:
        """A value that changes whenever the store may have changed since it was taken."""
        return self.backend.change_stamp()

    def delete_meta(self, key: str) -> None:
        self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, args: dict[str, Any]) -> int:
        # Runs left "running" by a killed process are marked interrupted (in server mode,
        # those whose process no longer holds them: other writers may be running).
        backend = self.backend
        for (run_id,) in self.conn.execute(
                "SELECT id FROM runs WHERE status = 'running'").fetchall():
            if not backend.held_elsewhere(f"run:{run_id}"):
                self.conn.execute("UPDATE runs SET status = 'interrupted' WHERE id = ? AND "
                                  "status = 'running'", (run_id,))
        run_id = backend.insert_id("INSERT INTO runs(started_at, args) VALUES (?, ?)",
                                   (_now(), json.dumps(args)))
        assert run_id is not None
        backend.hold(f"run:{run_id}")
        return run_id

    def finish_run(self, run_id: int, counts: IngestCounts, status: str = "done") -> None:
        self.conn.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
            (_now(), status, json.dumps(counts.as_dict()), run_id),
        )
        self.backend.release(f"run:{run_id}")

    # -- sources ------------------------------------------------------------------------------

    def stored_shas(self, names: list[str]) -> dict[str, set[str]]:
        """The sha256 of each source stored under each of ``names``; a name ending in ``!``
        stands for every member of that archive file (``a.zip!`` → ``a.zip!b.txt``, …)."""
        out: dict[str, set[str]] = {}
        exact = [n for n in names if not n.endswith("!")]
        for part in chunks(exact):
            marks = ", ".join("?" * len(part))
            for name, sha in self.conn.execute(
                    f"SELECT name, sha256 FROM sources WHERE name IN ({marks})", part):
                out.setdefault(name, set()).add(sha)
        for prefix in (n for n in names if n.endswith("!")):
            for name, sha in self.conn.execute(
                    "SELECT name, sha256 FROM sources WHERE name >= ? AND name < ?",
                    (prefix, prefix[:-1] + '"')):  # '"' follows '!'
                out.setdefault(name, set()).add(sha)
        return out

    def has_sources(self) -> bool:
        return self.conn.execute("SELECT 1 FROM sources LIMIT 1").fetchone() is not None

    def put_blob(self, size: int, packed: tuple[str, str, bytes]) -> str:
        """Keep bytes already packed by :func:`pack_blob`; returns their sha256."""
        digest, codec, data = packed
        self.conn.execute(
            "INSERT OR IGNORE INTO blobs(sha256, size, codec, data) VALUES (?, ?, ?, ?)",
            (digest, size, codec, data),
        )
        return digest

    def put_blobs(self, blobs: Sequence[tuple[int, tuple[str, str, bytes]]]) -> None:
        """:meth:`put_blob` of many (size, packed bytes), in one statement."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO blobs(sha256, size, codec, data) VALUES (?, ?, ?, ?)",
            [(digest, size, codec, data) for size, (digest, codec, data) in blobs])

    def raw_bytes(self, sha: str) -> bytes:
        row = self.conn.execute("SELECT codec, data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            raise NotFound(f"no stored bytes with sha256 {sha}")
        codec, data = row
        return self._dctx.decompress(data) if codec == "zstd" else bytes(data)

    def source_info(self, source_id: int) -> dict[str, Any]:
        row = self.conn.execute(
            "SELECT id, name, origin, sha256, size, reader, encoding, status, warnings, "
            "ingested_at FROM sources WHERE id = ?",
            (source_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no source with id {source_id}")
        keys = ("id", "name", "origin", "sha256", "size", "reader", "encoding", "status",
                "warnings", "ingested_at")
        info = dict(zip(keys, row, strict=True))
        info["warnings"] = json.loads(info["warnings"])
        return info

    # -- writing a batch ----------------------------------------------------------------------

    def write_batch(self, batch: Sequence[ParsedSource | PreparedSource],
                    run_id: int) -> IngestCounts:
        """Store a batch of parsed sources in one transaction; returns what changed (see
        :mod:`dateline.store.writer`)."""
        from dateline.store.writer import BatchWriter

        counts = BatchWriter(self).write(batch, run_id)
        self.backend.after_batch()
        return counts

    # -- reading ------------------------------------------------------------------------------

    _STORY_COLUMNS = (
        "s.id, s.key, s.revision, r.title, r.date, r.published_at, r.updated_at, r.program, "
        "r.reporter, r.language, r.url, r.text, r.source_id, src.name, r.position, r.text_hash, "
        "s.duplicate_of, r.segments, s.seq"
    )
    _STORY_FROM = (
        "FROM stories s JOIN revisions r ON r.story_id = s.id AND r.revision = s.revision "
        "JOIN sources src ON src.id = r.source_id"
    )

    def _row_to_story(self, row: tuple[Any, ...], *, with_quotes: bool = True) -> StoredStory:
        (sid, key, revision, title, d, pub, upd, program, reporter, language, url, text,
         source_id, source_name, position, digest, dup, segments, seq) = row
        story = StoredStory(
            id=sid, key=key, revision=revision, title=title,
            date=date.fromisoformat(d) if d else None,
            published_at=datetime.fromisoformat(pub) if pub else None,
            updated_at=datetime.fromisoformat(upd) if upd else None,
            program=program, reporter=reporter, language=language, url=url, text=text,
            source_id=source_id, source_name=source_name, position=position, text_hash=digest,
            duplicate_of=dup,
            segments=[Segment(k, text[a:b], a, b) for k, a, b in json.loads(segments)],
            seq=seq,
        )
        if with_quotes:
            story.quotes = self.quotes_of(sid, revision)
        return story

    _QUOTE_SELECT = ('SELECT story_id, revision, text, speaker, role, organization, language, '
                     'kind, label, start, "end", confidence, language_label FROM quotes')

    def quotes_of(self, story_id: str, revision: int) -> list[Quote]:
        rows = self.conn.execute(
            f"{self._quote_select} WHERE story_id = ? AND revision = ? ORDER BY idx",
            (story_id, revision),
        ).fetchall()
        return [_row_to_quote(r) for r in rows]

    def quote_texts(self, keys: Sequence[tuple[str, int]]
                    ) -> dict[tuple[str, int], list[tuple[str, str | None]]]:
        """(text, speaker) of each quote of the given (story id, revision)s, in text order:
        what the search index needs of quotes, in a few queries."""
        wanted = set(keys)
        out: dict[tuple[str, int], list[tuple[str, str | None]]] = {}
        for ids in chunks(list(dict.fromkeys(sid for sid, _ in keys))):
            rows = self.conn.execute(
                "SELECT story_id, revision, text, speaker FROM quotes "
                f"WHERE story_id IN ({', '.join('?' * len(ids))}) "
                "ORDER BY story_id, revision, idx", ids,
            )
            for sid, revision, text, speaker in rows:
                if (sid, revision) in wanted:  # else an older revision's
                    out.setdefault((sid, revision), []).append((text, speaker))
        return out

    def resolve_id(self, prefix: str) -> str:
        """A full story id from an id or a unique prefix of at least 4 characters."""
        prefix = prefix.strip().lower()
        rows = self.conn.execute(
            "SELECT id FROM stories WHERE id >= ? AND id < ? LIMIT 2", (prefix, prefix + "g")
        ).fetchall()
        if not rows and len(prefix) == 16:  # an id from before `dateline rebuild` re-keyed it
            with contextlib.suppress(sqlite3.OperationalError):  # read-only, not migrated yet
                rows = self.conn.execute(
                    "SELECT story_id FROM story_aliases WHERE old_id = ?", (prefix,)).fetchall()
        if len(prefix) < 4 or not rows:
            raise NotFound(f"no story with id {prefix!r}", hint="list ids with: dateline search …")
        if len(rows) > 1 and rows[0][0] != prefix:
            raise NotFound(f"story id prefix {prefix!r} is ambiguous", hint="give more characters")
        return str(rows[0][0])

    def get_story(self, story_id: str, *, with_quotes: bool = True) -> StoredStory:
        sid = self.resolve_id(story_id)
        row = self.conn.execute(
            f"SELECT {self._STORY_COLUMNS} {self._STORY_FROM} WHERE s.id = ?", (sid,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no story with id {story_id!r}")
        return self._row_to_story(row, with_quotes=with_quotes)

    def get_stories(self, ids: Sequence[str]) -> dict[str, StoredStory]:
        """Current revisions of these stories with their quotes, in a few queries (ids not
        found are left out)."""
        out: dict[str, StoredStory] = {}
        for part in chunks(list(dict.fromkeys(ids))):
            marks = ", ".join("?" * len(part))
            for row in self.conn.execute(
                    f"SELECT {self._STORY_COLUMNS} {self._STORY_FROM} WHERE s.id IN ({marks})",
                    part):
                story = self._row_to_story(row, with_quotes=False)
                out[story.id] = story
            for r in self.conn.execute(
                    f"{self._quote_select} WHERE story_id IN ({marks}) ORDER BY story_id, "
                    "revision, idx", part):
                owner = out.get(r[0])
                if owner is not None and owner.revision == r[1]:
                    owner.quotes.append(_row_to_quote(r))
        return out

    def iter_stories(self, *, include_duplicates: bool = False, after_seq: int = 0,
                     upto_seq: int | None = None, with_quotes: bool = True,
                     batch: int = 1000) -> Iterator[StoredStory]:
        """Current revisions in the order they last changed (store sequence), after
        ``after_seq`` and up to ``upto_seq``."""
        for row in self._by_seq(self._STORY_COLUMNS, include_duplicates, after_seq, upto_seq,
                                batch):
            yield self._row_to_story(row, with_quotes=with_quotes)

    def iter_index_rows(self, *, include_duplicates: bool = False, after_seq: int = 0,
                        upto_seq: int | None = None, batch: int = 1000) -> Iterator[IndexRow]:
        """What the search index needs of the stories :meth:`iter_stories` would give (the
        search index is rebuilt from these: a fraction of the cost of whole stories)."""
        for row in self._by_seq(self._INDEX_COLUMNS, include_duplicates, after_seq, upto_seq,
                                batch):
            yield _index_row(row)

    _INDEX_COLUMNS = ("s.id, s.revision, s.duplicate_of, r.title, r.date, r.published_at, "
                      "r.program, r.reporter, r.language, src.name, r.text, r.segments, s.seq")

    def index_rows_of(self, ids: Sequence[str]) -> list[IndexRow]:
        """:meth:`iter_index_rows` of these stories (in no particular order)."""
        out: list[IndexRow] = []
        for part in chunks(list(ids)):
            marks = ", ".join("?" * len(part))
            out.extend(_index_row(row) for row in self.conn.execute(
                f"SELECT {self._INDEX_COLUMNS} {self._STORY_FROM} WHERE s.id IN ({marks})",
                part))
        return out

    def _by_seq(self, columns: str, include_duplicates: bool, after_seq: int,
                upto_seq: int | None, batch: int) -> Iterator[tuple[Any, ...]]:
        """Rows of ``columns`` (the last one ``s.seq``) of current revisions in store
        sequence, read ``batch`` at a time."""
        where = ["s.seq > ?"]
        if upto_seq is not None:
            where.append(f"s.seq <= {int(upto_seq)}")
        if not include_duplicates:
            where.append("+s.duplicate_of IS NULL")  # "+": walk by seq, not the dup index
        sql = (f"SELECT {columns} {self._STORY_FROM} WHERE {' AND '.join(where)} "
               "ORDER BY s.seq LIMIT ?")
        last = after_seq
        while True:
            rows = self.conn.execute(sql, (last, batch)).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][-1]

    # -- Korean analysis (kept so that entities and indexes never analyse a story twice) -----

    def put_korean_terms(self, rows: list[tuple[str, int, str, str, list[tuple[str, int, int]],
                                                list[tuple[str, int, int]]]],
                         maker: str) -> None:
        """Keep each revision's Korean analysis: ``(story id, revision, title terms, text
        terms, proper nouns of the text, proper nouns of the title)``; the nouns are stored as
        ``{"text": [[form, start, end], …], "title": […]}`` (archives of before kept the text's
        alone, as a list)."""
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT OR REPLACE INTO korean_terms(story_id, revision, title_terms, text_terms, "
                "proper_nouns, maker) VALUES (?, ?, ?, ?, ?, ?)",
                [(sid, rev, title, text,
                  json.dumps({"text": nouns, "title": title_nouns}, ensure_ascii=False), maker)
                 for sid, rev, title, text, nouns, title_nouns in rows],
            )

    def korean_terms(self, story_id: str, revision: int
                     ) -> tuple[str, str, list[tuple[str, int, int]]] | None:
        """(title terms, text terms, proper nouns) of a revision, if it was analysed."""
        row = self.conn.execute(
            "SELECT title_terms, text_terms, proper_nouns FROM korean_terms WHERE story_id = ? "
            "AND revision = ?", (story_id, revision)).fetchone()
        if row is None:
            return None
        return row[0], row[1], _nouns(row[2])[0]

    def proper_nouns_of(self, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Nouns]:
        """The Korean proper nouns kept for the analysed revisions among ``keys``: those of
        the text, and of the title (``None`` when kept by a version that did not keep them)."""
        wanted = set(keys)
        out: dict[tuple[str, int], Nouns] = {}
        for ids in chunks(list(dict.fromkeys(sid for sid, _ in keys))):
            for sid, revision, nouns in self.conn.execute(
                    "SELECT story_id, revision, proper_nouns FROM korean_terms "
                    f"WHERE story_id IN ({', '.join('?' * len(ids))})", ids):
                if (sid, revision) in wanted:
                    out[sid, revision] = _nouns(nouns)
        return out

    def korean_search_terms(self, keys: Sequence[tuple[str, int]]
                            ) -> dict[tuple[str, int], tuple[str, str]]:
        """(title terms, text terms) of the analysed revisions among ``keys``, in a few queries."""
        wanted = set(keys)
        out: dict[tuple[str, int], tuple[str, str]] = {}
        for ids in chunks(list(dict.fromkeys(sid for sid, _ in keys))):
            rows = self.conn.execute(
                "SELECT story_id, revision, title_terms, text_terms FROM korean_terms "
                f"WHERE story_id IN ({', '.join('?' * len(ids))})", ids,
            )
            for sid, revision, title, text in rows:
                if (sid, revision) in wanted:
                    out[sid, revision] = (title, text)
        return out

    def max_seq(self) -> int:
        return int(self.get_meta("seq", "0") or 0)

    def lock_seq(self) -> int:
        """The store sequence, locked until the caller's write transaction ends: sequence
        numbers taken after it become visible in the order they were taken, whatever the
        number of writers (followers of the sequence keep a watermark on it)."""
        row = self.conn.execute(
            f"SELECT value FROM meta WHERE key = 'seq'{self.backend.for_update}").fetchone()
        return int(row[0]) if row else 0

    def revisions_of(self, story_id: str) -> list[dict[str, Any]]:
        sid = self.resolve_id(story_id)
        rows = self.conn.execute(
            "SELECT r.revision, r.text_hash, r.title, r.published_at, r.updated_at, src.name, "
            "src.origin, src.ingested_at, r.text FROM revisions r JOIN sources src ON "
            "src.id = r.source_id WHERE r.story_id = ? ORDER BY r.revision",
            (sid,),
        ).fetchall()
        keys = ("revision", "text_hash", "title", "published_at", "updated_at", "source",
                "origin", "ingested_at", "text")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def duplicates_of(self, story_id: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT id FROM stories WHERE duplicate_of = ? ORDER BY id", (story_id,)
        ).fetchall()
        return [r[0] for r in rows]

    def rejects(self, limit: int = 100, offset: int = 0) -> list[RejectRow]:
        rows = self.conn.execute(
            "SELECT id, name, origin, locator, reason, sha256, created_at FROM rejects "
            "ORDER BY id LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [RejectRow(*r) for r in rows]

    def stats(self) -> dict[str, Any]:
        q = self.conn.execute
        by_year = dict(
            q("SELECT substr(r.date, 1, 4) AS y, COUNT(*) FROM stories s JOIN revisions r ON "
              "r.story_id = s.id AND r.revision = s.revision WHERE s.duplicate_of IS NULL "
              "GROUP BY y ORDER BY y").fetchall()
        )
        by_program = dict(
            q("SELECT COALESCE(r.program, '(none)') AS p, COUNT(*) FROM stories s JOIN revisions "
              "r ON r.story_id = s.id AND r.revision = s.revision WHERE s.duplicate_of IS NULL "
              "GROUP BY p ORDER BY COUNT(*) DESC").fetchall()
        )
        by_language = dict(
            q("SELECT COALESCE(r.language, '(none)') AS l, COUNT(*) FROM stories s JOIN "
              "revisions r ON r.story_id = s.id AND r.revision = s.revision WHERE "
              "s.duplicate_of IS NULL GROUP BY l ORDER BY COUNT(*) DESC").fetchall()
        )
        dates = q("SELECT MIN(date), MAX(date) FROM revisions").fetchone()
        return {
            "sources": q("SELECT COUNT(*) FROM sources").fetchone()[0],
            "source_bytes": q("SELECT COALESCE(SUM(size), 0) FROM sources").fetchone()[0],
            "stories": q("SELECT COUNT(*) FROM stories WHERE duplicate_of IS NULL").fetchone()[0],
            "duplicates": q("SELECT COUNT(*) FROM stories WHERE duplicate_of IS NOT NULL")
            .fetchone()[0],
            "revisions": q("SELECT COUNT(*) FROM revisions").fetchone()[0],
            "revised_stories": q("SELECT COUNT(*) FROM stories WHERE revision > 1").fetchone()[0],
            "quotes": q("SELECT COUNT(*) FROM quotes q JOIN stories s ON s.id = q.story_id AND "
                        "s.revision = q.revision").fetchone()[0],
            "rejects": q("SELECT COUNT(*) FROM rejects").fetchone()[0],
            "runs": q("SELECT COUNT(*) FROM runs").fetchone()[0],
            "first_date": dates[0],
            "last_date": dates[1],
            "by_year": by_year,
            "by_program": by_program,
            "by_language": by_language,
        }
