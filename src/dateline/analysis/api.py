"""The time side of :class:`dateline.Archive` (mixed into it): timelines, co-occurrence,
threads, near-duplicates and distinctive terms.

Each method returns a dataclass with ``to_dict()`` (JSON-able, for the web API) or a list of
them; the heavy lifting is in :mod:`dateline.analysis` and all SQL in
:mod:`dateline.store.analysis`.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from dateline.errors import InputError, NotFound

if TYPE_CHECKING:
    from collections.abc import Callable

    from dateline.analysis.cooccur import CoOccurrence
    from dateline.analysis.dups import DupCluster, DupReport
    from dateline.analysis.terms import DistinctiveTerms
    from dateline.analysis.threads import Thread, ThreadReport
    from dateline.analysis.timeline import Timeline
    from dateline.search.base import SearchEngine
    from dateline.store.sqlite import Store

log = logging.getLogger(__name__)


class AnalysisMixin:
    """Timeline, co-occurrence, thread, near-duplicate and term methods of Archive."""

    if TYPE_CHECKING:
        store: Store
        readonly: bool

        @property
        def engine(self) -> SearchEngine: ...
        def sync_index(self) -> int: ...
        def setting(self, name: str, override: Any = None) -> Any: ...

    # -- timelines -----------------------------------------------------------------------

    def _all_stories_histogram(self, by: str, date_from: date | None,
                               date_to: date | None) -> list[tuple[date, int]]:
        return self.engine.histogram(None, by=by,  # type: ignore[arg-type]
                                     date_from=date_from, date_to=date_to)

    def timeline(
        self,
        query: str | None = None,
        *,
        entity: str | None = None,
        speaker: str | None = None,
        by: str = "month",
        date_from: date | None = None,
        date_to: date | None = None,
        normalise: bool = False,
    ) -> Timeline:
        """Stories per period matching ``query``, mentioning ``entity`` or quoting ``speaker``
        (exactly one of them); ``normalise`` gives the share of all stories in each period."""
        from dateline.analysis import timeline as tl
        from dateline.search.base import fill_histogram
        from dateline.store import analysis as sql

        by = tl.check_interval(by)
        given = [x for x in (query, entity, speaker) if x not in (None, "")]
        if len(given) != 1:
            raise InputError("give one of: a query, --entity or --speaker",
                             hint="e.g. dateline timeline 'sanctions' --by month")
        if date_from and date_to and date_from > date_to:
            raise InputError(f"the period starts ({date_from}) after it ends ({date_to})")
        self.sync_index()
        warnings: list[str] = []
        entity_id = None
        if query:
            counts = self.engine.histogram(query, by=by, date_from=date_from, date_to=date_to)
            kind, label, what = "query", query, "stories matching the query"
            matching = self.engine.search(query, limit=1, facets=False, snippets=False).total
            dated = sum(n for _, n in self.engine.histogram(query, by="year"))
            undated = max(0, matching - dated)
        elif entity:
            found = sql.resolve_entity(self.store, entity)
            if found is None:
                raise NotFound(f"no entity called {entity!r}",
                               hint="run the entity enricher first, or check the spelling")
            entity_id, _, label = found
            from dateline.store import entity_periods as periods

            if by in ("month", "quarter", "year"):  # whole months from the per-month counts
                days = periods.entity_month_counts(self.store, entity_id, date_from, date_to)
            else:
                days = periods.entity_day_counts(self.store, entity_id, date_from, date_to)
            counts = fill_histogram(days, by, date_from, date_to)
            kind, what = "entity", "stories mentioning the entity"
            undated = sql.undated_entity_stories(self.store, entity_id)
        else:
            assert speaker is not None
            kind, label, what = "speaker", speaker, "stories quoting the speaker"
            days: dict[date, int] = {}  # type: ignore[no-redef]
            found = sql.resolve_entity(self.store, speaker, "person")
            undated = 0
            if found is not None:
                entity_id, _, label = found
                days = sql.entity_quote_day_counts(self.store, entity_id, date_from, date_to)
                undated = sql.undated_quoting_stories(self.store, entity_id, ())
            if not days and not undated:
                spellings = sql.speaker_spellings(self.store, speaker)
                days = sql.quote_day_counts(self.store, spellings, date_from, date_to)
                undated = sql.undated_quoting_stories(self.store, None, spellings)
                if not spellings:
                    warnings.append(f"no quotes by {speaker!r} in this archive")
            counts = fill_histogram(days, by, date_from, date_to)
        totals = None
        if normalise and counts:
            totals = self._all_stories_histogram(by, counts[0][0], tl.bucket_end(counts[-1][0], by))
        result = tl.build(kind, label, by, counts, totals, date_from=date_from, date_to=date_to,
                          what=what, entity_id=entity_id)
        result.warnings.extend(warnings)
        result.undated = undated
        if undated:
            result.warnings.append(tl.undated_warning(undated, what))
        return result

    # -- co-occurrence -------------------------------------------------------------------

    def cooccurrence(
        self,
        entity: str,
        *,
        top: int = 20,
        date_from: date | None = None,
        date_to: date | None = None,
        measure: str = "llr",
        min_count: int = 2,
        exact: bool = False,
    ) -> CoOccurrence:
        """Entities appearing in the same stories as ``entity`` in the period, ranked by
        ``measure`` (``llr``: signed log-likelihood G²; ``pmi``) among those seen together at
        least ``min_count`` times.  ``.items`` is the ranked list; ``.to_graphml()`` exports.
        An entity in more than 20,000 stories of the period is counted on a uniform sample of
        them (``.sampled``) unless ``exact``."""
        from dateline.analysis.cooccur import SAMPLE_STORIES, cooccurrence

        self.sync_index()
        hist = self._all_stories_histogram("year", date_from, date_to) if (
            date_from or date_to) else None
        total = sum(n for _, n in hist) if hist is not None else self.engine.doc_count()
        return cooccurrence(self.store, entity, total_stories=total, top=top,
                            date_from=date_from, date_to=date_to, measure=measure,
                            min_count=min_count, sample=None if exact else SAMPLE_STORIES)

    # -- near-duplicates -----------------------------------------------------------------

    def update_near_duplicates(self, *, rebuild: bool = False,
                               threshold: float | None = None) -> DupReport:
        """Run the (incremental) near-duplicate pass; see :mod:`dateline.analysis.dups`.

        ``threshold`` overrides the ``dup_threshold`` setting (a change rebuilds the clusters).
        """
        from dateline.analysis import dups

        if self.readonly:
            from dateline.errors import PermissionDenied

            raise PermissionDenied("this archive is open read-only")
        with self.store.backend.lock("near-duplicates"):  # one pass at a time (server mode)
            return dups.update(self.store, float(self.setting("dup_threshold", threshold)),
                               rebuild=rebuild)

    def near_duplicates(self, *, rebuild: bool = False, limit: int | None = None,
                        offset: int = 0, threshold: float | None = None) -> list[DupCluster]:
        """Near-duplicate clusters, largest first (brought up to date first when writable)."""
        from dateline.analysis import dups

        if not self.readonly:
            self.update_near_duplicates(rebuild=rebuild, threshold=threshold)
        return dups.clusters(self.store, limit=limit, offset=offset)

    def _after_ingest_analysis(self, *, dups: bool = True, threads: bool = True) -> None:
        """Hook run after each ingest: bring the near-duplicate clusters and the story thread
        links up to date (so a story page never computes a thread)."""
        if self.readonly:
            return
        from dateline.errors import MissingExtra

        steps: list[tuple[str, Callable[[], object]]] = (
            [("near-duplicates", self.update_near_duplicates)] if dups else [])
        if threads:
            steps.append(("threads", self.update_threads))
        for what, step in steps:
            try:
                step()
            except (ImportError, MissingExtra) as exc:  # pragma: no cover - extra missing
                log.info("%s skipped: %s", what, exc)

    # -- threads -------------------------------------------------------------------------

    def update_threads(self, *, rebuild: bool = False) -> ThreadReport:
        """Compute the thread links of the stories stored since the last pass (all of them
        with ``rebuild``); see :mod:`dateline.analysis.threads`.  Runs after every ingest."""
        from dateline.analysis import threads

        if self.readonly:
            from dateline.errors import PermissionDenied

            raise PermissionDenied("this archive is open read-only")
        self.sync_index()  # candidates come from the engine: it must hold the new stories
        with self.store.backend.lock("threads"):  # one pass at a time (server mode)
            return threads.update(self.store, self.engine, rebuild=rebuild)

    def thread(self, story_id: str, *, refresh: bool = False, rebuild: bool = False,
               nearest: bool = False) -> Thread:
        """The chain of stories about the same affair as ``story_id``, oldest first.

        Read from the stored links (a few indexed lookups).  A writable archive first brings
        the links up to date with the stories stored since the last pass; ``refresh``
        computes the links of this thread's stories again, now (against the whole archive);
        ``rebuild`` computes every story's links again (slow on a big archive).  A read-only
        archive shows the links as the last ingest left them.  ``nearest``: when no other
        story is linked, ``Thread.nearest`` holds the closest ones and their scores (one search).
        """
        from dateline.analysis import threads
        from dateline.store import analysis as sql

        sid = self.store.resolve_id(story_id)
        if not self.readonly:
            self.update_threads(rebuild=rebuild)
            if refresh and not rebuild:
                threads.relink(self.store, self.engine, threads.thread(self.store, sid).ids)
        elif not sql.threads_ready(self.store):
            log.warning("this archive has no thread links yet: open it writable once "
                        "(e.g. dateline thread ID) to compute them")
            return threads.Thread(sql.original_of(self.store, sid), [], threads.params())
        found = threads.thread(self.store, sid)
        if nearest and len(found.stories) <= 1:
            found.nearest = threads.nearest(self.store, self.engine, sid)
        return found

    # -- distinctive terms ---------------------------------------------------------------

    def distinctive_terms(
        self,
        date_from: date,
        date_to: date,
        *,
        vs: tuple[date, date] | None = None,
        top: int = 30,
        max_stories: int = 20000,
    ) -> DistinctiveTerms:
        """Words distinctive of ``date_from``..``date_to`` against ``vs`` (default: the rest of
        the archive), by Monroe et al.'s log-odds ratio with an informative Dirichlet prior."""
        from dateline.analysis import terms as tm
        from dateline.store import analysis as sql

        if date_from is None or date_to is None or date_from > date_to:
            raise InputError("give the period as two dates, the first not after the second")
        tokenize = tm.Tokenizer()
        n_focus = sql.count_stories_between(self.store, date_from, date_to)
        below = tm.sample_prefix(n_focus, max_stories)
        focus, n1 = tm.count_terms(
            sql.iter_stories_between(self.store, date_from, date_to, sample_below=below),
            tokenize)
        sampled = below is not None
        if vs is not None:
            v_from, v_to = vs
            n_ref = sql.count_stories_between(self.store, v_from, v_to)
            rb = tm.sample_prefix(n_ref, max_stories)
            ref, n2 = tm.count_terms(
                sql.iter_stories_between(self.store, v_from, v_to, sample_below=rb), tokenize)
        else:
            v_from, v_to = None, None
            n_all = sql.count_stories_between(self.store, None, None)
            rb = tm.sample_prefix(max(0, n_all - n_focus), max_stories)
            outside = (s for s in sql.iter_stories_between(self.store, None, None, sample_below=rb)
                       if s.date is None or not date_from <= s.date <= date_to)
            ref, n2 = tm.count_terms(outside, tokenize)
        sampled = sampled or rb is not None
        scores = tm.log_odds(focus, ref)
        result = tm.DistinctiveTerms(date_from, date_to, v_from, v_to, n1, n2,
                                     [s for s in scores[:top] if s.z > 0],
                                     [s for s in reversed(scores[-top:]) if s.z < 0],
                                     sampled=sampled)
        if not n1:
            result.warnings.append("no stories in the period")
        if not n2:
            result.warnings.append("no stories in the reference period")
        if tokenize.korean_skipped:
            result.warnings.append("Korean words were skipped (the Korean analyser is missing)")
        return result

    # -- for show and the story page -----------------------------------------------------

    def analysis_extras(self, story_id: str) -> dict[str, Any]:
        """Near-duplicates ("also appears as") and thread of a story, for show and the web."""
        from dateline.analysis import dups

        sid = self.store.resolve_id(story_id)
        out: dict[str, Any] = {
            "near_duplicates": [m.to_dict() for m in dups.also_appears_as(self.store, sid)],
        }
        try:
            out["thread"] = [s.to_dict() for s in self.thread(sid).stories]
        except Exception as exc:  # noqa: BLE001 - the story page must show without a thread
            log.warning("thread of %s unavailable: %s", sid, exc)
            out["thread"] = []
        return out
