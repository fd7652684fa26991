"""One huge page through every step of ``dateline ingest``, timed step by step.

    python benchmarks/big_page.py                       # the 10 MB page of issue 13
    python benchmarks/big_page.py --mb 1 --shape korean_long_line

Builds the page with ``benchmarks/_fuzz.py`` (``long_line``: a date line, then an English KBS
page of ``../shared`` repeated on one line, ``--mb`` megabytes of UTF-8; without ``../shared``,
synthetic text), writes it to a temporary folder and runs, on a new archive, the steps
``dateline ingest`` runs in their order: read + parse + store (``Archive.ingest`` with
``index=False`` and one worker, so that the parse runs in this process: a single file goes to
one parser process anyway), the Korean analysis, the entity enricher (with the quote index), the
search index, then near-duplicates and threads.  Prints the CPU
seconds (this process and its children) and the wall seconds of each step, and the load.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(1, str(ROOT / "benchmarks"))

import _fuzz  # noqa: E402
from fuzz_parser import find_shared  # noqa: E402

from dateline import Archive  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def build(shape: str, mb: float) -> str:
    shared = find_shared()
    pages = _fuzz.load_pages(shared) if shared is not None else []
    target = int(mb * 1_000_000)
    text = _fuzz.shapes(pages)[shape](target)
    # Hangul takes three bytes: cut to the size in bytes (at a character's end)
    return text.encode("utf-8")[:target].decode("utf-8", "ignore")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=10.0, help="size of the page in MB of UTF-8")
    ap.add_argument("--shape", default="long_line", help="a shape of benchmarks/_fuzz.py")
    args = ap.parse_args(argv)
    text = build(args.shape, args.mb)
    print(f"page: shape {args.shape}, {len(text.encode('utf-8')) / 1e6:.2f} MB, "
          f"{len(text):,} characters; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="dateline-big-page-") as tmp:
        page = Path(tmp) / "big.txt"
        page.write_text(text, encoding="utf-8")
        del text
        rows: list[tuple[str, float, float]] = []
        with Archive(Path(tmp) / "archive", create=True) as arc:
            steps: list[tuple[str, Callable[[], object]]] = [
                # one file goes to one parser process anyway: parsed here, its CPU is counted
                ("read + parse + store", lambda: arc.ingest([page], index=False, workers=1)),
                ("Korean analysis", arc.analyze_korean),
                ("entities + quote index", arc._after_ingest),  # noqa: SLF001
                ("search index", arc.sync_index),
                ("near-duplicates + threads", arc._after_ingest_analysis),  # noqa: SLF001
            ]
            for name, step in steps:
                c0, w0 = _cpu(), time.perf_counter()
                step()
                rows.append((name, _cpu() - c0, time.perf_counter() - w0))
                print(f"  {name:28} {rows[-1][1]:8.2f} CPU s {rows[-1][2]:8.2f} wall s",
                      flush=True)
            stories = arc.stats().get("stories")
    print(f"  {'all of dateline ingest':28} {sum(r[1] for r in rows):8.2f} CPU s "
          f"{sum(r[2] for r in rows):8.2f} wall s ({stories} stories); load average now "
          f"{os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
