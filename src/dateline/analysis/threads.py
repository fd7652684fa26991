"""Story threads: the chain of stories about the same affair, over weeks or years.

Two stories are *linked* when they look like the same affair:

- **text**: TF-IDF cosine of the stories' *title and lead* (the title counted twice, then the
  first :data:`LEAD_WORDS` words of the indexed text), over the words of
  :class:`dateline.analysis.terms.Tokenizer`.  Document frequencies are kept for every story
  (``thread_df``), so IDF is exact and moves with the archive.
- **entities** (when the entity enricher has run): cosine of the two stories' entity sets.
- **speakers**: a shared quoted speaker adds :data:`SPEAKER_BONUS`.
- **time**: the similarity is damped by the gap, ``1 / (1 + days / TIME_SCALE)``, so a story a
  week away needs less textual evidence than one a year away.

``link = (W_TEXT·text + W_ENTITY·entities + speakers) · damping`` (with no entities the text
takes the whole weight).

**Links are computed when stories are stored** (:func:`update`, run after every ingest) and
persisted in ``thread_links``: each new or changed story asks the full-text engine for its
:data:`CANDIDATES` best matches (an OR query of its most weighted words, within the
:data:`window` of days where a link is still possible), scores them, and keeps the links that
reach :data:`THRESHOLD`.  A link is stored in both directions, so a story ingested later links
back to the earlier ones.  The watermark ``threads_seq`` says how far the pass has come; a
change of parameters (or the entity enricher's first run) rebuilds the links.

**A thread is read from the links** (:func:`thread`): it grows breadth-first from the seed for
at most :data:`MAX_HOPS` hops; a story joins when its best link to a member reaches the
threshold (raised by :data:`HOP_PENALTY` per hop, which keeps a chain from drifting to a
neighbouring affair) and the thread stops at :data:`MAX_STORIES` stories.  That is one indexed
SQL lookup per hop: milliseconds, whatever the archive's size.

The defaults were tuned on the judged set of ``tests/data/threads_judged.jsonl``; precision and
recall are in ``docs/quality.md``.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateline.analysis.terms import Tokenizer
from dateline.model import StoredStory
from dateline.store import analysis as sql
from dateline.store.sqlite import Store
from dateline.store.titles import derived_titles

log = logging.getLogger(__name__)

VERSION = 3  # 3: no candidate lost when the document cache is emptied
LEAD_WORDS = 120
QUERY_TERMS = 25
CANDIDATES = 60
MAX_HOPS = 3
MAX_STORIES = 60
THRESHOLD = 0.28
HOP_PENALTY = 0.1
TIME_SCALE = 120.0
W_TEXT = 0.7
W_ENTITY = 0.3
SPEAKER_BONUS = 0.1
MAX_DF = 0.1
#: stories handled per transaction by :func:`update`
BATCH = 500
#: links are rebuilt when the archive has grown this many times over since they were built
#: from scratch (document frequencies, hence link scores, drift as an archive grows from
#: nothing; rebuilding at each doubling costs about twice one build, in all)
REGROW = 2.0
_QUERY_SAFE = re.compile(r"^[0-9a-z\uac00-\ud7a3]+$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_DOC_CACHE = 20_000
#: an index of this many stories or more is searched on two threads, beside the scoring: at
#: 100,000 generated stories a candidate search takes 1.4 ms and the pass ran in 204 s instead
#: of 288; at 10,000 (0.2 ms a search) the threads only contended for the interpreter
OVERLAP_FROM = 50_000


@dataclass(slots=True)
class ThreadStory:
    id: str
    date: date | None
    title: str | None
    #: link score that brought it in (1.0 for the seed)
    score: float
    #: the member it linked to (None for the seed)
    via: str | None = None
    hop: int = 0
    #: the title is derived from the story's lead (it has none of its own)
    title_derived: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date.isoformat() if self.date else None,
                "title": self.title, "title_derived": self.title_derived,
                "score": round(self.score, 4), "via": self.via, "hop": self.hop}


@dataclass(slots=True)
class Thread:
    """The stories of one affair, oldest first; ``seed`` is the story it grew from."""

    seed: str
    stories: list[ThreadStory] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    #: when asked for and no other story is linked: the closest stories, under the threshold
    nearest: list[ThreadStory] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.stories]

    def to_dict(self) -> dict[str, Any]:
        out = {"seed": self.seed, "size": len(self.stories),
               "stories": [s.to_dict() for s in self.stories], "params": dict(self.params)}
        if self.nearest:
            out["nearest"] = [s.to_dict() for s in self.nearest]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Thread:
        stories = [ThreadStory(s["id"], date.fromisoformat(s["date"]) if s.get("date") else None,
                               s.get("title"), float(s["score"]), s.get("via"),
                               int(s.get("hop", 0)), bool(s.get("title_derived")))
                   for s in data.get("stories", [])]
        return cls(data["seed"], stories, dict(data.get("params", {})))


@dataclass(slots=True)
class ThreadReport:
    """What one :func:`update` pass did."""

    processed: int = 0
    removed: int = 0
    links: int = 0
    rebuilt: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"processed": self.processed, "removed": self.removed, "links": self.links,
                "rebuilt": self.rebuilt, "seconds": round(self.seconds, 2)}


def params() -> dict[str, Any]:
    return {"threshold": THRESHOLD, "hop_penalty": HOP_PENALTY, "time_scale_days": TIME_SCALE,
            "max_hops": MAX_HOPS, "max_stories": MAX_STORIES, "lead_words": LEAD_WORDS,
            "w_text": W_TEXT, "w_entity": W_ENTITY, "speaker_bonus": SPEAKER_BONUS}


def window() -> int:
    """Days apart beyond which no link can reach :data:`THRESHOLD` (the best possible
    similarity, damped by the gap, falls under it)."""
    best = W_TEXT + W_ENTITY + SPEAKER_BONUS
    return math.ceil(TIME_SCALE * (best / THRESHOLD - 1.0))


# -- documents and links -----------------------------------------------------------------------


@dataclass(slots=True)
class _Doc:
    id: str
    date: date | None
    counts: dict[str, int]
    entities: frozenset[str] = frozenset()
    speakers: frozenset[str] = frozenset()
    vec: dict[str, float] = field(default_factory=dict)
    #: the terms of ``vec`` in alphabetical order and their weights in that order (the rows
    #: of :func:`link_scores`, made once per document rather than once per batch)
    terms: list[str] = field(default_factory=list)
    weights: Any = None
    #: ``entities`` and ``speakers`` in alphabetical order
    entity_list: list[str] = field(default_factory=list)
    speaker_list: list[str] = field(default_factory=list)
    #: ``terms``, ``entity_list`` and ``speaker_list`` as the numbers of a :class:`_Numbers`
    #: (its ``owner``): the columns of :func:`link_scores` without a dictionary look-up per term
    codes: tuple[Any, Any, Any] | None = None
    owner: _Numbers | None = None


def _words(tokenize: Tokenizer, story: StoredStory,
           korean: tuple[str, str] | None = None) -> list[str]:
    """The words of a story's document: its title twice, then its lead.  ``korean``: the
    (title terms, title and text terms) the store kept from the story's Korean analysis; the
    lead's share of them stands for the lead's Korean words, so the model is not loaded."""
    words = story.indexed_text().split()
    lead = " ".join(words[:LEAD_WORDS])
    title = story.title or ""
    if korean is None or not _HANGUL.search(f"{title}{lead}"):
        return tokenize(f"{title}\n{title}\n{lead}")
    title_terms = korean[0].split()
    text_terms = korean[1].split()[len(title_terms):]
    share = min(1.0, LEAD_WORDS / max(1, len(words)))
    lead_terms = text_terms[:math.ceil(len(text_terms) * share)]
    return tokenize(f"{title}\n{title}\n{lead}", korean=[*title_terms, *title_terms,
                                                         *lead_terms])


class _Numbers(dict[str, int]):
    """A number for each string (a term, an entity, a speaker) met in one pass, in the order
    they are met; ``names[n]`` is the string of number ``n``."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def __missing__(self, name: str) -> int:
        self.names.append(name)
        number = self[name] = len(self.names) - 1
        return number

    def of(self, names: Sequence[str]) -> Any:
        import numpy as np

        return np.fromiter(map(self.__getitem__, names), dtype=np.int64, count=len(names))


