"""Command-line latency: what a person at a terminal waits for, end to end.

Builds a small real archive from ``../shared`` (the KCNA stories of 2024 in English and the
Korean Wikinews articles, full default ingest), then times whole commands in fresh processes,
each the median of ``--runs`` runs after one warm-up run:

- the start-up of the command-line module alone (``python -X importtime -c 'import
  dateline.cli'``, the cumulative figure of its last line) and ``dateline --help``;
- ``dateline search`` with English queries and with Korean queries whose words the archive
  holds (the Korean word file answers them without loading Kiwi);
- a Korean query word the archive has never seen (the model loads once; its analysis is kept,
  so the same query is fast the next time) — first run and the runs after it;

and, as the baseline measured in the same run, a Python process that does nothing and one that
imports tantivy, opens the archive's index and runs a query (the floor of any Python command
that searches a tantivy index).  Targets (issue "every start as fast as the engine"): imports
<= 0.25 s, English search <= 0.3 s, Korean search <= 0.5 s, on a warm machine.

Python is run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed from the
environment), as on a user's machine: a process that compiles every module of its own pays
about 60 ms more.

    python benchmarks/cli.py [--runs 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
KCNA = SHARED / "kcna-stiles-2024" / "headlines_2024-11-11.json"
WIKINEWS = SHARED / "ko-wikinews" / "wikinews.db"

ENGLISH = ["missile launch", '"Workers\' Party"', "Kim Jong Un Russia", "railway -Pyongyang"]
KOREAN = ["대통령", "정부 발표", "서울 지하철"]
#: an inflected form no article writes (checked before it is used)
UNSEEN = "대통령께서도"

_RAW_SEARCH = """
import sys, tantivy
index = tantivy.Index.open(sys.argv[1])
searcher = index.searcher()
query = index.parse_query(sys.argv[2], ["title", "text"])
for _, address in searcher.search(query, 10).hits:
    searcher.doc(address)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _wikinews_jsonl(path: Path) -> None:
    """The Korean Wikinews articles with a body, as JSON Lines dateline reads."""
    db = sqlite3.connect(f"file:{WIKINEWS}?mode=ro", uri=True)
    with path.open("w", encoding="utf-8") as fh:
        for row_id, url, title, body, day in db.execute(
                "SELECT id, url, title, body, content_date FROM scrap "
                "WHERE body IS NOT NULL AND body != ''"):
            fh.write(json.dumps({"id": f"wikinews-{row_id}", "url": url, "title": title,
                                 "text": body, "date": day}, ensure_ascii=False) + "\n")
    db.close()


def _seconds(cmd: list[str], runs: int) -> list[float]:
    """Wall seconds of ``runs`` runs of ``cmd``, after one warm-up run (not counted)."""
    out = []
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=_env())
        if i:
            out.append(time.perf_counter() - start)
    return out


def _import_seconds(python: str, runs: int) -> list[float]:
    out = []
    for i in range(runs + 1):
        err = subprocess.run([python, "-X", "importtime", "-c", "import dateline.cli"],
                             check=True, capture_output=True, text=True, env=_env()).stderr
        last = err.strip().splitlines()[-1]  # "import time: self | cumulative | dateline.cli"
        if i:
            out.append(int(last.split("|")[1]) / 1e6)
    return out


def _first_and_after(cmd: list[str], runs: int) -> tuple[float, list[float]]:
    """The first run of ``cmd`` (nothing warmed for it) and the runs after it."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=_env())
    first = time.perf_counter() - start
    return first, _seconds(cmd, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="keep the archive here")
    args = parser.parse_args()
    for needed in (KCNA, WIKINEWS):
        if not needed.exists():
            sys.exit(f"needs {needed} (../shared beside the repository)")
    root = args.keep or Path(tempfile.mkdtemp(prefix="dateline-cli-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    dateline = [python, "-m", "dateline"]
    archive = root / "real.dateline"
    if not archive.exists():
        partial = root / "real.partial"
        shutil.rmtree(partial, ignore_errors=True)
        _wikinews_jsonl(root / "wikinews.jsonl")
        for source in (KCNA, root / "wikinews.jsonl"):
            subprocess.run([*dateline, "ingest", str(source), "--archive", str(partial),
                            "--quiet"], check=True, capture_output=True, env=_env())
        partial.rename(archive)  # an interrupted build is never taken for the archive
    where = ["--archive", str(archive)]
    texts = sqlite3.connect(archive / "dateline.sqlite")
    seen = any(UNSEEN in (text or "") for (text,) in texts.execute("SELECT text FROM revisions"))
    texts.close()
    if seen:
        sys.exit(f"the archive holds {UNSEEN!r}: choose another unseen word")
    words = archive / "words" / "korean.sqlite"
    if words.exists():  # the unseen word must be unseen by the word file too
        with sqlite3.connect(words) as db:
            db.execute("DELETE FROM words WHERE text = ?", (UNSEEN,))
    rows: list[tuple[str, list[float]]] = []

    def measure(label: str, values: list[float]) -> None:
        rows.append((label, values))
        print(f"{label}: median {statistics.median(values):.3f} s "
              f"(min {min(values):.3f}, max {max(values):.3f})", flush=True)

    measure("python -c pass (baseline)", _seconds([python, "-c", "pass"], args.runs))
    raw = [python, "-c", _RAW_SEARCH, str(archive / "index")]
    measure("python: import tantivy, open the index, search (baseline)",
            [s for q in ENGLISH[:2] for s in _seconds([*raw, q], args.runs)])
    measure("import dateline.cli (-X importtime)", _import_seconds(python, args.runs))
    measure("dateline --help", _seconds([*dateline, "--help"], args.runs))
    measure("dateline stats", _seconds([*dateline, "stats", *where], args.runs))
    for q in ENGLISH:
        measure(f"dateline search {q!r}", _seconds([*dateline, "search", q, *where], args.runs))
    for q in KOREAN:
        measure(f"dateline search {q!r}", _seconds([*dateline, "search", q, *where], args.runs))
    first, after = _first_and_after([*dateline, "search", UNSEEN, *where], args.runs)
    measure(f"dateline search {UNSEEN!r}, a word never seen: first run", [first])
    measure(f"dateline search {UNSEEN!r}, the runs after", after)
    base = statistics.median(rows[0][1])
    print("\n| command | median s | min–max s | over `python -c pass` |")
    print("| --- | --- | --- | --- |")
    for label, values in rows:
        median = statistics.median(values)
        print(f"| {re.sub(r'[|]', '/', label)} | {median:.3f} | {min(values):.3f}–"
              f"{max(values):.3f} | {median / base:.1f}× |")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
