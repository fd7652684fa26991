"""A trained reading of Korean names: a linear-chain CRF over the pieces of a Korean text, with
what the rules found as its strongest features.

The rules of :mod:`dateline.enrich.korean` type the proper nouns Kiwi tags, and find bodies,
areas, forces and districts by how they are written.  On articles nobody wrote rules from they
stopped gaining (the eleventh batch of ``tests/data/entities_fresh.jsonl``); what they miss is
where one cue says *person* and another *place*, or a name runs on over two words.
The CRF reads the same text cut into pieces (Hangul, Latin and digit runs, cut again where a
proper noun or a rule's mention starts or ends, and before a trailing particle) and labels each
piece ``B-``/``I-`` person, org or place, or ``O``.  Its features are the piece, its last
syllables, the spaces around it, the gazetteers, the rules' type for the piece
(:func:`~dateline.enrich.korean.kind_of`) and the rules' own labels, for the piece and two on
either side; so it learns when to trust the rules and when to overrule them.  Only the names
it reads with Hangul, on one line, are kept; names in other scripts stay the rules'
(:mod:`dateline.enrich.entities`).

The model is trained by ``benchmarks/train_korean_entities.py`` from the annotated gold of
``tests/data/entities_fresh.jsonl`` (the texts stay in ``../shared``; a word enters the model
only when at least two articles have it) and shipped as ``data/korean_entities.crfsuite``.
Without python-crfsuite or the model file, :func:`read` answers ``None`` and the rules' mentions
stand.
"""

from __future__ import annotations

import functools
import re
import threading
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any

from dateline.enrich import gazetteer
from dateline.enrich import korean as ko
from dateline.enrich.facts import MentionFact
from dateline.enrich.known import KOREAN_BODIES, KOREAN_PERSONS, words
from dateline.enrich.names import PLACE_ALIASES
from dateline.transcript.text import has_hangul

__all__ = ["MODEL", "available", "features", "pieces", "read", "sequence", "spans_of", "tags_of",
           "reset", "use"]

MODEL = Path(__file__).with_name("data") / "korean_entities.crfsuite"
KINDS = ("person", "org", "place")

#: Particles and endings cut from the end of a Hangul run, longest first, so that a name ends
#: where a piece does (``윤석열은`` → ``윤석열`` + ``은``); a cut inside a word (``회의`` → ``회`` +
#: ``의``) only gives the model two pieces to label alike.
_PARTICLES = words(
    "은 는 이 가 을 를 의 에 에서 에게 와 과 도 로 으로 까지 부터 만 에서는 에서도 에는 에도 "
    "으로는 로는 와의 과의 이다 이며 께서 한테 처럼 보다 에서의 에게서 이라고 라고 으로서 로서 "
    "인 이나 나 과는 와는 씨 측")
_LONGEST = max(map(len, _PARTICLES))
_RUN = re.compile(r"[\uac00-\ud7a3]+|[A-Za-z]+|[0-9]+|\S")
_HANGUL = re.compile(r"[\uac00-\ud7a3]*")

_local = threading.local()
_lock = threading.Lock()
#: the model's bytes (``None``: no model) and a count of changes, which drops the threads' taggers
_model: list[Any] = [None, 0]
_loaded = False


def available() -> bool:
    return _tagger() is not None


def use(data: bytes | None) -> None:
    """Read with another trained model from now on (``None``: no model, the rules alone)."""
    global _loaded
    with _lock:
        _model[0], _model[1] = data, _model[1] + 1
        _loaded = True


def reset() -> None:
    """Read with the shipped model again (after :func:`use`)."""
    global _loaded
    with _lock:
        _model[0], _model[1] = None, _model[1] + 1
        _loaded = False


def _load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        try:
            import pycrfsuite  # noqa: F401
        except ImportError:
            data = None
        else:
            data = MODEL.read_bytes() if MODEL.exists() else None
        _model[0], _loaded = data, True


def _tagger() -> Any:
    """The model's tagger for this thread (a crfsuite tagger is not shared between threads)."""
    if not _loaded:
        _load()
    data, generation = _model
    if data is None:
        return None
    if getattr(_local, "generation", None) != generation:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(data)
        _local.tagger, _local.generation = tagger, generation
    return _local.tagger


