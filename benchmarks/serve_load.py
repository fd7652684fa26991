"""Load on `dateline serve`: concurrent search and story requests while an ingest runs.

1. builds a demo archive with ``dateline.sample`` + ``dateline ingest`` (or reuses ``--archive``);
2. starts ``dateline serve`` in a subprocess on 127.0.0.1;
3. starts an ingest of more generated files into the same archive, in another subprocess;
4. runs the load generator in a third process: ``--clients`` concurrent clients, each on its
   own keep-alive connection, sending a mix of searches (words, phrases, fields, date ranges,
   sorts, pages) and story pages, for ``--duration`` seconds;
5. prints requests/s, p50/p90/p99 latency and errors (JSON with ``--json``).

    python benchmarks/serve_load.py --stories 5000             # a quick run
    python benchmarks/serve_load.py                            # 100k stories (long build)
    python benchmarks/serve_load.py --archive bench.dateline   # reuse an archive
    python benchmarks/serve_load.py --workers 1                # one server process
    python benchmarks/serve_load.py --server --stories 5000    # server mode: the archive in a
                                                               # throwaway PostgreSQL server
    python benchmarks/serve_load.py --archive postgresql://…   # a server archive

Only 127.0.0.1 is ever used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

log = logging.getLogger("serve_load")

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
BASE_QUERIES = ["railway", "sanctions", "talks", "minister", "harbour", "trade", "officials",
                "government", "agreement", "port", "철도", "제재", "정부", '"trade ministry"',
                "railway OR harbour", "talks -sanctions", "title:railway", "lang:ko",
                "date:2018-01..2018-12", "programme:\"News 9\""]
WORD = re.compile(r"[A-Za-z][A-Za-z\-]{3,}|[가-힣]{2,}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], **kwargs: Any) -> None:
    log.info("$ %s", " ".join(cmd))
    subprocess.run(cmd, check=True, **kwargs)


def has_stories(archive: str) -> bool:
    """Whether ``archive`` (a folder or a server URL) holds an archive with stories."""
    if "://" not in archive:
        return (Path(archive) / "dateline.sqlite").exists()
    proc = subprocess.run([sys.executable, "-m", "dateline", "stats", "--archive", archive,
                           "--format", "json"], capture_output=True, text=True)
    return proc.returncode == 0 and json.loads(proc.stdout).get("stories", 0) > 0


def build_archive(archive: str, stories: int, seed: int, workdir: Path) -> None:
    corpus = workdir / "corpus"
    _run([sys.executable, "-m", "dateline.sample", str(corpus), "--stories", str(stories),
          "--seed", str(seed)])
    started = time.monotonic()
    _run([sys.executable, "-m", "dateline", "ingest", str(corpus), "--archive", str(archive),
          "--quiet"], stdout=subprocess.DEVNULL)
    log.info("built %s (%d stories) in %.0f s", archive, stories, time.monotonic() - started)
    shutil.rmtree(corpus, ignore_errors=True)


#: requests answered before the load starts: the server is up and its workers have loaded what a
#: first search needs (the Korean analyser takes seconds to load on a busy machine); each request
#: is a new connection, which any worker process may take, hence the repeats
READY_CHECKS = ("/api/stats", *["/api/search?q=%EC%A0%95%EB%B6%80&limit=1"] * 4)


def wait_ready(url: str, proc: subprocess.Popen[Any], timeout: float = 180) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    pending = list(READY_CHECKS)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dateline serve exited with {proc.returncode}")
        try:
            if httpx.get(url + pending[0], timeout=60).status_code == 200:
                pending.pop(0)
                if not pending:
                    return
                continue
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("dateline serve did not answer in time")


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process and its live descendants, from /proc (Linux);
    None elsewhere."""
    proc = Path("/proc")
    if not (proc / str(pid) / "stat").exists():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {pid}, [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier and p not in tree]
        tree.update(children)
        frontier = children
    return sum(times.get(p, 0.0) for p in tree)


# ----------------------------------------------------------------------------- load generator


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


