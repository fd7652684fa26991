"""The JSON API: one endpoint per page's data, all read-only, all answering errors in one shape.

Every successful answer is an object with ``"ok": true`` beside the data; every error is
``{"ok": false, "error": "...", "status": N, "code": "..."}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from dateline.archive import Archive
from dateline.web import data
from dateline.web.app import APIResponse, borrow_archive
from dateline.web.params import Limits, check_page, check_query, parse_day, search_request


class ErrorBody(BaseModel):
    """The one error shape of the API."""

    ok: Literal[False] = False
    error: str
    status: int
    code: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "bad query or parameter"},
    404: {"model": ErrorBody, "description": "no such story or entity"},
    500: {"model": ErrorBody, "description": "internal error"},
    501: {"model": ErrorBody, "description": "feature not available"},
}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS,
                   default_response_class=APIResponse)

ArchiveDep = Annotated[Archive, Depends(borrow_archive)]
Q = Annotated[str, Query(description="query: words, \"phrases\", AND/OR/NOT, -word, field:value "
                         "(title, speaker, person, org, place, program, lang), "
                         "date:2018-01..2018-12")]
From = Annotated[str | None, Query(alias="from", description="first day: YYYY, YYYY-MM or "
                                   "YYYY-MM-DD (inclusive)")]
To = Annotated[str | None, Query(alias="to", description="last day: YYYY, YYYY-MM or "
                                 "YYYY-MM-DD (inclusive)")]
Limit = Annotated[int, Query(ge=1, description="results per page (at most the max_page_size "
                             "setting)")]
Offset = Annotated[int, Query(ge=0, description="results to skip")]
Sort = Literal["relevance", "-date", "date"]
Interval = Literal["day", "week", "month", "quarter", "year"]


def limits_of(request: Request) -> Limits:
    return request.app.state.limits


def ok(payload: dict[str, Any]) -> APIResponse:
    """A success: ``payload`` (JSON-ready, from :mod:`dateline.web.data`) beside ``"ok": true``,
    encoded here rather than by FastAPI (which would walk and validate it again)."""
    return APIResponse({"ok": True, **payload})


def _optional_text(value: str | None, limits: Limits, name: str) -> str | None:
    text = check_query(value, limits, name=name) if value is not None else ""
    return text or None


@router.get("", summary="List the API's endpoints")
def api_index(request: Request) -> APIResponse:
    endpoints = [
        {"path": route.path, "methods": sorted(route.methods or []), "summary": route.summary}
        for route in request.app.routes
        if getattr(route, "path", "").startswith("/api/") and getattr(route, "methods", None)
    ]
    return ok({"endpoints": endpoints, "openapi": "/openapi.json", "docs": "/docs",
               "writes": request.app.state.allow_writes})


@router.get("/search", summary="Full-text search with facets and highlighted snippets")
def api_search(
    request: Request,
    arc: ArchiveDep,
    q: Q = "",
    date_from: From = None,
    date_to: To = None,
    year: Annotated[str | None, Query(description="facet filter: one year")] = None,
    program: Annotated[str | None, Query(description="facet filter: programme")] = None,
    speaker: Annotated[str | None, Query(description="facet filter: speaker")] = None,
    language: Annotated[str | None, Query(description="facet filter: language code")] = None,
    sort: Sort = "relevance",
    limit: Limit = 20,
    offset: Offset = 0,
    facets: Annotated[str, Query(description="facets to count: all, none, or a comma-separated "
                                 "list of year, month, program, speaker, language")] = "all",
    mode: Annotated[str | None, Query(description="keyword (every word), semantic (by "
                                      "meaning, any language) or hybrid (both fused); default: "
                                      "the archive's search_mode setting")] = None,
) -> APIResponse:
    """Stories matching ``q`` (and the filters), best first or by date; snippets are HTML-safe
    with the matched words in ``<mark>``.  Programs that do not show facets save work with
    ``facets=none``."""
    req = search_request(q=q, date_from=date_from, date_to=date_to, year=year, program=program,
                         speaker=speaker, language=language, sort=sort, limit=limit,
                         offset=offset, limits=limits_of(request), facets=facets, mode=mode)
    return ok(data.search_data(arc, req))


@router.get("/stories/{story_id}", summary="One story: segments, quotes, source, revisions")
def api_story(request: Request, arc: ArchiveDep, story_id: str) -> APIResponse:
    check_query(story_id, limits_of(request), name="story id")
    return ok(data.story_data(arc, story_id))


@router.get("/stories/{story_id}/similar",
            summary="Stories nearest in meaning to a story (more like this)")
def api_similar(request: Request, arc: ArchiveDep, story_id: str, limit: Limit = 10
                ) -> APIResponse:
    """Semantic neighbours of a story in any language, the story and its duplicates left out;
    ``not_embedded`` counts stories the vector index does not hold yet."""
    check_query(story_id, limits_of(request), name="story id")
    limit, _ = check_page(limit, 0, limits_of(request))
    return ok(data.similar_data(arc, story_id, limit))


@router.get("/quotes", summary="Quotes by speaker, role, organisation and topic")
def api_quotes(
    request: Request,
    arc: ArchiveDep,
    q: Annotated[str | None, Query(description="topic: words in the quote")] = None,
    speaker: str | None = None,
    role: str | None = None,
    organization: str | None = None,
    language: str | None = None,
    kind: Literal["soundbite", "direct", "reported"] | None = None,
    date_from: From = None,
    date_to: To = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> APIResponse:
    limits = limits_of(request)
    data.require(arc, "quotes", "quote search")
    limit, offset = check_page(limit, offset, limits)
    return ok(data.quotes_data(
        arc,
        query=_optional_text(q, limits, "query"),
        speaker=_optional_text(speaker, limits, "speaker"),
        role=_optional_text(role, limits, "role"),
        organization=_optional_text(organization, limits, "organization"),
        language=_optional_text(language, limits, "language"),
        kind=kind,
        date_from=parse_day(date_from, name="from date"),
        date_to=parse_day(date_to, end=True, name="to date"),
        limit=limit,
        offset=offset,
    ))


@router.get("/entities", summary="The most mentioned people, organisations and places")
def api_entities(
    request: Request,
    arc: ArchiveDep,
    kind: Literal["person", "org", "place"] | None = None,
    top: Annotated[int, Query(ge=1, description="how many")] = 50,
    date_from: From = None,
    date_to: To = None,
) -> APIResponse:
    data.require(arc, "entities", "the entity list")
    top, _ = check_page(top, 0, limits_of(request))
    return ok(data.entities_data(arc, kind=kind, top=top,
                                 date_from=parse_day(date_from, name="from date"),
                                 date_to=parse_day(date_to, end=True, name="to date")))


@router.get("/entities/{entity_id:path}",
            summary="A person or organisation: aliases, titles, timeline, co-mentions, quotes")
def api_entity(request: Request, arc: ArchiveDep, entity_id: str) -> APIResponse:
    check_query(entity_id, limits_of(request), name="entity")
    data.require(arc, "entity", "entity pages")
    return ok(data.entity_data(arc, entity_id, timeline=hasattr(arc, "timeline")))


@router.get("/cooccurrence", summary="Entities mentioned with an entity, by strength")
def api_cooccurrence(
    request: Request,
    arc: ArchiveDep,
    entity: Annotated[str, Query(min_length=1, description="entity id or name")],
    date_from: From = None,
    date_to: To = None,
    exact: Annotated[bool, Query(description="count every story of an entity in more than "
                                 "20,000 (default: a uniform sample of them)")] = False,
) -> APIResponse:
    check_query(entity, limits_of(request), name="entity")
    data.require(arc, "cooccurrence", "co-occurrence")
    return ok(data.cooccurrence_data(arc, entity,
                                     date_from=parse_day(date_from, name="from date"),
                                     date_to=parse_day(date_to, end=True, name="to date"),
                                     exact=exact))


@router.get("/timeline", summary="Stories per day/week/month/quarter/year for a query or entity")
def api_timeline(
    request: Request,
    arc: ArchiveDep,
    q: Annotated[str | None, Query(description="count stories matching this query")] = None,
    entity: Annotated[str | None, Query(description="count mentions of this entity")] = None,
    speaker: Annotated[str | None, Query(description="count quotes of this speaker")] = None,
    by: Interval = "month",
    date_from: From = None,
    date_to: To = None,
    normalise: Annotated[bool, Query(description="share of all stories in each period")] = False,
) -> APIResponse:
    limits = limits_of(request)
    data.require(arc, "timeline", "timelines")
    return ok(data.timeline_data(
        arc,
        query=_optional_text(q, limits, "query"),
        entity=_optional_text(entity, limits, "entity"),
        speaker=_optional_text(speaker, limits, "speaker"),
        by=by,
        date_from=parse_day(date_from, name="from date"),
        date_to=parse_day(date_to, end=True, name="to date"),
        normalise=normalise,
    ))


@router.get("/stats", summary="Counts of sources, stories, revisions, quotes and rejects")
def api_stats(arc: ArchiveDep) -> APIResponse:
    return ok(data.stats_data(arc))


@router.get("/rejects", summary="Sources that could not be parsed, with the reason")
def api_rejects(request: Request, arc: ArchiveDep, limit: Limit = 50,
                offset: Offset = 0) -> APIResponse:
    limit, offset = check_page(limit, offset, limits_of(request))
    return ok(data.rejects_data(arc, limit=limit, offset=offset))


@router.get("/warnings", summary="Warnings about stored sources, with the source and place")
def api_warnings(request: Request, arc: ArchiveDep, limit: Limit = 50,
                 offset: Offset = 0) -> APIResponse:
    """What the readers and the parser warned about while storing sources (a sound bite cut
    short, an impossible date, a missing field): the stories were stored all the same."""
    limit, offset = check_page(limit, offset, limits_of(request))
    return ok(data.warnings_data(arc, limit=limit, offset=offset))
