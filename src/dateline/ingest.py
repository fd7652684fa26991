"""The ingest pipeline: discover files, read and parse them on every core, store them in batches.

Workers read and parse; the parent process alone writes, one transaction per batch, in the order
the files were discovered.  Ids are derived from content and names, never from timing, so an
interrupted run followed by a new run gives the same archive as one uninterrupted run.

The same pipeline reads the stored sources of an archive again (``dateline rebuild``): its jobs
are then stored bytes instead of paths.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline import transcript
from dateline.readers import ReaderOptions, discover
from dateline.readers.reading import read_bytes, read_file
from dateline.store import IngestCounts, ParsedRecord, ParsedSource, Store
from dateline.store.writer import PreparedSource
from dateline.workers import Workers

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


#: A unit of parser work: the path of a file, or a stored source read again by ``dateline
#: rebuild``: ``(name, origin, codec, stored bytes, reader options)`` (see Store.put_blob).
SourceJob = tuple[str, str, str, bytes, ReaderOptions]
Job = str | SourceJob
#: the sha256 of every source stored under each name of a chunk's files: a file stored before
#: is not parsed again
Known = dict[str, set[str]]
Result = tuple[list[PreparedSource], int]


class ParseTimeout(BaseException):
    """A record's parse took longer than the budget (a BaseException: the parser's own
    ``except Exception`` must not catch it)."""


# -- worker side ------------------------------------------------------------------------------

_worker_options = ReaderOptions()
#: seconds one record's parse may take in this process (0: no limit)
_budget = 0.0
_parsing = False  # the alarm interrupts a parse only


def _on_alarm(signum: int, frame: Any) -> None:
    if _parsing:
        raise ParseTimeout


def parse_source(source: Any) -> ParsedSource:
    """Parse every record of a source; a parser failure becomes a reject, never a crash, and
    a record over the time budget becomes one plain story with a warning."""
    global _parsing
    records = []
    for record in source.records:
        try:
            if _budget:
                _parsing = True
                signal.setitimer(signal.ITIMER_REAL, _budget)
            try:
                doc = transcript.parse(record.text, record.hints)
            finally:
                _parsing = False
                if _budget:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except ParseTimeout:
            log.warning("parse of %s%s took longer than %g s", source.origin, record.locator,
                        _budget)
            doc = transcript.plain(record.text, record.hints,
                                   f"parse took longer than {_budget:g} s: kept as one plain "
                                   "story, without segments or quotes")
        except Exception as exc:  # the parser must not raise; if it does, keep the bytes
            log.exception("parser failed on %s%s", source.origin, record.locator)
            source.errors.append(_parser_error(record, exc))
            continue
        records.append(ParsedRecord(record.locator, doc.stories,
                                    [*record.warnings, *doc.warnings], record.hints.record_id))
    return ParsedSource(source=source, records=records, parser=PARSER_NAME)


def _parser_error(record: Any, exc: Exception) -> Any:
    from dateline.model import RecordError

    return RecordError(
        reason=f"internal parser error ({type(exc).__name__}: {exc}); please report it",
        locator=record.locator,
        raw=record.text.encode("utf-8"),
    )


def _read(job: Job) -> list[Any]:
    """The sources of one job: a file's, or a stored source's read again from its bytes."""
    if isinstance(job, str):
        # basename of str(Path) is Path.name: the path is already in its normal form
        return read_file(job, os.path.basename(job), _worker_options)
    name, origin, codec, data, options = job
    if codec == "zstd":
        import zstandard

        data = zstandard.ZstdDecompressor().decompress(data)
    # an archive's bytes give its members again; they are stored sources of their own
    return [s for s in read_bytes(data, name, origin, options) if s.name == name]


def _work(job: Job, known: Known) -> Result:
    """Read and parse one job: its sources prepared for the writer, and how many of them were
    already stored (those are skipped)."""
    out: list[PreparedSource] = []
    stored = 0
    for source in _read(job):
        if source.sha256 in known.get(source.name, ()):
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


def _job_name(job: Job) -> tuple[str, str]:
    """(origin, name) of a job."""
    if isinstance(job, str):
        return job, os.path.basename(job)
    return job[1], job[0]


def _killed(job: Job, reason: str) -> Result:
    """The result of a job whose parser process died or hung on it: rejected, its bytes not
    read again here (they may be what exhausted the worker's memory)."""
    from dateline.model import SourceFile

    origin, name = _job_name(job)
    source = SourceFile(origin=origin, name=name, raw=b"", reader="",
                        reject_reason=f"{reason}; it is not stored: check its size and content, "
                                      "then ingest it alone with --debug",
                        reject_place=origin)
    return [ParsedSource(source=source, records=[], parser=PARSER_NAME).prepare()], 0


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
    parse_timeout: float = 0.0,
    progress: Callable[[Progress], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into ``store``; see the module docstring for the guarantees.

    ``parse_timeout``: seconds the parser may spend on one record (0: no limit); a record over
    it is stored as one plain story with a warning."""
    options = options or ReaderOptions()
    # Counting walks the folders once more: only worth it when someone watches the progress.
    total = count_files(paths, options) if progress is not None else None
    jobs = (str(path) for path in discover(paths, options))
    # In an archive without sources (a first run) no file can be stored already.
    lookup = store.stored_shas if store.has_sources() else None
    args = {"paths": [str(p) for p in paths], "options": options_to_json(options)}
    return run_jobs(store, jobs, options, args, workers=workers, batch_size=batch_size,
                    parse_timeout=parse_timeout, progress=progress, total=total, lookup=lookup)


def run_jobs(
    store: Store,
    jobs: Iterator[Job],
    options: ReaderOptions,
    args: dict[str, Any],
    *,
    workers: int | None = None,
    batch_size: int = 1024,
    parse_timeout: float = 0.0,
    progress: Callable[[Progress], None] | None = None,
    total: int | None = None,
    lookup: Callable[[list[str]], Known] | None = None,
    folder: Path | None = None,
) -> IngestReport:
    """Parse ``jobs`` on ``workers`` processes and store the results in one run.  ``folder``:
    the archive folder whose files the workers must let go of (``store.folder`` unless it
    lies in another)."""
    workers = workers or os.cpu_count() or 1
    run_id = store.start_run({**args, "workers": workers})
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

    # The workers fork before the checkpoint thread starts: a process forked beside a running
    # thread can inherit a lock that thread holds (SQLite's, the logging module's).
    pool = (Workers(workers, folder or store.folder, options, parse_timeout, lookup)
            if workers > 1 else None)
    try:
        results = (pool.map(jobs) if pool is not None
                   else _in_process(jobs, options, parse_timeout, lookup))
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


def options_to_json(options: ReaderOptions) -> dict[str, Any]:
    """Reader options as a run records them (``dateline rebuild`` reads files the same way)."""
    return {name: list(value) if isinstance(value, tuple) else value
            for name in options.__dataclass_fields__
            if (value := getattr(options, name)) not in (None, ())}


def options_from_json(data: dict[str, Any] | None) -> ReaderOptions:
    fields = ReaderOptions.__dataclass_fields__
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in (data or {}).items() if k in fields}
    return ReaderOptions(**values)


def _in_process(jobs: Iterator[Job], options: ReaderOptions, budget: float,
                lookup: Callable[[list[str]], Known] | None) -> Iterator[Result]:
    """Results of ``_work`` over all jobs, in this process (one worker).  The time budget
    needs the alarm signal: it applies when this is the main thread."""
    global _worker_options, _budget
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _on_alarm) if main and budget else None
    _worker_options, _budget = options, budget if previous is not None else 0.0
    try:
        for job in jobs:
            yield _work(job, lookup(_names([job])) if lookup is not None else {})
    finally:
        _budget = 0.0
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)


def _names(jobs: list[Job]) -> list[str]:
    """The source names a chunk of jobs may hold: each file's name, and for a zip or gzip file
    the names of its members (``a.zip!…``) too."""
    names = []
    for job in jobs:
        name = _job_name(job)[1]
        names.append(name)
        if name.lower().endswith((".zip", ".gz", ".tgz")):
            names.append(name + "!")
    return names

