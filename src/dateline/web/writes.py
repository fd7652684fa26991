"""The write endpoints: off unless the server was started with ``--allow-writes --token T``.

Each write request is checked on its own: writes must be enabled *and* the request must carry
``Authorization: Bearer T`` (compared in constant time).  Otherwise the answer is a 403 in the
API's error shape, and nothing is touched.
"""

from __future__ import annotations

import hmac
import logging
import re
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Request
from pydantic import BaseModel, Field

from dateline.archive import Archive
from dateline.errors import InputError, PermissionDenied
from dateline.web.api import ERRORS

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["writes"],
                   responses={**ERRORS, 403: ERRORS[400] | {"description": "writes disabled or "
                                                            "wrong token"}})
_LOCK = threading.Lock()
#: the largest document one request may add
MAX_UPLOAD = 5_000_000
_SAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


class NewSource(BaseModel):
    """One transcript to ingest, as text."""

    name: str = Field(min_length=1, max_length=200, description="file name the source is known "
                      "by (e.g. kbs-2018-11-21.txt)")
    text: str = Field(min_length=1, max_length=MAX_UPLOAD, description="the transcript")


def check_write(request: Request) -> None:
    """Raise 403 unless writes are enabled and the request carries the right token."""
    state = request.app.state
    if not state.allow_writes or not state.token:
        raise PermissionDenied("this server is read-only",
                               hint="start it with: dateline serve --allow-writes --token T")
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(),
                                                             str(state.token).encode()):
        raise PermissionDenied("missing or wrong token",
                               hint="send the header: Authorization: Bearer TOKEN")


def _writer(app: FastAPI) -> Archive:
    arc = getattr(app.state, "writer", None)
    if arc is None:
        arc = Archive(app.state.archive_path)
        app.state.writer = arc
    return arc


def close_writer(app: FastAPI) -> None:
    arc = getattr(app.state, "writer", None)
    if arc is not None:
        arc.close()
        app.state.writer = None


@router.post("/sources", summary="Ingest one transcript (needs --allow-writes and the token)")
def add_source(request: Request, source: Annotated[NewSource, Body()]) -> dict[str, Any]:
    check_write(request)
    name = _SAFE_NAME.sub("_", Path(source.name).name).strip("._") or "upload.txt"
    if not name.lower().endswith((".txt", ".json", ".jsonl", ".csv", ".html", ".htm")):
        raise InputError(f"unsupported file type: {name}", hint="use .txt, .json, .jsonl, .csv "
                         "or .html")
    with _LOCK, tempfile.TemporaryDirectory(prefix="dateline-upload-") as tmp:
        file = Path(tmp) / name
        file.write_text(source.text, encoding="utf-8")
        report = _writer(request.app).ingest([file], workers=1)
    counts = report.counts.as_dict()
    counts.pop("reject_reasons", None)
    log.info("ingested %s over the API: %s", name, counts)
    return {"ok": True, "name": name, "counts": counts}


@router.post("/reindex", summary="Rebuild the search index (needs --allow-writes and the token)")
def reindex(request: Request) -> dict[str, Any]:
    check_write(request)
    with _LOCK:
        n = _writer(request.app).reindex()
    return {"ok": True, "indexed": n}
