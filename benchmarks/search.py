"""Search benchmark: dateline's full pipeline vs raw tantivy vs SQLite FTS5, same texts, one run.

For each corpus size (default 100k; 1M with ``--stories 1000000``):

- indexing: ``dateline reindex`` (store → IndexDoc → engine, Korean analysis included) vs raw
  tantivy indexing of the same titles and texts with the same writer settings (ratio raw/dateline;
  target ≥ 0.5 means dateline is at most 2× slower); and raw tantivy with dateline's own schema
  and analysers on the same texts, which separates what the extra fields cost from what the
  pipeline costs;
- 200 mixed queries (common and rare terms, 2–3 terms, phrases, date-filtered; top 10 with
  snippets): p50 and p99 latency of ``Archive.search`` vs raw tantivy (target p50 ≤ 1.3×) and vs
  an FTS5 index built in the same run;
- peak RSS of the reindex process tree, index size per story.

    python benchmarks/search.py [--stories 100000 1000000] [--keep DIR]
    python benchmarks/search.py --real kcna --stories 25000   # real text from ../shared

``--real kcna`` takes the 2,111 KCNA stories of 2024 in ``../shared/corpora`` and repeats them
with other dates (a year earlier per copy, and a line saying so, else a copy would be a
duplicate) up to ``--stories``: a small archive of real news text, where the fixed cost of each
query weighs most.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import run_measured  # noqa: E402

from dateline.search import cache as search_cache  # noqa: E402
from dateline.search.snippets import MAX_CHARS as SNIPPET_CHARS  # noqa: E402

WORD = re.compile(r"[a-z]{3,}")
STOP_WORDS = ("the and that for with was were are this from have has had its will been not but "
              "said they their which after also would more than about into over")
STOP = frozenset(STOP_WORDS.split())


def _texts(archive_path: Path) -> list[tuple[str, str, str, str]]:
    """(id, title, text, date) of every story, straight from the store."""
    from dateline import Archive

    with Archive(archive_path, readonly=True) as arc:
        return [(s.id, s.title or "", s.indexed_text(), s.date.isoformat() if s.date else "")
                for s in arc.store.iter_stories(with_quotes=False)]


def _queries(docs: list[tuple[str, str, str, str]], n: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    for _, _, text, _ in docs[:20000]:
        counts.update(w for w in WORD.findall(text.lower()) if w not in STOP)
    ranked = [w for w, _ in counts.most_common()]
    common = ranked[:50]
    rare = [w for w, c in counts.items() if 3 <= c <= 20] or ranked[-50:]
    phrases = []
    for _, _, text, _ in rng.sample(docs, min(400, len(docs))):
        words = [w for w in re.findall(r"[A-Za-z]{3,}", text)]
        if len(words) > 6:
            i = rng.randrange(len(words) - 2)
            phrases.append(f'"{words[i].lower()} {words[i + 1].lower()}"')
    queries: list[dict] = []
    kinds = ["common", "rare", "two", "three", "phrase", "dated"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "common":
            q = rng.choice(common)
        elif kind == "rare":
            q = rng.choice(rare)
        elif kind == "two":
            q = f"{rng.choice(common)} {rng.choice(ranked[:2000])}"
        elif kind == "three":
            q = " ".join(rng.sample(ranked[:3000], 3))
        elif kind == "phrase":
            q = rng.choice(phrases)
        else:
            q = rng.choice(common)
        dated = kind == "dated"
        year = rng.randrange(2006, 2025)
        queries.append({"kind": kind, "q": q,
                        "from": date(year, 1, 1) if dated else None,
                        "to": date(year, 12, 31) if dated else None})
    return queries


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _raw_tantivy(docs: list[tuple[str, str, str, str]], folder: Path) -> tuple[float, object]:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("text", stored=True, tokenizer_name="en_stem")
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    schema = builder.build()
    shutil.rmtree(folder, ignore_errors=True)  # a baseline is always built afresh
    folder.mkdir(parents=True)
    index = tantivy.Index(schema, path=str(folder))
    start = time.perf_counter()
    writer = index.writer(heap_size=128_000_000, num_threads=2)
    from datetime import datetime

    for i, (sid, title, text, day) in enumerate(docs):
        doc = {"id": sid, "title": title, "text": text}
        if day:
            doc["date"] = datetime.fromisoformat(day)
        writer.add_document(tantivy.Document(**doc))
        if i % 50000 == 49999:
            writer.commit()
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - start
    index.reload()
    return seconds, index


def _raw_tantivy_same_schema(docs: list[tuple[str, str, str, str]], folder: Path) -> float:
    """Raw tantivy with dateline's schema and analysers (text indexed stemmed and exact), fed
    the same titles, texts and dates straight from memory: what the fields cost without
    dateline's pipeline (store reads, quotes, entities, documents built in Python)."""
    from datetime import UTC, datetime

    import tantivy

    from dateline.search import tantivy_engine as engine

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index = tantivy.Index(engine._schema(tantivy), path=str(folder))
    engine.register_analyzers(index, engine._analyzers(tantivy))
    start = time.perf_counter()
    writer = index.writer(heap_size=128_000_000, num_threads=2)
    for i, (sid, title, text, day) in enumerate(docs):
        doc = tantivy.Document(id=sid, title=title, text=text, text_exact=text)
        if day:
            when = datetime.fromisoformat(day).replace(tzinfo=UTC)
            doc.add_date("date", when)
            doc.add_unsigned("year", when.year)
            doc.add_unsigned("month", when.year * 100 + when.month)
        writer.add_document(doc)
        if i % 50000 == 49999:
            writer.commit()
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - start


