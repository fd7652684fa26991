"""``Archive``: the one object the CLI, the web app and library users talk to.

An archive is a folder: ``dateline.sqlite`` (the store of record) and ``index/`` (the full-text
index, derived from the store and rebuildable with :meth:`Archive.reindex`).  Or, in server
mode, a PostgreSQL database named by a ``postgresql://`` URL, shared by several machines, each
keeping its own derived indexes in a local folder (:mod:`dateline.node`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from dateline import settings
from dateline.analysis.api import AnalysisMixin
from dateline.enrich.api import QUOTES_DIR, QUOTES_WATERMARK, EntitiesMixin
from dateline.errors import ArchiveError, ArchiveNotFound, InputError, PermissionDenied
from dateline.model import StoredStory
from dateline.node import STORE_ID, FolderMarks, Marks, StoreMarks, reset_folder
from dateline.search import korean
from dateline.search.index_api import (
    INDEX_DIR,
    INDEX_WATERMARK,
    IndexMixin,
)
from dateline.search.korean_words import KoreanWords
from dateline.search.semantic_api import SemanticMixin
from dateline.search.vectors import VECTORS_DIR
from dateline.store import DB_NAME, RejectRow, Store

if TYPE_CHECKING:
    from dateline.ingest import IngestReport, Progress
    from dateline.readers import ReaderOptions
    from dateline.rebuild import RebuildReport
    from dateline.runner import Runner
    from dateline.search.base import SearchEngine, SearchResults
    from dateline.store.copying import CopyReport
    from dateline.store.ingest_warnings import WarningRow

log = logging.getLogger(__name__)

#: folders of the archive derived from the store and made again from it when lost
DERIVED_DIRS = (INDEX_DIR, QUOTES_DIR, VECTORS_DIR)


class Archive(IndexMixin, EntitiesMixin, AnalysisMixin, SemanticMixin):
    """A dateline archive: a folder, or a PostgreSQL database named by its URL.

    >>> archive = Archive("kbs.dateline", create=True)      # doctest: +SKIP
    >>> archive.ingest(["transcripts/"])                    # doctest: +SKIP
    >>> archive.search("sanctions", date_from=date(2018, 1, 1)).hits[0].title  # doctest: +SKIP
    >>> team = Archive("postgresql://me@db.example/news")   # doctest: +SKIP

    ``index_dir``: in server mode, this machine's folder of derived indexes (see
    :mod:`dateline.node`).
    """

    def __init__(self, path: str | Path | None = None, *, create: bool = False,
                 readonly: bool = False, index_dir: str | Path | None = None):
        from dateline.store.backend import server_url

        location = path if path is not None else settings.default_archive()
        self.readonly = readonly
        self._engine: SearchEngine | None = None
        self._settings: dict[str, Any] = {}
        self._index_current_at: Hashable | None = None  # see sync_index
        url = server_url(location)  # kept by the backend alone: it may hold a password
        self._server = url is not None
        if url is not None:
            self._open_server(url, create=create, index_dir=index_dir)
        else:
            self.path = Path(location).expanduser()
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
            self._marks: Marks = StoreMarks(self.store)
        self._reset_derived()
        # a cache, kept even by a read-only archive when its folder can be written (server
        # mode: this machine's folder)
        self.korean_words = KoreanWords(self.path, writable=os.access(self.path, os.W_OK))
        korean.use_word_file(self.korean_words)

    def _open_server(self, url: str, *, create: bool, index_dir: str | Path | None) -> None:
        from dateline.node import FolderMarks, cache_folder
        from dateline.store.backend import mask_url
        from dateline.store.postgres import PostgresBackend

        self.path = cache_folder(mask_url(url), index_dir or settings.get("index_dir") or None)
        backend = PostgresBackend(url, readonly=self.readonly, create=create, folder=self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.store = Store(backend)
        self._marks = FolderMarks(self.path, self.store.get_meta(STORE_ID) or "")

    @property
    def server(self) -> bool:
        """Whether this is a server archive (PostgreSQL) rather than a folder."""
        return self._server

    @property
    def location(self) -> str:
        """Where the archive is, as it may be shown: its folder, or its URL without password."""
        return self.store.backend.location if self.server else str(self.path)

    def _indexes_writable(self) -> bool:
        """Whether this process brings the derived indexes up to date: a writer, or any
        process of a server archive (each machine keeps its own indexes)."""
        return self.server or not self.readonly

    @contextlib.contextmanager
    def _indexing(self, name: str) -> Iterator[None]:
        """While a derived index is brought up to date: in server mode, exclusive among the
        processes of this machine, the engine's writer let go of afterwards for the next."""
        if not self.server:
            yield
            return
        from dateline.node import folder_lock

        with folder_lock(self.path, name):
            try:
                yield
            finally:
                if name == INDEX_DIR and self._engine is not None:
                    self._engine.release_writer()

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
        cluster: str | None = None,
        runner: Runner | None = None,
    ) -> IngestReport:
        """Read, parse and store files and folders; then run stale enrichers and bring the
        search indexes up to date (``index=False``: store only; ``enrich()`` and
        ``sync_index()`` catch up later).  ``cluster``: where the parsing runs (the
        ``cluster`` setting unless given; see :meth:`runner`), or ``runner``: a runner
        opened already (it stays open)."""
        from dateline.ingest import run_ingest

        self._require_writable()
        paths = list(paths)
        if not paths:
            raise InputError("nothing to ingest", hint="give one or more files or folders")
        own = runner is None
        if runner is None:
            runner = self.runner(cluster, workers=workers)
        try:
            report = run_ingest(
                self.store,
                paths,
                options,
                batch_size=self.setting("batch_size"),
                parse_timeout=self.setting("parse_timeout"),
                progress=progress,
                runner=runner,
            )
            if index:
                self.update_derived(runner=runner)
        finally:
            if own:
                runner.close()
        return report

    def runner(self, cluster: str | None = None, *, workers: int | None = None) -> Runner:
        """Where CPU-heavy batches run: this machine (``workers`` parser and entity-extraction
        processes, the ``workers`` setting unless given) or the Dask cluster at ``cluster``
        (the ``cluster`` setting unless given, e.g. ``tcp://HOST:8786``).  Close it after use
        (``with``)."""
        from dateline.runner import get_runner

        return get_runner(self.setting("cluster", cluster),
                          workers=workers or self.setting("workers") or None,
                          send=self.setting("cluster_send"), folder=self.path)

    def rebuild(self, *, workers: int | None = None,
                progress: Callable[[Progress], None] | None = None,
                index: bool = True) -> RebuildReport:
        """Make the archive again from the raw bytes it keeps, with today's readers, parser and
        rules of story identity; old story ids that changed still find their story.  The old
        store is kept beside it as ``dateline.sqlite.before-rebuild``.  Then, unless
        ``index=False``, the enrichers and indexes run over the new stories."""
        from dateline.rebuild import rebuild_store

        self._require_writable()
        if self.server:
            raise ArchiveError(
                "dateline rebuild works on an archive folder, not yet on a server archive",
                hint="dateline copy URL FOLDER, rebuild the folder, dateline copy FOLDER NEWURL")
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
            self._marks = StoreMarks(self.store)
            self._index_current_at = None
        self._reset_derived()
        if index:
            self.update_derived()
        return report

    def _reset_derived(self) -> None:
        """After a rebuild the derived indexes hold old story ids: drop them (they are made
        again from the store), once, when the store says so.  In server mode, drop a local
        folder's indexes made from another store."""
        if isinstance(self._marks, FolderMarks):
            if not self._marks.belongs():
                with self._indexing(INDEX_DIR):
                    reset_folder(self.path, DERIVED_DIRS, self._marks)
            return
        if self.readonly or self.store.get_meta("derived_reset") is None:
            return
        for name in DERIVED_DIRS:
            shutil.rmtree(self.path / name, ignore_errors=True)
        self._marks.delete((INDEX_WATERMARK, QUOTES_WATERMARK))
        self.store.delete_meta("derived_reset")

    def update_derived(self, *, runner: Runner | None = None) -> None:
        """Bring everything derived from the store up to date: enrichers, then indexes
        (the entity extraction and the embedding on ``runner``; this machine's unless given).

        The Korean analysis runs on a thread of its own (Kiwi works outside the GIL) while the
        entities of the stories that need none of it and the near-duplicates are computed;
        the entities of the Korean stories follow, then the index and the story threads."""
        from dateline import memory
        from dateline.enrich.korean_terms import KoreanAnalysis
        from dateline.search import korean

        if self.readonly:
            return
        if runner is None:
            with self.runner() as own:
                self.update_derived(runner=own)
            return
        had_model = korean.loaded()
        # each pass one at a time over the whole archive (server mode: other processes wait,
        # then find what this one did)
        self.update_titles()
        with self.store.backend.lock("korean"):
            analysis = KoreanAnalysis(self.store, words=self.korean_words).start()
            try:
                self._after_ingest(defer=analysis, runner=runner)
                self._after_ingest_analysis(threads=False)
                analysis.take()
            finally:
                analysis.finish()
        self._after_ingest(runner=runner)
        if not had_model:
            # the index and the threads read the stored analysis: the model this pass loaded
            # (about 0.5 GB) is not kept through them; a later analysis loads it again
            korean.unload()
        self.sync_index()
        # the index writer's memory (up to 128 MB of buffers, and what the allocator keeps
        # of it) is not carried through the thread pass; the next write opens it again
        self.engine.release_writer()
        memory.give_back()
        self._after_ingest_analysis(dups=False)
        self._keep_korean_words()
        if self.setting("embed_after_ingest"):
            self.embed(runner=runner)

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
        stats["archive"] = self.location
        if self.server:
            stats["index_folder"] = str(self.path)
        stats["index_behind"] = self.store.max_seq() - self._marks.get(INDEX_WATERMARK)
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

    def copy_to(self, destination: str | Path, *, index_dir: str | Path | None = None,
                progress: Callable[[str, int], None] | None = None) -> CopyReport:
        """Copy this archive's store of record — every byte, story, revision, quote, reject,
        entity decision and analysis table — into a new archive at ``destination``: a folder,
        or the ``postgresql://`` URL of a database without an archive.  Its indexes are made
        there when first needed (or with :meth:`reindex`)."""
        from dateline.store.copying import copy_store

        with Archive(destination, create=True, index_dir=index_dir) as dst:
            return copy_store(self.store, dst.store, progress=progress)

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
        # the engine shows the lead's title of an untitled story it indexed with one; a hit
        # of another engine, or of a story indexed without it, is titled here
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
