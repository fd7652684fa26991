"""The HTML pages: the same data as the JSON API, rendered for people; no JavaScript needed."""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dateline.archive import Archive
from dateline.errors import DatelineError
from dateline.web import data
from dateline.web.app import borrow_archive
from dateline.web.params import Limits, check_page, check_query, parse_day, search_request

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
ArchiveDep = Annotated[Archive, Depends(borrow_archive)]
PAGE_SIZES = (10, 20, 50, 100)


def render(request: Request, template: str, context: dict[str, Any],
           status: int = 200) -> Response:
    context.setdefault("params", dict(request.query_params))
    context.setdefault("writes", request.app.state.allow_writes)
    return request.app.state.templates.TemplateResponse(request, template, context,
                                                        status_code=status)


def optional(fn: Callable[[], Any], what: str) -> Any:
    """The result of ``fn``, or None when that part of the archive is missing or fails cleanly
    (a page shows what it can; the API reports the error)."""
    try:
        return fn()
    except (DatelineError, NotImplementedError, AttributeError, TypeError) as exc:
        log.info("%s not shown: %s", what, exc)
        return None


def pager(total: int | None, page: int, size: int) -> dict[str, Any]:
    """Page numbers to link: first, last and a window around the current page."""
    last = max(1, -(-(total or 0) // size)) if total is not None else page + 1
    window = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    numbers: list[int | None] = []
    for n in window:
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)  # an ellipsis
        numbers.append(n)
    return {"page": page, "size": size, "last": last, "numbers": numbers,
            "prev": page - 1 if page > 1 else None, "next": page + 1 if page < last else None}


def month_range(start: str) -> tuple[str, str]:
    """First and last day of the month a timeline bucket starts."""
    d = date.fromisoformat(start[:10])
    last = calendar.monthrange(d.year, d.month)[1]
    return d.replace(day=1).isoformat(), d.replace(day=last).isoformat()


def _page_args(page: int, size: int, limits: Limits) -> tuple[int, int]:
    size = min(max(1, size), limits.max_page_size)
    limit, offset = check_page(size, (max(1, page) - 1) * size, limits)
    return limit, offset


@router.get("/")
def home(request: Request, arc: ArchiveDep) -> Response:
    stats = data.stats_data(arc)
    timeline = None
    if stats.get("first_date") and stats.get("last_date"):
        # every dated story: the month facet of a search for the archive's whole date range
        everything = f"date:{stats['first_date']}..{stats['last_date']}"
        found = optional(lambda: arc.search(everything, limit=1, snippets=False), "timeline")
        if found is not None:
            timeline = {"series": data.month_series(found.facets.get("month") or {})}
    people = optional(lambda: data.entities_data(arc, kind="person", top=12, date_from=None,
                                                 date_to=None), "top people")
    return render(request, "index.html", {"stats": stats, "timeline": timeline,
                                          "people": people})


@router.get("/search")
def search_page(
    request: Request,
    arc: ArchiveDep,
    q: str = "",
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    year: str | None = None,
    program: str | None = None,
    speaker: str | None = None,
    language: str | None = None,
    sort: Literal["relevance", "-date", "date"] = "relevance",
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1)] = 20,
    mode: str | None = None,
) -> Response:
    limits: Limits = request.app.state.limits
    limit, offset = _page_args(page, size, limits)
    req = search_request(q=q, date_from=date_from, date_to=date_to, year=year, program=program,
                         speaker=speaker, language=language, sort=sort, limit=limit,
                         offset=offset, limits=limits, mode=mode or None)
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    if req.is_empty():
        return render(request, "search.html", {"results": None, "req": req, "params": params,
                                               "timeline": None, "pager": None})
    results = data.search_data(arc, req)
    # the month facet of the results is their timeline: no second query needed; the stories
    # without a date are in no month, and the page says how many
    months = results.get("facets", {}).get("month") or {}
    timeline = {"series": data.month_series(months),
                "undated": max(0, int(results.get("total") or 0) - sum(months.values()))
                if months else 0}

    def month_link(bucket: str) -> str:
        first, last = month_range(bucket)
        from dateline.web.templating import url_query

        return "/search" + url_query(params, **{"from": first, "to": last, "year": None})

    return render(request, "search.html", {
        "results": results, "req": req, "params": params, "timeline": timeline,
        "month_link": month_link, "pager": pager(results.get("total"), page, limit),
        "page_sizes": PAGE_SIZES,
    })


@router.get("/stories/{story_id}")
def story_page(request: Request, arc: ArchiveDep, story_id: str) -> Response:
    check_query(story_id, request.app.state.limits, name="story id")
    story = data.story_data(arc, story_id)
    if story["id"] != story_id:  # a prefix: send the reader to the one address of the story
        return RedirectResponse(f"/stories/{story['id']}", status_code=301)
    similar = optional(lambda: data.similar_data(arc, story["id"], 8), "similar stories")
    return render(request, "story.html", {"story": story, "similar": similar})


