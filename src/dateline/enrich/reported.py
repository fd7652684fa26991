"""Reported speech in the narration: ``Pompeo said that…``, ``The Pentagon official added…``.

Each becomes a quote of kind ``reported`` with a confidence: a named subject 0.9, an unnamed
official or body 0.7, a pronoun (``He also said…``) resolved to the last speaker or named person
0.6 — and skipped when the sentence naming that person names two different people.  Sound-bite
segments are never searched (their words are quotes already).
"""

from __future__ import annotations

import re
from typing import Any

from dateline.enrich.lexicon import ROLE_NOUNS, SPEECH_VERB_RE
from dateline.enrich.names import key_for

NARRATIVE = frozenset({"anchor", "report", "narration"})
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’]?|$)")
_ABBREV_DOT = re.compile(r"\b(?:[A-Z]|U\.S|U\.N|Mr|Ms|Mrs|Dr|Gen|Adm|Lt|Col|Sen|Rep|Pres|St|D\.C"
                         r"|Jan|Feb|Aug|Sept|Oct|Nov|Dec|No|Prof|Jr|vs)\.$")
_VERB = re.compile(rf"\b(?:also\s+|then\s+|further\s+|again\s+|later\s+)?(?:{SPEECH_VERB_RE})\b")
_PRONOUN = re.compile(r"^(?:He|She)$")
_SUBJECT_LEAD = re.compile(r"^(?:(?:Meanwhile|However|Moreover|Also|But|And|Then|Later|Earlier)"
                           r",?\s+)")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in text[start:end], not breaking after abbreviations like ``U.S.``."""
    out: list[tuple[int, int]] = []
    cur = start
    for m in _SENTENCE.finditer(text, start, end):
        piece = text[cur:m.end()].rstrip()
        if _ABBREV_DOT.search(piece) and m.end() < end:
            continue
        if piece.strip():
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
    persons = [m for m in mentions if m.kind == "person" and m.source != "reporter"]
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
            named = [m for m in persons if s_start <= m.start and m.end <= verb_at]
            if named and text[named[-1].end:verb_at].strip(" ,'’s") in ("", "also", "then",
                                                                         "further", "again"):
                m = named[-1]
                speaker, skey, role, confidence = m.surface, m.key, m.title, 0.9
            elif _PRONOUN.match(subject):
                referent = _referent(text, persons, last_speaker, s_start)
                if referent is None:
                    continue
                speaker, skey, role, org = referent
                confidence = 0.6
            elif subject and len(subject.split()) <= 10 and _role_subject(subject):
                role = subject[4:] if subject.lower().startswith("the ") else subject
                org = next((m.surface for m in mentions if m.kind == "org"
                            and s_start <= m.start and m.end <= verb_at), None)
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


def _referent(text: str, persons: list[Any],
              last_speaker: tuple[int, str | None, str | None, str | None, str | None] | None,
              before: int) -> Speaker | None:
    """Who ``He``/``She`` is: the later of the last reported speaker and the last named
    person; ``None`` when the sentence naming that person names two different people."""
    earlier = [m for m in persons if m.end <= before]
    person = earlier[-1] if earlier else None
    if person is not None and (last_speaker is None or person.start > last_speaker[0]):
        s_start = max(text.rfind(". ", 0, person.start) + 2, text.rfind("\n", 0, person.start) + 1)
        s_end = text.find(". ", person.end)
        s_end = len(text) if s_end < 0 else s_end
        keys = {m.key for m in persons if s_start <= m.start < s_end}
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