class _Idf(dict[str, float]):
    """Inverse document frequencies from ``thread_df``, fetched as needed and cached for one
    :func:`update` pass (or one call): ``idf[term]``, computed once per term."""

    def __init__(self, store: Store):
        super().__init__()
        self.store = store
        self.n = sql.thread_doc_count(store)
        #: the numbers of the pass's terms, entities and speakers (see :func:`link_scores`)
        self.numbers = _Numbers()

    def load(self, terms: Iterable[str]) -> None:
        missing = [t for t in set(terms) if t not in self]
        if missing:
            found = sql.thread_df_of(self.store, missing)
            self.update({t: self._weight(found.get(t, 0)) for t in missing})

    def __missing__(self, term: str) -> float:
        return self._weight(0)

    def _weight(self, df: int) -> float:
        """0 for words in more than MAX_DF of the stories (the archive's own boilerplate:
        datelines, honorifics, agency names)."""
        if self.n >= 50 and df > MAX_DF * self.n:
            return 0.0
        return math.log((self.n + 1) / (df + 0.5)) + 1.0


def _vectorize(doc: _Doc, idf: _Idf) -> None:
    """Weigh ``doc``'s term counts into its rows of :func:`link_scores`; the counts are then
    dropped (a pass keeps thousands of documents)."""
    if doc.weights is not None:
        return  # vectorised already
    log = math.log
    vec = {t: w for t, c in doc.counts.items() if (w := (1 + log(c)) * idf[t]) > 0}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    doc.vec = {t: v / norm for t, v in vec.items()}
    _sort_rows(doc, idf.numbers)
    doc.counts, doc.vec = {}, {}


