"""Semantic search benchmark: embedding speed, query latency by mode, memory and disk.

1. Embedding throughput of the archive's model (default ``use-multilingual-static``) on real
   English stories (KCNA, ``../shared``) cut to ~2,000 and ~600 characters, embedded as
   ``dateline embed`` does (passages, batches of 512), against the full USE network on the same
   texts in the same run (the baseline; ratio = model / baseline).  Wall time and CPU time.
2. At ``--stories`` generated stories (default 100k, 30% Korean): ``dateline embed`` over the
   whole archive (its own process: wall, CPU, peak RSS, vector index size; the size per
   story projects 1M), then 200 queries of 2-4 words in each mode, top 10 with snippets,
   query encoding included: p50 and p99 of ``Archive.search`` in keyword, semantic and hybrid
   modes, plus semantic with a language filter.  usearch recall@10 of the index against exact
   search over a sample of the same vectors.

    python benchmarks/semantic.py [--stories 100000] [--keep DIR] [--skip-archive]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import children_cpu_seconds, run_measured  # noqa: E402
from retrieval import shared_dir  # noqa: E402

from dateline.search import cache as search_cache  # noqa: E402


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _kcna_texts(shared: Path, chars: int, n: int) -> list[tuple[str, str]]:
    items = json.loads((shared / "corpora/kcna-stiles-2024/headlines_2024-11-11.json")
                       .read_text("utf-8"))
    seen: dict[str, str] = {}
    for it in items:
        text = it.get("story_text") or ""
        if len(text) >= chars and text not in seen:
            seen[text] = it["headline"]
    return [(title, text[:chars]) for text, title in list(seen.items())[:n]]


def embed_throughput(model_name: str, stories: list[tuple[str, str]]) -> dict:
    """Stories per second (wall and CPU) of ``model_name`` on ``stories``, as embed() does."""
    from dateline.enrich.embedding import get_embedder, passage_texts
    from dateline.search.semantic_api import _embed_all

    model = get_embedder(model_name)
    t0 = time.perf_counter()
    model.embed_passages(["warm up: load the weights"])
    load = time.perf_counter() - t0
    texts: list[str] = []
    for title, text in stories:
        texts.extend(passage_texts(title, text, model.passage_chars)[0])
    runs = []
    for _ in range(3):
        w0, c0 = time.perf_counter(), time.process_time()
        _embed_all(model, texts)
        runs.append((time.perf_counter() - w0, time.process_time() - c0))
    wall, cpu = min(runs)
    return {"model": model.key, "stories": len(stories), "passages": len(texts),
            "load_s": round(load, 2), "stories_per_s_wall": round(len(stories) / wall, 1),
            "stories_per_cpu_s": round(len(stories) / cpu, 1)}


def throughput(shared: Path, model: str, baseline: str) -> dict:
    out: dict = {}
    for chars, n, n_base in ((2000, 1000, 100), (600, 1000, 200)):
        texts = _kcna_texts(shared, chars, n)
        got = embed_throughput(model, texts)
        base = embed_throughput(baseline, texts[:n_base])
        got["vs_baseline_wall"] = round(got["stories_per_s_wall"] / base["stories_per_s_wall"], 1)
        out[f"{chars}_chars"] = {"model": got, "baseline": base}
    out["rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def _queries(arc, n: int, seed: int = 5) -> list[str]:  # type: ignore[no-untyped-def]
    """2-4 words from the titles of random stories (English and Korean)."""
    rng = random.Random(seed)
    titles = [s.title for s in arc.stories() if s.title]
    out = []
    for _ in range(n):
        words = rng.choice(titles).split()
        k = min(len(words), rng.randint(2, 4))
        out.append(" ".join(rng.sample(words, k)))
    return out


def _recall(arc, sample: int = 200, k: int = 10) -> float:  # type: ignore[no-untyped-def]
    """usearch recall@10 against exact search, for the vectors of ``sample`` stored stories."""
    import numpy as np

    emb = arc.embedder()
    vi, _ = arc._vectors(emb)
    index = vi._reader()
    keys = np.asarray(list(index.keys), dtype=np.uint64)
    rng = np.random.default_rng(1)
    vectors = np.stack(index.get(keys, dtype=np.float32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    picks = rng.choice(len(keys), size=min(sample, len(keys)), replace=False)
    found = 0
    for i in picks:
        exact = keys[np.argsort(-(vectors @ vectors[i]))[:k]]
        approx = vi.search(vectors[i:i + 1], k)[0][0]
        found += len(set(exact.tolist()) & set(approx))
    return found / (len(picks) * k)


def archive_figures(n: int, root: Path, n_queries: int) -> dict:
    from dateline import Archive
    from dateline.sample import generate

    corpus = root / f"corpus-{n}"
    if not corpus.exists():
        partial = corpus.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        generate(partial, stories=n, seed=1, korean_share=0.3)
        partial.rename(corpus)
    arc_path = root / f"archive-{n}"
    if not arc_path.exists():
        run_measured([sys.executable, "-m", "dateline", "ingest", str(corpus), "--archive",
                      str(arc_path), "--quiet", "--format", "json"])
    cpu0 = children_cpu_seconds()
    secs, _tree, largest, _ = run_measured([sys.executable, "-m", "dateline", "embed",
                                            "--rebuild", "--quiet", "--archive",
                                            str(arc_path), "--format", "json"])
    cpu = children_cpu_seconds() - cpu0
    out: dict = {"stories": n, "embed_wall_s": round(secs, 1), "embed_cpu_s": round(cpu, 1),
                 "embed_stories_per_s": round(n / secs, 1),
                 "embed_peak_rss_mib": round(largest)}
    with Archive(arc_path) as arc:
        status = arc.embed_status()
        out.update(status)
        out["index_bytes_per_story"] = round(status["index_bytes"] / n)
        out["index_gib_at_1m"] = round(status["index_bytes"] / n * 1_000_000 / 2**30, 2)
        queries = _queries(arc, n_queries)
        for mode in ("keyword", "semantic", "hybrid"):
            arc.search("warm up railway", mode=mode)
            arc.search("철도 연결", mode=mode)  # loads the Korean analyser
        lat: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        cases = [("keyword", "", "keyword"), ("semantic", "", "semantic"),
                 ("hybrid", "", "hybrid"), ("semantic lang:ko", " lang:ko", "semantic"),
                 ("hybrid lang:ko", " lang:ko", "hybrid")]
        for q in queries:
            for name, suffix, mode in cases:
                search_cache.clear_all()
                t, c = time.perf_counter(), time.process_time()
                arc.search(q + suffix, mode=mode, limit=10)
                lat.setdefault(name, []).append((time.perf_counter() - t) * 1000)
                cpu.setdefault(name, []).append((time.process_time() - c) * 1000)
        # wall time, and CPU time (less distorted on a shared machine; the search threads of
        # tantivy and usearch count in it too)
        out["query_ms"] = {name: {"p50": round(statistics.median(v), 2),
                                  "p99": round(_pct(v, 99), 2),
                                  "cpu_p50": round(statistics.median(cpu[name]), 2)}
                           for name, v in lat.items()}
        out["recall_at_10"] = round(_recall(arc), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, nargs="+", default=[100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--model", default="use-multilingual-static")
    parser.add_argument("--baseline", default="use-multilingual")
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--skip-archive", action="store_true",
                        help="only the embedding throughput")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    shared = shared_dir()
    if not args.skip_throughput:
        if shared is None:
            print("../shared not found: throughput needs the KCNA stories", file=sys.stderr)
        else:
            print(json.dumps({"throughput": throughput(shared, args.model, args.baseline)},
                             indent=2), flush=True)
    if args.skip_archive:
        return
    root = args.keep or Path(tempfile.mkdtemp(prefix="dateline-semantic-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    for n in args.stories:
        print(json.dumps(archive_figures(n, root, args.queries), indent=2), flush=True)
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
