"""Fuzzing the transcript parser: mutated real pages never break it, and every big page shape
parses in time linear in its size.

The mutations and shapes live in ``benchmarks/_fuzz.py`` (the long campaign,
``benchmarks/fuzz_parser.py``, uses the same); the real pages are read from ``../shared`` (or
``$DATELINE_SHARED``) and the fuzz tests skip when it is absent.  The shape tests build their
pages and always run.

Time is checked in a way a loaded machine cannot fool: CPU time of this process, the growth of
one shape's time from a size to eight times that size (a linear parse grows 8-11x, the
quadratic rescans this suite guards against grew 20-80x), and a CPU-time cap that stops a
parse gone quadratic instead of letting it hang the suite.
"""

from __future__ import annotations

import gc
import random
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import load_script
from dateline.model import Hints
from dateline.transcript.parser import parse_text

ROOT = Path(__file__).resolve().parents[1]
#: sizes of the growth test: a linear parse takes about 8× as long at the larger one
SMALL, LARGE = 100_000, 800_000
#: the growth allowed from SMALL to LARGE (8× is linear; noise rarely adds 2×)
GROWTH = 20.0
#: below this many CPU seconds at LARGE (0.06 s per MB) a shape is too fast to matter
FLOOR = 0.05
#: CPU seconds after which a single parse is stopped as a failure
CAP = 15.0


def _load(name: str):  # noqa: ANN202 - a module
    return load_script(f"benchmarks/{name}.py", name)


fuzz = _load("_fuzz")


@pytest.fixture(scope="module")
def pages() -> list[str]:
    shared = _load("score_parser").find_shared()
    if shared is None:
        pytest.skip(f"../shared not found: {ROOT.parent / 'shared'} (or set DATELINE_SHARED); "
                    "the fuzz tests mutate its real KBS pages")
    found = fuzz.load_pages(shared)
    if not found:
        pytest.skip(f"no KBS pages or seeds in {shared}")
    return found


class _Capped(BaseException):
    """Raised inside a parse that ran past :data:`CAP` (``parse`` catches only Exception)."""


def _cpu_seconds(text: str) -> float:
    """CPU seconds of one ``parse_text`` of ``text``; fails the test past :data:`CAP`.

    The cyclic garbage collector is paused meanwhile: its passes over every live object cost
    more per object as the heap grows (a page of 3 MB parses 1.8x slower per MB than one of
    0.1 MB with it, 1.3x without), which is the runtime's doing, not the parser's.  The clock
    is the thread's CPU time: the process's CPU clock can read stale while a CPU-time timer is
    armed (seen on Linux 6.18).
    """
    def stop(signum: int, frame: object) -> None:
        raise _Capped

    old = signal.signal(signal.SIGVTALRM, stop)
    gc.collect()
    gc.disable()
    c0 = time.thread_time()
    try:
        signal.setitimer(signal.ITIMER_VIRTUAL, CAP)
        try:
            parse_text(text, Hints())
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    except _Capped:
        pytest.fail(f"a parse of {len(text):,} characters ran over {CAP:g} CPU seconds")
    finally:
        seconds = time.thread_time() - c0
        gc.enable()
        signal.signal(signal.SIGVTALRM, old)
    return seconds


# --------------------------------------------------------------------------- mutated pages


