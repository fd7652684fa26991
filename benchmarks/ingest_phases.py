"""Where the CPU of a full ingest goes: each derived step of ``dateline ingest``, timed.

Makes a stored archive of a generated corpus (``dateline ingest --no-index``: parse and store
only) unless given one, copies it, then brings everything derived up to date as ``dateline
ingest`` does (``Archive.update_derived`` with the local runner) and prints, per step, the wall
seconds, the CPU seconds of the main thread, of the whole process (the Korean analyser's
threads and tantivy's run beside the main thread) and of its child processes (the entity
extraction's, forked by the local runner), and the CPU per story, children included.

    python benchmarks/ingest_phases.py [--stories 10000] [--archive STORED] [--keep DIR]

On a machine shared with other work, compare CPU seconds, not wall seconds.
"""

from __future__ import annotations

import argparse
import functools
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: (owner, attribute, label) of each timed step, in the order ``update_derived`` runs them
STEPS = [
    ("dateline.store.titles", "update", "derived titles"),
    ("dateline.archive:Archive", "enrich", "entities (both passes)"),
    ("dateline.archive:Archive", "_resolve_entities", "  of which: resolution"),
    ("dateline.archive:Archive", "sync_quotes", "  of which: quote index"),
    ("dateline.analysis.dups", "update", "near-duplicates"),
    ("dateline.archive:Archive", "sync_index", "full-text index"),
    ("dateline.analysis.threads", "update", "story threads"),
    ("dateline.archive:Archive", "update_derived", "all derived steps"),
]


def _owner(path: str) -> Any:
    import importlib

    module, _, cls = path.partition(":")
    found = importlib.import_module(module)
    return getattr(found, cls) if cls else found


def _timed(rows: dict[str, list[float]], owner: Any, name: str, label: str) -> None:
    """Replace ``owner.name`` by a copy that adds its times to ``rows[label]``."""
    inner = getattr(owner, name)

    @functools.wraps(inner)
    def timed(*args: Any, **kwargs: Any) -> Any:
        wall, cpu, proc = time.perf_counter(), time.thread_time(), time.process_time()
        kids = _children_cpu()
        try:
            return inner(*args, **kwargs)
        finally:
            row = rows.setdefault(label, [0.0, 0.0, 0.0, 0.0])
            row[0] += time.perf_counter() - wall
            row[1] += time.thread_time() - cpu
            row[2] += time.process_time() - proc
            row[3] += _children_cpu() - kids

    setattr(owner, name, timed)


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stored_archive(root: Path, stories: int) -> Path:
    """A generated corpus of ``stories`` (10% Korean), parsed and stored only."""
    from dateline.sample import generate

    corpus, archive = root / f"corpus-{stories}", root / f"stored-{stories}"
    if not corpus.exists():
        generate(corpus, stories=stories, seed=1, korean_share=0.1)
    if not archive.exists():
        subprocess.run([sys.executable, "-m", "dateline", "ingest", str(corpus), "--archive",
                        str(archive), "--quiet", "--no-index"], check=True)
    return archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--archive", type=Path, default=None,
                        help="a stored archive (dateline ingest --no-index) to start from")
    parser.add_argument("--keep", type=Path, default=None, help="keep corpus and archives here")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="dateline-phases-"))
    root.mkdir(parents=True, exist_ok=True)
    stored = args.archive or stored_archive(root, args.stories)
    work = root / "derived"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(stored, work)

    from dateline import Archive

    rows: dict[str, list[float]] = {}
    for owner, name, label in STEPS:
        _timed(rows, _owner(owner), name, label)
    with Archive(work) as arc, arc.runner() as runner:
        arc.update_derived(runner=runner)
        n = arc.stats()["stories"]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{n} stories; peak RSS {own:.0f} MiB, of the largest child process {child:.0f} MiB "
          "(pages shared with the parent after the fork counted in both)\n")
    print("| step | wall s | main thread CPU s | process CPU s | children CPU s "
          "| CPU ms/story |")
    print("| --- | --- | --- | --- | --- | --- |")
    for _, _, label in STEPS:
        wall, cpu, proc, kids = rows.get(label, [0.0, 0.0, 0.0, 0.0])
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {proc:.2f} | {kids:.2f} "
              f"| {1000 * (proc + kids) / n:.2f} |")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
