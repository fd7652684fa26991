"""Reported speech in the narration: ``Pompeo said that…``, ``The Pentagon official added…``.

Each becomes a quote of kind ``reported`` with a confidence: a named subject 0.9, an unnamed
official or body 0.7, a pronoun (``He also said…``) resolved to the last speaker or named person
0.6 — and skipped when the sentence naming that person names two different people.  Sound-bite
segments are never searched (their words are quotes already).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

from dateline.enrich.lexicon import ROLE_NOUNS, SPEECH_VERB_RE
from dateline.enrich.names import key_for

NARRATIVE = frozenset({"anchor", "report", "narration"})
#: A sentence (group ``s``: a run of words and its end), or a run of words a line break ends
#: with no stop, which is read as the start of the next sentence.  The runs are possessive and
#: the unfinished one is matched too: a run that failed was tried again from each of its
#: letters, which made a long unpunctuated line quadratic (0.39 → 0.06 ms a story of KCNA).
_SENTENCE = re.compile(r"(?P<s>[^.!?\n]++(?:[.!?]+[\"”’]?|$))|[^.!?\n]++")
_ABBREV_DOT = re.compile(r"\b(?:[A-Z]|U\.S|U\.N|Mr|Ms|Mrs|Dr|Gen|Adm|Lt|Col|Sen|Rep|Pres|St|D\.C"
                         r"|Jan|Feb|Aug|Sept|Oct|Nov|Dec|No|Prof|Jr|vs)\.$")
_VERB = re.compile(rf"\b(?:also\s+|then\s+|further\s+|again\s+|later\s+)?(?:{SPEECH_VERB_RE})\b")
_PRONOUN = re.compile(r"^(?:He|She)$")
_SUBJECT_LEAD = re.compile(r"^(?:(?:Meanwhile|However|Moreover|Also|But|And|Then|Later|Earlier)"
                           r",?\s+)")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in text[start:end], not breaking after abbreviations like ``U.S.``.

    Only the end of a sentence so far is looked at for an abbreviation (the longest,
    ``Sept.``, has 5 characters): a sentence run on over many of them is not copied and
    searched again at each.
    """
    out: list[tuple[int, int]] = []
    cur = start
    for m in _SENTENCE.finditer(text, start, end):
        if m.group("s") is None:
            continue  # no stop before the line break: the sentence goes on
        stop = m.end()  # the sentence so far is text[cur:stop], trailing blanks left out
        while stop > cur and text[stop - 1].isspace():
            stop -= 1
        if _ABBREV_DOT.search(text[max(cur, stop - 12):stop]) and m.end() < end:
            continue
        if stop > cur:
            out.append((cur, m.end()))
        cur = m.end()
    if cur < end and text[cur:end].strip():
        out.append((cur, end))
    return out


def find_reported(story: Any, mentions: list[Any], *, first_idx: int = 1000) -> list[Any]:
    """Quotes of kind ``reported`` found in the narrative segments of ``story``."""
    from dateline.enrich.entities import QuoteFact

    text: str = story.text
    spans = [(s.start, s.end) for s in story.segments if s.kind in NARRATIVE]
    if not spans and not story.segments:
        spans = [(0, len(text))]
    # ``mentions`` are in text order; the people and organisations of a sentence are found by
    # bisection (a scan of them all per sentence was quadratic on a long story)
    persons = _InOrder([m for m in mentions if m.kind == "person" and m.source != "reporter"])
    orgs = _InOrder([m for m in mentions if m.kind == "org"])
    breaks = _Breaks(text)
    # reported speech is numbered from 1000, after the sound bites when a story has more
    first_idx = max(first_idx, len(story.quotes))
    quotes: list[QuoteFact] = []
    last_speaker: tuple[int, str | None, str | None, str | None, str | None] | None = None
    for a, b in spans:
        for s_start, s_end in _sentences(text, a, b):
            sentence = text[s_start:s_end]
            vm = _VERB.search(sentence)
            if vm is None:
                continue
            verb_at = s_start + vm.start()
            subject = text[s_start:verb_at].strip()
            subject = _SUBJECT_LEAD.sub("", subject)
            after = text[s_start + vm.end():s_end]
            clause = _clause(vm.group(), after)
            if clause is None:
                continue
            if len(clause.split()) < 3:
                continue
            speaker = role = org = None
            skey = None
            confidence = 0.0
            m = persons.last_within(s_start, verb_at)
            if m is not None and text[m.end:verb_at].strip(" ,'’s") in ("", "also", "then",
                                                                        "further", "again"):
                speaker, skey, role, confidence = m.surface, m.key, m.title, 0.9
            elif _PRONOUN.match(subject):
                referent = _referent(persons, breaks, last_speaker, s_start)
                if referent is None:
                    continue
                speaker, skey, role, org = referent
                confidence = 0.6
            elif subject and len(subject.split()) <= 10 and _role_subject(subject):
                role = subject[4:] if subject.lower().startswith("the ") else subject
                first_org = orgs.first_within(s_start, verb_at)
                org = first_org.surface if first_org is not None else None
                confidence = 0.7
            else:
                continue
            idx = first_idx + len(quotes)
            quotes.append(QuoteFact(
                idx=idx, kind="reported", text=clause.rstrip(), speaker_key=skey,
                speaker=speaker, role=role, organization=org,
                org_key=key_for("org", org) if org else None, language=story.language,
                start=s_start, end=s_end, confidence=confidence))
            last_speaker = (s_start, speaker, skey, role, org)
    return quotes


