"""Where CPU-heavy batches run: the runner seam of ingest (parsing), enrichment (entity
extraction) and embedding.

A :class:`Runner` computes; it never writes.  The coordinator (the process that holds the
archive) hands it batches of plain data — file paths or raw bytes, story payloads, passage
texts, never an archive — and receives the results **in the order it gave the batches**, then
stores them itself, one transaction per batch, in that order: ids and revisions come out the
same wherever the work ran.

Built in, registered like a third-party runner would be::

    from dateline.runner import Runner, register_runner

    @register_runner
    class MyRunner(Runner):
        scheme = "myqueue"          # dateline ingest --cluster myqueue://host
        def __init__(self, address, workers=None): ...
        def parse(self, jobs, options, *, budget, lookup, folder): ...
        def map(self, task, batches): ...

- ``local`` (:class:`LocalRunner`): this machine; parsing on the forked parser processes of
  :mod:`dateline.workers` (in this process with one worker), the entity extraction on as many
  forked processes (``workers.TaskPool``), embedding in this process (the model runtimes
  have threads of their own);
- ``tcp`` (:class:`dateline.cluster.DaskRunner`): a Dask distributed cluster
  (``--cluster tcp://HOST:8786``; the ``cluster`` extra);
- :class:`InProcessRunner`: everything in this process, one batch at a time; the test double
  and the reference the contract tests compare the others with.

The fault contract every runner keeps (the local pool's rules): a worker that dies has its
batches run again elsewhere, nothing lost or doubled; a job that kills its worker again when
run alone is rejected with the reason (``ingest._killed``) and the rest goes on.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from dateline.errors import InputError
from dateline.registry import Registry

if TYPE_CHECKING:
    from dateline.ingest import Job, Known, Result
    from dateline.readers import ReaderOptions

log = logging.getLogger(__name__)

__all__ = ["InProcessRunner", "LocalRunner", "Runner", "get_runner", "register_runner"]

T = TypeVar("T")
R = TypeVar("R")

#: looks up the sources already stored under a chunk's names (see ``ingest.Known``)
Lookup = Callable[[list[str]], "Known"]


class Runner(ABC):
    """Where CPU-heavy batches run.

    ``scheme`` names it in ``--cluster SCHEME://…`` (``local``: this machine); it is made
    as ``cls(address, workers, **options)`` and ignores the options it does not know.
    ``workers`` is how many batches it runs at once (the coordinator reads that many ahead).
    A runner is a context manager; :meth:`close` lets go of what it started or connected to.
    """

    scheme: ClassVar[str]

    @property
    def workers(self) -> int:
        return 1

    def describe(self) -> str:
        """Where the work runs, in a few words (recorded with each ingest run)."""
        return self.scheme

    @abstractmethod
    def parse(self, jobs: Iterator[Job], options: ReaderOptions, *, budget: float,
              lookup: Lookup | None,
              folder: Path | None) -> contextlib.AbstractContextManager[Iterator[Result]]:
        """A context in which ``ingest._work`` runs on every job; it gives the results in job
        order.  ``budget``: seconds one record's parse may take (0: no limit); ``lookup``:
        the sources already stored under a chunk's names (asked by the coordinator, sent with
        the chunk); ``folder``: the archive folder, which workers must not hold.  Whatever
        the context started ends with it."""

    @abstractmethod
    def map(self, task: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        """``task(batch)`` for every batch, the results in the order of the batches.
        ``task`` is a module-level function (importable by name where the work runs) and
        batches hold plain data only."""

    def close(self) -> None:  # noqa: B027 (optional hook)
        """Let go of what the runner started or connected to."""

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcessRunner(Runner):
    """Everything in this process, one batch after the other (the test double)."""

    scheme: ClassVar[str] = "inprocess"

    def __init__(self, address: str | None = None, workers: int | None = None,
                 **options: Any):
        pass

    @contextlib.contextmanager
    def parse(self, jobs: Iterator[Job], options: ReaderOptions, *, budget: float,
              lookup: Lookup | None, folder: Path | None) -> Iterator[Iterator[Result]]:
        from dateline.ingest import _in_process

        yield _in_process(jobs, options, budget, lookup)

    def map(self, task: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        return (task(batch) for batch in batches)


class LocalRunner(InProcessRunner):
    """This machine: ``workers`` forked parser processes (one: in this process); the entity
    extraction (the tasks of ``tasks.SPREAD``) on as many forked processes when a pass has
    more than one batch; embedding batches in this process.  ``folder``: the archive's
    folder, whose files the forked processes let go of."""

    scheme: ClassVar[str] = "local"

    def __init__(self, address: str | None = None, workers: int | None = None,
                 folder: Path | str | None = None, **options: Any):
        self._workers = workers or os.cpu_count() or 1
        self._folder = folder

    @property
    def workers(self) -> int:
        return self._workers

    def describe(self) -> str:
        return f"local ({self._workers} process{'es' if self._workers > 1 else ''})"

    @contextlib.contextmanager
    def parse(self, jobs: Iterator[Job], options: ReaderOptions, *, budget: float,
              lookup: Lookup | None, folder: Path | None) -> Iterator[Iterator[Result]]:
        from dateline.ingest import _in_process
        from dateline.workers import Workers

        if self._workers <= 1:
            yield _in_process(jobs, options, budget, lookup)
            return
        if folder is None:
            raise ValueError("the parser processes need the archive folder to let go of")
        # The workers fork here, before the writer starts its checkpoint thread: a process
        # forked beside a running thread can inherit a lock that thread holds.
        pool = Workers(self._workers, folder, options, budget, lookup)
        try:
            yield pool.map(jobs)
            pool.close()
        finally:
            pool.terminate()

    def map(self, task: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        from dateline import tasks

        if self._workers <= 1 or task not in tasks.SPREAD:
            return super().map(task, batches)
        return self._spread(task, batches)

    def _spread(self, task: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        from dateline import tasks
        from dateline.workers import TaskPool

        todo = iter(batches)
        first = next(todo, None)
        if first is None:
            return
        second = next(todo, None)
        if second is None:  # one batch: not worth a process
            yield task(first)
            return
        warm = tasks.WARM.get(task)
        if warm is not None:  # loaded once here, shared by the forked processes
            warm()
        pool = TaskPool(self._workers, self._folder)
        try:
            yield from pool.map(task, itertools.chain((first, second), todo))
            pool.close()
        finally:
            pool.terminate()


def _load_builtins() -> None:
    from dateline import cluster  # noqa: F401 - registers the Dask runner, imports no dask


_RUNNERS: Registry[Runner] = Registry("runner", plural="schemes", key="scheme",
                                      builtins=_load_builtins)


def register_runner(cls: type[Runner]) -> type[Runner]:
    """Register a runner class under its ``scheme`` (usable as a decorator)."""
    return _RUNNERS.register(cls, replace=True)


register_runner(LocalRunner)
register_runner(InProcessRunner)


def get_runner(cluster: str | None = None, *, workers: int | None = None,
               **options: Any) -> Runner:
    """The runner for ``cluster`` (``tcp://HOST:8786``: a Dask scheduler; empty or
    ``local``: this machine with ``workers`` processes); ``options`` go to the runner (the
    Dask runner's ``send``, the local runner's ``folder``; each ignores the others)."""
    if not cluster or cluster == "local":
        return LocalRunner(None, workers, **options)
    scheme = cluster.split("://", 1)[0] if "://" in cluster else ""
    cls = _RUNNERS.find(scheme)
    if cls is None:
        raise InputError(f"cannot run work on {cluster!r}",
                         hint="give a Dask scheduler's address (tcp://HOST:8786) or 'local'; "
                              f"known schemes: {', '.join(_RUNNERS.names())}")
    return cls(cluster, workers, **options)  # type: ignore[call-arg]