@router.get("/entities")
def entities_page(
    request: Request,
    arc: ArchiveDep,
    kind: Literal["person", "org", "place", ""] = "person",
    top: Annotated[int, Query(ge=1)] = 100,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    data.require(arc, "entities", "the entity list")
    top, _ = check_page(top, 0, request.app.state.limits)
    result = data.entities_data(arc, kind=kind or None, top=top,
                                date_from=parse_day(date_from, name="from date"),
                                date_to=parse_day(date_to, end=True, name="to date"))
    return render(request, "entities.html", {"result": result, "kind": kind})


@router.get("/entities/{entity_id:path}")
def entity_page(request: Request, arc: ArchiveDep, entity_id: str) -> Response:
    check_query(entity_id, request.app.state.limits, name="entity")
    data.require(arc, "entity", "entity pages")
    entity = data.entity_data(arc, entity_id, timeline=False)
    name = entity.get("name") or entity_id
    timeline = optional(lambda: data.timeline_data(
        arc, entity=str(entity.get("id") or name), by="month"), "entity timeline")
    field = {"person": "person", "org": "org", "organization": "org",
             "place": "place"}.get(str(entity.get("kind") or ""), "")
    term = f'{field}:"{name}"' if field else f'"{name}"'

    def month_link(bucket: str) -> str:
        from dateline.web.templating import url_query

        first, last = month_range(bucket)
        return "/search" + url_query({"q": term, "from": first, "to": last})

    return render(request, "entity.html", {"entity": entity, "timeline": timeline,
                                           "month_link": month_link, "search_term": term})


@router.get("/quotes")
def quotes_page(
    request: Request,
    arc: ArchiveDep,
    q: str = "",
    speaker: str = "",
    role: str = "",
    organization: str = "",
    language: str = "",
    kind: Literal["soundbite", "direct", "reported", ""] = "",
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1)] = 20,
) -> Response:
    limits: Limits = request.app.state.limits
    data.require(arc, "quotes", "quote search")
    limit, offset = _page_args(page, size, limits)
    args = {
        "query": check_query(q, limits) or None,
        "speaker": check_query(speaker, limits, name="speaker") or None,
        "role": check_query(role, limits, name="role") or None,
        "organization": check_query(organization, limits, name="organization") or None,
        "language": check_query(language, limits, name="language") or None,
        "kind": kind or None,
        "date_from": parse_day(date_from, name="from date"),
        "date_to": parse_day(date_to, end=True, name="to date"),
    }
    result = data.quotes_data(arc, **args, limit=limit, offset=offset)
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    total = result.get("total")
    return render(request, "quotes.html", {
        "result": result, "params": params,
        "pager": pager(total if isinstance(total, int) else None, page, limit),
    })


@router.get("/stats")
def stats_page(request: Request, arc: ArchiveDep) -> Response:
    stats = data.stats_data(arc)
    by_year = [{"start": f"{y}-01-01", "count": n} for y, n in (stats.get("by_year") or {}).items()
               if y and str(y).isdigit()]
    return render(request, "stats.html", {"stats": stats, "by_year": by_year})


@router.get("/rejects")
def rejects_page(request: Request, arc: ArchiveDep, page: Annotated[int, Query(ge=1)] = 1,
                 size: Annotated[int, Query(ge=1)] = 50,
                 wpage: Annotated[int, Query(ge=1)] = 1) -> Response:
    """Rejected sources, then the warnings about stored ones; each list has its own pages."""
    limits = request.app.state.limits
    limit, offset = _page_args(page, size, limits)
    result = data.rejects_data(arc, limit=limit, offset=offset)
    wlimit, woffset = _page_args(wpage, size, limits)
    warnings = data.warnings_data(arc, limit=wlimit, offset=woffset)
    params = dict(request.query_params)
    return render(request, "rejects.html", {
        "result": result, "warnings": warnings,
        "pager": pager(result["total"], page, limit),
        "wpager": pager(warnings["total"], wpage, wlimit),
        "rparams": {k: v for k, v in params.items() if k != "page"},
        "wparams": {k: v for k, v in params.items() if k != "wpage"},
    })


@router.get("/docs")
def docs_page(request: Request) -> Response:
    """Our own API reference page (no third-party assets): generated from the OpenAPI schema."""
    schema = request.app.openapi()
    endpoints = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            params = [
                {"name": p.get("name"), "in": p.get("in"), "required": p.get("required", False),
                 "description": p.get("description") or "",
                 "type": _schema_type(p.get("schema") or {})}
                for p in op.get("parameters", [])
            ]
            endpoints.append({"method": method.upper(), "path": path,
                              "summary": op.get("summary") or "",
                              "description": op.get("description") or "", "params": params})
    return render(request, "docs.html", {"endpoints": endpoints, "schema": schema})


def _schema_type(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " | ".join(_schema_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    return str(schema.get("type", ""))
