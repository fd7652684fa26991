"""The fictional world behind the demo corpus, built once per seed.

A :class:`World` holds a Zipf-distributed vocabulary, pools of pre-built sentences (English and
Korean narration, first-person quotes), a recurring cast whose titles change over the years,
reporters, and affairs (*threads*) that run across several years.  Building it costs a fraction
of a second; generating a story afterwards only picks from these pools, which keeps the generator
fast (tens of thousands of stories per second) and its memory constant.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from dateline.sample import lexicon as lx

FIRST_YEAR = 2005
LAST_YEAR = 2025
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)

_GENERATED_TERMS = 3000
_EN_SENTENCES = 24000
_EN_QUOTES = 6000
_KO_SENTENCES = 8000
_KO_QUOTES = 2000
_EN_PARAGRAPHS = 30000
_KO_PARAGRAPHS = 8000
_THREADS = 90
_KOREAN_CAST = 340
_FOREIGN_CAST = 60


@dataclass(frozen=True, slots=True)
class Role:
    """A title held in one organisation, in the forms the layouts write it."""

    title: str  # "Spokesperson"
    org: str  # "Ministry of Harbour Affairs"
    short: str  # "Harbour Ministry Spokesperson" (before a name)
    long: str  # "Spokesperson, Ministry of Harbour Affairs" (after a name)
    ko: str  # "항만부 대변인"


@dataclass(frozen=True, slots=True)
class Person:
    """A recurring cast member: one name, a role for every year."""

    id: int
    name: str
    name_ko: str | None  # None for foreign people
    roles: tuple[Role, ...]  # indexed by year - FIRST_YEAR

    def role(self, year: int) -> Role:
        return self.roles[year - FIRST_YEAR]


@dataclass(frozen=True, slots=True)
class Thread:
    """An affair that recurs across years: its headline words, people and own sentences."""

    id: str
    head: str  # title words, Title Case: "Veloria Rail Sanctions"
    head_ko: str
    first_year: int
    last_year: int
    cast: tuple[int, ...]
    korean_cast: tuple[int, ...]
    anchor_sentences: tuple[str, ...]
    sentences: tuple[str, ...]
    anchor_sentences_ko: tuple[str, ...]
    sentences_ko: tuple[str, ...]


class Zipf:
    """Draws from a word list with weights 1/rank (the first word most often)."""

    __slots__ = ("words", "cum")

    def __init__(self, words: list[str], exponent: float = 1.0) -> None:
        self.words = words
        self.cum = list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(len(words))))

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=k)


def _unique(words: tuple[str, ...] | list[str]) -> list[str]:
    return list(dict.fromkeys(words))


def _has_batchim(word: str) -> bool:
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0


_AN = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")
_JOSA = {"을": ("을", "를"), "은": ("은", "는"), "이": ("이", "가"), "과": ("과", "와")}


def josa(word: str, particle: str) -> str:
    """``word`` and the particle that fits its last syllable (을/를, 은/는, 이/가, 과/와)."""
    with_final, without = _JOSA[particle]
    return word + (with_final if _has_batchim(word) else without)


# -- sentence templates (written for dateline) ---------------------------------------------------
# Slots: N noun, A adjective, V past verb, B base verb, T time phrase, C country, O organisation,
# W town; Korean adds a particle after a colon (N:을) and I intransitive, S saying, F promise.

_EN_TEMPLATES: tuple[str, ...] = (
    "The {A} {N} {V} the {N} of the {N} {T}.",
    "Officials at the {O} {V} a {A} {N} on {N} {T}.",
    "Analysts say the {N} could {B} the {N} in {W} within months.",
    "The {N} comes as {N} and {N} remain under {A} pressure.",
    "{C} has {V} its {N} on {N}, citing the {A} {N}.",
    "Local {N} in {W} {V} the {N}, saying the {N} was too {A}.",
    "According to the {O}, the {N} will {B} the {N} by next year.",
    "The {N} was first raised during {A} {N} in {C} {T}.",
    "Critics argue that the {N} does little to {B} the {N}.",
    "The {A} {N} is expected to cost more than the {N} planned for {W}.",
    "Meanwhile, {N} linked to the {N} {V} the {A} {N}.",
    "The {O} said the {N} and the {N} would be handled separately.",
    "It is the {A} {N} since the {N} in {W} drew {A} attention.",
    "Under the {A} {N}, {N} would {B} the {N} and the {N}.",
    "Some {N} have already {V} their {N} ahead of the {N}.",
    "The {N} in {W} is now seen as a test for the {A} {N}.",
    "Talks between {C} and the {O} {V} the {N} {T}.",
    "The {N} figures suggest the {N} will {B} the {N} sooner than expected.",
    "A {A} {N} on {N} and {N} is due {T}.",
    "The {O} has not yet {V} the {N}, but a {A} {N} is likely.",
    "Residents of {W} say the {N} has changed little for the {N}.",
    "The {N} follows {A} {N} over {N} and {N}.",
    "Observers in {C} expect the {N} to {B} the {A} {N}.",
    "Several {N} {V} the {N} as a {A} {N} for the {N}.",
)
_EN_QUOTE_TEMPLATES: tuple[str, ...] = (
    "We will {B} the {N} {T}, and we expect the {N} to follow.",
    "The {N} cannot wait any longer, so we are asking for a {A} {N}.",
    "I think a {A} {N} is the only way to {B} the {N}.",
    "Our position on the {N} has been clear from the start.",
    "People here want {A} {N}, not more {N}.",
    "We did not expect the {N} to come so quickly.",
    "This {N} will {B} the {N} for families in {W}.",
    "There is still time to {B} the {N} before the {N} begins.",
    "Frankly, the {N} was handled badly, and we need a {A} {N}.",
    "If the {N} goes ahead, the {N} will be the first to feel it.",
    "We have asked the {O} to {B} the {N} as soon as possible.",
    "Nobody in {W} was told about the {N} in advance.",
)
_INTRO_TEMPLATES: tuple[str, ...] = (
    "{role} {name} {verb} the {noun} {time}.",
    "Speaking to reporters, {role} {name} {verb} the {noun}.",
    "{name}, {long}, {verb} the {noun} {time}.",
)
_KO_TEMPLATES: tuple[str, ...] = (
    "{T} {O:은} {N} {N:을} {V}.",
    "{W}에서는 {N:과} {N:을} 둘러싼 논란이 {I}.",
    "전문가들은 {N} {N:이} {N}에 영향을 줄 수 있다고 {S}.",
    "{C:과}의 {N} 문제도 {I}.",
    "이에 따라 {N} 당국은 {N} {N:을} {V}.",
    "{W} {N:은} {T}부터 {N} {N:을} {V}.",
    "일부 {N} 단체는 {N:이} 충분하지 않다며 {N:을} {V}.",
    "{O:은} {N} {N:과} 관련해 {N:을} {V}.",
    "{N} {N:이} {T} 이후 꾸준히 {I}.",
    "{C} 정부도 {N} {N:을} {V}.",
)
_KO_QUOTE_TEMPLATES: tuple[str, ...] = (
    "{N:은} {F}.",
    "{N} 문제는 {N}보다 먼저 풀어야 합니다.",
    "{W} 주민들의 {N} 부담을 줄이는 것이 가장 중요합니다.",
    "지금은 {N:과} {N:을} 함께 살펴야 할 때입니다.",
    "{N:을} 둘러싼 걱정이 많지만 {F}.",
    "{N:이} 이렇게 갑자기 바뀔 줄은 몰랐습니다.",
)
_THREAD_TEMPLATES: tuple[str, ...] = (
    "The {topic} has been debated in {place} since {year}.",
    "Those involved in the {topic} say a decision could come {T}.",
    "The {topic} has drawn {A} attention to {N} and {N}.",
    "Supporters of the {topic} point to the {N} it could bring to {place}.",
    "Opponents of the {topic} warn of {A} {N}.",
    "The {topic} is one of the {A} issues facing the {O}.",
)
_THREAD_TEMPLATES_KO: tuple[str, ...] = (
    "{topic} 문제는 {year}년부터 논의돼 왔습니다.",
    "{topic:을} 두고 {place}에서는 찬반이 엇갈리고 있습니다.",
    "{topic}에 대한 결정은 {T} 나올 것으로 보입니다.",
    "{topic} 논의는 {N} 문제와도 맞물려 있습니다.",
)

#: (English head, Korean head, needs a country?) thread topics.
_TOPICS: tuple[tuple[str, str, bool], ...] = (
    ("{C} Railway Sanctions", "{C} 철도 제재", True),
    ("Sanctions on {C}", "{C} 제재", True),
    ("{W} Railway Extension", "{W} 철도 연장", False),
    ("{C} Rail Link", "{C} 연결 철도", True),
    ("{C} Grain Deal", "{C} 곡물 협정", True),
    ("{W} Harbour Dredging", "{W} 항만 준설", False),
    ("{W} Flood Recovery", "{W} 수해 복구", False),
    ("Tariffs on {C} Steel", "{C} 철강 관세", True),
    ("{W} Rail Strike", "{W} 철도 파업", False),
    ("{W} Wildfire", "{W} 산불", False),
    ("{C} Fishing Dispute", "{C} 어업 분쟁", True),
    ("{W} Harbour Expansion", "{W} 항만 확장", False),
    ("{C} Sanctions Exemption", "{C} 제재 면제", True),
    ("{W} Hospital Closure", "{W} 병원 폐쇄", False),
    ("{C} Currency Swap", "{C} 통화 스와프", True),
    ("{W} Subway Fares", "{W} 지하철 요금", False),
)
_EVENTS: tuple[tuple[str, str], ...] = (
    ("Talks Stall", "협상 난항"), ("Deal Signed", "합의 서명"), ("Probe Widens", "수사 확대"),
    ("Vote Delayed", "표결 연기"), ("Plan Unveiled", "계획 발표"), ("Protests Grow", "반발 확산"),
    ("Costs Rise", "비용 증가"), ("Deadline Nears", "시한 임박"), ("Review Ordered", "재검토 지시"),
    ("Talks Resume", "협상 재개"), ("Hearing Held", "청문회 개최"), ("Survey Begins", "조사 착수"),
)


class _Filler:
    """Fills the slots of a template from the world's vocabularies (used while building only)."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.w = world
        self.rng = rng

    def en(self, template: str, **fixed: str) -> str:
        rng, w = self.rng, self.w
        out: list[str] = []
        for i, piece in enumerate(template.replace("}", "{").split("{")):
            if i % 2 == 0:
                out.append(piece)
            elif piece in fixed:
                out.append(fixed[piece])
            elif piece == "N":
                out.append(w.nouns.draw(rng, 1)[0])
            elif piece == "A":
                out.append(w.adjectives.draw(rng, 1)[0])
            elif piece == "V":
                out.append(w.verbs.draw(rng, 1)[0])
            elif piece == "B":
                out.append(rng.choice(lx.VERBS_BASE))
            elif piece == "T":
                out.append(rng.choice(lx.TIME_PHRASES))
            elif piece == "C":
                out.append(rng.choice(lx.COUNTRIES)[0])
            elif piece == "O":
                out.append(rng.choice(lx.ORGANIZATIONS)[1])
            elif piece == "W":
                out.append(rng.choice(w.towns)[0])
            else:
                raise ValueError(f"unknown slot {piece!r} in {template!r}")
        sentence = _AN.sub(r"\1n ", "".join(out))
        return sentence[0].upper() + sentence[1:]

    def ko(self, template: str, **fixed: str) -> str:
        rng, w = self.rng, self.w
        out: list[str] = []
        for i, piece in enumerate(template.replace("}", "{").split("{")):
            if i % 2 == 0:
                out.append(piece)
                continue
            slot, _, particle = piece.partition(":")
            if slot in fixed:
                word = fixed[slot]
            elif slot == "N":
                word = w.ko_nouns.draw(rng, 1)[0]
            elif slot == "V":
                word = rng.choice(lx.KO_VERBS)
            elif slot == "I":
                word = rng.choice(lx.KO_INTRANSITIVE)
            elif slot == "S":
                word = rng.choice(lx.KO_SAY)
            elif slot == "F":
                word = rng.choice(lx.KO_FUTURE)
            elif slot == "T":
                word = rng.choice(lx.KO_TIMES)
            elif slot == "C":
                word = rng.choice(lx.COUNTRIES)[2]
            elif slot == "O":
                word = rng.choice(lx.ORGANIZATIONS)[2]
            elif slot == "W":
                word = rng.choice(w.towns)[1]
            else:
                raise ValueError(f"unknown slot {slot!r} in {template!r}")
            out.append(josa(word, particle) if particle else word)
        return "".join(out)