def pieces(text: str, start: int, end: int, cuts: set[int]) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into pieces: runs of Hangul, of Latin letters and of digits, and
    other characters one by one; a run is cut again at ``cuts`` and before a trailing
    particle."""
    out: list[tuple[int, int]] = []
    ordered = sorted(cuts)
    for m in _RUN.finditer(text, start, end):
        a, b = m.span()
        points = [a, *ordered[bisect_right(ordered, a):bisect_left(ordered, b)], b]
        if "\uac00" <= text[a] <= "\ud7a3" and (n := _particle_end(text[points[-2]:b])):
            points.insert(-1, b - n)
        out.extend(zip(points, points[1:], strict=False))
    return out


def _particle_end(word: str, whole: bool = False) -> int:
    """The length of the longest particle that ends ``word`` (0 for none); the whole word only
    when ``whole``."""
    for n in range(min(_LONGEST, len(word) - (not whole)), 0, -1):
        if word[-n:] in _PARTICLES:
            return n
    return 0


def tags_of(cut: list[tuple[int, int]], spans: list[tuple[str, int, int]]) -> list[str]:
    """``B-kind``/``I-kind``/``O`` of each piece by the (kind, start, end) ``spans`` that hold it;
    the longest span first where two overlap."""
    tags = ["O"] * len(cut)
    starts = [a for a, _ in cut]
    for kind, a, b in sorted(spans, key=lambda s: s[1] - s[2]):
        first = True
        for i in range(bisect_left(starts, a), len(cut)):
            x, y = cut[i]
            if x >= b:
                break
            if y <= b and tags[i] == "O":
                tags[i] = ("B-" if first else "I-") + kind
                first = False
    return tags


def features(text: str, cut: list[tuple[int, int]], rules: list[str],
             nouns: list[str]) -> list[list[str]]:
    """The features of each piece (names of features whose value is 1): its own and those of
    two pieces on either side.  The names that depend on a piece's form or label alone are
    made once per form and label (:func:`_own`, :func:`_seen`, :data:`_NAMES`), not once for
    each piece that shows them."""
    forms = [text[a:b] for a, b in cut]
    size = len(text)
    names = _NAMES
    seen = [_seen(form) for form in forms]
    around = [(names["rule", r], names["nnp", n], names["-2", r, n], names["-1", r, n],
               names["1", r, n], names["2", r, n]) for r, n in zip(rules, nouns, strict=True)]
    last = len(cut) - 1
    out = []
    for i, (a, b) in enumerate(cut):
        form = forms[i]
        head, tail = _own(form)
        rule, nnp = around[i][0], around[i][1]
        f = ["bias", *head, rule, nnp,
             _SPACE_BEFORE[a > 0 and text[a - 1].isspace()],
             _SPACE_AFTER[b < size and text[b].isspace()],
             _GLUED[i > 0 and cut[i - 1][1] == a],
             names["pair", rules[i], rules[i - 1] if i else "^"], *tail]
        if tail[0] == "type=hangul":  # the rules' type reads the words around a Hangul piece
            typed = ko.kind_of(form, text, a, b)
            if typed:
                f.append(f"kind_of={typed}")
        for k, d in enumerate(_SIDES):
            j = i + d
            if 0 <= j <= last:
                u, lastc = seen[j][k]
                f += (u, *around[j][2 + k], lastc)
            else:
                f.append(_NONE[k])
        out.append(f)
    return out


#: the offsets of the neighbours whose features a piece carries
_SIDES = (-2, -1, 1, 2)
_NONE = tuple(f"{d}:none" for d in _SIDES)
_SPACE_BEFORE = ("sp_before=0", "sp_before=1")
_SPACE_AFTER = ("sp_after=0", "sp_after=1")
_GLUED = ("glued_before=0", "glued_before=1")


class _Names(dict[tuple[str, ...], Any]):
    """Feature names by label, made at first need: ``["rule", r]`` → ``rule=r``, ``["pair", r,
    p]`` → ``rule=r|-1:rule=p``, ``["-2", r, n]`` → (``-2:rule=r``, ``-2:nnp=n``)."""

    def __missing__(self, key: tuple[str, ...]) -> Any:
        what, *values = key
        if what in ("rule", "nnp"):
            name: Any = f"{what}={values[0]}"
        elif what == "pair":
            name = f"rule={values[0]}|-1:rule={values[1]}"
        else:
            name = (f"{what}:rule={values[0]}", f"{what}:nnp={values[1]}")
        self[key] = name
        return name


_NAMES = _Names()


@functools.lru_cache(maxsize=16384)
def _seen(form: str) -> tuple[tuple[str, str], ...]:
    """How a piece's neighbours name its form: (``d:u=form``, ``d:last=…``) for each of
    :data:`_SIDES`."""
    return tuple((f"{d}:u={form}", f"{d}:last={form[-1]}") for d in _SIDES)


@functools.lru_cache(maxsize=16384)
def _own(form: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The features of a piece that depend on its form alone (before and after those of its
    place in the text); pieces recur, so each form is read once."""
    first = form[0]
    kind = ("hangul" if "\uac00" <= first <= "\ud7a3" else "latin" if first.isalpha()
            else "digit" if first.isdigit() else "punct")
    head = (f"u={form}", f"last={form[-1]}", f"first={first}", f"len={min(len(form), 6)}")
    tail = [f"type={kind}"]
    if len(form) >= 2:
        tail.append(f"last2={form[-2:]}")
    if gazetteer.is_korean_place(form):
        tail.append("gaz_place")
    if form in KOREAN_PERSONS:
        tail.append("gaz_person")
    if form in KOREAN_BODIES:
        tail.append("gaz_body")
    if form in PLACE_ALIASES:
        tail.append("alias_place")
    if ko.person_form(form):  # the rules' own test of a name's form
        tail.append("person_form")
    if kind != "hangul":  # without Hangul, the rules' type reads the piece alone
        typed = ko.kind_of(form)
        if typed:
            tail.append(f"kind_of={typed}")
    return head, tuple(tail)


