"""From query AST to a search plan both engines execute the same way.

The plan settles, once for every engine, which index fields a word or phrase searches and how its
text is analysed.  Engines only supply the analysers (tantivy's own, or the pure-Python ones in
:mod:`dateline.search.memory`) and turn plan nodes into their native queries.

Index fields (the same names in every engine)::

    title       English, stemmed            title_ko   Korean morphemes of the title
    text        English, stemmed            text_ko    Korean morphemes of title + text
    text_exact  lowercased, not stemmed     quotes     English, stemmed
    speakers persons orgs places program reporter       names: lowercased words
    language    the language code, lowercased

Routing (a word with Hangul goes to the Korean fields, any other word to the English ones)::

    query field   word                     phrase                         Korean word/phrase
    (none)        title×2, text            title×2 (stemmed), text_exact  title_ko×2, text_ko
    title:        title                    title                          title_ko
    text:         text                     text_exact                     text_ko
    quote:        quotes                   quotes                         quotes (names)
    speaker: …    speakers … (names)       same                           same
    lang:         language (exact code)    same                           same
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from dateline.search import korean
from dateline.search.query import And, DateRange, Node, Not, Or, Phrase, Term, iter_leaves

__all__ = [
    "AnyOf",
    "Analyzer",
    "any_words",
    "word_leaf",
    "Match",
    "PAnd",
    "PNot",
    "POr",
    "PlanNode",
    "build_plan",
    "highlight_terms",
    "normalize_language",
]

#: analyser name → (text → tokens); engines supply "en", "exact" and "names"; "ko" and "lang"
#: are shared and filled in by :func:`build_plan`.
Analyzer = Callable[[str, str], list[str]]

TITLE_BOOST = 2.0

_EN_ROUTES: dict[str | None, tuple[tuple[str, str, float], ...]] = {
    None: (("title", "en", TITLE_BOOST), ("text", "en", 1.0)),
    "title": (("title", "en", 1.0),),
    "text": (("text", "en", 1.0),),
    "quote": (("quotes", "en", 1.0),),
}
_PHRASE_ROUTES: dict[str | None, tuple[tuple[str, str, float], ...]] = {
    None: (("title", "en", TITLE_BOOST), ("text_exact", "exact", 1.0)),
    "title": (("title", "en", 1.0),),
    "text": (("text_exact", "exact", 1.0),),
    "quote": (("quotes", "en", 1.0),),
}
_KO_ROUTES: dict[str | None, tuple[tuple[str, str, float], ...]] = {
    None: (("title_ko", "ko", TITLE_BOOST), ("text_ko", "ko", 1.0)),
    "title": (("title_ko", "ko", 1.0),),
    "text": (("text_ko", "ko", 1.0),),
    "quote": (("quotes", "names", 1.0),),
}
_NAME_FIELDS = {
    "speaker": "speakers",
    "person": "persons",
    "org": "orgs",
    "place": "places",
    "program": "program",
    "reporter": "reporter",
}
_LANGUAGE_NAMES = {
    "english": "en",
    "eng": "en",
    "korean": "ko",
    "kor": "ko",
    "kr": "ko",
    "한국어": "ko",
    "영어": "en",
}


def normalize_language(value: str | None) -> str | None:
    """Language codes as indexed and queried: lowercased, common names mapped to ISO 639-1."""
    if value is None:
        return None
    v = value.strip().lower()
    return _LANGUAGE_NAMES.get(v, v) or None


@dataclass(frozen=True, slots=True)
class Match:
    """``tokens`` in index field ``field``: a term when one token, else a phrase."""

    field: str
    tokens: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class AnyOf:
    """A query leaf: matches when any of its field matches does (scores add up)."""

    matches: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class PAnd:
    must: tuple[PlanNode, ...]
    must_not: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class POr:
    should: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class PNot:
    """Every document except those matching ``item``."""

    item: PlanNode


PlanNode = AnyOf | DateRange | PAnd | POr | PNot


def _analyze(analyzer: Analyzer, name: str, text: str) -> list[str]:
    if name == "ko":
        return korean.terms(text)
    if name == "lang":
        v = normalize_language(text)
        return [v] if v else []
    return analyzer(name, text)


def _routes(node: Term | Phrase) -> tuple[tuple[str, str, float], ...]:
    if node.field == "lang":
        return (("language", "lang", 1.0),)
    if node.field in _NAME_FIELDS:
        return ((_NAME_FIELDS[node.field], "names", 1.0),)
    if korean.has_hangul(node.text):
        return _KO_ROUTES[node.field]
    if isinstance(node, Phrase):
        return _PHRASE_ROUTES[node.field]
    return _EN_ROUTES[node.field]


def _leaf(node: Term | Phrase, analyzer: Analyzer, warnings: list[str],
          in_context: dict[int, list[str]]) -> AnyOf | None:
    matches = []
    if in_context.get(id(node)) == []:
        return None  # a particle or ending in context (대 in 바이든 대 트럼프): not required
    for field, name, boost in _routes(node):
        tokens = tuple(_analyze(analyzer, name, node.text))
        if tokens:
            matches.append(Match(field, tokens, boost))
        context = tuple(in_context.get(id(node), ())) if name == "ko" else ()
        if context and context != tokens:
            matches.append(Match(field, context, boost))
    if not matches:
        warnings.append(f"{node.text!r} has no searchable words and was ignored")
        return None
    return AnyOf(tuple(matches))


def _korean_in_context(root: Node) -> dict[int, list[str]]:
    """Korean words analysed together, as they were when the story was indexed.

    Kiwi reads a word differently alone and in a sentence (예수상 alone is 수상, in a title
    예수 + 상), so each Korean word of the query is searched both ways.  Keys are ``id(node)``.
    """
    leaves = [leaf for leaf, _ in iter_leaves(root)
              if isinstance(leaf, Term | Phrase) and leaf.field in (None, "text", "title")
              and korean.has_hangul(leaf.text)]
    if len(leaves) < 2:
        return {}
    spans, parts, pos = [], [], 0
    for leaf in leaves:
        spans.append((pos, pos + len(leaf.text)))
        parts.append(leaf.text)
        pos += len(leaf.text) + 1
    out: dict[int, list[str]] = {id(leaf): [] for leaf in leaves}
    for tok in korean.analyze(" ".join(parts)):
        for leaf, (start, end) in zip(leaves, spans, strict=True):
            if start <= tok.start < end:
                out[id(leaf)].append(tok.form)
                break
    return out


def build_plan(root: Node, analyzer: Analyzer) -> tuple[PlanNode | None, list[str]]:
    """The plan for ``root`` (``None`` when nothing in it is searchable) and warnings."""
    warnings: list[str] = []
    in_context = _korean_in_context(root)

    def walk(node: Node) -> PlanNode | None:
        if isinstance(node, Term | Phrase):
            return _leaf(node, analyzer, warnings, in_context)
        if isinstance(node, DateRange):
            return node
        if isinstance(node, Not):
            inner = walk(node.item)
            return PNot(inner) if inner is not None else None
        if isinstance(node, Or):
            should = tuple(p for p in map(walk, node.items) if p is not None)
            if not should:
                return None
            return should[0] if len(should) == 1 else POr(should)
        if isinstance(node, And):
            must: list[PlanNode] = []
            must_not: list[PlanNode] = []
            for item in node.items:
                p = walk(item)
                if isinstance(p, PNot):
                    must_not.append(p.item)
                elif p is not None:
                    must.append(p)
            if not must and not must_not:
                return None
            if len(must) == 1 and not must_not:
                return must[0]
            return PAnd(tuple(must), tuple(must_not))
        raise TypeError(f"not a query node: {node!r}")

    return walk(root), warnings


def any_words(words: Iterable[str], analyzer: Analyzer) -> PlanNode | None:
    """The plan of an unfielded ``OR`` of ``words`` that are index terms already (the thread
    pass's words): routed like query words, but a Korean word is a morpheme of the index's own
    analysis, taken as it is, so no query needs the Korean model."""
    leaves = [leaf for word in words if (leaf := word_leaf(word, analyzer)) is not None]
    if not leaves:
        return None
    return leaves[0] if len(leaves) == 1 else POr(tuple(leaves))


def word_leaf(word: str, analyzer: Analyzer) -> AnyOf | None:
    """One word of :func:`any_words`."""
    routes = _KO_ROUTES[None] if korean.has_hangul(word) else _EN_ROUTES[None]
    matches = []
    for field, name, boost in routes:
        tokens = (word.lower(),) if name == "ko" else tuple(analyzer(name, word))
        if tokens:
            matches.append(Match(field, tokens, boost))
    return AnyOf(tuple(matches)) if matches else None


def with_dates(plan: PlanNode | None, date_from: date | None, date_to: date | None
               ) -> PlanNode | None:
    """``plan`` restricted to stories dated ``date_from``..``date_to`` (inclusive)."""
    if date_from is None and date_to is None:
        return plan
    rng = DateRange(date_from, date_to)
    if plan is None:
        return rng
    if isinstance(plan, PAnd):
        return PAnd((*plan.must, rng), plan.must_not)
    if isinstance(plan, PNot):
        return PAnd((rng,), (plan.item,))
    return PAnd((plan, rng), ())


@dataclass(frozen=True, slots=True)
class Highlights:
    """What snippets should mark: English stems (of the ``text`` field) and Korean forms."""

    stems: frozenset[str]
    korean: frozenset[str]


def highlight_terms(root: Node, analyzer: Analyzer) -> Highlights:
    """The words of every positive, text-searching leaf of the query."""
    stems: set[str] = set()
    ko: set[str] = set()
    for leaf, negated in iter_leaves(root):
        if negated or not isinstance(leaf, Term | Phrase):
            continue
        if leaf.field not in (None, "text", "title", "quote"):
            continue
        if korean.has_hangul(leaf.text):
            ko.update(t for t in korean.terms(leaf.text) if korean.has_hangul(t))
            stems.update(t for t in analyzer("en", leaf.text) if not korean.has_hangul(t))
        else:
            stems.update(analyzer("en", leaf.text))
    return Highlights(frozenset(stems), frozenset(ko))
