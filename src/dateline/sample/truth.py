"""What the demo generator planted: pages, their stories and quotes, as a parser should find them.

Field meanings follow the gold annotations (``../shared/corpora/kbs-pages/GOLD-SPEC.md``):
values are what the page *says*, ``None`` where the page does not say it (a KBS World Radio page
has no title; only the first story of a multi-story page carries the 입력/수정 times).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

#: every layout the generator writes, in a stable order.
LAYOUTS: tuple[str, ...] = (
    "radio",  # KBS World Radio: ' date …Photo : YONHAP News', Anchor:/Report:, [Sound bite: …]
    "news_today_2010",  # title, 입력/수정, 읽어주기, [Anchor Lead]/[Pkg], numbered '2. Title'
    "news_today_2017",  # ' date … Title News Today 입력 … 수정 …', navigation noise, footer repeat
    "news_today_2024",  # [Soundbite] alone on a line, 'Name (Role): words'
    "news9",  # News 9: [Anchor]/[Report], [Name / Role: "…"], 'This is KBS News, Name.'
    "korean",  # <앵커 멘트>/<리포트>/<녹취>, 'KBS 뉴스 이름입니다.', 뉴스 9 / 뉴스광장
)


@dataclass(slots=True)
class QuoteTruth:
    """One planted quote: the words (possibly in several quoted parts) and the label's pieces."""

    parts: tuple[str, ...]
    speaker: str | None
    role: str | None
    organization: str | None = None
    language: str | None = None
    #: the label exactly as written, e.g. ``Sound bite: Harbour Ministry Minister Park Sol-bin``
    label: str = ""
    #: the recurring cast member speaking (stable across stories and years), if any
    person_id: int | None = None

    @property
    def text(self) -> str:
        return " ".join(self.parts)

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "role": self.role, "organization": self.organization,
                "language": self.language, "label": self.label, "person_id": self.person_id,
                "text": self.text, "parts": list(self.parts)}


@dataclass(slots=True)
class StoryTruth:
    """One planted story, as the page states it."""

    title: str | None
    date: date
    published_at: datetime | None
    updated_at: datetime | None
    program: str | None
    reporter: str | None
    language: str
    quotes: tuple[QuoteTruth, ...] = ()
    #: the recurring affair the story belongs to (stable id across years)
    thread: str = ""
    #: cast members named in the story (speakers and people mentioned)
    people: tuple[int, ...] = ()
    #: the story's first report sentence (appears in the page text verbatim)
    lead: str = ""
    words: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "date": self.date.isoformat(),
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "program": self.program,
            "reporter": self.reporter,
            "language": self.language,
            "thread": self.thread,
            "people": list(self.people),
            "words": self.words,
            "quotes": [q.to_dict() for q in self.quotes],
        }


@dataclass(slots=True)
class SamplePage:
    """One generated file: where it goes, its text and the truth planted in it."""

    name: str  # file name, e.g. ``news.kbs.co.kr-1000042.txt``
    path: str  # relative path inside the output folder (POSIX separators)
    text: str
    layout: str
    stories: list[StoryTruth]
    #: ``original``, ``revision`` (same name under ``revised/``) or ``duplicate`` (new name)
    kind: str = "original"
    #: for a revision or a duplicate: the path of the original page
    of: str | None = None
    #: the story text appears a second time after a page footer (counts once)
    repeated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "layout": self.layout, "kind": self.kind,
                "of": self.of, "repeated": self.repeated,
                "stories": [s.to_dict() for s in self.stories]}


@dataclass(slots=True)
class GeneratedCorpus:
    """What :func:`dateline.sample.generate` wrote."""

    out_dir: Path
    seed: int
    files: int = 0
    pages: int = 0
    #: distinct planted stories (revisions and duplicates not counted again)
    stories: int = 0
    quotes: int = 0
    revisions: int = 0
    duplicates: int = 0
    bytes: int = 0
    #: stories per layout
    layouts: dict[str, int] = field(default_factory=dict)
    #: the pages written, text dropped (read the file), when the truth was kept
    truth: list[SamplePage] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"out_dir": str(self.out_dir), "seed": self.seed, "files": self.files,
                "pages": self.pages, "stories": self.stories, "quotes": self.quotes,
                "revisions": self.revisions, "duplicates": self.duplicates,
                "bytes": self.bytes, "layouts": dict(self.layouts)}
