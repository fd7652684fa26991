"""Distinctive terms of a period against a reference period.

The measure is the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
2008, "Fightin' Words", section 3.5.1), ranked by its z-score:

    δ_w = log((y_w + α_w) / (n + α₀ − y_w − α_w)) − log((r_w + α_w) / (m + α₀ − r_w − α_w))
    σ²_w ≈ 1 / (y_w + α_w) + 1 / (r_w + α_w)          z_w = δ_w / σ_w

with ``y``/``n`` the word's and all words' counts in the period, ``r``/``m`` in the reference,
and the prior ``α_w = α₀ · (y_w + r_w) / (n + m)``: the word's share of both periods together,
worth ``α₀`` (default :data:`PRIOR`) pseudo-words.  The prior shrinks rare words towards "no
difference", so a word seen twice does not top the list the way it does with raw ratios.

Tokens: English (and any Latin-script) words lower-cased, stopwords and numbers dropped;
Korean content morphemes from :mod:`dateline.search.korean` (kiwipiepy) when it can be
loaded, otherwise Hangul words are skipped.  Each story counts a word at most
:data:`PER_STORY_CAP` times so that one long story cannot make a period's vocabulary.

Periods larger than ``max_stories`` stories are sampled uniformly (by story id, a hash), which
keeps the cost bounded on large archives; the result says so.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateline.model import StoredStory

log = logging.getLogger(__name__)

PRIOR = 1000.0
PER_STORY_CAP = 3
MIN_COUNT = 3
_LATIN = re.compile(r"[a-z][a-z0-9'’\-]*[a-z0-9]|[a-z]")
_HANGUL = re.compile("[\uac00-\ud7a3]")

#: common English function words, plus the words every transcript repeats
_STOPWORDS = """
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he he'd
he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into
is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only
or other ought our ours ourselves out over own same shan't she she'd she'll she's should
shouldn't so some such than that that's the their theirs them themselves then there there's
these they they'd they'll they're they've this those through to too under until up very was
wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while
who who's whom why why's will with won't would wouldn't you you'd you'll you're you've your yours
yourself yourselves said says say saying told according also just now still however since
one two three four five six seven eight nine ten first second last new year years day days
mr ms mrs per cent percent would could may might must shall us
anchor report reporter kbs news world radio today yonhap photo soundbite sound bite lead pkg
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
"""
STOPWORDS = frozenset(_STOPWORDS.split())


@dataclass(slots=True)
class TermScore:
    term: str
    z: float
    #: log-odds ratio δ (period vs reference)
    log_odds: float
    count: int
    reference_count: int

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "z": round(self.z, 3), "log_odds": round(self.log_odds, 4),
                "count": self.count, "reference_count": self.reference_count}


@dataclass(slots=True)
class DistinctiveTerms:
    """Terms over-represented in a period (``terms``) and under-represented (``against``)."""

    date_from: date | None
    date_to: date | None
    vs_from: date | None
    vs_to: date | None
    stories: int
    reference_stories: int
    terms: list[TermScore] = field(default_factory=list)
    against: list[TermScore] = field(default_factory=list)
    sampled: bool = False
    measure: str = "log-odds ratio, informative Dirichlet prior (Monroe et al. 2008), z-score"
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "date_from": iso(self.date_from), "date_to": iso(self.date_to),
            "vs_from": iso(self.vs_from), "vs_to": iso(self.vs_to),
            "stories": self.stories, "reference_stories": self.reference_stories,
            "sampled": self.sampled, "measure": self.measure,
            "terms": [t.to_dict() for t in self.terms],
            "against": [t.to_dict() for t in self.against],
            "warnings": list(self.warnings),
        }


class Tokenizer:
    """English words (stopwords out) and, when kiwipiepy loads, Korean content morphemes."""

    def __init__(self, korean: bool = True):
        self._korean = korean
        self._ko: Any = None
        self.korean_skipped = False

    def _korean_terms(self, text: str) -> list[str]:
        if self._ko is None:
            try:
                from dateline.search import korean

                korean.terms("")  # imports fine; the model loads on the first Hangul text
                self._ko = korean
            except Exception as exc:  # noqa: BLE001 - any failure means: skip Korean
                log.info("Korean analyser unavailable (%s): Korean words skipped", exc)
                self._ko = False
        if self._ko is False:
            self.korean_skipped = True
            return []
        try:
            return [t for t in self._ko.terms(text) if len(t) > 1 or _HANGUL.match(t) is None]
        except Exception as exc:  # noqa: BLE001
            log.info("Korean analyser failed (%s): Korean words skipped", exc)
            self._ko = False
            self.korean_skipped = True
            return []

    def __call__(self, text: str, korean: Iterable[str] | None = None) -> list[str]:
        """The words of ``text``; its Korean words are ``korean`` when given (the terms the
        store kept from the story's analysis), else analysed here (loading the model)."""
        low = text.lower()
        out = [w.replace("’", "'").removesuffix("'s") for w in _LATIN.findall(low)]
        out = [w for w in out if len(w) > 1 and w not in STOPWORDS]
        if korean is not None:
            out.extend(t for t in korean if len(t) > 1 and not t.isdigit()
                       and t not in STOPWORDS)
        elif self._korean and _HANGUL.search(text):
            out.extend(t for t in self._korean_terms(text)
                       if len(t) > 1 and not t.isdigit() and t not in STOPWORDS)
        elif _HANGUL.search(text):
            self.korean_skipped = True
        return out


def count_terms(stories: Iterable[StoredStory], tokenize: Tokenizer) -> tuple[Counter[str], int]:
    """Word counts over stories (each word at most PER_STORY_CAP per story), and the story count."""
    counts: Counter[str] = Counter()
    n = 0
    for story in stories:
        n += 1
        text = f"{story.title or ''}\n{story.indexed_text()}"
        per = Counter(tokenize(text))
        counts.update({w: min(c, PER_STORY_CAP) for w, c in per.items()})
    return counts, n


def log_odds(focus: Counter[str], reference: Counter[str], *, prior: float = PRIOR,
             min_count: int = MIN_COUNT) -> list[TermScore]:
    """Monroe et al.'s z-scores for every word seen ``min_count`` times in either corpus,
    sorted from most distinctive of ``focus`` to most distinctive of ``reference``."""
    n = sum(focus.values())
    m = sum(reference.values())
    total = n + m
    if not n or not m:
        return []
    out = []
    for w in set(focus) | set(reference):
        y, r = focus.get(w, 0), reference.get(w, 0)
        if y + r < min_count:
            continue
        a = prior * (y + r) / total
        d = math.log((y + a) / (n + prior - y - a)) - math.log((r + a) / (m + prior - r - a))
        var = 1.0 / (y + a) + 1.0 / (r + a)
        out.append(TermScore(w, d / math.sqrt(var), d, y, r))
    out.sort(key=lambda t: (-t.z, t.term))
    return out


def sample_prefix(count: int, cap: int) -> str | None:
    """An id prefix bound keeping about ``cap`` of ``count`` hashed ids (None: keep all)."""
    if count <= cap or count == 0:
        return None
    fraction = cap / count
    # three hex digits: 4096 steps of resolution
    return f"{max(1, int(fraction * 4096)):03x}"


def iter_limited(stories: Iterator[StoredStory], limit: int) -> Iterator[StoredStory]:
    for i, s in enumerate(stories):
        if i >= limit:
            return
        yield s
