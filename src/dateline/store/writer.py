"""Writing parsed sources into the store of record: one transaction per batch.

The parser workers :meth:`~ParsedSource.prepare` each source (hashes, compression, keys, JSON:
everything that takes CPU), so that the single writer mostly runs SQL.  The writer decides what
each story is — new, a duplicate of another story's text, unchanged, a revision, or a different
story that arrived under a known key — by the rules of :mod:`dateline.store.identity`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from dateline.model import SEGMENT_KINDS, ParsedStory, Segment, SourceFile, text_hash
from dateline.store.identity import (
    RecordIdentity,
    StoredVersion,
    record_keys,
    revision_evidence,
    story_key,
    variant_key,
    variant_range,
)
from dateline.store.sqlite import chunks, pack_blob, story_id_for, transaction

if TYPE_CHECKING:
    from dateline.store.sqlite import Store

#: revisions of one source's own stories past which a run warns (and past this share of the
#: source's stories): records that share an identity without being the same story
SUSPICIOUS_REVISIONS = 100
SUSPICIOUS_SHARE = 0.1


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
    #: stories of records whose URL other records of their source share
    shared_url: int = 0
    #: of those, stories of a source of pages (many records per URL): told apart by title
    by_title: int = 0
    #: stories kept apart from a story with the same key: nothing showed they are the same
    kept_apart: int = 0
    #: revisions by the evidence that recognised them ("same title", …)
    revised_by: Counter[str] = field(default_factory=Counter)
    #: per source name, revisions of stories whose previous text came from the same source
    revised_in_source: Counter[str] = field(default_factory=Counter)
    #: stories per source name, for the share of revisions above
    stories_in_source: Counter[str] = field(default_factory=Counter)
    reject_reasons: list[str] = field(default_factory=list)

    _SUMS = ("sources", "unchanged_sources", "new", "revised", "duplicate", "unchanged",
             "rejected", "warnings", "shared_url", "by_title", "kept_apart")

    def add(self, other: IngestCounts) -> None:
        for name in self._SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.revised_by.update(other.revised_by)
        self.revised_in_source.update(other.revised_in_source)
        self.stories_in_source.update(other.stories_in_source)
        room = 20 - len(self.reject_reasons)
        if room > 0:
            self.reject_reasons.extend(other.reject_reasons[:room])

    @property
    def stories(self) -> int:
        return self.new + self.revised + self.duplicate + self.unchanged

    def suspicious(self) -> list[str]:
        """Sources whose records revised many of the source's own stories: their identity
        fields probably do not identify stories."""
        out = []
        for name, n in self.revised_in_source.most_common():
            total = self.stories_in_source[name]
            if n >= SUSPICIOUS_REVISIONS and n >= SUSPICIOUS_SHARE * total:
                out.append(f"{name}: {n:,} of its {total:,} records were taken as new versions "
                           "of other records of the same file; if they are different stories, "
                           "name the field that identifies them with --id-field or --url-field")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in self._SUMS},
            "revised_by": dict(self.revised_by),
            "suspicious": self.suspicious(),
            "reject_reasons": list(self.reject_reasons),
        }


#: A parsed source as the writer consumes it, built by :meth:`ParsedSource.prepare`:
#: ``(name, origin, size, reader, encoding, status, warnings, blob, rejects, stories)`` where
#: ``warnings`` is a list of strings, ``blob`` is :func:`pack_blob` of the raw bytes, ``rejects``
#: are ``(locator, reason, raw bytes or None for the source's own)`` and ``stories`` are
#: :data:`PreparedStory` tuples.  Plain tuples because a prepared source crosses a process
#: boundary: they pickle several times faster than dataclasses.
PreparedSource = tuple[str, str, int, str, str | None, str, list[str], tuple[str, str, bytes],
                       list[tuple[str, str, bytes | None]], list["PreparedStory"]]
#: ``(key, story id, revision columns, quote columns, flags)``; the revision columns are
#: :data:`REVISION_COLUMNS` from ``text_hash`` on, the quote columns :data:`QUOTE_COLUMNS` from
#: ``kind`` on; ``flags`` is :data:`BY_TITLE` when the title is part of the key, and
#: :data:`SHARED_URL` when the record shares its URL with others of its source.
PreparedStory = tuple[str, str, tuple[Any, ...], list[tuple[Any, ...]], int]
BY_TITLE = 1
SHARED_URL = 2

REVISION_COLUMNS = (
    "story_id, revision, source_id, run_id, text_hash, title, date, published_at, updated_at, "
    "program, reporter, language, url, text, segments, position, locator, parser"
)
QUOTE_COLUMNS = (
    'story_id, revision, idx, maker, kind, text, speaker, role, organization, language, label, '
    'start, "end", confidence, language_label'
)
# positions in a prepared story's revision columns
_TITLE, _UPDATED_AT, _TEXT = 1, 4, 9


class ParsedRecord(NamedTuple):
    """One record of a source as the parser understood it."""

    locator: str
    stories: list[ParsedStory]
    warnings: list[str]
    #: the record's own id field, when it has one (``id``, ``guid``…)
    record_id: str | None = None


@dataclass(slots=True)
class ParsedSource:
    """A source and what the parser made of each of its records, ready to be stored."""

    source: SourceFile
    records: list[ParsedRecord]
    parser: str = ""

    def prepare(self) -> PreparedSource:
        """Everything the writer needs that takes CPU — hashing, compressing, keys, JSON —
        done here, typically in a parser worker, so the single writer only runs SQL."""
        src = self.source
        warnings = [f"{r.locator}: {w}" if r.locator else w for r in self.records
                    for w in r.warnings]
        urls = [_record_url(r) for r in self.records]
        identities = record_keys(src.name, [
            (r.locator, url, r.record_id) for r, url in zip(self.records, urls, strict=True)])
        per_url = Counter(url for url in urls if url)
        stories = [
            _prepare_story(story, identity, record.locator, self.parser,
                           shared=url is not None and per_url[url] > 1)
            for record, url, identity in zip(self.records, urls, identities, strict=True)
            for story in record.stories
        ]
        rejects: list[tuple[str, str, bytes | None]] = [
            (err.locator, err.reason, err.raw or None) for err in src.errors
        ]
        if src.reject_reason:
            rejects = [("", src.reject_reason, None)]
        elif not stories and not src.errors:
            reason = "no story found: " + ("; ".join(warnings[:3]) or "the text is empty")
            rejects.append(("", reason, None))
        status = "ok" if not rejects else "partial" if stories else "rejected"
        return (src.name, src.origin, len(src.raw), src.reader or "", src.encoding, status,
                warnings, pack_blob(src.raw), rejects, stories)


def _record_url(record: ParsedRecord) -> str | None:
    url = next((s.url for s in record.stories if s.url), None)
    return url.strip() if url else None


#: json.dumps of each segment kind, quotes included
_KIND_JSON = {kind: json.dumps(kind) for kind in SEGMENT_KINDS}


def _segments_json(segments: list[Segment]) -> str:
    """``json.dumps([[kind, start, end], ...])``, the same text in half the time (most of
    json.dumps' cost on a short list is setting up its encoder)."""
    return "[" + ", ".join(
        f"[{_KIND_JSON.get(s.kind) or json.dumps(s.kind)}, {s.start}, {s.end}]"
        for s in segments
    ) + "]"


def _prepare_story(story: ParsedStory, identity: RecordIdentity, locator: str, parser: str,
                   *, shared: bool) -> PreparedStory:
    key = story_key(identity, story.title, story.position)
    revision = (
        text_hash(story.text), story.title, _iso(story.date),
        _iso(story.published_at), _iso(story.updated_at), story.program, story.reporter,
        story.language, story.url, story.text,
        _segments_json(story.segments), story.position, locator, parser,
    )
    quotes = [
        (q.kind, q.text, q.speaker, q.role, q.organization, q.language, q.label, q.start, q.end,
         q.confidence, q.language_label)
        for q in story.quotes
    ]
    flags = (BY_TITLE if identity.by_title and story.title else 0) | (SHARED_URL if shared
                                                                      else 0)
    return key, story_id_for(key), revision, quotes, flags


@dataclass(slots=True)
class _BatchState:
    """What the writer keeps while it stores one batch."""

    run_id: int
    counts: IngestCounts
    stamp: str  # ingested_at / created_at of every row of the batch
    #: story ids and text hashes the archive has, as of the last statement: a story whose id
    #: is not here is new without a lookup, one whose hash is not here duplicates nothing
    known_ids: set[str]
    known_hashes: set[str]
    #: rows of stories, revisions and quotes not inserted yet: each table's rows go in with
    #: one executemany, in order, before anything reads those tables (see _insert_held)
    story_rows: list[tuple[Any, ...]] = field(default_factory=list)
    revision_rows: list[tuple[Any, ...]] = field(default_factory=list)
    quote_rows: list[tuple[Any, ...]] = field(default_factory=list)


class BatchWriter:
    """Stores batches of prepared sources in one store; one transaction per batch."""

    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn
        self._seq = 0

    def write(self, batch: Sequence[ParsedSource | PreparedSource], run_id: int) -> IngestCounts:
        """Store a batch of parsed sources in one transaction; returns what changed."""
        counts = IngestCounts()
        items = [item.prepare() if isinstance(item, ParsedSource) else item for item in batch]
        with transaction(self.conn):
            self._seq = self.store.max_seq()
            state = _BatchState(run_id, counts, _now(), *self._known(items))
            for item in items:
                self._write_source(item, state)
            self._insert_held(state)
            self.store.set_meta("seq", str(self._seq))
        return counts

    def _next_seq(self) -> int:
        """The next change number; kept in memory during a batch, saved with it."""
        self._seq += 1
        return self._seq

    def _known(self, items: Sequence[PreparedSource]) -> tuple[set[str], set[str]]:
        """Which story ids and which text hashes of ``items`` the archive has already: two
        queries a batch, so that a story seen for the first time (the usual case) needs no
        lookup of its own."""
        ids = list({story[1] for item in items for story in item[9]})
        digests = list({story[2][0] for item in items for story in item[9]})
        known_ids = {row[0] for part in chunks(ids) for row in self.conn.execute(
            f"SELECT id FROM stories WHERE id IN ({', '.join('?' * len(part))})", part)}
        known_hashes = {row[0] for part in chunks(digests) for row in self.conn.execute(
            f"SELECT DISTINCT text_hash FROM revisions WHERE text_hash IN "
            f"({', '.join('?' * len(part))})", part)}
        return known_ids, known_hashes

    def _write_source(self, item: PreparedSource, state: _BatchState) -> None:
        name, origin, size, reader, encoding, status, warnings, blob, rejects, stories = item
        counts = state.counts
        sha = self.store.put_blob(size, blob)  # before its source: the source row refers to it
        cur = self.conn.execute(
            "INSERT INTO sources(name, origin, sha256, size, reader, encoding, status, warnings, "
            "run_id, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(name, sha256) DO NOTHING",
            (name, origin, sha, size, reader, encoding, status,
             json.dumps(warnings, ensure_ascii=False) if warnings else "[]", state.run_id,
             state.stamp),
        )
        if cur.rowcount == 0:  # the same bytes under the same name: stored before
            counts.unchanged_sources += 1
            return
        source_id = int(cur.lastrowid or 0)
        counts.sources += 1
        counts.warnings += len(warnings)
        for locator, reason, raw in rejects:
            self._reject(source_id, name, origin, locator, reason,
                         sha if raw is None else self.store.put_blob(len(raw), pack_blob(raw)),
                         state)
        counts.stories_in_source[name] += len(stories)
        for story in stories:
            self._write_story(story, source_id, name, state)

    def _reject(self, source_id: int, name: str, origin: str, locator: str, reason: str,
                sha: str, state: _BatchState) -> None:
        self.conn.execute(
            "INSERT INTO rejects(source_id, name, origin, locator, reason, sha256, run_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (source_id, name, origin, locator, reason, sha, state.run_id, state.stamp),
        )
        counts = state.counts
        counts.rejected += 1
        if len(counts.reject_reasons) < 20:
            place = f"{origin}{' ' + locator if locator else ''}"
            counts.reject_reasons.append(f"{place}: {reason}")

    def _write_story(self, story: PreparedStory, source_id: int, source_name: str,
                     state: _BatchState) -> None:
        key, sid, revision_row, quote_rows, flags = story
        counts = state.counts
        if flags & SHARED_URL:
            counts.shared_url += 1
        if flags & BY_TITLE:
            counts.by_title += 1
        if sid in state.known_ids:
            self._insert_held(state)
            if self._same_key(key, sid, revision_row, quote_rows, flags, source_id,
                              source_name, state):
                return
            # a different story under a known key: a key of its own
            key = variant_key(key, revision_row[0])
            sid = story_id_for(key)
            counts.kept_apart += 1
        self._new_story(key, sid, source_id, revision_row, quote_rows, state)

    def _same_key(self, key: str, sid: str, revision_row: tuple[Any, ...],
                  quote_rows: list[tuple[Any, ...]], flags: int, source_id: int,
                  source_name: str, state: _BatchState) -> bool:
        """A story under a key the archive knows: unchanged, or a revision of the story (or of
        a story kept apart under the same key) that the evidence points to.  False when it is
        none of them: a different story."""
        conn = self.conn
        digest = revision_row[0]
        lo, hi = variant_range(key)
        family = [sid] + [row[0] for row in conn.execute(
            "SELECT id FROM stories WHERE key > ? AND key < ?", (lo, hi))]
        marks = ", ".join("?" * len(family))
        if conn.execute(f"SELECT 1 FROM revisions WHERE story_id IN ({marks}) AND text_hash = ? "
                        "LIMIT 1", (*family, digest)).fetchone() is not None:
            state.counts.unchanged += 1
            return True
        new = StoredVersion(revision_row[_TITLE], revision_row[_TEXT], revision_row[_UPDATED_AT])
        best: tuple[float, str, str, int, str | None, int] | None = None
        for story_id, current, title, text, updated_at, previous_source in conn.execute(
                "SELECT s.id, s.revision, r.title, r.text, r.updated_at, r.source_id "
                f"FROM stories s JOIN revisions r ON r.story_id = s.id AND r.revision = "
                f"s.revision WHERE s.id IN ({marks})", family):
            found = revision_evidence(StoredVersion(title, text, updated_at), new,
                                      title_in_key=bool(flags & BY_TITLE))
            if found is not None and (best is None or found[1] > best[0]):
                best = (found[1], found[0], story_id, current, updated_at, previous_source)
        if best is None:
            return False
        _, why, story_id, current, current_updated, previous_source = best
        revision = 1 + conn.execute(
            "SELECT MAX(revision) FROM revisions WHERE story_id = ?", (story_id,)
        ).fetchone()[0]
        self._insert_revision(story_id, revision, source_id, revision_row, quote_rows, state)
        new_updated = revision_row[_UPDATED_AT]
        # The newest version by its 수정 time is current; without times, the latest seen.
        if not (current_updated and new_updated and new_updated < current_updated):
            self._insert_held(state)
            conn.execute("UPDATE stories SET revision = ?, seq = ? WHERE id = ?",
                         (revision, self._next_seq(), story_id))
        counts = state.counts
        counts.revised += 1
        counts.revised_by[why] += 1
        if previous_source == source_id:
            counts.revised_in_source[source_name] += 1
        return True

    def _new_story(self, key: str, sid: str, source_id: int, revision_row: tuple[Any, ...],
                   quote_rows: list[tuple[Any, ...]], state: _BatchState) -> None:
        digest = revision_row[0]
        dup = None
        if digest in state.known_hashes:
            self._insert_held(state)
            dup = self.conn.execute(
                "SELECT r.story_id FROM revisions r JOIN stories s ON s.id = r.story_id "
                "AND s.revision = r.revision WHERE r.text_hash = ? AND s.duplicate_of IS NULL "
                "LIMIT 1",
                (digest,),
            ).fetchone()
        state.story_rows.append((sid, key, dup[0] if dup else None, self._next_seq(),
                                 state.run_id))
        state.known_ids.add(sid)
        self._insert_revision(sid, 1, source_id, revision_row, quote_rows, state)
        if dup:
            state.counts.duplicate += 1
        else:
            state.counts.new += 1

    def _insert_revision(self, sid: str, revision: int, source_id: int,
                         revision_row: tuple[Any, ...], quote_rows: list[tuple[Any, ...]],
                         state: _BatchState) -> None:
        state.revision_rows.append((sid, revision, source_id, state.run_id, *revision_row))
        state.known_hashes.add(revision_row[0])
        if quote_rows:
            maker = revision_row[-1]
            state.quote_rows.extend(
                (sid, revision, i, maker, *q) for i, q in enumerate(quote_rows))

    def _insert_held(self, state: _BatchState) -> None:
        """Insert the rows ``state`` holds back: a statement per table instead of one per row.
        Stories go first (revisions refer to them); each table gets its rows in the order they
        came, as one statement per row would have given."""
        if state.story_rows:
            self.conn.executemany(
                "INSERT INTO stories(id, key, revision, duplicate_of, seq, first_run) "
                "VALUES (?, ?, 1, ?, ?, ?)", state.story_rows)
            state.story_rows.clear()
        if state.revision_rows:
            self.conn.executemany(
                f"INSERT INTO revisions({REVISION_COLUMNS}) VALUES ({', '.join('?' * 18)})",
                state.revision_rows)
            state.revision_rows.clear()
        if state.quote_rows:
            self.conn.executemany(
                f"INSERT INTO quotes({QUOTE_COLUMNS}) VALUES ({', '.join('?' * 15)})",
                state.quote_rows)
            state.quote_rows.clear()
