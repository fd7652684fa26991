"""Page headers and footers: the ``date`` line, titles, programmes, 입력/수정 and Written/Updated
times, and the navigation noise around them.

Everything here works on single lines; :mod:`dateline.transcript.split` decides which lines form
the header zone of a story.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter

from dateline.model import SEOUL
from dateline.transcript.text import Line, squash, words

_Day = date  # the type, where a field named ``date`` hides it

#: `` date 2018-10-08 rest-of-line`` as the first line of scraped pages
DATE_LINE = re.compile(r"\A\s*date[ \t]+(\d{4})-(\d{1,2})-(\d{1,2})\b[ \t]*([^\n]*)")

#: A header line that is a date and nothing else: ``- 1992년 01월 01일``, ``2024.03.01 (금)``,
#: ``2024-03-01``
_DATE = (r"(?:(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일|(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})\.?)"
         r"\s*(?:\(\s*[월화수목금토일]\s*\)|[월화수목금토일]요일)?"
         # a clock after it: "오전 11:52:56", "09시 37분", "08:17송고"
         r"(?:\s*(?:오전|오후)?\s*\d{1,2}(?::\d{2}){1,2}(?:\s*송고)?|\s*\d{1,2}시\s*\d{1,2}분)?")
_DATE_ONLY = re.compile(rf"^[\s\-–—·•*\[(]*{_DATE}[\s\-–—\])]*$")
#: ``노동신문 사설 - 1968년 01월 01일``: a header line's own date after a dash, at its end
_DATE_TRAILER = re.compile(r"\s[-–—]\s*(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일\s*$")

#: 입력 2015.01.19 (14:21) / 입력 2022-04-07 15:18:25 / 수정2025-05-29 16:25:41
#: (Never two blank runs in a row with only an optional mark between them, as in ``\s*:?\s*``:
#: on a long blank run without the mark, the engine would try every way to share the run
#: between them, a time quadratic in the run's length.)
TIME_KO = re.compile(
    r"(입력|수정)\s*(?::\s*)?(\d{4})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\.?"
    r"(?:[ \t]*(?:\([ \t]*)?(\d{1,2}):(\d{2})(?::(\d{2}))?[ \t]*\)?)?"
)
#: Written: 2022-09-14 10:55:01Updated: 2022-09-14 11:30:25 / Write: … / Updated: 0000-00-00
TIME_EN = re.compile(
    r"(Written|Write|Updated|Update|Posted|Published|Edited|Modified)\s*:\s*"
    r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
#: every word of TIME_EN contains one of these
_TIME_EN_STEMS = ("Writ", "Updat", "Posted", "Published", "Edited", "Modified")
_PUBLISHED_WORDS = frozenset({"입력", "Written", "Write", "Posted", "Published"})

#: programme names as KBS writes them (English and Korean)
PROGRAMME = re.compile(
    r"(?<![\w])(News Today|News 9|News 7|News 12|News Plus|KBS World Radio News|"
    r"뉴스 ?9|뉴스 ?7|뉴스 ?12|뉴스 ?광장|뉴스라인|930 ?뉴스|아침 ?뉴스 ?타임|뉴스 ?타임|"
    r"뉴스 ?집중|시사기획 창|일요진단)(?![\w])"
)
_BRACKET_PROGRAMME = re.compile(r"^\[\s*(" + PROGRAMME.pattern + r")\s*\]\s*")
_ABBREVIATION_END = re.compile(r"\b[A-Z]\.[A-Z]?\.?$")
_TRAILING_PROGRAMME = re.compile(r"(?:^|\s)(" + PROGRAMME.pattern + r")\s*$")

#: whole lines that are navigation (compared case-insensitively)
_NAV_LINES = frozenset(p.casefold() for p in (
    "Menu Content", "Search", "Korean", "English", "About KBS", "Go to KBS", "About KBS Go to KBS",
    "Go Top", "List", "Editor's Pick", "Editor’s Pick", "Close", "Main News",
    "Korean Peninsula A to Z", "Photo : YONHAP News", "Photo: YONHAP News", "Photo : KBS News",
    "Photo : KBS", "KBS NEWS", "Share", "Print", "Top", "Politics", "Economy", "Society",
    "Culture", "Sports", "World", "Inter-Korea", "IT・Science", "Science", "Opinion",
    "Entertainment", "Latest News", "Hot Issues", "Related News", "Prev", "Next", "Home",
    "Photo : YONHAP News KBS NEWS",
))
#: words that, all together on one line, make Korean navigation (share buttons, player, notice)
_NAV_TOKENS = frozenset(
    words("""읽어주기 기능은 크롬기반의 브라우저에서만 사용하실 수 있습니다. 있습니다
    댓글 좋아요 스크랩하기 스크랩 공유하기 글씨 크게보기 작게보기 가 고화질
    표준화질 자동재생 키보드 컨트롤 안내 동영상영역 동영상 시작 끝
    동영상설명 고정 취소 다음기사 이전기사 기사 본문 영역 상세페이지 프린트
    닫기 제보하기""")
)
_NAV_LINE_LONGEST = max(map(len, _NAV_LINES))
_NAV_STRIP = " \t•·-–|>▶▷■□◆◇※*:"
_TIME_LINE_STRIP = _NAV_STRIP + "()"
_PROGRAMME_LINE_STRIP = _NAV_STRIP + "[]"
_NOISE_START = ("▷", "■", "※", "☞", "ⓒ", "©", "Copyright", "저작권자", "This website uses cookies")
_END = attrgetter("end")


@dataclass(slots=True)
class HeaderInfo:
    """What a page's header (and footer) says about its first story."""

    date: date | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    title: str | None = None
    program: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: the page starts with a ``date`` line (even one with an impossible date)
    date_line: bool = False
    #: the date of a header line that holds a date alone (``- 1992년 01월 01일``): the page's
    #: date when nothing else gives one
    line_date: _Day | None = None