class World:
    """Everything fictional the stories draw from; deterministic for a seed."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"dateline-sample-world-{seed}")
        self.seed = seed
        terms = self._terms(rng)
        self.nouns = Zipf(_unique(lx.NOUNS) + terms)
        self.adjectives = Zipf(_unique(lx.ADJECTIVES), 0.8)
        self.verbs = Zipf(_unique(lx.VERBS_PAST), 0.8)
        self.ko_nouns = Zipf(_unique(lx.KO_NOUNS))
        self.towns = self._towns(rng)
        self.people = self._cast(rng)
        self.korean_people = tuple(p.id for p in self.people if p.name_ko)
        self.reporters_en = self._reporters(rng, 36)
        self.reporters_ko = tuple(self._korean_name(rng)[1] for _ in range(30))
        self.bystander_names_ko = tuple(self._korean_name(rng)[1] for _ in range(500))
        fill = _Filler(self, rng)
        self.sentences = tuple(fill.en(rng.choice(_EN_TEMPLATES)) for _ in range(_EN_SENTENCES))
        self.quotes = tuple(fill.en(rng.choice(_EN_QUOTE_TEMPLATES)) for _ in range(_EN_QUOTES))
        self.sentences_ko = tuple(fill.ko(rng.choice(_KO_TEMPLATES)) for _ in range(_KO_SENTENCES))
        self.quotes_ko = tuple(fill.ko(rng.choice(_KO_QUOTE_TEMPLATES)) for _ in range(_KO_QUOTES))
        self.threads = self._threads(rng, fill)
        # what a story draws from: whole paragraphs, anchor tails and quotes, with word counts
        self.paragraphs = self._paragraphs(rng, self.sentences, _EN_PARAGRAPHS, 3, 5)
        self.paragraphs_ko = self._paragraphs(rng, self.sentences_ko, _KO_PARAGRAPHS, 5, 8)
        self.anchor_tails = self._paragraphs(rng, self.sentences, 4000, 1, 2)
        self.anchor_tails_ko = self._paragraphs(rng, self.sentences_ko, 2000, 1, 2)
        self.quote_texts = tuple(" ".join(rng.choices(self.quotes, k=rng.randint(1, 2)))
                                 for _ in range(_EN_QUOTES))
        self.quote_texts_ko = tuple(" ".join(rng.choices(self.quotes_ko, k=rng.randint(1, 2)))
                                    for _ in range(_KO_QUOTES))
        self.intros = tuple(tuple(tuple(self._intro(rng, p, year, t) for t in _INTRO_TEMPLATES)
                                  for year in YEARS) for p in self.people)
        #: words per sentence for everything a story picks outside whole paragraphs
        self.word_counts: dict[str, int] = {
            s: s.count(" ") + 1
            for pool in (self.quotes, self.quotes_ko, self.quote_texts, self.quote_texts_ko,
                         *(t.sentences for t in self.threads),
                         *(t.sentences_ko for t in self.threads),
                         *(i for per_person in self.intros for i in per_person))
            for s in pool}
        self.active: dict[int, tuple[Thread, ...]] = {
            y: tuple(t for t in self.threads if t.first_year <= y <= t.last_year) for y in YEARS
        }

    @staticmethod
    def _paragraphs(rng: random.Random, pool: tuple[str, ...], n: int, low: int, high: int
                    ) -> tuple[tuple[tuple[str, ...], int], ...]:
        out = []
        for _ in range(n):
            para = tuple(rng.sample(pool, rng.randint(low, high)))  # no sentence twice
            out.append((para, sum(s.count(" ") + 1 for s in para)))
        return tuple(out)

    def _intro(self, rng: random.Random, person: Person, year: int, template: str) -> str:
        """A narration sentence naming a cast member, in the words of that year's title."""
        role = person.role(year)
        return template.format(
            role=role.short, long=role.long, name=person.name,
            verb=self.verbs.draw(rng, 1)[0], noun=self.nouns.draw(rng, 1)[0],
            time=rng.choice(lx.TIME_PHRASES))

    # -- vocabulary and names -------------------------------------------------------------------

    @staticmethod
    def _terms(rng: random.Random) -> list[str]:
        terms: dict[str, None] = {}
        while len(terms) < _GENERATED_TERMS:
            word = (rng.choice(lx.TERM_ONSETS) + rng.choice(lx.TERM_VOWELS)
                    + rng.choice(lx.TERM_CODAS) + rng.choice(lx.TERM_VOWELS)
                    + rng.choice(lx.TERM_CODAS) + rng.choice(lx.TERM_SUFFIXES))
            if len(word) >= 5:
                terms[word] = None
        return list(terms)

    @staticmethod
    def _korean_name(rng: random.Random) -> tuple[str, str]:
        (sur, sur_ko), (a, a_ko), (b, b_ko) = (rng.choice(lx.SURNAMES),
                                              *rng.sample(lx.GIVEN_SYLLABLES, 2))
        return f"{sur} {a.capitalize()}-{b}", f"{sur_ko}{a_ko}{b_ko}"

    @staticmethod
    def _foreign_name(rng: random.Random) -> str:
        return (f"{rng.choice(lx.FOREIGN_FIRST)} {rng.choice(lx.FOREIGN_SURNAME_HEADS)}"
                f"{rng.choice(lx.FOREIGN_SURNAME_TAILS)}")

    def _reporters(self, rng: random.Random, n: int) -> tuple[str, ...]:
        names = {self._korean_name(rng)[0] for _ in range(n)}
        return tuple(sorted(names))

    @staticmethod
    def _towns(rng: random.Random) -> tuple[tuple[str, str], ...]:
        towns: dict[str, str] = {}
        while len(towns) < 40:
            (a, a_ko), (b, b_ko) = rng.sample(lx.TOWN_SYLLABLES, 2)
            en_kind, ko_kind = rng.choice(lx.TOWN_KINDS)
            towns[f"{a.capitalize()}{b.lower()} {en_kind}"] = f"{a_ko}{b_ko}{ko_kind}"
        return tuple(towns.items())

    # -- cast -----------------------------------------------------------------------------------

    @staticmethod
    def _domestic_role(rng: random.Random) -> Role:
        full, short, ko, kind = rng.choice(lx.ORGANIZATIONS)
        title, title_ko = rng.choice(lx.TITLES[kind])
        return Role(title, full, f"{short} {title}", f"{title}, {full}", f"{ko} {title_ko}")

    @staticmethod
    def _foreign_role(rng: random.Random, country: tuple[str, str, str]) -> Role:
        title, title_ko = rng.choice(lx.FOREIGN_TITLES)
        short, formal, ko = country
        return Role(title, formal, f"{short} {title}", f"{title}, {formal}", f"{ko} {title_ko}")

    def _cast(self, rng: random.Random) -> tuple[Person, ...]:
        people: list[Person] = []
        seen: set[str] = set()
        while len(people) < _KOREAN_CAST + _FOREIGN_CAST:
            foreign = len(people) >= _KOREAN_CAST
            if foreign:
                name, name_ko = self._foreign_name(rng), None
                country = rng.choice(lx.COUNTRIES)
            else:
                name, name_ko = self._korean_name(rng)
            if name in seen:
                continue
            seen.add(name)
            # a career: 1-4 posts, each starting in a random year; every year has a role
            changes = sorted(rng.sample(range(FIRST_YEAR + 1, LAST_YEAR + 1), rng.randint(0, 3)))
            roles: list[Role] = []
            role = self._foreign_role(rng, country) if foreign else self._domestic_role(rng)
            for year in YEARS:
                if changes and year == changes[0]:
                    changes.pop(0)
                    role = (self._foreign_role(rng, country) if foreign
                            else self._domestic_role(rng))
                roles.append(role)
            people.append(Person(len(people), name, name_ko, tuple(roles)))
        return tuple(people)

    # -- threads --------------------------------------------------------------------------------

    def _threads(self, rng: random.Random, fill: _Filler) -> tuple[Thread, ...]:
        threads: list[Thread] = []
        heads: set[str] = set()
        while len(threads) < _THREADS:
            en, ko, needs_country = rng.choice(_TOPICS)
            if needs_country:
                short, _formal, country_ko = rng.choice(lx.COUNTRIES)
                head, head_ko = en.format(C=short), ko.format(C=country_ko)
                place, place_ko = short, country_ko
            else:
                town, town_ko = rng.choice(self.towns)
                head, head_ko = en.format(W=town), ko.format(W=town_ko)
                place, place_ko = town, town_ko
            if head in heads:
                continue
            heads.add(head)
            if len(threads) < 6:  # a few affairs run through the whole period
                first, last = FIRST_YEAR, LAST_YEAR
            else:
                first = rng.randint(FIRST_YEAR, LAST_YEAR)
                last = min(LAST_YEAR, first + rng.randint(0, 7))
            cast = tuple(rng.sample(range(len(self.people)), rng.randint(5, 9)))
            korean = tuple(p for p in cast if self.people[p].name_ko) or (
                rng.choice(self.korean_people),)
            topic = head[0].lower() + head[1:] if head.startswith("Sanctions") else head
            year = str(first)
            # anchor and report sentences from different templates: within one story they
            # never open with the same words
            en_anchor, en_body = (
                tuple(fill.en(rng.choice(templates), topic=topic, place=place, year=year)
                      for _ in range(6))
                for templates in (_THREAD_TEMPLATES[:3], _THREAD_TEMPLATES[3:]))
            ko_anchor, ko_body = (
                tuple(fill.ko(rng.choice(templates), topic=head_ko, place=place_ko, year=year)
                      for _ in range(4))
                for templates in (_THREAD_TEMPLATES_KO[:2], _THREAD_TEMPLATES_KO[2:]))
            threads.append(Thread(f"t{len(threads):03d}", head, head_ko, first, last, cast,
                                  korean, en_anchor, en_body, ko_anchor, ko_body))
        return tuple(threads)


EVENTS = _EVENTS


@lru_cache(maxsize=4)
def world(seed: int) -> World:
    """The world for a seed (cached: building it takes a fraction of a second)."""
    return World(seed)
