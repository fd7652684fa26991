"""Entity extraction: people, organisations and places in one story, with titles and quotes.

No statistical model: what the transcript already says (sound-bite speakers, roles and
organisations; the reporter), title patterns (``Secretary of State X``, ``chief nuclear
negotiator X``), romanised Korean names (``Lee Do-hoon``, ``Kim Jong Un``), capitalised name
sequences in context, gazetteers of countries and cities (:mod:`dateline.enrich.gazetteer`) and,
for Korean-language stories, proper nouns from kiwipiepy (loaded lazily).

The result is a :class:`StoryFacts` of name *keys* (see :mod:`dateline.enrich.names`); the
archive-wide resolution into canonical entities is :mod:`dateline.enrich.resolve`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from dateline.enrich import gazetteer
from dateline.enrich.lexicon import (
    COMMON_CAPS,
    METONYM_NEXT,
    NOT_NAME_HEADS,
    ORG_ACRONYMS,
    ORG_HEADS,
    PLACE_HEADS,
    SPEECH_VERB_RE,
    TITLE_HEADS,
    TITLE_WORDS,
)
from dateline.enrich.names import (
    KOREAN_SURNAMES,
    ORG_ALIASES,
    PLACE_ALIASES,
    casefold_key,
    is_hangul_name,
    is_korean_name,
    key_for,
    person_key,
    surname_of,
)
from dateline.enrich.spans import FirstHit, KnownNouns, TakenSpans

log = logging.getLogger(__name__)

NAME = "entities"
VERSION = "1"
MAKER = f"{NAME}@{VERSION}"
#: Segment kinds whose text is scanned for names (noise, headers and bylines are not).
SCANNED = frozenset({"anchor", "report", "soundbite", "narration"})

_TOKEN = r"(?:[A-Z][a-z]+(?:[-'’][A-Za-z]+)*|[A-Z]\.(?:[A-Z]\.)+|[A-Z]{2,}(?:-[A-Z]+)?|[A-Z]\.)"
_SEQ = re.compile(
    rf"{_TOKEN}(?:[ ](?:{_TOKEN}|(?:of|for|and|the|on|de|van|von|bin|al)(?=[ ][A-Z])))*"
)
_LEADERS = re.compile(r"Kim (?:Il Sung|Jong Il|Jong Un|Yo Jong)")
_HYPHEN_ADJ = re.compile(r"^([A-Z][\w.]+)-(?:based|led|born|style|made|bound|related|backed)$")
_POSSESSIVE = re.compile(r"['’]s?$")


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


# ----------------------------------------------------------------------------- classification


def _is_title_token(tok: str) -> bool:
    low = tok.casefold().rstrip(".")
    return low in TITLE_WORDS


def _is_name_token(tok: str) -> bool:
    low = tok.casefold()
    return (
        tok[:1].isupper()
        and low.rstrip(".") not in TITLE_WORDS
        and low not in COMMON_CAPS
        and low not in ORG_HEADS
        and "." not in tok
        and not tok.isupper()
    )


def _split_title(tokens: list[str]) -> tuple[list[str], list[str]]:
    """(title tokens, name tokens): the name is the trailing run of name-like tokens (≤ 3)."""
    name: list[str] = []
    for tok in reversed(tokens):
        if len(name) < 3 and _is_name_token(tok):
            name.insert(0, tok)
        else:
            break
    title = tokens[: len(tokens) - len(name)]
    if len(name) == 3 and not is_korean_name(name) and title:
        title, name = title + name[:1], name[1:]
    return title, name


def _classify(tokens: list[str]) -> str | None:
    """person / org / place / None for a capitalised phrase without a title."""
    phrase = " ".join(tokens)
    key = casefold_key(phrase)
    low = [t.casefold().rstrip(".") for t in tokens]
    if phrase in ORG_ACRONYMS or key in ORG_ALIASES:
        return "org"
    if key in PLACE_ALIASES or gazetteer.is_place(phrase):
        return "place"
    if any(t in ORG_HEADS for t in low) and len(tokens) > 1 or low[-1] in ORG_HEADS:
        return "org"
    if len(tokens) > 1 and low[-1] in PLACE_HEADS:
        return "place"
    if is_korean_name(tokens):
        return "person"
    if low[-1] in NOT_NAME_HEADS:
        return None
    names = 2 <= len(tokens) <= 3 and all(_is_name_token(t) for t in tokens)
    if names and not any(gazetteer.is_place(t) for t in tokens):
        return "person"
    return None


# ----------------------------------------------------------------------------- extraction


class _Collector:
    """Mentions of one story; spans never overlap."""

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
        self._taken.take(start, end)
        return mention


def _clean_title(tokens: list[str]) -> str | None:
    while tokens and tokens[0].casefold() in ("the", "his", "her", "their", "and", "of", "for"):
        tokens = tokens[1:]
    while tokens and tokens[-1].casefold() in ("the", "and", "of", "for", "on"):
        tokens = tokens[:-1]
    if not tokens or not any(t.casefold().rstrip(".") in TITLE_HEADS for t in tokens):
        return None
    return " ".join(tokens)


def _title_before(text: str, start: int) -> str | None:
    """Lower-case title words right before a name: ``chief nuclear negotiator`` Lee Do-hoon."""
    words: list[str] = []
    for tok in reversed(text[max(0, start - 80) : start].split()):
        if tok[-1] in ',;:)]"”' or not _is_title_token(tok):
            break
        words.insert(0, tok)
    return _clean_title(words) if words else None


def _title_after(text: str, end: int) -> str | None:
    """Appositive title: ``Phil Davidson, commander of the U.S. Indo-Pacific Command,``."""
    m = re.match(
        r",\s+(?:the\s+|a\s+)?((?:[a-z][\w-]*\s+){0,3}?(?:[a-z]+))\s+of\s+(?:the\s+)?"
        r"((?:[A-Z][\w.'’-]*\s?)+)",
        text[end : end + 120],
    )
    if m and m.group(1).split()[-1] in TITLE_HEADS:
        return f"{m.group(1)} of {m.group(2).strip()}"
    return None


def _scan_sequences(col: _Collector, text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    for m in _LEADERS.finditer(chunk):
        col.add("person", m.group(), start + m.start(), start + m.end(), source="name")
    for m in _SEQ.finditer(chunk):
        _handle_sequence(col, text, m.group(), start + m.start())


def _handle_sequence(col: _Collector, text: str, phrase: str, pos: int) -> None:
    """A run of capitalised words at ``pos``, cut where the rules say and handed on in parts.

    The run is cut after a possessive, around an ``X-based`` word and before a month or day
    name; what follows a cut is handled as a run of its own.  That rest is a window
    ``tokens[lo:hi]`` of one list, gone through in a loop: handing it to a new call, joined and
    split again, took a time quadratic in the run and overflowed the stack on a long one
    ("Kim Monday Kim Monday …").  The loop makes the same cuts in the same order.
    """
    tokens = phrase.split(" ")
    offsets = []
    cur = pos
    for tok in tokens:
        offsets.append(cur)
        cur += len(tok) + 1
    lo, hi = 0, len(tokens)
    # Only tokens[hi - 1] ever changes (its possessive is stripped), so whether an earlier token
    # is a possessive or an X-based word is looked up once, going forward.
    possessive = FirstHit(lambda i: len(tokens[i]) > 3 and bool(_POSSESSIVE.search(tokens[i])))
    hyphened = FirstHit(lambda i: _HYPHEN_ADJ.match(tokens[i]) is not None)
    while True:
        # drop sentence-initial function words
        while (
            lo < hi
            and tokens[lo].casefold() in COMMON_CAPS
            and not _is_title_token(tokens[lo])
            and not _known_place(tokens[lo:min(lo + 2, hi)])
            and not _known_place(tokens[lo:min(lo + 3, hi)])
        ):
            lo += 1
        # strip possessives from the last token: "Moon's Berlin speech" is two phrases
        i = possessive.first(lo, hi - 1)
        if i is not None:
            tokens[i] = _POSSESSIVE.sub("", tokens[i])
            _handle_tokens(col, text, tokens[lo : i + 1], offsets[lo : i + 1])
            lo = i + 1
            continue
        i = hyphened.first(lo, hi - 1)
        if i is None and lo < hi and _HYPHEN_ADJ.match(tokens[hi - 1]):
            i = hi - 1
        if i is not None:  # "Korea-based UN Command": the place, then the rest
            m = _HYPHEN_ADJ.match(tokens[i])
            assert m is not None
            _single(col, text, m.group(1), offsets[i], offsets[i] + len(m.group(1)))
            _handle_tokens(col, text, tokens[lo:i], offsets[lo:i])
            if i + 1 < hi:
                lo = i + 1
                continue
            return
        while hi > lo and tokens[hi - 1].casefold() in ("of", "for", "and", "the", "on"):
            hi -= 1
        if hi <= lo:
            return
        if _POSSESSIVE.search(tokens[hi - 1]) and len(tokens[hi - 1]) > 2:
            tokens[hi - 1] = _POSSESSIVE.sub("", tokens[hi - 1])
        # month/day names split a phrase ("Seoul on Monday" never reaches here; "Moon Monday"
        # might)
        for i in range(lo + 1, hi):
            low = tokens[i].casefold()
            if (
                low in COMMON_CAPS
                and low not in ("of", "for", "and", "the", "on")
                and not _known_place(tokens[i - 1 : i + 1])
                and not _known_place(tokens[i : min(i + 2, hi)])
            ):
                _handle_tokens(col, text, tokens[lo:i], offsets[lo:i])
                lo = i
                break
        else:
            _handle_tokens(col, text, tokens[lo:hi], offsets[lo:hi])
            return


def _handle_tokens(col: _Collector, text: str, tokens: list[str], offsets: list[int]) -> None:
    if not tokens:
        return
    start, end = offsets[0], offsets[-1] + len(tokens[-1])
    has_title = any(t.casefold().rstrip(".") in TITLE_HEADS for t in tokens)
    org_like = any(t.casefold() in ORG_HEADS for t in tokens)
    if has_title and not org_like:
        title_toks, name_toks = _split_title(tokens)
        if name_toks and title_toks:
            nstart = offsets[len(title_toks)]
            title = _clean_title(title_toks)
            _places_in(col, title_toks, offsets[: len(title_toks)])
            if title is not None:
                col.add("person", " ".join(name_toks), nstart, end, title=title, source="title")
                return
            tokens, offsets = name_toks, offsets[len(title_toks) :]
            start = nstart
        elif not name_toks:
            _places_in(col, tokens, offsets)
            return
    if len(tokens) == 1:
        _single(col, text, tokens[0], start, end)
        return
    # hyphenated pairs of places: "Seoul-Washington", "U.S.-North Korea"
    kind = _classify(tokens)
    if kind is None and "-" in tokens[0] and len(tokens) == 1:
        return
    if kind == "person":
        title = _title_before(text, start) or _title_after(text, end)
        col.add(
            "person",
            " ".join(tokens),
            start,
            end,
            title=title,
            source="korean-name" if is_korean_name(tokens) else "name",
        )
    elif kind == "place":
        _place(col, text, " ".join(tokens), start, end)
    elif kind == "org":
        col.add("org", " ".join(tokens), start, end, source="org-pattern")
    else:
        _segment_known(col, text, tokens, offsets)


def _known_place(tokens: list[str]) -> bool:
    if len(tokens) < 2:
        return False
    phrase = " ".join(tokens)
    return casefold_key(phrase) in PLACE_ALIASES or gazetteer.is_place(phrase)


def _segment_known(col: _Collector, text: str, tokens: list[str], offsets: list[int]) -> None:
    """Known places and organisations inside a phrase that is none as a whole (longest first)."""
    i = 0
    while i < len(tokens):
        for n in range(min(4, len(tokens) - i), 0, -1):
            part = tokens[i : i + n]
            phrase = " ".join(part)
            key = casefold_key(phrase)
            if n > 1 and (_known_place(part) or key in ORG_ALIASES):
                kind = "org" if key in ORG_ALIASES else "place"
                a = offsets[i]
                if kind == "place":
                    _place(col, text, phrase, a, a + len(phrase))
                else:
                    col.add("org", phrase, a, a + len(phrase), source="acronym")
                i += n
                break
            if n == 1:
                tok = tokens[i]
                if gazetteer.is_place(tok) or tok in ORG_ACRONYMS or key in PLACE_ALIASES:
                    _single(col, text, tok, offsets[i], offsets[i] + len(tok))
                i += 1


def _places_in(col: _Collector, tokens: list[str], offsets: list[int]) -> None:
    for tok, off in zip(tokens, offsets, strict=True):
        if casefold_key(tok) in PLACE_ALIASES or gazetteer.is_place(tok):
            col.add("place", tok, off, off + len(tok), source="gazetteer")


def _place(col: _Collector, text: str, surface: str, start: int, end: int) -> None:
    note = "metonym: government" if METONYM_NEXT.match(text[end : end + 40]) else None
    col.add("place", surface, start, end, source="gazetteer", note=note)


def _single(col: _Collector, text: str, tok: str, start: int, end: int) -> None:
    if "-" in tok and not tok.isupper():  # "Seoul-Washington", "Inter-Korean"
        off = start
        for part in tok.split("-"):
            if part and (gazetteer.is_place(part) or casefold_key(part) in PLACE_ALIASES):
                _place(col, text, part, off, off + len(part))
            off += len(part) + 1
        return
    key = casefold_key(tok)
    if tok in ORG_ACRONYMS or key in ORG_ALIASES:
        col.add("org", tok, start, end, source="acronym")
    elif key in PLACE_ALIASES or gazetteer.is_place(tok):
        _place(col, text, tok, start, end)
    elif (
        tok[:1].isupper()
        and not tok.isupper()
        and key not in COMMON_CAPS
        and key not in TITLE_WORDS
        and re.match(rf"\s+(?:also\s+)?(?:{SPEECH_VERB_RE})\b", text[end : end + 30])
    ):
        col.add("person", tok, start, end, source="surname")
    elif key in KOREAN_SURNAMES or (tok[:1].isupper() and key not in COMMON_CAPS):
        col.add("person", tok, start, end, source="surname?")


def _resolve_in_story(col: _Collector) -> None:
    """Bare surnames → the full name in the same story when exactly one full name fits."""
    by_surname: dict[str, set[str]] = {}
    for m in col.mentions:
        if m.kind == "person" and " " in m.key:
            sur = surname_of(m.key)
            if sur:
                by_surname.setdefault(sur, set()).add(m.key)
            for tok in m.key.split()[1:] if not is_korean_name(m.key.split()) else ():
                by_surname.setdefault(tok, set()).add(m.key)  # "Sung Kim" → "Kim"? keep both
    kept: list[MentionFact] = []
    for m in col.mentions:
        if m.kind == "person" and " " not in m.key:
            full = by_surname.get(m.key, set())
            if len(full) == 1:
                m.key = next(iter(full))
                m.source = "surname"
            elif m.source == "surname?":
                continue  # a capitalised word alone, with nothing to say it is a person
        kept.append(m)
    col.mentions = kept


def _scan_korean(col: _Collector, text: str, start: int, end: int,
                 known: KnownNouns | None = None) -> None:
    if known is not None:
        found = known.within(start, end)
    else:
        from dateline.enrich.korean import proper_nouns

        found = [(form, start + a, start + b) for form, a, b in proper_nouns(text[start:end])]
    for form, a, b in found:
        kind = _korean_kind(form)
        if kind:
            col.add(kind, form, a, b, source="kiwi")


_KO_ORG_SUFFIX = re.compile(
    r"(?:부|청|당|원|회|처|은행|공사|위원회|대학교?|그룹|본부|사령부|법원|검찰)$"
)
_KO_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구민류나진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
)


_KO_NOT_NAMES = frozenset(
    [
        "인터뷰",
        "녹취",
        "기자",
        "앵커",
        "리포트",
        "특파원",
        "대통령",
        "위원장",
        "국무위원장",
        "장관",
        "대변인",
    ]
)


def _korean_kind(form: str) -> str | None:
    if form in _KO_NOT_NAMES:
        return None
    if form in PLACE_ALIASES or gazetteer.is_place(form):
        return "place"
    if _KO_ORG_SUFFIX.search(form) and len(form) >= 2:
        return "org"
    if is_hangul_name(form) and len(form) == 3 and form[0] in _KO_SURNAMES:
        return "person"
    return None


def extract(story: Any, proper_nouns: list[tuple[str, int, int]] | None = None) -> StoryFacts:
    """People, organisations and places of one story (a ParsedStory or StoredStory).

    ``proper_nouns``: the story's Korean proper nouns (form, start, end) when already analysed
    (the archive keeps them); otherwise Korean stories are analysed here."""
    text: str = story.text
    col = _Collector(text)
    korean = (story.language or "").startswith("ko")
    # 1. what the transcript says: sound-bite speakers, their organisations, the reporter
    for q in story.quotes:
        if q.kind == "reported":
            continue
        lo = max(0, q.start - 400)
        if q.speaker:
            kind = "person"
            surface = q.speaker
            at = text.rfind(surface, lo, q.start + 1) if q.start else -1
            a, b = (at, at + len(surface)) if at >= 0 else (q.start, q.start)
            col.add(kind, surface, a, b, title=q.role, source="soundbite", force=True)
        if q.organization:
            kind = "place" if gazetteer.is_place(q.organization) else "org"
            at = text.rfind(q.organization, lo, q.start + 1) if q.start else -1
            a, b = (at, at + len(q.organization)) if at >= 0 else (q.start, q.start)
            col.add(kind, q.organization, a, b, source="soundbite", force=True)
    if story.reporter:
        at = text.rfind(story.reporter)
        a, b = (at, at + len(story.reporter)) if at >= 0 else (0, 0)
        col.add("person", story.reporter, a, b, title="reporter", source="reporter", force=True)
    # 2. the text, segment by segment
    spans = [(s.start, s.end) for s in story.segments if s.kind in SCANNED] or [(0, len(text))]
    known = KnownNouns(proper_nouns) if proper_nouns is not None else None
    for a, b in spans:
        if korean:
            _scan_korean(col, text, a, b, known)
        else:
            _scan_sequences(col, text, a, b)
    _resolve_in_story(col)
    col.mentions.sort(key=lambda m: (m.start, m.end))
    facts = StoryFacts(mentions=col.mentions)
    # 3. quotes: sound bites from the parser, then reported speech in the narration
    persons = _PersonKeys(col.mentions)
    for i, q in enumerate(story.quotes):
        skey = _speaker_key(q.speaker, persons)
        okey = key_for("org", q.organization) if q.organization else None
        facts.quotes.append(
            QuoteFact(
                i,
                q.kind,
                q.text,
                skey,
                q.speaker,
                q.role,
                q.organization,
                okey,
                q.language,
                q.start,
                q.end,
                q.confidence,
            )
        )
    if not korean:
        from dateline.enrich.reported import find_reported

        facts.quotes.extend(find_reported(story, col.mentions, first_idx=1000))
    return facts


class _PersonKeys:
    """The keys of a story's person mentions by surface, in order, and each speaker's key once
    found (built at the first need: looking through all mentions once per sound bite was
    quadratic on a page of many)."""

    def __init__(self, mentions: list[MentionFact]):
        self._mentions = mentions
        self._by_surface: dict[str, list[str]] | None = None
        self.speakers: dict[str, str] = {}  # speaker → key, for :func:`_speaker_key`

    def of(self, surface: str) -> list[str]:
        if self._by_surface is None:
            self._by_surface = {}
            for m in self._mentions:
                if m.kind == "person":
                    self._by_surface.setdefault(m.surface, []).append(m.key)
        return self._by_surface.get(surface, [])


def _speaker_key(speaker: str | None, persons: _PersonKeys) -> str | None:
    """A sound bite's speaker as a person key: a one-word name takes the key of the first
    person mention written the same way whose key differs (a full name resolved in the story)."""
    if not speaker:
        return None
    found = persons.speakers.get(speaker)
    if found is None:
        key = person_key(speaker)
        if " " not in key:
            key = next((k for k in persons.of(speaker) if k != key), key)
        found = persons.speakers[speaker] = key
    return found
