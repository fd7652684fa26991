"""Small text helpers shared by the transcript modules: lines with offsets, quote marks, names."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: opening and closing quote marks the transcripts use
OPEN_QUOTES = "\"“"
CLOSE_QUOTES = "\"”"
ALL_QUOTES = "\"“”"

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_PARENS = re.compile(r"[()]")
#: a character that is no whitespace: ``\s`` in a ``str`` pattern is exactly what ``str.isspace``
#: and ``str.strip`` take for whitespace
NON_SPACE = re.compile(r"\S")


@dataclass(slots=True)
class Line:
    """One line of the record: ``text[start:end]`` without its newline; ``s`` the stripped text."""

    start: int
    end: int
    s: str


def split_lines(text: str) -> list[Line]:
    """Lines of ``text`` with their offsets (newline excluded)."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):  # one C-level split: much cheaper than a find() per line
        end = pos + len(raw)
        out.append(Line(pos, end, raw.strip()))
        pos = end + 1
    return out


def words(s: str) -> list[str]:
    """Whitespace-separated words of a literal word list."""
    return s.split()


def squash(s: str) -> str:
    """Collapse whitespace runs to one space and strip."""
    return " ".join(s.split())


def has_hangul(s: str) -> bool:
    # isascii() reads a flag CPython keeps on every string: most English texts need no scan
    return not s.isascii() and _HANGUL.search(s) is not None


def strip_quote_marks(s: str) -> str:
    """Remove one pair (or a lone opening/closing mark) of surrounding quote marks."""
    s = s.strip()
    if s and s[0] in OPEN_QUOTES:
        s = s[1:]
    if s and s[-1] in CLOSE_QUOTES:
        s = s[:-1]
    return s.strip()


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace."""
    if start >= end:
        return start, end
    if text[start].isspace():
        m = NON_SPACE.search(text, start, end)
        if m is None:
            return end, end
        start = m.start()
    return start, content_end(text, start, end)


def content_end(text: str, start: int, end: int) -> int:
    """Where ``text[start:end]`` ends without its trailing whitespace (``start`` if it is all
    whitespace, ``end`` if it is empty): one C-level strip, not a walk back one character at
    a time."""
    if end <= start or not text[end - 1].isspace():
        return end
    return start + len(text[start:end].rstrip())


def split_top_parens(s: str) -> tuple[str, list[str], bool]:
    """Split ``"Name (Role (x)) (Korean)"`` into the text outside brackets and the top-level
    bracket contents; the last flag is True when a bracket is left open (a cut label)."""
    if "(" not in s:  # no bracket opens: all is base text (a stray ")" included)
        return s.strip(), [], False
    base: list[str] = []
    groups: list[str] = []
    depth = 0
    run_start = 0  # where the current base text or top-level group began
    for m in _PARENS.finditer(s):
        at = m.start()
        if m[0] == "(":
            if depth == 0:
                base.append(s[run_start:at])
                run_start = at + 1
            depth += 1
        elif depth > 0:  # a ")" outside any bracket stays in the base text
            depth -= 1
            if depth == 0:
                groups.append(s[run_start:at].strip())
                run_start = at + 1
    if depth == 0:
        base.append(s[run_start:])  # (the words of a bracket left open are dropped)
    return "".join(base).strip(), groups, depth > 0


def drop_nested_parens(s: str) -> str:
    """``"Witness(VOICE MODIFIED)"`` → ``"Witness"``: bracketed qualifiers removed."""
    base, _groups, _cut = split_top_parens(s)
    return squash(base)