def _raw_tantivy_query(index, q: dict) -> int:  # type: ignore[no-untyped-def]
    from datetime import datetime

    import tantivy

    searcher = index.searcher()
    # every word required, as dateline reads a query (tantivy's parser would OR them)
    words = re.findall(r'"[^"]+"|\S+', q["q"])
    query = index.parse_query(" ".join(w if w.startswith(("+", "-")) else "+" + w
                                       for w in words), ["title", "text"])
    if q["from"]:
        rng = tantivy.Query.range_query(index.schema, "date", tantivy.FieldType.Date,
                                        datetime.combine(q["from"], datetime.min.time()),
                                        datetime.combine(q["to"], datetime.min.time()))
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query),
                                             (tantivy.Occur.Must, rng)])
    result = searcher.search(query, 10)
    gen = tantivy.SnippetGenerator.create(searcher, query, index.schema, "text")
    gen.set_max_num_chars(SNIPPET_CHARS)  # the same snippet length as dateline's
    for _, addr in result.hits:
        gen.snippet_from_doc(searcher.doc(addr)).to_html()
    return result.count or 0


def _fts(docs: list[tuple[str, str, str, str]], path: Path) -> tuple[float, sqlite3.Connection]:
    path.unlink(missing_ok=True)  # a baseline is always built afresh
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, text, day UNINDEXED, "
                 "tokenize='porter unicode61')")
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO fts(title, text, day) VALUES (?, ?, ?)",
                         ((t, x, d) for _, t, x, d in docs))
    return time.perf_counter() - start, conn


def _fts_query(conn: sqlite3.Connection, q: dict) -> int:
    match = " ".join(f'"{w}"' if not w.startswith('"') else w
                     for w in re.findall(r'"[^"]+"|\S+', q["q"]))
    sql = ("SELECT rowid, snippet(fts, 1, '<mark>', '</mark>', '…', 20) FROM fts WHERE fts MATCH ?")
    params: list[object] = [match]
    if q["from"]:
        sql += " AND day BETWEEN ? AND ?"
        params += [q["from"].isoformat(), q["to"].isoformat()]
    sql += " ORDER BY rank LIMIT 10"
    return len(conn.execute(sql, params).fetchall())


def _into_page_cache(*paths: Path) -> None:
    """Read every file of ``paths`` (files or folders) once, so that no engine's queries wait
    for a disk the others' do not.  The indexes are built one after the other, dateline's first,
    and at 1M the run holds gigabytes of texts besides: the first index built is the likeliest
    to have left the page cache.  No query's own structures are warmed by this."""
    for top in paths:
        for path in [top] if top.is_file() else top.rglob("*"):
            if path.is_file():
                with path.open("rb") as fh:
                    while fh.read(1 << 24):
                        pass


KCNA = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "kcna-stiles-2024" \
    / "headlines_2024-11-11.json"


def _kcna_corpus(path: Path, n: int) -> None:
    """KCNA's 2024 stories repeated with earlier dates up to ``n`` records (JSON Lines)."""
    from datetime import UTC, datetime, timedelta

    if not KCNA.exists():
        sys.exit(f"--real kcna needs {KCNA} (../shared beside the repository)")
    items = [i for i in json.loads(KCNA.read_text(encoding="utf-8")) if i.get("story_text")]
    path.mkdir(parents=True, exist_ok=True)
    with (path / "kcna.jsonl").open("w", encoding="utf-8") as fh:
        for k in range(n):
            item, copy = items[k % len(items)], k // len(items)
            day = datetime.fromtimestamp(item["date"] / 1000, UTC).date() \
                - timedelta(days=365 * copy)
            # a line of its own keeps each copy a story (an identical text is a duplicate)
            text = f"{item['story_text']}\nFiled {day:%B %d, %Y}, item {k}."
            fh.write(json.dumps({"id": f"{item['link']}?copy={copy}", "title": item["headline"],
                                 "date": day.isoformat(), "text": text,
                                 "language": "en"}) + "\n")


