"""The transcript parser proper: header → tail → story split → per-story segments, quotes,
reporter, programme and language.  :func:`dateline.transcript.parse` wraps it so that no input
can make it raise."""

from __future__ import annotations

import re
from bisect import bisect_left
from operator import attrgetter

from dateline.model import Hints, ParsedDocument, ParsedStory, Quote
from dateline.transcript.byline import find_reporter, find_signoffs
from dateline.transcript.header import (
    HeaderInfo,
    find_times,
    is_programme_line,
    is_time_line,
    may_name_programme,
    parse_header,
    programme_in,
)
from dateline.transcript.language import detect_language, quote_language
from dateline.transcript.quotes import (
    Found,
    read_bracket_soundbite,
    read_line_soundbite,
    read_world_soundbite,
)
from dateline.transcript.segments import build_segments
from dateline.transcript.split import (
    BODY_KINDS,
    SOUNDBITE_KINDS,
    Marker,
    StoryCut,
    find_markers,
    find_tail,
    header_zone_end,
    split_stories,
)
from dateline.transcript.text import split_lines, trim_span

_CUT_LABEL = re.compile(r"(?:\[[^\]\n]{0,80}|<[^>\n]{0,12})\Z")
#: the longest text _CUT_LABEL matches ("[" and 80 more): only the text's end needs searching
_CUT_LABEL_REACH = 81
_INDEXED = ("anchor", "report", "narration", "soundbite", "byline")
_START = attrgetter("start")


def parse_text(text: str, hints: Hints) -> ParsedDocument:
    doc = ParsedDocument()
    if not text.strip():
        doc.warnings.append("no text")
        return doc
    lines = split_lines(text)
    markers = find_markers(text)
    hz_end = header_zone_end(text, lines, markers)
    info: HeaderInfo = parse_header(text, lines, hz_end)
    doc.warnings.extend(info.warnings)
    body_start = hz_end
    tail = find_tail(text, lines, body_start, info.title, markers)
    if tail <= body_start:
        tail = len(text)
    cuts = split_stories(text, lines, markers, body_start, tail)
    cuts[-1].end = len(text)
    page_program = info.program or _programme_outside_body(text, lines, body_start, tail)

    for pos, cut in enumerate(cuts):
        story = _story(text, cut, pos, lines, markers, hz_end if pos == 0 else cut.header_end,
                       tail, info, page_program, hints, doc.warnings)
        if story is not None:
            story.position = len(doc.stories)
            doc.stories.append(story)
    if _ends_inside_label(text):
        doc.warnings.append("text ends inside a label (page cut)")
    if not doc.stories:
        doc.warnings.append("no story found")
    return doc


def _ends_inside_label(text: str) -> bool:
    """True when the text stops inside an open ``[label`` or ``<label`` (a page cut)."""
    body = text.rstrip("\n")
    return _CUT_LABEL.search(body, max(0, len(body) - _CUT_LABEL_REACH)) is not None


def _programme_outside_body(text: str, lines: list, body_start: int, tail: int) -> str | None:
    """A programme name on a footer line, a standalone line or a sign-off."""
    for ln in lines:
        if ln.start < body_start or not may_name_programme(ln.s):  # no name: nothing to find
            continue
        if is_programme_line(ln.s) or (ln.start >= tail and (is_time_line(ln.s)
                                                            or ln.s.startswith(("-", "•")))):
            p = programme_in(ln.s)
            if p:
                return p
    return None


