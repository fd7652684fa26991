"""Semantic search through the command line, the JSON API and the HTML pages (hash-words
test model)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_semantic import STORIES, _write

if importlib.util.find_spec("usearch") is None:  # not imported here: dateline loads it
    pytest.skip("semantic search needs the 'semantic' extra", allow_module_level=True)
pytest.importorskip("fastapi", reason="the web front end needs the 'web' extra")


def cli(*args: str, env: dict[str, str], ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "dateline", *args], capture_output=True,
                          text=True, env=env, timeout=300)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("semantic-cli")
    env = {**os.environ, "DATELINE_EMBEDDING_MODEL": "hash-words"}
    arc = folder / "a.dateline"
    cli("ingest", str(_write(folder / "in", STORIES, "a.jsonl")), "--archive", str(arc),
        "--quiet", env=env)
    return arc, env


def test_cli_embed_search_modes_and_similar(built: tuple[Path, dict[str, str]]) -> None:
    arc, env = built
    status = json.loads(cli("embed", "--status", "--archive", str(arc), "-f", "json",
                            env=env).stdout)
    assert status["not_embedded"] == len(STORIES) and status["embedded"] == 0
    before = cli("search", "harbour fishing", "--mode", "semantic", "--archive", str(arc),
                 env=env)
    assert "not embedded yet" in before.stderr
    out = cli("embed", "--archive", str(arc), env=env).stdout
    assert f"embedded {len(STORIES)} stories" in out and "0 not yet" in out
    assert "embedded 0 stories" in cli("embed", "--archive", str(arc), env=env).stdout
    res = json.loads(cli("search", "railway vaccine", "--mode", "hybrid", "--archive",
                         str(arc), "-f", "json", env=env).stdout)
    assert res["mode"] == "hybrid" and res["total"] >= 2
    assert {"Vaccine rollout expands", "Railway talks resume"} <= {h["title"]
                                                                   for h in res["hits"]}
    first = res["hits"][0]["id"]
    similar = json.loads(cli("similar", first, "--archive", str(arc), "-f", "json",
                             env=env).stdout)
    assert similar and first not in [h["id"] for h in similar]
    bad = cli("search", "railway", "--mode", "fuzzy", "--archive", str(arc), env=env,
              ok=False)
    assert bad.returncode != 0 and "unknown search mode" in bad.stderr
    listed = cli("embed", "--list", "-f", "json", env=env).stdout
    assert "use-multilingual-static" in listed


def test_api_and_pages(built: tuple[Path, dict[str, str]],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    arc, env = built
    monkeypatch.setenv("DATELINE_EMBEDDING_MODEL", "hash-words")
    cli("embed", "--archive", str(arc), env=env)
    with TestClient(create_app(arc), raise_server_exceptions=False) as client:
        body = client.get("/api/search", params={"q": "harbour fishing lang:en",
                                                 "mode": "semantic"}).json()
        assert body["ok"] and body["mode"] == "semantic" and body["not_embedded"] == 0
        assert body["request"]["mode"] == "semantic"
        assert {h["language"] for h in body["hits"]} == {"en"}
        bad = client.get("/api/search", params={"q": "harbour", "mode": "nope"})
        assert bad.status_code == 400 and "unknown search mode" in bad.json()["error"]
        sid = body["hits"][0]["id"]
        near = client.get(f"/api/stories/{sid}/similar", params={"limit": 3}).json()
        assert near["ok"] and near["story"] == sid and sid not in [h["id"]
                                                                  for h in near["hits"]]
        page = client.get("/search", params={"q": "harbour fishing", "mode": "hybrid"}).text
        assert 'value="hybrid" selected' in page
        story = client.get(f"/stories/{sid}").text
        assert "More like this" in story and near["hits"][0]["id"] in story
