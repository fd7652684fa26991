"""The entity and quote side of :class:`dateline.Archive` (mixed into it).

Flow: :meth:`EntitiesMixin.enrich` runs the entity enricher on stories it has not seen at this
version and revision (bookkeeping table ``enrichments``), re-resolves names into entities when new
names appeared, pushes changed canonical names to the story index and brings the quote index
(``<archive>/index-quotes``, one document per quote) up to date with its own watermark.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.errors import InputError, NotFound, PermissionDenied
from dateline.model import StoredStory
from dateline.store.sqlite import chunks

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from dateline.enrich.korean_terms import KoreanAnalysis
    from dateline.enrich.results import EntityProfile, EntitySummary, QuoteHit, QuoteResults
    from dateline.node import Marks
    from dateline.runner import Runner
    from dateline.search.base import IndexDoc, SearchEngine
    from dateline.store import Store
    from dateline.store.entities import EntityStore

log = logging.getLogger(__name__)

QUOTES_DIR = "index-quotes"
QUOTES_WATERMARK = "quotes_index_seq"
ENTITY_KINDS = ("person", "org", "place")
QUOTE_KINDS = ("soundbite", "direct", "reported")
#: the ways people name the entity kinds ("--type organisation")
_KIND_NAMES = {"people": "person", "persons": "person", "organisation": "org",
               "organization": "org", "organisations": "org", "organizations": "org",
               "orgs": "org", "places": "place", "location": "place", "locations": "place"}
_BATCH = 500
#: facts of this many stories are written in one transaction: each write rewrites the pages of
#: the mention index it touches, and a story's mentions land all over that index (inserting
#: 311,000 mentions of 20,000 stories in order: 9.1 s in transactions of 500 stories, 3.3 s
#: in transactions of 5,000; at 100,000 stories, 23 s against 13 s)
_WRITE_STORIES = 5000
#: the quote index's writer memory: its documents are small, and an ingest builds it while the
#: Korean model is still loaded (the ingest's memory peak at 100k stories: 128 MB, the
#: engine's default, cost about 150 MB more there than this)
_QUOTES_WRITER_MEMORY = 32_000_000
_MAX_QUERY_HITS = 5000


class EntitiesMixin:
    """Entity, alias and quote methods of Archive."""

    if TYPE_CHECKING:
        store: Store
        path: Path
        readonly: bool
        _marks: Marks

        @property
        def engine(self) -> SearchEngine: ...
        @property
        def server(self) -> bool: ...
        def _indexes_writable(self) -> bool: ...
        def _indexing(self, name: str) -> AbstractContextManager[None]: ...

        def setting(self, name: str, override: Any = None) -> Any: ...
        def _open_engine(self, folder: str = ..., *, recreate: bool = False,
                         writer_memory: int | None = None) -> SearchEngine: ...
        def get(self, story_id: str) -> StoredStory: ...
        def index_docs(self, stories: list[StoredStory]) -> list[IndexDoc]: ...

    @property
    def _entities(self) -> EntityStore:
        from dateline.store.entities import EntityStore

        return EntityStore(self.store.conn)

    # -- enrichment ---------------------------------------------------------------------------

    def enrich(self, stale_only: bool = True, *, defer: KoreanAnalysis | None = None,
               runner: Runner | None = None) -> dict[str, Any]:
        """Run the entity enricher where it is new or stale; returns what it did.

        ``defer``: a Korean analysis running beside it; stories still waiting for it are left
        for the next pass, and the entities are resolved then too.  ``runner``: where the
        extraction runs (this process unless given; the facts are written here, in order)."""
        if self.readonly:
            raise PermissionDenied("this archive is open read-only")
        # one enrichment (or merge, or split) at a time over the whole archive: in server mode
        # other processes wait, then find what this one did
        with self.store.backend.lock("entities"):
            return self._enrich(stale_only, defer, runner)

    def _enrich(self, stale_only: bool, defer: KoreanAnalysis | None,
                runner: Runner | None) -> dict[str, Any]:
        from collections import deque

        from dateline import tasks
        from dateline.enrich import entities as extractor
        from dateline.enrich import gazetteer
        from dateline.runner import InProcessRunner
        from dateline.store.entities import StoryFactsRow

        es = self._entities
        started = time.perf_counter()
        seq = self.store.max_seq()  # the stories this pass brings up to date
        dropped = es.drop_duplicates()
        done = 0
        sent: deque[list[StoredStory]] = deque()  # the stories of each batch, in order

        def batches() -> Iterator[list[tuple[StoredStory, Any, Any]]]:
            after = ""
            while True:
                ids = es.stale_stories(extractor.NAME, extractor.VERSION, all_=not stale_only,
                                       after=after, limit=_BATCH)
                if not ids:
                    return
                stories = self.store.get_stories(ids)
                nouns = self.store.proper_nouns_of([(s.id, s.revision)
                                                    for s in stories.values()])
                batch = []
                for sid in ids:
                    story = stories[sid]
                    if (defer is not None and (sid, story.revision) not in nouns
                            and defer.pending(story)):
                        continue
                    batch.append((story, *nouns.get((sid, story.revision), (None, None))))
                sent.append([story for story, _, _ in batch])
                after = ids[-1]
                yield batch

        rows: list[StoryFactsRow] = []
        for facts_of in (runner or InProcessRunner()).map(tasks.extract_entities, batches()):
            rows += [StoryFactsRow(story.id, story.revision,
                                   story.date.isoformat() if story.date else None,
                                   story.program, facts.mentions, facts.quotes)
                     for story, facts in zip(sent.popleft(), facts_of, strict=True)
                     if facts is not None]
            if len(rows) >= _WRITE_STORIES:
                es.write_facts(rows, extractor.NAME, extractor.VERSION)
                done, rows = done + len(rows), []
            if defer is not None:
                defer.take()
        if rows:
            es.write_facts(rows, extractor.NAME, extractor.VERSION)
            done += len(rows)
        extract_seconds = time.perf_counter() - started
        if defer is not None:  # the rest, and the resolution, come with the next pass
            return {"enricher": extractor.MAKER, "stories": done, "deferred": True}
        changed = 0
        if done or dropped or es.unresolved_count() or not stale_only:
            changed = self._resolve_entities()
        if not stale_only:  # a full pass also recounts the stories per entity and month
            es.rebuild_counts()
        es.counts_current(seq)
        quotes = self.sync_quotes()
        seconds = time.perf_counter() - started
        return {
            "enricher": extractor.MAKER,
            "stories": done,
            "dropped_duplicates": dropped,
            "renamed_stories": changed,
            "quotes_indexed": quotes,
            "entities": self.store.conn.execute("SELECT COUNT(*) FROM entities").fetchone()[0],
            "seconds": round(seconds, 3),
            "stories_per_second": round(done / extract_seconds, 1) if extract_seconds and done
            else None,
            "notes": list(dict.fromkeys(gazetteer.NOTES)),
        }

    def _after_ingest(self, defer: KoreanAnalysis | None = None,
                      runner: Runner | None = None) -> None:
        """Run enrichers that are new or stale, after stories were stored."""
        if self.readonly:
            return
        try:
            self.enrich(stale_only=True, defer=defer, runner=runner)
        except Exception:  # noqa: BLE001 - stories are stored; `dateline enrich` retries
            log.exception("entity enrichment failed; run `dateline enrich` to retry")

    def _resolve_entities(self) -> int:
        """Rebuild entities and aliases from the stored names; re-index stories whose names
        changed.  Returns how many stories were affected."""
        from dateline.enrich.entities import MAKER
        from dateline.enrich.resolve import resolve

        es = self._entities
        old = es.alias_map()
        old_names = es.entity_names()
        entities, aliases = resolve(es.distinct_names(), es.overrides())
        es.replace_resolution(entities, aliases, MAKER)
        new_names = {e[0]: e[2] for e in entities}
        changed = []
        for kind, key, eid, _, _ in aliases:
            before = old.get((kind, key))
            if before is not None and (before != eid or old_names.get(before) != new_names[eid]):
                changed.append((kind, key))
        removed = set(old) - {(a[0], a[1]) for a in aliases}
        story_ids = es.stories_with_keys([*changed, *removed])
        if story_ids:
            es.touch(story_ids)
            self._refresh_story_index(story_ids)
        return len(story_ids)

    def _refresh_story_index(self, story_ids: list[str]) -> None:
        """Re-send already indexed stories whose entity names changed to the story index (in
        server mode every machine does that from the enrichment sequence: sync_index)."""
        from dateline.search.index_api import INDEX_WATERMARK

        if self.server:
            return
        watermark = self._marks.get(INDEX_WATERMARK)
        stories = [s for s in (self.store.get_story(i, with_quotes=False) for i in story_ids)
                   if s.seq <= watermark and not s.duplicate_of]
        if stories:
            self.engine.add(self.index_docs(stories))
            self.engine.commit()

    # -- the quote index ----------------------------------------------------------------------

    @contextmanager
    def _quote_engine(self, *, recreate: bool = False) -> Iterator[SearchEngine]:
        engine = self._open_engine(QUOTES_DIR, recreate=recreate,
                                   writer_memory=_QUOTES_WRITER_MEMORY)
        try:
            yield engine
        finally:
            engine.close()

    def sync_quotes(self) -> int:
        """Send quotes changed since the quote-index watermark to it; returns how many."""
        if not self._indexes_writable():
            return 0
        es = self._entities
        top = es.max_seq()
        if top <= self._marks.get(QUOTES_WATERMARK) and (self.path / QUOTES_DIR).exists():
            return 0
        with self._indexing(QUOTES_DIR):
            return self._sync_quotes(top)

    def _sync_quotes(self, top: int) -> int:
        es = self._entities
        watermark = self._marks.get(QUOTES_WATERMARK)
        if top <= watermark and (self.path / QUOTES_DIR).exists():
            return 0
        dead = es.dead_quotes(watermark)
        sent = 0

        def docs() -> Iterator[IndexDoc]:
            nonlocal sent
            for row in es.quotes_changed(watermark):
                sent += 1
                yield _quote_doc(row)

        with self._quote_engine() as engine:
            if dead:
                engine.delete(dead)
            engine.add(docs())  # streamed: the engine takes them in batches
            engine.commit()
        self._marks.set(QUOTES_WATERMARK, top)
        if not self.server:  # other machines may not have deleted them yet
            es.purge_dead(top)
        return sent

    def reindex_quotes(self) -> int:
        """Rebuild the quote index from the store."""
        if not self._indexes_writable():
            raise PermissionDenied("this archive is open read-only")
        with self._indexing(QUOTES_DIR), self._quote_engine(recreate=True) as engine:
            engine.clear()  # (an older schema is rebuilt)
            engine.commit()
            self._marks.set(QUOTES_WATERMARK, 0)
        return self.sync_quotes()

    # -- quotes -------------------------------------------------------------------------------

    def quotes(self, query: str | None = None, *, speaker: str | None = None,
               role: str | None = None, organization: str | None = None,
               language: str | None = None, kind: str | None = None,
               date_from: date | None = None, date_to: date | None = None,
               limit: int = 20, offset: int = 0) -> QuoteResults:
        """Quotes whose words match ``query`` (the story query language), filtered by speaker
        (any alias), role, organisation, language, kind and dates; newest first without a query,
        best match first with one."""
        from dateline.enrich.results import QuoteResults

        if kind in (None, "", "all"):
            kind = None
        elif kind not in QUOTE_KINDS:
            raise InputError(f"unknown quote kind {kind!r}",
                             hint="use soundbite, reported, direct or all")
        if language:
            from dateline.transcript.language import language_code

            code = language_code(language)
            if code is None:
                raise InputError(f"unknown language {language!r}",
                                 hint="give an ISO 639-1 code (en, ko, ja…) or a name (Korean)")
            language = code
        limit = max(1, min(int(limit), self.setting("max_page_size")))
        offset = max(0, int(offset))
        warnings: list[str] = []
        entity_ids = None
        if speaker:
            entity_ids = [e[0] for e in self._find(speaker, "person")]
            if not entity_ids:
                return QuoteResults([], 0, [f"no speaker named {speaker!r} in this archive"])
        es = self._entities
        filters = dict(entity_ids=entity_ids, role=role, organization=organization,
                       language=language, kind=kind, date_from=date_from, date_to=date_to)
        if not query or not query.strip():
            rows, total = es.quotes(**filters, limit=limit, offset=offset)  # type: ignore[arg-type]
            return QuoteResults(self._titled([_quote_hit(r) for r in rows]), total, warnings)
        self.sync_quotes()
        with self._quote_engine() as engine:
            found = engine.search(query, date_from=date_from, date_to=date_to,
                                  limit=_MAX_QUERY_HITS, facets=False, snippets=True)
        warnings.extend(found.warnings)
        if found.total > _MAX_QUERY_HITS:
            warnings.append(f"only the best {_MAX_QUERY_HITS} of {found.total} matching quotes "
                            "were filtered; narrow the query")
        rank = {h.id: i for i, h in enumerate(found.hits)}
        snippets = {h.id: " … ".join(h.snippets) for h in found.hits}
        rows = []
        for ids in chunks(list(rank)):
            found_rows, _ = es.quotes(**filters, ids=list(ids), limit=None)  # type: ignore[arg-type]
            rows.extend(found_rows)
        hits = sorted((_quote_hit(r) for r in rows), key=lambda h: rank.get(h.id, 0))
        for h in hits:
            h.snippet = snippets.get(h.id)
        return QuoteResults(self._titled(hits[offset:offset + limit]), len(hits), warnings)

    def _titled(self, hits: list[QuoteHit]) -> list[QuoteHit]:
        """Quote hits whose story has no title, given the title derived from its lead."""
        from dateline.store.titles import derived_titles

        untitled = [h for h in hits if not h.story_title]
        if untitled:
            derived = derived_titles(self.store, [h.story_id for h in untitled])
            for h in untitled:
                h.story_title = derived.get(h.story_id)
                h.story_title_derived = h.story_title is not None
        return hits

    # -- entities -----------------------------------------------------------------------------

    def _find(self, name: str, kind: str | None = None) -> list[tuple[str, str, str]]:
        from dateline.enrich.names import key_for

        name = name.strip()
        if not name:
            raise InputError("an entity name is required")
        es = self._entities
        found: dict[str, tuple[str, str, str]] = {}
        for k in (kind,) if kind else ENTITY_KINDS:
            for row in es.find_entities(k, key_for(k, name), name):
                found[row[0]] = row
        return list(found.values())

    def _one(self, name_or_id: str) -> tuple[str, str, str]:
        rows = self._find(name_or_id)
        if not rows:
            raise NotFound(f"no entity named {name_or_id!r}",
                           hint="list entities with: dateline entities --top 50")
        if len(rows) > 1:  # the most mentioned one wins (a person over a place of that name)
            rows.sort(key=lambda r: -self._entities.counts_of(r[0])[1])
        return rows[0]

    def entity(self, name_or_id: str) -> EntityProfile:
        """Profile of one entity: aliases, titles with dates, counts, co-mentions, quotes."""
        from dateline.enrich.results import EntityProfile

        eid, kind, name = self._one(name_or_id)
        es = self._entities
        row = es.entity_row(eid)
        stories, mentions, nquotes, first, last = es.counts_of(eid)
        surfaces = dict(es.surfaces_of(eid))
        aliases = [{"alias": surface, "key": key, "how": how, "mentions": surfaces.get(surface, 0)}
                   for key, surface, how in es.aliases_of(eid)]
        titles = [{"title": t, "first": a, "last": b, "stories": n}
                  for t, a, b, n in es.titles_of(eid)]
        co = _co_mentions(es, eid, stories)
        latest, _ = es.quotes(entity_ids=[eid], limit=5)
        return EntityProfile(eid, kind, name, row[4] if row else None, aliases, titles, stories,
                             mentions, nquotes, first, last, co,
                             self._titled([_quote_hit(r) for r in latest]))

    def entities(self, kind: str | None = None, top: int = 50, date_from: date | None = None,
                 date_to: date | None = None) -> list[EntitySummary]:
        """The most mentioned entities (by number of stories), optionally of one kind."""
        from dateline.enrich.results import EntitySummary

        kind = _KIND_NAMES.get((kind or "").strip().lower(), kind) if kind else None
        if kind is not None and kind not in ENTITY_KINDS:
            raise InputError(f"unknown entity type {kind!r}", hint="use person, org or place")
        rows = self._entities.top_entities(kind, max(1, int(top)), date_from, date_to)
        return [EntitySummary(*r) for r in rows]

    def merge_entities(self, a: str, b: str) -> EntityProfile:
        """Make ``b`` an alias of ``a`` (kept across re-enrichment)."""
        if self.readonly:
            raise PermissionDenied("this archive is open read-only")
        ka, kb = self._one(a), self._one(b)
        if ka[1] != kb[1]:
            raise InputError(f"cannot merge a {ka[1]} ({ka[2]}) with a {kb[1]} ({kb[2]})")
        if ka[0] == kb[0]:
            return self.entity(ka[0])
        es = self._entities
        with self.store.backend.lock("entities"):
            es.add_override("merge", ka[1], es.entity_row(ka[0])[3],  # type: ignore[index]
                            es.entity_row(kb[0])[3])  # type: ignore[index]
            self._resolve_entities()
        self.sync_quotes()
        return self.entity(a)

    def split_entity(self, entity: str, alias: str) -> EntityProfile:
        """Take ``alias`` out of ``entity`` into an entity of its own (kept across
        re-enrichment); returns the new entity's profile."""
        from dateline.enrich.names import key_for

        if self.readonly:
            raise PermissionDenied("this archive is open read-only")
        eid, kind, name = self._one(entity)
        es = self._entities
        akey = key_for(kind, alias)
        match = [k for k, s, _ in es.aliases_of(eid) if k == akey or s.casefold() ==
                 alias.casefold()]
        if not match:
            raise NotFound(f"{name!r} has no alias {alias!r}",
                           hint=f"see its aliases with: dateline entity {name!r}")
        if len(es.aliases_of(eid)) < 2:
            raise InputError(f"{alias!r} is the only name of {name!r}: nothing to split")
        with self.store.backend.lock("entities"):
            es.add_override("split", kind, match[0], None)
            self._resolve_entities()
        self.sync_quotes()
        new = es.alias_map()[(kind, match[0])]
        return self.entity(new)

    # -- per story ----------------------------------------------------------------------------

    def _doc_entities(self, story_ids: list[str]) -> dict[str, dict[str, list[str]]]:
        """Canonical names of the persons, orgs and places each story mentions (for the index),
        by story id, each name once, in text order; a place or body named in Hangul also by
        the display name every archive shares (``미국`` and ``United States``), so that either
        finds it."""
        from dateline.enrich.names import DISPLAY, key_for

        field = {"person": "persons", "org": "orgs", "place": "places"}
        out: dict[str, dict[str, list[str]]] = {
            sid: {"persons": [], "orgs": [], "places": []} for sid in story_ids
        }
        for sid, kind, value in self._entities.mention_names(story_ids):
            values = out[sid][field[kind]]
            shared = DISPLAY.get(key_for(kind, value)) if kind != "person" else None
            for name in (value, shared):
                if name and name not in values:
                    values.append(name)
        return out

    def story_extras(self, story_id: str) -> dict[str, Any]:
        """Entities (with ids, offsets, titles, maker) and quotes (with speaker entity ids)."""
        sid = self.store.resolve_id(story_id)
        es = self._entities
        keys = ("id", "kind", "name", "surface", "start", "end", "title", "source", "note", "maker")
        entities = [dict(zip(keys, r, strict=True)) for r in es.story_mentions(sid)]
        rows, _ = es.quotes(story_id=sid, limit=None)
        quotes = sorted((_quote_hit(r) for r in rows), key=lambda h: h.start)
        return {"entities": entities, "quotes": [q.to_dict() for q in quotes]}


