"""``dateline copy``: an archive from a folder to a server database, and back."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dateline.cli.common import Format, app, console, console_err, emit_mapping, open_archive


@app.command()
def copy(
    source: Annotated[str, typer.Argument(help="the archive to copy: a folder or a "
                                          "postgresql://… URL")],
    destination: Annotated[str, typer.Argument(help="a new archive folder, or the "
                                               "postgresql://… URL of an empty database")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="summary format")] = Format.table,
) -> None:
    """Copy a whole archive into a new one: from a folder to a PostgreSQL database (server
    mode) or back.

    Every byte kept, every story, revision, quote and reject, the entities and your merges and
    splits, and the analysis tables are copied; exports of both archives are then the same.
    The new archive makes its search indexes at its first search (or with dateline reindex).
    """
    from dateline.store.backend import mask_url, server_url

    def shown(location: str) -> str:
        return mask_url(location) if server_url(location) else location

    with open_archive(source, readonly=True) as src:
        show = not quiet and sys.stderr.isatty()

        def progress(table: str, rows: int) -> None:
            if show:
                console_err.print(f"  {table}: {rows:,} rows", highlight=False)

        report = src.copy_to(destination, progress=progress)
    if fmt is not Format.table:
        emit_mapping(report.as_dict(), fmt)
        return
    rows = report.as_dict()
    console.print(f"copied {shown(source)} to {shown(destination)}: {rows['total_rows']:,} rows "
                  f"of {len(report.rows)} tables in {report.seconds:.1f} s "
                  f"({report.rows.get('stories', 0):,} stories, "
                  f"{report.rows.get('sources', 0):,} sources)", highlight=False)
