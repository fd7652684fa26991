"""Jinja2 set-up of the HTML pages: autoescaping on, and the few filters the templates use."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi.templating import Jinja2Templates

from dateline import __version__
from dateline.model import SEOUL
from dateline.transcript.language import LANGUAGE_CODES
from dateline.web.charts import MONTHS, bar_chart
from dateline.web.data import safe_snippet
from dateline.web.params import MODE_LABELS, SORT_LABELS, Limits

HERE = Path(__file__).resolve().parent

SEGMENT_LABELS = {
    "header": "Header",
    "anchor": "Anchor lead",
    "report": "Report",
    "soundbite": "Sound bite",
    "narration": "Narration",
    "byline": "Byline",
    "noise": "Page furniture",
}
FACET_LABELS = {
    "year": "Year",
    "month": "Month",
    "program": "Programme",
    "speaker": "Speaker",
    "language": "Language",
}
#: names of the ISO 639-1 codes dateline writes (the labels' own names, "mandarin" aside)
LANGUAGE_NAMES = {code: name.title() for name, code in LANGUAGE_CODES.items()
                  if name != "mandarin"}


def when(value: Any, style: str = "long") -> str:
    """A date or time as a journalist reads it: ``21 Nov 2018, 14:05 KST``."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value or " " in value \
                else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        local, zone = (value.astimezone(SEOUL), "KST") if value.tzinfo else (value, "")
        text = f"{local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"
        return f"{text} {zone}".strip()
    if isinstance(value, date):
        if style == "short":
            return value.isoformat()
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return str(value)


_MARKER = re.compile(r"^\s*(?:\[[^\]\n]{1,24}\]|(?:Anchor|Report|Reporter|앵커|리포트)\s*:)\s*")


def unmarked(text: Any) -> str:
    """A segment's text without the transcript marker it opens with (``[Pkg]``, ``Anchor:``):
    the page shows the segment's kind as its label instead."""
    return _MARKER.sub("", str(text or ""), count=1).strip()


def language_name(code: Any) -> str:
    if not code:
        return ""
    return LANGUAGE_NAMES.get(str(code).lower(), str(code))


def url_query(params: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from ``params`` with ``changes`` applied (None or "" removes a key)."""
    merged = {**params, **changes}
    items = [(k, v) for k, v in merged.items() if v not in (None, "", False)]
    return "?" + urlencode(items) if items else "?"


def path_quote(value: Any) -> str:
    """A value made safe for one path segment (entity names hold spaces, slashes, Hangul)."""
    return quote(str(value), safe="")


def number(value: Any) -> str:
    if isinstance(value, float) and value != int(value):
        return f"{value:,.2f}"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def make_templates(limits: Limits) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped unless marked safe (only cleaned snippets are)
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,
    )
    env.filters.update(
        when=when,
        snippet=safe_snippet,
        language_name=language_name,
        unmarked=unmarked,
        path_quote=path_quote,
        number=number,
    )
    env.globals.update(
        url_query=url_query,
        bar_chart=bar_chart,
        SORT_LABELS=SORT_LABELS,
        MODE_LABELS=MODE_LABELS,
        SEGMENT_LABELS=SEGMENT_LABELS,
        FACET_LABELS=FACET_LABELS,
        limits=limits,
        version=__version__,
    )
    return Jinja2Templates(env=env)
