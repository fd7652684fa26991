"""Where an archive's derived indexes live, and how far each has come.

An embedded archive is one folder: the store (``dateline.sqlite``) and the indexes derived from
it (``index/``, ``index-quotes/``), whose watermarks — the store sequence each index has taken
in — are kept in the store's ``meta`` table.

A server archive (PostgreSQL) is shared by many machines; each machine that searches it keeps
its own derived indexes, in a local folder: ``--index-dir`` / ``$DATELINE_INDEX_DIR``, else
``~/.cache/dateline/<hash of the archive URL>`` (``$XDG_CACHE_HOME`` is honoured).  The folder
also holds the node's ``settings.toml``.  Everything in it can be deleted: it is made again from
the store.  Its watermarks are in the folder too (``marks.json``), with the id of the store they
follow, so that a folder left by another store (a database made again, a copy) is recognised
and emptied.  Processes of one node that bring its indexes up to date take turns
(:func:`folder_lock`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateline.store import Store

MARKS_FILE = "marks.json"
#: the store meta key holding the id of a server store (a new one on every new store)
STORE_ID = "store_id"


def cache_folder(location: str, index_dir: str | Path | None = None) -> Path:
    """The local folder of a server archive at ``location`` (its URL without password)."""
    if index_dir:
        return Path(index_dir).expanduser()
    given = os.environ.get("DATELINE_INDEX_DIR")
    if given:
        return Path(given).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]
    return base / "dateline" / digest


def local_folder(location: str | Path) -> Path:
    """The folder of an archive's settings and derived indexes on this machine: the archive
    folder itself, or the node's folder of a server archive."""
    from dateline.store.backend import mask_url, server_url

    url = server_url(location)
    return cache_folder(mask_url(url)) if url else Path(location).expanduser()


class Marks:
    """Watermarks of derived indexes: ``get``/``set`` of integers by name."""

    def get(self, key: str) -> int:
        raise NotImplementedError

    def set(self, key: str, value: int) -> None:
        raise NotImplementedError

    def delete(self, keys: Iterable[str]) -> None:
        raise NotImplementedError


class StoreMarks(Marks):
    """In the store's ``meta`` table (an embedded archive: the indexes sit beside it)."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, key: str) -> int:
        return int(self.store.get_meta(key, "0") or 0)

    def set(self, key: str, value: int) -> None:
        self.store.set_meta(key, str(value))

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.store.delete_meta(key)


class FolderMarks(Marks):
    """In ``marks.json`` of a node's local folder, for the store with id ``store_id``."""

    def __init__(self, folder: Path, store_id: str):
        self.path = folder / MARKS_FILE
        self.store_id = store_id

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def belongs(self) -> bool:
        """Whether the folder's indexes were made from this store (or it has none yet)."""
        data = self._read()
        return not data or data.get("store") == self.store_id

    def get(self, key: str) -> int:
        data = self._read()
        marks = data.get("marks") if data.get("store") == self.store_id else None
        value = marks.get(key, 0) if isinstance(marks, dict) else 0
        return int(value) if isinstance(value, int | str) else 0

    def _write(self, marks: dict[str, int]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".marks-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"store": self.store_id, "marks": marks}, fh)
        os.replace(tmp, self.path)

    def _marks(self) -> dict[str, int]:
        data = self._read()
        marks = data.get("marks") if data.get("store") == self.store_id else None
        return dict(marks) if isinstance(marks, dict) else {}

    def set(self, key: str, value: int) -> None:
        marks = self._marks()
        marks[key] = int(value)
        self._write(marks)

    def delete(self, keys: Iterable[str]) -> None:
        marks = self._marks()
        for key in keys:
            marks.pop(key, None)
        self._write(marks)


def reset_folder(folder: Path, names: Iterable[str], marks: FolderMarks) -> None:
    """Empty a node's folder of indexes made from another store."""
    for name in names:
        shutil.rmtree(folder / name, ignore_errors=True)
    marks._write({})


@contextlib.contextmanager
def folder_lock(folder: Path, name: str) -> Iterator[None]:
    """Exclusive among the processes of this machine using ``folder`` while the block runs."""
    try:
        import fcntl
    except ImportError:  # not on this system: one process at a time
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f".{name}.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
