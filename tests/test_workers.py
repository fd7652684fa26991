"""Parser processes: they hold nothing of the archive, die with their ingest, and a parse that
takes too long never stops a run."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import write_kbs_radio
from dateline import Archive
from dateline.readers import ReaderOptions

LINUX = pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")


def _pages(folder: Path, n: int) -> Path:
    for i in range(n):
        write_kbs_radio(folder, f"{i:03d}.txt", "2019-03-04", "Han Ji-ho", f"Harbour item {i}.")
    return folder


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@LINUX
def test_workers_hold_no_file_of_the_archive(archive: Archive, tmp_path: Path) -> None:
    from dateline.workers import Workers

    _pages(tmp_path / "in", 3)
    archive.ingest([tmp_path / "in"], workers=1)  # the store, its WAL and the index are open
    archive.search("harbour")
    folder = os.path.realpath(archive.path)
    mine = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
            if os.path.exists(f"/proc/self/fd/{fd}")]
    assert any(target.startswith(folder) for target in mine)  # the parent does hold them
    pool = Workers(2, archive.path, ReaderOptions())
    try:
        # a worker lets go right after the fork; a chunk answered proves it got that far, and
        # more chunks than one worker may hold ahead reach both
        jobs = [str(tmp_path / "in" / "000.txt")] * (Workers.CHUNK * (Workers.AHEAD + 2))
        assert len(list(pool.map(iter(jobs)))) == len(jobs)
        for proc in pool.procs:
            assert proc.pid is not None
            fds = []
            for fd in os.listdir(f"/proc/{proc.pid}/fd"):
                with_target = f"/proc/{proc.pid}/fd/{fd}"
                try:
                    fds.append(os.readlink(with_target))
                except OSError:
                    continue
            maps = Path(f"/proc/{proc.pid}/maps").read_text()
            assert not [t for t in fds if t.startswith(folder)], fds
            assert not [line for line in maps.splitlines() if folder in line]
    finally:
        pool.close()
        pool.terminate()


@LINUX
@pytest.mark.slow
def test_workers_die_with_a_killed_ingest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, "-m", "dateline.sample", str(corpus), "--stories", "4000",
                    "--seed", "3"], check=True, capture_output=True)
    ingest = subprocess.Popen(
        [sys.executable, "-m", "dateline", "ingest", str(corpus), "--archive",
         str(tmp_path / "a.dateline"), "--quiet", "--workers", "2", "--no-index"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and ingest.poll() is None:
        workers = _children(ingest.pid)
        time.sleep(0.05)
    assert len(workers) == 2, "the ingest never started its parser processes"
    os.kill(ingest.pid, signal.SIGKILL)
    ingest.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)], "parser processes outlived the ingest"


def _slow_parse(seconds: float):  # type: ignore[no-untyped-def]
    from dateline import transcript

    parse = transcript.parse

    def slow(text: str, hints: object = None):  # type: ignore[no-untyped-def]
        if "item 7." in text:  # one file is slow in Python code: the alarm stops it
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                pass
        return parse(text, hints)  # type: ignore[arg-type]

    return slow


@pytest.mark.parametrize("workers", [1, 2])
def test_a_record_over_the_parse_budget_is_kept_as_one_plain_story(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    from dateline import transcript

    monkeypatch.setenv("DATELINE_PARSE_TIMEOUT", "0.5")
    monkeypatch.setattr(transcript, "parse", _slow_parse(60))
    _pages(tmp_path / "in", 12)
    started = time.monotonic()
    report = archive.ingest([tmp_path / "in"], workers=workers, index=False)
    assert time.monotonic() - started < 30
    assert report.counts.new == 12 and report.counts.rejected == 0
    slow = next(s for s in archive.stories() if s.source_name == "007.txt")
    assert [seg.kind for seg in slow.segments] == ["narration"]
    warnings = archive.source(slow.source_id)["warnings"]
    assert any("parse took longer than 0.5 s" in w for w in warnings)
    fine = next(s for s in archive.stories() if s.source_name == "006.txt")
    assert fine.quotes  # the others were parsed as usual


def _stuck_parse():  # type: ignore[no-untyped-def]
    from dateline import transcript

    parse = transcript.parse

    def stuck(text: str, hints: object = None):  # type: ignore[no-untyped-def]
        if "item 7." in text:  # stuck in native code that holds the GIL and hears no alarm
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            ctypes.PyDLL(None).sleep(3600)
        return parse(text, hints)  # type: ignore[arg-type]

    return stuck


@pytest.mark.slow
def test_a_parse_stuck_in_native_code_is_rejected_and_the_run_goes_on(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline import transcript, workers

    monkeypatch.setenv("DATELINE_PARSE_TIMEOUT", "0.5")
    monkeypatch.setattr(workers, "SILENCE_MARGIN", 1.5)
    monkeypatch.setattr(workers, "HEARTBEAT", 0.2)
    monkeypatch.setattr(transcript, "parse", _stuck_parse())
    _pages(tmp_path / "in", 40)
    report = archive.ingest([tmp_path / "in"], workers=2, index=False)
    assert (report.counts.new, report.counts.rejected) == (39, 1)
    [reject] = archive.rejects()
    assert reject.name == "007.txt"
    assert "parsing took longer than 2 s" in reject.reason
