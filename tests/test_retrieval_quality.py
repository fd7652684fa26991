"""Retrieval quality gate: known-item search on the shared corpora must not drop below a floor.

The figures come from ``benchmarks/retrieval.py`` (measured 2026-11 with the tantivy engine:
English MRR@10 0.657 — the ceiling is 0.669 because 1,385 of the 1,862 KCNA stories share their
headline with another story; Korean MRR@10 0.970).  Raise the floors when retrieval improves.
"""

from __future__ import annotations

import pytest

from conftest import load_script

FLOORS = {"english": 0.645, "korean": 0.955}


bench = load_script("benchmarks/retrieval.py")
SHARED = bench.shared_dir()


def test_retrieval_word_query_strips_punctuation() -> None:
    assert bench.word_query('Kim\'s "rail" talks, AND more...') == "Kim s rail talks and more"


@pytest.mark.skipif(SHARED is None, reason="shared corpora not found: set DATELINE_SHARED or "
                    "put the shared folder beside the repository")
@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_retrieval_known_item_mrr_floor(corpus: str) -> None:
    assert SHARED is not None
    result = bench.run("tantivy", corpus, SHARED)
    assert result.queries > 500
    assert result.mrr >= FLOORS[corpus], result.line(corpus)
