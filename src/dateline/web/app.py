"""The web app: HTML pages for people and a JSON API for programs, from the same Archive calls.

``create_app(path)`` opens the archive read-only and returns a FastAPI app.  Requests borrow an
:class:`~dateline.Archive` from a small pool (one read-only SQLite connection and one index
reader each), so concurrent requests never share a connection and no lock is held across a
request.  Nothing slow happens on the request path: story threads are read from links stored at
ingest, every archive of the pool is opened and warmed before the first request, and search
answers are cached per index generation (:mod:`dateline.search.cache`), so a running ingest's
commit is seen at once and nothing stale is served.  API answers are encoded once, with orjson
when installed (:class:`APIResponse`).  ``dateline serve --workers N`` runs N such apps in
worker processes (:func:`app_from_environment`).

Every error, whatever raised it (a :class:`~dateline.errors.DatelineError`, a bad parameter, an
unknown URL), is answered in one shape: ``{"ok": false, "error": "...", "status": N, "code":
"..."}`` for the API, and an HTML page saying the same for a browser.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dateline import __version__, settings
from dateline.archive import Archive
from dateline.errors import DatelineError
from dateline.web.params import Limits
from dateline.web.templating import make_templates

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
#: how many Archive instances (connections + index readers) requests share, per process
DEFAULT_POOL_SIZE = 4
#: environment variable carrying the app's settings to ``serve --workers N`` worker processes
SERVE_ENV = "DATELINE_SERVE_APP"
#: searches run by each pooled archive before it serves: the index reader, the query parser
#: and the Korean analyser (a first Hangul query loads its model for seconds) are ready
WARM_UP_QUERIES = ("date:1000-01-01..9999-12-31", "정부")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "permission_denied",
               404: "not_found", 405: "method_not_allowed", 413: "too_large",
               415: "unsupported_media_type"}


_orjson: Any
try:  # the web extra installs orjson; the standard library's encoder does the same job slower
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the installation
    _orjson = None


def dump_json(content: Any) -> bytes:
    """``content`` (JSON-ready: see :func:`dateline.web.data.plain`) as compact UTF-8 JSON."""
    if _orjson is not None:
        return _orjson.dumps(content)
    return json.dumps(content, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


class APIResponse(JSONResponse):
    """A JSON answer of the API.  Endpoints return it themselves, already encoded, so FastAPI
    neither validates nor re-encodes the payload (``web.data`` made it JSON-ready)."""

    def render(self, content: Any) -> bytes:
        return dump_json(content)


class SecurityHeaders:
    """ASGI middleware adding the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ArchivePool:
    """Read-only :class:`Archive` instances shared by requests, one borrower at a time.

    Borrowing is asynchronous (a request waits in the event loop, never in a worker thread),
    so requests waiting for an archive cannot starve the thread pool that the requests holding
    one need to finish.
    """

    def __init__(self, path: str | Path, size: int = DEFAULT_POOL_SIZE) -> None:
        self.path = path
        self.size = max(1, size)
        self._all: list[Archive] = []
        self._free: deque[Archive] = deque()
        self._waiters: deque[asyncio.Future[Archive]] = deque()
        self._opening = 0
        self._free.append(self._open())  # fail now, not on the first request, if it is missing

    def _open(self) -> Archive:
        arc = Archive(self.path, readonly=True)
        self._all.append(arc)
        return arc

    async def acquire(self) -> Archive:
        if self._free:
            return self._free.pop()
        if len(self._all) + self._opening < self.size:
            self._opening += 1
            try:
                return await anyio.to_thread.run_sync(self._open)
            finally:
                self._opening -= 1
        future: asyncio.Future[Archive] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release(future.result())
            raise

    def release(self, arc: Archive) -> None:
        """Give an archive back (in the event loop)."""
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(arc)
                return
        self._free.append(arc)

    def prepare(self) -> None:
        """Open every archive of the pool and :func:`warm` each one.  Run before the server
        takes its first request: loading the Korean analyser holds the interpreter for seconds,
        which would stall every request of the process (and let uvicorn drop connections whose
        keep-alive timer ran out meanwhile); the rest takes a millisecond per archive."""
        while len(self._all) < self.size:
            self._free.append(self._open())
        for arc in list(self._free):
            warm(arc)

    def close(self) -> None:
        """Close every archive; a later :meth:`acquire` opens new ones (an app can be started
        again, as test clients do)."""
        self._free.clear()
        for arc in self._all:
            try:
                arc.close()
            except Exception:  # pragma: no cover - closing is best effort
                log.debug("closing an archive failed", exc_info=True)
        self._all.clear()


