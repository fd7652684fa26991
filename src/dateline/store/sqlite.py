"""The store of record: one SQLite file (WAL mode) in the archive folder.

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import zstandard

from dateline.errors import ArchiveError, NotFound
from dateline.model import (
    ParsedStory,
    Quote,
    Segment,
    SourceFile,
    StoredStory,
    text_hash,
)
from dateline.store.schema import migrate

log = logging.getLogger(__name__)

DB_NAME = "dateline.sqlite"
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


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
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


def story_id_for(key: str) -> str:
    """Stable story id: the first 16 hex digits of sha1(key)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def story_key(source_name: str, locator: str, story: ParsedStory) -> str:
    """The identity of a story: its URL when it has one, else where it came from.

    A page re-scraped after its 수정 time keeps its URL (or its file name), so the new text
    becomes a new revision of the same story rather than a new story.
    """
    if story.url:
        return f"url:{story.url.strip()}#{story.position}"
    return f"src:{source_name}{locator}#{story.position}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(slots=True)
class IngestCounts:
    """What one batch or run did to the archive."""

    sources: int = 0
    unchanged_sources: int = 0
    new: int = 0
    revised: int = 0
    duplicate: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    reject_reasons: list[str] = field(default_factory=list)

    def add(self, other: IngestCounts) -> None:
        for name in ("sources", "unchanged_sources", "new", "revised", "duplicate", "unchanged",
                     "rejected", "warnings"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        room = 20 - len(self.reject_reasons)
        if room > 0:
            self.reject_reasons.extend(other.reject_reasons[:room])

    @property
    def stories(self) -> int:
        return self.new + self.revised + self.duplicate + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "unchanged_sources": self.unchanged_sources,
            "new": self.new,
            "revised": self.revised,
            "duplicate": self.duplicate,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "reject_reasons": list(self.reject_reasons),
        }


