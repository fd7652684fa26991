"""Ingest throughput and memory at 10k and 100k generated stories.

Prints stories/s and peak RSS of `dateline ingest` (parse + store, and parse + store + index),
and a baseline measured in the same run: reading every file and inserting its bytes into one
SQLite table (the floor cost of keeping the bytes).

    python benchmarks/ingest.py [--stories 10000 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import children_cpu_seconds, run_measured  # noqa: E402


def _settle() -> None:
    """Write every dirty page out before a timed run: a run must not wait for the disk to take
    the writes of the one before it (an fsync on ext4 can wait for other files' data)."""
    os.sync()


def baseline(corpus: Path, db: Path) -> float:
    db.unlink(missing_ok=True)
    _settle()
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE f (name TEXT, data BLOB)")
    with conn:
        for path in sorted(corpus.rglob("*")):
            if path.is_file():
                conn.execute("INSERT INTO f VALUES (?, ?)", (path.name, path.read_bytes()))
    conn.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, default=None, help="keep corpora/archives here")
    parser.add_argument("--full-upto", type=int, default=100_000,
                        help="also time the full pipeline (enrich + index) up to this size")
    parser.add_argument("--korean-share", type=float, default=0.1,
                        help="share of Korean pages in the generated corpus")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.stories:
        corpus = root / f"corpus-{n}-ko{args.korean_share}"
        if not corpus.exists():
            t = time.perf_counter()
            from dateline.sample import generate

            partial = corpus.with_suffix(".partial")
            shutil.rmtree(partial, ignore_errors=True)
            generate(partial, stories=n, seed=1, korean_share=args.korean_share)
            partial.rename(corpus)  # an interrupted generation is never taken for a corpus
            print(f"generated {n} stories in {time.perf_counter() - t:.1f} s", flush=True)
        base_s = baseline(corpus, root / f"baseline-{n}.sqlite")
        pipelines = [("parse+store", ["--no-index"])]
        if n <= args.full_upto:
            pipelines.append(("parse+store+enrich+index", []))
        for label, extra in pipelines:
            arc = root / f"archive-{n}-ko{args.korean_share}-{label}"
            shutil.rmtree(arc, ignore_errors=True)
            _settle()
            cmd = [sys.executable, "-m", "dateline", "ingest", str(corpus), "--archive", str(arc),
                   "--quiet", "--format", "json", *extra]
            cpu0 = children_cpu_seconds()
            seconds, tree, largest, result = run_measured(cmd)
            cpu = children_cpu_seconds() - cpu0
            summary = json.loads(result.stdout)
            stories = summary["new"] + summary["duplicate"] + summary["revised"]
            rows.append({
                "stories": stories, "korean_share": args.korean_share, "pipeline": label,
                "seconds": round(seconds, 1),
                "stories_per_s": round(stories / seconds),
                "cpu_s": round(cpu, 1),
                # what two free cores would give if the CPU work spread over both
                "stories_per_2_cpu_s": round(2 * stories / cpu),
                "peak_rss_tree_mib": round(tree), "peak_rss_process_mib": round(largest),
                "baseline_s": round(base_s, 1), "vs_baseline": round(base_s / seconds, 2),
                "archive_mib": round(sum(p.stat().st_size for p in arc.rglob("*")
                                         if p.is_file()) / 2**20),
            })
            print(json.dumps(rows[-1]), flush=True)
    headers = ["stories", "Korean share", "pipeline", "s", "stories/s", "CPU s",
               "stories per 2 CPU-s", "peak RSS tree (MiB)",
               "largest process (MiB)", "baseline s (read+insert bytes)", "baseline/dateline",
               "archive MiB"]
    keys = ["stories", "korean_share", "pipeline", "seconds", "stories_per_s", "cpu_s",
            "stories_per_2_cpu_s",
            "peak_rss_tree_mib", "peak_rss_process_mib", "baseline_s", "vs_baseline",
            "archive_mib"]
    print("\n| " + " | ".join(headers) + " |")
    print("|" + " --- |" * len(headers))
    for r in rows:
        print("| " + " | ".join(str(r[k]) for k in keys) + " |")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
