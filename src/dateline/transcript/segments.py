"""Typing a story's text into segments: header, anchor, report, soundbite, narration, byline, noise.

Fixed spans (header lines, noise lines, sound bites, sign-offs, the repeated tail) are placed
first; the gaps between them take the kind of the running mode, which anchor and report markers
switch (text before any marker is narration).  Segments never overlap and, apart from
whitespace, cover the story text.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import attrgetter

from dateline.model import Segment
from dateline.transcript.header import is_noise_line, is_programme_line, is_time_line
from dateline.transcript.split import ANCHOR_KINDS, Marker
from dateline.transcript.text import Line, trim_span

Span = tuple[int, int, str]
_END = attrgetter("end")
_START = attrgetter("start")
_MERGED = frozenset({"header", "noise", "anchor", "report", "narration"})


def _place(fixed: list[Span]) -> list[Span]:
    """Sort fixed spans and drop any that overlaps an earlier-placed one."""
    out: list[Span] = []
    for s, e, k in sorted(fixed, key=lambda t: (t[0], -t[1])):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            continue
        out.append((s, e, k))
    return out


def _line_spans(lines: list[Line], start: int, end: int, header_end: int,
                tail_start: int) -> list[Span]:
    """Header lines, and noise lines before the tail, of the story ``[start, end)``."""
    out: list[Span] = []
    # lines are in order and disjoint: visit only those that overlap the story (by index: a
    # slice of the rest of the page's lines would copy it once per story)
    for i in range(bisect_right(lines, start, key=_END), bisect_left(lines, end, key=_START)):
        ln = lines[i]
        s = ln.s
        if not s:
            continue
        if ln.end <= header_end:
            kind = "noise" if is_noise_line(s) else "header"
        elif ln.start >= tail_start:
            break  # this and every later line lie in the tail and below the header
        elif is_noise_line(s) or is_programme_line(s) or is_time_line(s):
            kind = "noise"
        else:
            continue
        out.append((max(ln.start, start), min(ln.end, end), kind))
    return out


def build_segments(
    text: str,
    start: int,
    end: int,
    *,
    header_end: int,
    tail_start: int,
    lines: list[Line],
    markers: list[Marker],
    soundbites: list[tuple[int, int]],
    signoffs: list[tuple[int, int]],
) -> list[Segment]:
    """Segments of the story ``text[start:end]`` (offsets returned relative to ``start``)."""
    fixed = _line_spans(lines, start, end, header_end, tail_start)
    if tail_start < end:
        fixed.append((max(tail_start, start), end, "noise"))
    fixed.extend((s, e, "soundbite") for s, e in soundbites if s >= start and e <= end)
    fixed.extend((s, e, "byline") for s, e in signoffs if s >= start and e <= end)
    placed = _place(fixed)

    changes = [(m.start, "anchor" if m.kind in ANCHOR_KINDS else "report")
               for m in markers if start <= m.start < end and m.kind in
               ("anchor_lead", "anchor", "report")]
    ci = 0
    mode = "narration"
    spans: list[Span] = []

    def fill(a: int, b: int) -> None:
        nonlocal ci, mode
        cur = a
        while ci < len(changes) and changes[ci][0] < b:
            pos, new_mode = changes[ci]
            ci += 1
            if pos > cur:
                spans.append((cur, pos, mode))
                cur = pos
            mode = new_mode
        if b > cur:
            spans.append((cur, b, mode))

    cur = start
    for s, e, k in placed:
        # (a blank gap, such as the line break between two header lines, makes no segment and
        # holds no marker: no need to fill it)
        if s > cur and not text[cur:s].isspace():
            fill(cur, s)
        # markers inside a fixed span still switch the mode
        while ci < len(changes) and changes[ci][0] < e:
            mode = changes[ci][1]
            ci += 1
        spans.append((s, e, k))
        cur = e
    if end > cur:
        fill(cur, end)

    # neighbours of one kind (but sound bites and bylines) merge; the text of each merged
    # span is cut once at the end (cut at each merge, a long run would cost a quadratic time)
    merged: list[list] = []  # [start, end, kind]
    for s, e, k in spans:
        s, e = trim_span(text, s, e)
        if e <= s:
            continue
        if merged and merged[-1][2] == k and k in _MERGED:
            merged[-1][1] = e
            continue
        merged.append([s, e, k])
    return [Segment(k, text[s:e], s - start, e - start) for s, e, k in merged]
