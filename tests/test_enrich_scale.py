"""The steps after parsing stay linear on one huge story: entities, reported speech and the
Korean analysis's cutting of long texts (a 10 MB page went through the parser in seconds and
then spent hours in the entity enricher).

Growth is checked as in ``tests/test_parser_fuzz.py``: thread CPU time, the collector paused,
a size and eight times that size.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.enrich.entities import extract
from dateline.enrich.spans import TakenSpans
from dateline.model import ParsedStory, Quote, Segment
from dateline.search.korean import cut_span

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
    # people, titles and bodies in one run ("… Corp Chairman Tarn Veloso of Kelport Bank …")
    "officers": "Harbour Ferry Corp Chairman Tarn Veloso of Kelport Bank Army Colonel ",
}


def _story(unit: str, n: int) -> ParsedStory:
    text = (unit * (n // len(unit) + 1))[:n]
    story = ParsedStory(text=text, language="en")
    story.segments = [Segment("report", text, 0, len(text))]
    return story


def _seconds(story: ParsedStory, **kwargs: Any) -> float:
    """CPU seconds of :func:`extract` on ``story`` (the collector paused)."""
    gc.collect()
    gc.disable()
    c0 = time.thread_time()
    try:
        extract(story, **kwargs)
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


def test_reported_speech_in_a_line_with_no_stop_grows_linearly() -> None:
    # a line with no full stop before its break was tried again from each of its letters
    def seconds(n: int) -> float:
        unit = "Veloso said that the harvest would come early and "
        text = (unit * (n // len(unit) + 1))[:n] + "\nBrannock said that it would not."
        story = ParsedStory(text=text, language="en")
        story.segments = [Segment("report", text, 0, len(text))]
        return _seconds(story)

    t_small = min(seconds(5_000) for _ in range(3))
    t_large = min(seconds(40_000) for _ in range(2))
    assert t_large <= FLOOR or t_large <= GROWTH * t_small, (t_small, t_large)


def _korean_story(n: int) -> tuple[ParsedStory, list[tuple[str, int, int]]]:
    """A Korean story of one segment per sentence, with the proper nouns Kiwi would give."""
    unit = "김가온 씨가 과수원에서 말했습니다. "
    text = (unit * (n // len(unit) + 1))[:n]
    story = ParsedStory(text=text, language="ko")
    starts = range(0, len(text) - len(unit) + 1, len(unit))
    story.segments = [Segment("narration", unit.strip(), a, a + len(unit) - 1) for a in starts]
    return story, [("김가온", a, a + 3) for a in starts]


def test_extract_korean_time_grows_linearly() -> None:
    # the proper nouns of each segment were picked from all of the story's, segment by segment
    def seconds(n: int) -> float:
        story, nouns = _korean_story(n)
        return _seconds(story, proper_nouns=nouns)

    _assert_linear(seconds)


def _assert_linear(seconds: Callable[[int], float]) -> None:
    t_small = min(seconds(SMALL) for _ in range(3))
    t_large = min(seconds(LARGE) for _ in range(2))
    assert t_large <= FLOOR or t_large <= GROWTH * t_small, (t_small, t_large)


def test_extract_one_speaker_of_many_sound_bites_grows_linearly() -> None:
    # a one-word speaker's key was looked for among all the mentions, once per sound bite
    def seconds(n: int) -> float:
        story = _story("Veloso spoke. ", n)
        story.quotes = [Quote("Yes.", speaker="Veloso", start=a, end=a)
                        for a in range(0, n, 14)]
        return _seconds(story)

    _assert_linear(seconds)


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


@pytest.mark.parametrize(("text", "size"), [
    ("가나다 " * 5000, 1000),
    (("첫 줄입니다.\n" * 400) + "마지막", 700),
    ("한 문장입니다. 또 한 문장. " * 300, 500),
    ("가" * 3000, 400),  # no blank at all: cut at the size
    ("짧은 글", 1000),
])
def test_cut_span_covers_the_span_in_pieces(text: str, size: int) -> None:
    pieces = cut_span(text, 0, len(text), size)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a < b <= a + size for a, b in pieces)
    assert all(b == c for (_, b), (c, _) in zip(pieces, pieces[1:], strict=False))
    if "\n" in text:  # cut at line breaks when there are some
        assert all(text[b] == "\n" for _, b in pieces[:-1])


def test_korean_analysis_in_pieces_reads_as_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline.search import korean

    text = "".join(f"과수원 {i}호에서 사과 축제가 열렸습니다. 김가온 씨가 방문했습니다.\n"
                   for i in range(40))
    title = "과수원 축제"
    whole = korean.analyze_stories([(title, text, [(0, len(text))])])[0]
    tokens = korean.analyze_many([text])[0]
    monkeypatch.setattr(korean, "PIECE", 300)  # now cut at line breaks, every few lines
    assert len(korean.cut_span(text, 0, len(text))) > 5
    assert korean.analyze_stories([(title, text, [(0, len(text))])])[0] == whole
    assert korean.analyze_many([text])[0] == tokens == korean.analyze(text)
    assert whole is not None and ("김가온", text.index("김가온"), text.index("김가온") + 3) in \
        whole.proper_nouns


_NOUNS = st.lists(st.tuples(st.integers(0, 40), st.integers(-1, 6)), max_size=25)


@settings(max_examples=300, deadline=None)
@given(_NOUNS, st.lists(st.tuples(st.integers(-2, 45), st.integers(-2, 15)), max_size=8),
       st.booleans())
def test_known_nouns_inside_spans_as_the_filter_it_replaces(nouns: list, spans: list,
                                                            in_order: bool) -> None:
    from dateline.enrich.spans import KnownNouns

    found = [("x", a, a + w) for a, w in nouns]
    if in_order:
        found.sort(key=lambda n: n[1])
    bounds = [(a, a + w) for a, w in spans]
    if in_order:
        bounds.sort()
    expected = [(f, x, y) for f, x, y in found if any(a <= x and y <= b for a, b in bounds)]
    assert KnownNouns(found).inside(bounds) == expected


def test_a_long_run_of_cut_words_is_read_without_deep_recursion() -> None:
    # a run cut at each word was read by a call per cut, one inside the other
    import sys

    n = 4 * sys.getrecursionlimit()
    for unit in ("Veloso Monday ", "Veloso's ", "Kelport-based "):
        extract(_story(unit, n * len(unit)))  # a RecursionError before


def test_a_run_of_names_joined_by_and_is_read_in_linear_time() -> None:
    # each name handed the rest of the run to a new reading, nested: 400 names overflowed the
    # stack (the story was skipped) and the time grew with the square of the list
    def seconds(n: int) -> float:
        return _seconds(_story("Kim Chol and Ri Yong and ", n))

    _assert_linear(seconds)
    names = extract(_story("Kim Chol and Ri Yong and ", 400 * 25)).names("person")
    assert names == ["kim chol", "ri yong"]


def test_a_story_the_extractor_fails_on_does_not_stop_the_pass(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    # one story's error (a RecursionError of the English scanner once) failed the enrichment
    # of every story of the pass
    from dateline import Archive
    from dateline.enrich import english

    scan = english.scan

    def failing(col: Any, text: str, start: int, end: int) -> None:
        if "Lee Hwa" in text:
            raise RecursionError("maximum recursion depth exceeded")
        scan(col, text, start, end)

    monkeypatch.setattr(english, "scan", failing)
    (tmp_path / "a.txt").write_text("Orchard festival opens\n\n" + _NEWS, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Names\n\n" + "Kim Sung and Lee Hwa and " * 600 + "Kim.",
                                    encoding="utf-8")
    with Archive(tmp_path / "arc", create=True) as arc:
        arc.ingest([tmp_path / "a.txt", tmp_path / "b.txt"], workers=1)
        names = {e.name for e in arc.entities(top=100)}
    assert "Ida Brannock" in names
