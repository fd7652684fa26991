"""The ``serve`` command: the web pages and JSON API of an archive."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from dateline.cli.common import ArchiveOpt, app, console_err
from dateline.errors import InputError

log = logging.getLogger(__name__)

#: how long uvicorn's supervisor waits for a worker process to answer before replacing it
WORKER_HEALTHCHECK_SECONDS = 60
#: how long an idle keep-alive connection stays open (uvicorn's default is 5 s).  uvicorn closes
#: it when its timer runs out; if the worker was held up for that long (a native call holding
#: the interpreter on a loaded machine), a request that arrived meanwhile is still unread and
#: the client sees its connection reset.  Longer than the 5 s after which httpx and most
#: clients give up an idle connection themselves, so they close first.
KEEP_ALIVE_SECONDS = 65


@app.command()
def serve(
    archive: ArchiveOpt = None,
    host: Annotated[str | None, typer.Option(help="address to bind (default: the host setting, "
                                             "127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port to bind (default: the port setting, "
                                             "8000)")] = None,
    allow_writes: Annotated[bool, typer.Option("--allow-writes", help="enable the write "
                                               "endpoints (needs --token)")] = False,
    token: Annotated[str | None, typer.Option(help="token write requests must send as "
                                              "'Authorization: Bearer TOKEN' (or set "
                                              "DATELINE_TOKEN)", envvar="DATELINE_TOKEN")] = None,
    workers: Annotated[int, typer.Option(min=1, help="server processes (read-only: "
                                         "--allow-writes needs 1)")] = 1,
    connections: Annotated[int, typer.Option(min=1, help="archive connections (SQLite + "
                                             "index reader) per process")] = 4,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "warning",
) -> None:
    """Serve the archive's web pages and JSON API (read-only unless --allow-writes --token)."""
    try:
        import uvicorn

        from dateline.web import create_app
        from dateline.web.app import SERVE_ENV
    except ImportError as exc:
        from dateline.errors import MissingExtra

        raise MissingExtra(exc.name or "fastapi", "web", "dateline serve") from exc
    from dateline import settings

    if allow_writes and not token:
        raise InputError("--allow-writes needs --token", hint="every write request must carry it")
    if allow_writes and workers > 1:
        raise InputError("--allow-writes needs --workers 1", hint="writes go through one process")
    folder = archive if archive is not None else settings.default_archive()
    bind_host = str(settings.get("host", folder, host))
    bind_port = int(settings.get("port", folder, port))
    web_app = create_app(folder, allow_writes=allow_writes, token=token, pool_size=connections,
                         warm_up=workers == 1)  # fails now if the archive is missing
    if bind_host not in ("127.0.0.1", "localhost", "::1"):
        console_err.print(f"[yellow]warning:[/] serving on {bind_host}: reachable from other "
                          "machines", highlight=False)
    console_err.print(f"dateline: serving {folder} on http://{bind_host}:{bind_port}/ "
                      f"({'writes enabled' if allow_writes else 'read-only'}, {workers} "
                      f"process{'es' if workers > 1 else ''}; Ctrl-C stops)",
                      highlight=False)
    # uvicorn picks its faster parts when they are installed (the web extra brings them): the
    # httptools HTTP parser and the uvloop event loop
    options = {"host": bind_host, "port": bind_port, "log_level": log_level,
               "access_log": log_level in ("debug", "info"),
               "timeout_keep_alive": KEEP_ALIVE_SECONDS}
    if workers == 1:
        uvicorn.run(web_app, **options)  # type: ignore[arg-type]
        return
    web_app.state.pool.close()  # each worker process opens its own
    os.environ[SERVE_ENV] = json.dumps({"archive": str(Path(folder).expanduser().resolve()),
                                        "pool_size": connections})
    # a worker busy in a long native call (index reader, Korean analyser) on a loaded machine
    # may miss uvicorn's 5-second health check and be killed mid-request: allow a minute.
    # Each worker loads the Korean analyser before it takes a request (create_app warms it).
    uvicorn.run("dateline.web.app:app_from_environment", factory=True, workers=workers,
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
                **options)  # type: ignore[arg-type]


@app.command()
def datasette(
    archive: ArchiveOpt = None,
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to bind")] = 8001,
    metadata: Annotated[bool, typer.Option("--metadata", help="print the Datasette metadata "
                                           "(JSON) and exit, for: datasette dateline.sqlite -m "
                                           "FILE")] = False,
) -> None:
    """Browse the archive's SQLite file in Datasette: its views (current_stories,
    current_quotes, entity_summary, ingest_warnings) described, internal tables hidden.

    Needs the datasette extra: pip install 'dateline[datasette]'.
    """
    import subprocess
    import sys
    import tempfile

    from dateline.archive import Archive
    from dateline.store import DB_NAME

    with Archive(archive, readonly=True) as arc:
        meta = arc.datasette_metadata()
        database = arc.path / DB_NAME
    text = json.dumps(meta, ensure_ascii=False, indent=2)
    if metadata:
        sys.stdout.write(text + "\n")
        return
    try:
        import datasette as _datasette  # noqa: F401
    except ImportError as exc:
        from dateline.errors import MissingExtra

        raise MissingExtra("datasette", "datasette", "dateline datasette") from exc
    with tempfile.TemporaryDirectory(prefix="dateline-datasette-") as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(text, encoding="utf-8")
        console_err.print(f"dateline: Datasette on http://{host}:{port}/{database.stem} "
                          "(read-only; Ctrl-C stops)", highlight=False)
        proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(database),
                                 "--metadata", str(meta_file), "--host", host, "--port",
                                 str(port)])
        try:
            code = proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            code = proc.wait()
    if code:
        raise typer.Exit(code)
