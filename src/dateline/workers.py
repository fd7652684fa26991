"""Parser processes of the ingest: forked, each fed chunks of jobs over a pipe of its own.

What a worker may and may not do:

- it **holds nothing of the archive**: right after the fork it closes every descriptor and
  unmaps every memory map of a file in the archive folder (the SQLite database, its WAL and
  shared memory, the index's segments), and the parent's ends of every pipe; it never opens
  SQLite (the parent sends, with each chunk, the checksums of the sources already stored under
  the chunk's names);
- it **dies with its ingest**: the kernel kills it when the parent dies (Linux' parent-death
  signal), and it stops when its pipe closes;
- a worker that dies is replaced, and the jobs it held are tried again one at a time, each
  alone in a worker: a job whose worker dies then is rejected, so that one bad file stops
  neither the run nor the other files; workers that keep dying whatever they read stop the run;
- a busy worker says it is alive every :data:`HEARTBEAT` seconds; one that stays silent longer
  than the parse budget allows (a parse stuck in native code, which the alarm cannot stop) is
  killed and handled as one that died, and the job it was stuck on is rejected with the reason.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.errors import WorkerDied
from dateline.readers import ReaderOptions

if TYPE_CHECKING:
    from dateline.ingest import Job, Known, Result

log = logging.getLogger(__name__)

#: seconds between the "still here" messages of a busy worker
HEARTBEAT = 2.0
#: seconds a busy worker may stay silent beyond the parse budget before it is killed
SILENCE_MARGIN = 30.0

#: a chunk of jobs (its number), or one job of a chunk tried alone (number, k)
JobRef = int | tuple[int, int]


class _Pool:
    """Forked processes, each with the parent's end of its pipe; a ``None`` message asks a
    process to finish."""

    conns: list[Connection]
    procs: list[BaseProcess]

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


class Workers(_Pool):
    """Parser processes; results come back in the order of the jobs.

    Not ``multiprocessing.Pool``: its worker-handler thread wakes up whenever the shared
    result pipe is readable, so with large results in flight it spins (about a tenth of the
    writer's CPU), and its two other threads contend with the writer for the GIL.  Here the
    writer's own thread reads each result when it needs it."""

    #: jobs per message: big enough that messages are few, small enough that both workers
    #: stay busy to the end of the run
    CHUNK = 32
    #: chunks a worker may hold before the writer takes its results: enough to keep parsing
    #: while the writer stores a batch (a tenth of a second and more), few enough that the
    #: results not yet stored stay a few megabytes however large the corpus
    AHEAD = 8

    def __init__(self, n: int, folder: Path | None, options: ReaderOptions, budget: float = 0.0,
                 lookup: Callable[[list[str]], Known] | None = None):
        # fork: workers start at once and need no importable __main__ (notebooks, stdin
        # scripts), and see readers registered at run time; what they inherit of the archive
        # they let go of at once (see the module docstring).
        self._ctx = (mp.get_context("fork") if "fork" in mp.get_all_start_methods()
                     else mp.get_context("spawn"))
        if self._ctx.get_start_method() == "fork":
            _load_for_workers()
        self._args = (str(folder) if folder is not None else "", options, budget)
        self._lookup = lookup
        self._budget = budget
        #: seconds a busy worker may go unheard (0: no limit)
        self._silence = budget + SILENCE_MARGIN if budget else 0.0
        self.conns: list[Connection] = []
        self.procs: list[BaseProcess] = []
        for _ in range(n):
            conn, proc = self._spawn()
            self.conns.append(conn)
            self.procs.append(proc)

    def _spawn(self) -> tuple[Connection, BaseProcess]:
        """A new parser process and the parent's end of its pipe."""
        here, there = self._ctx.Pipe()
        # the parent's ends of every pipe, this one's included: a worker holding them would
        # never see its own pipe close when the parent dies
        inherited = [*self.conns, here] if self._ctx.get_start_method() == "fork" else []
        proc = self._ctx.Process(target=_serve, args=(there, inherited, *self._args, os.getpid()),
                                 daemon=True, name="dateline-parser")
        # Whatever the parent holds as garbage at the fork (an archive dropped without closing
        # it) is frozen in the child: a collection there would close a SQLite connection the
        # parent opened, and SQLite would reopen and map the archive's files to do it.
        gc.freeze()
        try:
            proc.start()
        finally:
            gc.unfreeze()
        there.close()
        return here, proc

    def map(self, jobs: Iterator[Job]) -> Iterator[Result]:
        """Results of ``ingest._work`` for every job, in order (see the module docstring for
        what happens when a worker dies or hangs)."""
        from dateline.ingest import _killed, _names

        chunks = iter(lambda: list(islice(jobs, self.CHUNK)), [])
        n = len(self.conns)
        sent = 0  # chunks sent so far: the next chunk's number
        taken = 0  # chunks yielded so far: the number of the chunk wanted next
        work: dict[int, tuple[list[Job], Known]] = {}  # chunks sent and not yet answered
        owed: list[deque[JobRef]] = [deque() for _ in range(n)]  # per worker, in order
        alone: deque[tuple[int, int]] = deque()  # jobs to try one at a time
        parts: dict[int, list[list[Result] | None]] = {}  # answers of chunks tried job by job
        done: dict[int, list[Result]] = {}
        limit = self.AHEAD * n  # chunks sent but not yet yielded, at most
        deaths = 0  # in a row, with no answer between them
        heard = [time.monotonic()] * n  # when each worker was last heard from or set to work
        stuck = [False] * n  # killed for its silence

        def send(i: int, ref: JobRef) -> None:
            number, k = (ref, None) if isinstance(ref, int) else ref
            chunk, known = work[number]
            message = (chunk if k is None else [chunk[k]], known)
            while True:
                if not owed[i]:
                    heard[i] = time.monotonic()
                try:
                    self.conns[i].send(message)
                except OSError:  # its end is closed: it died
                    replace(i)
                    continue
                owed[i].append(ref)
                return

        def feed(i: int) -> None:
            nonlocal sent
            if alone:  # only to a worker with nothing else to do, one job at a time
                if not owed[i]:
                    send(i, alone.popleft())
                return
            while len(owed[i]) < self.AHEAD and sent - taken < limit:
                chunk = next(chunks, None)
                if chunk is None:
                    return
                known = self._lookup(_names(chunk)) if self._lookup is not None else {}
                work[sent] = (chunk, known)
                sent += 1
                send(i, sent - 1)

        def answered(ref: JobRef, results: list[Result]) -> None:
            if isinstance(ref, int):
                done[ref] = results
                del work[ref]
                return
            number, k = ref
            got = parts[number]
            got[k] = results
            if all(part is not None for part in got):
                done[number] = [r for part in got if part is not None for r in part]
                del parts[number], work[number]

        def replace(i: int) -> None:
            """Worker ``i`` died: start another; what it held is tried again, job by job."""
            nonlocal deaths
            deaths += 1
            how = (f"it stopped answering for {self._silence:g} s" if stuck[i]
                   else self._exit_code(i))
            if deaths > 2 * n + 2:
                raise WorkerDied(f"parser processes keep dying ({how}), whatever they read",
                                 hint="what was stored is kept: check the machine's memory, "
                                      "then run the same ingest again")
            orphans = list(owed[i])
            log.warning("a parser process died (%s); a new one tries its %d files again, one "
                        "by one", how, sum(len(work[j][0]) if isinstance(j, int) else 1
                                           for j in orphans))
            owed[i].clear()
            self.conns[i].close()
            self.conns[i], self.procs[i] = self._spawn()
            for ref in orphans:
                if isinstance(ref, int):
                    parts[ref] = [None] * len(work[ref][0])
                    alone.extend((ref, k) for k in range(len(work[ref][0])))
                    continue
                # it was alone in its worker: this job killed it
                job = work[ref[0]][0][ref[1]]
                reason = (f"parsing took longer than {self._silence:g} s (the parser process "
                          "stopped answering)" if stuck[i]
                          else f"the parser process died reading this file ({how})")
                log.error("%s: %s", job if isinstance(job, str) else job[1], reason)
                answered(ref, [_killed(job, reason)])
            stuck[i] = False

        for i in range(n):
            feed(i)
        wait_for = self._silence / 4 if self._silence else None
        while taken < sent:
            if taken in done:
                results = done.pop(taken)
                taken += 1
                for i in range(n):  # room again for a chunk beyond the limit
                    feed(i)
                yield from results
                continue
            busy = [i for i, o in enumerate(owed) if o]
            if not busy:  # the jobs of a dead worker wait to be tried alone
                for i in range(n):
                    feed(i)
                continue
            ready = wait([self.conns[i] for i in busy] + [self.procs[i].sentinel for i in busy],
                         timeout=wait_for)
            now = time.monotonic()
            for i in busy:
                if self.conns[i] in ready:
                    try:
                        tag, payload = self.conns[i].recv()
                    except (EOFError, OSError):  # it died while sending, or with our
                        replace(i)  # jobs unread (connection reset)
                    else:
                        heard[i] = now
                        if tag == "beat":
                            continue
                        if tag == "error":
                            raise payload
                        deaths = 0
                        answered(owed[i].popleft(), payload)
                elif self.procs[i].sentinel in ready:
                    replace(i)
                elif self._silence and now - heard[i] > self._silence:
                    log.warning("a parser process has not answered for %.0f s: stopping it",
                                now - heard[i])
                    stuck[i] = True
                    self.procs[i].kill()
                    replace(i)
                else:
                    continue
                feed(i)


class TaskPool(_Pool):
    """Forked processes running ``task(batch)`` for the batches of :meth:`map`, the results in
    the order of the batches: the local runner's pure-Python enrichment on every core.

    Each worker holds up to :data:`AHEAD` batches, so it computes the next while the
    coordinator stores the results of the one before.  A worker that dies (killed, out of
    memory) stops the pool: the batches not yet answered, and all that follow, run in this
    process instead, so nothing is lost or done twice.  An exception a task raises is raised
    here, as it would be in this process."""

    #: batches each worker may hold before the coordinator takes their results
    AHEAD = 2

    def __init__(self, n: int, folder: Path | str | None = None):
        self._ctx = mp.get_context("fork")
        self._folder = str(folder) if folder else ""
        self.conns: list[Connection] = []
        self.procs: list[BaseProcess] = []
        for _ in range(n):
            here, there = self._ctx.Pipe()
            proc = self._ctx.Process(
                target=_serve_tasks, args=(there, [*self.conns, here], self._folder, os.getpid()),
                daemon=True, name="dateline-enrich")
            gc.freeze()  # the parent's garbage is not collected (finalised) in the child
            try:
                proc.start()
            finally:
                gc.unfreeze()
            there.close()
            self.conns.append(here)
            self.procs.append(proc)

    def map(self, task: Callable[[Any], Any], batches: Iterable[Any]) -> Iterator[Any]:
        """``task(batch)`` for every batch, in order."""
        todo = iter(batches)
        n = len(self.conns)
        flight: deque[tuple[Any, int]] = deque()  # (batch, worker) sent, not yet answered
        turn = 0
        while True:
            while len(flight) < self.AHEAD * n:
                batch = next(todo, _END)
                if batch is _END:
                    break
                try:
                    self.conns[turn].send((task, batch))
                except OSError:
                    flight.append((batch, -1))  # run here, in its turn
                else:
                    flight.append((batch, turn))
                turn = (turn + 1) % n
            if not flight:
                return
            batch, worker = flight.popleft()
            answer = self._answer(worker)
            if answer is None:  # the worker died: this batch and all after run here
                log.warning("an enrichment process died (%s); the rest of the pass runs in "
                            "this process", self._exit_of(worker))
                self.terminate()
                yield task(batch)
                for batch, _ in flight:
                    yield task(batch)
                for batch in todo:
                    yield task(batch)
                return
            status, value = answer
            if status == "error":
                raise value
            yield value

    def _answer(self, worker: int) -> tuple[str, Any] | None:
        """The next answer of ``worker`` (None: it died)."""
        if worker < 0:
            return None
        try:
            while True:
                answer: tuple[str, Any] = self.conns[worker].recv()
                if answer[0] != "beat":
                    return answer
        except (EOFError, OSError):
            return None

    def _exit_of(self, worker: int) -> str:
        return "its pipe was closed" if worker < 0 else self._exit_code(worker)


#: the end of the batches
_END = object()


def _serve_tasks(conn: Connection, inherited: list[Connection], folder: str,
                 parent: int) -> None:
    """A worker of :class:`TaskPool`: runs ``task(batch)`` for each message until ``None``
    or the end of the pipe; the answers go out from a thread of their own, so the next batch
    is read (and the coordinator unblocked) while an answer waits to be taken."""
    _detach(inherited, folder, parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the coordinator handles Ctrl-C
    _answer_all(conn, lambda message: message[0](message[1]))


def _load_for_workers() -> None:
    """Load what every parser process needs before its first file, the parser's modules and
    the reader plugins (a scan of every installed package's metadata): loaded before the
    fork, it is loaded once and shared, not once per worker while its first files wait."""
    from dateline.readers.registry import readers
    from dateline.transcript import parser  # noqa: F401 - imported for its side effect

    readers()


def _serve(conn: Connection, inherited: list[Connection], folder: str, options: ReaderOptions,
           budget: float, parent: int) -> None:
    """A parser process: ``ingest._work`` on every job of every chunk received, until
    ``None`` or the end of the pipe.

    Results go out from a thread of their own.  While the writer stores a batch it reads no
    results; a worker that sent them itself would block on the full pipe with chunks still to
    parse (at 100k stories the two workers sat blocked for a quarter of the run)."""
    _detach(inherited, folder, parent)
    from dateline import ingest

    # Ctrl-C reaches the whole process group: the parent alone handles it (it stops the pool
    # and keeps what was stored); workers must not die with tracebacks of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ingest._worker_options = options
    ingest._budget = budget
    if budget:
        signal.signal(signal.SIGALRM, ingest._on_alarm)
    _answer_all(conn, lambda message: [ingest._work(job, message[1]) for job in message[0]])


def _answer_all(conn: Connection, answer: Callable[[Any], Any]) -> None:
    """A worker's loop: ``answer(message)`` for each message until ``None`` or the end of the
    pipe, sent back as ``("ok", value)`` or ``("error", exception)`` from a thread of its own
    (so the next message is read while an answer waits to be taken), with heartbeats while
    a message is being answered."""
    outbox: queue.SimpleQueue[tuple[str, Any] | None] = queue.SimpleQueue()
    busy = threading.Event()
    sender = threading.Thread(target=_send_all, args=(conn, outbox, busy),
                              name="dateline-results", daemon=True)
    sender.start()
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:  # the parent is gone
                return
            if message is None:
                return
            busy.set()
            try:
                outbox.put(("ok", answer(message)))
            except Exception as exc:  # noqa: BLE001 - the parent re-raises it
                log.debug("%s", traceback.format_exc())
                outbox.put(("error", exc))
            finally:
                busy.clear()
    finally:
        outbox.put(None)
        sender.join()


def _send_all(conn: Connection, outbox: queue.SimpleQueue[tuple[str, Any] | None],
              busy: threading.Event) -> None:
    while True:
        try:
            item = outbox.get(timeout=HEARTBEAT)
        except queue.Empty:
            if not busy.is_set():
                continue
            item = ("beat", None)
        if item is None:
            return
        try:
            conn.send(item)
        except OSError:  # the parent is gone
            return
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            conn.send(("error", RuntimeError(traceback.format_exc())))


# -- letting go of what the fork copied --------------------------------------------------------


def _detach(inherited: list[Connection], folder: str, parent: int) -> None:
    """What a forked worker does first: close the parent's pipe ends, let go of the archive's
    files, and arrange to die with the parent."""
    for conn in inherited:
        with contextlib.suppress(OSError):
            conn.close()
    if folder:
        release_folder(folder)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            _libc().prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(0)


def release_folder(folder: str) -> int:
    """Close every descriptor and unmap every memory map of a file under ``folder`` that this
    process holds (Linux; elsewhere nothing); returns how many it let go of.  For a forked
    child only: the objects that used them (a SQLite connection, an index) must never be used
    again."""
    prefix = os.path.realpath(folder) + os.sep
    released = 0
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return 0
    for fd in fds:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(prefix):
            with contextlib.suppress(OSError):
                os.close(int(fd))
                released += 1
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            regions = [line.split(maxsplit=5) for line in maps]
    except OSError:
        return released
    libc = _libc()
    for fields in regions:
        if len(fields) == 6 and fields[5].startswith(prefix):
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if libc.munmap(ctypes.c_void_p(start), ctypes.c_size_t(end - start)) == 0:
                released += 1
    return released


def _libc() -> Any:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    return libc
