"""Server mode vs the embedded archive, side by side in one run.

On one generated corpus (``python -m dateline.sample``, default 100k stories), with a
throwaway PostgreSQL server on 127.0.0.1 (``scripts/pg_cluster.py``):

- **ingest**: ``dateline ingest --no-index`` (parse + store) into an archive folder and into a
  PostgreSQL archive; wall seconds, stories/s, CPU of the dateline processes and of the
  PostgreSQL server; then the tantivy index of each (``dateline reindex``);
- **search**: 200 mixed queries (benchmarks/search.py's set; top 20) through ``Archive.search``
  on both archives, and the alternative for server mode measured on the same stories:
  PostgreSQL full-text search (a ``tsvector`` per story, ranked with ``ts_rank_cd`` over a GIN
  index, or ordered by distance with a RUM index), with and without facet counts; p50/p99;
- **writers**: the corpus split in four folders ingested by four ``dateline ingest`` processes at
  once into one PostgreSQL archive (and into one archive folder), against one process ingesting
  all four; the stories stored must be the same;
- **serve**: ``benchmarks/serve_load.py`` against ``dateline serve`` of the PostgreSQL archive,
  with an ingest running into it.

    python benchmarks/server.py                    # 100k stories (long)
    python benchmarks/server.py --stories 10000 --phases ingest,search
    python benchmarks/server.py --keep /tmp/bench  # keep (and reuse) the corpus and archives
    python benchmarks/server.py --keep /tmp/bench --phases search,serve
        # a kept archive folder is copied into the server (``dateline copy``, timed) instead
        # of ingesting the corpus again
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts"))

from pg_cluster import Cluster  # noqa: E402
from search import _pct, _queries  # noqa: E402

PHASES = ("ingest", "search", "writers", "serve")


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _server_cpu(cluster: Cluster) -> float:
    """CPU seconds of the PostgreSQL server so far: the postmaster and every backend it has
    reaped (its children's times), from /proc."""
    if cluster.process is None:
        return 0.0
    fields = Path(f"/proc/{cluster.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    # after ")": state is field 3; utime, stime, cutime, cstime are fields 14-17
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / tick


def _backends_cpu(cluster: Cluster) -> float:
    """CPU seconds of the live backends (not yet counted in the postmaster's children)."""
    if cluster.process is None:
        return 0.0
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pid = cluster.process.pid
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _dateline(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a dateline command; (wall seconds, CPU seconds of it and its children, output)."""
    os.sync()
    cpu = _cpu_children()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dateline", *args], capture_output=True,
                          text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"dateline {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return {"wall": wall, "cpu": _cpu_children() - cpu, "out": proc.stdout}


def _stories(location: str, env: dict[str, str]) -> int:
    out = _dateline("stats", "--archive", location, "--format", "json", env=env)["out"]
    return int(json.loads(out)["stories"])


# -- ingest -------------------------------------------------------------------------------------


def phase_ingest(work: Path, corpus: Path, url: str, cluster: Cluster, n: int,
                 env: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    folder = work / "embedded.dateline"
    shutil.rmtree(folder, ignore_errors=True)
    for name, location in (("embedded", str(folder)), ("postgresql", url)):
        server_before = _server_cpu(cluster) + _backends_cpu(cluster)
        run = _dateline("ingest", str(corpus), "--archive", location, "--no-index", "--quiet",
                        "--format", "json", env=env)
        server = _server_cpu(cluster) + _backends_cpu(cluster) - server_before
        stored = _stories(location, env)
        index = _dateline("reindex", "--archive", location, env=env)
        out[name] = {"stories": stored, "ingest_s": round(run["wall"], 1),
                     "stories_per_s": round(stored / run["wall"], 1),
                     "dateline_cpu_s": round(run["cpu"], 1),
                     "postgres_cpu_s": round(server, 1) if name == "postgresql" else None,
                     "reindex_s": round(index["wall"], 1)}
        print(f"ingest {name}: {out[name]}", flush=True)
    out["ratio_wall_pg_vs_embedded"] = round(out["postgresql"]["ingest_s"]
                                             / out["embedded"]["ingest_s"], 2)
    return out


def phase_copy(work: Path, url: str, env: dict[str, str]) -> dict[str, Any]:
    """The server archive made from the kept archive folder by ``dateline copy`` (timed), and
    the indexes of both by ``dateline reindex`` (the folder's may be from an older dateline)."""
    folder = work / "embedded.dateline"
    embedded = _dateline("reindex", "--archive", str(folder), env=env)
    run = _dateline("copy", str(folder), url, "--quiet", "--format", "json", env=env)
    stored = _stories(url, env)
    index = _dateline("reindex", "--archive", url, env=env)
    out = {"stories": stored, "copy_s": round(run["wall"], 1),
           "copy_cpu_s": round(run["cpu"], 1), "reindex_s": round(index["wall"], 1),
           "reindex_cpu_s": round(index["cpu"], 1),
           "embedded_reindex_s": round(embedded["wall"], 1),
           "embedded_reindex_cpu_s": round(embedded["cpu"], 1)}
    print(f"copy embedded -> postgresql: {out}", flush=True)
    return out


# -- search -------------------------------------------------------------------------------------


def _archive_latencies(location: str, queries: list[dict], facets: bool,
                       index_dir: Path | None = None) -> list[float]:
    from dateline import Archive

    times = []
    with Archive(location, index_dir=index_dir) as arc:
        arc.search("warm up")
        for q in queries:  # warm-up pass: page cache, parsed queries of the engine
            arc.search(q["q"], date_from=q["from"], date_to=q["to"], limit=20, facets=facets,
                       snippets=False)
        from dateline.search import cache

        for q in queries:
            cache.clear_all()
            t = time.perf_counter()
            arc.search(q["q"], date_from=q["from"], date_to=q["to"], limit=20, facets=facets,
                       snippets=False)
            times.append((time.perf_counter() - t) * 1000)
    return times


_FTS_TABLE = """
DROP TABLE IF EXISTS bench_fts;
CREATE TABLE bench_fts AS
SELECT s.id, r.date, r.program, r.language,
       setweight(to_tsvector('english', COALESCE(r.title, '')), 'A')
       || to_tsvector('english', r.text)
       || to_tsvector('simple', COALESCE(k.text_terms, '')) AS tsv
FROM stories s JOIN revisions r ON r.story_id = s.id AND r.revision = s.revision
LEFT JOIN korean_terms k ON k.story_id = s.id AND k.revision = s.revision
WHERE s.duplicate_of IS NULL;
"""


def _tsquery(q: dict) -> tuple[str, list[Any]]:
    """A query of the benchmark set as tsquery SQL: words AND-ed, "phrases" as phrases."""
    import re

    parts, params = [], []
    for token in re.findall(r'"[^"]+"|\S+', q["q"]):
        if token.startswith('"'):
            parts.append("phraseto_tsquery('english', %s)")
            params.append(token.strip('"'))
        else:
            parts.append("plainto_tsquery('english', %s)")
            params.append(token)
    return " && ".join(parts) or "plainto_tsquery('english', '')", params


def _fts_latencies(url: str, queries: list[dict],
                   index: str) -> tuple[dict[bool, list[float]], float]:
    """Ranked top 20 + total, then also year, programme and language counts, per query: the
    latencies without and with facets, and the seconds the index took to build."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        start = time.perf_counter()
        conn.execute("DROP INDEX IF EXISTS bench_fts_tsv")
        if index == "rum":
            conn.execute("CREATE EXTENSION IF NOT EXISTS rum")
            conn.execute("CREATE INDEX bench_fts_tsv ON bench_fts USING rum "
                         "(tsv rum_tsvector_ops)")
        else:
            conn.execute("CREATE INDEX bench_fts_tsv ON bench_fts USING gin (tsv)")
        conn.execute("ANALYZE bench_fts")
        built = time.perf_counter() - start

        def tsquery(q: dict) -> str:
            tsq, params = _tsquery(q)
            return str(conn.execute(f"SELECT ({tsq})::text", params).fetchone()[0])

        def run(q: dict, tq: str, facets: bool) -> None:
            where, params = "tsv @@ %s::tsquery", [tq]
            if q["from"]:
                where += " AND date >= %s AND date <= %s"
                params += [q["from"].isoformat(), q["to"].isoformat()]
            if index == "rum":
                conn.execute(f"SELECT id FROM bench_fts WHERE {where} ORDER BY tsv <=> "
                             "%s::tsquery LIMIT 20", [*params, tq]).fetchall()
            else:
                conn.execute(f"SELECT id FROM bench_fts WHERE {where} ORDER BY "
                             "ts_rank_cd(tsv, %s::tsquery) DESC LIMIT 20",
                             [*params, tq]).fetchall()
            conn.execute(f"SELECT COUNT(*) FROM bench_fts WHERE {where}", params).fetchone()
            if facets:
                for column in ("substr(date, 1, 4)", "program", "language"):
                    conn.execute(f"SELECT {column}, COUNT(*) FROM bench_fts WHERE {where} "
                                 "GROUP BY 1", params).fetchall()

        prepared = [(q, tsquery(q)) for q in queries]  # the query text, parsed by the server
        out: dict[bool, list[float]] = {}
        for facets in (False, True):
            for q, tq in prepared:  # warm-up pass
                run(q, tq, facets)
            out[facets] = []
            for q, tq in prepared:
                t = time.perf_counter()
                run(q, tq, facets)
                out[facets].append((time.perf_counter() - t) * 1000)
    return out, built


def phase_search(work: Path, url: str, n_queries: int) -> dict[str, Any]:
    import psycopg

    from dateline import Archive

    folder = work / "embedded.dateline"
    with Archive(folder, readonly=True) as arc:
        docs = [(s.id, s.title or "", s.indexed_text(), s.date.isoformat() if s.date else "")
                for s in arc.store.iter_stories(with_quotes=False)]
    queries = _queries(docs, n_queries)
    del docs
    with psycopg.connect(url, autocommit=True) as conn:
        start = time.perf_counter()
        conn.execute(_FTS_TABLE)
        tsvectors = time.perf_counter() - start
    rows: dict[str, Any] = {"queries": len(queries),
                            "pg_tsvector_table_s": round(tsvectors, 1)}

    def summary(times: list[float]) -> dict[str, float]:
        return {"p50_ms": round(_pct(times, 50), 2), "p99_ms": round(_pct(times, 99), 2),
                "mean_ms": round(statistics.fmean(times), 2)}

    for facets in (False, True):
        tag = "facets" if facets else "no_facets"
        rows[f"tantivy_embedded_{tag}"] = summary(_archive_latencies(str(folder), queries,
                                                                     facets))
        rows[f"tantivy_server_{tag}"] = summary(_archive_latencies(url, queries, facets,
                                                                   work / "node"))
    for index in ("gin", "rum"):
        times, built = _fts_latencies(url, queries, index)
        rows[f"pg_fts_{index}_index_s"] = round(built, 1)
        for facets in (False, True):
            tag = "facets" if facets else "no_facets"
            rows[f"pg_fts_{index}_{tag}"] = summary(times[facets])
    print("search: " + json.dumps(rows), flush=True)
    return rows


# -- many writers -------------------------------------------------------------------------------


def phase_writers(work: Path, corpus: Path, cluster: Cluster, env: dict[str, str]
                  ) -> dict[str, Any]:
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    parts = [work / f"part{i}" for i in range(4)]
    for part in parts:
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir()
    for i, path in enumerate(files):
        target = parts[i % 4] / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)
    out: dict[str, Any] = {"files": len(files)}
    for backend in ("postgresql", "embedded"):
        for layout in ("one", "four"):
            if backend == "postgresql":
                name = f"w_{layout}_{int(time.time())}"
                location = cluster.create_database(name)
            else:
                location = str(work / f"writers-{layout}.dateline")
                shutil.rmtree(location, ignore_errors=True)
            from dateline import Archive

            Archive(location, create=True, index_dir=work / "node-writers").close()
            os.sync()
            cpu = _cpu_children()
            start = time.perf_counter()
            if layout == "one":
                procs = [subprocess.Popen([sys.executable, "-m", "dateline", "ingest",
                                           *map(str, parts), "--archive", location,
                                           "--no-index", "--quiet", "--workers", "2"],
                                          env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, text=True)]
            else:
                procs = [subprocess.Popen([sys.executable, "-m", "dateline", "ingest",
                                           str(part), "--archive", location, "--no-index",
                                           "--quiet", "--workers", "1"],
                                          env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, text=True)
                         for part in parts]
            errors = [p.communicate()[1] for p in procs]
            wall = time.perf_counter() - start
            codes = [p.returncode for p in procs]
            stats = json.loads(_dateline("stats", "--archive", location, "--format", "json",
                                         env=env)["out"])
            out[f"{backend}_{layout}"] = {
                "wall_s": round(wall, 1), "cpu_s": round(_cpu_children() - cpu, 1),
                "exit_codes": codes, "errors": [e[-300:] for e in errors if e],
                "stories": stats["stories"], "sources": stats["sources"],
                "duplicates": stats["duplicates"], "revisions": stats["revisions"],
                "stories_per_s": round(stats["stories"] / wall, 1)}
            print(f"writers {backend} {layout}: {out[f'{backend}_{layout}']}", flush=True)
        same = all(out[f"{backend}_one"][k] == out[f"{backend}_four"][k]
                   for k in ("stories", "sources", "duplicates", "revisions"))
        out[f"{backend}_same_stories"] = same
    return out


# -- serve --------------------------------------------------------------------------------------


def phase_serve(url: str, env: dict[str, str], work: Path) -> dict[str, Any]:
    result = work / "serve.json"
    subprocess.run([sys.executable, str(HERE / "serve_load.py"), "--archive", url,
                    "--json", str(result), "--duration", "30"], env=env, check=False)
    embedded = work / "serve-embedded.json"
    subprocess.run([sys.executable, str(HERE / "serve_load.py"), "--archive",
                    str(work / "embedded.dateline"), "--json", str(embedded), "--duration",
                    "30"], env=env, check=False)
    out = {"postgresql": json.loads(result.read_text()) if result.exists() else None,
           "embedded": json.loads(embedded.read_text()) if embedded.exists() else None}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--keep", type=Path, help="work folder to keep and reuse")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    phases = [p for p in args.phases.split(",") if p]
    work = args.keep or Path(tempfile.mkdtemp(prefix="dateline-server-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{args.stories}"
    if not corpus.exists():
        subprocess.run([sys.executable, "-m", "dateline.sample", str(corpus), "--stories",
                        str(args.stories), "--seed", "7"], check=True,
                       stdout=subprocess.DEVNULL)
    env = {**os.environ, "DATELINE_INDEX_DIR": str(work / "node")}
    cluster = Cluster().start()
    results: dict[str, Any] = {"stories": args.stories, "load_before": os.getloadavg()}
    try:
        url = cluster.create_database("bench")
        results["server"] = "PostgreSQL " + subprocess.run(
            [str(cluster.bindir / "postgres"), "--version"], capture_output=True,
            text=True).stdout.split("(PostgreSQL)")[-1].split()[0]
        kept = (work / "embedded.dateline" / "dateline.sqlite").exists()
        if "ingest" in phases or (not kept and ("search" in phases or "serve" in phases)):
            results["ingest"] = phase_ingest(work, corpus, url, cluster, args.stories, env)
        elif "search" in phases or "serve" in phases:
            results["copy"] = phase_copy(work, url, env)
        if "search" in phases:
            results["search"] = phase_search(work, url, args.queries)
        if "writers" in phases:
            results["writers"] = phase_writers(work, corpus, cluster, env)
        if "serve" in phases:
            results["serve"] = phase_serve(url, env, work)
    finally:
        cluster.stop()
        results["load_after"] = os.getloadavg()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(results, indent=2, ensure_ascii=False, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
