"""The ingest pipeline: discover files, read and parse them on every core, store them in batches.

Workers read and parse; the parent process alone writes, one transaction per batch, in the order
the files were discovered.  Ids are derived from content and names, never from timing, so an
interrupted run followed by a new run gives the same archive as one uninterrupted run.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import queue
import signal
import sqlite3
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from dateline import transcript
from dateline.errors import WorkerDied
from dateline.readers import ReaderOptions, discover
from dateline.readers.reading import read_file
from dateline.store import IngestCounts, ParsedSource, Store
from dateline.store.sqlite import DB_NAME, PreparedSource

log = logging.getLogger(__name__)

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


def _init_worker(db_path: str | None, options: ReaderOptions) -> None:
    """Initialiser of a pool worker process."""
    # Ctrl-C reaches the whole process group: the parent alone handles it (it stops the pool
    # and keeps what was stored); workers must not die with tracebacks of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_worker_state(db_path, options)


def _set_worker_state(db_path: str | None, options: ReaderOptions) -> None:
    """``db_path`` is None when no source can be stored yet: nothing to look up then."""
    global _worker_options, _worker_db
    _worker_options = options
    _worker_db = None
    if db_path is None:
        return
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


def _work(path: str) -> tuple[list[PreparedSource], int]:
    """Read and parse one file (``str`` of a Path): its sources prepared for the writer, and how
    many of them were already stored (those are skipped)."""
    options = _worker_options or ReaderOptions()
    out: list[PreparedSource] = []
    stored = 0
    # basename of str(Path) is Path.name: the path is already in its normal form
    for source in read_file(path, os.path.basename(path), options):
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
    batch_size: int = 1024,
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
    files_done = 0
    batch: list[PreparedSource] = []
    status = "done"

    def flush() -> None:
        if batch:
            counts.add(store.write_batch(batch, run_id))
            batch.clear()
        if progress is not None:
            progress(Progress(files_done, total, counts.stories, started, counts))

    # In an archive without sources (a first run) no file can be stored already: the workers
    # skip one query per file.  A file given twice is still stored once: the writer checks.
    db_path = str(store.folder / DB_NAME) if store.has_sources() else None
    files = discover(paths, options)
    # The workers fork before the checkpoint thread starts: a process forked beside a running
    # thread can inherit a lock that thread holds (SQLite's, the logging module's).
    pool = _Workers(workers, db_path, options) if workers > 1 else None
    try:
        results = pool.map(files) if pool is not None else _in_process(files, db_path, options)
        with store.background_checkpoints():
            try:
                for prepared, stored in results:
                    files_done += 1
                    counts.unchanged_sources += stored
                    batch.extend(prepared)
                    if len(batch) >= batch_size:
                        flush()
                flush()
                if pool is not None:
                    pool.close()
            except BaseException:
                status = "interrupted"
                raise
            finally:
                # Still beside the checkpoint thread: this small commit does not stop to copy
                # the rest of the WAL into the database; the next checkpoint (at the latest,
                # closing the archive) does that once.
                store.finish_run(run_id, counts, status)
    finally:
        if pool is not None:
            pool.terminate()
    return IngestReport(run_id, files_done, counts, time.monotonic() - started)


def _in_process(files: Iterator[Path], db_path: str | None,
                options: ReaderOptions) -> Iterator[tuple[list[PreparedSource], int]]:
    """Results of ``_work`` over all files, in this process (one worker)."""
    _set_worker_state(db_path, options)
    for path in files:
        yield _work(str(path))


#: a parser job: a whole chunk (its number) or one file of a chunk tried alone (number, k)
Job = int | tuple[int, int]
Results = list[tuple[list[PreparedSource], int]]


def _killed(path: str, how: str) -> tuple[list[PreparedSource], int]:
    """The result of a file that killed the parser process reading it: rejected, its bytes not
    read again here (they may be what exhausted the worker's memory)."""
    from dateline.model import SourceFile

    source = SourceFile(
        origin=path, name=os.path.basename(path), raw=b"", reader="",
        reject_reason=f"the parser process died reading this file ({how}); it is not stored: "
                      "check its size and content, then ingest it alone with --debug",
        reject_place=path,
    )
    return [ParsedSource(source=source, records=[], parser=PARSER_NAME).prepare()], 0


class _Workers:
    """Parser processes, each fed chunks of paths over a pipe of its own; results come back
    in the order of the paths.

    Not ``multiprocessing.Pool``: its worker-handler thread wakes up whenever the shared
    result pipe is readable, so with large results in flight it spins (about a tenth of the
    writer's CPU), and its two other threads contend with the writer for the GIL.  Here the
    writer's own thread reads each result when it needs it."""

    #: files per message: big enough that messages are few, small enough that both workers
    #: stay busy to the end of the run
    CHUNK = 32
    #: chunks a worker may hold before the writer takes its results: enough to keep parsing
    #: while the writer stores a batch (a tenth of a second and more), few enough that the
    #: results not yet stored stay a few megabytes however large the corpus
    AHEAD = 8

    def __init__(self, n: int, db_path: str | None, options: ReaderOptions):
        # fork: workers start at once and need no importable __main__ (notebooks, stdin
        # scripts); they only read files and parse, never touching the parent's index, model
        # or connection.
        self._ctx = (mp.get_context("fork") if "fork" in mp.get_all_start_methods()
                     else mp.get_context("spawn"))
        if self._ctx.get_start_method() == "fork":
            _load_for_workers()
        self._args = (db_path, options)
        started = [self._spawn() for _ in range(n)]
        self.conns: list[Connection] = [conn for conn, _ in started]
        self.procs: list[BaseProcess] = [proc for _, proc in started]

    def _spawn(self) -> tuple[Connection, BaseProcess]:
        """A new parser process and the parent's end of its pipe."""
        here, there = self._ctx.Pipe()
        proc = self._ctx.Process(target=_serve, args=(there, *self._args), daemon=True,
                                 name="dateline-parser")
        proc.start()
        there.close()
        return here, proc

    def map(self, files: Iterator[Path]) -> Iterator[tuple[list[PreparedSource], int]]:
        """Results of ``_work`` for every file, in order.

        A worker that dies (killed, out of memory) is replaced.  The files it held are tried
        again one at a time, each alone in a worker: a file whose worker dies then is the
        cause and comes back rejected, so that one such file stops neither the run nor the
        other files.  Workers that keep dying whatever they are given stop the run."""
        chunks = iter(lambda: [str(path) for path in islice(files, self.CHUNK)], [])
        sent = 0  # chunks sent so far: the next chunk's number
        taken = 0  # chunks yielded so far: the number of the chunk wanted next
        paths: dict[int, list[str]] = {}  # of each chunk sent and not yet answered
        owed: list[deque[Job]] = [deque() for _ in self.conns]  # per worker, in order
        alone: deque[tuple[int, int]] = deque()  # files to try one at a time
        parts: dict[int, list[Results | None]] = {}  # answers of chunks tried file by file
        done: dict[int, Results] = {}
        limit = self.AHEAD * len(self.conns)  # chunks sent but not yet yielded, at most
        deaths = 0  # in a row, with no answer between them

        def send(i: int, job: Job) -> None:
            number, k = (job, None) if isinstance(job, int) else job
            message = paths[number] if k is None else [paths[number][k]]
            while True:
                try:
                    self.conns[i].send(message)
                except OSError:  # its end is closed: it died
                    replace(i)
                    continue
                owed[i].append(job)
                return

        def feed(i: int) -> None:
            nonlocal sent
            if alone:  # only to a worker with nothing else to do, one file at a time
                if not owed[i]:
                    send(i, alone.popleft())
                return
            while len(owed[i]) < self.AHEAD and sent - taken < limit:
                chunk = next(chunks, None)
                if chunk is None:
                    return
                paths[sent] = chunk
                sent += 1
                send(i, sent - 1)

        def answered(job: Job, results: Results) -> None:
            if isinstance(job, int):
                done[job] = results
                del paths[job]
                return
            number, k = job
            got = parts[number]
            got[k] = results
            if all(part is not None for part in got):
                done[number] = [r for part in got if part is not None for r in part]
                del parts[number], paths[number]

        def replace(i: int) -> None:
            """Worker ``i`` died: start another; what it held is tried again, file by file."""
            nonlocal deaths
            deaths += 1
            how = self._exit_code(i)
            if deaths > 2 * len(self.conns) + 2:
                raise WorkerDied(f"parser processes keep dying ({how}), whatever they read",
                                 hint="what was stored is kept: check the machine's memory, "
                                      "then run the same ingest again")
            orphans = list(owed[i])
            log.warning("a parser process died (%s); a new one tries its %d files again, one "
                        "by one", how, sum(len(paths[j]) if isinstance(j, int) else 1
                                           for j in orphans))
            owed[i].clear()
            self.conns[i].close()
            self.conns[i], self.procs[i] = self._spawn()
            for job in orphans:
                if isinstance(job, int):
                    parts[job] = [None] * len(paths[job])
                    alone.extend((job, k) for k in range(len(paths[job])))
                else:  # it was alone in its worker: this file killed it
                    path = paths[job[0]][job[1]]
                    log.error("a parser process died reading %s (%s)", path, how)
                    answered(job, [_killed(path, how)])

        for i in range(len(self.conns)):
            feed(i)
        while taken < sent:
            if taken in done:
                results = done.pop(taken)
                taken += 1
                for i in range(len(self.conns)):  # room again for a chunk beyond the limit
                    feed(i)
                yield from results
                continue
            busy = [i for i, o in enumerate(owed) if o]
            if not busy:  # the files of a dead worker wait to be tried alone
                for i in range(len(self.conns)):
                    feed(i)
                continue
            ready = wait([self.conns[i] for i in busy] + [self.procs[i].sentinel for i in busy])
            for i in busy:
                if self.conns[i] in ready:
                    try:
                        ok, payload = self.conns[i].recv()
                    except (EOFError, OSError):  # it died while sending, or with our
                        replace(i)  # jobs unread (connection reset)
                    else:
                        if not ok:
                            raise payload
                        deaths = 0
                        answered(owed[i].popleft(), payload)
                elif self.procs[i].sentinel in ready:
                    replace(i)
                else:
                    continue
                feed(i)

    def _exit_code(self, i: int) -> str:
        self.procs[i].join(timeout=1)
        code = self.procs[i].exitcode
        return (f"killed by signal {-code}" if code is not None and code < 0
                else f"exit code {code}")

    def close(self) -> None:
        """Let the workers finish and exit."""
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send(None)
        for proc in self.procs:
            proc.join(timeout=5)

    def terminate(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join()
        for conn in self.conns:
            conn.close()


def _load_for_workers() -> None:
    """Load what every parser process needs before its first file, the parser's modules and
    the reader plugins (a scan of every installed package's metadata): loaded before the
    fork, it is loaded once and shared, not once per worker while its first files wait."""
    from dateline.readers.registry import readers
    from dateline.transcript import parser  # noqa: F401 - imported for its side effect

    readers()


def _serve(conn: Connection, db_path: str | None, options: ReaderOptions) -> None:
    """A parser process: ``_work`` on every path of every chunk received, until ``None``.

    Results go out from a thread of their own.  While the writer stores a batch it reads no
    results; a worker that sent them itself would block on the full pipe with chunks still to
    parse (at 100k stories the two workers sat blocked for a quarter of the run)."""
    _init_worker(db_path, options)
    outbox: queue.SimpleQueue[tuple[bool, Any] | None] = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(conn, outbox), name="dateline-results",
                              daemon=True)
    sender.start()
    try:
        while True:
            try:
                chunk = conn.recv()
            except EOFError:  # the parent is gone
                return
            if chunk is None:
                return
            try:
                outbox.put((True, [_work(path) for path in chunk]))
            except Exception as exc:  # noqa: BLE001 - the parent re-raises it
                log.debug("%s", traceback.format_exc())
                outbox.put((False, exc))
    finally:
        outbox.put(None)
        sender.join()


def _send_all(conn: Connection, outbox: queue.SimpleQueue[tuple[bool, Any] | None]) -> None:
    while (item := outbox.get()) is not None:
        try:
            conn.send(item)
        except OSError:  # the parent is gone
            return
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            conn.send((False, RuntimeError(traceback.format_exc())))
