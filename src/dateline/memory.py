"""Handing memory back to the system between the long steps of one process.

An ingest runs its derived steps one after another in one process; what a step let go of
stays in the C library's heap (glibc keeps freed pages for reuse), and the next step's peak
comes on top of it.  :func:`give_back` collects Python's garbage and asks glibc to return its
free pages.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc


def give_back() -> None:
    """Collect garbage and return the C heap's free pages to the system (a no-op where the C
    library is not glibc: there the freed memory is reused by this process)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
