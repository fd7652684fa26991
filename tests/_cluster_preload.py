"""Preloaded by the test cluster's workers (``dask worker --preload``): a file whose name holds
``kills-its-worker`` ends the worker process that parses it, as a crash in native code or the
kernel's out-of-memory killer would."""

from __future__ import annotations

import os

from dateline import ingest

# the worker may import this file more than once: wrap the parser's own function only
_work = getattr(ingest, "_unpoisoned_work", ingest._work)
ingest._unpoisoned_work = _work  # type: ignore[attr-defined]


def _dies_on_poison(job, known):  # type: ignore[no-untyped-def]
    name = job if isinstance(job, str) else job[1]
    if "kills-its-worker" in name:
        os._exit(9)
    return _work(job, known)


ingest._work = _dies_on_poison
