"""Result objects of the entity and quote methods of Archive (each with ``to_dict`` for JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class QuoteHit:
    """One quote: a sound bite from the transcript, or reported speech from the narration."""

    id: str  # story_id:revision:idx
    story_id: str
    kind: str  # soundbite | direct | reported
    text: str
    speaker: str | None  # as written
    entity_id: str | None  # the speaker's canonical entity
    entity: str | None  # the speaker's canonical name
    role: str | None
    organization: str | None
    organization_id: str | None
    language: str | None
    date: str | None
    program: str | None
    story_title: str | None
    start: int
    end: int
    confidence: float
    maker: str
    snippet: str | None = None
    #: the language of the original as its sound-bite label notes it ("Korean"); ``language``
    #: is the ISO 639-1 code of the words as written
    language_label: str | None = None
    #: ``story_title`` is derived from the story's lead (the story has no title of its own)
    story_title_derived: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class QuoteResults:
    hits: list[QuoteHit]
    total: int
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "hits": [h.to_dict() for h in self.hits],
                "warnings": list(self.warnings)}


@dataclass(slots=True)
class EntitySummary:
    id: str
    kind: str
    name: str
    stories: int
    mentions: int
    first_seen: str | None
    last_seen: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class EntityProfile:
    id: str
    kind: str
    name: str
    note: str | None
    aliases: list[dict[str, Any]]
    titles: list[dict[str, Any]]
    stories: int
    mentions: int
    quotes: int
    first_seen: str | None
    last_seen: str | None
    co_mentioned: list[dict[str, Any]]
    latest_quotes: list[QuoteHit]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["latest_quotes"] = [q.to_dict() for q in self.latest_quotes]
        return d