def _story(
    text: str,
    cut: StoryCut,
    pos: int,
    lines: list,
    markers: list[Marker],
    header_end: int | None,
    tail: int,
    info: HeaderInfo,
    page_program: str | None,
    hints: Hints,
    warnings: list[str],
) -> ParsedStory | None:
    start, end = trim_span(text, cut.start, cut.end)
    if end <= start:
        return None
    live_end = min(end, tail)
    founds: list[Found] = []
    # markers are in order: the story's own lie between two bisections (a scan of all the
    # page's markers per story would make a page of many stories quadratic)
    story_markers = markers[bisect_left(markers, start, key=_START):
                            bisect_left(markers, end, key=_START)]
    body_markers = [m for m in story_markers if m.kind in BODY_KINDS and m.start < live_end]
    for i, mk in enumerate(body_markers):
        if mk.kind not in SOUNDBITE_KINDS:
            continue
        limit = body_markers[i + 1].start if i + 1 < len(body_markers) else live_end
        if founds and mk.start < founds[-1].seg_end:
            continue
        if mk.kind == "sb_world":
            f = read_world_soundbite(text, mk.start, mk.end, limit)
        elif mk.kind == "sb":
            f = read_line_soundbite(text, mk.start, mk.end, limit)
        else:
            f = read_bracket_soundbite(text, mk.start, mk.end, limit)
        if f.cut:
            warnings.append(f"story {pos}: sound bite at {mk.start} is cut")
        founds.append(f)
    found_signoffs = find_signoffs(text, start, live_end)
    signoffs = [(s, e) for s, e, _n in found_signoffs]
    hdr_end = header_end if header_end is not None else start
    segments = build_segments(
        text, start, end, header_end=hdr_end, tail_start=tail, lines=lines,
        markers=story_markers, soundbites=[(f.seg_start, f.seg_end) for f in founds],
        signoffs=signoffs,
    )
    story_text = text[start:end]
    quotes: list[Quote] = []
    for f in founds:
        q = f.quote
        n = len(story_text)
        q.start = min(max(0, q.start - start), n)
        q.end = min(max(q.start, q.end - start), n)
        q.text = story_text[q.start:q.end]
        quotes.append(q)

    st = ParsedStory(text=story_text, position=pos, span=(start, end), url=hints.url)
    if pos == 0:
        st.title = info.title or hints.title
        st.published_at = info.published_at or hints.published_at
        st.updated_at = info.updated_at
        if st.published_at is None:
            # only a footer gives the times
            for kind, dt, _s, _e in find_times(text[start:end]):
                if dt is None:
                    continue
                if kind == "published" and st.published_at is None:
                    st.published_at = dt
                elif kind == "updated" and st.updated_at is None:
                    st.updated_at = dt
    else:
        st.title = cut.title
    # every story of a page shares the page's date: its date line, else its 입력 time, else
    # the record's date, else a header line's date (ASSUMPTIONS decision 36)
    page_published = st.published_at or info.published_at
    st.date = (info.date or (page_published.date() if page_published else None) or hints.date
               or info.line_date)
    if info.date is None and pos > 0 and not info.date_line and hints.date:
        st.date = hints.date
    st.reporter = find_reporter(text, start, live_end, found_signoffs)
    world = _any_span_holds(text, found_signoffs, "World Radio")
    st.program = page_program or ("KBS World Radio News" if world else None) or hints.program
    indexed = " ".join(s.text for s in segments if s.kind in _INDEXED)
    st.language = detect_language(indexed or story_text) or hints.language
    for q in quotes:  # the label's language is kept as written; the code is of the words
        q.language_label, q.language = q.language, quote_language(q.text, q.language, st.language)
    st.segments = segments
    st.quotes = quotes
    return st


def _any_span_holds(text: str, spans: list[tuple[int, int, str]], word: str) -> bool:
    """Whether ``word`` lies wholly inside one of the ``(start, end, _)`` spans of ``text``.

    Sign-off spans of one line may all run to its end: slicing each one to search it would be
    quadratic in the line, so this looks up the first ``word`` at or after a span's start, and
    reuses that answer for the spans that start before it.
    """
    looked_from, at = 0, -1  # the first ``word`` at or after looked_from (len(text): none)
    for start, end, _name in spans:
        if not looked_from <= start <= at:
            looked_from, at = start, text.find(word, start)
            if at < 0:
                at = len(text)
        if at + len(word) <= end:
            return True
    return False