def run(n: int, root: Path, n_queries: int, korean_share: float, real: str | None = None
        ) -> dict:
    from dateline import Archive
    from dateline.sample import generate

    name = f"{n}-{real}" if real else f"{n}-ko{korean_share}"
    corpus = root / f"corpus-{name}"
    if not corpus.exists():
        partial = corpus.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        if real:
            _kcna_corpus(partial, n)
        else:
            generate(partial, stories=n, seed=1, korean_share=korean_share)
        partial.rename(corpus)  # an interrupted generation is never taken for a corpus
    arc_path = root / f"archive-{name}"
    if not arc_path.exists():
        run_measured([sys.executable, "-m", "dateline", "ingest", str(corpus), "--archive",
                      str(arc_path), "--quiet", "--no-index", "--format", "json"])
    secs, tree, largest, _ = run_measured([sys.executable, "-m", "dateline", "reindex",
                                           "--archive", str(arc_path)])
    docs = _texts(arc_path)
    raw_secs, raw_index = _raw_tantivy(docs, root / f"raw-tantivy-{name}")
    same_schema_secs = _raw_tantivy_same_schema(docs, root / f"raw-tantivy-schema-{name}")
    fts_secs, fts = _fts(docs, root / f"fts-{name}.sqlite")
    queries = _queries(docs, n_queries)
    _into_page_cache(arc_path / "index", root / f"raw-tantivy-{name}", root / f"fts-{name}.sqlite")
    lat: dict[str, list[float]] = {"dateline": [], "tantivy": [], "fts5": []}
    by_kind: dict[str, dict[str, list[float]]] = {}
    with Archive(arc_path) as arc:
        arc.search("warmup")

        def timed(name: str, q: dict, fn: Callable[[], object]) -> None:
            search_cache.clear_all()  # a repeated query must not be answered from memory
            t = time.perf_counter()
            fn()
            ms = (time.perf_counter() - t) * 1000
            lat[name].append(ms)
            by_kind.setdefault(q["kind"], {}).setdefault(name, []).append(ms)

        # dateline and raw tantivy take turns going first on each query; FTS5 gets a pass of
        # its own, since its common-term queries sweep through hundreds of megabytes and leave
        # the CPU's caches cold for whichever engine came next
        for i, q in enumerate(queries):
            pair = [("dateline", lambda q=q: arc.search(q["q"], date_from=q["from"],
                                                        date_to=q["to"], limit=10,
                                                        facets=False)),
                    ("tantivy", lambda q=q: _raw_tantivy_query(raw_index, q))]
            for name, fn in pair if i % 2 == 0 else pair[::-1]:
                timed(name, q, fn)
        for q in queries:
            timed("fts5", q, lambda q=q: _fts_query(fts, q))
        search_cache.clear_all()
        t = time.perf_counter()
        arc.search(queries[0]["q"], limit=10, facets=True)
        facet_ms = (time.perf_counter() - t) * 1000
    index_bytes = sum(p.stat().st_size for p in (arc_path / "index").rglob("*") if p.is_file())
    result = {
        "stories": len(docs),
        "corpus": real or "generated",
        "korean_share": korean_share,
        "dateline_index_s": round(secs, 1),
        "raw_tantivy_index_s": round(raw_secs, 1),
        "index_ratio_raw_over_dateline": round(raw_secs / secs, 2),
        "raw_tantivy_dateline_schema_index_s": round(same_schema_secs, 1),
        "index_ratio_same_schema_raw_over_dateline": round(same_schema_secs / secs, 2),
        "fts5_index_s": round(fts_secs, 1),
        "reindex_peak_rss_tree_mib": round(tree),
        "reindex_peak_rss_process_mib": round(largest),
        "index_bytes_per_story": round(index_bytes / max(1, len(docs))),
        "facets_query_ms": round(facet_ms, 1),
    }
    for name, values in lat.items():
        result[f"{name}_p50_ms"] = round(statistics.median(values), 2)
        result[f"{name}_p99_ms"] = round(_pct(values, 99), 2)
    result["p50_ratio_dateline_over_tantivy"] = round(
        result["dateline_p50_ms"] / result["tantivy_p50_ms"], 2)
    common = by_kind.get("common", {})
    if common:
        result["common_terms_fts5_over_dateline_p50"] = round(
            statistics.median(common["fts5"]) / statistics.median(common["dateline"]), 1)
    result["by_kind_p50_ms"] = {k: {n: round(statistics.median(v), 2) for n, v in d.items()}
                                for k, d in by_kind.items()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, nargs="+", default=[100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--korean-share", type=float, default=0.0,
                        help="Korean pages in the corpus (0: raw tantivy, which cannot segment "
                        "Korean, indexes the same texts on equal terms)")
    parser.add_argument("--real", choices=["kcna"], default=None,
                        help="real text from ../shared instead of generated stories")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="dateline-search-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    for n in args.stories:
        result = run(n, root, args.queries, args.korean_share, args.real)
        print(json.dumps(result, indent=2), flush=True)
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
