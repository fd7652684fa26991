"""The embedded default engine: a tantivy index in a folder of the archive.

Schema (see :mod:`dateline.search.plan` for which query reaches which field)::

    id            raw, stored                  the story id (updates delete by it)
    title         English stemmed, stored      text       English stemmed, stored (snippets)
    lead_title    bytes (UTF-8), stored only   an untitled story's title derived from its lead
    text_exact    lowercased, unstemmed        phrases search it
    title_ko      Korean morphemes             text_ko    Korean morphemes of title + text
    quotes        English stemmed
    speakers persons orgs places program reporter    lowercased words (names)
    program_raw   raw, stored, fast            facet         speaker_raw   raw, fast: facet
    language      raw lowercased, stored, fast facet and lang:
    source        raw
    date          date, indexed, stored, fast  ranges, date order, histograms
    year, month   u64 fast (2018, 201803)      facets

English fields use tantivy's built-in analysers (``en_stem``: stemmed, ``default``: lowercased
words).  Korean morphemes come from :mod:`dateline.search.korean` and are indexed as
space-separated tokens with a whitespace analyser, so tantivy never needs to know Korean.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar

from dateline.errors import ArchiveError, MissingExtra
from dateline.search import cache, korean
from dateline.search import snippets as snip
from dateline.search.base import (
    Hit,
    IndexDoc,
    Interval,
    MatchAsk,
    SearchEngine,
    SearchResults,
    Sort,
    check_interval,
    check_search_args,
    fill_histogram,
    register_engine,
    top_ids,
)
from dateline.search.plan import (
    AnyOf,
    Highlights,
    PAnd,
    PlanNode,
    PNot,
    POr,
    build_plan,
    highlight_terms,
    normalize_language,
    with_dates,
    word_leaf,
)
from dateline.search.query import DateRange, Query, as_query

__all__ = ["SCHEMA_VERSION", "TantivyEngine"]

log = logging.getLogger(__name__)

#: 2: tantivy's built-in English analysers (the same chains); 3: ``id_num``, the story id as a
#: number in a fast field (candidate searches read it without loading documents); 4:
#: ``lead_title``, an untitled story's derived title stored with it (hits need no SQL)
SCHEMA_VERSION = 4
_META = "dateline-search.json"
_BATCH = 512
#: how old meta.json must be before its stat alone is trusted to show it unchanged (2 s: more
#: than the coarsest clock tick of a file system's times)
_SETTLED_NS = 2_000_000_000
_FACET_SIZES = {"year": 500, "month": 2000, "program": 50, "speaker": 50, "language": 20}
_FACET_FIELDS = {
    "year": "year",
    "month": "month",
    "program": "program_raw",
    "speaker": "speaker_raw",
    "language": "language",
}


def _tantivy() -> Any:
    try:
        import tantivy
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingExtra("tantivy", "all", "full-text search") from exc
    return tantivy


#: the index's English analysers are tantivy's built-in ones (compiled, statically composed:
#: about a tenth less indexing CPU than the same chain built from Python); queries are analysed
#: by the identical chains below, built from Python (a test checks they agree token by token)
EN, EXACT = "en_stem", "default"


def _analyzers(t: Any) -> dict[str, Any]:
    """Analysers by tokenizer name: the two the index takes from tantivy, rebuilt here for
    analysing queries (simple tokenizer, tokens over 40 bytes dropped, lowercased, English
    stemmer for ``en_stem``), and the Korean one it registers (morphemes arrive analysed)."""
    def simple(stem: bool) -> Any:
        b = t.TextAnalyzerBuilder(t.Tokenizer.simple()).filter(t.Filter.remove_long(40))
        b = b.filter(t.Filter.lowercase())
        if stem:
            b = b.filter(t.Filter.stemmer("english"))
        return b.build()

    ko = t.TextAnalyzerBuilder(t.Tokenizer.whitespace()).filter(t.Filter.lowercase()).build()
    return {EN: simple(True), EXACT: simple(False), "dl_ko": ko}


def register_analyzers(index: Any, analyzers: dict[str, Any]) -> None:
    """Give ``index`` the analysers tantivy does not have built in (the Korean one)."""
    index.register_tokenizer("dl_ko", analyzers["dl_ko"])


def _schema(t: Any) -> Any:
    sb = t.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("id_num", fast=True)
    sb.add_text_field("title", stored=True, tokenizer_name=EN)
    sb.add_bytes_field("lead_title", stored=True)  # shown, not searched: UTF-8, stored only
    sb.add_text_field("text", stored=True, tokenizer_name=EN)
    sb.add_text_field("text_exact", tokenizer_name=EXACT)
    sb.add_text_field("title_ko", tokenizer_name="dl_ko")
    sb.add_text_field("text_ko", tokenizer_name="dl_ko")
    sb.add_text_field("quotes", tokenizer_name=EN)
    for name in ("speakers", "persons", "orgs", "places", "program", "reporter"):
        sb.add_text_field(name, tokenizer_name=EXACT)
    sb.add_text_field("program_raw", stored=True, fast=True, tokenizer_name="raw")
    sb.add_text_field("speaker_raw", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("language", stored=True, fast=True, tokenizer_name="raw")
    sb.add_text_field("source", tokenizer_name="raw", index_option="basic")
    sb.add_date_field("date", stored=True, indexed=True, fast=True)
    sb.add_unsigned_field("year", fast=True)
    sb.add_unsigned_field("month", fast=True)
    return sb.build()


#: the writer's indexing memory unless told (tantivy's heap, shared by its threads)
_WRITER_MEMORY = 128_000_000
#: words of candidate searches kept compiled (see TantivyEngine.match_any)
_WORD_CACHE = 50_000
#: story ids, 16 hexadecimal digits, also kept as a number (``id_num``)
_HEX_ID = re.compile(r"[0-9a-f]{16}")

#: the days tantivy's dates (nanoseconds since 1970 in 64 bits) can hold
_FIRST_DAY, _LAST_DAY = date(1677, 9, 22), date(2262, 4, 10)


def _utc(day: date) -> datetime:
    """Midnight UTC of ``day``, within the dates the index can hold (a search for
    ``date:1000..3000`` means every date, not an error)."""
    day = min(max(day, _FIRST_DAY), _LAST_DAY)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@register_engine
class TantivyEngine(SearchEngine):
    """Full-text engine on a tantivy index stored in ``path`` (created when missing).

    ``writer_memory`` bounds the writer's indexing memory (tantivy's heap, shared by
    ``num_threads``; 128 MB unless given); ``add`` commits by itself every ``auto_commit``
    documents so a huge rebuild stays durable as it goes.  The writer (and its lock on the
    folder) is only taken on the first write, so read-only users can search an index another
    process is writing.  ``recreate`` wipes an index built by another schema version instead
    of refusing it.
    """

    name: ClassVar[str] = "tantivy"

    def __init__(
        self,
        path: Path | str,
        *,
        writer_memory: int | None = None,
        num_threads: int | None = None,
        auto_commit: int | None = 100_000,
        recreate: bool = False,
    ) -> None:
        t = _tantivy()
        self._t = t
        self.path = Path(path)
        self._heap = writer_memory or _WRITER_MEMORY
        self._threads = num_threads or min(2, os.cpu_count() or 1)
        self._auto_commit = auto_commit
        self._open_dir(recreate)
        self._schema = _schema(t)
        self._index = t.Index(self._schema, path=str(self.path), reuse=True)
        self._an = _analyzers(t)
        register_analyzers(self._index, self._an)
        self._writer: Any = None
        self._uncommitted = 0
        self._dirty = False
        self._index_meta = self.path / "meta.json"  # tantivy's: replaced at every commit
        self._seen: int | None = None
        self._settled: tuple[int, int, int] | None = None  # stat of meta.json, when trusted
        self._words: dict[str, list[Any]] = {}  # compiled word matches (_word_clauses)
        self._reload_lock = threading.Lock()

    def _open_dir(self, recreate: bool) -> None:
        meta = self.path / _META
        if meta.exists():
            found = json.loads(meta.read_text("utf-8")).get("schema_version")
            if found != SCHEMA_VERSION:
                if not recreate:
                    raise ArchiveError(
                        f"the search index in {self.path} has schema version {found}, "
                        f"this dateline uses {SCHEMA_VERSION}",
                        hint="rebuild it with `dateline reindex`",
                    )
                log.warning("recreating search index %s (schema %s → %s)", self.path, found,
                            SCHEMA_VERSION)
                shutil.rmtree(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        if not meta.exists():
            meta.write_text(json.dumps({"engine": self.name, "schema_version": SCHEMA_VERSION}),
                            "utf-8")

    # ------------------------------------------------------------------ writes
    def _w(self) -> Any:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=self._heap, num_threads=self._threads)
        return self._writer

    def add(self, docs: Iterable[IndexDoc], *, new: bool = False) -> None:
        it: Iterator[IndexDoc] = iter(docs)
        while batch := list(islice(it, _BATCH)):
            self._add_batch(batch, new)

    def _add_batch(self, batch: list[IndexDoc], new: bool) -> None:
        w = self._w()
        todo = [d for d in batch if d.ko_text is None]
        ko_title = dict(zip((d.id for d in todo), korean.analyze_many(
            [d.title or "" for d in todo]), strict=True))
        ko_text = dict(zip((d.id for d in todo), korean.analyze_many(
            [f"{d.title or ''}\n{d.text}" for d in todo]), strict=True))
        for d in batch:
            kt = d.ko_title if d.ko_text is not None else _forms(ko_title[d.id])
            kx = d.ko_text if d.ko_text is not None else _forms(ko_text[d.id])
            if not new:  # each delete is an operation the commit applies to every segment
                w.delete_documents_by_term("id", d.id)
            w.add_document(self._document(d, kt, kx))
        self._dirty = True
        self._uncommitted += len(batch)
        if self._auto_commit and self._uncommitted >= self._auto_commit:
            self.commit()

    def _document(self, d: IndexDoc, ko_title: str | None, ko_text: str | None) -> Any:
        doc = self._t.Document()
        doc.add_text("id", d.id)
        if _HEX_ID.fullmatch(d.id):
            doc.add_unsigned("id_num", int(d.id, 16))
        if d.title:
            doc.add_text("title", d.title)
        elif d.lead_title:
            doc.add_bytes("lead_title", d.lead_title.encode("utf-8"))
        doc.add_text("text", d.text)
        doc.add_text("text_exact", d.text)
        if ko_title:
            doc.add_text("title_ko", ko_title)
        if ko_text:
            doc.add_text("text_ko", ko_text)
        for field, values in (("quotes", d.quotes), ("speakers", d.speakers),
                              ("persons", d.persons), ("orgs", d.orgs), ("places", d.places)):
            for v in values:
                doc.add_text(field, v)
        for s in dict.fromkeys(d.speakers):
            doc.add_text("speaker_raw", s)
        if d.program:
            doc.add_text("program", d.program)
            doc.add_text("program_raw", d.program)
        if d.reporter:
            doc.add_text("reporter", d.reporter)
        lang = normalize_language(d.language)
        if lang:
            doc.add_text("language", lang)
        if d.source:
            doc.add_text("source", d.source)
        day = d.effective_date()
        if day is not None:
            doc.add_date("date", _utc(day))
            doc.add_unsigned("year", day.year)
            doc.add_unsigned("month", day.year * 100 + day.month)
        return doc

    def delete(self, ids: Iterable[str]) -> None:
        w = self._w()
        for i in ids:
            w.delete_documents_by_term("id", i)
            self._dirty = True

    def clear(self) -> None:
        self._w().delete_all_documents()
        self._dirty = True

    def commit(self) -> None:
        if self._writer is None or not self._dirty:
            return
        self._writer.commit()
        self._index.reload()
        self._uncommitted = 0
        self._dirty = False

    def doc_count(self) -> int:
        return int(self._index.searcher().num_docs)

    def generation(self) -> int | None:
        """The committed state of the index, as this process sees it: a hash of tantivy's
        ``meta.json``, which every commit and merge replaces (its opstamp and segment list
        change).  The content is read, not its time: two commits can fall in one tick of the
        file system's clock.  Once the file is older than any such tick, its ``stat`` alone
        shows that it is unchanged (one system call per search instead of three).

        When it changed since the last look, the reader is reloaded before this returns, so a
        search that follows sees at least that state (tantivy's own reloading lags a commit by
        a moment).  Answers cached under a generation are therefore never older than it.
        """
        try:
            st = os.stat(self._index_meta)
            stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
            if stamp == self._settled:  # unchanged since a read when it was already old
                return self._seen
            with open(self._index_meta, "rb") as fh:
                sig = hash(fh.read())  # the caches are per process, as hash() is
        except OSError:
            return None
        if sig != self._seen:
            with self._reload_lock:
                if sig != self._seen:
                    self._index.reload()
                    self._seen = sig
        # Like git's index: a file's stat can be trusted to reveal a change only when it was
        # last written well before it was read; a newer file is read again next time.
        self._settled = stamp if time.time_ns() - st.st_mtime_ns > _SETTLED_NS else None
        return sig

    def release_writer(self) -> None:
        self.close()

    def close(self) -> None:
        """Commit what is pending, wait for merges and release the writer's lock."""
        if self._writer is not None:
            self.commit()
            self._writer.wait_merging_threads()
            self._writer = None

    # ------------------------------------------------------------------ query compilation
    def _analyze(self, name: str, text: str) -> list[str]:
        analyzer = self._an[EN if name == "en" else EXACT]
        return [str(tok) for tok in analyzer.analyze(text)]

    def _clauses(self, leaf: AnyOf) -> list[Any]:
        """The compiled field matches of ``leaf``, one query each."""
        q, schema = self._t.Query, self._schema
        out = []
        for m in leaf.matches:
            if len(m.tokens) == 1:
                sub = q.term_query(schema, m.field, m.tokens[0])
            else:
                sub = q.phrase_query(schema, m.field, list(m.tokens))
            if m.boost != 1.0:
                sub = q.boost_query(sub, m.boost)
            out.append(sub)
        return out

    def _compile(self, node: PlanNode) -> Any:
        t, q, schema = self._t, self._t.Query, self._schema
        occur = t.Occur
        if isinstance(node, AnyOf):
            subs = self._clauses(node)
            if len(subs) == 1:
                return subs[0]
            return q.boolean_query([(occur.Should, s) for s in subs])
        if isinstance(node, DateRange):
            lo = _utc(node.start) if node.start else None
            hi = _utc(min(node.end, _LAST_DAY) + timedelta(days=1)) if node.end else None
            return q.range_query(schema, "date", t.FieldType.Date, lo, hi,
                                 include_upper=hi is None)
        if isinstance(node, PNot):
            return q.boolean_query([(occur.Must, q.all_query()),
                                    (occur.MustNot, self._compile(node.item))])
        if isinstance(node, POr):
            return q.boolean_query([(occur.Should, self._compile(s)) for s in node.should])
        if isinstance(node, PAnd):
            clauses = [(occur.Must, self._compile(s)) for s in node.must]
            if not clauses:
                clauses.append((occur.Must, q.all_query()))
            clauses += [(occur.MustNot, self._compile(s)) for s in node.must_not]
            return q.boolean_query(clauses)
        raise TypeError(f"not a plan node: {node!r}")

    def _to_query(self, query: str | Query | None, date_from: date | None, date_to: date | None,
                  *, marks: bool = False) -> tuple[Any | None, list[str], Highlights | None]:
        """The tantivy query (``None``: matches nothing), warnings, and with ``marks`` what
        snippets should mark (the query's words are analysed once for both)."""
        if query is None:
            plan = with_dates(None, date_from, date_to)
            return (self._compile(plan) if plan else self._t.Query.all_query()), [], None
        parsed = as_query(query)
        memo: dict[tuple[str, str], list[str]] = {}

        def analyze(name: str, text: str) -> list[str]:
            key = (name, text)
            if key not in memo:
                memo[key] = self._analyze(name, text)
            return memo[key]

        plan, warnings = build_plan(parsed.root, analyze)
        warnings = [*parsed.warnings, *warnings]
        if plan is None:
            warnings.append("nothing in the query could be searched")
            return None, warnings, None
        tq = self._compile(with_dates(plan, date_from, date_to) or plan)
        return tq, warnings, highlight_terms(parsed.root, analyze) if marks else None

    # ------------------------------------------------------------------ reads
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
        """See :meth:`SearchEngine.search`.  Pages of hits and facet counts are kept in the
        per-process caches of :mod:`dateline.search.cache` under the index's
        :meth:`generation`, so a repeated search costs a lookup until the next commit."""
        t0 = time.perf_counter()
        check_search_args(sort, limit, offset)
        gen = self.generation()
        key = ((str(self.path), gen, query, date_from, date_to)
               if gen is not None and isinstance(query, str) else None)
        page_key = (*key, sort, limit, offset, snippets) if key is not None else None
        page = cache.PAGES.get(page_key) if page_key is not None else None
        counts = cache.FACETS.get(key) if facets and key is not None else None
        if page is not None and (counts is not None or not facets):
            hits, total, warnings = page
            return SearchResults([_copy_hit(h) for h in hits], total,
                                 _facet_dict(counts) if counts is not None else {},
                                 list(warnings), (time.perf_counter() - t0) * 1000)
        tq, warnings, marks = self._to_query(query, date_from, date_to,
                                             marks=snippets and page is None)
        if tq is None:
            return SearchResults([], 0, {}, warnings, (time.perf_counter() - t0) * 1000)
        searcher = self._index.searcher()
        if page is not None:
            hits, total = [_copy_hit(h) for h in page[0]], page[1]
        else:
            hits, total = self._page(searcher, tq, marks, sort, limit, offset)
            if page_key is not None:
                cache.PAGES.put(page_key, (tuple(_copy_hit(h) for h in hits), total,
                                           tuple(warnings)))
        if facets and counts is None:
            counts = self._facets(searcher, tq)
            if key is not None:
                cache.FACETS.put(key, counts)
        return SearchResults(
            hits=hits,
            total=total,
            facets=_facet_dict(counts) if facets and counts is not None else {},
            warnings=warnings,
            took_ms=(time.perf_counter() - t0) * 1000,
        )

    def match_any(self, words: Sequence[str], *, date_from: date | None = None,
                  date_to: date | None = None, limit: int = 50) -> list[tuple[str, float]]:
        """See :meth:`SearchEngine.match_any`: the plan is made without the query language,
        the search counts nothing, and ids are read from a fast field, not from documents."""
        tq = self._match_query(words, date_from, date_to)
        return [] if tq is None else self._top(self._index.searcher(), tq, limit)

    def match_many(self, asks: Sequence[MatchAsk], *, limit: int = 50,
                   threads: int = 1) -> list[list[tuple[str, float]] | Exception]:
        """See :meth:`SearchEngine.match_many`: the queries are made here, in order (a word's
        query may need the Korean analyser), then searched on ``threads`` threads: tantivy
        searches outside the GIL for most of their time."""
        from concurrent.futures import ThreadPoolExecutor

        queries = []
        for words, date_from, date_to in asks:
            try:
                queries.append(self._match_query(words, date_from, date_to))
            except Exception as exc:  # noqa: BLE001 - the caller decides
                queries.append(exc)
        searcher = self._index.searcher()

        def run(tq: Any) -> list[tuple[str, float]] | Exception:
            if tq is None:
                return []
            if isinstance(tq, Exception):
                return tq
            try:
                return self._top(searcher, tq, limit)
            except Exception as exc:  # noqa: BLE001 - the caller decides
                return exc

        if threads < 2 or len(queries) < 2:
            return [run(tq) for tq in queries]
        with ThreadPoolExecutor(threads, thread_name_prefix="dateline-search") as pool:
            return list(pool.map(run, queries))

    def _top(self, searcher: Any, tq: Any, limit: int) -> list[tuple[str, float]]:
        """The ``limit`` best (story id, score) of a :meth:`_match_query`, equal scores by id,
        nothing counted: only stories that hold a word (a score above 0; a story in the dates
        alone scores 0)."""
        return top_ids(lambda n: [hit for hit in self._ids(
            searcher, searcher.search(tq, n, count=False).hits) if hit[1] > 0], limit)

    def _match_query(self, words: Sequence[str], date_from: date | None,
                     date_to: date | None) -> Any:
        """The query of :meth:`match_any` (None: no word to search): every word's field
        matches side by side in one query (not nested per word, nor inside a conjunction with
        the dates), the dates a clause that must match and scores 0.  The ranking is the
        words' within the dates; each of the two flattenings halved a search's time on a 100k
        index.  A story in the dates that holds no word matches too, with score 0, and
        :meth:`_top` drops it."""
        occur, q = self._t.Occur, self._t.Query
        subs = [(occur.Should, c) for w in words for c in self._word_clauses(w)]
        if not subs:
            return None
        dates = with_dates(None, date_from, date_to)
        if dates is None:
            return q.boolean_query(subs)
        return q.boolean_query([(occur.Must, q.const_score_query(self._compile(dates), 0.0)),
                                *subs])

    @staticmethod
    def _ids(searcher: Any, hits: list[tuple[Any, Any]]) -> list[tuple[str, float]]:
        """(story id, score) of hits, the ids read from the ``id_num`` fast field (a stored
        document is loaded only for an id that is not a story id's 16 hex digits)."""
        addresses = [address for _, address in hits]
        numbers = searcher.fast_field_values("id_num", addresses) if addresses else []
        return [(f"{num:016x}" if num is not None else searcher.doc(address).get_first("id"),
                 float(score)) for (score, address), num in zip(hits, numbers, strict=True)]

    def _word_clauses(self, word: str) -> list[Any]:
        """The compiled field matches of one word of :meth:`match_any`, kept: a pass over an
        archive asks for the same words again and again."""
        try:
            return self._words[word]
        except KeyError:
            pass
        if len(self._words) >= _WORD_CACHE:
            self._words.clear()
        leaf = word_leaf(word, self._analyze)
        clauses = self._words[word] = self._clauses(leaf) if leaf is not None else []
        return clauses

    def filter_ids(self, ids: Sequence[str], query: str | Query | None, *,
                   date_from: date | None = None, date_to: date | None = None) -> set[str]:
        """See :meth:`SearchEngine.filter_ids`: the query AND any of the ids, one search."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        tq, _, _ = self._to_query(query, date_from, date_to)
        if tq is None:
            return set()
        q, occur = self._t.Query, self._t.Occur
        by_id = q.term_set_query(self._schema, "id", wanted)  # one query, however many ids
        searcher = self._index.searcher()
        found = searcher.search(q.boolean_query([(occur.Must, tq), (occur.Must, by_id)]),
                                len(wanted), count=False)
        return {sid for sid, _ in self._ids(searcher, found.hits)}

    def _page(self, searcher: Any, tq: Any, marks: Highlights | None, sort: Sort, limit: int,
              offset: int) -> tuple[list[Hit], int]:
        """One page of hits (with snippets when there are ``marks``) and the number of
        matches."""
        kwargs: dict[str, Any] = {}
        if sort != "relevance":
            kwargs["order_by_field"] = "date"
            kwargs["order"] = self._t.Order.Asc if sort == "date" else self._t.Order.Desc
        # tantivy rejects limit=0; ask for one and drop it
        result = searcher.search(tq, max(limit, 1), count=True, offset=offset, **kwargs)
        generator = (self._snippet_generator(searcher, marks)
                     if marks and result.hits[:limit] else None)
        by_score = sort == "relevance"
        hits = [self._hit(searcher.doc(address), float(key) if by_score else 0.0, marks,
                          generator) for key, address in result.hits[:limit]]
        return hits, int(result.count or 0)

    def _hit(self, doc: Any, score: float, marks: Highlights | None, generator: Any) -> Hit:
        get = doc.get_first
        day = get("date")
        title = get("title")
        lead = None if title else get("lead_title")
        return Hit(
            id=get("id"),
            score=score,
            date=day.date() if day is not None else None,
            title=title if lead is None else lead.decode("utf-8"),
            program=get("program_raw"),
            language=get("language"),
            # the generator reads the text field alone, from the stored document as it is
            snippets=[] if marks is None else [self._snippet(doc, get("text") or "", marks,
                                                             generator)],
            title_derived=lead is not None,
        )

    def _snippet_generator(self, searcher: Any, marks: Highlights) -> Any:
        if not marks.stems:
            return None
        q = self._t.Query
        terms = [q.term_query(self._schema, "text", s) for s in sorted(marks.stems)]
        hq = q.boolean_query([(self._t.Occur.Should, x) for x in terms])
        gen = self._t.SnippetGenerator.create(searcher, hq, self._schema, "text")
        gen.set_max_num_chars(snip.MAX_CHARS)
        return gen

    @staticmethod
    def _snippet(doc: Any, text: str, marks: Highlights, generator: Any) -> str:
        if generator is not None:
            sn = generator.snippet_from_doc(doc)
            frag = sn.fragment()
            if frag:
                start = text.find(frag)
                prefix = "…" if start > 0 else ""
                suffix = "…" if start >= 0 and start + len(frag) < len(text) else ""
                if not marks.korean and frag.isascii():
                    # tantivy escapes as html.escape does and marks whole tokens, which never
                    # touch in ASCII text: its HTML is what snip.render would make, only faster
                    html = sn.to_html().replace("<b>", "<mark>").replace("</b>", "</mark>")
                    return snip.tidy(prefix + html + suffix)
                spans = [(r.start, r.end) for r in sn.highlighted()]
                if not frag.isascii():  # tantivy's offsets are UTF-8 bytes, not characters
                    raw = frag.encode("utf-8")
                    spans = [(len(raw[:a].decode("utf-8", "ignore")),
                              len(raw[:b].decode("utf-8", "ignore"))) for a, b in spans]
                if marks.korean:
                    spans += snip.find_substrings(frag, marks.korean)
                return snip.render(frag, spans, prefix=prefix, suffix=suffix)
        return snip.snippet(text, snip.find_substrings(text, marks.korean))

    def _facets(self, searcher: Any, tq: Any) -> dict[str, dict[str, int]]:
        agg = {name: {"terms": {"field": _FACET_FIELDS[name], "size": size}}
               for name, size in _FACET_SIZES.items()}
        res = searcher.aggregate(tq, agg)
        out: dict[str, dict[str, int]] = {}
        for name in _FACET_SIZES:
            buckets = res.get(name, {}).get("buckets", [])
            values: dict[str, int] = {}
            for b in buckets:
                key = b["key"]
                if name == "year":
                    key = f"{int(key):04d}"
                elif name == "month":
                    key = f"{int(key) // 100:04d}-{int(key) % 100:02d}"
                values[str(key)] = int(b["doc_count"])
            out[name] = values
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
        tq, _, _ = self._to_query(query, date_from, date_to)
        if tq is None:
            return fill_histogram({}, by, date_from, date_to)
        agg = {"days": {"date_histogram": {"field": "date", "fixed_interval": "1d",
                                           "min_doc_count": 1}}}
        res = self._index.searcher().aggregate(tq, agg)
        days: dict[date, int] = {}
        for b in res.get("days", {}).get("buckets", []):
            n = int(b["doc_count"])
            if n:
                day = datetime.fromtimestamp(b["key"] / 1000, tz=UTC).date()
                days[day] = days.get(day, 0) + n
        return fill_histogram(days, by, date_from, date_to)


def _copy_hit(hit: Hit) -> Hit:
    """A hit no other holder shares (cached hits are handed out as copies)."""
    return Hit(hit.id, hit.score, hit.date, hit.title, hit.program, hit.language,
               list(hit.snippets), hit.title_derived)


def _facet_dict(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """A copy of cached facet counts."""
    return {name: dict(values) for name, values in counts.items()}


def _forms(tokens: list[korean.KoToken]) -> str:
    return " ".join(t.form for t in tokens)