def sequence(text: str, start: int, end: int, mentions: list[MentionFact],
             nouns: list[tuple[str, int, int]]) -> tuple[list[tuple[int, int]], list[list[str]]]:
    """The pieces of ``text[start:end]`` and their features, given the rules' ``mentions`` and
    Kiwi's proper ``nouns`` in it (both with offsets in ``text``; the caller picks those of the
    span, which a long page's many segments make worth doing once, by bisection)."""
    inside = [m for m in mentions if start <= m.start and m.end <= end and m.end > m.start]
    held = [(f, a, b) for f, a, b in nouns if start <= a and b <= end]
    cuts = {x for m in inside for x in (m.start, m.end)} | {x for _, a, b in held for x in (a, b)}
    cut = pieces(text, start, end, cuts)
    rules = tags_of(cut, [(m.kind, m.start, m.end) for m in inside])
    noun_tags = [t[:1] for t in tags_of(cut, [("n", a, b) for _, a, b in held])]
    return cut, features(text, cut, rules, noun_tags)


def spans_of(cut: list[tuple[int, int]], tags: list[str]) -> list[tuple[str, int, int]]:
    """(kind, start, end) of the names a sequence of labels marks; an ``I-`` after a label of
    another kind starts a name of its own."""
    out: list[tuple[str, int, int]] = []
    current: list[Any] | None = None
    for (a, b), tag in zip(cut, tags, strict=True):
        kind = tag[2:]
        if tag == "O" or kind not in KINDS:
            current = None
        elif tag.startswith("I-") and current is not None and current[0] == kind:
            current[2] = b
        else:
            current = [kind, a, b]
            out.append(current)  # type: ignore[arg-type]
    return [(k, a, b) for k, a, b in out]


