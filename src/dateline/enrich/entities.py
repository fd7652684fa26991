"""Entity extraction: people, organisations and places in one story, with titles and quotes.

What the transcript already says (sound-bite speakers, roles and organisations; the reporter),
names in the English text read in context (:mod:`dateline.enrich.english`: titles,
organisation and site heads, gazetteers, romanised Korean names, given names), the story's title
read the same way and, for Korean-language stories, proper nouns from kiwipiepy typed by
gazetteers and suffixes (:mod:`dateline.enrich.korean`), then read again by a trained CRF that
takes those rules' findings as its features (:mod:`dateline.enrich.korean_model`; without it the
rules' mentions stand).

The result is a :class:`StoryFacts` of name *keys* (see :mod:`dateline.enrich.names`); the
archive-wide resolution into canonical entities is :mod:`dateline.enrich.resolve`.  Mentions
found in the title (which is not part of the story's text) have ``start == end == 0`` and the
note ``title``.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from dateline.enrich import english, gazetteer
from dateline.enrich.facts import Collector, MentionFact, QuoteFact, StoryFacts
from dateline.enrich.known import COMPANY_ENDS, words
from dateline.enrich.names import (
    hangul_family_names,
    is_korean_name,
    key_for,
    person_key,
    surname_of,
)
from dateline.enrich.spans import KnownNouns
from dateline.transcript.text import has_hangul

__all__ = ["MAKER", "NAME", "VERSION", "MentionFact", "QuoteFact", "StoryFacts", "extract"]

log = logging.getLogger(__name__)

NAME = "entities"
#: 15: a lone word before "said" is no surname when it names a group ("Analysts"), is an
#: organisation's head ("Corp"), follows "the" or is written in lower case elsewhere in the
#: story; a headline's verb in capitals ends a name ("Carl Icahn Says"); a newswire table's
#: "Nine Mths" is no name; a firm's short name beside its full one in a story ("Merrill
#: Lynch") is the firm
#: 16: a person of a body and a body's officer are two entities ("David Wyss of Data Resources
#: Inc", "Bank of Korea Governor Lee Chang-yong"); "Minister of Foreign Affairs Choe Son Hui";
#: a lone word before "said" that a company of the story is named with is that company
#: ("Kodak said" beside "Eastman Kodak Co"); ranks of the armed services are titles; known
#: long names whole ("General Agreement on Tariffs and Trade"); initials ("A.W. Clausen"),
#: particles ("Barend du Plessis") and Korean syllables that are English words ("Pak In Chol")
#: inside names
#: 17: a name the Korean model reads stands only where the rules or Kiwi found something, or
#: where the model is sure of it (``korean_model.ALONE``);
#: more headline verbs ("Vows", "Sells") and newswire words ("Notes", "Shares") end no name
#: 18: companies whole: a nationality's adjective that starts one ("American Express Co"), a
#: partnership's comma ("Goldman, Sachs and Co"), a possessive firm ("Moody's Investors
#: Service Inc"), a headline's company in capitals ("FARMERS GROUP INC"); two firms joined by
#: "and" are two; a run ending in a legal ending is no person ("MAI Plc"); the Korean model
#: trained on batches 1-17 of the fresh gold
#: 19: Korean, what the model reads is read as the rules read it: a body's country is a place
#: too ("대한민국 특허청"), an address a place for each link ("인천 강화군"), a name an office
#: follows a person ("오노데라 이쓰노리 방위상"), a surname before "씨" nobody; the rules join
#: a foreign name after a title or a given name ("마이클 오브라이언") and read a name an
#: office follows past a country and a body ("화춘잉 중국 외교부 대변인"); "하원의장" is an
#: office, not the chamber
#: 20: a Korean word the model reads as a person that ends as a common noun of a quantity does
#: is no one ("마찰력", "장타율", "배춧값")
#: 21: a Korean place or body the gazetteers know that the model reads as a person, with no
#: title next to it, is the place or body ("전라북도", "정의당")
#: 22: a Korean person the model reads is mended: the words after the name that say who the
#: person is go ("곽상도 자유한국당"), so do the words up to a title before it ("스키 선수 비아노
#: 리차드슨") and a particle ("엄태웅은"); a syllable the analyser cut off comes back ("김용" +
#: "덕"); the rules join no Korean name to a job in loanwords before it ("키커 이정은"), nor a
#: foreign given name to a word of six syllables ("하지원 에코맘코리아" stays apart when written
#: so); country names are known without their spaces ("남아프리카공화국")
#: 23: a Korean name of one syllable the model reads is a person only by a surname ("미" of
#: "미 국방장관" is the country); "박 군" is anonymous; "…시청" is a body; "유전체" and
#: "공화국" name no one
#: 24: a Korean person the model reads as one word of no Korean form, which the rules take for
#: no name, is dropped ("코스피", "팔색조"); one word of a foreign name of two gets the other
#: word Kiwi tagged beside it ("하마둔" + "뚜레"); a job in loanwords before a name is no part
#: of it ("키커"); "박모" is anonymous
#: 25: Korean names in Latin letters are read in the scanned segments only, not in a sign-off
#: ("KBS 뉴스 서지영입니다") or a page's chrome ("'KBS제보' 검색")
#: 26: a place or body an archive writes in Hangul alone is named as written ("한국", not
#: "South Korea")
#: 27: Korea's regions are places the gazetteer knows ("영남", "호남", "충청"; "충청" had read as
#: a body by its last syllable)
VERSION = "27"
MAKER = f"{NAME}@{VERSION}"
#: Segment kinds whose text is scanned for names (noise, headers and bylines are not).
SCANNED = frozenset({"anchor", "report", "soundbite", "narration"})

#: What follows a firm's name in its full form ("Merrill Lynch and Co Inc")
_FIRM_TAIL = re.compile(r"^(?:(?:and|&)\s+co\.?|co\.?|inc\.?|corp\.?|corporation|ltd\.?|"
                        r"plc|llc|group|holdings|brothers|bros\.?|\s)+$")

#: The words a firm's full form may end with: a company's last words and what joins them
#: (a cheap first test before :data:`_FIRM_TAIL`)
_TAIL_WORDS = COMPANY_ENDS | words("and & brothers bros")


def _firms_in_story(col: Collector) -> None:
    """A person's name that a firm of the same story starts with, and only a company's form
    after it (``Merrill Lynch`` beside ``Merrill Lynch and Co Inc``), is that firm."""
    short: dict[str, str] = {}  # a firm's name without its company form → the firm
    for firm in col.mentions:
        if firm.kind == "org":
            parts = firm.surface.split(" ")
            i = len(parts) - 1
            while i > 1 and parts[i].casefold().rstrip(".") in _TAIL_WORDS:
                if _FIRM_TAIL.match(" ".join(parts[i:]).casefold()):
                    short.setdefault(" ".join(parts[:i]), firm.key)
                i -= 1
    if not short:
        return
    for m in col.mentions:
        if m.kind != "person" or m.source in _GIVEN or " " not in m.key:
            continue
        key = short.get(m.surface)
        if key is not None:
            m.kind, m.key, m.source = "org", key, "firm"


def _resolve_in_story(col: Collector) -> None:
    """Bare surnames → the full name in the same story when exactly one full name fits."""
    _firms_in_story(col)
    by_surname: dict[str, set[str]] = {}
    for m in col.mentions:
        if m.kind != "person":
            continue
        for family in hangul_family_names(m.key, m.surface) - {m.key}:  # "박 대통령", "트럼프"
            by_surname.setdefault(family, set()).add(m.key)
        if " " in m.key:
            sur = surname_of(m.key)
            if sur:
                by_surname.setdefault(sur, set()).add(m.key)
            for tok in m.key.split()[1:] if not is_korean_name(m.key.split()) else ():
                by_surname.setdefault(tok, set()).add(m.key)  # "Sung Kim" → "Kim"? keep both
    kept: list[MentionFact] = []
    firms: dict[str, str] | None = None
    for m in col.mentions:
        if m.kind == "person" and " " not in m.key:
            full = by_surname.get(m.key, set())
            if len(full) == 1:
                m.key = next(iter(full))
                m.source = "surname"
            elif m.source == "surname":  # "Kodak said" beside "Eastman Kodak Co"
                if firms is None:
                    firms = _firm_words(col.mentions)
                firm = firms.get(m.surface)
                if firm is not None:
                    m.kind, m.key, m.source = "org", firm, "firm"
            elif m.source == "surname?":
                continue  # a capitalised word alone, with nothing to say it is a person
        kept.append(m)
    col.mentions = kept




def _firm_words(mentions: list[MentionFact]) -> dict[str, str]:
    """The words of the story's companies (those whose name ends like one), each with the
    key of the company it names: ``Kodak`` → ``eastman kodak co``; a word two companies
    share names neither, unless one of them is that word and its ending alone (``Nestle``
    beside ``Nestle SA`` and ``Nestle Enterprises Ltd`` is ``Nestle SA``)."""
    named: dict[str, str] = {}
    alone: dict[str, str] = {}
    for m in mentions:
        parts = m.surface.split()
        if m.kind != "org" or len(parts) < 2 or parts[-1].casefold().rstrip(".") not in (
                COMPANY_ENDS):
            continue
        if len(parts) == 2:
            alone.setdefault(parts[0], m.key)
        for word in parts[:-1]:
            if word[:1].isupper() and named.setdefault(word, m.key) != m.key:
                named[word] = ""
    return {**{w: k for w, k in named.items() if k}, **alone}


def extract(story: Any, proper_nouns: list[tuple[str, int, int]] | None = None,
            title_nouns: list[tuple[str, int, int]] | None = None) -> StoryFacts:
    """People, organisations and places of one story (a ParsedStory or StoredStory).

    ``proper_nouns``, ``title_nouns``: the Korean proper nouns (form, start, end) of the
    story's text and title when already analysed (the archive keeps them); otherwise Korean
    stories are analysed here."""
    text: str = story.text
    col = Collector(text)
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
    # 2. the text, segment by segment, and the title
    spans = [(s.start, s.end) for s in story.segments if s.kind in SCANNED] or [(0, len(text))]
    if korean:
        from dateline.enrich import korean as ko

        if proper_nouns is None:
            proper_nouns = [(f, a + x, a + y) for a, b in spans
                            for f, x, y in ko.proper_nouns(text[a:b])]
        nouns = KnownNouns(proper_nouns).inside(spans)
        ko.scan(col, text, nouns, spans)
    else:
        reading = english.reading_text(text)
        for a, b in spans:
            english.scan(col, reading, a, b)
    title = getattr(story, "title", None)
    title_read: tuple[list[MentionFact], list[tuple[str, int, int]]] | None = None
    if title:
        title_read = _scan_title(col, title, text, korean, title_nouns)
    if korean:
        col.mentions = ko.drop_described(col.mentions, text)
        col = _read_korean(col, spans, nouns, title, title_read)
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


def _scan_title(col: Collector, title: str, text: str, korean: bool,
                nouns: list[tuple[str, int, int]] | None = None,
                ) -> tuple[list[MentionFact], list[tuple[str, int, int]]] | None:
    """Names in the story's title, as mentions at offset 0 noted ``title``; in Korean, a name
    the body typed keeps the body's type (the title has little context).  A Korean title's
    mentions and proper nouns, with offsets in the title, are returned for the model to read."""
    tcol = Collector(title)
    if korean:
        from dateline.enrich import korean as ko

        nouns = nouns if nouns is not None else ko.proper_nouns(title)
        ko.scan(tcol, title, nouns)
    else:
        reading = english.recase_title(title, text)
        english.scan(tcol, reading, 0, len(reading))
    _add_title_mentions(col, tcol.mentions, korean)
    return (list(tcol.mentions), nouns or []) if korean else None


def _add_title_mentions(col: Collector, mentions: list[MentionFact], korean: bool) -> None:
    typed = {m.surface: m.kind for m in col.mentions if m.note != "title"}
    for m in mentions:
        if korean and m.surface in typed and typed[m.surface] != m.kind:
            m = replace(m, kind=typed[m.surface], key=key_for(typed[m.surface], m.surface))
        col.mentions.append(replace(m, start=0, end=0, note=m.note or "title"))


#: Mentions the transcript itself gives: they stand whatever a model reads
_GIVEN = frozenset(["soundbite", "reporter"])


def _read_korean(col: Collector, spans: list[tuple[int, int]], nouns: list[tuple[str, int, int]],
                 title: str | None,
                 title_read: tuple[list[MentionFact], list[tuple[str, int, int]]] | None,
                 ) -> Collector:
    """The Korean text and title as :mod:`~dateline.enrich.korean_model` reads them, with the
    rules' mentions as its features; ``col`` unchanged when no model is loaded."""
    from dateline.enrich import korean_model

    if not korean_model.available():
        return col
    text = col.text
    rules = sorted((m for m in col.mentions if m.note != "title" and m.end > m.start),
                   key=lambda m: m.start)
    rule_starts = [m.start for m in rules]
    nouns = sorted(nouns, key=lambda n: n[1])
    noun_starts = [a for _, a, _ in nouns]
    read = [korean_model.read(text, a, b,
                              rules[bisect_left(rule_starts, a):bisect_left(rule_starts, b)],
                              nouns[bisect_left(noun_starts, a):bisect_left(noun_starts, b)])
            for a, b in spans]
    title_names = (korean_model.read(title, 0, len(title), *title_read)
                   if title and title_read else [])
    if title_names is None or any(r is None for r in read):
        return col
    out = Collector(text)
    for m in col.mentions:
        if m.source in _GIVEN:
            out.add(m.kind, m.surface, m.start, m.end, title=m.title, source=m.source, key=m.key,
                    note=m.note, force=True)
    for names in read:
        _add_read(out, names or ())
    _add_unread(out, rules)
    if title and title_read:
        tcol = Collector(title)
        _add_read(tcol, title_names)
        _add_unread(tcol, title_read[0])
        _add_title_mentions(out, tcol.mentions, korean=True)
    return out


