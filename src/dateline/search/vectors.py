"""The vector index of one embedding model: a usearch HNSW graph of passage vectors, quantised
to 8 bits, in one file of the archive folder (``vectors/<name@version>/index.usearch``).

It is derived like the full-text index: ``dateline embed --rebuild`` makes it again from the
store.  Keys are ``story number * 64 + passage`` (numbers: :mod:`dateline.store.embeddings`).
Readers memory-map the file (``view``), so a million stories' vectors cost page cache, not
process memory, and see a new file as soon as a writer has replaced it; a writer loads the
index, changes it, and saves it to a new file that replaces the old one at once (a reader or
a killed writer never sees half a file).
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dateline.errors import ArchiveError, MissingExtra

__all__ = ["KEY_STRIDE", "VECTORS_DIR", "VectorIndex", "passage_key"]

log = logging.getLogger(__name__)

VECTORS_DIR = "vectors"
KEY_STRIDE = 64  # passages a story may have in the index (MAX_PASSAGES of the models)
FORMAT = 1
_FILE = "index.usearch"
_META = "vectors.json"
#: HNSW settings: recall@10 of 0.99 or more at 100k vectors, measured (benchmarks/semantic.py)
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 96


def passage_key(num: int, passage: int) -> int:
    return num * KEY_STRIDE + passage


def _usearch() -> Any:
    _load_arrow_first()
    try:
        from usearch import index
    except ImportError as exc:
        raise MissingExtra("usearch", "semantic", "semantic search") from exc
    return index


def _load_arrow_first() -> None:
    """Load Arrow's libraries before usearch's, when Arrow is installed.

    usearch's compiled module carries its own copy of the C++ runtime; an Arrow loaded
    after it (a Parquet export in the same process) crashes converting timestamps.
    Loaded in the other order, both work.
    """
    if importlib.util.find_spec("pyarrow") is not None:
        import pyarrow  # noqa: F401


def folder_name(model_key: str) -> str:
    """The folder of a model's vectors (``name@version`` made safe for a file name)."""
    return "".join(c if c.isalnum() or c in "-_.@" else "_" for c in model_key)


