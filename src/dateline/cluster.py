"""The Dask runner: parse, enrichment and embedding batches on a Dask distributed cluster.

``dateline ingest … --cluster tcp://HOST:8786`` (and ``enrich``, ``embed``) connects to a Dask
scheduler and sends it batches; the coordinator (this process) writes every result into the
archive, in the order it sent the batches, so the archive is the one a local run makes.

On other machines, with the same dateline installed (``pip install 'dateline[cluster]'``)::

    dask scheduler                                  # on one machine: tcp://HOST:8786
    dask worker tcp://HOST:8786 --nworkers 4 --nthreads 1   # on each worker machine

``dateline cluster local --workers N`` starts a scheduler and N worker processes here.

What travels: a chunk of :data:`CHUNK` file paths (``send="paths"``: the workers see the files
at the same paths, on this machine or a shared file system) or the files' bytes
(``send="bytes"``), with the checksums of the sources already stored under their names; back
come the prepared sources (compressed bytes, keys, JSON).  ``send="auto"`` sends paths to a
scheduler on this machine and bytes to any other.

Faults, the local pool's rules: a worker that dies has its chunks run again on another worker
(Dask's scheduler does that, up to its ``allowed-failures`` times); a chunk the scheduler gives
up on (``KilledWorker``) is split and its files run one by one; a file that still kills its
worker is rejected with the reason and the rest goes on.  Nothing is written by the workers, so
nothing can be written twice; a coordinator killed with ``kill -9`` leaves what it had stored,
and the next run goes on from there (ingest is idempotent).

Dask is imported only when a cluster is used.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from dateline.errors import ClusterError, MissingExtra
from dateline.runner import Lookup, Runner, register_runner

if TYPE_CHECKING:
    from dateline.ingest import Job, Result
    from dateline.readers import ReaderOptions

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: files per parse task: big enough that the scheduler's cost per task (about a millisecond)
#: is small beside the parse, small enough that the workers stay busy to the end of the run
CHUNK = 32
#: tasks in flight per worker thread: enough that a worker never waits for the coordinator
AHEAD = 4
#: seconds to wait for the first worker
WORKER_WAIT = 30.0
#: seconds between two counts of the workers (the number of tasks kept in flight follows it)
RECOUNT = 5.0


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MissingExtra("distributed", "cluster", "running work on a cluster") from None
    return distributed


def _local_address(address: str) -> bool:
    host = urlsplit(address).hostname or ""
    return host in {"localhost", "::1"} or host.startswith("127.")


@register_runner
class DaskRunner(Runner):
    """A Dask distributed cluster, reached at its scheduler's address."""

    scheme: ClassVar[str] = "tcp"

    def __init__(self, address: str | None = None, workers: int | None = None, *,
                 send: str = "auto", client: Any = None, timeout: float = 10.0,
                 **options: Any):
        distributed = _distributed()
        self.address = address or ""
        if send not in {"auto", "paths", "bytes"}:
            raise ValueError(f"send must be auto, paths or bytes, not {send!r}")
        self.send_bytes = send == "bytes" or (send == "auto" and not _local_address(address
                                                                                  or ""))
        self._own = client is None
        self._counted = (-RECOUNT - 1.0, 1)  # (when, worker threads)
        if client is None:
            try:
                client = distributed.Client(address, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise ClusterError(
                    f"cannot reach a Dask scheduler at {address} ({exc})",
                    hint="start one with `dateline cluster local` or `dask scheduler`, or "
                         "check the address") from None
        self.client = client
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except (TimeoutError, OSError):
            self.close()
            raise ClusterError(f"the Dask scheduler at {address} has no workers",
                               hint="start some with `dask worker ADDRESS`") from None
        self._check_versions()

    def _check_versions(self) -> None:
        from dateline import tasks

        mine = tasks.versions()
        theirs = self.client.run(tasks.versions)
        other = {w: v for w, v in theirs.items() if v != mine}
        if other:
            worker, version = next(iter(other.items()))
            self.close()
            raise ClusterError(
                f"the worker {worker} runs {version}, this process {mine}",
                hint="install the same dateline on every worker, then restart the workers")

    @property
    def workers(self) -> int:
        """Worker threads of the cluster (one per process is the advice), asked of the
        scheduler at most every :data:`RECOUNT` seconds."""
        now = time.monotonic()
        if now - self._counted[0] > RECOUNT:
            info = self.client.scheduler_info(n_workers=-1)["workers"]
            self._counted = (now, max(1, sum(w.get("nthreads", 1) for w in info.values())))
        return self._counted[1]

    def describe(self) -> str:
        return f"dask {self.address} ({self.workers} workers)"

    def close(self) -> None:
        if self._own and self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
        self.client = None

    # -- parsing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def parse(self, jobs: Iterator[Job], options: ReaderOptions, *, budget: float,
              lookup: Lookup | None, folder: Path | None) -> Iterator[Iterator[Result]]:
        results = self._parse(jobs, options, budget, lookup)
        try:
            yield results
        finally:
            results.close()  # cancels what is still in flight

    def _parse(self, jobs: Iterator[Job], options: ReaderOptions, budget: float,
               lookup: Lookup | None) -> Generator[Result, None, None]:
        from dateline import tasks
        from dateline.ingest import _names

        distributed = _distributed()
        chunks = iter(lambda: list(islice(jobs, CHUNK)), [])
        inflight: deque[tuple[list[Job], list[Job], Any, Any]] = deque()
        try:
            while True:
                limit = AHEAD * self.workers
                while len(inflight) < limit:
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    known = lookup(_names(chunk)) if lookup is not None else {}
                    payload = [self._payload(job, options) for job in chunk]
                    future = self.client.submit(tasks.parse_chunk, payload, known, options,
                                                budget, pure=False)
                    inflight.append((chunk, payload, known, future))
                if not inflight:
                    return
                chunk, payload, known, future = inflight.popleft()
                try:
                    results = future.result()
                except distributed.KilledWorker as exc:
                    log.warning("workers died running %d files (%s); they run again one by "
                                "one", len(chunk), exc)
                    results = self._one_by_one(chunk, payload, known, options, budget)
                del future
                yield from results
        finally:
            self._cancel([f for *_, f in inflight])

    def _one_by_one(self, chunk: list[Job], payload: list[Job], known: Any,
                    options: ReaderOptions, budget: float) -> list[Result]:
        """The files of a chunk the scheduler gave up on, each in a task of its own; those the
        scheduler gives up on again run once more, each alone on the whole cluster (the
        scheduler also suspects the tasks merely queued on a worker that died), and a file
        that kills its worker then is rejected with the reason."""
        from dateline import tasks
        from dateline.ingest import _job_name, _killed

        distributed = _distributed()

        def submit(p: Job) -> Any:
            return self.client.submit(tasks.parse_chunk, [p], known, options, budget,
                                      pure=False)

        futures = [submit(p) for p in payload]
        out: list[list[Result] | None] = []
        try:
            for future in futures:
                try:
                    out.append(future.result())
                except distributed.KilledWorker:
                    out.append(None)
        finally:
            self._cancel(futures)
        for k, got in enumerate(out):
            if got is not None:
                continue
            future = submit(payload[k])
            try:
                out[k] = future.result()
            except distributed.KilledWorker:
                reason = ("the worker process died reading this file (alone on the cluster, "
                          "on every worker the scheduler tried)")
                log.error("%s: %s", _job_name(chunk[k])[0], reason)
                out[k] = [_killed(chunk[k], reason)]
            finally:
                self._cancel([future])
        return [r for got in out if got is not None for r in got]

    def _payload(self, job: Job, options: ReaderOptions) -> Job:
        """What is sent for a job: its path, or the file's bytes (a stored source as is)."""
        if not self.send_bytes or not isinstance(job, str):
            return job
        try:
            with open(job, "rb", buffering=0) as f:
                data = f.readall()
        except OSError:
            return job  # the worker says why it cannot be read, as a reject
        return (os.path.basename(job), job, "file", data, options)

    # -- any task -----------------------------------------------------------------------------

    def map(self, task: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        distributed = _distributed()
        it = iter(batches)
        inflight: deque[Any] = deque()
        limit = AHEAD * self.workers
        try:
            while True:
                while len(inflight) < limit:
                    batch = next(it, _END)
                    if batch is _END:
                        break
                    inflight.append(self.client.submit(task, batch, pure=False))
                if not inflight:
                    return
                future = inflight.popleft()
                try:
                    result = future.result()
                except distributed.KilledWorker as exc:
                    raise ClusterError(f"workers keep dying on a batch of {task.__name__} "
                                       f"({exc})", hint="check the workers' logs and memory; "
                                       "what was stored is kept") from None
                del future
                yield result
        finally:
            self._cancel(list(inflight))

    def _cancel(self, futures: list[Any]) -> None:
        if futures and self.client is not None:
            with contextlib.suppress(Exception):
                self.client.cancel(futures)


_END = object()


# -- a cluster on this machine ----------------------------------------------------------------


class LocalCluster:
    """A Dask scheduler and ``workers`` worker processes (one thread each) on this machine."""

    def __init__(self, workers: int = 2, *, host: str = "127.0.0.1", port: int = 8786,
                 dashboard: int | None = 8787):
        distributed = _distributed()
        self.cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host=host,
            scheduler_port=port,
            dashboard_address=f"{host}:{dashboard}" if dashboard is not None else None)

    @property
    def address(self) -> str:
        return str(self.cluster.scheduler_address)

    @property
    def dashboard(self) -> str | None:
        link = self.cluster.dashboard_link
        return str(link) if link else None

    def close(self) -> None:
        self.cluster.close()

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve_local(workers: int, port: int, dashboard: int | None,
                ready: Callable[[LocalCluster], None]) -> None:
    """Run a local cluster until interrupted (Ctrl-C or SIGTERM), then stop it."""
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        _serve(workers, port, dashboard, ready)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _serve(workers: int, port: int, dashboard: int | None,
           ready: Callable[[LocalCluster], None]) -> None:
    with LocalCluster(workers, port=port, dashboard=dashboard) as cluster:
        ready(cluster)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