def _add_read(col: Collector, names: Iterable[tuple[str, int, int]]) -> None:
    """The names the Korean model read in ``col.text``, as the rules read them: the country a
    body's name starts with is a place as well (``대한민국 특허청``), and an address is a place
    for each of its links (``대전 갈마동``)."""
    from dateline.enrich import korean as ko

    text = col.text
    for kind, a, b in names:
        parts = ko.address_parts(text[a:b]) if kind == "place" else None
        if parts:
            col.add("place", text[a:a + parts[0]], a, a + parts[0], source="model")
            col.add("place", text[a + parts[1]:b], a + parts[1], b, source="model")
        elif col.add(kind, text[a:b], a, b, source="model") and kind == "org" and (
                country := ko.country_first(text[a:b])):
            col.add("place", country, a, a + len(country), source="model", force=True)


def _add_unread(col: Collector, rules: list[MentionFact]) -> None:
    """The rules' names without Hangul (``KBS``, ``NATO``, ``CNN``), where the model left room:
    the model keeps only names with Hangul (:func:`~dateline.enrich.korean_model.read`)."""
    for m in rules:
        if m.end > m.start and not has_hangul(m.surface) and m.source not in _GIVEN:
            col.add(m.kind, m.surface, m.start, m.end, title=m.title, source=m.source, key=m.key,
                    note=m.note)


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
