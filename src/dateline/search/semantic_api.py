"""The semantic side of :class:`dateline.Archive` (mixed into it): building vectors, semantic
and hybrid search, and "more like this".

Flow: :meth:`SemanticMixin.embed` reads the stories changed since the model's watermark (the
store's change sequence, as the full-text index does), cuts each into passages, embeds them
with the archive's model (the ``embedding_model`` setting) and writes them to the model's
vector index; every ``checkpoint`` stories it saves the index, then moves the watermark, so a
killed pass loses at most that much work and the next pass redoes it to the same result.
Searches never embed stories: they say how many are not embedded yet.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.errors import InputError, PermissionDenied
from dateline.model import IndexRow, StoredStory

if TYPE_CHECKING:
    from dateline.enrich.embedding import Embedder
    from dateline.node import Marks
    from dateline.runner import Runner
    from dateline.search.base import Hit, SearchEngine, SearchResults
    from dateline.search.fusion import SplitQuery
    from dateline.search.vectors import VectorIndex
    from dateline.store import Store
    from dateline.store.embeddings import EmbeddingStore

log = logging.getLogger(__name__)

#: stories embedded between two saves of the vector index (a kill loses at most these)
CHECKPOINT = 20_000
#: passages embedded per call of the model
_EMBED_BATCH = 512
#: stories semantic search ranks (and each leg of hybrid search, before fusion): pages go
#: this deep, further when asked
RANK_DEPTH = 100
#: a filter matching at most this many stories has them all compared exactly
EXACT_LIMIT = 500
#: passages the nearest-neighbour search reaches at most while filters leave too few stories
WIDEN_LIMIT = 20_000


@dataclass(slots=True)
class EmbedProgress:
    done: int
    total: int
    passages: int
    seconds: float


class SemanticMixin:
    """Embedding, semantic/hybrid search and similar stories for Archive."""

    if TYPE_CHECKING:
        store: Store
        path: Path
        readonly: bool
        _marks: Marks

        def _indexing(self, name: str) -> AbstractContextManager[None]: ...

        @property
        def engine(self) -> SearchEngine: ...
        def setting(self, name: str, override: Any = None) -> Any: ...
        def get(self, story_id: str) -> StoredStory: ...
        def sync_index(self) -> int: ...

    # -- parts --------------------------------------------------------------------------------

    def embedder(self, model: str | None = None) -> Embedder:
        """The embedding model (the ``embedding_model`` setting unless named)."""
        from dateline.enrich.embedding import get_embedder

        return get_embedder(model or self.setting("embedding_model"))

    def _vectors(self, model: Embedder) -> tuple[VectorIndex, EmbeddingStore]:
        from dateline.search.vectors import VECTORS_DIR, VectorIndex, folder_name
        from dateline.store.embeddings import EmbeddingStore

        cache: dict[str, Any] = self.__dict__.setdefault("_vector_indexes", {})
        if model.key not in cache:
            cache[model.key] = VectorIndex(self.path / VECTORS_DIR / folder_name(model.key),
                                           model.key, model.dim)
        # server mode: the watermark is this machine's, like its vector index
        marks = self._marks if getattr(self, "server", False) else None
        return cache[model.key], EmbeddingStore(self.store.conn, model.key, marks)

    # -- building -----------------------------------------------------------------------------

    def embed(self, *, model: str | None = None, rebuild: bool = False,
              checkpoint: int = CHECKPOINT,
              progress: Callable[[EmbedProgress], None] | None = None,
              runner: Runner | None = None) -> EmbedProgress:
        """Embed the stories changed since the last pass (``rebuild``: all of them, into a new
        index); returns what was done.  Safe to kill: the next pass goes on from the last
        checkpoint.  ``runner``: where the model runs (this process unless given); the
        vectors are written here, in order."""
        from collections import deque

        from dateline import tasks
        from dateline.enrich.embedding import passage_texts
        from dateline.runner import InProcessRunner
        from dateline.search.vectors import passage_key

        if self.readonly:
            raise PermissionDenied("this archive is open read-only")
        emb = self.embedder(model)
        vi, es = self._vectors(emb)
        started = time.perf_counter()
        remote = runner is not None and not isinstance(runner, InProcessRunner)
        where: Runner = runner if runner is not None and remote else InProcessRunner()
        task = (tasks.embed_passages if remote
                else (lambda batch: _embed_all(emb, batch[1])))
        # server mode: the processes of one machine take turns with its vector index
        with self._indexing("vectors"), vi.writing(fresh=rebuild):
            if rebuild:
                es.clear()
            watermark, upto = es.watermark(), self.store.max_seq()
            total = es.behind()
            done = passages = since_save = 0
            sent: deque[tuple[list[IndexRow], list[int]]] = deque()

            def prepare(rows: list[IndexRow]) -> tuple[str, list[str], int]:
                texts: list[str] = []
                counts: list[int] = []
                for r in rows:
                    if not r.duplicate_of:
                        ps, _ = passage_texts(r.title, r.text, emb.passage_chars)
                        texts.extend(ps)
                        counts.append(len(ps))
                sent.append((rows, counts))
                return emb.key, texts, _EMBED_BATCH

            def batches() -> Iterator[tuple[str, list[str], int]]:
                todo: list[IndexRow] = []
                for row in self.store.iter_index_rows(include_duplicates=True,
                                                      after_seq=watermark, upto_seq=upto):
                    todo.append(row)
                    if len(todo) >= 256:
                        yield prepare(todo)
                        todo = []
                if todo:
                    yield prepare(todo)

            def store(rows: list[IndexRow], counts: list[int], vectors: Any) -> int:
                dups = [r.id for r in rows if r.duplicate_of]
                live = [r for r in rows if not r.duplicate_of]
                gone = es.forget(dups)
                nums = es.record([(r.id, r.revision, n)
                                  for r, n in zip(live, counts, strict=True)])
                old = [passage_key(num, p) for num, n in gone.values() for p in range(n)]
                old += [passage_key(nums[r.id][0], p) for r in live
                        for p in range(nums[r.id][1])]
                vi.remove(old)
                keys = [passage_key(nums[r.id][0], p)
                        for r, n in zip(live, counts, strict=True) for p in range(n)]
                vi.add(keys, vectors)
                return len(keys)

            def save(seq: int) -> None:
                vi.save()
                es.set_watermark(seq)

            last = watermark
            for vectors in where.map(task, batches()):
                if remote:  # an array of our own: the vector index refuses wire buffers
                    import numpy as np

                    vectors = np.array(vectors, dtype=np.float32)
                rows, counts = sent.popleft()
                passages += store(rows, counts, vectors)
                last = rows[-1].seq
                done += len(rows)
                since_save += len(rows)
                if since_save >= checkpoint:
                    save(last)
                    since_save = 0
                if progress:
                    progress(EmbedProgress(done, total, passages,
                                           time.perf_counter() - started))
            if last != watermark or rebuild:
                save(last)
        result = EmbedProgress(done, total, passages, time.perf_counter() - started)
        if progress:
            progress(result)
        return result

    def reindex_vectors(self) -> int:
        """Rebuild the vector index of the archive's model when it has one; returns the
        stories embedded (0: no vector index)."""
        from dateline.search.vectors import VECTORS_DIR, folder_name

        emb = self.embedder()
        if not (self.path / VECTORS_DIR / folder_name(emb.key)).exists():
            return 0
        return self.embed(rebuild=True).done

    def embed_status(self, model: str | None = None) -> dict[str, Any]:
        """The model, how many stories it has embedded, how many are not embedded yet, and the
        size of its vector index."""
        emb = self.embedder(model)
        vi, es = self._vectors(emb)
        return {"model": emb.key, "embedded": es.count(), "not_embedded": es.behind(),
                "passages": len(vi), "index_bytes": vi.size_bytes()}

    # -- searching ----------------------------------------------------------------------------

    def _nearest(self, emb: Embedder, vectors: Any, want: int, split: SplitQuery | None,
                 date_from: date | None, date_to: date | None,
                 exclude: frozenset[str] = frozenset()) -> list[tuple[str, float, int]]:
        """The stories nearest ``vectors`` (a story scores its best passage against any of
        them) that pass the filters: ``(id, similarity, passage)``, best first, at most
        ``want``.  A filter matching few stories (at most :data:`EXACT_LIMIT`) has them all
        compared exactly; a broader one sifts a nearest-neighbour list fetched as wide as
        its share of the archive asks (and wider while too few pass)."""
        from dateline.search.fusion import filters_query
        from dateline.search.query import And, DateRange, Query

        vi, es = self._vectors(emb)
        flt = filters_query(split) if split is not None else None
        if date_from is not None or date_to is not None:
            dates = DateRange(date_from, date_to)
            flt = Query(dates if flt is None else And((flt.root, dates)), "")
        size = len(vi)
        k = max(want * 3, 30) + len(exclude)
        if flt is not None:
            # how many stories pass (a count is cheap): few are compared exactly, more set
            # how wide the nearest-neighbour search must reach for enough of them to pass
            count = self.engine.search(flt, limit=1, snippets=False, facets=False).total
            if count <= EXACT_LIMIT:
                matching = self.engine.search(flt, limit=max(count, 1), snippets=False,
                                              facets=False)
                ids = [h.id for h in matching.hits if h.id not in exclude]
                return self._exact(emb, vectors, ids, want)
            share = count / max(1, self.engine.doc_count())
            k = min(size, WIDEN_LIMIT, int(k / max(share, 1e-3) * 1.5))
        while True:
            best = vi.nearest_stories(vectors, k)
            by_num = es.stories_of(list(best))
            found = [(by_num[n], s, p) for n, (s, p) in best.items()
                     if n in by_num and by_num[n] not in exclude]
            if flt is not None and found:
                ok = self.engine.filter_ids([f[0] for f in found], flt)
                found = [f for f in found if f[0] in ok]
            if len(found) >= want or k >= min(size, WIDEN_LIMIT):
                break
            k = min(size, WIDEN_LIMIT, k * 4)
        found.sort(key=lambda f: (-f[1], f[0]))
        return found[:want]

    def _exact(self, emb: Embedder, vectors: Any, ids: list[str], want: int
               ) -> list[tuple[str, float, int]]:
        """Every passage of the stories ``ids`` compared with ``vectors``: the best ``want``."""
        import numpy as np

        from dateline.search.vectors import passage_key

        vi, es = self._vectors(emb)
        nums = es.numbers(ids)
        keys = [(sid, p, passage_key(num, p)) for sid, (num, n) in nums.items()
                for p in range(n)]
        if not keys:
            return []
        stored = vi.vectors([k for _, _, k in keys])
        rows = [i for i, v in enumerate(stored) if v is not None]
        if not rows:
            return []
        mat = np.stack([stored[i] for i in rows]).astype(np.float32)
        mat /= np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
        sims = (mat @ np.atleast_2d(vectors).T).max(axis=1)
        best: dict[str, tuple[float, int]] = {}
        for i, sim in zip(rows, sims.tolist(), strict=True):
            sid, passage, _ = keys[i]
            if sid not in best or sim > best[sid][0]:
                best[sid] = (sim, passage)
        found = sorted(((sid, s, p) for sid, (s, p) in best.items()),
                       key=lambda f: (-f[1], f[0]))
        return found[:want]

    def _semantic_search(self, query: str, mode: str, *, date_from: date | None,
                         date_to: date | None, limit: int, offset: int, facets: bool,
                         snippets: bool) -> SearchResults:
        from dateline.search.base import SearchResults
        from dateline.search.fusion import any_words, fuse, split_query
        from dateline.search.query import parse

        t0 = time.perf_counter()
        parsed = parse(query)
        split = split_query(parsed)
        warnings = list(parsed.warnings)
        if not split.words:
            warnings.append(f"{mode} search needs words to look for: searched by keyword")
            res = self.engine.search(parsed, date_from=date_from, date_to=date_to,
                                     limit=limit, offset=offset, facets=facets,
                                     snippets=snippets)
            res.warnings = warnings + res.warnings
            return res
        emb = self.embedder()
        vi, es = self._vectors(emb)
        behind = es.behind()
        if behind:
            warnings.append(f"{behind} stories are not embedded yet: run `dateline embed`")
        if len(vi) == 0:  # nothing to compare with: spare loading the model
            return SearchResults(hits=[], total=0, warnings=warnings, mode=mode,
                                 took_ms=(time.perf_counter() - t0) * 1000, not_embedded=behind)
        want = offset + limit
        depth = max(RANK_DEPTH, want)
        # filtering candidates costs a full-text lookup per candidate: with filters, the
        # semantic ranking goes two pages deep instead of RANK_DEPTH
        filtered = (split.filters is not None or date_from is not None
                    or date_to is not None)
        qv = emb.embed_queries([split.text])
        near = self._nearest(emb, qv, max(2 * want, 30) if filtered else depth, split,
                             date_from, date_to)
        passage_of: dict[str, int | None] = {sid: p for sid, _, p in near}
        if mode == "hybrid":
            # the keyword leg ranks only: snippets are made for the page alone, below
            kw = self.engine.search(any_words(split) or parsed, date_from=date_from,
                                    date_to=date_to, limit=depth, facets=False,
                                    snippets=False)
            warnings += kw.warnings
            ranked = fuse([[h.id for h in kw.hits], [sid for sid, _, _ in near]])
        else:
            ranked = [(sid, sim) for sid, sim, _ in near]
        page = ranked[offset:offset + limit]
        hits = self._semantic_hits(emb, [(sid, score, passage_of.get(sid)) for sid, score in page],
                                   split, snippets)
        return SearchResults(hits=hits, total=len(ranked), facets={},
                             warnings=warnings, took_ms=(time.perf_counter() - t0) * 1000,
                             mode=mode, not_embedded=behind)

    def _semantic_hits(self, emb: Embedder, found: list[tuple[str, float, int | None]],
                       split: SplitQuery | None, snippets: bool) -> list[Hit]:
        """Hits for ``(story id, score, passage)``: the snippet is the passage that matched
        (``None``: a keyword match, the stretch of text with most of the query's words), its
        words in common with the query marked.  One store query for them all."""
        from dateline.search.base import Hit
        from dateline.search.plan import normalize_language

        _, es = self._vectors(emb)
        rows = es.hit_rows([sid for sid, _, _ in found])
        hits = []
        for sid, score, passage in found:
            if sid not in rows:
                continue
            title, day, program, language, text = rows[sid]
            snips = ([_passage_snippet(text, title, emb.passage_chars, passage, split)]
                     if snippets else [])
            hits.append(Hit(sid, score, day, title, program, normalize_language(language),
                            snips))
        return hits

    def similar(self, story_id: str, *, limit: int = 10, query: str | None = None,
                date_from: date | None = None, date_to: date | None = None) -> SearchResults:
        """Stories nearest in meaning to a story ("more like this"): its passages are
        embedded and each other story scores its best passage against any of them.  The
        story and its duplicates are left out; ``query`` filters as in a search."""
        from dateline.enrich.embedding import passage_texts
        from dateline.search.base import SearchResults
        from dateline.search.fusion import split_query
        from dateline.search.query import parse

        t0 = time.perf_counter()
        story = self.get(story_id)
        emb = self.embedder()
        vi, es = self._vectors(emb)
        behind = es.behind()
        warnings = ([f"{behind} stories are not embedded yet: run `dateline embed`"]
                    if behind else [])
        if len(vi) == 0:  # nothing to compare with: spare loading the model
            return SearchResults(hits=[], total=0, warnings=warnings, mode="semantic",
                                 took_ms=(time.perf_counter() - t0) * 1000, not_embedded=behind)
        texts, _ = passage_texts(story.title, story.indexed_text(), emb.passage_chars)
        if not texts:
            raise InputError(f"story {story.id} has no text to compare")
        split = split_query(parse(query)) if query else None
        exclude = frozenset([story.id, *self.store.duplicates_of(story.id)])
        limit = max(1, min(int(limit), self.setting("max_page_size")))
        near = self._nearest(emb, emb.embed_passages(texts[:8]), limit, split, date_from,
                             date_to, exclude)
        hits = self._semantic_hits(emb, [(sid, sim, p) for sid, sim, p in near], None, True)
        return SearchResults(hits=hits, total=len(hits), warnings=warnings,
                             took_ms=(time.perf_counter() - t0) * 1000, mode="semantic",
                             not_embedded=behind)


def _embed_all(emb: Embedder, texts: list[str]) -> Any:
    import numpy as np

    if not texts:
        return np.zeros((0, emb.dim), dtype=np.float32)
    return np.concatenate([emb.embed_passages(texts[i:i + _EMBED_BATCH])
                           for i in range(0, len(texts), _EMBED_BATCH)])


def _passage_snippet(text: str, title: str | None, size: int, passage: int | None,
                     split: SplitQuery | None) -> str:
    """The passage that matched (``None``: the whole text), its words in common with the
    query marked; the snippet window goes where the marks are."""
    import re

    from dateline.enrich.embedding import passage_spans
    from dateline.search import snippets as snip

    if passage is None:
        fragment = text
    else:
        spans = passage_spans(text, size)
        if not spans:
            return snip.lead(title or "")
        a, b = spans[min(passage, len(spans) - 1)]
        fragment = text[a:b]
    marks = []
    for word in (w.text for w in split.words) if split is not None else ():
        if word.isascii() and len(word) < 3:
            continue  # "of", "in": marking them would say nothing
        pattern = rf"\b{re.escape(word)}" if word.isascii() else re.escape(word)
        marks += [(m.start(), m.end()) for m in re.finditer(pattern, fragment, re.IGNORECASE)]
    return snip.snippet(fragment, marks)
