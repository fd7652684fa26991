"""Broadcast-transcript structure: header, story split, segments, sound bites, byline.

``parse(text, hints)`` is the one entry point: it never raises on any text.

Modules, by job:

- :mod:`~dateline.transcript.header` — date line, title, programme, 입력/수정, Written/Updated
- :mod:`~dateline.transcript.split` — markers, header zone, repeated block, story split
- :mod:`~dateline.transcript.segments` — typing spans (anchor, report, soundbite, byline, noise…)
- :mod:`~dateline.transcript.quotes` — sound-bite labels and the quoted words
- :mod:`~dateline.transcript.byline` — the reporter
- :mod:`~dateline.transcript.language` — language by script and function words
"""

from __future__ import annotations

import gc
import logging

from dateline.model import Hints, ParsedDocument, ParsedStory, Segment

__all__ = ["parse", "plain"]

log = logging.getLogger(__name__)

#: texts from this long are parsed with the cyclic garbage collector paused (see :func:`parse`)
QUIET_GC_FROM = 65_536


def parse(text: str, hints: Hints | None = None) -> ParsedDocument:
    """Parse one record's text into stories with segments, quotes, times and byline.

    Never raises: on an internal error the whole text comes back as one narration story with a
    warning, so nothing a user gave is lost.

    A long text is parsed with the cyclic garbage collector paused: the parse makes no reference
    cycles, but a page of millions of lines makes millions of objects, and the collector's
    passes over all of them cost more per object as they grow (a page of 10 MB of line breaks
    took 12.6 s with it, 5.0 s without).  The collector runs again as it was afterwards.
    """
    hints = hints or Hints()
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    pause = len(text) >= QUIET_GC_FROM and gc.isenabled()
    if pause:
        gc.disable()
    try:
        from dateline.transcript.parser import parse_text

        return parse_text(text, hints)
    except Exception as exc:  # noqa: BLE001 - the contract is: never raise on any text
        log.exception("transcript parser failed; keeping the text as one narration story")
        return plain(text, hints, f"parser error ({type(exc).__name__}: {exc}); "
                                  "kept the text as one narration story")
    finally:
        if pause:
            gc.enable()


def plain(text: str, hints: Hints, warning: str) -> ParsedDocument:
    """The whole text as one narration story, with ``warning``: what a record becomes when the
    parser cannot read it (an internal error, or more time than the ingest allows)."""
    doc = ParsedDocument(warnings=[warning])
    if not text.strip():
        return doc
    story = ParsedStory(text=text, title=hints.title, date=hints.date, url=hints.url,
                        published_at=hints.published_at, program=hints.program,
                        language=hints.language, span=(0, len(text)),
                        segments=[Segment("narration", text, 0, len(text))])
    doc.stories.append(story)
    return doc
