"""Parser speed: pages per second on ~2 KB pages (one core).

    python benchmarks/parse.py [--seconds 5]

Uses the real KBS pages from ../shared (``$DATELINE_SHARED``) when present, else synthetic
pages made here; prints pages/s and KB/s.  Target: ≥ 2,000 pages/s per core.
"""

from __future__ import annotations

import json
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    seconds = float(argv[argv.index("--seconds") + 1]) if "--seconds" in argv else 3.0
    texts = pages()
    for t in texts:  # warm up (regex compilation, imports)
        parse(t)
    n = 0
    chars = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for t in texts:
            parse(t)
            chars += len(t)
        n += len(texts)
    dt = time.perf_counter() - t0
    print(f"pages: {len(texts)} distinct, mean {chars / n / 1000:.2f} K chars")
    print(f"parsed {n} pages in {dt:.2f} s: {n / dt:,.0f} pages/s, "
          f"{chars / dt / 1e6:.2f} M chars/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
