"""The steps after parsing stay linear on one huge story: entities and reported speech (a
10 MB page went through the parser in seconds and then spent hours in the entity enricher).

Growth is checked as in ``tests/test_parser_fuzz.py``: thread CPU time, the collector paused,
a size and eight times that size.
"""

from __future__ import annotations

import gc
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.enrich.entities import extract
from dateline.enrich.spans import TakenSpans
from dateline.model import ParsedStory, Quote, Segment

SMALL, LARGE = 40_000, 320_000
GROWTH = 20.0  # a linear step grows about 8x from SMALL to LARGE; the old ones 30x and more
FLOOR = 0.05

# fictional text in the style of the KBS pages: titles, names, organisations, reported speech
_NEWS = (
    "Harbour Minister Tarn Veloso of the Pinehollow Orchard Council said that the harvest "
    "would come early this year. He also said that the Kelport Harbour Agency agreed with the "
    "plan. U.S. officials said that talks will resume in Busan next month. Ida Brannock has "
    "more. A ministry official said that the survey starts in May. "
)
#: runs of capitalised words the enricher cuts at each word (a day name, a possessive)
_RUNS = {
    "news": _NEWS,
    "day_names": "Veloso Monday ",
    "possessives": "Veloso's ",
    "capitals": "Veloso Brannock Kelport ",
}


def _story(unit: str, n: int) -> ParsedStory:
    text = (unit * (n // len(unit) + 1))[:n]
    story = ParsedStory(text=text, language="en")
    story.segments = [Segment("report", text, 0, len(text))]
    return story


def _seconds(story: ParsedStory) -> float:
    gc.collect()
    gc.disable()
    c0 = time.thread_time()
    try:
        extract(story)
    finally:
        seconds = time.thread_time() - c0
        gc.enable()
    return seconds


@pytest.mark.parametrize("shape", sorted(_RUNS))
def test_extract_time_grows_linearly(shape: str) -> None:
    small, large = _story(_RUNS[shape], SMALL), _story(_RUNS[shape], LARGE)
    t_small = min(_seconds(small) for _ in range(3))
    t_large = _seconds(large)
    if t_large > FLOOR and t_large > GROWTH * t_small:  # a second look before failing
        t_large = min(t_large, _seconds(large))
    assert t_large <= FLOOR or t_large <= GROWTH * t_small, (
        f"{shape}: {SMALL:,} chars in {t_small:.3f} s, {LARGE:,} in {t_large:.3f} s")


def test_extract_numbers_reported_speech_after_many_sound_bites() -> None:
    # reported speech is numbered from 1000: a page with more sound bites than that used to
    # give two quotes one number, and the whole enrichment pass failed on the database's key
    story = _story(_NEWS, 4000)
    story.quotes = [Quote("Yes.", speaker="Tarn Veloso", start=0, end=0) for _ in range(1200)]
    idx = [q.idx for q in extract(story).quotes]
    assert len(idx) > 1200 and len(set(idx)) == len(idx)


_SPANS = st.lists(st.tuples(st.integers(-2, 40), st.integers(-3, 12)), max_size=25)


@settings(max_examples=300, deadline=None)
@given(_SPANS, _SPANS)
def test_taken_spans_answer_as_the_list_they_replace(taken: list, asked: list) -> None:
    spans = TakenSpans(30)
    listed: list[tuple[int, int]] = []
    for (a, w), (s, v) in zip(taken, asked, strict=False):
        b, e = a + w, s + v
        assert spans.free(s, e) == all(e <= x or s >= y for x, y in listed)
        spans.take(a, b)
        listed.append((a, b))