def date_only(s: str) -> date | None:
    """The date of a line that holds a date and nothing else (a real date), else None."""
    if len(s) > 40 or not any(c.isdigit() for c in s[:8]):
        return None
    m = _DATE_ONLY.match(s)
    if m is None:
        return None
    y, mo, d = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
    return _real_date(y, mo, d)


def _date_trailer(s: str) -> date | None:
    """The date a short line ends with after a dash (``노동신문 사설 - 1968년 01월 01일``), else
    None."""
    if len(s) > 100 or "년" not in s:
        return None
    m = _DATE_TRAILER.search(s)
    return _real_date(m[1], m[2], m[3]) if m else None


def is_paragraph(s: str) -> bool:
    """A line of body text rather than of a page's header: long, or a sentence."""
    return len(s) > 160 or (len(s) > 60 and s.endswith((".", "다.", "”", "\"")))


def _trailing_date(lines: list[Line]) -> date | None:
    """The date a short line of the page's opening ends with (``노동신문 사설 - 1968년 01월
    01일``), among the lines before its first paragraph."""
    for ln in lines[:40]:
        if is_paragraph(ln.s):
            return None
        day = _date_trailer(ln.s) if ln.s else None
        if day:
            return day
    return None


def _real_date(y: str, mo: str, d: str) -> date | None:
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:
        return None


def to_datetime(y: str, mo: str, d: str, h: str | None, mi: str | None,
                sec: str | None) -> datetime | None:
    """A Seoul datetime from matched digits, or None when they are no real time (0000-00-00)."""
    try:
        return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0),
                        tzinfo=SEOUL)
    except ValueError:
        return None


def _time_patterns(s: str) -> tuple[re.Pattern[str], ...]:
    """The time patterns that can match in ``s``: TIME_KO needs 입력 or 수정, TIME_EN a colon
    and one of its words.

    Both start with an alternation, which makes a search try every position of the text; a
    substring test rules most lines and stories out far more cheaply.
    """
    ko = "입력" in s or "수정" in s
    if ":" in s and any(map(s.__contains__, _TIME_EN_STEMS)):
        return (TIME_KO, TIME_EN) if ko else (TIME_EN,)
    return (TIME_KO,) if ko else ()