def warm(arc: Archive) -> None:
    """Run :data:`WARM_UP_QUERIES` and one story page's lookups on ``arc`` (best effort)."""
    try:
        ids = [h.id for q in WARM_UP_QUERIES
               for h in arc.search(q, sort="-date", limit=1, facets=False, snippets=False).hits]
        if ids and hasattr(arc, "analysis_extras"):
            arc.analysis_extras(ids[0])
    except Exception:  # noqa: BLE001 - warming is best effort
        log.info("warming an archive failed", exc_info=True)


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api") or path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"ok": False, "error": message, "status": status, "code": code}


def error_response(request: Request, status: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return APIResponse(error_body(status, code, message), status_code=status,
                           headers=headers)
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "code": code, "message": message},
        status_code=status, headers=headers,
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body")]
        where = ".".join(loc) or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid value')}")
    return "invalid parameter — " + "; ".join(parts)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DatelineError)
    async def dateline_error(request: Request, exc: DatelineError) -> Response:
        if exc.status >= 500:
            log.error("%s on %s: %s", exc.code, request.url.path, exc)
        return error_response(request, exc.status, exc.code, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path[:200]}"
        return error_response(request, exc.status_code, code, message,
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 400, "invalid_parameter", _validation_message(exc))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return error_response(request, 500, "internal_error",
                              f"internal error ({type(exc).__name__}); see the server log")


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with our 400 error shape in place of its 422 validation body."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    for path_item in schema.get("paths", {}).values():
        for op in path_item.values():
            if isinstance(op, dict) and "responses" in op:
                op["responses"].pop("422", None)
    components = schema.get("components", {}).get("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = schema
    return schema


def create_app(
    archive_path: str | Path,
    *,
    allow_writes: bool = False,
    token: str | None = None,
    pool_size: int = DEFAULT_POOL_SIZE,
    warm_up: bool = True,
) -> FastAPI:
    """The dateline web app over the archive at ``archive_path`` (read-only unless asked).

    Write endpoints answer only when ``allow_writes`` is true *and* the request carries
    ``token`` (``Authorization: Bearer TOKEN``); a token is required to allow writes.
    ``pool_size`` archives serve requests side by side; ``warm_up`` opens and warms them all
    when the server starts, before it takes a request.
    """
    from dateline.node import local_folder
    from dateline.store.backend import server_url
    from dateline.web import api, pages, writes

    path: str | Path = (str(archive_path) if server_url(archive_path)
                        else Path(archive_path).expanduser())
    if allow_writes and not token:
        raise DatelineError("--allow-writes needs a --token", hint="writes are checked against "
                            "the token on every request")
    pool = ArchivePool(path, pool_size)
    folder = local_folder(path)
    limits = Limits(
        max_query_length=int(settings.get("max_query_length", folder)),
        max_page_size=int(settings.get("max_page_size", folder)),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        if warm_up:
            await anyio.to_thread.run_sync(pool.prepare)  # the server listens after this
        yield
        pool.close()
        writes.close_writer(app)

    app = FastAPI(
        title="dateline",
        version=__version__,
        description="Search and follow dated news transcripts. Read-only unless the server "
                    "was started with --allow-writes and a token. Errors: "
                    '{"ok": false, "error": "...", "status": N, "code": "..."}.',
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.state.pool = pool
    app.state.archive_path = path
    app.state.limits = limits
    app.state.allow_writes = bool(allow_writes and token)
    app.state.token = token if allow_writes else None
    app.state.templates = make_templates(limits)
    app.add_middleware(SecurityHeaders)
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(writes.router)
    app.include_router(pages.router)
    return app


def app_from_environment() -> FastAPI:
    """The app of one ``dateline serve --workers N`` worker process.

    uvicorn starts worker processes from an import string, so the command passes the app's
    settings in the :data:`SERVE_ENV` environment variable (JSON: ``archive``, ``pool_size``);
    several workers are read-only (writes need a single process).
    """
    raw = os.environ.get(SERVE_ENV)
    if not raw:
        raise DatelineError(f"{SERVE_ENV} is not set", hint="start the server with dateline serve")
    config = json.loads(raw)
    return create_app(config["archive"], pool_size=int(config.get("pool_size",
                                                                  DEFAULT_POOL_SIZE)))


async def borrow_archive(request: Request) -> AsyncIterator[Archive]:
    """FastAPI dependency: an Archive from the app's pool for the length of one request."""
    pool: ArchivePool = request.app.state.pool
    arc = await pool.acquire()
    try:
        yield arc
    finally:
        pool.release(arc)
