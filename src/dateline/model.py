"""The one vocabulary of dateline: what flows from readers to parser to store to front ends.

Readers turn bytes into :class:`SourceFile` objects holding :class:`Record` objects; the transcript
parser turns a record's text into a :class:`ParsedDocument` of :class:`ParsedStory` objects with
:class:`Segment` and :class:`Quote` spans; the store gives them identities and revisions and hands
back :class:`StoredStory` objects.  Entities live in :mod:`dateline.enrich`.

Offsets (``start``/``end``) are character offsets into the story's own ``text``.
All datetimes are timezone-aware; KBS times are Asia/Seoul (:data:`SEOUL`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")

SegmentKind = Literal["header", "anchor", "report", "soundbite", "narration", "byline", "noise"]
SEGMENT_KINDS: tuple[str, ...] = (
    "header",
    "anchor",
    "report",
    "soundbite",
    "narration",
    "byline",
    "noise",
)
#: Segment kinds whose text is not indexed for search (kept and shown, never searched).
UNINDEXED_SEGMENTS = frozenset({"noise", "header"})

QuoteKind = Literal["soundbite", "direct", "reported"]


def normalize_text(text: str) -> str:
    """NFC-normalise text and unify line endings; the only text normalisation dateline applies."""
    text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def text_hash(text: str) -> str:
    """Hash of a story's text used for duplicate and revision detection (whitespace-insensitive)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class Segment:
    """A typed span of a story: anchor lead, report, sound bite, narration, byline, noise…"""

    kind: str
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Quote:
    """Words the transcript attributes to a speaker."""

    text: str
    speaker: str | None = None  # person's name as written
    role: str | None = None  # title/role as written
    organization: str | None = None  # organisation/source named instead of or beside a person
    language: str | None = None  # ISO 639-1 code of the words as written ("en", "ko")
    kind: str = "soundbite"  # soundbite | direct | reported
    label: str | None = None  # the label exactly as written, e.g. "Sound bite: US Secretary …"
    start: int = 0
    end: int = 0
    confidence: float = 1.0
    #: the language of the original as the label notes it ("Korean", "Korean-English")
    language_label: str | None = None


@dataclass(slots=True)
class ParsedStory:
    """One news story as the transcript parser understands it (no identity yet)."""

    text: str
    title: str | None = None
    date: date | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    program: str | None = None
    reporter: str | None = None
    language: str | None = None
    url: str | None = None
    segments: list[Segment] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    #: position of the story within its record (0, 1, …)
    position: int = 0
    #: span of the story within the record text
    span: tuple[int, int] = (0, 0)

    def indexed_text(self) -> str:
        """The story's searchable text: every segment but noise and headers."""
        if not self.segments:
            return self.text
        return "\n".join(s.text for s in self.segments if s.kind not in UNINDEXED_SEGMENTS)


@dataclass(slots=True)
class ParsedDocument:
    """What the parser makes of one record: its stories and what it warns about."""

    stories: list[ParsedStory] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Hints:
    """Metadata a structured record carries beside its text (JSON fields, CSV columns)."""

    title: str | None = None
    date: date | None = None
    published_at: datetime | None = None
    url: str | None = None
    program: str | None = None
    language: str | None = None
    record_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Record:
    """One document inside a source: the whole text file, or one JSON/CSV record."""

    text: str
    locator: str = ""  # "" for a whole file, "#12" for record 12, "line 7" for a JSONL line
    hints: Hints = field(default_factory=Hints)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RecordError:
    """A record a reader could not turn into text: the why and the where, raw bytes kept."""

    reason: str
    locator: str = ""
    raw: bytes = b""


@dataclass(slots=True)
class SourceFile:
    """One input as received: a file, or a member of a .zip/.gz, with its exact bytes."""

    origin: str  # path, or "path/to/a.zip!member.txt"
    name: str  # the name used for identity: file name, or archive name + member
    raw: bytes
    reader: str = ""
    encoding: str | None = None
    records: list[Record] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    #: set when the whole source could not be read (then records is empty)
    reject_reason: str | None = None
    reject_place: str | None = None

    @property
    def sha256(self) -> str:
        return sha256(self.raw)