def _sort_rows(doc: _Doc, numbers: _Numbers) -> None:
    """``doc``'s rows of :func:`link_scores`: its terms, entities and speakers sorted, and
    their numbers in ``numbers``."""
    import numpy as np

    doc.terms = sorted(doc.vec)
    doc.weights = np.fromiter(map(doc.vec.__getitem__, doc.terms), dtype=np.float64,
                              count=len(doc.terms))
    doc.entity_list = sorted(doc.entities)
    doc.speaker_list = sorted(doc.speakers)
    _number(doc, numbers)


def _number(doc: _Doc, numbers: _Numbers) -> None:
    doc.codes = (numbers.of(doc.terms), numbers.of(doc.entity_list),
                 numbers.of(doc.speaker_list))
    doc.owner = numbers


def link_scores(pairs: Sequence[tuple[_Doc, _Doc]], *, use_entities: bool = True) -> Any:
    """The link scores (see the module docstring) of vectorised document pairs, as a numpy
    array, computed for all of them at once.  Each pair's sums run over its common terms in
    the terms' alphabetical order, so a score does not depend on the other pairs it was
    scored with."""
    import numpy as np

    if not pairs:
        return np.zeros(0)
    rows: dict[str, int] = {}
    docs: list[_Doc] = []
    left = np.empty(len(pairs), dtype=np.int64)
    right = np.empty(len(pairs), dtype=np.int64)
    for k, (a, b) in enumerate(pairs):
        for doc, side in ((a, left), (b, right)):
            row = rows.get(doc.id)
            if row is None:
                row = rows[doc.id] = len(docs)
                docs.append(doc)
            side[k] = row
    return _scores(docs, left, right, use_entities)


