"""The reporter: sign-offs (``Name, KBS World Radio News.``, ``KBS 뉴스 서지영입니다.``,
``This is KBS News, Name.``) and introductions (``Kim Bum-soo has more.``, ``This is a report by
reporter X``, ``서지영 기자입니다``)."""

from __future__ import annotations

import re

from dateline.transcript.text import words

_NAME = r"(?:[A-Z][a-z]+(?:-[a-z]+)?)(?:[ ][A-Z][a-z]+(?:-[a-z]+)?){1,2}"
_KO_NAME = r"[가-힣]{2,4}"
_NOT_KO_NAMES = frozenset(
    words("""취재 담당 현장 사진 영상 카메라 촬영 편집 그래픽 특파원 기상 스포츠
    사회부 정치부 경제부 국제부 문화부""")
)

_SIGN_ANCHOR = re.compile(r"KBS World Radio News|KBS News|KBS ?뉴스")
_NAME_BEFORE = re.compile(rf"(?<![A-Za-z])({_NAME}), $")
_THIS_IS_BEFORE = re.compile(r"This (?:is|has been) $")
_NAME_AFTER = re.compile(rf",? ({_NAME})\b")  # the sign-off then runs to the end of the line
_KO_AFTER = re.compile(rf",? ?({_KO_NAME})입니다\.?")

#: introductions in the anchor lead: a keyword, then the name looked for right before/after it
_INTRO_AFTER_NAME = re.compile(
    r" (?:has more|reports\b|has the (?:story|details|report)|has this report|has details|"
    r"brings us|filed this report)"
)
_NAME_END = re.compile(rf"(?<![A-Za-z])({_NAME})$")
_REPORTER_BEFORE_NAME = re.compile(rf"[Rr]eporter ({_NAME})(?![A-Za-z])")
_KO_INTRO = re.compile(r" 기자(?:입니다|가|의|는|와|를)(?![가-힣])")
_KO_NAME_END = re.compile(rf"(?<![가-힣])({_KO_NAME})$")
_NOT_NAME_START = ("Reporter ", "Correspondent ", "Our ", "KBS ")


def find_signoffs(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Sign-off spans in ``text[start:end]``: (start, end, reporter name).

    Linear in the span: no search runs back to a line's start or on to its end once per
    sign-off (a long line of them would make that quadratic).
    """
    out: list[tuple[int, int, str]] = []
    looked_from, line_end = 0, -1  # the first line break (or ``end``) after looked_from
    for m in _SIGN_ANCHOR.finditer(text, start, end):
        lit = m[0]
        if lit == "KBS World Radio News":
            w0 = max(start, m.start() - 50)
            b = _NAME_BEFORE.search(text[w0:m.start()])
            if b:
                e = m.end() + (1 if text[m.end():m.end() + 1] == "." else 0)
                out.append((w0 + b.start(1), e, b[1]))
        elif lit == "KBS News":
            w0 = max(start, m.start() - 14)
            b = _THIS_IS_BEFORE.search(text[w0:m.start()])
            a = _NAME_AFTER.match(text, m.end(), end) if b else None
            if a:
                if not looked_from <= a.end() <= line_end:
                    looked_from, line_end = a.end(), text.find("\n", a.end(), end)
                    if line_end < 0:
                        line_end = end
                out.append((w0 + b.start(), line_end, a[1]))  # type: ignore[union-attr]
        else:
            a = _KO_AFTER.match(text, m.end(), end)
            if a:
                # from the line's start (or the span's) when it is at most 40 characters back
                reach = m.start() - 40
                nl = text.rfind("\n", max(0, reach - 1), m.start())
                s0 = max(start, nl + 1) if nl >= 0 else (start if start >= reach else m.start())
                out.append((s0, a.end(), a[1]))
    return out


def find_reporter(text: str, start: int, end: int,
                  signoffs: list[tuple[int, int, str]] | None = None) -> str | None:
    """The reporter of ``text[start:end]``: the sign-off wins over the introduction.

    ``signoffs`` are :func:`find_signoffs` of the same span when the caller has them already.
    """
    sign = find_signoffs(text, start, end) if signoffs is None else signoffs
    if sign:
        return sign[0][2]
    found: list[tuple[int, str]] = []
    # the regex starts with a character class, which makes a search try every position;
    # most stories lack its literal part, which str.find rules out at C speed
    m = (_REPORTER_BEFORE_NAME.search(text, start, end)
         if text.find("eporter ", start, end) >= 0 else None)
    if m:
        found.append((m.start(), m[1]))
    for m in _INTRO_AFTER_NAME.finditer(text, start, end):
        w0 = max(start, m.start() - 40)
        b = _NAME_END.search(text[w0:m.start()])
        if b:
            name = b[1]
            for pre in _NOT_NAME_START:
                if name.startswith(pre):
                    name = name[len(pre):]
            if " " in name:
                found.append((w0 + b.start(), name))
                break
    for m in _KO_INTRO.finditer(text, start, end):
        w0 = max(start, m.start() - 6)
        b = _KO_NAME_END.search(text[w0:m.start()])
        if b and b[1] not in _NOT_KO_NAMES:
            found.append((w0 + b.start(), b[1]))
            break
    return min(found)[1] if found else None
