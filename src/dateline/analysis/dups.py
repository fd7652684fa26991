"""Near-duplicates: stories whose wording is nearly the same (a re-run, a lightly edited
re-broadcast, the same report under two programmes).

Exact copies are already caught at ingest by text hash (``duplicate_of``); this pass finds the
*near* ones.  Method:

1. **Shingles**: a story's indexed text is lower-cased and split into words (``\\w+``, so Korean
   is split on spaces and punctuation); every run of :data:`SHINGLE` consecutive words is hashed
   to 32 bits.  Stories with fewer than :data:`MIN_WORDS` words are left out (a bare headline is
   not evidence of copying).
2. **MinHash**: a :data:`NUM_PERM`-value signature of the shingle set (datasketch ``MinHash``,
   affine32 scheme, seed 1), whose agreement estimates the Jaccard similarity of two sets.
3. **LSH banding**: the signature is cut into *b* bands of *r* rows, chosen by datasketch's
   optimiser for a threshold 0.1 below the configured one and weighted towards recall (false
   candidates are removed in step 4).  Each band is hashed into one integer and stored in
   ``dup_bands``; stories sharing any band key are candidates.  The state is persisted, so an
   ingest only processes the new and changed stories (watermark ``dups_seq``).
4. **Verification**: each candidate pair's *exact* shingle Jaccard is computed from the texts;
   pairs at or above the ``dup_threshold`` setting (default 0.8) are near-duplicates, and the
   pairs are joined into clusters (single link), stored in ``dup_members``.

A change of parameters (threshold, shingle size…) is detected and rebuilds the state.
"""

from __future__ import annotations

import logging
import re
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from dateline.errors import InputError
from dateline.model import StoredStory
from dateline.store import analysis as sql
from dateline.store.sqlite import Store
from dateline.store.titles import derived_titles

log = logging.getLogger(__name__)

SHINGLE = 4
NUM_PERM = 64
MIN_WORDS = 12
VERSION = 1
_WORD = re.compile(r"\w+")
_MASK63 = (1 << 63) - 1
_BATCH = 2000


@dataclass(slots=True)
class DupMember:
    id: str
    date: str | None
    title: str | None
    #: exact word-shingle Jaccard similarity with the story that joined it to the cluster
    similarity: float
    #: the title is derived from the story's lead (it has none of its own)
    title_derived: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date, "title": self.title,
                "title_derived": self.title_derived, "similarity": round(self.similarity, 4)}


@dataclass(slots=True)
class DupCluster:
    """Stories that are near-duplicates of each other (single-link at the threshold)."""

    id: str
    members: list[DupMember] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "size": self.size, "members": [m.to_dict() for m in self.members]}


@dataclass(slots=True)
class DupReport:
    """What one near-duplicate pass did."""

    processed: int = 0
    skipped_short: int = 0
    candidates: int = 0
    pairs: int = 0
    clusters: int = 0
    clustered: int = 0
    rebuilt: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


# -- signatures -----------------------------------------------------------------------------


class Shingler:
    """Word shingles → 32-bit hashes, with a bounded cache of word hashes."""

    def __init__(self, size: int = SHINGLE, cache: int = 200_000):
        import numpy as np

        self.np = np
        self.size = size
        self._cache: dict[str, int] = {}
        self._cache_max = cache
        rng = np.random.default_rng(20261107)
        self._mult = rng.integers(1, 2**63, size=size, dtype=np.uint64) | np.uint64(1)

    def words(self, text: str) -> list[str]:
        return _WORD.findall(text.lower())

    def hashes(self, text: str) -> Any:
        """The sorted unique shingle hashes of ``text`` (numpy uint64 values below 2**32)."""
        np = self.np
        words = self.words(text)
        if len(words) < MIN_WORDS:
            return np.empty(0, dtype=np.uint64)
        cache = self._cache
        if len(cache) > self._cache_max:
            cache.clear()
        ids = list(map(cache.get, words))  # most words are known: one C-level pass
        if None in ids:
            for i, h in enumerate(ids):
                if h is None:
                    w = words[i]
                    ids[i] = cache[w] = zlib.crc32(w.encode("utf-8"))
        t = np.asarray(ids, dtype=np.uint64)
        n = len(t) - self.size + 1
        acc = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for i in range(self.size):
                acc = (acc ^ (t[i : i + n] * self._mult[i])) * np.uint64(0x9E3779B97F4A7C15)
        return np.unique(acc >> np.uint64(32))