class VectorIndex:
    """Passage vectors of one model (``model_key``, ``dim``) in ``folder``."""

    def __init__(self, folder: Path, model_key: str, dim: int) -> None:
        self.folder = Path(folder)
        self.model_key = model_key
        self.dim = dim
        self.file = self.folder / _FILE
        self._view: Any = None
        self._view_stamp: tuple[int, int, int] | None = None
        self._writer: Any = None
        self._lock = threading.Lock()
        meta = self.folder / _META
        if meta.exists():
            found = json.loads(meta.read_text("utf-8"))
            if (found.get("model"), found.get("dim"), found.get("format")) != (
                    model_key, dim, FORMAT):
                raise ArchiveError(
                    f"the vector index in {self.folder} was built differently "
                    f"({found.get('model')}, {found.get('dim')} dimensions, format "
                    f"{found.get('format')})",
                    hint="rebuild it with: dateline embed --rebuild")

    # ------------------------------------------------------------------ reading
    def _reader(self) -> Any:
        """The saved index, memory-mapped; opened again when the file was replaced."""
        if self._writer is not None:
            return self._writer
        try:
            st = os.stat(self.file)
        except FileNotFoundError:
            self._view, self._view_stamp = None, None
            return None
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        if stamp != self._view_stamp:
            with self._lock:
                if stamp != self._view_stamp:
                    ui = _usearch()
                    self._view = ui.Index.restore(str(self.file), view=True)
                    self._view.expansion_search = EXPANSION_SEARCH
                    self._view_stamp = stamp
        return self._view

    def __len__(self) -> int:
        index = self._reader()
        return 0 if index is None else len(index)

    def _matches(self, vectors: Any, k: int) -> tuple[Any, Any, Any] | None:
        """The ``k`` nearest passages of each row of ``vectors``: keys and cosine similarities
        (a row each, nearest first) and how many of each row are real; None for an empty
        index."""
        import numpy as np

        index = self._reader()
        if index is None or len(index) == 0 or k <= 0:
            return None
        rows = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        matches = index.search(rows, min(k, len(index)))
        keys, dists = np.atleast_2d(matches.keys), np.atleast_2d(matches.distances)
        # one row gives Matches (no counts), several give BatchMatches
        counts = np.atleast_1d(getattr(matches, "counts", [keys.shape[1]]))
        return keys, 1.0 - dists, counts

    def search(self, vectors: Any, k: int) -> list[tuple[list[int], list[float]]]:
        """For each row of ``vectors``, up to ``k`` nearest passage keys and their cosine
        similarities, nearest first."""
        found = self._matches(vectors, k)
        if found is None:
            return [([], []) for _ in range(len(vectors))]
        keys, sims, counts = found
        return [(keys[i, :counts[i]].tolist(), sims[i, :counts[i]].tolist())
                for i in range(len(keys))]

    def nearest_stories(self, vectors: Any, k: int) -> dict[int, tuple[float, int]]:
        """Story number → (similarity, passage) of its best passage among the ``k`` nearest
        passages of each row of ``vectors``."""
        import numpy as np

        found = self._matches(vectors, k)
        if found is None:
            return {}
        keys, sims, counts = found
        real = np.arange(keys.shape[1]) < counts[:, None]  # rows may hold fewer than k
        keys, sims = keys[real].astype(np.int64), sims[real]
        # the best passage of each story: the first of its keys, most similar first
        order = np.argsort(-sims, kind="stable")
        nums, first = np.unique(keys[order] // KEY_STRIDE, return_index=True)
        best = order[first]
        return dict(zip(nums.tolist(), zip(sims[best].tolist(),
                                           (keys[best] % KEY_STRIDE).tolist(), strict=True),
                        strict=True))

    def vectors(self, keys: list[int]) -> list[Any]:
        """The stored (8-bit) vectors of ``keys``, as float32 rows; ``None`` for a key the
        index does not hold."""
        import numpy as np

        index = self._reader()
        if index is None or not keys:
            return [None] * len(keys)
        got = index.get(np.asarray(keys, dtype=np.uint64))
        return [None if v is None else np.asarray(v, dtype=np.float32) for v in got]

    # ------------------------------------------------------------------ writing
    @contextmanager
    def writing(self, *, fresh: bool = False) -> Iterator[VectorIndex]:
        """Hold the folder's write lock (one writer at a time) with the index loaded
        (``fresh``: a new empty index, which replaces the file at the first save)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = open(self.folder / "write.lock", "w")  # noqa: SIM115 - held for the block
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ArchiveError(f"another process is writing the vectors in {self.folder}",
                                   hint="wait for its `dateline embed` to finish") from None
            ui = _usearch()
            if fresh:  # a rebuild killed half-way must not leave the old vectors behind
                self.file.unlink(missing_ok=True)
            if self.file.exists():
                self._writer = ui.Index.restore(str(self.file))
            else:
                self._writer = ui.Index(ndim=self.dim, metric="cos", dtype="i8",
                                        connectivity=CONNECTIVITY,
                                        expansion_add=EXPANSION_ADD,
                                        expansion_search=EXPANSION_SEARCH)
            (self.folder / _META).write_text(json.dumps(
                {"model": self.model_key, "dim": self.dim, "format": FORMAT,
                 "dtype": "i8", "metric": "cos"}), "utf-8")
            yield self
        finally:
            self._writer = None
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()

    def add(self, keys: list[int], vectors: Any) -> None:
        import numpy as np

        if keys:
            self._writer.add(np.asarray(keys, dtype=np.uint64),
                             np.asarray(vectors, dtype=np.float32))

    def remove(self, keys: list[int]) -> None:
        import numpy as np

        if keys and len(self._writer):
            self._writer.remove(np.asarray(keys, dtype=np.uint64))

    def save(self) -> None:
        """Write the index to a new file, flush it to disk, and put it in place."""
        tmp = self.file.with_suffix(".tmp")
        self._writer.save(str(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.file)
        dir_fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def size_bytes(self) -> int:
        return self.file.stat().st_size if self.file.exists() else 0

    def delete_files(self) -> None:
        """Remove the model's vector folder (a rebuild starts from nothing)."""
        self._view, self._view_stamp = None, None
        if self.folder.exists():
            shutil.rmtree(self.folder)
