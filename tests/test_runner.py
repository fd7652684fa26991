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