def first_time(s: str) -> re.Match[str] | None:
    """The first 입력/수정 time in ``s``, else the first Written/Updated one."""
    for rx in _time_patterns(s):
        m = rx.search(s)
        if m:
            return m
    return None


def find_times(s: str) -> list[tuple[str, datetime | None, int, int]]:
    """Every 입력/수정/Written/Updated time in ``s``: (kind, datetime, start, end), kind being
    ``"published"`` or ``"updated"``."""
    out: list[tuple[str, datetime | None, int, int]] = []
    patterns = _time_patterns(s)
    if not patterns:  # most lines
        return out
    for rx in patterns:
        for m in rx.finditer(s):
            kind = "published" if m[1] in _PUBLISHED_WORDS else "updated"
            out.append((kind, to_datetime(m[2], m[3], m[4], m[5], m[6], m[7]),
                        m.start(), m.end()))
    out.sort(key=lambda t: t[2])
    return out


@lru_cache(maxsize=8192)
def is_time_line(s: str) -> bool:
    """A line made of 입력/수정/Written/Updated times (plus programme names and bullets)."""
    rest = s
    for rx in _time_patterns(s):
        rest = rx.sub("", rest)
    if rest == s:
        return False
    rest = PROGRAMME.sub("", rest)
    return rest.strip(_TIME_LINE_STRIP) == ""


@lru_cache(maxsize=8192)
def is_noise_line(s: str) -> bool:
    """Navigation text, share buttons, the 읽어주기 notice, 제보 blocks, cookie banners…"""
    if not s:
        return False
    if s.startswith(_NOISE_START):
        return True
    if "다음기사" in s or "이전기사" in s:
        return True
    if len(s) > 200:
        return False
    core = s.strip(_NAV_STRIP)
    # (casefolding never shortens a text, so a longer line cannot be a navigation line)
    if len(core) <= _NAV_LINE_LONGEST and core.casefold() in _NAV_LINES:
        return True
    # every word navigation? most lines fail on their first, so split off only that one first
    head = core.split(maxsplit=1)
    if not head or head[0] not in _NAV_TOKENS:
        return False
    return all(map(_NAV_TOKENS.__contains__, core.split()))


def may_name_programme(s: str) -> bool:
    """False when ``s`` cannot hold a programme name: each contains one of these words."""
    return "News" in s or "뉴스" in s or "시사기획" in s or "일요진단" in s


def programme_in(s: str) -> str | None:
    if not may_name_programme(s):  # PROGRAMME starts with a lookbehind: a slow search
        return None
    m = PROGRAMME.search(s)
    return m[1] if m else None


def is_programme_line(s: str) -> bool:
    if not may_name_programme(s):  # (most lines: no strip and no match needed)
        return False
    s2 = s.strip(_PROGRAMME_LINE_STRIP)
    return bool(s2) and PROGRAMME.fullmatch(s2) is not None


def clean_title(s: str) -> tuple[str | None, str | None]:
    """Strip programme names, times and navigation from a header line: (title, programme)."""
    prog = None
    m = _BRACKET_PROGRAMME.match(s)
    if m:
        prog = m[1]
        s = s[m.end():]
    cut = first_time(s)
    if cut:
        prog = prog or programme_in(s[cut.start():])
        s = s[: cut.start()]
    s = s.strip(_NAV_STRIP)
    m2 = _TRAILING_PROGRAMME.search(s) if may_name_programme(s) else None
    if m2:
        prog = prog or m2[1]
        s = s[: m2.start()]
    if is_noise_line(s.strip()):
        return None, prog
    s = squash(s.strip(_NAV_STRIP))
    return (s or None), prog


