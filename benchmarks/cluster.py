"""Distributed ingest on Dask against the local pool, in the same run, on this machine.

    python benchmarks/cluster.py [--stories 4000] [--repeat 2]

A generated corpus (``python -m dateline.sample``, one file per story) is ingested (parse and
store, ``index=False``) into a fresh archive, each way in turn, ``--repeat`` times:

- ``local-2``: the local pool, two forked parser processes (the default on 2 cores);
- ``dask-1`` / ``dask-2``: a ``dask scheduler`` and one or two ``dask worker`` processes (one
  thread each) started by this script on 127.0.0.1, the coordinator sending file paths;
- ``dask-2-bytes``: the same, the coordinator sending each file's bytes (what it does for a
  scheduler on another machine).

Then: the entity extraction (``Archive.enrich``) in this process against the two Dask workers
(on copies of one stored archive whose Korean analysis is done, as ``update_derived`` does it
before the entities); what a parse task carries each way (bytes per story); the
scheduler's cost per task (the scheduler process' CPU seconds over a run of empty tasks); and
the single writer's ceiling (stories/s stored by ``Store.write_batch`` from sources prepared
beforehand, i.e. what a coordinator can take however many workers parse).  Prints wall seconds,
stories/s and the coordinator's CPU seconds (user + system of this process and its threads; the
local pool's children counted apart) and the machine's load average before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Cluster:
    def __init__(self, workers: int, logs: Path):
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        self.procs = [self._start(["scheduler", "--host", "127.0.0.1", "--port",
                                   str(self.port), "--no-dashboard"], env, logs / "sched.log")]
        for i in range(workers):
            self.procs.append(self._start(
                ["worker", self.address, "--nthreads", "1", "--nworkers", "1",
                 "--no-dashboard", "--host", "127.0.0.1"], env, logs / f"worker{i}.log"))
        import distributed

        self.client = distributed.Client(self.address, timeout=60, set_as_default=False)
        self.client.wait_for_workers(workers, timeout=120)
        self.worker_pids = list(self.client.run(os.getpid).values())

    def cpu(self) -> tuple[float, float]:
        """(worker processes', scheduler's) CPU seconds so far."""
        return sum(_cpu_of(p) for p in self.worker_pids), _cpu_of(self.scheduler_pid)

    @staticmethod
    def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "dask", *args], env=env,
                                stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                start_new_session=True)

    @property
    def scheduler_pid(self) -> int:
        return self.procs[0].pid

    def stop(self) -> None:
        self.client.close()
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=20)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def ingest_once(corpus: Path, folder: Path, cluster: str | None, send: str = "auto",
                workers: int = 2) -> tuple[float, float, float, int]:
    """(wall s, coordinator CPU s, local children CPU s, stories) of one store-only ingest."""
    from dateline import Archive

    shutil.rmtree(folder, ignore_errors=True)
    os.sync()
    arc = Archive(folder, create=True)
    os.environ["DATELINE_CLUSTER_SEND"] = send
    try:
        cpu, kids = _self_cpu(), _children_cpu()
        start = time.perf_counter()
        report = arc.ingest([corpus], cluster=cluster, workers=workers, index=False)
        wall = time.perf_counter() - start
        return wall, _self_cpu() - cpu, _children_cpu() - kids, report.counts.stories
    finally:
        arc.close()
        os.environ.pop("DATELINE_CLUSTER_SEND", None)


def korean_analysis(folder: Path) -> None:
    """What ``update_derived`` does before the entities: the Korean analysis, kept per story
    (the enricher reads its proper nouns; it runs on the coordinator)."""
    from dateline import Archive
    from dateline.enrich.korean_terms import KoreanAnalysis

    arc = Archive(folder)
    try:
        KoreanAnalysis(arc.store).run()
    finally:
        arc.close()


def _on_a_copy(stored: Path, folder: Path, cluster: str | None,
               work: Callable[[Any, Any], Any]) -> tuple[float, float, Any]:
    """(wall s, this process's CPU s, what ``work(archive, runner)`` returned) on a fresh copy
    of the stored archive."""
    from dateline import Archive

    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(stored, folder)
    arc = Archive(folder)
    try:
        with arc.runner(cluster) as runner:
            cpu = _self_cpu()
            start = time.perf_counter()
            out = work(arc, runner)
            return time.perf_counter() - start, _self_cpu() - cpu, out
    finally:
        arc.close()


def enrich_once(stored: Path, folder: Path,
                cluster: str | None) -> tuple[float, float, int, float]:
    wall, cpu, report = _on_a_copy(stored, folder, cluster,
                                   lambda arc, runner: arc.enrich(runner=runner))
    return wall, cpu, int(report["stories"]), float(report["stories_per_second"] or 0.0)


def embed_once(stored: Path, folder: Path, cluster: str | None) -> tuple[float, float, int]:
    wall, cpu, done = _on_a_copy(stored, folder, cluster,
                                 lambda arc, runner: arc.embed(runner=runner))
    return wall, cpu, done.done


def payload_sizes(corpus: Path, n: int = 256) -> dict[str, float]:
    """Bytes per story a parse task carries: paths out, bytes out, prepared sources back."""
    from dateline import tasks
    from dateline.ingest import _names
    from dateline.readers import ReaderOptions, discover

    options = ReaderOptions()
    jobs = [str(p) for _, p in zip(range(n), discover([corpus], options), strict=False)]
    as_bytes = [(os.path.basename(j), j, "file", Path(j).read_bytes(), options) for j in jobs]
    results = tasks.parse_chunk(jobs, {}, options, 0.0)
    stories = sum(len(prepared[-1]) for sources, _ in results for prepared in sources)
    known = {name: set() for name in _names(jobs)}
    return {
        "files": len(jobs),
        "stories": stories,
        "out_paths": len(pickle.dumps((jobs, known, options), protocol=5)) / stories,
        "out_bytes": len(pickle.dumps((as_bytes, known, options), protocol=5)) / stories,
        "back": len(pickle.dumps(results, protocol=5)) / stories,
    }


def scheduler_cost(cluster: Cluster, tasks_n: int = 2000) -> dict[str, float]:
    """The scheduler's CPU and the round trip per task, over tasks that do nothing."""
    before = _cpu_of(cluster.scheduler_pid)
    start = time.perf_counter()
    futures = cluster.client.map(_nothing, range(tasks_n), pure=False)
    cluster.client.gather(futures)
    wall = time.perf_counter() - start
    del futures
    after = _cpu_of(cluster.scheduler_pid)
    return {"tasks": tasks_n, "scheduler_cpu_ms_per_task": 1000 * (after - before) / tasks_n,
            "wall_ms_per_task": 1000 * wall / tasks_n}


def _nothing(x: int) -> int:
    return x


def writer_ceiling(corpus: Path, folder: Path) -> tuple[float, float, int]:
    """(stories/s wall, stories/s per CPU second) of Store.write_batch alone."""
    from dateline import tasks
    from dateline.readers import ReaderOptions, discover
    from dateline.store import IngestCounts, Store

    options = ReaderOptions()
    jobs = [str(p) for p in discover([corpus], options)]
    prepared = [s for r in tasks.parse_chunk(jobs, {}, options, 0.0) for s in r[0]]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    store = Store(folder)
    try:
        run = store.start_run({"bench": "writer"})
        counts = IngestCounts()
        os.sync()
        cpu = _self_cpu()
        start = time.perf_counter()
        for i in range(0, len(prepared), 1024):
            counts.add(store.write_batch(prepared[i:i + 1024], run))
        wall = time.perf_counter() - start
        used = _self_cpu() - cpu
        store.finish_run(run, counts, "done")
        return counts.stories / wall, counts.stories / used, counts.stories
    finally:
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}; cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="dateline-cluster-bench-") as tmp_:
        tmp = Path(tmp_)
        corpus = tmp / "corpus"
        subprocess.run([sys.executable, "-m", "dateline.sample", str(corpus), "--stories",
                        str(args.stories), "--seed", "7"], check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        files = sum(1 for p in corpus.rglob("*") if p.is_file())
        print(f"corpus: {args.stories} generated stories in {files} files")

        sizes = payload_sizes(corpus)
        print(f"per story, one parse task of {sizes['files']} files: sent "
              f"{sizes['out_paths']:.0f} B as paths, {sizes['out_bytes']:.0f} B as bytes; "
              f"returned {sizes['back']:.0f} B of prepared sources")

        rows: dict[str, list[tuple[float, float, float, float, int]]] = {}
        clusters: dict[int, Cluster] = {}
        try:
            for n in (1, 2):
                (tmp / f"logs{n}").mkdir()
                clusters[n] = Cluster(n, tmp / f"logs{n}")
            for _ in range(args.repeat):
                # one after the other, in turn: none always follows another
                for name, cluster, send in (("local-2", None, "auto"),
                                            ("dask-1", clusters[1].address, "paths"),
                                            ("dask-2", clusters[2].address, "paths"),
                                            ("dask-2-bytes", clusters[2].address, "bytes")):
                    probe = next((c for c in clusters.values() if c.address == cluster), None)
                    w0, s0 = probe.cpu() if probe else (0.0, 0.0)
                    wall, cpu, kids, stories = ingest_once(corpus, tmp / "a.dateline", cluster,
                                                           send)
                    w1, s1 = probe.cpu() if probe else (0.0, 0.0)
                    rows.setdefault(name, []).append(
                        (wall, cpu, kids + (w1 - w0), s1 - s0, stories))
            print("\nstore-only ingest (parse + store), best of", args.repeat)
            print(f"{'runner':14} {'wall s':>8} {'stories/s':>10} {'coordinator CPU':>16} "
                  f"{'parser/worker CPU':>18} {'scheduler CPU':>14}   (ms per story)")
            base = None
            for name, runs in rows.items():
                wall, cpu, work, sched, stories = min(runs)
                base = base or stories / wall
                ms = 1000 / stories
                print(f"{name:14} {wall:8.1f} {stories / wall:10.0f} {cpu * ms:16.3f} "
                      f"{work * ms:18.3f} {sched * ms:14.3f}"
                      f"   ({stories / wall / base:.2f}x local-2 wall)")

            cost = scheduler_cost(clusters[2])
            print(f"\nscheduler: {cost['scheduler_cpu_ms_per_task']:.2f} ms CPU per task, "
                  f"{cost['wall_ms_per_task']:.2f} ms wall per task ({cost['tasks']} empty "
                  "tasks on 2 workers)")

            stored = tmp / "stored.dateline"
            ingest_once(corpus, stored, None)
            korean_analysis(stored)
            print("\nentity extraction (Archive.enrich), best of", args.repeat)
            for name, cluster in (("in-process", None), ("dask-2", clusters[2].address)):
                best = min(enrich_once(stored, tmp / "e.dateline", cluster)
                           for _ in range(args.repeat))
                print(f"{name:14} {best[0]:8.1f} s in all (with resolution and the quote "
                      f"index), extraction {best[3]:.0f} stories/s wall; coordinator CPU "
                      f"{best[1]:.1f} s; {best[2]} stories")
            print("\nembedding (Archive.embed, the default model), best of", args.repeat)
            for name, cluster in (("in-process", None), ("dask-2", clusters[2].address)):
                w0, _ = clusters[2].cpu()
                best = min(embed_once(stored, tmp / "v.dateline", cluster)
                           for _ in range(args.repeat))
                w1, _ = clusters[2].cpu()
                print(f"{name:14} {best[0]:8.1f} s {best[2] / best[0]:8.0f} stories/s wall; "
                      f"coordinator CPU {best[1]:.1f} s; workers CPU {w1 - w0:.1f} s over "
                      f"{args.repeat} runs; {best[2]} stories")
        finally:
            for c in clusters.values():
                c.stop()

        ceiling = writer_ceiling(corpus, tmp / "w.dateline")
        print(f"\nsingle writer (Store.write_batch alone, SQLite): {ceiling[0]:.0f} stories/s "
              f"wall, {ceiling[1]:.0f} stories per CPU second ({ceiling[2]} stories)")
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
