"""The runner seam: every runner gives the same results, in order; the coordinator writes them
(the Dask runner's own tests, on a real cluster, are in test_cluster.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dateline import Archive
from dateline.errors import InputError
from dateline.runner import InProcessRunner, LocalRunner, Runner, get_runner, register_runner


def _square_all(batch: list[int]) -> list[int]:
    return [x * x for x in batch]


@pytest.mark.parametrize("runner", [InProcessRunner(), LocalRunner(None, 2)],
                         ids=["inprocess", "local"])
def test_runner_map_keeps_the_order_of_the_batches(runner: Runner) -> None:
    batches = [list(range(i, i + 5)) for i in range(0, 50, 5)]
    assert list(runner.map(_square_all, iter(batches))) == [_square_all(b) for b in batches]


def test_get_runner_knows_local_and_refuses_what_it_does_not_know() -> None:
    assert isinstance(get_runner(None, workers=3), LocalRunner)
    assert get_runner("local", workers=3).workers == 3
    with pytest.raises(InputError, match="cannot run work on"):
        get_runner("udp://somewhere:1")
    with pytest.raises(InputError, match="cannot run work on"):
        get_runner("somewhere")


def test_a_registered_runner_is_used_by_ingest_and_enrichment(tmp_path: Path) -> None:
    # a third-party runner registered like the built-ins: it gets the work, the archive
    # written here is the one a local run makes
    from conftest import write_kbs_radio

    calls: list[str] = []

    @register_runner
    class Counting(InProcessRunner):
        scheme = "counting"

        def parse(self, jobs, options, **kw):  # type: ignore[no-untyped-def, override]
            calls.append("parse")
            return super().parse(jobs, options, **kw)

        def map(self, task, batches):  # type: ignore[no-untyped-def, override]
            calls.append(task.__name__)
            return super().map(task, batches)

    folder = tmp_path / "in"
    for i in range(12):
        write_kbs_radio(folder, f"{i:02d}.txt", "2019-03-04", "Han Ji-ho", f"Harbour item {i}.")
    a = Archive(tmp_path / "a.dateline", create=True)
    b = Archive(tmp_path / "b.dateline", create=True)
    try:
        a.ingest([folder], cluster="counting://here")
        b.ingest([folder], workers=1)
        assert calls[0] == "parse" and "extract_entities" in calls
        query = ("SELECT m.story_id, m.revision, m.kind, m.surface FROM entity_mentions m "
                 "ORDER BY 1, 2, 3, 4")
        assert a.store.conn.execute(query).fetchall(), "no mentions: nothing compared"
        assert a.store.conn.execute(query).fetchall() == b.store.conn.execute(query).fetchall()
        assert a.stats()["stories"] == b.stats()["stories"] == 12
    finally:
        a.close()
        b.close()


def test_the_parse_budget_holds_in_a_worker_thread(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    # cluster workers parse on a thread, where the alarm signal cannot reach: the thread
    # deadline stops a parse over the budget there, and the story is kept plain
    import time

    from conftest import write_kbs_radio
    from dateline import tasks, transcript
    from dateline.readers import ReaderOptions

    parse = transcript.parse

    def slow(text: str, hints: object = None):  # type: ignore[no-untyped-def]
        if "slow" in text:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:  # Python code: interruptible
                pass
        return parse(text, hints)  # type: ignore[arg-type]

    monkeypatch.setattr(transcript, "parse", slow)
    fast = write_kbs_radio(tmp_path, "fast.txt", "2019-03-04", "Han Ji-ho", "A quick item.")
    late = write_kbs_radio(tmp_path, "late.txt", "2019-03-04", "Han Ji-ho", "A slow item.")
    out: list[object] = []
    started = time.monotonic()
    worker = threading.Thread(target=lambda: out.append(
        tasks.parse_chunk([str(fast), str(late)], {}, ReaderOptions(), 0.5)))
    worker.start()
    worker.join(timeout=30)
    assert out and time.monotonic() - started < 4
    [(fast_sources, _), (late_sources, _)] = out[0]  # type: ignore[index]
    assert "longer than 0.5 s" not in repr(fast_sources)
    assert "longer than 0.5 s" in repr(late_sources)


# -- the local runner's task pool (pure-Python tasks on forked processes) -----------------------


def _pid_and_square(batch: list[int]) -> tuple[int, list[int]]:
    import os

    return os.getpid(), [x * x for x in batch]


def _die_on_13(batch: list[int]) -> list[int]:
    import os

    if 13 in batch and os.environ.get("DATELINE_TEST_PARENT") != str(os.getpid()):
        os._exit(3)  # a worker killed while it holds this batch (out of memory, a signal)
    return [x * x for x in batch]


def _fail_on_7(batch: list[int]) -> list[int]:
    if 7 in batch:
        raise ValueError("seven")
    return batch


@pytest.fixture
def spread(monkeypatch: pytest.MonkeyPatch) -> set[object]:
    from dateline import tasks

    chosen: set[object] = set(tasks.SPREAD)
    monkeypatch.setattr(tasks, "SPREAD", chosen)
    return chosen


def test_local_runner_spreads_pure_python_tasks_over_processes_in_order(
        spread: set[object]) -> None:
    import os

    spread.add(_pid_and_square)
    batches = [list(range(i, i + 3)) for i in range(0, 60, 3)]
    out = list(LocalRunner(None, 2).map(_pid_and_square, iter(batches)))
    assert [squares for _, squares in out] == [_square_all(b) for b in batches]
    pids = {pid for pid, _ in out}
    assert len(pids) == 2 and os.getpid() not in pids
    # one batch alone runs here; a task not marked as pure Python always does
    assert {pid for pid, _ in LocalRunner(None, 2).map(_pid_and_square, [[1]])} == {os.getpid()}
    spread.discard(_pid_and_square)
    assert {pid for pid, _ in LocalRunner(None, 2).map(_pid_and_square, batches)} == {
        os.getpid()}


_warmed_in: list[int] = []


def _warm_here() -> None:
    import os

    _warmed_in.append(os.getpid())


def test_a_spread_task_is_warmed_once_here_before_the_processes_fork(
        spread: set[object], monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from dateline import tasks

    monkeypatch.setattr(tasks, "WARM", {**tasks.WARM, _pid_and_square: _warm_here})
    spread.add(_pid_and_square)
    _warmed_in.clear()
    out = list(LocalRunner(None, 2).map(_pid_and_square, [[i] for i in range(8)]))
    assert _warmed_in == [os.getpid()]  # in the coordinator, once, and not in the processes
    assert os.getpid() not in {pid for pid, _ in out}


def test_a_dead_task_worker_loses_and_doubles_nothing(spread: set[object],
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    import os

    monkeypatch.setenv("DATELINE_TEST_PARENT", str(os.getpid()))
    spread.add(_die_on_13)
    batches = [[i, i + 1] for i in range(0, 40, 2)]
    assert list(LocalRunner(None, 2).map(_die_on_13, batches)) == [_square_all(b)
                                                                   for b in batches]
    assert "an enrichment process died (exit code 3)" in caplog.text


def test_an_error_in_a_spread_task_is_raised_by_the_coordinator(spread: set[object]) -> None:
    spread.add(_fail_on_7)
    batches = [[i] for i in range(10)]
    got: list[list[int]] = []
    with pytest.raises(ValueError, match="seven"):
        for result in LocalRunner(None, 2).map(_fail_on_7, batches):
            got.append(result)
    assert got == batches[:7]


def test_entities_spread_over_processes_are_the_ones_made_in_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # more than two batches of stories, English and Korean: the forked extraction stores the
    # same mentions and quotes as the extraction in this process
    from dateline import workers
    from dateline.enrich import api as enrich_api
    from dateline.sample import generate

    pools: list[int] = []
    made = workers.TaskPool.__init__

    def counted(self: workers.TaskPool, n: int, folder: object = None) -> None:
        pools.append(n)
        made(self, n, folder)  # type: ignore[arg-type]

    monkeypatch.setattr(workers.TaskPool, "__init__", counted)
    generate(tmp_path / "corpus", stories=1300, seed=5, korean_share=0.1)
    query = ("SELECT story_id, revision, idx, kind, key, surface, start, \"end\", title, "
             "source FROM entity_mentions ORDER BY 1, 2, 3")
    quotes = "SELECT * FROM entity_quotes ORDER BY 1, 2, 3"
    found = []
    for n in (1, 2):
        # the facts written in one transaction at the end (1), and every 700 stories (2)
        monkeypatch.setattr(enrich_api, "_WRITE_STORIES", 5000 if n == 1 else 700)
        with Archive(tmp_path / f"a{n}.dateline", create=True) as arc:
            arc.ingest([tmp_path / "corpus"], workers=n)
            found.append((arc.store.conn.execute(query).fetchall(),
                          arc.store.conn.execute(quotes).fetchall()))
    assert pools and set(pools) == {2}  # the workers=1 archive forked none
    assert len(found[0][0]) > 5000 and found[0][1]
    assert found[0] == found[1]
