"""What the entity enricher finds in one story: mentions, quotes, and the collector of mentions."""

from __future__ import annotations

from dataclasses import dataclass, field

from dateline.enrich.names import key_for
from dateline.enrich.spans import TakenSpans


@dataclass(slots=True)
class MentionFact:
    kind: str  # person | org | place
    surface: str
    key: str
    start: int
    end: int
    title: str | None = None
    source: str = "name"
    note: str | None = None


@dataclass(slots=True)
class QuoteFact:
    idx: int
    kind: str
    text: str
    speaker_key: str | None
    speaker: str | None
    role: str | None
    organization: str | None
    org_key: str | None
    language: str | None
    start: int
    end: int
    confidence: float


@dataclass(slots=True)
class StoryFacts:
    mentions: list[MentionFact] = field(default_factory=list)
    quotes: list[QuoteFact] = field(default_factory=list)

    def names(self, kind: str) -> list[str]:
        """Distinct keys of one kind, in order of first mention."""
        return list(dict.fromkeys(m.key for m in self.mentions if m.kind == kind))


class Collector:
    """Mentions of one text; spans never overlap (the first claim on a span wins)."""

    def __init__(self, text: str):
        self.text = text
        self.mentions: list[MentionFact] = []
        self._taken = TakenSpans(len(text))  # (a list tested whole at each add: quadratic)

    def free(self, start: int, end: int) -> bool:
        return self._taken.free(start, end)

    def add(
        self,
        kind: str,
        surface: str,
        start: int,
        end: int,
        *,
        title: str | None = None,
        source: str = "name",
        key: str | None = None,
        note: str | None = None,
        force: bool = False,
    ) -> MentionFact | None:
        surface = surface.strip()
        if not surface or (not force and not self.free(start, end)):
            return None
        mention = MentionFact(
            kind, surface, key or key_for(kind, surface), start, end, title, source, note
        )
        if not mention.key:
            return None
        self.mentions.append(mention)
        if end > start:
            self._taken.take(start, end)
        return mention