def lsh_params(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) for ``threshold``: datasketch's optimiser aimed 0.1 lower, favouring
    recall (weights 0.2 false positive / 0.8 false negative)."""
    if not 0.0 < threshold <= 1.0:
        raise InputError(f"dup_threshold must be in (0, 1], not {threshold}",
                         hint="set it in settings.toml or DATELINE_DUP_THRESHOLD, e.g. 0.8")
    aim = max(0.3, threshold - 0.1)
    try:
        from datasketch.lsh import _optimal_param

        b, r = _optimal_param(aim, num_perm, 0.2, 0.8)
        return int(b), int(r)
    except ImportError as exc:
        from dateline.errors import MissingExtra

        raise MissingExtra("datasketch", "analysis", "near-duplicate detection") from exc


class Signer:
    """MinHash signatures and their LSH band keys.

    The signature is datasketch's ``MinHash`` (affine32 scheme, seed 1, the shingle hashes as
    their own hash values), computed here with numpy from datasketch's permutations: the same
    values (tested), without building a ``MinHash`` and hashing every value in Python."""

    def __init__(self, bands: int, rows: int, num_perm: int = NUM_PERM):
        try:
            from datasketch import MinHash
        except ImportError as exc:  # pragma: no cover - an optional extra
            from dateline.errors import MissingExtra

            raise MissingExtra("datasketch", "analysis", "near-duplicate detection") from exc
        import numpy as np

        self.np = np
        self.MinHash = MinHash
        self.num_perm = num_perm
        self.bands, self.rows = bands, rows
        self._perms = MinHash(num_perm=num_perm, seed=1, scheme="affine32").permutations
        a, b = self._perms
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)
        rng = np.random.default_rng(7)
        self._mult = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)

    def signature(self, hashes: Any) -> Any:
        """The MinHash signature (``num_perm`` uint32 values) of a non-empty array of 32-bit
        shingle hashes: each value pre-mixed by the MurmurHash3 finalizer, then
        ``min(a·h + b mod 2**32)`` for each permutation ``(a, b)``."""
        np = self.np
        h = np.asarray(hashes, dtype=np.uint32)
        with np.errstate(over="ignore"):
            h = h ^ (h >> np.uint32(16))
            h = h * np.uint32(0x85EBCA6B)
            h = h ^ (h >> np.uint32(13))
            h = h * np.uint32(0xC2B2AE35)
            h = h ^ (h >> np.uint32(16))
            return (h[:, None] * self._a + self._b).min(axis=0)

    def reference_signature(self, hashes: Any) -> Any:
        """:meth:`signature` as datasketch computes it (what the tests compare it with)."""
        m = self.MinHash(num_perm=self.num_perm, seed=1, hashfunc=int,
                         permutations=self._perms, scheme="affine32")
        m.update_batch(hashes)
        return m.hashvalues

    def band_keys(self, signature: Any) -> list[int]:
        np = self.np
        sig = signature[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        with np.errstate(over="ignore"):
            h = (sig * self._mult).sum(axis=1, dtype=np.uint64)
            h = h * np.uint64(0xBF58476D1CE4E5B9)
        return [((int(v) >> 5) << 5 | i) & _MASK63 for i, v in enumerate(h)]


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


# -- the pass -------------------------------------------------------------------------------


def params_for(threshold: float) -> dict[str, Any]:
    bands, rows = lsh_params(threshold)
    return {"version": VERSION, "num_perm": NUM_PERM, "shingle": SHINGLE, "min_words": MIN_WORDS,
            "bands": bands, "rows": rows, "threshold": round(float(threshold), 4)}


class _ShingleCache:
    """Shingle sets of recently seen stories (verification needs the candidates' sets)."""

    def __init__(self, store: Store, shingler: Shingler, size: int = 2_000):
        self.store, self.shingler, self.size = store, shingler, size
        self._sets: OrderedDict[str, set[int]] = OrderedDict()

    def put(self, story_id: str, shingles: set[int]) -> None:
        self._sets[story_id] = shingles
        if len(self._sets) > self.size:
            self._sets.popitem(last=False)

    def get_many(self, ids: Iterable[str]) -> dict[str, set[int]]:
        ids = list(ids)
        out = {i: self._sets[i] for i in ids if i in self._sets}
        missing = [i for i in ids if i not in out]
        if missing:
            for story in sql.stories_by_ids(self.store, missing):
                s = set(self.shingler.hashes(story.indexed_text()).tolist())
                out[story.id] = s
                self.put(story.id, s)
        return out


def update(store: Store, threshold: float, *, rebuild: bool = False,
           progress: Callable[[int], None] | None = None) -> DupReport:
    """Bring the near-duplicate clusters up to date with the store (incremental)."""
    started = time.perf_counter()
    report = DupReport()
    params = params_for(threshold)
    seen, old = sql.dup_state(store)
    fresh = rebuild or old != params
    if fresh:
        sql.begin(store)
        try:
            sql.dup_clear(store)
            sql.dup_set_state(store, 0, params)
            sql.commit(store)
        except BaseException:
            sql.rollback(store)
            raise
        seen = 0
        report.rebuilt = True
        log.info("near-duplicates: building from scratch (%s)", params)
    if seen >= store.max_seq():
        report.clusters, report.clustered = sql.dup_cluster_count(store)
        report.seconds = time.perf_counter() - started
        return report

    shingler = Shingler(params["shingle"])
    signer = Signer(params["bands"], params["rows"], params["num_perm"])
    cache = _ShingleCache(store, shingler)
    pending = 0
    last_seq = seen
    sql.begin(store)
    try:
        for story in store.iter_stories(include_duplicates=True, after_seq=seen,
                                        with_quotes=False, batch=_BATCH):
            if not fresh:
                sql.dup_forget(store, story.id)
            _one(store, story, threshold, shingler, signer, cache, report)
            last_seq = story.seq
            pending += 1
            if pending >= _BATCH:
                sql.dup_set_state(store, last_seq, params)
                sql.commit(store)
                if progress is not None:
                    progress(report.processed)
                sql.begin(store)
                pending = 0
        sql.dup_set_state(store, max(last_seq, seen), params)
        sql.commit(store)
    except BaseException:
        sql.rollback(store)
        raise
    report.clusters, report.clustered = sql.dup_cluster_count(store)
    report.seconds = time.perf_counter() - started
    log.info("near-duplicates: %d stories in %.1f s, %d clusters", report.processed,
             report.seconds, report.clusters)
    return report


def _one(store: Store, story: StoredStory, threshold: float, shingler: Shingler,
         signer: Signer, cache: _ShingleCache, report: DupReport) -> None:
    report.processed += 1
    if story.duplicate_of:
        return
    hashes = shingler.hashes(story.indexed_text())
    if len(hashes) == 0:
        report.skipped_short += 1
        return
    mine = set(hashes.tolist())
    cache.put(story.id, mine)
    keys = signer.band_keys(signer.signature(hashes))
    candidates = sql.dup_candidates(store, keys)
    candidates.discard(story.id)
    if candidates:
        report.candidates += len(candidates)
        sets = cache.get_many(candidates)
        matches = [(c, j) for c, s in sets.items() if (j := jaccard(mine, s)) >= threshold]
        if matches:
            report.pairs += len(matches)
            clusters = sql.dup_clusters_of(store, [c for c, _ in matches])
            partners = [(c, j) for c, j in matches if c not in clusters]
            best = max(j for _, j in matches)
            sql.dup_join(store, story.id, best, clusters.values(), partners)
    sql.dup_add(store, story.id, keys)


def clusters(store: Store, *, limit: int | None = None, offset: int = 0) -> list[DupCluster]:
    """Stored clusters, largest first, with each member's date and title."""
    raw = sql.dup_all_clusters(store, limit=limit, offset=offset)
    ids = [sid for _, members in raw for sid, _ in members]
    meta = {s.id: s for s in sql.stories_by_ids(store, ids)}
    out = []
    for cid, members in raw:
        items = []
        for sid, sim in members:
            s = meta.get(sid)
            title, derived = s.display_title if s else (None, False)
            items.append(DupMember(sid, s.date.isoformat() if s and s.date else None,
                                   title, sim, derived))
        items.sort(key=lambda m: (m.date or "", m.id))
        out.append(DupCluster(cid, items))
    return out


def also_appears_as(store: Store, story_id: str) -> list[DupMember]:
    """The other members of a story's near-duplicate cluster."""
    members = sql.dup_cluster(store, story_id)
    heads = sql.story_headers(store, [m for m, _ in members])
    derived = derived_titles(store, [sid for sid, (_, title) in heads.items() if not title])
    out = []
    for sid, sim in members:
        day, title = heads.get(sid, (None, None))
        out.append(DupMember(sid, day.isoformat() if day else None, title or derived.get(sid),
                             sim, not title and sid in derived))
    out.sort(key=lambda m: (m.date or "", m.id))
    return out
