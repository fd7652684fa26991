"""Story threads: the chain of stories about the same affair, over weeks or years.

A thread grows from one story (the *seed*) by linking stories that look like the same affair:

- **text**: TF-IDF cosine of the stories' *title and lead* (the title counted twice, then the
  first :data:`LEAD_WORDS` words of the indexed text), over the words of
  :class:`dateline.analysis.terms.Tokenizer`.  IDF comes from a uniform sample of the archive
  (:data:`IDF_SAMPLE` stories), so it is cheap and stable on large archives.
- **entities** (when the entity enricher has run): cosine of the two stories' entity sets.
- **speakers**: a shared quoted speaker adds :data:`SPEAKER_BONUS`.
- **time**: the similarity is damped by the gap, ``1 / (1 + days / TIME_SCALE)``, so a story a
  week away needs less textual evidence than one a year away.

``link = (W_TEXT·text + W_ENTITY·entities + speakers) · damping`` (with no entities the text
takes the whole weight).  Candidates come from the full-text engine: an OR query of the most
weighted words of each thread member.  The thread grows breadth-first from the seed for at most
:data:`MAX_HOPS` hops; a candidate joins when its best link to a member reaches
:data:`THRESHOLD` (raised by :data:`HOP_PENALTY` per hop, which keeps a chain from drifting to a
neighbouring affair) and the thread stops at :data:`MAX_STORIES` stories.

The defaults were tuned on the judged set of ``tests/data/threads_judged.jsonl``; precision and
recall are in ``docs/quality.md``.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateline.analysis.terms import Tokenizer, sample_prefix
from dateline.model import StoredStory
from dateline.store import analysis as sql
from dateline.store.sqlite import Store

log = logging.getLogger(__name__)

LEAD_WORDS = 120
IDF_SAMPLE = 4000
QUERY_TERMS = 25
CANDIDATES = 60
MAX_HOPS = 3
MAX_STORIES = 60
THRESHOLD = 0.28
HOP_PENALTY = 0.1
TIME_SCALE = 120.0
W_TEXT = 0.7
W_ENTITY = 0.3
SPEAKER_BONUS = 0.1
MAX_DF = 0.1
_QUERY_SAFE = re.compile(r"^[0-9a-z\uac00-\ud7a3]+$")


@dataclass(slots=True)
class ThreadStory:
    id: str
    date: date | None
    title: str | None
    #: link score that brought it in (1.0 for the seed)
    score: float
    #: the member it linked to (None for the seed)
    via: str | None = None
    hop: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date.isoformat() if self.date else None,
                "title": self.title, "score": round(self.score, 4), "via": self.via,
                "hop": self.hop}


@dataclass(slots=True)
class Thread:
    """The stories of one affair, oldest first; ``seed`` is the story it grew from."""

    seed: str
    stories: list[ThreadStory] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.stories]

    def to_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "size": len(self.stories),
                "stories": [s.to_dict() for s in self.stories], "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Thread:
        stories = [ThreadStory(s["id"], date.fromisoformat(s["date"]) if s.get("date") else None,
                               s.get("title"), float(s["score"]), s.get("via"),
                               int(s.get("hop", 0))) for s in data.get("stories", [])]
        return cls(data["seed"], stories, dict(data.get("params", {})))


@dataclass(slots=True)
class _Doc:
    id: str
    date: date | None
    title: str | None
    vec: dict[str, float]
    terms: list[str]
    entities: set[str] = field(default_factory=set)
    speakers: set[str] = field(default_factory=set)


def params() -> dict[str, Any]:
    return {"threshold": THRESHOLD, "hop_penalty": HOP_PENALTY, "time_scale_days": TIME_SCALE,
            "max_hops": MAX_HOPS, "max_stories": MAX_STORIES, "lead_words": LEAD_WORDS,
            "w_text": W_TEXT, "w_entity": W_ENTITY, "speaker_bonus": SPEAKER_BONUS}


class ThreadFinder:
    """Builds threads for one archive; reuse it for many seeds (it caches IDF and documents)."""

    def __init__(self, store: Store, engine: Any, *, threshold: float = THRESHOLD,
                 time_scale: float = TIME_SCALE, max_hops: int = MAX_HOPS,
                 hop_penalty: float = HOP_PENALTY, max_stories: int = MAX_STORIES):
        self.store = store
        self.engine = engine
        self.threshold = threshold
        self.time_scale = time_scale
        self.max_hops = max_hops
        self.hop_penalty = hop_penalty
        self.max_stories = max_stories
        self.tokenize = Tokenizer()
        self.use_entities = sql.entities_ready(store)
        self._docs: dict[str, _Doc] = {}
        self._df: Counter[str] = Counter()
        self._n = 0
        self._load_idf()

    # -- vectors ---------------------------------------------------------------------------

    def _words(self, story: StoredStory) -> list[str]:
        lead = " ".join(story.indexed_text().split()[:LEAD_WORDS])
        title = story.title or ""
        return self.tokenize(f"{title}\n{title}\n{lead}")

    def _load_idf(self) -> None:
        total = sql.count_stories_between(self.store, None, None)
        below = sample_prefix(total, IDF_SAMPLE)
        n = 0
        for story in sql.iter_stories_between(self.store, None, None, sample_below=below):
            self._df.update(set(self._words(story)))
            n += 1
            if n >= IDF_SAMPLE * 2:
                break
        self._n = n
        log.debug("thread IDF from %d sampled stories of %d", n, total)

    def idf(self, term: str) -> float:
        """Inverse document frequency; 0 for words in more than MAX_DF of the stories (the
        archive's own boilerplate: datelines, honorifics, agency names)."""
        df = self._df.get(term, 0)
        if self._n >= 50 and df > MAX_DF * self._n:
            return 0.0
        return math.log((self._n + 1) / (df + 0.5)) + 1.0

    def _doc(self, story: StoredStory) -> _Doc:
        counts = Counter(self._words(story))
        vec = {t: w for t, c in counts.items() if (w := (1 + math.log(c)) * self.idf(t)) > 0}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {t: v / norm for t, v in vec.items()}
        terms = sorted(vec, key=lambda t: (-vec[t], t))
        return _Doc(story.id, story.date, story.title, vec, terms)

    def docs(self, ids: Iterable[str]) -> dict[str, _Doc]:
        ids = list(dict.fromkeys(ids))
        missing = [i for i in ids if i not in self._docs]
        if missing:
            stories = sql.stories_by_ids(self.store, missing)
            live = [s for s in stories if not s.duplicate_of]
            speakers = sql.speakers_of(self.store, [s.id for s in live])
            entities = (sql.entities_of_stories(self.store, [s.id for s in live])
                        if self.use_entities else {})
            for s in live:
                doc = self._doc(s)
                doc.speakers = speakers.get(s.id, set())
                doc.entities = entities.get(s.id, set())
                self._docs[s.id] = doc
        return {i: self._docs[i] for i in ids if i in self._docs}

    # -- links -----------------------------------------------------------------------------

    def link(self, a: _Doc, b: _Doc) -> float:
        small, big = (a.vec, b.vec) if len(a.vec) <= len(b.vec) else (b.vec, a.vec)
        text = sum(v * big.get(t, 0.0) for t, v in small.items())
        if self.use_entities and a.entities and b.entities:
            ent = len(a.entities & b.entities) / math.sqrt(len(a.entities) * len(b.entities))
            sim = W_TEXT * text + W_ENTITY * ent
        else:
            sim = text
        if a.speakers & b.speakers:
            sim += SPEAKER_BONUS
        if a.date is not None and b.date is not None:
            sim /= 1.0 + abs((a.date - b.date).days) / self.time_scale
        return min(sim, 1.0)

    def candidates(self, doc: _Doc) -> list[str]:
        words = [t for t in doc.terms if _QUERY_SAFE.match(t)][:QUERY_TERMS]
        if not words:
            return []
        try:
            results = self.engine.search(" OR ".join(words), limit=CANDIDATES, facets=False,
                                         snippets=False)
        except Exception as exc:  # noqa: BLE001 - a failed query means no candidates
            log.warning("thread candidates for %s: %s", doc.id, exc)
            return []
        return [h.id for h in results.hits if h.id != doc.id]

    # -- threads ---------------------------------------------------------------------------

    def thread(self, story_id: str) -> Thread:
        seed_story = self.store.get_story(story_id)
        seed_id = seed_story.duplicate_of or seed_story.id
        seed = self.docs([seed_id]).get(seed_id)
        if seed is None:  # pragma: no cover - a duplicate's original always exists
            return Thread(seed_id, params=params())
        members: dict[str, ThreadStory] = {
            seed_id: ThreadStory(seed_id, seed.date, seed.title, 1.0, None, 0)}
        frontier = [seed_id]
        for hop in range(1, self.max_hops + 1):
            need = self.threshold + self.hop_penalty * (hop - 1)
            found: dict[str, ThreadStory] = {}
            for mid in frontier:
                m = self._docs[mid]
                cands = [c for c in self.candidates(m) if c not in members]
                for cid, cdoc in self.docs(cands).items():
                    score = self.link(m, cdoc)
                    if score >= need and (cid not in found or found[cid].score < score):
                        found[cid] = ThreadStory(cid, cdoc.date, cdoc.title, score, mid, hop)
            if not found:
                break
            room = self.max_stories - len(members)
            best = sorted(found.values(), key=lambda s: -s.score)[: max(0, room)]
            members.update((s.id, s) for s in best)
            frontier = [s.id for s in best]
            if len(members) >= self.max_stories:
                break
        stories = sorted(members.values(), key=lambda s: (s.date or date.min, s.id))
        return Thread(seed_id, stories, params())