def read(text: str, start: int, end: int, mentions: list[MentionFact],
         nouns: list[tuple[str, int, int]]) -> list[tuple[str, int, int]] | None:
    """(kind, start, end) of the people, organisations and places in ``text[start:end]`` as the
    model reads them; ``None`` when no model is loaded (the rules' ``mentions`` then stand).

    Only names with Hangul that keep to one line: the model learnt Korean names, and labelled
    whole English and Russian sentences quoted in Korean articles; names in other scripts are
    left to the rules (acronyms such as ``KBS``)."""
    tagger = _tagger()
    if tagger is None:
        return None
    cut, feats = sequence(text, start, end, mentions, nouns)
    if not cut:
        return []
    found = _Found([(m.start, m.end) for m in mentions if start <= m.start and m.end <= end]
                   + [(a, b) for _, a, b in nouns if start <= a and b <= end])
    tags = tagger.tag(feats)
    first = {a: i for i, (a, _b) in enumerate(cut)}
    out = []
    for kind, a, b in spans_of(cut, tags):
        if ("\n" in text[a:b] or not has_hangul(text[a:b])
                or not (found.meets(a, b) or tagger.marginal(tags[first[a]], first[a]) >= ALONE)
                or ko.never_a_name(text[a:b].split()[0])):
            continue
        typed = _typed(kind, text, a, b)
        if typed == "person" and (span := _person_span(text, a, b)) != (a, b):
            a, b = span
            typed = _typed(typed, text, a, b)
        if typed:
            out.append((typed, a, b))
    return [(kind, a, b) for kind, a, b in _whole_foreign_names(text, out, nouns)
            if kind != "person" or not _unbacked(text, a, b)]


