"""Quality gate for the transcript parser, measured on the gold pages in ../shared.

Floors are pinned just under the figures measured when they were set; floors only go up.
Skips when the shared folder (``shared`` beside the repository, or ``$DATELINE_SHARED``) is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import load_script
from dateline.transcript import parse

ROOT = Path(__file__).resolve().parents[1]

# figure -> floor (measured 2026-11: every figure 1.000 on 49 pages / 55 stories / 83 quotes)
FLOORS = {
    "story_split": 0.97,
    "title": 0.97,
    "published": 0.98,
    "updated": 0.97,
    "program": 0.97,
    "reporter": 0.97,
    "quote_precision": 0.97,
    "quote_recall": 0.97,
    "quote_f1": 0.97,
    "speaker": 0.97,
    "role": 0.95,
    "organization": 0.95,
    "language": 0.97,
    "page_language": 0.97,
    "page_date": 0.97,
}


def _scorer():
    return load_script("benchmarks/score_parser.py", "score_parser")


@pytest.fixture(scope="module")
def scores():
    sp = _scorer()
    shared = sp.find_shared()
    if shared is None:
        pytest.skip(f"../shared not found: {ROOT.parent / 'shared'} (or set DATELINE_SHARED)")
    cases = sp.load_cases(shared)
    if not cases:
        pytest.skip(f"../shared has no gold pages: {shared}")
    return sp.score(cases, parse)


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_parser_quality_above_floor(scores, figure: str) -> None:
    value = scores.figures()[figure]
    detail = "\n".join(scores.details[:30])
    assert value >= FLOORS[figure], f"{figure} {value:.3f} < floor {FLOORS[figure]}\n{detail}"


def test_parser_quality_counts_every_gold_page(scores) -> None:
    assert scores.pages >= 49
    assert scores.quote_gold >= 83
