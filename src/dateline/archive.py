"""``Archive``: the one object the CLI, the web app and library users talk to.

An archive is a folder: ``dateline.sqlite`` (the store of record) and ``index/`` (the full-text
index, derived from the store and rebuildable with :meth:`Archive.reindex`).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from dateline import settings
from dateline.analysis.api import AnalysisMixin
from dateline.enrich.api import QUOTES_DIR, QUOTES_WATERMARK, EntitiesMixin
from dateline.errors import ArchiveNotFound, InputError, PermissionDenied
from dateline.model import IndexRow, StoredStory
from dateline.search import korean
from dateline.search.korean_words import KoreanWords
from dateline.search.semantic_api import SemanticMixin
from dateline.search.vectors import VECTORS_DIR
from dateline.store import DB_NAME, RejectRow, Store

if TYPE_CHECKING:
    from dateline.ingest import IngestReport, Progress
    from dateline.readers import ReaderOptions
    from dateline.rebuild import RebuildReport
    from dateline.search.base import IndexDoc, SearchEngine, SearchResults
    from dateline.store.ingest_warnings import WarningRow

log = logging.getLogger(__name__)

INDEX_WATERMARK = "index_seq"
INDEX_DIR = "index"
#: folders of the archive derived from the store and made again from it when lost
DERIVED_DIRS = (INDEX_DIR, QUOTES_DIR, VECTORS_DIR)
_INDEX_CHUNK = 500  # stories read from the store and handed to the engine at a time


class Archive(EntitiesMixin, AnalysisMixin, SemanticMixin):
    """A dateline archive folder.

    >>> archive = Archive("kbs.dateline", create=True)      # doctest: +SKIP
    >>> archive.ingest(["transcripts/"])                    # doctest: +SKIP
    >>> archive.search("sanctions", date_from=date(2018, 1, 1)).hits[0].title  # doctest: +SKIP
    """

    def __init__(self, path: str | Path | None = None, *, create: bool = False,
                 readonly: bool = False):
        self.path = Path(path).expanduser() if path is not None else settings.default_archive()
        self.readonly = readonly
        if not (self.path / DB_NAME).exists():
            if not create:
                raise ArchiveNotFound(
                    f"no dateline archive at {self.path}",
                    hint="create one with: dateline ingest FILES --archive " + str(self.path),
                )
            if readonly:
                raise PermissionDenied(f"cannot create {self.path} read-only")
            self.path.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.path, readonly=readonly)
        self._reset_derived()
        # a cache, kept even by a read-only archive when its folder can be written
        self.korean_words = KoreanWords(self.path, writable=os.access(self.path, os.W_OK))
        korean.use_word_file(self.korean_words)
        self._engine: SearchEngine | None = None
        self._settings: dict[str, Any] = {}
        self._index_current_at: tuple[int, int] | None = None  # see sync_index

    # -- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        self._keep_korean_words()
        korean.forget_word_file(self.korean_words)
        self.korean_words.close()
        self.store.close()

    def _keep_korean_words(self) -> None:
        """Keep in the word file what Kiwi analysed for this process's searches."""
        self.korean_words.put(korean.take_unsaved())

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def setting(self, name: str, override: Any = None) -> Any:
        """The effective value of a setting (:mod:`dateline.settings`), read once per open
        archive: a change to ``settings.toml`` or the environment applies when it is opened
        again (searches ask on every call)."""
        if override is not None:
            return settings.get(name, self.path, override)
        if name not in self._settings:
            self._settings[name] = settings.get(name, self.path)
        return self._settings[name]

    def _require_writable(self) -> None:
        if self.readonly:
            raise PermissionDenied("this archive is open read-only")

    # -- ingest -------------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | Path],
        options: ReaderOptions | None = None,
        *,
        workers: int | None = None,
        progress: Callable[[Progress], None] | None = None,
        index: bool = True,
    ) -> IngestReport:
        """Read, parse and store files and folders; then run stale enrichers and bring the
        search indexes up to date (``index=False``: store only; ``enrich()`` and
        ``sync_index()`` catch up later)."""
        from dateline.ingest import run_ingest

        self._require_writable()
        paths = list(paths)
        if not paths:
            raise InputError("nothing to ingest", hint="give one or more files or folders")
        report = run_ingest(
            self.store,
            paths,
            options,
            workers=workers or self.setting("workers") or None,
            batch_size=self.setting("batch_size"),
            parse_timeout=self.setting("parse_timeout"),
            progress=progress,
        )
        if index:
            self.update_derived()
        return report

    def rebuild(self, *, workers: int | None = None,
                progress: Callable[[Progress], None] | None = None,
                index: bool = True) -> RebuildReport:
        """Make the archive again from the raw bytes it keeps, with today's readers, parser and
        rules of story identity; old story ids that changed still find their story.  The old
        store is kept beside it as ``dateline.sqlite.before-rebuild``.  Then, unless
        ``index=False``, the enrichers and indexes run over the new stories."""
        from dateline.rebuild import rebuild_store

        self._require_writable()
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        self._settings.clear()
        try:
            report = rebuild_store(self.store, workers=workers or self.setting("workers") or None,
                                   batch_size=self.setting("batch_size"),
                                   parse_timeout=self.setting("parse_timeout"),
                                   progress=progress)
        finally:
            self.store.close()
            self.store = Store(self.path)  # the new one, or the old one if it failed
            self._index_current_at = None
        self._reset_derived()
        if index:
            self.update_derived()
        return report

    def _reset_derived(self) -> None:
        """After a rebuild the derived indexes hold old story ids: drop them (they are made
        again from the store), once, when the store says so."""
        if self.readonly or self.store.get_meta("derived_reset") is None:
            return
        for name in DERIVED_DIRS:
            shutil.rmtree(self.path / name, ignore_errors=True)
        for key in (INDEX_WATERMARK, QUOTES_WATERMARK, "derived_reset"):
            self.store.delete_meta(key)

    def update_derived(self) -> None:
        """Bring everything derived from the store up to date: enrichers, then indexes.

        The Korean analysis runs on a thread of its own (Kiwi works outside the GIL) while the
        entities of the stories that need none of it and the near-duplicates are computed;
        the entities of the Korean stories follow, then the index and the story threads."""
        from dateline.enrich.korean_terms import KoreanAnalysis
        from dateline.store import titles

        if self.readonly:
            return
        titles.update(self.store)
        analysis = KoreanAnalysis(self.store, words=self.korean_words).start()
        try:
            self._after_ingest(defer=analysis)
            self._after_ingest_analysis(threads=False)
            analysis.take()
        finally:
            analysis.finish()
        self._after_ingest()
        self.sync_index()
        self._after_ingest_analysis(dups=False)
        self._keep_korean_words()
        if self.setting("embed_after_ingest"):
            self.embed()

    # -- stories ------------------------------------------------------------------------------

    def get(self, story_id: str) -> StoredStory:
        """The current revision of a story, by id or unique id prefix."""
        return self.store.get_story(story_id)

    def stories(self, *, include_duplicates: bool = False) -> Iterator[StoredStory]:
        """Every story's current revision, in the order they were stored."""
        return self.store.iter_stories(include_duplicates=include_duplicates)

    def revisions(self, story_id: str) -> list[dict[str, Any]]:
        return self.store.revisions_of(story_id)

    def duplicates(self, story_id: str) -> list[str]:
        return self.store.duplicates_of(self.store.resolve_id(story_id))

    def source(self, source_id: int) -> dict[str, Any]:
        return self.store.source_info(source_id)

    def raw(self, source_id: int) -> bytes:
        """The exact bytes of a source as it was received."""
        return self.store.raw_bytes(self.store.source_info(source_id)["sha256"])

    def rejects(self, limit: int = 100, offset: int = 0) -> list[RejectRow]:
        return self.store.rejects(limit, offset)

    def reject_bytes(self, reject: RejectRow) -> bytes:
        return self.store.raw_bytes(reject.sha256)

    def warnings(self, limit: int = 100, offset: int = 0) -> list[WarningRow]:
        """What the readers and the parser warned about in stored sources (a sound bite cut
        short, an impossible date, a missing field), with the source and the place."""
        from dateline.store import ingest_warnings

        return ingest_warnings.page(self.store, limit, offset)

    def stats(self) -> dict[str, Any]:
        from dateline.store import ingest_warnings

        stats = self.store.stats()
        stats["warnings"] = ingest_warnings.count(self.store)
        # quotes as `quotes()` finds them: sound bites and reported speech, once enriched
        by_kind = self._entities.quote_counts()
        stats["quotes"] = sum(by_kind.values())
        stats["quotes_by_kind"] = by_kind
        stats["archive"] = str(self.path)
        stats["index_behind"] = self.store.max_seq() - int(
            self.store.get_meta(INDEX_WATERMARK, "0") or 0
        )
        notice = self.identity_notice(stats["revised_stories"])
        if notice:
            stats["identity"] = notice
        return stats

    def identity_notice(self, revised: int | None = None) -> str | None:
        """What to tell the user of an archive made under the old rule of story identity
        (records that share a URL merged into one story), when it may matter."""
        if self.store.get_meta("identity_rule") != "1":
            return None
        if revised is None:
            revised = self.store.stats()["revised_stories"]
        if not revised:
            return None
        return (f"{revised:,} stories have revisions from before revisions needed evidence of "
                "being the same story; some may be different stories: `dateline rebuild` "
                "makes the archive again from its raw bytes (old story ids keep working)")

    def datasette_metadata(self) -> dict[str, Any]:
        """Datasette metadata for this archive's SQLite file: its views described, dateline's
        own tables hidden (``datasette dateline.sqlite -m metadata.json``)."""
        from dateline.store import views

        return views.datasette_metadata(views.table_names(self.store.conn),
                                        database=Path(DB_NAME).stem)

    # -- export -------------------------------------------------------------------------------

    def export(self, out: IO[str] | IO[bytes], fmt: str = "jsonl", *,
               include_duplicates: bool = False, query: str | None = None,
               date_from: date | None = None, date_to: date | None = None,
               language: str | None = None, program: str | None = None) -> int:
        """Write stories in ``fmt`` (jsonl, csv, parquet, ninjs); returns the count.

        Every story by default, in the order they were stored; or a slice, with the filters of
        :meth:`search`: stories dated ``date_from``..``date_to``, in ``language`` (a code or a
        name), of ``program``, and matching ``query`` (the search query language; then the
        stories come oldest first, and only those the full-text index holds)."""
        from dateline.export import export_stories
        from dateline.store import slices

        if language:
            from dateline.transcript.language import language_code

            code = language_code(language)
            if code is None:
                raise InputError(f"unknown language {language!r}",
                                 hint="give an ISO 639-1 code (en, ko…) or a name (Korean)")
            language = code
        stories: Iterable[StoredStory]
        if query and query.strip():
            ids = self._matching_ids(query, date_from, date_to, language, program)
            stories = slices.iter_by_ids(self.store, ids)
            if include_duplicates:
                stories = self._with_duplicates(stories)
        elif date_from or date_to or language or program:
            stories = slices.iter_slice(self.store, date_from=date_from, date_to=date_to,
                                        language=language, program=program,
                                        include_duplicates=include_duplicates)
        else:
            stories = self.stories(include_duplicates=include_duplicates)
        return export_stories(stories, out, fmt)

    def _matching_ids(self, query: str, date_from: date | None, date_to: date | None,
                      language: str | None, program: str | None) -> list[str]:
        """Every story matching a search (with its filters as query fields), oldest first."""
        parts = [f"({query})"]
        if language:
            parts.append(f"lang:{language}")
        if program:
            parts.append('program:"' + " ".join(program.replace('"', " ").split()) + '"')
        text = " ".join(parts)
        self.sync_index()
        total = self.engine.search(text, date_from=date_from, date_to=date_to, limit=1,
                                   facets=False, snippets=False).total
        if not total:
            return []
        found = self.engine.search(text, date_from=date_from, date_to=date_to, limit=total,
                                   sort="date", facets=False, snippets=False)
        return [h.id for h in found.hits]

    def _with_duplicates(self, stories: Iterable[StoredStory]) -> Iterator[StoredStory]:
        for story in stories:
            yield story
            for dup in self.store.duplicates_of(story.id):
                yield self.store.get_story(dup)

    # -- search -------------------------------------------------------------------------------

    @property
    def engine(self) -> SearchEngine:
        if self._engine is None:
            self._engine = self._open_engine()
        return self._engine

    def _open_engine(self, folder: str = INDEX_DIR, *, recreate: bool = False) -> SearchEngine:
        """The archive's engine (the ``engine`` setting) on its index folder ``folder``."""
        from dateline.search import get_engine

        return get_engine(self.setting("engine"))(self.path / folder, recreate=recreate)

    def analyze_korean(self) -> int:
        """Analyse the Korean text of stories changed since the last pass, once, and keep the
        result: the entity enricher and the indexes read it instead of analysing again."""
        from dateline.enrich.korean_terms import KoreanAnalysis

        if self.readonly:
            return 0
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
        from dateline.search.base import IndexDoc
        from dateline.search.korean import has_hangul

        keys = [(r.id, r.revision) for r in rows]
        quotes = self.store.quote_texts(keys)
        names = self._doc_entities([r.id for r in rows])
        terms = self.store.korean_search_terms(keys)
        docs = []
        for row in rows:
            ko = terms.get((row.id, row.revision))
            if ko is None and not (has_hangul(row.text) or has_hangul(row.title or "")):
                ko = ("", "")  # nothing for the engine to analyse
            said = quotes.get((row.id, row.revision), [])
            entities = names[row.id]
            docs.append(IndexDoc(
                id=row.id,
                title=row.title,
                text=row.text,
                date=row.date,
                published_at=row.published_at,
                program=row.program,
                language=row.language,
                reporter=row.reporter,
                source=row.source_name,
                speakers=sorted({speaker for _, speaker in said if speaker}),
                quotes=[text for text, _ in said],
                persons=entities["persons"],
                orgs=entities["orgs"],
                places=entities["places"],
                ko_title=ko[0] if ko else None,
                ko_text=ko[1] if ko else None,
            ))
        return docs

    def sync_index(self) -> int:
        """Send stories changed since the index watermark to the engine; returns how many.

        The engine commits before the watermark moves, so a crash in between only means some
        stories are sent again next time (adding is idempotent).  One pass covers the changes up
        to the store's sequence at its start, so each story comes at most once in it: into an
        empty index the engine may then add without replacing.
        """
        if self.readonly:
            return 0
        # Searches call this every time: while the store is as it was when the index was last
        # found current, one pragma answers instead of the watermark query.
        stamp = self.store.change_stamp()
        if stamp == self._index_current_at:
            return 0
        watermark, upto = self.store.watermark_and_seq(INDEX_WATERMARK)
        if upto <= watermark:
            self._index_current_at = stamp
            return 0
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
            self.store.set_meta(INDEX_WATERMARK, str(seq))

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

    def reindex(self) -> int:
        """Rebuild the full-text index (and the quote index, when the archive has one) from the
        store; returns the number of stories indexed.  Indexes built by an older version of
        the engine's schema are rebuilt, not refused."""
        self._require_writable()
        if self._engine is None:
            self._engine = self._open_engine(recreate=True)
        self.engine.clear()
        self.engine.commit()
        self.store.set_meta(INDEX_WATERMARK, "0")
        indexed = self.sync_index()
        if (self.path / QUOTES_DIR).exists():
            self.reindex_quotes()
        self.reindex_vectors()
        self.learn_korean_words()
        return indexed

    def search(
        self,
        query: str,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        sort: str = "relevance",
        limit: int = 20,
        offset: int = 0,
        facets: bool = True,
        snippets: bool = True,
        mode: str | None = None,
    ) -> SearchResults:
        """Search with the query language of :mod:`dateline.search.query`.

        ``mode`` (default: the ``search_mode`` setting): ``keyword`` matches every word (BM25);
        ``semantic`` finds stories nearest in meaning to the query's words, in any language;
        ``hybrid`` fuses BM25 over any of the words with the semantic ranking.  Field clauses,
        dates and exclusions filter in every mode (:mod:`dateline.search.fusion`)."""
        from dateline.search.fusion import MODES

        self.sync_index()
        limit = max(1, min(int(limit), self.setting("max_page_size")))
        mode = mode or self.setting("search_mode")
        if mode not in MODES:
            raise InputError(f"unknown search mode {mode!r}", hint=f"use one of: "
                             f"{', '.join(MODES)}")
        if mode != "keyword":
            if sort != "relevance":
                raise InputError(f"{mode} search ranks by relevance only",
                                 hint="sort by date in keyword mode")
            results = self._semantic_search(query, mode, date_from=date_from, date_to=date_to,
                                            limit=limit, offset=max(0, int(offset)),
                                            facets=facets, snippets=snippets)
        else:
            results = self.engine.search(
                query,
                date_from=date_from,
                date_to=date_to,
                sort=sort,  # type: ignore[arg-type]
                limit=limit,
                offset=max(0, int(offset)),
                facets=facets,
                snippets=snippets,
            )
        self._keep_korean_words()
        untitled = [h for h in results.hits if not h.title]
        if untitled:
            derived = self.derived_titles([h.id for h in untitled])
            for hit in untitled:
                hit.title = derived.get(hit.id)
                hit.title_derived = hit.title is not None
        return results

    def derived_titles(self, story_ids: list[str]) -> dict[str, str]:
        """Titles derived from the lead of these untitled stories (see
        :func:`dateline.model.derive_title`), by story id."""
        from dateline.store import titles

        return titles.derived_titles(self.store, story_ids)
