"""Known-item retrieval quality of the search engines on the shared corpora.

For every story we search its headline as a plain word query (punctuation stripped, no phrase)
over all stories (title + text) and record the rank of that very story; we report MRR@10 and the
share found at rank 1 and in the top 10, plus query latency.

    python benchmarks/retrieval.py [--engine tantivy] [--shared ../shared]

Corpora (read-only, never copied into the repository):
  english  corpora/kcna-stiles-2024/headlines_2024-11-11.json  items with a story_text
  korean   corpora/ko-wikinews/wikinews.db                      table scrap, rows with a body
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateline.search import IndexDoc, SearchEngine, get_engine

K = 10
_NON_WORD = re.compile(r"[^\w]+|_")
_OPS = {"AND", "OR", "NOT"}


def shared_dir() -> Path | None:
    """``$DATELINE_SHARED``, else the ``shared`` folder beside the repository root."""
    env = os.environ.get("DATELINE_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[1].parent / "shared")
    for c in candidates:
        if (c / "corpora").is_dir():
            return c
    return None


def word_query(headline: str) -> str:
    """The headline as a plain word query: punctuation stripped, operators lowercased."""
    words = _NON_WORD.sub(" ", headline).split()
    return " ".join(w.lower() if w in _OPS else w for w in words)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def load_english(shared: Path) -> list[IndexDoc]:
    items = json.loads((shared / "corpora/kcna-stiles-2024/headlines_2024-11-11.json")
                       .read_text("utf-8"))
    return [
        IndexDoc(id=f"kcna-{i}", title=it["headline"], text=it["story_text"],
                 date=_date(it.get("date_str")), language="en", source=it.get("link") or "")
        for i, it in enumerate(items)
        if (it.get("story_text") or "").strip() and (it.get("headline") or "").strip()
    ]


def load_korean(shared: Path) -> list[IndexDoc]:
    db = shared / "corpora/ko-wikinews/wikinews.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT id, url, title, body, content_date FROM scrap "
            "WHERE body IS NOT NULL AND trim(body) != '' AND trim(coalesce(title, '')) != '' "
            "ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [
        IndexDoc(id=f"wn-{rid}", title=title, text=body, date=_date(cdate), language="ko",
                 source=url or "")
        for rid, url, title, body, cdate in rows
    ]


@dataclass
class KnownItemResult:
    queries: int
    mrr: float
    at1: float
    at10: float
    latency_ms_median: float
    latency_ms_p95: float
    index_seconds: float

    def line(self, name: str) -> str:
        return (f"{name}: n={self.queries} MRR@{K}={self.mrr:.4f} P@1={self.at1:.3f} "
                f"found@{K}={self.at10:.3f} latency median={self.latency_ms_median:.2f} ms "
                f"p95={self.latency_ms_p95:.2f} ms (indexing {self.index_seconds:.1f} s)")


def known_item(engine: SearchEngine, docs: list[IndexDoc]) -> KnownItemResult:
    t0 = time.perf_counter()
    engine.add(docs)
    engine.commit()
    index_seconds = time.perf_counter() - t0
    rr: list[float] = []
    lat: list[float] = []
    for d in docs:
        q = word_query(d.title or "")
        if not q:
            continue
        t = time.perf_counter()
        res = engine.search(q, limit=K, facets=False, snippets=False)
        lat.append((time.perf_counter() - t) * 1000)
        ranks = [i for i, h in enumerate(res.hits, 1) if h.id == d.id]
        rr.append(1 / ranks[0] if ranks else 0.0)
    lat.sort()
    return KnownItemResult(
        queries=len(rr),
        mrr=sum(rr) / len(rr),
        at1=sum(1 for r in rr if r == 1) / len(rr),
        at10=sum(1 for r in rr if r > 0) / len(rr),
        latency_ms_median=statistics.median(lat),
        latency_ms_p95=lat[int(0.95 * (len(lat) - 1))],
        index_seconds=index_seconds,
    )


def run(engine_name: str, corpus: str, shared: Path) -> KnownItemResult:
    docs = load_english(shared) if corpus == "english" else load_korean(shared)
    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(engine_name)(Path(tmp) / "index")
        try:
            return known_item(engine, docs)
        finally:
            engine.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", default="tantivy")
    ap.add_argument("--corpus", choices=["english", "korean", "both"], default="both")
    ap.add_argument("--shared", type=Path, default=None)
    args = ap.parse_args(argv)
    shared = args.shared or shared_dir()
    if shared is None:
        print("shared corpora not found: set DATELINE_SHARED", file=sys.stderr)
        return 2
    corpora = ["english", "korean"] if args.corpus == "both" else [args.corpus]
    for corpus in corpora:
        print(run(args.engine, corpus, shared).line(f"{args.engine}/{corpus}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
