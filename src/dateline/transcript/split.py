"""Structure markers, the header zone, the repeated block after a footer, and the story split.

A page is cut into: a header zone (date line, title, times, navigation), a live region holding
one or more stories, and a tail (a footer and/or the page repeated verbatim) that belongs to the
last story as noise.  Stories start at a numbered ``2. Title`` line or at a new title, byline or
``[Anchor Lead]`` followed by an anchor marker.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter

from dateline.transcript.header import (
    DATE_LINE,
    date_only,
    first_time,
    is_noise_line,
    is_paragraph,
    is_programme_line,
    is_time_line,
    looks_like_title,
)
from dateline.transcript.text import NON_SPACE, Line, content_end, squash

#: bracketed markers: [Anchor Lead] [Anchor] [Pkg] [Report] [Sound bite: …] [Soundbite] <앵커 멘트>
#: <리포트> <녹취> <인터뷰> and News 9 quotes [Name/Title: "…"] ["…"] (the latter at line start)
_MARKS = r"""
      (?P<anchor_lead>Anchor[ \t]+Lead[ \t]*\])
     |(?P<anchor>Anchor[ \t]*\]|앵커(?:[ \t]*멘트)?[ \t]*>)
     |(?P<report>(?:Pkg|PKG|Package|Report|Reporter)[ \t]*\]|리포트[ \t]*>)
     |(?P<sb_world>(?i:sound[ \t]*bite)[ \t]*:[^\]\n]*(?:\]|$))
     |(?P<sb>(?i:sound[ \t]*bite)[ \t]*\]|(?:녹취|인터뷰|현장음|현장녹취|녹취[ \t]*인터뷰)[ \t]*>)