def _scores(docs: Sequence[_Doc], left: Any, right: Any, use_entities: bool) -> Any:
    """:func:`link_scores` of the pairs ``(docs[left[k]], docs[right[k]])``."""
    import numpy as np
    from scipy import sparse

    numbers = docs[0].owner
    if numbers is None or any(d.owner is not numbers for d in docs):
        numbers = _Numbers()  # documents made apart (by hand, or in two passes)
        for d in docs:
            if d.weights is None:  # not vectorised by _vectorize
                _sort_rows(d, numbers)
            else:
                _number(d, numbers)
    names = numbers.names

    def matrix(part: int, values: list[Any] | None = None) -> Any:
        """One row per document: its (alphabetically sorted) strings, in the columns of
        their alphabetical order, so each row's entries are in its strings' order."""
        codes = [d.codes[part] for d in docs]  # type: ignore[index]
        sizes = np.fromiter(map(len, codes), dtype=np.int64, count=len(codes))
        indptr = np.zeros(len(codes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        if not indptr[-1]:
            return sparse.csr_matrix((len(codes), 1), dtype=np.float64)
        every = np.concatenate(codes)
        seen = np.zeros(len(names), dtype=bool)  # the strings of these rows, without a sort
        seen[every] = True
        found = np.flatnonzero(seen)
        order = sorted(range(len(found)), key=[names[c] for c in found.tolist()].__getitem__)
        column = np.zeros(len(names), dtype=np.int32)
        column[found[np.asarray(order, dtype=np.int64)]] = np.arange(len(found), dtype=np.int32)
        data = np.concatenate(values) if values else np.ones(int(indptr[-1]))
        return sparse.csr_matrix((data, column[every], indptr), shape=(len(codes), len(found)))

    def common(m: Any) -> Any:
        return np.asarray(m[left].multiply(m[right]).sum(axis=1)).ravel()

    text = common(matrix(0, [d.weights for d in docs]))
    sim = text
    if use_entities:
        ents = matrix(1)
        sizes = np.diff(ents.indptr).astype(np.float64)
        both = (sizes[left] > 0) & (sizes[right] > 0)
        shared = common(ents)
        ent = np.divide(shared, np.sqrt(sizes[left] * sizes[right]), out=np.zeros(len(left)),
                        where=both)
        sim = np.where(both, W_TEXT * text + W_ENTITY * ent, text)
    speakers = common(matrix(2))
    sim = sim + np.where(speakers > 0, SPEAKER_BONUS, 0.0)
    days = np.array([d.date.toordinal() if d.date else -1 for d in docs], dtype=np.float64)
    dated = (days[left] >= 0) & (days[right] >= 0)
    sim = np.where(dated, sim / (1.0 + np.abs(days[left] - days[right]) / TIME_SCALE), sim)
    return np.minimum(sim, 1.0)


def _query_words(doc: _Doc) -> list[str]:
    """A vectorised document's most weighted words (equal weights by the word)."""
    ranked = sorted(zip(doc.terms, doc.weights.tolist(), strict=True),
                    key=lambda tw: (-tw[1], tw[0]))
    return [t for t, _ in ranked if _QUERY_SAFE.match(t)][:QUERY_TERMS]


def _candidates(engine: Any, doc: _Doc) -> list[str]:
    """The :data:`CANDIDATES` best matches of ``doc``'s query words, equal scores by story id
    (:meth:`SearchEngine.match_any`): the same whatever the index's layout, so that a pass
    resumed after a kill links exactly as an uninterrupted one."""
    return _all_candidates(engine, [doc])[0]


def _all_candidates(engine: Any, docs: Sequence[_Doc], threads: int = 1) -> list[list[str]]:
    """:func:`_candidates` of each of ``docs``, asked of the engine in one batch
    (:meth:`SearchEngine.match_many`, on ``threads`` threads)."""
    span = timedelta(days=window())
    words = [_query_words(doc) for doc in docs]
    asks = [(w, doc.date - span if doc.date else None, doc.date + span if doc.date else None)
            for doc, w in zip(docs, words, strict=True) if w]
    answers = iter(engine.match_many(asks, limit=CANDIDATES + 1, threads=threads)
                   if asks else [])
    out: list[list[str]] = []
    for doc, w in zip(docs, words, strict=True):
        hits = next(answers) if w else []
        if isinstance(hits, Exception):  # a failed query means no candidates
            log.warning("thread candidates for %s: %s", doc.id, hits)
            out.append([])
        else:
            out.append([sid for sid, _ in hits if sid != doc.id][:CANDIDATES])
    return out


# -- the incremental pass ----------------------------------------------------------------------


def state_params(use_entities: bool) -> dict[str, Any]:
    return {**params(), "candidates": CANDIDATES, "query_terms": QUERY_TERMS,
            "max_df": MAX_DF, "entities": use_entities, "version": VERSION}


def update(store: Store, engine: Any, *, rebuild: bool = False) -> ThreadReport:
    """Bring ``thread_docs``, ``thread_df`` and ``thread_links`` up to date with the store.

    Only stories changed since the ``threads_seq`` watermark are processed: first their term
    counts are stored (so IDF counts them and they can be candidates of each other), then each
    one's links are computed against the engine's candidates.  ``engine`` must already hold
    these stories (the archive syncs its index first).
    """
    started = time.perf_counter()
    report = ThreadReport()
    use_entities = sql.entities_ready(store)
    wanted = state_params(use_entities)
    seq, stored = sql.thread_state(store)
    built_n = int((stored or {}).get("built_with", 0))
    grown = seq > 0 and sql.count_stories_between(store, None, None) > REGROW * max(built_n, 1)
    if stored is not None:
        stored = {k: v for k, v in stored.items() if k != "built_with"}
    if rebuild or grown or (stored is not None and stored != wanted) or (
            stored is None and seq):
        why = "asked" if rebuild else "the archive grew" if grown else "parameters changed"
        log.info("rebuilding story threads (%s)", why)
        sql.begin(store)
        try:
            sql.thread_clear(store)
            sql.commit(store)
        except BaseException:
            sql.rollback(store)
            raise
        seq, report.rebuilt, built_n = 0, True, 0
    target = store.max_seq()
    if seq >= target:
        report.seconds = time.perf_counter() - started
        return report
    tokenize = Tokenizer()
    dated: list[tuple[date | None, str]] = []
    # 1. term counts, entities and speakers of every changed story; document frequencies
    batch: list[StoredStory] = []
    for story in store.iter_stories(include_duplicates=True, after_seq=seq, with_quotes=False):
        if story.seq > target:
            break
        batch.append(story)
        if len(batch) >= BATCH:
            dated += _store_docs(store, batch, tokenize, use_entities, report)
            batch = []
    if batch:
        dated += _store_docs(store, batch, tokenize, use_entities, report)
    # 2. links of each changed story to its candidates, in the order of their dates: the
    # candidates of neighbouring seeds are much the same stories (all within the window of
    # days), so the documents read for one batch serve the next ones
    pending = [sid for _, sid in sorted(dated, key=lambda d: (d[0] or date.min, d[1]))]
    report.links += _link_batches(store, engine, pending, _Idf(store), use_entities)
    if not built_n:  # a first pass or a rebuild: IDF was right for this many stories
        built_n = sql.count_stories_between(store, None, None)
    sql.thread_set_state(store, target, {**wanted, "built_with": built_n})
    report.processed = len(pending)
    report.seconds = time.perf_counter() - started
    log.info("threads: %d stories linked (%d links), %d removed in %.1f s", report.processed,
             report.links, report.removed, report.seconds)
    return report


def _store_docs(store: Store, stories: Sequence[StoredStory], tokenize: Tokenizer,
                use_entities: bool, report: ThreadReport) -> list[tuple[date | None, str]]:
    """Store the documents of ``stories`` (forget those now duplicates); returns the (date,
    id) of each stored one."""
    live = [s for s in stories if not s.duplicate_of]
    dead = [s.id for s in stories if s.duplicate_of]
    ids = [s.id for s in live]
    speakers = sql.speakers_of(store, ids)
    entities = sql.entities_of_stories(store, ids) if use_entities else {}
    korean = store.korean_search_terms([(s.id, s.revision) for s in live])
    docs = []
    for s in live:
        counts = Counter(_words(tokenize, s, korean.get((s.id, s.revision))))
        docs.append((s.id, s.date, dict(counts), sorted(entities.get(s.id, ())),
                     sorted(speakers.get(s.id, ()))))
    sql.begin(store)
    try:
        report.removed += sql.thread_forget(store, dead)
        sql.thread_put_docs(store, docs)
        sql.commit(store)
    except BaseException:
        sql.rollback(store)
        raise
    return [(s.date, s.id) for s in live]


def _load_docs(store: Store, ids: Iterable[str], cache: OrderedDict[str, _Doc]
               ) -> dict[str, _Doc]:
    """The documents ``ids`` (those stored), from ``cache`` or read into it.  The cache keeps
    the :data:`_DOC_CACHE` documents used last: the pass goes through the seeds by date, so
    the candidates of the next batches are mostly those of the last ones."""
    ids = list(dict.fromkeys(ids))
    missing = []
    for i in ids:
        if i in cache:
            cache.move_to_end(i)
        else:
            missing.append(i)
    found = {sid: _Doc(sid, day, counts, frozenset(ents), frozenset(spk))
             for sid, day, counts, ents, spk in sql.thread_get_docs(store, missing)
             } if missing else {}
    out = {i: d for i in ids if (d := cache.get(i) or found.get(i)) is not None}
    cache.update(found)
    while len(cache) > _DOC_CACHE:
        cache.popitem(last=False)
    return out


def _link_batch(store: Store, engine: Any, chunk: Sequence[str], idf: _Idf,
                cache: OrderedDict[str, _Doc], use_entities: bool) -> int:
    """Links of the stories ``chunk`` to their candidates, stored; returns how many."""
    seeds = _seeds(store, chunk, idf, cache)
    return _link(store, seeds, _all_candidates(engine, list(seeds.values())), idf, cache,
                 use_entities)


def _link_batches(store: Store, engine: Any, pending: Sequence[str], idf: _Idf,
                  use_entities: bool) -> int:
    """:func:`_link_batch` of ``pending`` in batches of :data:`BATCH`.  On a large index
    (:data:`OVERLAP_FROM`) the candidate searches of a batch run on two threads (tantivy
    searches outside the GIL) while the links of the batch before are scored and stored: both
    cores busy.  The links are the same either way."""
    from concurrent.futures import ThreadPoolExecutor

    cache: OrderedDict[str, _Doc] = OrderedDict()
    links = 0
    if engine.doc_count() < OVERLAP_FROM:
        for i in range(0, len(pending), BATCH):
            links += _link_batch(store, engine, pending[i : i + BATCH], idf, cache, use_entities)
        return links
    with ThreadPoolExecutor(1, thread_name_prefix="dateline-candidates") as ahead:
        before = None
        for i in range(0, len(pending), BATCH):
            seeds = _seeds(store, pending[i : i + BATCH], idf, cache)
            searching = ahead.submit(_all_candidates, engine, list(seeds.values()), 2)
            if before is not None:
                links += _link(store, before[0], before[1].result(), idf, cache, use_entities)
            before = (seeds, searching)
        if before is not None:
            links += _link(store, before[0], before[1].result(), idf, cache, use_entities)
    return links


def _seeds(store: Store, chunk: Sequence[str], idf: _Idf,
           cache: OrderedDict[str, _Doc]) -> dict[str, _Doc]:
    """The documents of the stories ``chunk``, vectorised.  (A cache lives for one pass, whose
    documents were all stored before it starts: what it holds is current.)"""
    seeds = _load_docs(store, chunk, cache)
    idf.load(t for d in seeds.values() for t in d.counts)
    for doc in seeds.values():
        _vectorize(doc, idf)
    return seeds


def _link(store: Store, seeds: dict[str, _Doc], candidates: list[list[str]], idf: _Idf,
          cache: OrderedDict[str, _Doc], use_entities: bool) -> int:
    """Score each seed against its candidates (in the order of ``seeds``) and store the links
    that reach :data:`THRESHOLD`; returns how many."""
    import numpy as np

    wanted = dict(zip(seeds, candidates, strict=True))
    others = _load_docs(store, (c for cs in wanted.values() for c in cs), cache)
    idf.load(t for d in others.values() if d.weights is None for t in d.counts)
    for other in others.values():
        _vectorize(other, idf)
    docs = list(seeds.values())
    rows = {d.id: i for i, d in enumerate(docs)}
    for sid, other in others.items():
        if sid not in rows:
            rows[sid] = len(docs)
            docs.append(other)
    left: list[int] = []
    right: list[int] = []
    for sid, cands in wanted.items():
        found = [rows[c] for c in cands if c in others]
        left += [rows[sid]] * len(found)
        right += found
    scores = (_scores(docs, np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64),
                      use_entities) if left else np.zeros(0))
    links = [(docs[left[k]].id, docs[right[k]].id, float(scores[k]))
             for k in np.flatnonzero(scores >= THRESHOLD).tolist()]
    sql.begin(store)
    try:
        sql.thread_add_links(store, links)
        sql.commit(store)
    except BaseException:
        sql.rollback(store)
        raise
    return len(links)


def relink(store: Store, engine: Any, story_ids: Sequence[str]) -> ThreadReport:
    """Compute the documents and links of these stories again, now, against the whole archive
    (``dateline thread ID --refresh``: the stories of one thread, not every story).  The pass
    must have run (:func:`update`): the document frequencies are the archive's."""
    started = time.perf_counter()
    report = ThreadReport()
    use_entities = sql.entities_ready(store)
    stories = [s for s in sql.stories_by_ids(store, story_ids) if not s.duplicate_of]
    ids = [sid for _, sid in _store_docs(store, stories, Tokenizer(), use_entities, report)]
    report.links = _link_batch(store, engine, ids, _Idf(store), OrderedDict(), use_entities)
    report.processed = len(ids)
    report.seconds = time.perf_counter() - started
    return report


def nearest(store: Store, engine: Any, story_id: str, n: int = 3) -> list[ThreadStory]:
    """The stories closest to ``story_id`` by the link score, linked or not (what a thread of
    one story could have held: their scores fall under :data:`THRESHOLD`); best first."""
    seed_id = sql.original_of(store, story_id)
    idf = _Idf(store)
    cache: OrderedDict[str, _Doc] = OrderedDict()
    seed = _load_docs(store, [seed_id], cache).get(seed_id)
    if seed is None:
        return []
    idf.load(seed.counts)
    _vectorize(seed, idf)
    others = _load_docs(store, _candidates(engine, seed), cache)
    idf.load(t for d in others.values() for t in d.counts)
    use_entities = sql.entities_ready(store)
    for doc in others.values():
        _vectorize(doc, idf)
    pairs = [(seed, doc) for doc in others.values()]
    scores = link_scores(pairs, use_entities=use_entities)
    scored = sorted(((float(score), doc.id) for (_, doc), score in zip(pairs, scores,
                                                                        strict=True)),
                    reverse=True)[:n]
    heads = sql.story_headers(store, [sid for _, sid in scored])
    derived = derived_titles(store, [sid for sid, (_, t) in heads.items() if not t])
    out = []
    for score, sid in scored:
        day, title = heads.get(sid, (None, None))
        out.append(ThreadStory(sid, day, title or derived.get(sid), score, seed_id, 1,
                               not title and sid in derived))
    return out


# -- reading a thread --------------------------------------------------------------------------


def thread(store: Store, story_id: str, *, threshold: float = THRESHOLD,
           max_hops: int = MAX_HOPS, hop_penalty: float = HOP_PENALTY,
           max_stories: int = MAX_STORIES) -> Thread:
    """The thread of ``story_id`` (a duplicate's thread is its original's), from the stored
    links: one indexed lookup per hop."""
    seed_id = sql.original_of(store, story_id)
    members: dict[str, ThreadStory] = {seed_id: ThreadStory(seed_id, None, None, 1.0, None, 0)}
    frontier = [seed_id]
    for hop in range(1, max_hops + 1):
        need = threshold + hop_penalty * (hop - 1)
        order = {m: i for i, m in enumerate(frontier)}
        found: dict[str, ThreadStory] = {}
        rows = sorted(sql.thread_links_of(store, frontier, need),
                      key=lambda r: (order[r[0]], r[1]))
        for mid, cid, score in rows:
            if cid in members:
                continue
            if cid not in found or found[cid].score < score:
                found[cid] = ThreadStory(cid, None, None, score, mid, hop)
        if not found:
            break
        room = max_stories - len(members)
        best = sorted(found.values(), key=lambda s: (-s.score, s.id))[: max(0, room)]
        members.update((s.id, s) for s in best)
        frontier = [s.id for s in best]
        if len(members) >= max_stories:
            break
    heads = sql.story_headers(store, list(members))
    derived = derived_titles(store, [sid for sid, (_, title) in heads.items() if not title])
    stories = []
    for sid, member in members.items():
        if sid not in heads:  # gone or now a duplicate: the links lag the store
            continue
        member.date, member.title = heads[sid]
        if not member.title and sid in derived:
            member.title, member.title_derived = derived[sid], True
        stories.append(member)
    stories.sort(key=lambda s: (s.date or date.min, s.id))
    return Thread(seed_id, stories, params())
