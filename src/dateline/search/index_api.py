"""The archive's full-text index: kept current from the store's change sequence, rebuilt on
demand, fed the documents of :mod:`dateline.indexing` (a mixin of :class:`dateline.Archive`)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.enrich.api import QUOTES_DIR
from dateline.errors import PermissionDenied
from dateline.model import IndexRow, StoredStory
from dateline.node import Marks, StoreMarks

if TYPE_CHECKING:
    from dateline.search.base import IndexDoc, SearchEngine
    from dateline.search.korean_words import KoreanWords
    from dateline.store import Store
    from dateline.store.entities import EntityStore

INDEX_WATERMARK = "index_seq"
#: server mode: the enrichment sequence up to which this machine's index has the entity facts
INDEX_ENRICH_WATERMARK = "index_enrich_seq"
INDEX_DIR = "index"
_INDEX_CHUNK = 500  # stories read from the store and handed to the engine at a time


class IndexMixin:
    """The full-text index of :class:`dateline.Archive`: its engine, the Korean analysis and
    words it reads, the passes that keep it current and the rebuild."""

    if TYPE_CHECKING:
        store: Store
        path: Path
        readonly: bool
        korean_words: KoreanWords
        _engine: SearchEngine | None
        _marks: Marks
        _entities: EntityStore
        _index_current_at: Any

        @property
        def server(self) -> bool: ...
        def _indexing(self, name: str) -> AbstractContextManager[None]: ...
        def _indexes_writable(self) -> bool: ...
        def setting(self, name: str, override: Any = None) -> Any: ...
        def _doc_entities(self, ids: list[str]) -> dict[str, dict[str, list[str]]]: ...
        def reindex_quotes(self) -> int: ...
        def reindex_vectors(self) -> Any: ...


    @property
    def engine(self) -> SearchEngine:
        if self._engine is None:
            self._engine = self._open_engine()
        return self._engine

    def _open_engine(self, folder: str = INDEX_DIR, *, recreate: bool = False,
                     writer_memory: int | None = None) -> SearchEngine:
        """The archive's engine (the ``engine`` setting) on its index folder ``folder``."""
        from dateline.search import get_engine

        return get_engine(self.setting("engine"))(self.path / folder, recreate=recreate,
                                                  writer_memory=writer_memory)

    def analyze_korean(self) -> int:
        """Analyse the Korean text of stories changed since the last pass, once, and keep the
        result: the entity enricher and the indexes read it instead of analysing again."""
        from dateline.enrich.korean_terms import KoreanAnalysis

        if self.readonly:
            return 0
        with self.store.backend.lock("korean"):  # one pass at a time (server mode)
            return KoreanAnalysis(self.store, words=self.korean_words).run()

    def learn_korean_words(self) -> int:
        """Fill the word file (:mod:`dateline.search.korean_words`) from every stored story with
        Korean text; returns how many words were new.  Ingest keeps it current on its own:
        this is for an archive whose file was deleted or made by another analyser."""
        from dateline.enrich.korean_terms import korean_texts

        learnt = 0
        batch: list[str] = []
        for story in self.store.iter_stories(with_quotes=False):
            batch.extend(korean_texts(story))
            if len(batch) >= 2_000:
                learnt += self.korean_words.learn(batch)
                batch = []
        return learnt + self.korean_words.learn(batch)

    def index_docs(self, stories: list[StoredStory]) -> list[IndexDoc]:
        """What the engine indexes for each story: the story, its quotes and speakers, the
        canonical names of the entities it mentions, and its Korean terms."""
        return self._index_docs([s.to_index_row() for s in stories])

    def _index_docs(self, rows: list[IndexRow]) -> list[IndexDoc]:
        """:meth:`index_docs` of what the index needs of stories, reading quotes, names and
        Korean terms for the whole list in a few queries."""
        from dateline import indexing

        return indexing.index_docs(self.store, rows, self._doc_entities)

    def sync_index(self) -> int:
        """Send stories changed since the index watermark to the engine; returns how many.

        The engine commits before the watermark moves, so a crash in between only means some
        stories are sent again next time (adding is idempotent).  One pass covers the changes up
        to the store's sequence at its start, so each story comes at most once in it: into an
        empty index the engine may then add without replacing.
        """
        if not self._indexes_writable():
            return 0
        # Searches call this every time: while the store is as it was when the index was last
        # found current, one pragma (or query) answers instead of the watermark query.
        stamp = self.store.change_stamp()
        if stamp == self._index_current_at:
            return 0
        if not self.server:
            sent = self._sync_index()
        else:
            with self._indexing(INDEX_DIR):
                sent = self._sync_enriched() + self._sync_index()
        if not sent:
            self._index_current_at = stamp
        return sent

    def update_titles(self) -> int:
        """Derive the titles of untitled stories changed since the last pass
        (:mod:`dateline.store.titles`); returns how many were derived."""
        from dateline.store import titles

        if self.readonly or self.store.readonly:
            return 0
        with self.store.backend.lock("titles"):  # server mode: one pass at a time
            return titles.update(self.store)

    def _sync_index(self) -> int:
        """:meth:`sync_index` of the stories changed since the watermark."""
        if isinstance(self._marks, StoreMarks):
            watermark, upto = self.store.watermark_and_seq(INDEX_WATERMARK)
        else:
            watermark, upto = self._marks.get(INDEX_WATERMARK), self.store.max_seq()
        if upto <= watermark:
            return 0
        self.update_titles()  # hits show them: derived once here, not at every search
        engine = self.engine
        new = engine.doc_count() == 0
        commit_every = self.setting("index_batch")
        sent = committed = 0
        chunk: list[IndexRow] = []

        def send() -> None:
            # Small chunks keep the engine's indexing threads busy while the next chunk is read.
            if chunk:
                engine.add(self._index_docs(chunk), new=new)
                chunk.clear()

        def commit(seq: int) -> None:
            send()
            engine.commit()
            self._marks.set(INDEX_WATERMARK, seq)

        last = watermark
        for row in self.store.iter_index_rows(include_duplicates=True, after_seq=watermark,
                                              upto_seq=upto):
            if row.duplicate_of:
                engine.delete([row.id])
            else:
                chunk.append(row)
            last = row.seq
            sent += 1
            if len(chunk) >= _INDEX_CHUNK:
                send()
            if sent - committed >= commit_every:
                commit(last)
                committed = sent
        if sent > committed:
            commit(last)
        return sent

    def _sync_enriched(self) -> int:
        """Server mode: send again the indexed stories whose entity facts changed since this
        machine last looked (an enricher, a merge or a split, on any machine, wrote them:
        their canonical names are in the index).  Stories not yet indexed come with
        :meth:`_sync_index`, facts and all."""
        from dateline.store.sqlite import chunks

        mark = self._marks.get(INDEX_ENRICH_WATERMARK)
        top = self._entities.max_seq()
        if top <= mark:
            return 0
        indexed = self._marks.get(INDEX_WATERMARK)
        ids = self._entities.stories_enriched(mark, top, upto_story_seq=indexed)
        sent = 0
        for part in chunks(ids):
            rows = [r for r in self.store.index_rows_of(list(part)) if not r.duplicate_of]
            if rows:
                self.engine.add(self._index_docs(rows))
                sent += len(rows)
        self.engine.commit()
        self._marks.set(INDEX_ENRICH_WATERMARK, top)
        return sent

    def reindex(self) -> int:
        """Rebuild the full-text index (and the quote index, when the archive has one) from the
        store; returns the number of stories indexed.  Indexes built by an older version of
        the engine's schema are rebuilt, not refused."""
        if not self._indexes_writable():
            raise PermissionDenied("this archive is open read-only")
        with self._indexing(INDEX_DIR):
            if self._engine is None:
                self._engine = self._open_engine(recreate=True)
            self.engine.clear()
            self.engine.commit()
            self._marks.set(INDEX_WATERMARK, 0)
            if self.server:
                self._marks.set(INDEX_ENRICH_WATERMARK, 0)
        self._index_current_at = None
        indexed = self.sync_index()
        if (self.path / QUOTES_DIR).exists():
            self.reindex_quotes()
        self.reindex_vectors()
        self.learn_korean_words()
        return indexed
