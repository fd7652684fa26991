"""Kill -9 campaign: an ingest killed at many moments resumes to the archive a clean run makes.

    python benchmarks/kill_campaign.py [--stories 20000] [--kills 20] [--shared ../shared]

The corpus: ``--stories`` generated transcripts, one file each (``python -m dateline.sample``),
plus the KCNA 2024 items from ../shared as one JSON file when it is there.  A clean ingest
(the default one: store, enrichers, indexes) is the reference.  Then, for each of ``--kills``
moments spread over the clean run's duration, a fresh ingest is killed with SIGKILL at that
moment, the processes it started are checked to be gone within five seconds, and the same
ingest is run again to the end.  The resumed archive is compared with the reference table by
table, row by row, leaving out only what records when or by which run a row was written
(columns ``*_at``, ``run_id``, ``first_run``, the ``runs`` table, and ``meta``).  Prints, per
kill: the moment, the phase it hit (store or derived steps), survivors, and the tables that
differ; exits 1 if any kill left a survivor or a difference.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_TABLES = {"runs", "meta", "sqlite_sequence", "sqlite_stat1"}
#: the story index is derived; its files differ with segment merges, its contents do not
SKIP_COLUMNS_SUFFIX = ("_at",)
SKIP_COLUMNS = {"run_id", "first_run"}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _ingest_cmd(corpus: list[Path], archive: Path) -> list[str]:
    return [sys.executable, "-m", "dateline", "ingest", *map(str, corpus), "--archive",
            str(archive), "--quiet", "--workers", "2"]


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted, without the columns that record when or which run."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for table in tables:
            if table in SKIP_TABLES:
                continue
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                       if r[1] not in SKIP_COLUMNS and not r[1].endswith(SKIP_COLUMNS_SUFFIX)]
            names = ", ".join(f'"{c}"' for c in columns)
            out[table] = sorted(conn.execute(f'SELECT {names} FROM "{table}"').fetchall(),
                                key=repr)
        out["integrity"] = [conn.execute("PRAGMA integrity_check").fetchone()]
        return out
    finally:
        conn.close()


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _phase(db: Path) -> str:
    """Where the kill landed: while sources were being stored, or in the derived steps."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        row = conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        conn.close()
    except sqlite3.Error:
        return "start"
    if row is None:
        return "start"
    return "derived steps" if row[0] == "done" else "store"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=20000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--shared", default=None)
    parser.add_argument("--keep", default=None, help="work in this folder and keep it")
    args = parser.parse_args()
    shared = Path(args.shared or os.environ.get("DATELINE_SHARED") or ROOT.parent / "shared")
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="dateline-kill-"))
    generated = tmp / "corpus"
    if not generated.exists():
        subprocess.run([sys.executable, "-m", "dateline.sample", str(generated), "--stories",
                        str(args.stories), "--seed", "17"], check=True, env=_env())
    corpus = [generated]
    kcna = shared / "corpora" / "kcna-stiles-2024" / "headlines_2024-11-11.json"
    if kcna.exists():
        corpus.append(kcna)
    reference = tmp / "reference.dateline"
    started = time.perf_counter()
    subprocess.run(_ingest_cmd(corpus, reference), check=True, env=_env(),
                   stdout=subprocess.DEVNULL)
    clean = time.perf_counter() - started
    expected = snapshot(reference / "dateline.sqlite")
    print(f"reference: {len(expected['stories']):,} stories, "
          f"{len(expected['revisions']):,} revisions, {len(expected['sources']):,} sources; "
          f"clean ingest {clean:.1f} s")
    failures = 0
    for k in range(args.kills):
        moment = clean * (k + 0.5) / args.kills
        archive = tmp / f"killed-{k}.dateline"
        proc = subprocess.Popen(_ingest_cmd(corpus, archive), env=_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(moment)
        family = _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        phase = _phase(archive / "dateline.sqlite")
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in family) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = [p for p in family if _alive(p)]
        for pid in survivors:
            os.kill(pid, signal.SIGKILL)
        subprocess.run(_ingest_cmd(corpus, archive), check=True, env=_env(),
                       stdout=subprocess.DEVNULL)
        got = snapshot(archive / "dateline.sqlite")
        differ = sorted(t for t in expected.keys() | got.keys()
                        if expected.get(t) != got.get(t))
        failures += bool(survivors or differ)
        print(f"kill {k + 1:>2} at {moment:6.1f} s ({phase:<13}) processes killed with it: "
              f"{len(family)}, left alive: {len(survivors)}; tables that differ: "
              f"{', '.join(differ) or 'none'}")
    print(f"{args.kills} kills: {failures} with a survivor or a difference")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