@dataclass(slots=True)
class StoredStory:
    """A story as the store of record holds it: identity, current revision, provenance."""

    id: str
    key: str
    revision: int
    title: str | None
    date: date | None
    published_at: datetime | None
    updated_at: datetime | None
    program: str | None
    reporter: str | None
    language: str | None
    url: str | None
    text: str
    source_id: int
    source_name: str
    position: int
    text_hash: str
    duplicate_of: str | None = None
    segments: list[Segment] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    #: change counter of the store (derived indexes catch up by it)
    seq: int = 0

    def indexed_text(self) -> str:
        return indexed_text(self.text, [(s.kind, s.start, s.end) for s in self.segments])

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled compactly (stories go to the extraction processes by the batch): a segment's
        text, a slice of the story's text, is not carried twice, nor field names."""
        text = self.text
        segments = [(g.kind, g.start, g.end, None if g.text == text[g.start:g.end] else g.text)
                     for g in self.segments]
        return (_stored_story, (tuple(getattr(self, name) for name in _STORED_FIELDS),
                                segments))

    @property
    def display_title(self) -> tuple[str | None, bool]:
        """(title, derived): the story's title, or one derived from its lead when it has
        none (see :func:`derive_title`)."""
        if self.title:
            return self.title, False
        derived = derive_title(self.indexed_text())
        return derived, derived is not None

    def to_index_row(self) -> IndexRow:
        return IndexRow(self.id, self.revision, self.seq, self.duplicate_of, self.title,
                        self.date, self.published_at, self.program, self.reporter,
                        self.language, self.source_name, self.indexed_text())

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("date", "published_at", "updated_at"):
            v = getattr(self, k)
            d[k] = v.isoformat() if v is not None else None
        return d


class IndexRow(NamedTuple):
    """What the search index needs of a story's current revision: no segments, no quotes
    (read on their own), the indexed text ready.  The store reads these for whole runs of
    stories (:meth:`Store.iter_index_rows`) much faster than whole stories."""

    id: str
    revision: int
    seq: int
    duplicate_of: str | None
    title: str | None
    date: date | None
    published_at: datetime | None
    program: str | None
    reporter: str | None
    language: str | None
    source_name: str
    text: str  # the indexed text: see StoredStory.indexed_text


def indexed_text(text: str, spans: Sequence[Sequence[Any]]) -> str:
    """A stored story's searchable text, from its text and its ``[kind, start, end]`` segment
    spans: every segment but noise and headers (the whole text when it has no segments)."""
    if not spans:
        return text
    return "\n".join(text[a:b] for kind, a, b in spans if kind not in UNINDEXED_SEGMENTS)


#: transcript markers a lead may open with: ``[Anchor Lead]``, ``<앵커 멘트>``, ``Anchor:``
_LEAD_MARKER = re.compile(
    r"^\s*(?:\[[^\]\n]{1,30}\]|<[^>\n]{1,12}>|(?:Anchor|Report|Reporter|앵커|리포트)\s*:)\s*")
#: where a first sentence may end: a full stop, ! or ? before a space or the end
_SENTENCE_END = re.compile(r"[.!?。](?=\s|$)")
#: a derived title is at most this long (characters), cut at a word
TITLE_CHARS = 80
#: a sentence end this early is an abbreviation ("U.S."), not the end of the first sentence
_SHORTEST_SENTENCE = 20


def derive_title(text: str) -> str | None:
    """A title for a story that has none: the first sentence of its lead (``text`` is the
    story's indexed text; transcript markers such as ``[Anchor Lead]`` are dropped), cut at a
    word with "…" when it is longer than :data:`TITLE_CHARS`; None when there are no words.

    Shown wherever a title is, marked as derived (``title_derived``), never stored as the
    story's title."""
    lead = text[:1000]
    while (m := _LEAD_MARKER.match(lead)) is not None and m.end() > 0:
        lead = lead[m.end():]
    lead = " ".join(lead.split())
    if not lead:
        return None
    for m in _SENTENCE_END.finditer(lead):
        if m.end() >= _SHORTEST_SENTENCE:
            lead = lead[:m.end()]
            break
    if len(lead) <= TITLE_CHARS:
        return lead.rstrip(".。")
    cut = lead[:TITLE_CHARS - 1]
    if " " in cut[TITLE_CHARS // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def story_to_inspect(story: ParsedStory) -> dict[str, Any]:
    """The ``dateline inspect`` contract for one story (see DESIGN.md)."""
    return {
        "title": story.title,
        "date": story.date.isoformat() if story.date else None,
        "published_at": story.published_at.isoformat() if story.published_at else None,
        "updated_at": story.updated_at.isoformat() if story.updated_at else None,
        "program": story.program,
        "reporter": story.reporter,
        "language": story.language,
        "segments": [{"kind": s.kind, "text": s.text} for s in story.segments],
        "quotes": [
            {
                "speaker": q.speaker,
                "role": q.role,
                "organization": q.organization,
                "language": q.language,
                "language_label": q.language_label,
                "text": q.text,
            }
            for q in story.quotes
        ],
    }


#: the fields of a stored story that pickle as they are (see ``StoredStory.__reduce__``)
_STORED_FIELDS = tuple(f.name for f in fields(StoredStory) if f.name != "segments")


def _stored_story(values: tuple[Any, ...],
                  segments: list[tuple[str, int, int, str | None]]) -> StoredStory:
    story = StoredStory(**dict(zip(_STORED_FIELDS, values, strict=True)))
    story.segments = [Segment(kind, story.text[a:b] if seg_text is None else seg_text, a, b)
                      for kind, a, b, seg_text in segments]
    return story
