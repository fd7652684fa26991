"""The data behind every page and API endpoint, built from :class:`~dateline.Archive` calls only.

Each ``*_data`` function returns a JSON-ready ``dict``: the API sends it as it is, the HTML pages
render it with a template.  One set of functions means a page never shows something the API
cannot give, and the same checks (limits, path scrubbing, snippet cleaning) apply to both.

No file-system path leaves this module: source *names* are shown, origins and the archive
folder never are.
"""

from __future__ import annotations

import html
import logging
import math
import re
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from dateline.errors import DatelineError
from dateline.export import story_record
from dateline.search.snippets import plain as plain_snippet
from dateline.web.params import SearchRequest

if TYPE_CHECKING:
    from dateline.archive import Archive

log = logging.getLogger(__name__)

#: keys that may carry a file-system path; dropped from every payload
PATH_KEYS = frozenset({"origin", "archive", "path", "folder"})
_MARK_SPLIT = re.compile(r"(</?mark>)")
_ABS_PATH = re.compile(r"(?:[A-Za-z]:[\\/]|/)(?:[^\s'\"]+[\\/])+([^\s'\"\\/]+)")


# ----------------------------------------------------------------------------- helpers


def plain(obj: Any) -> Any:
    """A JSON-ready copy of ``obj``: ``to_dict()`` results, dataclasses, dates as ISO 8601.

    Every payload passes through here, so the common types are looked up first, by exact type.
    """
    kind = type(obj)
    if kind is str or kind is int or kind is bool or obj is None:
        return obj
    if kind is dict:
        return {k if type(k) is str else str(k): plain(v) for k, v in obj.items()
                if k not in PATH_KEYS}
    if kind is list or kind is tuple:
        return [plain(v) for v in obj]
    if kind is float:
        return obj if math.isfinite(obj) else None  # NaN and infinities are not JSON
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        obj = obj.to_dict()
    elif is_dataclass(obj) and not isinstance(obj, type):
        obj = asdict(obj)
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items() if str(k) not in PATH_KEYS}
    if isinstance(obj, list | tuple | set | frozenset):
        return [plain(v) for v in obj]
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def public_name(name: str | None) -> str | None:
    """A source name fit to show: an absolute path is cut down to its file name."""
    if not name:
        return name
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", name):
        pure = PureWindowsPath(name) if "\\" in name else PurePosixPath(name)
        return pure.name
    return name


def scrub_paths(text: str | None) -> str | None:
    """Absolute paths inside a message (a reject reason) replaced by their file names."""
    if not text:
        return text
    return _ABS_PATH.sub(lambda m: m.group(1), text)


def clean_snippet(snippet: str) -> str:
    """A snippet that is HTML-safe with ``<mark>`` as its only markup, whatever came in.

    Engines promise escaped text with ``<mark>`` around the matches; this keeps that promise
    for them: the text between the marks is unescaped and escaped again (a no-op on good input,
    and any other tag becomes visible text), and the marks are balanced.
    """
    out: list[str] = []
    depth = 0
    for piece in _MARK_SPLIT.split(snippet):
        if piece == "<mark>":
            if depth == 0:
                out.append(piece)
                depth = 1
        elif piece == "</mark>":
            if depth == 1:
                out.append(piece)
                depth = 0
        elif piece:
            out.append(str(escape(html.unescape(piece))))
    if depth:
        out.append("</mark>")
    return "".join(out)


def safe_snippet(snippet: str) -> Markup:
    """:func:`clean_snippet` as markup a template may print without escaping."""
    return Markup(clean_snippet(snippet))  # noqa: S704 (cleaned above: only <mark> remains)


# ----------------------------------------------------------------------------- search


def search_data(arc: Archive, req: SearchRequest) -> dict[str, Any]:
    """Search results with cleaned snippets, facets, warnings and the request echoed back."""
    query = req.engine_query()
    start, end = req.effective_range()
    results = arc.search(query, date_from=start, date_to=end, sort=req.sort, limit=req.limit,
                         offset=req.offset, facets=bool(req.facets), mode=req.mode)
    data = plain(results)
    data["facets"] = {name: values for name, values in (data.get("facets") or {}).items()
                      if name in req.facets}
    for hit in data.get("hits", []):
        hit["snippets"] = [clean_snippet(s) for s in hit.get("snippets") or []]
        # the same words for programs: plain text, the matches as character offsets
        hit["snippets_plain"] = [dict(zip(("text", "highlights"), plain_snippet(s),
                                          strict=True)) for s in hit["snippets"]]
    data["query"] = query
    data["request"] = {
        "q": req.q,
        "from": req.date_from.isoformat() if req.date_from else None,
        "to": req.date_to.isoformat() if req.date_to else None,
        "year": req.year,
        "filters": dict(req.filters),
        "sort": req.sort,
        "limit": req.limit,
        "offset": req.offset,
        "facets": list(req.facets),
        "mode": results.mode,
    }
    return data


# ----------------------------------------------------------------------------- stories