"""
#: News 9 quote labels, after ``[`` only (after ``<`` they never ended in ``>``, so never counted)
_QUOTE_LABEL = r"""
     |(?P<sb_bracket>(?:[^\[\]\n:"“]{1,160}|(?<=[ \t])):[ \t]*["“]|["“]
        |(?:[^\[\]\n:"“/]{1,80}|(?<=[ \t]))/[^\[\]\n:"“]{1,160}:[ \t])"""
#: The blanks after the bracket are taken possessively (``*+``): giving them back one at a time
#: to the label runs of ``sb_bracket``, which take blanks too, cost 160 steps per blank of a long
#: run.  Giving blanks back only ever helped a label made of blanks alone (``[ : "…"``,
#: ``[ /Title: …``); the ``(?<=[ \t])`` branches keep those matching as before.
_SQUARE = re.compile(r"\[[ \t]*+(?:" + _MARKS + _QUOTE_LABEL + ")", re.M | re.X)
_ANGLE = re.compile(r"<[ \t]*+(?:" + _MARKS + ")", re.M | re.X)
#: KBS World Radio's run-together ``Anchor:`` / ``Report:`` (after a line start or a sentence end);
#: one pattern per word, as a pattern starting with a literal is searched far faster than an
#: alternation (a match of one word cannot overlap a match of the other)
_WORD_MARKS = (("anchor", re.compile(r"Anchor[ \t]*:")), ("report", re.compile(r"Report[ \t]*:")))
_BEFORE_WORD_MARK = frozenset(".!?\"”’)]\n\t ")
BODY_KINDS = frozenset({"anchor_lead", "anchor", "report", "sb_world", "sb", "sb_bracket"})
ANCHOR_KINDS = frozenset({"anchor_lead", "anchor"})
SOUNDBITE_KINDS = frozenset({"sb_world", "sb", "sb_bracket"})

_NUMBERED = re.compile(r"^(\d{1,2})\.[ \t]+(\S.{0,150})$")
_SIGNOFF_LINE = re.compile(
    r"KBS ?뉴스,? ?[가-힣]{2,4}입니다|KBS World Radio News\.?$|This (?:is|has been) KBS News"
)
_START = attrgetter("start")


@dataclass(slots=True)
class Marker:
    kind: str
    start: int
    end: int


@dataclass(slots=True)
class StoryCut:
    """Where one story lies in the record and what introduces it."""

    start: int
    end: int
    title: str | None = None
    #: end of the story's own header (title line) — body starts after it
    header_end: int | None = None


def find_markers(text: str) -> list[Marker]:
    """Every structure marker in ``text``, in order."""
    out: list[Marker] = []
    for m in _bracket_matches(text):
        kind = m.lastgroup or ""
        opener, tail = m[0][0], m[0][-1]
        if opener == "<" and tail != ">":
            continue
        if opener == "[" and tail == ">":
            continue
        if kind == "sb_bracket" and m.start() > 0 and text[m.start() - 1] != "\n":
            continue
        out.append(Marker(kind, m.start(), m.end()))
    words = [Marker(kind, m.start(), m.end())
             for kind, rx in _WORD_MARKS for m in rx.finditer(text)
             if m.start() == 0 or text[m.start() - 1] in _BEFORE_WORD_MARK]
    if words:
        out.extend(words)
        out.sort(key=lambda mk: mk.start)
    return out


def _bracket_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_SQUARE`` and ``_ANGLE`` in ``text``, in order, none overlapping.

    ``str.find`` jumps from one ``[`` or ``<`` to the next, and the pattern of that bracket is
    matched there: a search with one pattern starting with a character class would test every
    position of the text one by one.

    A quote label is looked for after ``[`` only.  (Looked for after ``<`` too, as before, it
    never counted, since a marker opened by ``<`` must end with ``>``, but it ran over up to
    240 characters at each ``<``, and the text it spanned hid any ``<녹취>`` inside.)
    """
    find = text.find
    square, angle = find("["), find("<")
    while square >= 0 or angle >= 0:
        if angle < 0 or 0 <= square < angle:
            at, m = square, _SQUARE.match(text, square)
        else:
            at, m = angle, _ANGLE.match(text, angle)
        pos = m.end() if m else at + 1
        if m:
            yield m
        if 0 <= square < pos:
            square = find("[", pos)
        if 0 <= angle < pos:
            angle = find("<", pos)


def header_zone_end(text: str, lines: list[Line], markers: list[Marker]) -> int:
    """End of the page header: the first body marker, or, in a page without markers, the end
    of the last header-like line (date line, times, photo credit) before the first paragraph."""
    for mk in markers:
        if mk.kind in BODY_KINDS:
            # the header zone is made of whole lines before the marker's line
            for ln in lines:
                if ln.start <= mk.start <= ln.end:
                    return ln.start
            return mk.start
    has_date = DATE_LINE.match(text) is not None
    last = -1
    for ln in lines[:40]:
        s = ln.s
        if not s:
            continue
        if (has_date and ln.start == lines[0].start) or is_time_line(s) or is_noise_line(s) \
                or first_time(s) or date_only(s):
            last = ln.end
            continue
        if is_paragraph(s):
            break
    if last < 0:
        return 0
    # short lines right after the last header line (a repeated headline, a photo credit)
    for ln in lines:
        if ln.start < last or not ln.s:
            continue
        if (looks_like_title(ln.s) and len(ln.s) < 120) or is_noise_line(ln.s):
            last = ln.end
            continue
        break
    return last


def find_tail(text: str, lines: list[Line], body_start: int, title: str | None,
              markers: list[Marker]) -> int:
    """Start of the footer / repeated block after the body, or ``len(text)`` when none."""
    n = len(text)
    tail = n
    tkey = squash(title).casefold() if title else None
    first_body_marker = next((m for m in markers if m.start >= body_start
                              and m.kind in BODY_KINDS), None)
    for ln in lines:
        if ln.start < body_start or not ln.s:
            continue
        s = ln.s
        if first_body_marker is not None and ln.end <= first_body_marker.start:
            continue
        if (
            s.startswith("■")
            or (tkey is not None and _is_title_line(s, tkey))
            or (is_time_line(s) and ln.start > body_start)
        ):
            tail = ln.start
            break
    rep = _find_repeat(text, lines, body_start, markers)
    if rep is not None and rep < tail:
        tail = rep
    return tail


def _is_title_line(s: str, tkey: str) -> bool:
    """Whether line ``s``, without bullets, squashed and casefolded, equals the title key.

    Most lines are paragraphs, far longer than a title, and squashing them is costly: squashing
    keeps every non-space character and casefolding never shortens one, so a line with more
    non-space characters than the key cannot match.  When a line's only whitespace is the
    plain space (any other whitespace is unprintable), those are counted at C speed.
    """
    core = s.strip(" \t•·-–")
    if len(core) - core.count(" ") > len(tkey) and core.isprintable():
        return False
    return squash(core).casefold() == tkey


def _find_repeat(text: str, lines: list[Line], body_start: int,
                 markers: list[Marker]) -> int | None:
    """The page repeated verbatim further down (without a footer): where the repeat starts.

    The repeat starts where the body's first content line (its first 60 characters, the probe)
    comes back at the start of a line, or after a short bracketed label (``[Pkg]``) there.
    Linear in the text: each hit's line is found by bisection, not by a search back to its
    start, and a line is left at its first hit that cannot start a repeat, as no later hit on
    it can (see the loop).
    """
    first = next((m for m in markers if m.start >= body_start and m.kind in BODY_KINDS), None)
    probe_from = first.end if first is not None else body_start
    # the first content line after the first marker
    probe = None
    for ln in lines:
        if ln.end <= probe_from or not ln.s:
            continue
        seg = text[max(ln.start, probe_from): ln.end].strip()
        if len(seg) >= 20:
            probe = seg[:60]
            probe_pos = max(ln.start, probe_from)
            break
    if probe is None:
        return None
    at = text.find(probe, probe_pos + len(probe))
    while at >= 0:
        ln = lines[bisect_right(lines, at, key=_START) - 1]
        # what stands before the hit on its line, stripped, is text[lead:back + 1]
        m = NON_SPACE.search(text, ln.start, at)
        if m is None:
            return _back_over_footer(text, lines, ln.start, body_start)
        lead = m.start()
        if text[lead] in "[<":
            back = at - 1
            while text[back].isspace():  # stops at lead at the latest
                back -= 1
            if back - lead < 19:  # fewer than 20 characters before the hit
                if text[back] in "]>":
                    return _back_over_footer(text, lines, ln.start, body_start)
                # a later, overlapping hit may still end a short label: try the next one
                at = text.find(probe, at + 1)
                continue
        # What stands before a later hit on this line starts at the same character and ends
        # no earlier: it cannot start a repeat either, so go on from the next line.
        at = text.find(probe, ln.end)
    return None


def _back_over_footer(text: str, lines: list[Line], pos: int, floor: int) -> int:
    """Walk back from ``pos`` over blank, footer and navigation lines that lead into a repeat."""
    idx = next((i for i, ln in enumerate(lines) if ln.start >= pos), len(lines))
    start = pos
    for i in range(idx - 1, -1, -1):
        ln = lines[i]
        if ln.start < floor:
            break
        s = ln.s
        if not s or is_noise_line(s) or is_time_line(s) or is_programme_line(s) \
                or s.startswith(("•", "-")) or (looks_like_title(s) and len(s) < 120
                                               and not _SIGNOFF_LINE.search(s)):
            start = ln.start
            continue
        break
    return start


def split_stories(text: str, lines: list[Line], markers: list[Marker], body_start: int,
                  live_end: int) -> list[StoryCut]:
    """Cut the live region into stories; the first story starts at 0."""
    cuts: list[StoryCut] = [StoryCut(0, live_end)]
    seen_anchor = False
    body_seen = False
    line_at = -1  # the line of the last anchor marker looked at, and what stands before it
    before: tuple[str | None, int | None] = (None, None)
    for mk in markers:
        if mk.start >= live_end:
            break
        if mk.start < body_start:
            continue
        if mk.kind not in ANCHOR_KINDS:
            body_seen = True
            continue
        if not seen_anchor:
            seen_anchor = True
            continue
        # a later anchor marker: what stands on the lines right before it?  (Markers on one
        # line share the answer: looking once per line keeps the split linear in the text.)
        i = bisect_right(lines, mk.start, key=_START) - 1
        ls = lines[i].start
        if i != line_at:
            line_at, before = i, _cut_before(lines, i, ls, body_start)
        title, cut_at = before
        if cut_at is None and mk.kind == "anchor_lead" and body_seen:
            cut_at = ls
        if cut_at is None or cut_at <= cuts[-1].start:
            continue
        cuts[-1].end = cut_at
        cuts.append(StoryCut(cut_at, live_end, title=title, header_end=ls))
        body_seen = False
    # a numbered "2. Title" line at the very end of the live region (page cut after it)
    first = max(body_start, cuts[-1].start + 1)
    last = content_end(text, 0, live_end)  # nothing but whitespace after it in the region
    for ln in lines:
        if ln.start >= live_end:
            break
        if ln.start < first:
            continue
        m = _NUMBERED.match(ln.s)
        if m and int(m[1]) >= 2 and ln.end >= last:
            cuts[-1].end = ln.start
            cuts.append(StoryCut(ln.start, live_end, title=m[2].strip(), header_end=ln.end))
            break
    return cuts


def _cut_before(lines: list[Line], i: int, ls: int,
                body_start: int) -> tuple[str | None, int | None]:
    """(title, where the story starts) when the last non-blank line before line ``i`` (which
    starts at ``ls``) starts a new story: a ``2. Title`` line, a headline or a sign-off."""
    j = i - 1
    while j >= 0 and not lines[j].s:
        j -= 1
    prev = lines[j] if j >= 0 else None
    if prev is not None and prev.start >= body_start:
        m = _NUMBERED.match(prev.s)
        if m and int(m[1]) >= 2:
            return m[2].strip(), prev.start
        if looks_like_title(prev.s) and not is_noise_line(prev.s):
            return prev.s, prev.start
        if _SIGNOFF_LINE.search(prev.s):
            return None, ls
    return None, None