def _quote_hit(r: tuple[Any, ...]) -> QuoteHit:
    from dateline.enrich.results import QuoteHit

    (sid, rev, idx, kind, text, speaker, role, org, language, start, end, confidence, day,
     program, maker, eid, ename, oid, title, label) = r[:20]
    return QuoteHit(f"{sid}:{rev}:{idx}", sid, kind, text, speaker, eid, ename, role, org, oid,
                    language, day, program, title, start, end, confidence, maker,
                    language_label=label)


def _quote_doc(r: tuple[Any, ...]) -> IndexDoc:
    from dateline.search.base import IndexDoc

    hit = _quote_hit(r)
    speaker = hit.entity or hit.speaker
    label = " / ".join(x for x in (speaker, hit.role, hit.organization) if x) or None
    return IndexDoc(
        id=hit.id, title=label, text=hit.text,
        date=date.fromisoformat(hit.date) if hit.date else None,
        program=hit.program, language=hit.language, source=hit.kind,
        speakers=[speaker] if speaker else [], quotes=[hit.text],
        persons=[speaker] if speaker else [],
        orgs=[hit.organization] if hit.organization else [],
    )


def _co_mentions(es: EntityStore, entity_id: str, stories: int) -> list[dict[str, Any]]:
    """The entities most often in the entity's stories; for an entity in more stories than
    co-occurrence samples, counted on the same kind of sample and scaled ("estimated")."""
    from dateline.store import entity_periods as periods

    bound = periods.sample_of(stories, periods.SAMPLE_STORIES)
    rows = es.co_mentions(entity_id, ids_below=bound)
    if bound is None:
        return [{"id": i, "kind": k, "name": n, "stories": c} for i, k, n, c in rows]
    sampled = es.stories_mentioning(entity_id, ids_below=bound)
    return [{"id": i, "kind": k, "name": n, "stories": periods.scale_up(c, stories, sampled),
             "estimated": True} for i, k, n, c in rows]