def similar_data(arc: Archive, story_id: str, limit: int = 10) -> dict[str, Any]:
    """Stories nearest in meaning to a story (semantic search's "more like this")."""
    results = arc.similar(story_id, limit=limit)
    data = plain(results)
    for hit in data.get("hits", []):
        hit["snippets"] = [clean_snippet(s) for s in hit.get("snippets") or []]
    data["story"] = arc.get(story_id).id
    return data


def _segment_quotes(segments: list[dict[str, Any]], quotes: list[dict[str, Any]]) -> None:
    """Attach to each segment the quotes that start inside it (a sound bite's speaker)."""
    for seg in segments:
        seg["quotes"] = [q for q in quotes
                         if seg["start"] <= q.get("start", -1) < max(seg["end"], seg["start"] + 1)]


def story_data(arc: Archive, story_id: str) -> dict[str, Any]:
    """One story: metadata, segments with their text and speakers, source, revisions, dups."""
    story = arc.get(story_id)
    record = story_record(story)
    record["source"] = public_name(story.source_name)
    quotes = [
        {"speaker": q.speaker, "role": q.role, "organization": q.organization,
         "language": q.language, "language_label": q.language_label, "kind": q.kind,
         "label": q.label, "text": q.text,
         "start": q.start, "end": q.end}
        for q in story.quotes
    ]
    segments = [{"kind": s.kind, "start": s.start, "end": s.end, "text": s.text}
                for s in story.segments]
    if not segments:
        segments = [{"kind": "report", "start": 0, "end": len(story.text), "text": story.text}]
    _segment_quotes(segments, quotes)
    record["segments"] = segments
    record["quotes"] = quotes
    info = arc.source(story.source_id)
    record["source_info"] = {
        "name": public_name(info.get("name")),
        "sha256": info.get("sha256"),
        "size": info.get("size"),
        "reader": info.get("reader"),
        "encoding": info.get("encoding"),
        "ingested_at": info.get("ingested_at"),
    }
    record["revisions"] = [
        {"revision": r.get("revision"), "title": r.get("title"),
         "published_at": r.get("published_at"), "updated_at": r.get("updated_at"),
         "source": public_name(r.get("source")), "ingested_at": r.get("ingested_at"),
         "text_hash": r.get("text_hash"), "current": r.get("revision") == story.revision}
        for r in arc.revisions(story.id)
    ]
    record["duplicates"] = arc.duplicates(story.id)
    extras: dict[str, Any] = {}
    for method in ("story_extras", "analysis_extras"):
        fn = getattr(arc, method, None)
        if fn is None:
            continue
        try:
            extras.update(plain(fn(story.id)))
        except NotImplementedError:
            continue
    # the enricher's view of each quote carries the speaker's entity id: join it by offset
    found_quotes = [q for q in extras.pop("quotes", None) or [] if isinstance(q, dict)]
    by_start = {q.get("start"): q for q in found_quotes}
    for q in quotes:
        found = by_start.get(q["start"])
        if found:
            q["entity_id"] = found.get("entity_id")
            q["entity"] = found.get("entity")
            q["organization_id"] = found.get("organization_id")
    record["speakers"] = speakers(found_quotes or quotes)
    mentioned: dict[str, dict[str, Any]] = {}
    for e in extras.get("entities") or []:
        key = str(e.get("id") or e.get("name"))
        if key not in mentioned:
            mentioned[key] = {"id": e.get("id"), "kind": e.get("kind"),
                              "name": e.get("name") or e.get("surface"), "mentions": 0}
        mentioned[key]["mentions"] += 1
    record["mentioned"] = sorted(mentioned.values(), key=lambda e: (-e["mentions"],
                                                                     str(e["name"])))
    for key, value in extras.items():
        record.setdefault(key, value)
    return plain(record)


