"""The command-line app: every command runs, errors are one clear line, commands are documented."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, write_kbs_radio
from dateline.cli import app


def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "dateline", *args], capture_output=True,
                          text=True, timeout=300)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    src = tmp / "in"
    for i in range(3):
        write_kbs_radio(src, f"p{i}.txt", f"2019-0{i + 1}-05", "Han Ji-ho",
                        f"Round {i} of talks on the harbour railway.")
    (src / "broken.json").write_text("{not json", encoding="utf-8")
    arc = tmp / "a.dateline"
    proc = run("ingest", str(src), "--archive", str(arc), "--workers", "1")
    assert "3 new" in proc.stdout
    assert "1 rejected" in proc.stdout
    return arc


def test_cli_stats_json(built: Path) -> None:
    data = json.loads(run("stats", "--archive", str(built), "--format", "json").stdout)
    assert data["stories"] == 3
    assert data["rejects"] == 1


def test_cli_show_and_export(built: Path) -> None:
    lines = run("export", "--archive", str(built)).stdout.splitlines()
    assert len(lines) == 3
    sid = json.loads(lines[0])["id"]
    shown = json.loads(run("show", sid[:8], "--archive", str(built), "--format", "json").stdout)
    assert shown["id"] == sid
    assert shown["revisions"][0]["revision"] == 1
    table = run("show", sid, "--archive", str(built)).stdout
    assert "Han Ji-ho" in table


def test_cli_rejects_lists_reason(built: Path) -> None:
    rows = json.loads(run("rejects", "--archive", str(built), "--format", "json").stdout)
    assert len(rows) == 1
    assert rows[0]["source"].endswith("broken.json")
    assert "JSON" in rows[0]["reason"] or "json" in rows[0]["reason"]


def test_cli_second_ingest_adds_nothing(built: Path) -> None:
    src = built.parent / "in"
    proc = run("ingest", str(src), "--archive", str(built), "--workers", "1", "--format", "json")
    summary = json.loads(proc.stdout)
    assert summary["new"] == 0 and summary["sources"] == 0 and summary["unchanged_sources"] == 4


def test_cli_ingest_summary_gives_the_rate_of_the_whole_run(built: Path, tmp_path: Path) -> None:
    src = built.parent / "in"
    proc = run("ingest", str(src), "--archive", str(tmp_path / "new.dateline"), "--workers", "1",
               "--format", "json")
    summary = json.loads(proc.stdout)
    assert summary["new"] > 0 and summary["enrich_index_seconds"] > 0
    assert summary["total_seconds"] == pytest.approx(
        summary["seconds"] + summary["enrich_index_seconds"], abs=0.002)
    assert summary["stories_per_second_in_all"] == pytest.approx(
        sum(summary[k] for k in ("new", "revised", "duplicate", "unchanged"))
        / summary["total_seconds"], abs=0.06)
    table = run("ingest", str(src), "--archive", str(tmp_path / "other.dateline"), "--workers",
                "1").stdout
    assert "stories/s in all" in table


def test_cli_error_is_one_clear_line(tmp_path: Path) -> None:
    proc = run("stats", "--archive", str(tmp_path / "missing"), ok=False)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) <= 2 and "no dateline archive" in proc.stderr


def test_cli_debug_shows_traceback(tmp_path: Path) -> None:
    proc = run("--debug", "stats", "--archive", str(tmp_path / "missing"), ok=False)
    assert "Traceback" in proc.stderr


def test_cli_unknown_story_is_clear(built: Path) -> None:
    proc = run("show", "ffffffffffff", "--archive", str(built), ok=False)
    assert proc.returncode != 0 and "no story" in proc.stderr


def test_cli_inspect_contract(tmp_path: Path) -> None:
    path = write_kbs_radio(tmp_path, "x.txt", "2018-11-21", "Han Ji-ho", "Words.")
    out = run("inspect", str(path), "--format", "jsonl").stdout
    [item] = [json.loads(x) for x in out.splitlines()]
    assert set(item) == {"source", "stories", "warnings"}  # exactly the DESIGN.md contract
    story = item["stories"][0]
    assert set(story) == {"title", "date", "published_at", "updated_at", "program", "reporter",
                          "language", "segments", "quotes"}
    assert set(story["segments"][0]) == {"kind", "text"}
    assert set(story["quotes"][0]) == {"speaker", "role", "organization", "language",
                                       "language_label", "text"}
    assert story["date"] == "2018-11-21"


def test_every_command_is_documented_in_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docs = readme + "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    names = set()
    for command in app.registered_commands:
        names.add(command.name or command.callback.__name__)  # type: ignore[union-attr]
    for group in app.registered_groups:
        names.add(group.name)
    missing = [n for n in sorted(names) if not re.search(rf"dateline {re.escape(n)}\b", docs)]
    assert not missing, f"commands not documented in README.md or docs/: {missing}"


#: modules a keyword search from the command line must not load: each costs tens of
#: milliseconds to seconds of start-up (pydantic came with typer 0.29, which pyproject excludes)
HEAVY = ("pydantic", "kiwipiepy", "numpy", "pyarrow", "torch", "usearch", "model2vec",
         "starlette", "uvicorn", "psycopg", "dask", "distributed")


def test_cli_search_loads_no_heavy_module(built: Path) -> None:
    code = ("import sys\nfrom dateline.cli import main\n"
            f"sys.argv = ['dateline', 'search', 'railway', '--archive', {str(built)!r}]\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print(sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "stories match" in proc.stdout or "story matches" in proc.stdout
    loaded = set(json.loads(proc.stderr.strip().splitlines()[-1].replace("'", '"')))
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
