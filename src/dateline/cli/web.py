"""The ``serve`` command: the web pages and JSON API of an archive."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from dateline.cli.common import ArchiveOpt, app, console_err
from dateline.errors import InputError

log = logging.getLogger(__name__)


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
    workers: Annotated[int, typer.Option(help="archive connections shared by requests")] = 4,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "warning",
) -> None:
    """Serve the archive's web pages and JSON API (read-only unless --allow-writes --token)."""
    try:
        import uvicorn

        from dateline.web import create_app
    except ImportError as exc:
        from dateline.errors import MissingExtra

        raise MissingExtra(exc.name or "fastapi", "web", "dateline serve") from exc
    from dateline import settings

    if allow_writes and not token:
        raise InputError("--allow-writes needs --token", hint="every write request must carry it")
    folder = archive if archive is not None else settings.default_archive()
    bind_host = str(settings.get("host", folder, host))
    bind_port = int(settings.get("port", folder, port))
    web_app = create_app(folder, allow_writes=allow_writes, token=token, pool_size=workers)
    if bind_host not in ("127.0.0.1", "localhost", "::1"):
        console_err.print(f"[yellow]warning:[/] serving on {bind_host}: reachable from other "
                          "machines", highlight=False)
    console_err.print(f"dateline: serving {folder} on http://{bind_host}:{bind_port}/ "
                      f"({'writes enabled' if allow_writes else 'read-only'}; Ctrl-C stops)",
                      highlight=False)
    uvicorn.run(web_app, host=bind_host, port=bind_port, log_level=log_level,
                access_log=log_level in ("debug", "info"))
