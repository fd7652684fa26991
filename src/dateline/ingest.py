"""The ingest pipeline: discover files, read and parse them on every core, store them in batches.

Workers read and parse; the parent process alone writes, one transaction per batch, in the order
the files were discovered.  Ids are derived from content and names, never from timing, so an
interrupted run followed by a new run gives the same archive as one uninterrupted run.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import sqlite3
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from dateline import transcript
from dateline.readers import ReaderOptions, discover, read_path
from dateline.store import IngestCounts, ParsedSource, Store
from dateline.store.sqlite import DB_NAME, PreparedSource

log = logging.getLogger(__name__)

_WINDOW = 512  # files handed to the workers at a time

PARSER_NAME = f"transcript@{getattr(transcript, '__version__', '0')}"


@dataclass(slots=True)
class Progress:
    """What the pipeline reports after each stored batch."""

    files_done: int
    files_total: int | None
    stories: int
    started: float
    counts: IngestCounts

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.stories / elapsed if elapsed > 0 else 0.0


@dataclass(slots=True)
class IngestReport:
    run_id: int
    files: int
    counts: IngestCounts
    seconds: float
    interrupted: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def stories_per_second(self) -> float:
        return self.counts.stories / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "files": self.files,
            "seconds": round(self.seconds, 3),
            "stories_per_second": round(self.stories_per_second, 1),
            "interrupted": self.interrupted,
            **self.counts.as_dict(),
        }


# -- worker side ------------------------------------------------------------------------------

_worker_options: ReaderOptions | None = None
_worker_db: sqlite3.Connection | None = None


def _init_worker(db_path: str, options: ReaderOptions) -> None:
    """Initialiser of a pool worker process."""
    # Ctrl-C reaches the whole process group: the parent alone handles it (it stops the pool
    # and keeps what was stored); workers must not die with tracebacks of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_worker_state(db_path, options)


def _set_worker_state(db_path: str, options: ReaderOptions) -> None:
    global _worker_options, _worker_db
    _worker_options = options
    try:
        _worker_db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    except sqlite3.Error:  # pragma: no cover - the parent created it; never expected
        _worker_db = None


def _already_stored(name: str, sha: str) -> bool:
    if _worker_db is None:
        return False
    try:
        row = _worker_db.execute(
            "SELECT 1 FROM sources WHERE name = ? AND sha256 = ?", (name, sha)
        ).fetchone()
    except sqlite3.Error:
        return False
    return row is not None


def parse_source(source: Any) -> ParsedSource:
    """Parse every record of a source; a parser failure becomes a reject, never a crash."""
    records = []
    for record in source.records:
        try:
            doc = transcript.parse(record.text, record.hints)
        except Exception as exc:  # the parser must not raise; if it does, keep the bytes
            log.exception("parser failed on %s%s", source.origin, record.locator)
            source.errors.append(_parser_error(record, exc))
            continue
        records.append((record.locator, doc.stories, [*record.warnings, *doc.warnings]))
    return ParsedSource(source=source, records=records, parser=PARSER_NAME)


def _parser_error(record: Any, exc: Exception) -> Any:
    from dateline.model import RecordError

    return RecordError(
        reason=f"internal parser error ({type(exc).__name__}: {exc}); please report it",
        locator=record.locator,
        raw=record.text.encode("utf-8"),
    )


def _work(path: Path) -> tuple[list[PreparedSource], int]:
    """Read and parse one file: its sources prepared for the writer, and how many of them
    were already stored (those are skipped)."""
    options = _worker_options or ReaderOptions()
    out: list[PreparedSource] = []
    stored = 0
    for source in read_path(path, options):
        if _already_stored(source.name, source.sha256):
            stored += 1
            continue
        try:
            out.append(parse_source(source).prepare())
        except Exception as exc:  # noqa: BLE001 - nothing may stop the other files
            source.records = []
            source.reject_reason = f"internal error: {exc}"
            log.debug("%s", traceback.format_exc())
            out.append(ParsedSource(source=source, records=[], parser=PARSER_NAME).prepare())
    return out, stored


# -- parent side ------------------------------------------------------------------------------


def count_files(paths: Iterable[str | Path], options: ReaderOptions) -> int:
    return sum(1 for _ in discover(paths, options))


def run_ingest(
    store: Store,
    paths: list[str | Path],
    options: ReaderOptions | None = None,
    *,
    workers: int | None = None,
    batch_size: int = 256,
    progress: Callable[[Progress], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into ``store``; see the module docstring for the guarantees."""
    options = options or ReaderOptions()
    workers = workers or os.cpu_count() or 1
    # Counting walks the folders once more: only worth it when someone watches the progress.
    total = count_files(paths, options) if progress is not None else None
    run_id = store.start_run({"paths": [str(p) for p in paths], "workers": workers})
    counts = IngestCounts()
    started = time.monotonic()
    files = 0
    batch: list[PreparedSource] = []
    status = "done"

    def flush() -> None:
        if batch:
            counts.add(store.write_batch(batch, run_id))
            batch.clear()
        if progress is not None:
            progress(Progress(files, total, counts.stories, started, counts))

    results = _results(paths, options, workers, str(store.folder / DB_NAME))
    try:
        with store.background_checkpoints():
            for prepared, stored in results:
                files += 1
                counts.unchanged_sources += stored
                batch.extend(prepared)
                if len(batch) >= batch_size:
                    flush()
            flush()
    except BaseException:
        status = "interrupted"
        raise
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
        store.finish_run(run_id, counts, status)
    return IngestReport(run_id, files, counts, time.monotonic() - started)


def _results(paths: list[str | Path], options: ReaderOptions, workers: int,
             db_path: str) -> Iterator[tuple[list[PreparedSource], int]]:
    """Results of ``_work`` over all files, in discovery order, on ``workers`` processes."""
    files = discover(paths, options)
    if workers <= 1:
        _set_worker_state(db_path, options)
        for path in files:
            yield _work(path)
        return
    # fork: workers start at once and need no importable __main__ (notebooks, stdin scripts);
    # they only read files and parse, never touching the parent's index, model or connection.
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    pool = ctx.Pool(workers, initializer=_init_worker, initargs=(db_path, options))
    # Pool.imap alone would read every path and buffer every result the writer has not taken
    # yet; windows of files, two in flight, keep memory flat however large the corpus.
    pending: deque[Iterator[tuple[list[PreparedSource], int]]] = deque()
    # Big chunks: each result message costs the writer's process a wake-up (64 files a
    # message took a quarter off its CPU against 8); four chunks per worker in a window.
    chunk = max(1, min(64, _WINDOW // (4 * workers)))
    try:
        while window := list(islice(files, _WINDOW)):
            pending.append(pool.imap(_work, window, chunksize=chunk))
            if len(pending) > 1:
                yield from pending.popleft()
        while pending:
            yield from pending.popleft()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