class _Connection:
    """One keep-alive HTTP/1.1 connection, as a browser holds one.

    The load generator shares two cores with the server and the ingest: httpx spent about
    1.4 ms of CPU per request here, taken from the server.  This reads exactly what the server
    sends (status line, headers, a ``Content-Length`` body) for a few tens of microseconds.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict[str, Any] | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        target = f"{path}?{urlencode(params)}" if params else path
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          "Accept: application/json\r\n\r\n".encode())
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
            if "content-length" not in headers:
                raise ConnectionError(f"no Content-Length in the answer to {target}")
            body = await self.reader.readexactly(int(headers["content-length"]))
            if headers.get("connection") == "close":
                await self.close()
        except BaseException:
            await self.close()
            raise
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _load(url: str, clients: int, duration: float, seed: int) -> dict[str, Any]:
    import resource

    host, port = urlsplit(url).hostname or HOST, urlsplit(url).port or 80
    # warm-up: story ids and words of real titles to search for
    warm = _Connection(host, port)
    status, body = await warm.get("/api/search", {"q": "railway OR talks OR 정부", "limit": 200})
    await warm.close()
    hits = json.loads(body).get("hits", []) if status == 200 else []
    ids = [h["id"] for h in hits] or []
    words = sorted({w for h in hits for w in WORD.findall(h.get("title") or "")})
    queries = BASE_QUERIES + words[:200]
    latencies: dict[str, list[float]] = {"search": [], "story": []}
    errors: list[str] = []

    # each client has its own connection, as each user's browser would (one pool shared by
    # all queues requests in it unfairly)
    users = [_Connection(host, port) for _ in range(clients)]
    stop = time.monotonic() + duration

    async def client(n: int) -> None:
        r = random.Random(seed * 1000 + n)
        http = users[n]
        while time.monotonic() < stop:
            if ids and r.random() < 0.3:
                kind, path, params = "story", f"/api/stories/{r.choice(ids)}", {}
            else:
                kind, path = "search", "/api/search"
                params = {"q": r.choice(queries), "limit": 20,
                          "offset": r.choice((0, 0, 0, 20, 40)),
                          "sort": r.choice(("relevance", "relevance", "-date", "date"))}
                if r.random() < 0.2:
                    year = r.randint(2005, 2025)
                    params.update({"from": f"{year}-01-01", "to": f"{year}-12-31"})
            t0 = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(http.get(path, params), timeout=10.0)
                ok = status == 200 and body.startswith(b'{"ok":true')
                if not ok:
                    errors.append(f"{status} {path} {params}: {body[:200]!r}")
            except (TimeoutError, OSError, asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError, ValueError) as exc:
                ok = False
                errors.append(f"{type(exc).__name__} {path}: {exc}")
            if ok:
                latencies[kind].append((time.perf_counter() - t0) * 1000)
        await http.close()

    started = time.monotonic()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime
                  + cpu_after.ru_stime - cpu_before.ru_stime)
    every = latencies["search"] + latencies["story"]
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(every) + len(errors),
        "requests_per_second": round((len(every) + len(errors)) / elapsed, 1),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": round(percentile(every, 50), 1),
        "p90_ms": round(percentile(every, 90), 1),
        "p99_ms": round(percentile(every, 99), 1),
        "max_ms": round(max(every, default=0.0), 1),
        "mean_ms": round(statistics.fmean(every), 1) if every else 0.0,
        "client_cpu_ms_per_request": round(1000 * client_cpu / max(1, len(every) + len(errors)),
                                           2),
        "by_kind": {k: {"n": len(v), "p50_ms": round(percentile(v, 50), 1),
                        "p99_ms": round(percentile(v, 99), 1)} for k, v in latencies.items()},
    }


def client_main(url: str, clients: int, duration: float, seed: int) -> None:
    import uvloop  # the server's event loop too: the cheapest one on CPU

    result = uvloop.run(_load(url, clients, duration, seed))
    sys.stdout.write(json.dumps(result) + "\n")


# ----------------------------------------------------------------------------- orchestration


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", help="archive to reuse (built when missing): a folder or "
                        "a postgresql://… URL")
    parser.add_argument("--server", action="store_true", help="server mode: the archive in a "
                        "throwaway PostgreSQL server on 127.0.0.1 (scripts/pg_cluster.py)")
    parser.add_argument("--stories", type=int, default=100_000, help="stories to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="dateline serve --workers")
    parser.add_argument("--connections", type=int, default=4,
                        help="dateline serve --connections (per worker)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (max 30)")
    parser.add_argument("--ingest-stories", type=int, default=2000,
                        help="stories ingested into the archive during the load (0: none)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    duration = min(args.duration, 30.0)
    if args.client:
        if not args.client.startswith(f"http://{HOST}:"):
            parser.error("the load generator only talks to 127.0.0.1")
        client_main(args.client, args.clients, duration, args.seed)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="dateline-serve-load-"))
    cluster = None
    if args.server:
        sys.path.insert(0, str(ROOT / "scripts"))
        from pg_cluster import Cluster

        cluster = Cluster().start()
        archive = cluster.create_database("serve_load")
    else:
        archive = args.archive or str(workdir / "bench.dateline")
    # a server archive's indexes on this machine: in the work folder, shared by the server's
    # processes and the ingest, as on one machine
    os.environ.setdefault("DATELINE_INDEX_DIR", str(workdir / "node"))
    try:
        if not has_stories(archive):
            build_archive(archive, args.stories, args.seed, workdir)
        extra = workdir / "extra"
        if args.ingest_stories:
            _run([sys.executable, "-m", "dateline.sample", str(extra), "--stories",
                  str(args.ingest_stories), "--seed", str(args.seed + 1000)])
        port = _free_port()
        url = f"http://{HOST}:{port}"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        server = subprocess.Popen([sys.executable, "-m", "dateline", "serve", "--archive",
                                   str(archive), "--host", HOST, "--port", str(port),
                                   "--workers", str(args.workers), "--connections",
                                   str(args.connections)], env=env)
        ingest: subprocess.Popen[Any] | None = None
        try:
            wait_ready(url, server)
            stats_before = _stats(url)
            server_cpu_before = tree_cpu_seconds(server.pid)
            if args.ingest_stories:
                ingest = subprocess.Popen([sys.executable, "-m", "dateline", "ingest",
                                           str(extra), "--archive", str(archive), "--quiet"],
                                          stdout=subprocess.DEVNULL, env=env)
            load = subprocess.run([sys.executable, __file__, "--client", url, "--clients",
                                   str(args.clients), "--duration", str(duration), "--seed",
                                   str(args.seed)], capture_output=True, text=True,
                                  timeout=duration + 120)
            if load.returncode != 0:
                raise RuntimeError(f"the load generator failed:\n{load.stderr[-3000:]}")
            result = json.loads(load.stdout.strip().splitlines()[-1])
            server_cpu_after = tree_cpu_seconds(server.pid)
            result["ingest_running_at_end"] = ingest is not None and ingest.poll() is None
            if server_cpu_before is not None and server_cpu_after is not None:
                # includes the few requests of the readiness checks and the client's warm-up
                result["server_cpu_ms_per_request"] = round(
                    1000 * (server_cpu_after - server_cpu_before) / max(1, result["requests"]), 2)
            if ingest is not None:
                ingest.wait(timeout=3600)
            stats_after = _stats(url)
        finally:
            for proc in (ingest, server):
                if proc is not None and proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
        result.update({
            "archive_stories_before": stats_before.get("stories"),
            "archive_stories_after": stats_after.get("stories"),
            "ingested_during_run": (stats_after.get("stories") or 0)
            - (stats_before.get("stories") or 0),
            "cpu_count": os.cpu_count(),
            "store": "postgresql" if "://" in archive else "sqlite",
            "workers": args.workers,
            "connections": args.connections,
        })
        text = json.dumps(result, indent=2, ensure_ascii=False)
        sys.stdout.write(text + "\n")
        if args.json:
            args.json.write_text(text + "\n", encoding="utf-8")
        return 0 if result["errors"] == 0 else 1
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)  # a reused --archive lives elsewhere


def _stats(url: str) -> dict[str, Any]:
    import httpx

    try:
        return dict(httpx.get(url + "/api/stats", timeout=30).json())
    except (httpx.HTTPError, ValueError):
        return {}


if __name__ == "__main__":
    sys.exit(main())