@lru_cache(maxsize=8192)
def looks_like_title(s: str) -> bool:
    """A short headline-like line: not a sentence, not navigation, not a time line."""
    if not s or len(s) > 160 or len(s) < 3:
        return False
    if is_noise_line(s) or is_time_line(s) or is_programme_line(s):
        return False
    if s[0] in "[<(\"“":
        return s.startswith("[") and _BRACKET_PROGRAMME.match(s) is not None
    if s.endswith((".", ":", ",", "?\"", ".\"", ".”", "다.", "요.")) and not s.endswith(".."):
        # headlines seldom end with a full stop; allow "U.S." style abbreviations
        return bool(_ABBREVIATION_END.search(s))
    return True


def parse_header(text: str, lines: list[Line], zone_end: int) -> HeaderInfo:
    """Read the header zone ``text[:zone_end]`` (lines wholly inside it) of a page."""
    info = HeaderInfo()
    m = DATE_LINE.match(text)
    first_title: str | None = None
    if m:
        info.date_line = True
        try:
            info.date = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            info.warnings.append(f"invalid date {m[1]}-{m[2]}-{m[3]} on line 1")
        first_title, prog = clean_title(m[4])
        info.program = prog
    # lines are in order: those wholly inside the zone come first
    zone = [ln for ln in lines[:bisect_right(lines, zone_end, key=_END)] if ln.s]
    # times: the first published and the first updated time in the header
    for ln in zone:
        for kind, dt, _s, _e in find_times(ln.s):
            if kind == "published" and info.published_at is None and dt is not None:
                info.published_at = dt
            elif kind == "updated" and info.updated_at is None and dt is not None:
                info.updated_at = dt
        if info.program is None and (is_time_line(ln.s) or is_programme_line(ln.s)):
            info.program = programme_in(ln.s)
        if info.line_date is None:
            info.line_date = date_only(ln.s)
    info.title = first_title or pick_title(zone, text)
    if info.line_date is None and info.date is None and info.published_at is None:
        info.line_date = _trailing_date(lines)
    if info.program is None:
        for ln in zone:
            if ln.s.startswith("[") and _BRACKET_PROGRAMME.match(ln.s):
                info.program = _BRACKET_PROGRAMME.match(ln.s)[1]  # type: ignore[index]
                break
            if first_time(ln.s):
                p = programme_in(ln.s)
                if p:
                    info.program = p
                    break
    return info


def pick_title(zone: list[Line], text: str) -> str | None:
    """Choose the headline among header lines (see docs/howto-inspect.md for the rules)."""
    start_i = 1 if zone and DATE_LINE.match(text) and zone[0].start <= 1 else 0
    seen: dict[str, int] = {}  # how often each headline (casefolded) was written
    twice: str | None = None
    last: str | None = None
    prev: str | None = None  # the last line so far that is no navigation noise
    for i in range(start_i, len(zone)):
        s = zone[i].s
        if i > start_i and not is_noise_line(zone[i - 1].s):
            prev = zone[i - 1].s
        if date_only(s):  # a date alone on its line follows the headline, as a time line does
            if prev is not None and twice is None:
                t, _p = clean_title(prev)
                if t and looks_like_title(t):
                    return t
            continue
        if first_time(s):
            # "TITLE News Today 입력 …" on one line
            t, _p = clean_title(s)
            if t and looks_like_title(t):
                return t
            # the headline written right before the time line (noise lines between them
            # skipped; remembered as the loop goes, not searched back for each time line)
            if prev is not None:
                t, _p = clean_title(prev)
                if t and looks_like_title(t) and not is_time_line(prev):
                    return t
            continue
        # the first headline written twice, else the last one (once one is written twice,
        # later lines only matter as time lines)
        if twice is None and looks_like_title(s):
            t, _p = clean_title(s)
            if t:
                last = t
                key = t.casefold()
                seen[key] = seen.get(key, 0) + 1
                if seen[key] == 2:
                    twice = t
    return twice or last