@settings(max_examples=120, deadline=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(page=st.integers(min_value=0), steps=st.lists(st.sampled_from(sorted(fuzz.MUTATIONS)),
                                                      min_size=1, max_size=5),
       target=st.integers(min_value=1_000, max_value=200_000),
       rnd=st.randoms(use_true_random=True))
def test_parse_mutated_pages_cleanly(pages: list[str], page: int, steps: list[str],
                                     target: int, rnd: random.Random) -> None:
    text = fuzz.apply(rnd, pages[page % len(pages)], steps, pages, target, 2 * target)
    # parse_text, not parse: parse would catch an internal error and fall back
    c0 = time.thread_time()
    doc = parse_text(text, Hints())
    seconds = time.thread_time() - c0
    assert fuzz.check(text, doc) == []
    # the campaign's budget: 1 s + 2 s per MB (these inputs take a few hundredths of it)
    assert seconds <= 1 + 2 * len(text) / 1e6, f"{len(text):,} chars took {seconds:.2f} s"


def test_parse_first_campaign_inputs_cleanly(pages: list[str]) -> None:
    """The first inputs of the long campaign (``benchmarks/fuzz_parser.py``), the same on
    every run."""
    for i in range(40):
        text, names = fuzz.campaign_input(13, i, pages, 100_000)
        assert fuzz.check(text, parse_text(text, Hints())) == [], (i, names)


# --------------------------------------------------------------------------- linear time

SHAPES = fuzz.shapes([])  # built from synthetic text only: these run without ../shared


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_parse_time_grows_linearly(shape: str) -> None:
    build = SHAPES[shape]
    small, large = build(SMALL), build(LARGE)
    t_small = min(_cpu_seconds(small) for _ in range(3))
    t_large = _cpu_seconds(large)
    if t_large > FLOOR and t_large > GROWTH * t_small:  # a second look before failing
        t_small = max(t_small, min(_cpu_seconds(small) for _ in range(3)))
        t_large = min(t_large, _cpu_seconds(large), _cpu_seconds(large))
    assert t_large <= FLOOR or t_large <= GROWTH * t_small, (
        f"{shape}: {len(small):,} chars in {t_small:.3f} s but {len(large):,} in "
        f"{t_large:.3f} s ({t_large / max(t_small, 1e-9):.0f}x for "
        f"{len(large) / len(small):.0f}x the size)")


def test_parse_shapes_hold_the_invariants() -> None:
    for shape, build in SHAPES.items():
        text = build(20_000)
        assert fuzz.check(text, parse_text(text, Hints())) == [], shape


# --------------------------------------------------------------------------- same answers
# The linear rewrites answer as the direct definitions they replaced (kept here as the spec).


def _repeat_by_definition(text: str, lines: list, body_start: int, markers: list) -> int | None:
    """The page repeated verbatim: the first later hit of the probe with nothing, or a short
    bracketed label, before it on its line (each hit's line searched back, as defined)."""
    from dateline.transcript.split import BODY_KINDS, _back_over_footer

    first = next((m for m in markers if m.start >= body_start and m.kind in BODY_KINDS), None)
    probe_from = first.end if first is not None else body_start
    probe, probe_pos = None, 0
    for ln in lines:
        if ln.end <= probe_from or not ln.s:
            continue
        seg = text[max(ln.start, probe_from): ln.end].strip()
        if len(seg) >= 20:
            probe, probe_pos = seg[:60], max(ln.start, probe_from)
            break
    if probe is None:
        return None
    at = text.find(probe, probe_pos + len(probe))
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        before = text[line_start:at].strip()
        if before == "" or (len(before) < 20 and before[0] in "[<" and before[-1] in "]>"):
            return _back_over_footer(text, lines, line_start, body_start)
        at = text.find(probe, at + 1)
    return None


_PROBE = "a]a]a]a]a]a]a]a]a]a]a]"
_REPEAT_PIECES = st.sampled_from([
    _PROBE, _PROBE[:7], "[", "]", "<", ">", "[Pkg]", "<녹취>", " ", "  ", "\t", "\n", "x",
    "[a ", "Kelport Reopens\n", "입력 2031.03.01 (15:00)\n", "■ more\n", "[Anchor Lead]",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_REPEAT_PIECES, max_size=40))
@example(["\n", "[", _PROBE, _PROBE[:7]])  # the second, overlapping hit ends a short label
@example(["\n", "[a ", _PROBE, "\n", "  ", "[Pkg]", " ", _PROBE])
def test_find_repeat_answers_as_its_definition(pieces: list[str]) -> None:
    from dateline.transcript.split import _find_repeat, find_markers
    from dateline.transcript.text import split_lines

    text = f"Kelport Reopens\n[Anchor Lead]\n{_PROBE}\n" + "".join(pieces)  # the probe: _PROBE
    lines, markers = split_lines(text), find_markers(text)
    for body_start in (0, text.index("[Anchor Lead]")):
        assert _find_repeat(text, lines, body_start, markers) == \
            _repeat_by_definition(text, lines, body_start, markers)


#: the patterns before their rewrite: ``\s*:?\s*`` and ``[ \t]*\(?[ \t]*`` shared a blank run
#: in every possible way before failing, and the blanks after a bracket were given back one by
#: one to a 160-character label run
_TIME_KO_DEFINED = (
    r"(입력|수정)\s*:?\s*(\d{4})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\.?"
    r"(?:[ \t]*\(?[ \t]*(\d{1,2}):(\d{2})(?::(\d{2}))?[ \t]*\)?)?"
)
_QUOTE_LABEL_DEFINED = r"""
     |(?P<sb_bracket>[^\[\]\n:"“]{1,160}:[ \t]*["“]|["“]
        |[^\[\]\n:"“/]{1,80}/[^\[\]\n:"“]{1,160}:[ \t])"""
_LABEL_PIECES = st.sampled_from([
    "[", "<", " ", "  ", "\t", ":", "/", "\"", "“", "]", ">", "\n", "Anchor", " Lead", "x",
    "Sound bite", "녹취", "Pkg", "(", ")", "y" * 80, "입력", "수정", "2031", ".", "-", "04",
    "02", "15:01", ":07",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_LABEL_PIECES, max_size=16))
@example(["[", " ", ":", " ", "\""])  # a label of blanks alone
@example(["<", "\t", "/", "x", ":", " "])
@example(["[", "\t", "/", "x", ":", " "])
@example(["입력", " ", ":", "  ", "2031", ".", "04", ".", "02", " ", "(", " ", "15:01"])
def test_rewritten_patterns_match_as_defined(pieces: list[str]) -> None:
    import re

    from dateline.transcript import header, split

    text = "".join(pieces)
    defined = re.compile(_TIME_KO_DEFINED)
    assert [(m.span(), m.groups()) for m in header.TIME_KO.finditer(text)] == \
        [(m.span(), m.groups()) for m in defined.finditer(text)]
    square = re.compile(r"\[[ \t]*(?:" + split._MARKS + _QUOTE_LABEL_DEFINED + ")",
                        re.M | re.X)
    for at in (i for i, ch in enumerate(text) if ch == "["):
        got, want = split._SQUARE.match(text, at), square.match(text, at)
        assert (got and (got.span(), got.lastgroup)) == (want and (want.span(), want.lastgroup))