def _whole_foreign_names(text: str, found: list[tuple[str, int, int]],
                         nouns: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The people of ``found`` read as one word of a foreign name of two, with the other word:
    a proper noun Kiwi tagged beside it that nothing types (:func:`_other_half`)."""
    starts = {a: (a, b) for _, a, b in nouns}
    ends = {b: (a, b) for _, a, b in nouns}
    others = _Found([(a, b) for kind, a, b in found if kind != "person"])
    out = [(kind, *_other_half(text, a, b, starts, ends, others))
           if kind == "person" and " " not in text[a:b] else (kind, a, b)
           for kind, a, b in found]
    if out == found:
        return found
    spans = {(a, b) for _, a, b in out}  # "기시다" and "후미오", both read: the whole name once
    return list(dict.fromkeys(
        (kind, a, b) for kind, a, b in out
        if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in spans)))


def _other_half(text: str, start: int, end: int, starts: dict[int, tuple[int, int]],
                ends: dict[int, tuple[int, int]], others: _Found) -> tuple[int, int]:
    """The name at ``text[start:end]`` with the other half of a foreign name, when Kiwi tagged
    it (``starts`` / ``ends``: the proper nouns by their first and last offsets) and read it
    as no other kind of name (``others``):

    - a family name after it: a word of two or three syllables, maybe with a particle, that
      the rules type as nothing (``하마둔`` + ``뚜레``, ``기시다`` + ``후미오``);
    - a given name before a name of no Korean form: a word of its own that names no body and
      no place the gazetteers know, and no Korean (``스리니바산`` + ``찬드라세가란``; not
      ``두잇서베이 최종기``)."""
    after = starts.get(end + 1) if text[end:end + 1] == " " else None
    if after and not others.meets(*after):
        a, b = after
        word = text[a:b]
        glued = _HANGUL.match(text, b)  # what the word holds after the name: a particle
        rest = glued.group() if glued else ""
        if (2 <= len(word) <= 3 and len(rest) == _particle_end(rest, whole=True)
                and ko.kind_of(word, text, a, b) is None and not ko.person_form(word)
                and not ko.ends_with_title(word)):
            end = b
    before = ends.get(start - 1) if text[start - 1:start] == " " else None
    if before and not others.meets(*before) and not ko.person_form(text[start:end]):
        a, b = before
        word = text[a:b]
        if (len(word) >= 2 and not (a and "\uac00" <= text[a - 1] <= "\ud7a3")
                and ko.kind_of(word, text, a, b) != "org" and not ko.describes(word)
                and not ko.ends_with_title(word) and not ko.person_form(word)
                and not gazetteer.is_korean_place(word) and word not in PLACE_ALIASES):
            start = a
    return start, end


#: What may follow a name in the same word without being part of it (``김용씨``, ``김용측``)
_AFTER_NAME = frozenset("씨측님군양옹가형등들께")


def _person_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A person's name as the model read it, mended:

    - the words after it that say who the person is are not part of it (``곽상도 자유한국당``,
      ``크리스티아나 피게레즈 UNFCCC``: :func:`~dateline.enrich.korean.describes`), nor the
      words up to a title before it (``스키 선수 비아노 리차드슨``);
    - a name of three syllables read with its particle loses it (``엄태웅은``, ``안창림이``);
    - a last word of two syllables the analyser cut off before the end of its word gets its
      last syllable back (``김용`` + ``덕``, ``데보라 허스`` + ``만은``)."""
    words = text[start:end].split(" ")
    while len(words) > 1 and ko.describes(words[-1]):
        words.pop()
        end = start + len(" ".join(words))
    titled = [i for i, word in enumerate(words[:-1]) if ko.ends_with_title(word)]
    if titled:
        start += len(" ".join(words[:titled[-1] + 1])) + 1
        del words[:titled[-1] + 1]
    last = words[-1]
    glued = "\uac00" <= text[end:end + 1] <= "\ud7a3"
    if not glued and len(last) == 4 and last[-1] in "은는이가을를의와과도" and ko.person_form(
            last[:3]):
        return start, end - 1
    if glued and len(last) == 2:
        run = _RUN.match(text, end)
        rest = run.group() if run else ""
        rest = rest[:len(rest) - _particle_end(rest, whole=True)]
        if len(rest) == 1 and rest not in _AFTER_NAME:
            end += 1
    return start, end


def _typed(kind: str, text: str, start: int, end: int) -> str | None:
    """The model's kind as the rules would correct it, None for no name: a surname before
    ``씨`` or ``군`` and a word ending as a common noun of a quantity are nobody (``김모씨``,
    ``박 군``, ``마찰력``); a person of one syllable is a surname, or a country written short
    (``미``); a name ending with a head only bodies and sites take is never a person
    (``김책제철소``, read as a person where a steelworks is meant), nor is a place or a body the
    gazetteers know with no title next to it (``전라북도``, ``정의당``); a name an office follows
    is no place (``오노데라 이쓰노리 방위상``), unless it is a country's."""
    form = text[start:end]
    if kind == "person":
        if ko.anonymous(form, text, end) or ko.noun_like(form):
            return None
        if len(form) == 1:
            return ko.syllable_kind(form)
        return ko.head_kind(form) or ko.known_kind(form, text, start, end) or kind
    return "person" if kind == "place" and ko.holds_office(form, text, end) else kind


def _unbacked(text: str, start: int, end: int) -> bool:
    """The person the model reads at ``text[start:end]`` is one word of no Korean name's form
    that the rules, reading the words around it, take for no name: the model alone was wrong
    there more often than right (``지니계수``, ``코스피``, ``유플러스``, ``팔색조``; lost:
    ``웬디``, ``윌리엄``, ``고종``)."""
    form = text[start:end]
    return (" " not in form and not ko.person_form(form)
            and not (len(form) == 2 and ko.syllable_kind(form[0]) == "person")
            and ko.kind_of(form, text, start, end) is None)


#: The model's least probability (of its first label) for a name that meets nothing the rules
#: or Kiwi found (leave-one-batch-out, organisations F1: 0.772 with no condition, 0.773 with
#: such names dropped, 0.775 / 0.776 / 0.775 at 0.8 / 0.9 / 0.97)
ALONE = 0.9


class _Found:
    """The spans the rules or Kiwi found: a name the model reads must meet one of them, or be
    one it is sure of (:data:`ALONE`).  Alone, the model also typed common words of a register
    it had not learnt (North Korean addresses: ``선군정치 승리`` "victory of Songun politics" as
    a person)."""

    def __init__(self, spans: list[tuple[int, int]]):
        spans.sort()
        self._starts = [a for a, _ in spans]
        self._reach: list[int] = []  # the furthest end among the spans up to each one
        for _, b in spans:
            self._reach.append(max(b, self._reach[-1]) if self._reach else b)

    def meets(self, start: int, end: int) -> bool:
        """A found span overlaps ``[start, end)``."""
        i = bisect_left(self._starts, end)
        return i > 0 and self._reach[i - 1] > start
