"""Per-process caches of search answers, keyed by the index generation they were computed on.

Like Elasticsearch's shard request cache: an answer is stored with the generation of the index
(its committed state) in its key, so a commit makes every older entry unreachable at once and
nothing is ever invalidated by hand, nor served stale.  Engines say what their generation is
(:meth:`dateline.search.base.SearchEngine.generation`); an engine that cannot tell (``None``) is
never cached.

Two caches, both bounded LRUs shared by every engine of the process (a web server's pooled
archives share them):

- :data:`FACETS`: the facet counts of a (query, date range); facets do not depend on the sort
  or the page, and they are the costliest part of a search (five aggregations).
- :data:`PAGES`: one page of hits (ids, titles, dates, scores, snippets) and the total of a
  (query, date range, sort, page, snippets).

Entries are only ever replaced whole and handed out as copies, so a caller that edits its
results cannot change what the next one gets.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from dateline import settings

__all__ = ["FACETS", "FACETS_SIZE", "PAGES", "PAGES_SIZE", "CacheStats", "LRUCache",
           "clear_all"]

V = TypeVar("V")

#: result pages kept per process (one is ~20 kB: 20 hits with their snippets), from the
#: ``search_cache`` setting (``DATELINE_SEARCH_CACHE``; 0 turns both caches off)
PAGES_SIZE = int(settings.get("search_cache"))
#: facet sets kept per process (one is up to ~30 kB: the month facet of a broad query has a
#: bucket per month of the archive); by default both caches stay under ~40 MB per process
FACETS_SIZE = PAGES_SIZE // 2


@dataclass(frozen=True, slots=True)
class CacheStats:
    size: int
    max_size: int
    hits: int
    misses: int


class LRUCache(Generic[V]):
    """A thread-safe least-recently-used map with at most ``max_size`` entries."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max(0, int(max_size))
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self._misses += 1
                return None
            self._data.move_to_end(key)
            self._hits += 1
            return value

    def put(self, key: Hashable, value: V) -> None:
        if self.max_size == 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._hits = self._misses = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._data), self.max_size, self._hits, self._misses)


#: (index, generation, query, dates) → facet name → value → count (handed out as copies)
FACETS: LRUCache[dict[str, dict[str, int]]] = LRUCache(FACETS_SIZE)
#: (index, generation, query, dates, sort, limit, offset, snippets) → (hits, total, warnings)
PAGES: LRUCache[tuple[Any, ...]] = LRUCache(PAGES_SIZE)


def clear_all() -> None:
    """Empty both caches (tests; a process that wants its memory back)."""
    FACETS.clear()
    PAGES.clear()
