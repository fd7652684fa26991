"""What semantic and hybrid search make of a query, and how they merge two rankings.

A query in semantic or hybrid mode is natural language plus, optionally, the filters of the
query language: its field clauses (``lang:ko``, ``programme:"News 9"``, ``person:Pompeo``),
its date ranges and its ``-exclusions`` (see :func:`split_query`).  The words are what the
model embeds and what the keyword leg of hybrid search ranks by BM25, over any of them
(:func:`any_words`); the filters restrict both legs, so they mean what they mean in keyword
mode.  Rankings are merged by reciprocal-rank fusion (:func:`fuse`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dateline.search.query import And, Node, Not, Or, Phrase, Query, Term

__all__ = ["MODES", "RRF_K", "SplitQuery", "any_words", "fuse", "split_query"]

#: search modes of Archive.search, the CLI, the JSON API and the web UI
MODES: tuple[str, ...] = ("keyword", "semantic", "hybrid")
#: the constant of reciprocal-rank fusion: 10 fused our judged sets better than the usual 60
#: (Reuters topics nDCG@10 0.684 against 0.634; cross-lingual top 10 0.63-0.70 against
#: 0.25-0.44), and better than weighted variants or a convex combination of scores
#: (docs/quality.md, benchmarks/semantic_quality.py)
RRF_K = 10


@dataclass(frozen=True, slots=True)
class SplitQuery:
    """``words``: the free text of a query (leaves in order); ``filters``: the clauses that
    restrict it (``None``: none)."""

    words: tuple[Term | Phrase, ...]
    filters: Node | None

    @property
    def text(self) -> str:
        """The words as one string, for the embedding model."""
        return " ".join(w.text for w in self.words)


def _is_words(node: Node) -> bool:
    """A clause made of unfielded words and phrases only (``OR`` between them allowed)."""
    if isinstance(node, Term | Phrase):
        return node.field is None
    if isinstance(node, Or | And):
        return all(_is_words(i) for i in node.items)
    return False


def _leaves(node: Node) -> list[Term | Phrase]:
    if isinstance(node, Term | Phrase):
        return [node]
    if isinstance(node, Or | And):
        return [leaf for item in node.items for leaf in _leaves(item)]
    return []


def split_query(query: Query) -> SplitQuery:
    """Separate a query's free words from its filters (top-level clauses with a field, a date
    range, a negation, or anything else than plain words)."""
    items = query.root.items if isinstance(query.root, And) else (query.root,)
    words: list[Term | Phrase] = []
    filters: list[Node] = []
    for item in items:
        if _is_words(item):
            words.extend(_leaves(item))
        else:
            filters.append(item)
    if not filters:
        flt: Node | None = None
    elif len(filters) == 1:
        flt = filters[0]
    else:
        flt = And(tuple(filters))
    return SplitQuery(tuple(dict.fromkeys(words)), flt)


def any_words(split: SplitQuery) -> Query | None:
    """The keyword leg of hybrid search: stories holding any of the words (BM25 ranks those
    holding more, and rarer, words higher), within the filters.  ``None``: no words."""
    if not split.words:
        return None
    words: Node = split.words[0] if len(split.words) == 1 else Or(tuple(split.words))
    root = words if split.filters is None else And((split.filters, words))
    return Query(root, "")


def filters_query(split: SplitQuery) -> Query | None:
    """The filters alone, as a query an engine can run (``None``: no filter)."""
    if split.filters is None:
        return None
    root = split.filters
    if isinstance(root, Not):  # a lone exclusion: everything but it
        root = And((root,))
    return Query(root, "")


def fuse(rankings: Sequence[Sequence[str]], *, k: int = RRF_K,
         weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion: each id scores ``sum(weight / (k + rank))`` over the rankings
    that hold it (rank 1 first); best first, ties by first appearance."""
    scores: dict[str, float] = {}
    for n, ranking in enumerate(rankings):
        w = 1.0 if weights is None else weights[n]
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])

