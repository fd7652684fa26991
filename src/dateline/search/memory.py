"""An in-memory engine in pure Python: the test double of the engine contract.

It executes the same plan as every other engine (:mod:`dateline.search.plan`) by scanning its
documents, so it is only meant for tests and tiny archives.  English analysis here is a light
plural stemmer rather than Snowball; queries relying on deeper stemming (running → run) may differ
from tantivy.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar

from dateline.search import korean
from dateline.search import snippets as snip
from dateline.search.base import (
    Hit,
    IndexDoc,
    Interval,
    SearchEngine,
    SearchResults,
    Sort,
    check_interval,
    check_search_args,
    fill_histogram,
    register_engine,
)
from dateline.search.plan import (
    AnyOf,
    Match,
    PAnd,
    PlanNode,
    PNot,
    POr,
    any_words,
    build_plan,
    highlight_terms,
    normalize_language,
    with_dates,
)
from dateline.search.query import DateRange, Query, as_query

__all__ = ["MemoryEngine", "analyze", "light_stem"]

_TOKEN = re.compile(r"[^\W_]+")
_MAX_TOKEN = 40
_GAP = ""  # position gap between the values of a multi-valued field


def light_stem(word: str) -> str:
    """A minimal English plural stemmer (after Lucene's EnglishMinimalStemmer)."""
    if len(word) < 3 or not word.endswith("s"):
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if not word.endswith(("us", "ss")):
        return word[:-1]
    return word


def analyze(name: str, text: str) -> list[str]:
    """The pure-Python analysers: ``en`` (stemmed), ``exact`` and ``names`` (lowercased)."""
    words = [w.lower() for w in _TOKEN.findall(text) if len(w) < _MAX_TOKEN]
    if name == "en":
        return [light_stem(w) for w in words]
    return words


@dataclass(slots=True)
class _Doc:
    doc: IndexDoc
    day: date | None
    fields: dict[str, list[str]] = field(default_factory=dict)


def _multi(name: str, values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if out:
            out.append(_GAP)
        out.extend(analyze(name, v))
    return out


def _count(tokens: list[str], match: Match) -> int:
    want = match.tokens
    if len(want) == 1:
        return tokens.count(want[0])
    n = len(want)
    return sum(1 for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) == want)


@register_engine
class MemoryEngine(SearchEngine):
    """Pure-Python engine holding everything in memory (``path`` is accepted and ignored)."""

    name: ClassVar[str] = "memory"

    def __init__(self, path: Path | str | None = None, *, recreate: bool = False,
                 writer_memory: int | None = None) -> None:
        self._docs: dict[str, _Doc] = {}
        self._pending: list[tuple[str, object]] = []

    # ------------------------------------------------------------------ writes
    def add(self, docs: Iterable[IndexDoc], *, new: bool = False) -> None:
        for d in docs:
            self._pending.append(("add", self._prepare(d)))

    def delete(self, ids: Iterable[str]) -> None:
        for i in ids:
            self._pending.append(("delete", i))

    def clear(self) -> None:
        self._pending.append(("clear", None))

    def commit(self) -> None:
        for op, arg in self._pending:
            if op == "add":
                assert isinstance(arg, _Doc)
                self._docs[arg.doc.id] = arg
            elif op == "delete":
                self._docs.pop(str(arg), None)
            else:
                self._docs.clear()
        self._pending.clear()

    def doc_count(self) -> int:
        return len(self._docs)

    def close(self) -> None:
        self._pending.clear()

    @staticmethod
    def _prepare(d: IndexDoc) -> _Doc:
        title = d.title or ""
        ko_title = [t.form for t in korean.analyze(title)]
        ko_text = [t.form for t in korean.analyze(f"{title}\n{d.text}")]
        lang = normalize_language(d.language)
        fields = {
            "title": analyze("en", title),
            "text": analyze("en", d.text),
            "text_exact": analyze("exact", d.text),
            "title_ko": ko_title,
            "text_ko": ko_text,
            "quotes": _multi("en", d.quotes),
            "speakers": _multi("names", d.speakers),
            "persons": _multi("names", d.persons),
            "orgs": _multi("names", d.orgs),
            "places": _multi("names", d.places),
            "program": analyze("names", d.program or ""),
            "reporter": analyze("names", d.reporter or ""),
            "language": [lang] if lang else [],
        }
        return _Doc(d, d.effective_date(), fields)

    # ------------------------------------------------------------------ reads
    def _eval(self, node: PlanNode) -> dict[str, float]:
        if isinstance(node, AnyOf):
            scores: dict[str, float] = {}
            n_docs = max(1, len(self._docs))
            for m in node.matches:
                counts = {i: c for i, d in self._docs.items()
                          if (c := _count(d.fields.get(m.field, []), m))}
                idf = math.log(1 + n_docs / (1 + len(counts)))
                for i, c in counts.items():
                    scores[i] = scores.get(i, 0.0) + m.boost * idf * (1 + math.log(c))
            return scores
        if isinstance(node, DateRange):
            return {i: 0.0 for i, d in self._docs.items() if _in_range(d.day, node)}
        if isinstance(node, PNot):
            hit = self._eval(node.item)
            return {i: 0.0 for i in self._docs if i not in hit}
        if isinstance(node, POr):
            scores = {}
            for sub in node.should:
                for i, s in self._eval(sub).items():
                    scores[i] = scores.get(i, 0.0) + s
            return scores
        if isinstance(node, PAnd):
            result: dict[str, float] | None = None
            for sub in node.must:
                got = self._eval(sub)
                result = got if result is None else {
                    i: s + got[i] for i, s in result.items() if i in got
                }
            if result is None:
                result = {i: 0.0 for i in self._docs}
            for sub in node.must_not:
                excluded = self._eval(sub)
                result = {i: s for i, s in result.items() if i not in excluded}
            return result
        raise TypeError(f"not a plan node: {node!r}")

    def match_any(self, words: Sequence[str], *, date_from: date | None = None,
                  date_to: date | None = None, limit: int = 50) -> list[tuple[str, float]]:
        plan = with_dates(any_words(words, analyze), date_from, date_to)
        if plan is None:
            return []
        scores = self._eval(plan)
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def _matching(self, query: str | Query | None, date_from: date | None, date_to: date | None
                  ) -> tuple[dict[str, float], list[str]]:
        if query is None:
            plan = with_dates(None, date_from, date_to)
            return (self._eval(plan) if plan else {i: 0.0 for i in self._docs}), []
        q = as_query(query)
        plan, warnings = build_plan(q.root, analyze)
        warnings = [*q.warnings, *warnings]
        if plan is None:
            warnings.append("nothing in the query could be searched")
            return {}, warnings
        return self._eval(with_dates(plan, date_from, date_to) or plan), warnings

    def search(
        self,
        query: str | Query,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        sort: Sort = "relevance",
        limit: int = 20,
        offset: int = 0,
        facets: bool = True,
        snippets: bool = True,
    ) -> SearchResults:
        t0 = time.perf_counter()
        check_search_args(sort, limit, offset)
        q = as_query(query)
        scores, warnings = self._matching(q, date_from, date_to)
        if sort == "relevance":
            order = sorted(scores, key=lambda i: (-scores[i], i))
        else:
            dated = sorted((i for i in scores if self._docs[i].day),
                           key=lambda i: (self._docs[i].day, i), reverse=sort == "-date")
            order = dated + sorted(i for i in scores if not self._docs[i].day)
        page = order[offset : offset + limit]
        marks = highlight_terms(q.root, analyze) if snippets else None
        hits = []
        for i in page:
            d = self._docs[i]
            snips = [self._snippet(d.doc.text, marks.stems, marks.korean)] if marks else []
            title = d.doc.title or d.doc.lead_title
            hits.append(Hit(i, scores[i] if sort == "relevance" else 0.0, d.day, title,
                            d.doc.program, normalize_language(d.doc.language), snips,
                            title_derived=not d.doc.title and title is not None))
        return SearchResults(
            hits=hits,
            total=len(scores),
            facets=self._facets(scores) if facets else {},
            warnings=warnings,
            took_ms=(time.perf_counter() - t0) * 1000,
        )

    def filter_ids(self, ids: Sequence[str], query: str | Query | None, *,
                   date_from: date | None = None, date_to: date | None = None) -> set[str]:
        wanted = set(ids)
        if not wanted:
            return set()
        return {i for i in self._matching(query, date_from, date_to)[0] if i in wanted}

    @staticmethod
    def _snippet(text: str, stems: frozenset[str], ko: frozenset[str]) -> str:
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)
                 if light_stem(m.group().lower()) in stems]
        spans += snip.find_substrings(text, ko)
        return snip.snippet(text, spans)

    def _facets(self, ids: Iterable[str]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {
            "year": {}, "month": {}, "program": {}, "speaker": {}, "language": {}
        }

        def bump(name: str, key: str | None) -> None:
            if key:
                out[name][key] = out[name].get(key, 0) + 1

        for i in ids:
            d = self._docs[i]
            if d.day:
                bump("year", f"{d.day.year:04d}")
                bump("month", f"{d.day.year:04d}-{d.day.month:02d}")
            bump("program", d.doc.program)
            bump("language", normalize_language(d.doc.language))
            for s in dict.fromkeys(d.doc.speakers):
                bump("speaker", s)
        return out

    def histogram(
        self,
        query: str | Query | None,
        *,
        by: Interval,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[tuple[date, int]]:
        check_interval(by)
        scores, _ = self._matching(query, date_from, date_to)
        days: dict[date, int] = {}
        for i in scores:
            day = self._docs[i].day
            if day is not None:
                days[day] = days.get(day, 0) + 1
        return fill_histogram(days, by, date_from, date_to)


def _in_range(day: date | None, rng: DateRange) -> bool:
    if day is None:
        return False
    return (rng.start is None or day >= rng.start) and (rng.end is None or day <= rng.end)
