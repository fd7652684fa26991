"""Ingest, enrichment and embedding on a real Dask cluster: a scheduler and two worker processes
started here on 127.0.0.1, one of them killed mid-run, a file that kills its worker, a
coordinator killed with SIGKILL; each archive compared table by table with a local build."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dateline import Archive

pytest.importorskip("distributed", reason="the cluster extra is not installed: "
                    "pip install 'dateline[cluster]' (make test installs it)")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from kill_campaign import snapshot  # noqa: E402

from conftest import write_kbs_radio  # noqa: E402

pytestmark = pytest.mark.slow
PRELOAD = Path(__file__).with_name("_cluster_preload.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class Cluster:
    """``dask scheduler`` and two ``dask worker`` processes (each with its nanny, which starts
    the worker process again when it dies), each in a process group of its own."""

    def __init__(self, tmp: Path):
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
               # a task on a worker that died runs again once, then the runner splits it
               "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
        self.logs = tmp / "cluster-logs"
        self.logs.mkdir()
        self.procs: list[subprocess.Popen[bytes]] = []
        self._start(["scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                     "--no-dashboard"], env, "scheduler")
        for i in range(2):
            self._start(["worker", self.address, "--nthreads", "1", "--nworkers", "1",
                         "--no-dashboard", "--host", "127.0.0.1", "--preload", str(PRELOAD),
                         "--name", f"w{i}"], env, f"worker{i}")
        import distributed

        self.client = distributed.Client(self.address, timeout=60, set_as_default=False)
        self.client.wait_for_workers(2, timeout=120)

    def _start(self, args: list[str], env: dict[str, str], name: str) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.procs.append(subprocess.Popen([sys.executable, "-m", "dask", *args], env=env,
                                           stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True))

    def worker_pids(self) -> dict[str, int]:
        return self.client.run(os.getpid)

    def wait_for_workers(self, n: int = 2) -> None:
        self.client.wait_for_workers(n, timeout=120)

    def pids(self) -> list[int]:
        """Every process the cluster runs (schedulers, nannies, workers)."""
        out = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    pgid = os.getpgid(int(entry))
                except OSError:
                    continue
                if pgid in {p.pid for p in self.procs}:
                    out.append(int(entry))
        return out

    def stop(self) -> None:
        self.client.close()
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self.procs:  # whatever is left of each group
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        yield c
    finally:
        groups = [p.pid for p in c.procs]
        c.stop()
        time.sleep(0.5)
        left = [pid for pid in c.pids() if _alive(pid)]
        assert not left, f"cluster processes left running: {left} (groups {groups})"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "in"
    subprocess.run([sys.executable, "-m", "dateline.sample", str(folder), "--stories", "600",
                    "--seed", "5"], check=True, capture_output=True)
    return folder


def _build(path: Path, corpus: Path, cluster: str | None, progress=None) -> Archive:  # type: ignore[no-untyped-def]
    arc = Archive(path, create=True)
    with arc.runner(cluster, workers=2) as runner:
        arc.ingest([corpus], runner=runner, progress=progress)
        arc.embed(model="hash-words", runner=runner)  # deterministic, no model to load
    return arc


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table, as ``benchmarks/kill_campaign.py`` compares them; ``enrichments.seq``
    left out too: it numbers the write that stored a row, and whether a Korean story's
    entities come with the first or the second write depends on how far the Korean analysis
    (a thread of its own) has gone, locally as on a cluster."""
    tables = snapshot(path / "dateline.sqlite")
    conn = sqlite3.connect(f"file:{path / 'dateline.sqlite'}?mode=ro", uri=True)
    try:
        tables["enrichments"] = conn.execute(
            "SELECT story_id, revision, enricher, version FROM enrichments ORDER BY 1, 2, 3"
        ).fetchall()
    finally:
        conn.close()
    return tables


