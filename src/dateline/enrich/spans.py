"""Lookups the entity extractor makes once per mention, token or segment, in a time that does
not grow with the story.

The extractor claims the span of each mention and refuses a later one that overlaps it.
Testing a span against every span taken before costs a time quadratic in the number of
mentions: a story of 10 MB (200,000 mentions) took hours.  In :class:`TakenSpans` each character
knows whether a taken span covers it, so testing or taking a span costs its own length.
:class:`FirstHit` and :class:`KnownNouns` do the same for the tokens of a run of capitalised
words and the proper nouns of a segment.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

_ONE = b"\x01"


class TakenSpans:
    """Spans ``[start, end)`` of a text of ``size`` characters, taken one after another.

    :meth:`free` answers exactly as ``all(end <= a or start >= b for a, b in taken)`` over the
    spans taken so far, empty spans included on either side: an empty span ``(a, a)`` taken
    blocks the spans that hold ``a`` strictly inside, and an empty span ``(s, s)`` is not free
    when a taken span holds ``s`` strictly inside.
    """

    __slots__ = ("_cover", "_inner", "_point", "_taken", "_odd")

    def __init__(self, size: int):
        self._cover = bytearray(size + 1)  # characters inside a taken span
        self._inner = bytearray(size + 1)  # positions strictly inside a taken span (a < p < b)
        self._point = bytearray(size + 1)  # where an empty span was taken
        self._taken: list[tuple[int, int]] = []  # all of them, for an odd span asked about
        self._odd: list[tuple[int, int]] = []  # taken end first or before 0 (never seen)

    def free(self, start: int, end: int) -> bool:
        if end < start or start < 0:
            return all(end <= a or start >= b for a, b in self._taken)
        if self._odd and not all(end <= a or start >= b for a, b in self._odd):
            return False
        if end == start:
            return self._inner.find(_ONE, start, start + 1) < 0
        return self._cover.find(_ONE, start, end) < 0 and self._point.find(_ONE, start + 1, end) < 0

    def take(self, start: int, end: int) -> None:
        self._taken.append((start, end))
        if end < start or start < 0:
            self._odd.append((start, end))
        elif end == start:
            _mark(self._point, start, start + 1)
        else:
            _mark(self._cover, start, end)
            _mark(self._inner, start + 1, end)


def _mark(marks: bytearray, start: int, end: int) -> None:
    if end > len(marks):  # a span past the text's end (never seen): grow to hold it
        marks.extend(bytes(end - len(marks)))
    marks[start:end] = _ONE * (end - start)


class FirstHit:
    """The first index from a start up to a limit where ``test`` holds; the starts only grow
    and the limits only shrink, so each index is tested once."""

    def __init__(self, test: Callable[[int], bool]):
        self.test = test
        self.at = 0  # no hit before it (from the last start); a hit at it if it was tested

    def first(self, start: int, limit: int) -> int | None:
        self.at = max(self.at, start)
        while self.at < limit and not self.test(self.at):
            self.at += 1
        return self.at if self.at < limit else None


class KnownNouns:
    """A story's proper nouns (form, start, end) as analysed before, looked up per segment: by
    bisection when they are in text order (as analysed), else by a scan (a scan of all of them
    per segment was quadratic on a page of many segments)."""

    def __init__(self, nouns: list[tuple[str, int, int]]):
        self.nouns = nouns
        starts = [a for _form, a, _b in nouns]
        ordered = all(x <= y for x, y in zip(starts, starts[1:], strict=False))
        self.starts = starts if ordered else None
        self.sized = all(a < b for _form, a, b in nouns)  # none empty (or ends before it starts)

    def within(self, start: int, end: int) -> list[tuple[str, int, int]]:
        """Those that lie in ``[start, end]``, in order."""
        if self.starts is None:
            return [(form, a, b) for form, a, b in self.nouns if start <= a and b <= end]
        lo, hi = bisect_left(self.starts, start), bisect_right(self.starts, end)
        return [noun for noun in self.nouns[lo:hi] if noun[2] <= end]

    def inside(self, spans: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
        """Those that lie in one of ``spans``, in order: as ``[n for n in nouns if any(a <= n[1]
        and n[2] <= b for a, b in spans)]``, by bisection per span when the spans are in order
        and do not overlap and no noun is empty (each then lies in one span at most)."""
        ordered = all(b <= c for (_, b), (c, _) in zip(spans, spans[1:], strict=False))
        if self.starts is None or not ordered or not self.sized:
            return [(f, x, y) for f, x, y in self.nouns if any(a <= x and y <= b for a, b in spans)]
        return [noun for a, b in spans for noun in self.within(a, b)]
