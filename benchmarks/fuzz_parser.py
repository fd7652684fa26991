"""A long fuzzing campaign against the transcript parser, and the big-page benchmark.

    python benchmarks/fuzz_parser.py                    # 10,000 mutated pages, up to 3 MB
    python benchmarks/fuzz_parser.py --inputs 500 --seed 7 --max-mb 1
    python benchmarks/fuzz_parser.py --before 607d998   # the same inputs through another commit
    python benchmarks/fuzz_parser.py --only 4711        # one input again, with its mutations
    python benchmarks/fuzz_parser.py --shapes           # seconds per MB of big pages, by shape

Inputs are the real pages of ``../shared`` (``$DATELINE_SHARED``) mutated by
``benchmarks/_fuzz.py``; input ``i`` of seed ``s`` is the same on every run.  Each is parsed
once (``dateline.transcript.parse``, one core, CPU time) and checked (``_fuzz.check``: offsets,
coverage, no internal error).  Prints: inputs, crashes (an error inside the parser, caught by
``parse``'s fallback, or a broken check), inputs over the budget of 1 s + 2 s per MB, the worst
seconds per MB (inputs of 0.1 MB or more) and the slowest inputs.

``--before REV`` runs the same inputs through the parser of git revision REV (its ``src`` in a
temporary folder, in a child process), each stopped after ``--cap`` CPU seconds, and reports
its figures beside this tree's and how many inputs the two parse differently.

``--shapes`` builds the pages of ``_fuzz.shapes`` at 0.1, 1 and 10 MB (``--sizes``) and prints
CPU seconds and seconds per MB of each, with a same-run baseline (a regex word scan of the same
page) and the slope between sizes: flat seconds per MB is a linear parse.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the worker of --before imports the other revision's dateline: its src comes first
sys.path.insert(0, os.environ.get("DATELINE_FUZZ_SRC") or str(ROOT / "src"))
sys.path.insert(1, str(ROOT / "benchmarks"))

import _fuzz  # noqa: E402

MB = 1_000_000


class _Capped(BaseException):
    """Raised by the CPU timer inside a parse that ran past the cap (``parse`` only catches
    ``Exception``)."""


def find_shared() -> Path | None:
    """``$DATELINE_SHARED`` or ``shared`` beside the repository, when it holds the KBS pages.

    (As ``score_parser.find_shared``, which is not imported: it puts this tree's ``src`` first
    on the path, and the ``--before`` worker must import the other revision's.)
    """
    env = os.environ.get("DATELINE_SHARED")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared"]:
        if (cand / "corpora" / "kbs-pages").is_dir():
            return cand
    return None


def budget(chars: int) -> float:
    """Seconds an input may take: 1 s plus 2 s per MB."""
    return 1.0 + 2.0 * chars / MB


def _on_cap(signum: int, frame: object) -> None:
    raise _Capped


def run_inputs(pages: list[str], seed: int, indexes: range | list[int], max_chars: int,
               cap: float | None):
    """Parse and check each input: yields one dict per input (see ``_summary`` for fields)."""
    from dateline.transcript import parse
    if cap:
        signal.signal(signal.SIGVTALRM, _on_cap)
    for i in indexes:
        text, names = _fuzz.campaign_input(seed, i, pages, max_chars)
        row: dict = {"i": i, "chars": len(text), "mutations": names, "capped": False,
                     "problems": [], "digest": None}
        # the thread's CPU time: the process's CPU clock can read stale while the CPU-time
        # timer of --cap is armed (seen on Linux 6.18)
        c0 = time.thread_time()
        try:
            if cap:
                signal.setitimer(signal.ITIMER_VIRTUAL, cap)
            try:
                doc = parse(text)
            finally:
                if cap:
                    signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        except _Capped:
            row["capped"] = True
        except Exception as exc:  # noqa: BLE001 - parse must never raise: that is a crash
            row["problems"] = [f"parse raised {type(exc).__name__}: {exc}"]
        else:
            row["seconds"] = time.thread_time() - c0
            row["problems"] = _fuzz.check(text, doc)
            row["digest"] = _fuzz.digest(doc)
        row.setdefault("seconds", time.thread_time() - c0)
        yield row


def _summary(label: str, rows: list[dict]) -> dict:
    """The campaign's figures over ``rows``, printed under ``label``."""
    chars = sum(r["chars"] for r in rows)
    crashes = [r for r in rows if r["problems"]]
    over = [r for r in rows if r["capped"] or r["seconds"] > budget(r["chars"])]
    big = [r for r in rows if r["chars"] >= MB // 10]
    worst = max(big, key=lambda r: r["seconds"] / r["chars"], default=None)
    slowest = sorted(rows, key=lambda r: -r["seconds"])[:5]
    sizes = sorted(r["chars"] for r in rows)
    out = {
        "inputs": len(rows), "mb": chars / MB, "crashes": len(crashes), "over_budget": len(over),
        "capped": sum(r["capped"] for r in rows),
        "worst_s_per_mb": worst["seconds"] / worst["chars"] * MB if worst else None,
        "worst_seconds": slowest[0]["seconds"] if slowest else None,
        "cpu_seconds": sum(r["seconds"] for r in rows),
    }
    print(f"\n== {label}")
    print(f"inputs: {len(rows):,} ({chars / MB:,.1f} MB; median {sizes[len(sizes) // 2]:,} "
          f"chars, largest {sizes[-1] / MB:.2f} MB, {len(big):,} of 0.1 MB or more)")
    print(f"crashes (parser error or broken check): {len(crashes)}")
    for r in crashes[:5]:
        print(f"  input {r['i']} ({r['chars']:,} chars, {'+'.join(r['mutations'])}): "
              f"{r['problems'][0]}")
    print(f"over budget (1 s + 2 s/MB): {len(over)}"
          + (f" ({out['capped']} stopped at the cap)" if out["capped"] else ""))
    if worst:
        print(f"worst seconds per MB (inputs >= 0.1 MB): {out['worst_s_per_mb']:.2f} "
              f"(input {worst['i']}, {worst['chars'] / MB:.2f} MB in {worst['seconds']:.2f} s)")
    print(f"CPU seconds parsing: {out['cpu_seconds']:.1f}; slowest inputs:")
    for r in slowest:
        print(f"  input {r['i']}: {r['seconds']:.3f} s{' (capped)' if r['capped'] else ''}, "
              f"{r['chars'] / MB:.3f} MB, {'+'.join(r['mutations'])}")
    return out


def _revision_src(rev: str, into: Path) -> Path:
    """``src`` of git revision ``rev``, unpacked into ``into``."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _worker_rows(src: Path, args: argparse.Namespace) -> list[dict]:
    """Run the campaign in a child process whose ``dateline`` is the one in ``src``."""
    env = dict(os.environ, DATELINE_FUZZ_SRC=str(src), PYTHONPATH=str(src))
    cmd = [sys.executable, __file__, "--worker", "--inputs", str(args.inputs), "--seed",
           str(args.seed), "--max-mb", str(args.max_mb), "--cap", str(args.cap)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def campaign(args: argparse.Namespace, pages: list[str]) -> int:
    max_chars = int(args.max_mb * MB)
    print(f"fuzz campaign: {args.inputs:,} inputs, seed {args.seed}, up to {args.max_mb} MB, "
          f"{len(pages)} real pages mutated; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    t0 = time.perf_counter()
    rows = list(run_inputs(pages, args.seed, range(args.inputs), max_chars, args.cap))
    print(f"(wall {time.perf_counter() - t0:.0f} s)")
    now = _summary("this tree", rows)
    if args.before:
        with tempfile.TemporaryDirectory(prefix="dateline-before-") as tmp:
            src = _revision_src(args.before, Path(tmp))
            old = _worker_rows(src, args)
        before = _summary(f"revision {args.before} (each input stopped at {args.cap:g} CPU s)",
                          old)
        compared = [(a, b) for a, b in zip(rows, old, strict=True)
                    if a["digest"] and b["digest"]]
        differ = [a["i"] for a, b in compared if a["digest"] != b["digest"]]
        print(f"\nsame parse as {args.before}: {len(compared) - len(differ):,} of "
              f"{len(compared):,} inputs both finished"
              + (f"; different: inputs {differ[:20]}" if differ else ""))
        print(f"over budget: {before['over_budget']} before, {now['over_budget']} now; "
              f"worst s/MB: {before['worst_s_per_mb'] or 0:.2f} before, "
              f"{now['worst_s_per_mb'] or 0:.2f} now")
    return 1 if now["crashes"] else 0


def shapes(args: argparse.Namespace, pages: list[str]) -> int:
    from dateline.transcript import parse
    sizes = [float(s) for s in args.sizes.split(",")]
    builders = _fuzz.shapes(pages)
    if args.shape:
        builders = {k: v for k, v in builders.items() if k in args.shape.split(",")}
    words = re.compile(r"\w+")
    for build in builders.values():  # warm up: imports, compiled patterns, caches
        parse(build(2_000))
    print(f"big pages: CPU seconds of one parse (and seconds per MB); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'shape':26}" + "".join(f"{f'{s:g} MB':>22}" for s in sizes)
          + f"{'slope':>8}{'vs scan':>10}")
    worst = 0.0
    slow: list[str] = []  # pages of at most 1 MB over 1 s, or larger ones over 1 s per MB
    for name, build in builders.items():
        cells, per_mb, ratio = [], [], 0.0
        for mb in sizes:
            text = build(int(mb * MB))
            c0 = time.process_time()
            parse(text)
            sec = time.process_time() - c0
            c0 = time.process_time()
            words.findall(text)
            scan = time.process_time() - c0
            per_mb.append(sec / (len(text) / MB))
            if sec > max(1.0, len(text) / MB):
                slow.append(f"{name} at {mb:g} MB ({sec:.2f} s)")
            ratio = sec / max(scan, 1e-6)
            cells.append(f"{sec:8.3f} s ({per_mb[-1]:.2f}/MB)")
            del text
        # seconds per MB from the smallest to the largest size: 1.0 is linear
        slope = per_mb[-1] / per_mb[0] if per_mb[0] > 0 else float("nan")
        worst = max(worst, *per_mb)
        print(f"{name:26}" + "".join(f"{c:>22}" for c in cells) + f"{slope:8.2f}"
              f"{ratio:9.1f}x", flush=True)
    print(f"pages of <= 1 MB over 1 s, or larger over 1 s per MB: {len(slow)}"
          + (f" ({', '.join(slow)})" if slow else ""))
    print(f"worst seconds per MB: {worst:.2f}; peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--max-mb", type=float, default=3.0)
    ap.add_argument("--before", help="also run the parser of this git revision")
    ap.add_argument("--cap", type=float, default=0.0,
                    help="stop a parse after this many CPU seconds (0: never; --before: 20)")
    ap.add_argument("--only", type=int, help="parse input ONLY alone and show it")
    ap.add_argument("--shapes", action="store_true", help="the big-page benchmark instead")
    ap.add_argument("--shape", help="only these shapes (comma-separated)")
    ap.add_argument("--sizes", default="0.1,1,10", help="MB of each shape (comma-separated)")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.before and not args.cap:
        args.cap = 20.0
    shared = find_shared()
    if shared is None:
        print(f"../shared not found ({ROOT.parent / 'shared'}; or set DATELINE_SHARED): the "
              "campaign mutates its real pages", file=sys.stderr)
        return 2
    pages = _fuzz.load_pages(shared)
    if args.worker:
        for row in run_inputs(pages, args.seed, range(args.inputs), int(args.max_mb * MB),
                              args.cap):
            print(json.dumps(row), flush=True)
        return 0
    if args.only is not None:
        text, names = _fuzz.campaign_input(args.seed, args.only, pages, int(args.max_mb * MB))
        row = next(run_inputs(pages, args.seed, [args.only], int(args.max_mb * MB), args.cap))
        print(f"input {args.only}: {len(text):,} chars, mutations {'+'.join(names)}")
        print(f"start: {text[:300]!r}")
        print(f"{row['seconds']:.3f} CPU s; problems: {row['problems'] or 'none'}")
        return 1 if row["problems"] else 0
    if args.shapes:
        return shapes(args, pages)
    return campaign(args, pages)


if __name__ == "__main__":
    raise SystemExit(main())