@pytest.fixture(scope="module")
def local_build(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    path = tmp_path_factory.mktemp("local") / "local.dateline"
    _build(path, corpus, None).close()
    return path


def _vectors(path: Path) -> dict[str, list[float]]:
    """Each story's passage vectors, by story id (the vector index's own keys are numbers
    the bookkeeping table gives; compared through it)."""
    from dateline.search.vectors import passage_key

    arc = Archive(path, readonly=True)
    try:
        vi, _ = arc._vectors(arc.embedder("hash-words"))
        rows = arc.store.conn.execute(
            "SELECT story_id, num, passages FROM embeddings ORDER BY story_id").fetchall()
        return {sid: [round(float(x), 6)
                      for v in vi.vectors([passage_key(num, p) for p in range(n)]) for x in v]
                for sid, num, n in rows}
    finally:
        arc.close()


@pytest.mark.embedded_only("compares the SQLite files of the two builds table by table")
def test_a_cluster_build_with_a_worker_killed_mid_run_equals_a_local_build(
        cluster: Cluster, corpus: Path, local_build: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATELINE_BATCH_SIZE", "16")  # progress after every 16 files
    victim = dict(cluster.worker_pids())
    killed: list[int] = []

    def progress(p) -> None:  # type: ignore[no-untyped-def]
        if not killed and p.files_done >= 32:
            pid = next(iter(victim.values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    arc = _build(tmp_path / "cluster.dateline", corpus, cluster.address, progress)
    files = arc.store.conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
    runner_args = arc.store.conn.execute("SELECT args FROM runs").fetchone()[0]
    arc.close()
    assert killed and not _alive(killed[0]), "the worker was not killed mid-run"
    assert files > 100 and "dask tcp://127.0.0.1" in runner_args
    expected, got = _tables(local_build), _tables(tmp_path / "cluster.dateline")
    assert len(expected["stories"]) >= 600 and expected["entities"]
    assert expected["embeddings"] and expected["korean_terms" if "korean_terms" in expected
                                               else "stories"]
    differ = [t for t in expected if expected[t] != got.get(t)]
    assert not differ, f"tables differ from the local build: {differ}"
    assert _vectors(local_build) == _vectors(tmp_path / "cluster.dateline")
    cluster.wait_for_workers(2)  # the nanny started the killed worker again


def test_a_file_that_kills_its_worker_is_rejected_and_the_rest_goes_on(
        cluster: Cluster, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for i in range(40):
        write_kbs_radio(folder, f"{i:03d}.txt", "2019-03-04", "Han Ji-ho", f"Harbour item {i}.")
    write_kbs_radio(folder, "017-kills-its-worker.txt", "2019-03-04", "Han Ji-ho", "Poison.")
    arc = Archive(tmp_path / "a.dateline", create=True)
    try:
        report = arc.ingest([folder], cluster=cluster.address, index=False)
        assert (report.counts.new, report.counts.rejected) == (40, 1)
        [(origin, reason)] = arc.store.conn.execute("SELECT origin, reason FROM rejects")
        assert origin.endswith("017-kills-its-worker.txt")
        assert "worker process died reading this file" in reason
    finally:
        arc.close()
    cluster.wait_for_workers(2)


def test_a_coordinator_killed_with_sigkill_resumes_to_the_local_build(
        cluster: Cluster, corpus: Path, tmp_path: Path) -> None:
    reference = tmp_path / "local.dateline"
    crashed = tmp_path / "crashed.dateline"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DATELINE_BATCH_SIZE": "16"}

    def cmd(archive: Path, *extra: str) -> list[str]:
        return [sys.executable, "-m", "dateline", "ingest", str(corpus), "--archive",
                str(archive), "--quiet", "--no-index", *extra]

    subprocess.run(cmd(reference, "--workers", "2"), check=True, capture_output=True, env=env)
    proc = subprocess.Popen(cmd(crashed, "--cluster", cluster.address), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            conn = sqlite3.connect(f"file:{crashed / 'dateline.sqlite'}?mode=ro", uri=True)
            stored = conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            continue
        if stored >= 32:
            os.killpg(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the ingest ended before it could be killed"
    assert 0 < stored < 600
    subprocess.run(cmd(crashed, "--cluster", cluster.address), check=True,
                   capture_output=True, env=env)
    expected, got = _tables(reference), _tables(crashed)
    differ = [t for t in expected if expected[t] != got.get(t)]
    assert not differ, f"tables differ from the local build: {differ}"


def test_the_runner_contract_holds_on_the_cluster(cluster: Cluster) -> None:
    from dateline.runner import InProcessRunner, get_runner

    batches = [list(range(i, i + 7)) for i in range(0, 70, 7)]
    with get_runner(cluster.address) as runner:
        assert runner.workers == 2
        assert list(runner.map(sum, batches)) == list(InProcessRunner().map(sum, batches))


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    from dateline.cluster import DaskRunner
    from dateline.errors import ClusterError

    with pytest.raises(ClusterError, match="cannot reach a Dask scheduler"):
        DaskRunner(f"tcp://127.0.0.1:{_free_port()}", timeout=2)


def test_importing_the_cli_does_not_import_dask() -> None:
    code = ("import sys, dateline.cli, dateline.archive; "
            "print([m for m in ('dask', 'distributed') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.strip() == "[]"


def test_cluster_local_starts_a_cluster_the_cli_uses_and_stops_it(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "dateline", "cluster", "local", "--workers",
                             "2", "--port", str(port), "--dashboard-port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"scheduler at tcp://127.0.0.1:{port} with 2 worker processes" in line
        folder = tmp_path / "in"
        for i in range(5):
            write_kbs_radio(folder, f"{i}.txt", "2019-03-04", "Han Ji-ho", f"Item {i}.")
        out = subprocess.run([sys.executable, "-m", "dateline", "ingest", str(folder),
                              "--archive", str(tmp_path / "a.dateline"), "--cluster",
                              f"tcp://127.0.0.1:{port}", "--format", "json"],
                             env=env, capture_output=True, text=True, check=True)
        assert '"new": 5' in out.stdout
        with sqlite3.connect(tmp_path / "a.dateline" / "dateline.sqlite") as conn:
            [(args,)] = conn.execute("SELECT args FROM runs").fetchall()
        assert f"dask tcp://127.0.0.1:{port} (2 workers)" in args
    finally:
        proc.send_signal(signal.SIGTERM)  # what a service manager sends; Ctrl-C works alike
        proc.wait(timeout=60)
    time.sleep(1)
    left = [int(e) for e in os.listdir("/proc") if e.isdigit() and _alive(int(e))
            and _pgid(int(e)) == proc.pid]
    assert not left, f"processes of `dateline cluster local` left running: {left}"


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None