Speaker = tuple[str | None, str | None, str | None, str | None]


class _InOrder:
    """Mentions in text order (by start), looked up by position."""

    def __init__(self, mentions: list[Any]):
        self.mentions = mentions
        self.starts = [m.start for m in mentions]

    def starting_within(self, a: int, b: int) -> list[Any]:
        """Those that start in ``[a, b)``, in order."""
        return self.mentions[bisect_left(self.starts, a):bisect_left(self.starts, b)]

    def last_within(self, a: int, b: int) -> Any | None:
        """The last (in order) of those that lie in ``[a, b]`` (an empty one may sit at b)."""
        lo = bisect_left(self.starts, a)
        for i in range(bisect_right(self.starts, b) - 1, lo - 1, -1):
            if self.mentions[i].end <= b:
                return self.mentions[i]
        return None

    def first_within(self, a: int, b: int) -> Any | None:
        """The first (in order) of those that lie in ``[a, b]`` (an empty one may sit at b)."""
        for i in range(bisect_left(self.starts, a), bisect_right(self.starts, b)):
            if self.mentions[i].end <= b:
                return self.mentions[i]
        return None

    def last_ending_by(self, b: int) -> Any | None:
        """The last (in order) of those that end by ``b``."""
        for i in range(bisect_right(self.starts, b) - 1, -1, -1):
            if self.mentions[i].end <= b:
                return self.mentions[i]
        return None


class _Breaks:
    """Where the sentences of a text end (``". "``) and its lines start, found once, at the
    first need, for the sentence around a mention (searched from each mention, a long text
    without sentence ends was read once per pronoun)."""

    def __init__(self, text: str):
        self.text = text
        self._stops: list[int] | None = None  # where each ". " starts
        self._lines: list[int] = []  # where each "\n" is

    def sentence_around(self, start: int, end: int) -> tuple[int, int]:
        """``[s, e)``: from after the last ``". "`` or line break before ``start`` to the next
        ``". "`` from ``end`` (or the text's end)."""
        if self._stops is None:
            self._stops = [m.start() for m in re.finditer(r"\. ", self.text)]
            self._lines = [m.start() for m in re.finditer("\n", self.text)]
        stops, lines = self._stops, self._lines
        i = bisect_right(stops, start - 2) - 1  # the last ". " wholly before start
        j = bisect_left(lines, start) - 1  # the last line break before start
        s = max(stops[i] + 2 if i >= 0 else 1, lines[j] + 1 if j >= 0 else 0)
        k = bisect_left(stops, end)
        return s, stops[k] if k < len(stops) else len(self.text)


def _referent(persons: _InOrder, breaks: _Breaks,
              last_speaker: tuple[int, str | None, str | None, str | None, str | None] | None,
              before: int) -> Speaker | None:
    """Who ``He``/``She`` is: the later of the last reported speaker and the last named
    person; ``None`` when the sentence naming that person names two different people."""
    person = persons.last_ending_by(before)
    if person is not None and (last_speaker is None or person.start > last_speaker[0]):
        s_start, s_end = breaks.sentence_around(person.start, person.end)
        keys = {m.key for m in persons.starting_within(s_start, s_end)}
        if len(keys) > 1:
            return None
        return person.surface, person.key, person.title, None
    if last_speaker is None:
        return None
    return last_speaker[1:]


_THAT = re.compile(r"^(?:\s+[\w.,'’-]+){0,8}?\s+that\s+")
_DIRECT = re.compile(r"^\s+(?:he|she|they|it|the|a|an|there|[A-Z][\w.'’-]*)\s")


def _clause(verb: str, after: str) -> str | None:
    """The reported words after the verb: after ``that``, or right after said/says/added."""
    m = _THAT.match(after)
    if m:
        return after[m.end():].strip()
    if verb.split()[-1] in ("said", "says", "added") and _DIRECT.match(after):
        return after.strip()
    return None


def _role_subject(subject: str) -> bool:
    words = [w.strip(",.'’").lower() for w in subject.split()]
    if not words or words[0] in ("it", "this", "that", "they", "which", "who", "he", "she"):
        return False
    if words[-1] in ("house",) and len(words) > 1 and words[-2] == "white":
        return True
    return any(w in ROLE_NOUNS for w in words[-4:])
