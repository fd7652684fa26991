"""Benchmark of the analysis layer: timelines, co-occurrence, near-duplicates.

    python benchmarks/analysis.py --stories 100000 [--work DIR]

Builds a generated archive of N stories (``dateline.sample``, stored and indexed, then
entity-enriched) in ``DIR/N`` — or reuses the one already there — and measures in a fresh
process each:

- timeline of a common term by month (the engine's histogram), raw and normalised;
- timeline of the most mentioned entity by month (the per-month entity counts) and by week
  (SQL over the mentions);
- co-occurrence of that entity (llr, min count 2), over all time (estimated from a sample of
  its stories when it is in more than 20,000, and exactly) and over a period with partial
  months at both ends;
- the near-duplicate pass from scratch (MinHash LSH), and an incremental pass with nothing new.

Prints one JSON line per measurement: wall seconds of the process, the step's own wall and
CPU seconds, and the peak RSS of the process.  Nothing loads the stories into Python: the
build streams them, the steps read aggregates or stream in batches.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import run_measured  # noqa: E402

STEP = r"""
import json, sys, time
from datetime import date
from dateline import Archive
arc = Archive(sys.argv[1])
what = sys.argv[2]
arg = sys.argv[3] if len(sys.argv) > 3 else None
period = dict(date_from=date(2009, 3, 17), date_to=date(2013, 8, 9))
t, cpu = time.perf_counter(), time.process_time()
if what == "timeline":
    out = arc.timeline(arg, by="month").total
elif what == "timeline_norm":
    out = arc.timeline(arg, by="month", normalise=True).total
elif what == "timeline_entity":
    out = arc.timeline(entity=arg, by="month").total
elif what == "timeline_entity_week":
    out = arc.timeline(entity=arg, by="week").total
elif what == "cooccur":
    out = len(arc.cooccurrence(arg, top=20).items)
elif what == "cooccur_exact":  # every story of the entity, not a sample
    out = len(arc.cooccurrence(arg, top=20, exact=True).items)
elif what == "cooccur_period":
    out = len(arc.cooccurrence(arg, top=20, **period).items)
elif what == "dups_rebuild":
    out = arc.update_near_duplicates(rebuild=True).to_dict()
elif what == "dups_incremental":
    out = arc.update_near_duplicates().to_dict()
elif what == "top_entity":  # in the most stories (from the per-month counts when there)
    ready = arc.store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'entity_period_counts'").fetchone()
    row = arc.store.conn.execute(
        "SELECT entity_id FROM entity_period_counts GROUP BY entity_id "
        "ORDER BY SUM(stories) DESC LIMIT 1" if ready else
        "SELECT a.entity_id FROM entity_aliases a JOIN entity_mentions m ON m.kind = a.kind "
        "AND m.key = a.key GROUP BY a.entity_id ORDER BY COUNT(DISTINCT m.story_id) DESC "
        "LIMIT 1").fetchone()
    out = row[0] if row else None
print(json.dumps({"inner_seconds": time.perf_counter() - t,
                  "inner_cpu": time.process_time() - cpu, "result": out}))
arc.close()
"""


def build(folder: Path, stories: int) -> None:
    corpus = folder / "corpus"
    if not corpus.exists():
        subprocess.run([sys.executable, "-m", "dateline.sample", str(corpus), "--stories",
                        str(stories), "--seed", "7", "--pages-per-file", "500",
                        "--korean-share", "0.05", "--quiet"], check=True)
    code = (
        "import sys, time\n"
        "from dateline import Archive\n"
        "from dateline.ingest import run_ingest\n"
        "arc = Archive(sys.argv[1], create=True)\n"
        "t = time.perf_counter(); run_ingest(arc.store, [sys.argv[2]], batch_size=256)\n"
        "print('stored', round(time.perf_counter() - t, 1), flush=True)\n"
        "t = time.perf_counter(); arc.analyze_korean(); arc.enrich()\n"
        "print('enriched', round(time.perf_counter() - t, 1), flush=True)\n"
        "t = time.perf_counter(); arc.sync_index()\n"
        "print('indexed', round(time.perf_counter() - t, 1), flush=True)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(folder / "arc"), str(corpus)], check=True)


def measure(archive: Path, what: str, arg: str | None = None) -> dict[str, object]:
    cmd = [sys.executable, "-c", STEP, str(archive), what] + ([arg] if arg else [])
    seconds, peak, largest, result = run_measured(cmd)
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return {"step": what, "arg": arg, "seconds": round(seconds, 2),
            "inner_seconds": round(data["inner_seconds"], 3),
            "inner_cpu": round(data["inner_cpu"], 3), "peak_rss_mib": round(peak, 1),
            "result": data["result"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dateline-bench-analysis"))
    parser.add_argument("--term", default="harbour", help="common term for the timeline")
    parser.add_argument("--only", help="comma-separated steps to run (default: all), e.g. "
                        "cooccur,cooccur_period")
    args = parser.parse_args()
    folder = args.work / str(args.stories)
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "arc"
    if not (archive / "dateline.sqlite").exists():
        started = time.perf_counter()
        build(folder, args.stories)
        print(json.dumps({"step": "build", "stories": args.stories,
                          "seconds": round(time.perf_counter() - started, 1)}), flush=True)
    entity = measure(archive, "top_entity")["result"]
    steps = [("timeline", args.term), ("timeline_norm", args.term),
             ("timeline_entity", entity), ("timeline_entity_week", entity),
             ("cooccur", entity), ("cooccur_exact", entity), ("cooccur_period", entity),
             ("dups_rebuild", None),
             ("dups_incremental", None)]
    only = set(args.only.split(",")) if args.only else None
    for what, arg in steps:
        if arg is None and what.startswith(("timeline_entity", "cooccur")):
            continue
        if only is not None and what not in only:
            continue
        row = measure(archive, what, arg)
        row["stories"] = args.stories
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
