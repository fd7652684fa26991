"""An ingest killed with SIGKILL at random points resumes to the archive a clean run makes."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _corpus(folder: Path, stories: int) -> None:
    subprocess.run(
        [sys.executable, "-m", "dateline.sample", str(folder), "--stories", str(stories),
         "--seed", "11"],
        check=True, capture_output=True,
    )


def _ingest_cmd(corpus: Path, archive: Path) -> list[str]:
    return [sys.executable, "-m", "dateline", "ingest", str(corpus), "--archive", str(archive),
            "--quiet", "--workers", "2"]


def _snapshot(archive: Path) -> dict[str, object]:
    conn = sqlite3.connect(archive / "dateline.sqlite")
    try:
        stories = conn.execute(
            "SELECT s.id, s.key, s.revision, s.duplicate_of, r.text_hash, r.title, r.date "
            "FROM stories s JOIN revisions r ON r.story_id = s.id AND r.revision = s.revision "
            "ORDER BY s.id").fetchall()
        revisions = conn.execute(
            "SELECT story_id, revision, text_hash FROM revisions ORDER BY 1, 2").fetchall()
        sources = conn.execute("SELECT name, sha256, status FROM sources ORDER BY 1, 2").fetchall()
        rejects = conn.execute(
            "SELECT name, locator, reason FROM rejects ORDER BY 1, 2, 3").fetchall()
        quotes = conn.execute("SELECT COUNT(*) FROM quotes").fetchone()
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    return {"stories": stories, "revisions": revisions, "sources": sources,
            "rejects": rejects, "quotes": quotes, "integrity": integrity}


def test_ingest_survives_sigkill_at_random_points(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 3000)
    reference = tmp_path / "reference.dateline"
    subprocess.run(_ingest_cmd(corpus, reference), check=True, capture_output=True)
    expected = _snapshot(reference)
    assert len(expected["stories"]) >= 3000  # type: ignore[arg-type]

    crashed = tmp_path / "crashed.dateline"
    rng = random.Random(5)
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen(_ingest_cmd(corpus, crashed), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.8, 4.0))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole group: parent and parser workers
            kills += 1
        proc.wait()
    assert kills >= 1, "the ingest finished before any kill: make the corpus larger"
    subprocess.run(_ingest_cmd(corpus, crashed), check=True, capture_output=True)
    got = _snapshot(crashed)
    assert got["integrity"] == "ok"
    for key in ("stories", "revisions", "sources", "rejects", "quotes"):
        assert got[key] == expected[key], key


def test_ingest_ctrl_c_says_what_happened_and_resumes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 3000)
    archive = tmp_path / "a.dateline"
    proc = subprocess.Popen(_ingest_cmd(corpus, archive), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(2.5)
    if proc.poll() is not None:
        pytest.skip("the ingest finished before the interrupt: the machine is too fast")
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert _snapshot(archive)["integrity"] == "ok"
    subprocess.run(_ingest_cmd(corpus, archive), check=True, capture_output=True)
    reference = tmp_path / "reference.dateline"
    subprocess.run(_ingest_cmd(corpus, reference), check=True, capture_output=True)
    got, expected = _snapshot(archive), _snapshot(reference)
    for key in ("stories", "revisions", "sources", "rejects", "quotes"):
        assert got[key] == expected[key], key