@dataclass(slots=True)
class ParsedSource:
    """A source and what the parser made of each of its records, ready to be stored."""

    source: SourceFile
    #: per record: (locator, parsed stories, warnings)
    records: list[tuple[str, list[ParsedStory], list[str]]]
    parser: str = ""
    #: (sha256, codec, stored bytes) of the raw bytes, when prepared off the writer's thread
    blob: tuple[str, str, bytes] | None = None

    def prepare(self) -> ParsedSource:
        """Do the CPU work of storing (hashing, compressing) here, e.g. in a worker process,
        so the single writer only runs SQL."""
        self.blob = pack_blob(self.source.raw)
        for _, stories, _ in self.records:
            for story in stories:
                if story.text_hash is None:
                    story.text_hash = text_hash(story.text)
        return self


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
    """The SQLite store of record of one archive."""

    def __init__(self, folder: Path, *, readonly: bool = False):
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        self.readonly = readonly
        try:
            if readonly:
                uri = f"file:{self.path}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, check_same_thread=False)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open the archive store {self.path}: {exc}") from exc
        self.conn.isolation_level = None  # explicit transactions
        self.conn.execute("PRAGMA busy_timeout = 30000")
        self.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of page cache
        self.conn.execute("PRAGMA temp_store = MEMORY")
        if not readonly:
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            migrate(self.conn)
        self.conn.execute("PRAGMA foreign_keys = ON")
        self._seq = 0
        self._dctx = zstandard.ZstdDecompressor()

    def close(self) -> None:
        self.conn.close()

    # -- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def _next_seq(self) -> int:
        """The next change number; kept in memory during a batch, saved with it."""
        self._seq += 1
        return self._seq

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, args: dict[str, Any]) -> int:
        # Runs left "running" by a killed process are marked interrupted.
        self.conn.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        cur = self.conn.execute(
            "INSERT INTO runs(started_at, args) VALUES (?, ?)", (_now(), json.dumps(args))
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, counts: IngestCounts, status: str = "done") -> None:
        self.conn.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
            (_now(), status, json.dumps(counts.as_dict()), run_id),
        )

    # -- sources ------------------------------------------------------------------------------

    def _put_blob(self, raw: bytes, packed: tuple[str, str, bytes] | None = None) -> str:
        digest, codec, data = packed or pack_blob(raw)
        self.conn.execute(
            "INSERT OR IGNORE INTO blobs(sha256, size, codec, data) VALUES (?, ?, ?, ?)",
            (digest, len(raw), codec, data),
        )
        return digest

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

    def write_batch(self, batch: list[ParsedSource], run_id: int) -> IngestCounts:
        """Store a batch of parsed sources in one transaction; returns what changed."""
        counts = IngestCounts()
        with transaction(self.conn):
            self._seq = self.max_seq()
            for item in batch:
                self._write_source(item, run_id, counts)
            self.set_meta("seq", str(self._seq))
        return counts

    def _write_source(self, item: ParsedSource, run_id: int, counts: IngestCounts) -> None:
        src = item.source
        packed = item.blob or pack_blob(src.raw)
        existing = self.conn.execute(
            "SELECT id FROM sources WHERE name = ? AND sha256 = ?", (src.name, packed[0])
        ).fetchone()
        if existing is not None:
            counts.unchanged_sources += 1
            return
        sha = self._put_blob(src.raw, packed)
        record_warnings = [w for _, _, ws in item.records for w in ws]
        warnings = [*record_warnings, *(w for r in src.records for w in r.warnings)]
        has_stories = any(stories for _, stories, _ in item.records)
        if src.reject_reason:
            status = "rejected"
        elif src.errors or not has_stories:
            status = "partial" if has_stories else "rejected"
        else:
            status = "ok"
        cur = self.conn.execute(
            "INSERT INTO sources(name, origin, sha256, size, reader, encoding, status, warnings, "
            "run_id, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (src.name, src.origin, sha, len(src.raw), src.reader or "", src.encoding, status,
             json.dumps(warnings, ensure_ascii=False), run_id, _now()),
        )
        source_id = int(cur.lastrowid or 0)
        counts.sources += 1
        counts.warnings += len(warnings)
        if src.reject_reason:
            self._reject(source_id, src, "", src.reject_reason, src.raw, run_id, counts)
            return
        for err in src.errors:
            self._reject(source_id, src, err.locator, err.reason, err.raw or src.raw, run_id,
                         counts)
        if not has_stories and not src.errors:
            reason = "no story found: " + ("; ".join(warnings[:3]) or "the text is empty")
            self._reject(source_id, src, "", reason, src.raw, run_id, counts)
        for locator, stories, _ in item.records:
            for story in stories:
                self._write_story(story, src.name, locator, source_id, run_id, item.parser, counts)

    def _reject(self, source_id: int, src: SourceFile, locator: str, reason: str, raw: bytes,
                run_id: int, counts: IngestCounts) -> None:
        sha = self._put_blob(raw)
        self.conn.execute(
            "INSERT INTO rejects(source_id, name, origin, locator, reason, sha256, run_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (source_id, src.name, src.origin, locator, reason, sha, run_id, _now()),
        )
        counts.rejected += 1
        if len(counts.reject_reasons) < 20:
            place = f"{src.origin}{' ' + locator if locator else ''}"
            counts.reject_reasons.append(f"{place}: {reason}")

    def _write_story(self, story: ParsedStory, source_name: str, locator: str, source_id: int,
                     run_id: int, parser: str, counts: IngestCounts) -> None:
        key = story_key(source_name, locator, story)
        sid = story_id_for(key)
        digest = story.text_hash or text_hash(story.text)
        conn = self.conn
        row = conn.execute("SELECT revision FROM stories WHERE id = ?", (sid,)).fetchone()
        if row is not None:
            same = conn.execute(
                "SELECT 1 FROM revisions WHERE story_id = ? AND text_hash = ?", (sid, digest)
            ).fetchone()
            if same is not None:
                counts.unchanged += 1
                return
            current = conn.execute(
                "SELECT updated_at FROM revisions WHERE story_id = ? AND revision = ?",
                (sid, row[0]),
            ).fetchone()
            revision = 1 + conn.execute(
                "SELECT MAX(revision) FROM revisions WHERE story_id = ?", (sid,)
            ).fetchone()[0]
            self._insert_revision(sid, revision, story, digest, source_id, locator, run_id, parser)
            new_updated = _iso(story.updated_at)
            # The newest version by its 수정 time is current; without times, the latest seen.
            if not (current and current[0] and new_updated and new_updated < current[0]):
                conn.execute(
                    "UPDATE stories SET revision = ?, seq = ? WHERE id = ?",
                    (revision, self._next_seq(), sid),
                )
            counts.revised += 1
            return
        dup = conn.execute(
            "SELECT r.story_id FROM revisions r JOIN stories s ON s.id = r.story_id "
            "AND s.revision = r.revision WHERE r.text_hash = ? AND s.duplicate_of IS NULL LIMIT 1",
            (digest,),
        ).fetchone()
        conn.execute(
            "INSERT INTO stories(id, key, revision, duplicate_of, seq, first_run) "
            "VALUES (?, ?, 1, ?, ?, ?)",
            (sid, key, dup[0] if dup else None, self._next_seq(), run_id),
        )
        self._insert_revision(sid, 1, story, digest, source_id, locator, run_id, parser)
        if dup:
            counts.duplicate += 1
        else:
            counts.new += 1

    def _insert_revision(self, sid: str, revision: int, story: ParsedStory, digest: str,
                         source_id: int, locator: str, run_id: int, parser: str) -> None:
        segments = json.dumps([[s.kind, s.start, s.end] for s in story.segments])
        self.conn.execute(
            "INSERT INTO revisions(story_id, revision, text_hash, title, date, published_at, "
            "updated_at, program, reporter, language, url, text, segments, source_id, position, "
            "locator, run_id, parser) VALUES (" + ", ".join(["?"] * 18) + ")",
            (sid, revision, digest, story.title, _iso(story.date), _iso(story.published_at),
             _iso(story.updated_at), story.program, story.reporter, story.language, story.url,
             story.text, segments, source_id, story.position, locator, run_id, parser),
        )
        if story.quotes:
            self.conn.executemany(
                'INSERT INTO quotes(story_id, revision, idx, kind, text, speaker, role, '
                'organization, language, label, start, "end", confidence, maker) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (sid, revision, i, q.kind, q.text, q.speaker, q.role, q.organization,
                     q.language, q.label, q.start, q.end, q.confidence, parser)
                    for i, q in enumerate(story.quotes)
                ],
            )

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

    def quotes_of(self, story_id: str, revision: int) -> list[Quote]:
        rows = self.conn.execute(
            'SELECT text, speaker, role, organization, language, kind, label, start, "end", '
            "confidence FROM quotes WHERE story_id = ? AND revision = ? ORDER BY idx",
            (story_id, revision),
        ).fetchall()
        return [
            Quote(text=r[0], speaker=r[1], role=r[2], organization=r[3], language=r[4], kind=r[5],
                  label=r[6], start=r[7], end=r[8], confidence=r[9])
            for r in rows
        ]

    def resolve_id(self, prefix: str) -> str:
        """A full story id from an id or a unique prefix of at least 4 characters."""
        prefix = prefix.strip().lower()
        rows = self.conn.execute(
            "SELECT id FROM stories WHERE id >= ? AND id < ? LIMIT 2", (prefix, prefix + "g")
        ).fetchall()
        if len(prefix) < 4 or not rows:
            raise NotFound(f"no story with id {prefix!r}", hint="list ids with: dateline search …")
        if len(rows) > 1 and rows[0][0] != prefix:
            raise NotFound(f"story id prefix {prefix!r} is ambiguous", hint="give more characters")
        return str(rows[0][0])

    def get_story(self, story_id: str) -> StoredStory:
        sid = self.resolve_id(story_id)
        row = self.conn.execute(
            f"SELECT {self._STORY_COLUMNS} {self._STORY_FROM} WHERE s.id = ?", (sid,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no story with id {story_id!r}")
        return self._row_to_story(row)

    def iter_stories(self, *, include_duplicates: bool = False, after_seq: int = 0,
                     with_quotes: bool = True, batch: int = 1000) -> Iterator[StoredStory]:
        """Current revisions in the order they last changed (store sequence) after ``after_seq``."""
        where = ["s.seq > ?"]
        if not include_duplicates:
            where.append("s.duplicate_of IS NULL")
        sql = (f"SELECT {self._STORY_COLUMNS} {self._STORY_FROM} WHERE {' AND '.join(where)} "
               "ORDER BY s.seq LIMIT ?")
        last = after_seq
        while True:
            rows = self.conn.execute(sql, (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._row_to_story(row, with_quotes=with_quotes)
            last = rows[-1][-1]

    # -- Korean analysis (kept so that entities and indexes never analyse a story twice) -----

    def put_korean_terms(self, rows: list[tuple[str, int, str, str, list[tuple[str, int, int]]]],
                         maker: str) -> None:
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT OR REPLACE INTO korean_terms(story_id, revision, title_terms, text_terms, "
                "proper_nouns, maker) VALUES (?, ?, ?, ?, ?, ?)",
                [(sid, rev, title, text, json.dumps(nouns, ensure_ascii=False), maker)
                 for sid, rev, title, text, nouns in rows],
            )

    def korean_terms(self, story_id: str, revision: int
                     ) -> tuple[str, str, list[tuple[str, int, int]]] | None:
        """(title terms, text terms, proper nouns) of a revision, if it was analysed."""
        row = self.conn.execute(
            "SELECT title_terms, text_terms, proper_nouns FROM korean_terms WHERE story_id = ? "
            "AND revision = ?", (story_id, revision)).fetchone()
        if row is None:
            return None
        return row[0], row[1], [tuple(n) for n in json.loads(row[2])]  # type: ignore[misc]

    def max_seq(self) -> int:
        return int(self.get_meta("seq", "0") or 0)

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
