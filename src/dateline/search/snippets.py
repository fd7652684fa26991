"""Snippets: a window of a story's text around the matched words, HTML-safe, terms in ``<mark>``.

Every engine renders through :func:`render` so the output format is the same everywhere: all text
is escaped with :func:`html.escape` and only the ``<mark>``/``</mark>`` tags are markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

__all__ = ["MAX_CHARS", "find_substrings", "lead", "plain", "render", "snippet", "tidy"]

MAX_CHARS = 200


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def render(fragment: str, spans: Iterable[tuple[int, int]], *, prefix: str = "",
           suffix: str = "") -> str:
    """Escape ``fragment`` and wrap the character ``spans`` in ``<mark>``."""
    parts = [prefix]
    pos = 0
    for s, e in _merge(spans):
        s, e = max(s, pos), min(e, len(fragment))
        if s >= e:
            continue
        parts.append(html.escape(fragment[pos:s]))
        parts.append(f"<mark>{html.escape(fragment[s:e])}</mark>")
        pos = e
    parts.append(html.escape(fragment[pos:]))
    parts.append(suffix)
    return tidy("".join(parts))


def tidy(html_text: str) -> str:
    """Runs of white space as one space, none at the ends (the last step of :func:`render`)."""
    # str.split() and the regex \s agree on what white space is; splitting is 4x faster
    return " ".join(html_text.split())


def find_substrings(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of every case-insensitive occurrence of each needle (used for Korean forms)."""
    low = text.lower()
    spans = []
    for needle in needles:
        if not needle:
            continue
        start = low.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = low.find(needle, start + len(needle))
    return spans


def _window(text: str, spans: list[tuple[int, int]], max_chars: int) -> tuple[int, int]:
    """The ``max_chars`` window holding the most spans (starting near a word boundary)."""
    best, best_start = -1, 0
    for i, (s, _) in enumerate(spans):
        n = sum(1 for s2, e2 in spans[i:] if e2 <= s + max_chars)
        if n > best:
            best, best_start = n, s
    start = max(0, best_start - max_chars // 4)
    if start > 0:
        space = text.rfind(" ", 0, start)
        if space >= 0 and best_start - space < max_chars // 2:
            start = space + 1
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > best_start:
            end = space
    return start, end


def snippet(text: str, spans: Iterable[tuple[int, int]], max_chars: int = MAX_CHARS) -> str:
    """An HTML snippet of ``text`` around the given match ``spans`` (the lead if none)."""
    merged = _merge(spans)
    if not merged:
        return lead(text, max_chars)
    start, end = _window(text, merged, max_chars)
    local = [(s - start, e - start) for s, e in merged if s >= start and e <= end]
    return render(text[start:end], local, prefix="…" if start > 0 else "",
                  suffix="…" if end < len(text) else "")


def lead(text: str, max_chars: int = MAX_CHARS) -> str:
    """The escaped opening of ``text`` (shown when nothing in the text itself matched)."""
    if len(text) <= max_chars:
        return render(text, [])
    end = text.rfind(" ", 0, max_chars)
    end = end if end > max_chars // 2 else max_chars
    return render(text[:end], [], suffix="…")


_MARKS = re.compile(r"(</?mark>)")


def plain(snippet_html: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet as plain text and the ``(start, end)`` character offsets of its highlights
    in that text: what machine formats give instead of HTML (``&lt;앵커 멘트&gt;`` becomes
    ``<앵커 멘트>``).  Unbalanced marks are closed at the end."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    opened: int | None = None
    for piece in _MARKS.split(snippet_html):
        if piece == "<mark>":
            if opened is None:
                opened = pos
        elif piece == "</mark>":
            if opened is not None:
                if pos > opened:
                    spans.append((opened, pos))
                opened = None
        elif piece:
            chunk = html.unescape(piece)
            text.append(chunk)
            pos += len(chunk)
    if opened is not None and pos > opened:
        spans.append((opened, pos))
    return "".join(text), spans
