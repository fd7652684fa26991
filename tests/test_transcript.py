"""The transcript parser: golden files, invariants (Hypothesis), and format rules.

Golden inputs in tests/data/transcripts/*.txt are synthetic (fictional names); the expected
output sits beside each as .json.  Regenerate after a reviewed change with
``DATELINE_REGEN_GOLDEN=1 pytest tests/test_transcript.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.model import SEGMENT_KINDS, Hints, ParsedDocument, story_to_inspect
from dateline.transcript import parse

DATA = Path(__file__).parent / "data" / "transcripts"
GOLDEN = sorted(DATA.glob("*.txt"))
REGEN = os.environ.get("DATELINE_REGEN_GOLDEN") == "1"


def _inspect(doc: ParsedDocument) -> dict:
    return {
        "stories": [
            {**story_to_inspect(s), "position": s.position, "span": list(s.span),
             "quote_labels": [q.label for q in s.quotes]}
            for s in doc.stories
        ],
        "warnings": doc.warnings,
    }


def check_invariants(text: str, doc: ParsedDocument) -> None:
    """Offsets valid; segments in order, non-overlapping, covering the story but whitespace."""
    last_end = 0
    for i, story in enumerate(doc.stories):
        a, b = story.span
        assert 0 <= a <= b <= len(text)
        assert a >= last_end
        last_end = b
        assert story.text == text[a:b]
        assert story.position == i
        covered = [False] * len(story.text)
        prev = 0
        for seg in story.segments:
            assert seg.kind in SEGMENT_KINDS
            assert prev <= seg.start < seg.end <= len(story.text)
            assert seg.text == story.text[seg.start:seg.end]
            for k in range(seg.start, seg.end):
                covered[k] = True
            prev = seg.end
        for k, ch in enumerate(story.text):
            assert covered[k] or ch.isspace(), (k, ch)
        for q in story.quotes:
            assert 0 <= q.start <= q.end <= len(story.text)
            assert q.text == story.text[q.start:q.end]
        if story.published_at is not None:
            assert story.published_at.tzinfo is not None


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_parse_golden_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = parse(text)
    check_invariants(text, doc)
    got = _inspect(doc)
    expected_path = path.with_suffix(".json")
    if REGEN or not expected_path.exists():
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n",
                                 encoding="utf-8")
        if not REGEN:
            pytest.fail(f"wrote missing golden file {expected_path.name}; review it and rerun")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected


# --------------------------------------------------------------------------- invariants

_PIECES = st.sampled_from([
    "[Anchor Lead]", "[Pkg]", "[Anchor]", "[Report]", "[Reporter]", "[Soundbite]",
    "[Sound bite: Minister Vel Arrow (Korean)]", "[Sound bite: ", "<앵커 멘트>", "<리포트>",
    "<녹취> 홍길동(가상 후보) : \"", "<인터뷰>", "Anchor:", "Report:", "\"", "“", "”", "(", ")",
    "[", "]", ":", " : ", "\n", "\n\n", " date 2031-01-02 ", "입력 2031.01.02 (10:00)",
    "수정 2031-13-40 25:61", "Written: 0000-00-00 00:00:00", "2. Second Story\n",
    "This is KBS News, Ana Vell.", "KBS 뉴스 홍길동입니다.", "Ana Vell, KBS World Radio News.",
    "[Ana Vell/Baker: \"", "[\"", "\"]", "다음기사", "■ 제보하기", "News Today", "뉴스 9",
    "Someone has more.", "reporter Ana Vell", "The fictional town held a fair.",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=40))
def test_parse_never_raises_on_marker_soup(pieces: list[str]) -> None:
    text = "".join(pieces)
    doc = parse(text)
    assert isinstance(doc, ParsedDocument)
    check_invariants(text, doc)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parse_never_raises_on_random_unicode(text: str) -> None:
    doc = parse(text, Hints(title="T", date=date(2031, 1, 1)))
    check_invariants(text, doc)


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_parse_never_raises_on_every_prefix(path: Path) -> None:
    """Pages are often cut mid-word or mid-label: every prefix parses."""
    text = path.read_text(encoding="utf-8")
    for cut in range(0, len(text), 7):
        check_invariants(text[:cut], parse(text[:cut]))


# --------------------------------------------------------------------------- format rules


def test_parse_plain_text_uses_hints() -> None:
    text = "The fictional council of Dunmere met today.\n\nIt agreed on a new budget."
    hints = Hints(title="Dunmere budget", date=date(2031, 2, 3), url="https://example.org/1")
    doc = parse(text, hints)
    (story,) = doc.stories
    assert story.title == "Dunmere budget"
    assert story.date == date(2031, 2, 3)
    assert story.url == "https://example.org/1"
    assert [s.kind for s in story.segments] == ["narration"]
    assert story.language == "en"


def test_parse_header_time_wins_over_hints() -> None:
    text = "Title Here\n입력 2031.02.03 (10:15)\n\n[Anchor Lead]\nA fictional story."
    doc = parse(text, Hints(date=date(2000, 1, 1)))
    story = doc.stories[0]
    assert story.published_at is not None
    assert story.published_at.isoformat() == "2031-02-03T10:15:00+09:00"
    assert story.date == date(2031, 2, 3)


_ADDRESS = ("신년사\n\n- 2031년 01월 01일\n해 제\n\n"
            "올해 항구 도시의 배편이 다시 다니게 되었다고 시장은 신년사에서 밝혔다. "
            "시민들은 새해를 맞아 부두에 모였다.\n")


def test_parse_a_date_alone_on_a_header_line_dates_the_page() -> None:
    (story,) = parse(_ADDRESS).stories
    assert story.date == date(2031, 1, 1)
    assert story.title == "신년사"  # the headline before the date, as before a time line
    (story,) = parse("Harbour report\n2031.04.02 (수)\n\nThe ferry sails again today, the "
                     "port said in a statement on Wednesday morning.\n").stories
    assert (story.date, story.title) == (date(2031, 4, 2), "Harbour report")
    # a clock after the date, brackets around it; a date that ends a short opening line
    body = ("\n\n올해 항구 도시의 배편이 다시 다니게 되었다고 시장은 밝혔다. "
            "시민들은 부두에 모였다.\n")
    for head in ("[ 2031-01-01 오전 11:52:56 ]", "2031년 01월 01일 09시 37분",
                 "항구신문 사설 - 2031년 01월 01일",
                 "새해를 맞이하여\n항구신문 사설 - 2031년 01월 01일"):
        assert parse(head + body).stories[0].date == date(2031, 1, 1), head
    # a date inside a sentence of the opening is no date of the page
    assert parse("항구 도시는 2031년 01월 01일 다시 열렸다고 시장이 밝혔다.\n" + body
                 ).stories[0].date is None


def test_parse_a_date_line_gives_way_to_times_hints_and_the_body() -> None:
    # a 입력 time and a record's own date come first
    story = parse(_ADDRESS.replace("해 제", "입력 2031.01.02 (09:00)")).stories[0]
    assert story.date == date(2031, 1, 2)
    assert parse(_ADDRESS, Hints(date=date(2031, 1, 5))).stories[0].date == date(2031, 1, 5)
    # a date alone in the body, after the first paragraph, is not the page's date
    body = ("The ferry line resumed service after a long repair, the port authority said in a "
            "statement on Monday.\n\n2031-04-02\n\nMore sailings follow next week.\n")
    assert parse(body).stories[0].date is None
    # a date that does not exist is no date
    assert parse(_ADDRESS.replace("01월 01일", "02월 30일")).stories[0].date is None


def test_parse_north_korean_new_year_addresses_are_dated_by_their_header(shared: Path) -> None:
    folder = shared / "corpora" / "nk-newyear-speeches" / "data"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    dated = {}
    for path in sorted(folder.glob("*.txt")):
        story = parse(path.read_text(encoding="utf-8-sig")).stories[0]
        if story.date is not None:
            dated[int(path.stem)] = story.date
    assert len(dated) >= 55  # the addresses whose opening lines give their date
    # on the first of January of their year (one file's text dates it a year earlier), or on
    # the last days of the year before (an address given in December)
    assert all(year - 1 <= d.year <= year and (d.month, d.day) in ((1, 1), (12, 30), (12, 31))
               for year, d in dated.items()), dated


def test_parse_empty_text_warns() -> None:
    doc = parse("   \n ")
    assert doc.stories == []
    assert doc.warnings


def test_parse_repeated_block_is_one_story() -> None:
    body = "[Anchor Lead]\n\nThe fictional harbour of Kelport reopened after a long winter.\n"
    text = f"Kelport Reopens\n입력 2031.03.01 (15:00)\n\n{body}\nKelport Reopens\n\n" \
           f"입력 2031.03.01 (15:00) News Today\n\n{body}"
    doc = parse(text)
    assert len(doc.stories) == 1
    assert doc.stories[0].program == "News Today"
    assert doc.stories[0].segments[-1].kind == "noise"


def test_parse_angle_bracket_before_a_marker_hides_nothing() -> None:
    # a "<" that opens no marker is passed over; it used to be read as the start of a quote
    # label running to the colon, which hid the <녹취> inside it
    text = ("과수원 축제\n<앵커 멘트>\n축제가 열렸습니다.\n<리포트>\n"
            "방문객이 <<녹취> 김가온(과수원 주인) : \"감사합니다.\"\n")
    (story,) = parse(text).stories
    assert [(q.speaker, q.role, q.text) for q in story.quotes] == [
        ("김가온", "과수원 주인", "감사합니다.")]
    assert story.segments[-1].kind == "soundbite"


@pytest.mark.parametrize(
    ("label", "speaker", "role", "org", "language"),
    [
        ("[Sound bite: Deputy Minister Vel Arrow]", "Vel Arrow", "Deputy Minister", None, None),
        ("[Sound bite: Vel Arrow - Spokesperson, Kelport Harbour Agency (Korean)]", "Vel Arrow",
         "Spokesperson", "Kelport Harbour Agency", "Korean"),
        ("[Sound bite: Col. Vel Arrow — Spokesperson, Fictional Coast Command (Korean-English)]",
         "Vel Arrow", "Spokesperson", "Fictional Coast Command", "Korean-English"),
    ],
)
def test_parse_world_sound_bite_labels(label: str, speaker: str, role: str, org: str | None,
                                       language: str | None) -> None:
    text = f"Anchor: A fictional item.Report: Words.{label}\"Quoted words here.\"After."
    (story,) = parse(text).stories
    (q,) = story.quotes
    assert (q.speaker, q.role, q.language_label) == (speaker, role, language)
    assert q.language == "en"  # the words quoted are English, whatever the label says
    if org is not None:
        assert q.organization == org
    assert q.text == "Quoted words here."


def test_parse_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    from dateline.transcript import QUIET_GC_FROM

    text = "Kelport Reopens\n" + "The harbour opened.\n" * (QUIET_GC_FROM // 10)
    assert gc.isenabled()
    assert parse(text).stories and gc.isenabled()
    gc.disable()
    try:
        assert parse(text).stories and not gc.isenabled()
    finally:
        gc.enable()