def speakers(quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who speaks in a story, each speaker once (by entity, else by name as written), in the
    order they first speak, with how many quotes of each kind: the quotes the quote search
    counts (sound bites and reported speech) when the story was enriched."""
    out: dict[str, dict[str, Any]] = {}
    for q in quotes:
        name = q.get("entity") or q.get("speaker") or q.get("organization")
        key = str(q.get("entity_id") or (name or "").casefold() or "unattributed")
        who = out.get(key)
        if who is None:
            who = out[key] = {"speaker": q.get("entity") or q.get("speaker"),
                              "entity": q.get("entity"), "entity_id": q.get("entity_id"),
                              "organization": q.get("organization"),
                              "organization_id": q.get("organization_id"),
                              "role": q.get("role"), "kinds": {}}
        who["role"] = who["role"] or q.get("role")
        kind = str(q.get("kind") or "soundbite")
        who["kinds"][kind] = who["kinds"].get(kind, 0) + 1
    order = {"soundbite": 0, "direct": 1, "reported": 2}
    for who in out.values():
        who["kinds"] = dict(sorted(who["kinds"].items(), key=lambda kv: order.get(kv[0], 3)))
    return list(out.values())


# ----------------------------------------------------------------------------- entities


def entity_data(arc: Archive, name_or_id: str, *, timeline: bool = True) -> dict[str, Any]:
    """An entity's profile (aliases, titles, counts, co-mentions, quotes) and its timeline."""
    data = plain(arc.entity(name_or_id))
    if timeline:
        key = data.get("id") or data.get("name") or name_or_id
        data["timeline"] = timeline_data(arc, entity=str(key), by="month")
    return data


def entities_data(arc: Archive, *, kind: str | None, top: int, date_from: date | None,
                  date_to: date | None) -> dict[str, Any]:
    result = plain(arc.entities(kind=kind, top=top, date_from=date_from, date_to=date_to))
    if isinstance(result, list):
        result = {"entities": result}
    result.setdefault("kind", kind)
    return result


def quotes_data(arc: Archive, **kwargs: Any) -> dict[str, Any]:
    result = plain(arc.quotes(**kwargs))
    if isinstance(result, list):
        result = {"hits": result, "total": None}
    for hit in result.get("hits") or []:
        if hit.get("snippet"):
            hit["snippet"] = clean_snippet(hit["snippet"])
    result["request"] = plain({k: v for k, v in kwargs.items()})
    return result


def timeline_data(arc: Archive, **kwargs: Any) -> dict[str, Any]:
    result = plain(arc.timeline(**kwargs))
    if isinstance(result, list):
        result = {"buckets": result}
    result["series"] = series(result)
    if result.get("normalised"):
        shares = [b.get("share") for b in result.get("buckets") or []]
        if len(shares) == len(result["series"]):
            for point, share in zip(result["series"], shares, strict=True):
                point["count"] = float(share or 0.0)
    return result


def cooccurrence_data(arc: Archive, entity: str, **kwargs: Any) -> dict[str, Any]:
    result = plain(arc.cooccurrence(entity, **kwargs))
    if isinstance(result, list):
        result = {"entity": entity, "items": result}
    return result


_DATE_KEYS = ("start", "date", "bucket", "period", "month", "key", "label")
_COUNT_KEYS = ("count", "n", "value", "stories", "mentions", "total")


def series(data: Any) -> list[dict[str, Any]]:
    """A timeline as ``[{"start": "2018-11-01", "count": 3}, …]``, whatever its container."""
    items: Any = data
    if isinstance(data, dict):
        for key in ("buckets", "series", "points", "counts", "data", "items"):
            if isinstance(data.get(key), list):
                items = data[key]
                break
        else:
            return []
    out: list[dict[str, Any]] = []
    for item in items or []:
        start: Any = None
        count: Any = None
        if isinstance(item, list | tuple) and len(item) >= 2:
            start, count = item[0], item[1]
        elif isinstance(item, dict):
            start = next((item[k] for k in _DATE_KEYS if item.get(k) is not None), None)
            count = next((item[k] for k in _COUNT_KEYS if item.get(k) is not None), None)
        if start is None or count is None:
            continue
        try:
            value = float(count)
        except (TypeError, ValueError):
            continue
        out.append({"start": str(start)[:10], "count": value})
    return out


def month_series(month_counts: dict[str, int]) -> list[dict[str, Any]]:
    """``{"2018-11": 3, …}`` (a search's month facet) as a gap-free monthly series."""
    months: dict[tuple[int, int], int] = {}
    for key, n in month_counts.items():
        try:
            y, m = int(key[:4]), int(key[5:7])
        except (ValueError, TypeError):
            continue
        if 1 <= m <= 12:
            months[(y, m)] = months.get((y, m), 0) + int(n)
    if not months:
        return []
    (y, m), last = min(months), max(months)
    out: list[dict[str, Any]] = []
    while (y, m) <= last and len(out) < 2400:
        out.append({"start": f"{y:04d}-{m:02d}-01", "count": months.get((y, m), 0)})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# ----------------------------------------------------------------------------- stats, rejects


def stats_data(arc: Archive) -> dict[str, Any]:
    """Archive counts; the archive's folder is not among them."""
    data = plain(arc.stats())
    data.pop("archive", None)
    return data


def rejects_data(arc: Archive, *, limit: int, offset: int) -> dict[str, Any]:
    rows = arc.rejects(limit, offset)
    total = arc.stats().get("rejects")
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "rejects": [
            {"id": r.id, "source": public_name(r.name), "place": r.locator or None,
             "reason": scrub_paths(r.reason), "sha256": r.sha256, "created_at": r.created_at}
            for r in rows
        ],
    }


def warnings_data(arc: Archive, *, limit: int, offset: int) -> dict[str, Any]:
    """What the readers and the parser warned about in stored sources, with the place."""
    rows = arc.warnings(limit, offset)
    return {
        "total": arc.stats().get("warnings"),
        "limit": limit,
        "offset": offset,
        "warnings": [
            {"source": public_name(w.source), "place": w.place,
             "message": scrub_paths(w.message), "ingested_at": w.ingested_at}
            for w in rows
        ],
    }


class NotAvailable(DatelineError):
    """A part of the archive a page needs is not in this version of dateline."""

    code = "not_available"
    status = 501


def require(arc: Archive, method: str, feature: str) -> None:
    """Raise a clean 501 when a part of the archive this page needs is not available."""
    if not hasattr(arc, method):
        raise NotAvailable(f"not available in this version of dateline: {feature}")
