"""Parser speed: pages per second on ~2 KB pages (one core).

    python benchmarks/parse.py [--seconds 5]

Uses the real KBS pages from ../shared (``$DATELINE_SHARED``) when present, else synthetic
pages made here; prints pages per CPU-second (one core), wall pages/s and a same-run
baseline.  Target: ≥ 2,000 pages/s per core.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from score_parser import find_shared  # noqa: E402

from dateline.transcript import parse  # noqa: E402

SYNTHETIC = (
    " date 2031-04-02 ORCHARD FESTIVAL OPENS News Today 입력 2031.04.02 (15:01) "
    "수정 2031.04.02 (16:12)\n\n[Anchor Lead]\n\nThe fictional town of Pinehollow opened its "
    "orchard festival on Tuesday.\n\n[Pkg]\n\nVisitors lined up before dawn. {body}\n\n"
    "[Soundbite] Tarn Veloso(Festival Organiser) : \"We planted these trees twenty years "
    "ago.\"\n\n{body}\n\n[Soundbite] (Visitor) : \"It gets better every time.\"\n\n{body}\n"
)


def pages() -> list[str]:
    shared = find_shared()
    out: list[str] = []
    if shared is not None:
        for p in sorted((shared / "corpora" / "kbs-pages").glob("*.json")):
            out.append(json.loads(p.read_text(encoding="utf-8")).get("excerpt") or "")
    if not out:
        body = "The apples were sorted, washed and sold at the stalls along the river. " * 5
        out = [SYNTHETIC.format(body=body)]
    return out


def _run(fn, texts: list[str], seconds: float) -> tuple[int, int, float, float]:  # noqa: ANN001
    """(pages, chars, wall seconds, CPU seconds) of calling ``fn`` on the pages for a while."""
    n = chars = 0
    t0, c0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        for t in texts:
            fn(t)
            chars += len(t)
        n += len(texts)
    return n, chars, time.perf_counter() - t0, time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    seconds = float(argv[argv.index("--seconds") + 1]) if "--seconds" in argv else 3.0
    texts = pages()
    for t in texts:  # warm up (regex compilation, imports)
        parse(t)
    n, chars, wall, cpu = _run(parse, texts, seconds)
    # baseline in the same run: one regex word scan over the same pages (the floor of any parse)
    words = re.compile(r"\w+")
    bn, _, _, bcpu = _run(words.findall, texts, seconds / 3)
    print(f"pages: {len(texts)} distinct, mean {chars / n / 1000:.2f} K chars")
    print(f"parsed {n} pages in {wall:.2f} s wall, {cpu:.2f} s CPU: "
          f"{n / cpu:,.0f} pages/s per core (CPU time), {n / wall:,.0f} pages/s wall, "
          f"{chars / cpu / 1e6:.2f} M chars/s per core")
    print(f"baseline (regex word scan of the same pages): {bn / bcpu:,.0f} pages/s per core; "
          f"parse costs {(bn / bcpu) / (n / cpu):.1f}x the scan")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
