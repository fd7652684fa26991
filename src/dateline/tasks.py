"""The batches a runner sends away: plain functions, importable by name on any worker.

Each takes plain data (file paths or raw bytes with reader options; story payloads; passage
texts) and returns plain data; none opens an archive.  What a task needs that is costly to make
(the reader plugins, the parser's compiled patterns, the entity gazetteer, an embedding model) is
kept in module state of the worker process, so it loads once per worker, not once per batch.

The parse budget: a worker thread cannot use the alarm signal (only the main thread receives
signals), so a :class:`ThreadDeadline` raises ``ParseTimeout`` in the thread whose parse runs
past it.  Like the alarm it interrupts Python code only, between two bytecodes: a parse stuck
in native code is not stopped (the local pool's silence watchdog is what catches that; on a
cluster, a worker whose task never ends holds its batch until someone restarts it).
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from dateline.enrich.entities import StoryFacts
    from dateline.ingest import Job, Known, Result
    from dateline.model import StoredStory
    from dateline.readers import ReaderOptions

log = logging.getLogger(__name__)

#: one batch at a time per worker process: the reader options and the budget are module state
#: of the parser, and Python code gains nothing from two threads of one process
_PARSE_LOCK = threading.Lock()


class ThreadDeadline:
    """Raises ``ingest.ParseTimeout`` in a thread still parsing at its deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[int, float] = {}
        self._fired: set[int] = set()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> None:
        with self._lock:
            self._due[threading.get_ident()] = time.monotonic() + seconds
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, daemon=True,
                                                name="dateline-parse-deadline")
                self._thread.start()

    def disarm(self) -> None:
        tid = threading.get_ident()
        with self._lock:
            self._due.pop(tid, None)
            fired = tid in self._fired
            self._fired.discard(tid)
        if fired:  # raised already, or about to be: not after the parse
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), None)

    def _watch(self) -> None:
        from dateline.ingest import ParseTimeout

        while True:
            time.sleep(0.05)
            now = time.monotonic()
            with self._lock:
                for tid, due in list(self._due.items()):
                    if now >= due:
                        del self._due[tid]
                        self._fired.add(tid)
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(tid), ctypes.py_object(ParseTimeout))


_deadline = ThreadDeadline()


def parse_chunk(jobs: list[Job], known: Known, options: ReaderOptions,
                budget: float) -> list[Result]:
    """``ingest._work`` on every job of a chunk, with these reader options and parse budget."""
    from dateline import ingest

    with _PARSE_LOCK:
        ingest._worker_options = options
        ingest._budget = budget
        ingest._deadline = _deadline if budget else None
        try:
            return [ingest._work(job, known) for job in jobs]
        except Exception as exc:  # a bug: sent back as text (its objects may not pickle)
            raise RuntimeError(f"parsing failed on a worker: {exc!r}\n"
                               f"{traceback.format_exc()}") from None
        finally:
            ingest._budget = 0.0
            ingest._deadline = None


#: the tasks in pure Python, one core each: the local runner spreads them over processes (the
#: Korean analysis and the embedding models have threads of their own)
SPREAD: set[Callable[..., Any]] = set()
#: what makes a process ready for a spread task (the gazetteers, the name lists): run once
#: before the local runner forks, so that its processes share what it loaded instead of each
#: loading it again (about a second a process for the entity enricher)
WARM: dict[Callable[..., Any], Callable[[], None]] = {}


def extract_entities(
        batch: list[tuple[StoredStory, Any, Any]]) -> list[StoryFacts | None]:
    """The entity enricher on ``(story, text proper nouns, title proper nouns)`` payloads;
    ``None`` for a story it fails on (logged: one story must not stop the pass)."""
    from dateline.enrich import entities

    out: list[StoryFacts | None] = []
    for story, text_nouns, title_nouns in batch:
        try:
            out.append(entities.extract(story, proper_nouns=text_nouns,
                                        title_nouns=title_nouns))
        except Exception:  # noqa: BLE001 - left stale: the next pass tries it again
            # (a run of 400 capitalised names joined by "and" overflows the English scanner)
            log.exception("entity extraction failed on story %s; the others go on", story.id)
            out.append(None)
    return out


def _warm_entities() -> None:
    """Load what the entity enricher loads on its first English and first Korean story."""
    from dateline.enrich import entities
    from dateline.model import Hints
    from dateline.transcript import parse

    # the Korean story comes with its (no) proper nouns, as the stored analysis gives them:
    # the analyser is not loaded for this
    for text, nouns in (("Minister Kim Sol-bin of the Ministry of Unification visited Seoul.",
                         None), ("통일부의 김솔빈 장관은 서울을 방문했다.", [])):
        for story in parse(f"date 2020-01-01\n\n{text}", Hints()).stories:
            entities.extract(story, proper_nouns=nouns, title_nouns=[])


SPREAD.add(extract_entities)
WARM[extract_entities] = _warm_entities


def embed_passages(batch: tuple[str, list[str], int]) -> np.ndarray:
    """Vectors of passage texts by the model ``name@version`` (loaded once per process),
    ``size`` texts per call of the model (as the coordinator would call it)."""
    import numpy as np

    from dateline.enrich.embedding import get_embedder

    key, texts, size = batch
    model = get_embedder(key.rpartition("@")[0] or key)
    if model.key != key:
        from dateline.errors import ClusterError

        raise ClusterError(f"this worker has the model {model.key}, the archive wants {key}",
                           hint="install the same dateline and models on every worker")
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.concatenate([model.embed_passages(texts[i:i + size])
                           for i in range(0, len(texts), size)])


def versions() -> dict[str, str]:
    """What a worker runs: dateline's version and parser (checked against the coordinator's)."""
    from dateline import __version__, ingest

    return {"dateline": __version__, "parser": ingest.PARSER_NAME}
