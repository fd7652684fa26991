"""The ``cluster`` commands: a Dask cluster on this machine, for trying ``--cluster``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dateline.cli.common import app, console, console_err

cluster_app = typer.Typer(no_args_is_help=True,
                          help="Run ingest, enrich and embed batches on a Dask cluster.")
app.add_typer(cluster_app, name="cluster")


@cluster_app.command("local")
def local(
    workers: Annotated[int, typer.Option(min=1, help="worker processes (one thread each)")] = 2,
    port: Annotated[int, typer.Option(help="scheduler port (0: any free port)")] = 8786,
    dashboard_port: Annotated[int, typer.Option(help="dashboard port (0: no dashboard)")
                              ] = 8787,
) -> None:
    """Start a Dask scheduler and worker processes on this machine until Ctrl-C.

    Then, from another terminal: dateline ingest FILES --cluster tcp://127.0.0.1:8786.  On
    other machines: `dask scheduler` on one, `dask worker tcp://HOST:8786 --nthreads 1` on
    each (with the same dateline installed: pip install 'dateline[cluster]')."""
    from dateline.cluster import serve_local

    def ready(cluster: Any) -> None:
        console.print(f"scheduler at [bold]{cluster.address}[/] with {workers} worker "
                      f"process{'es' if workers > 1 else ''}"
                      + (f"; dashboard {cluster.dashboard}" if cluster.dashboard else "")
                      + "; Ctrl-C stops them", highlight=False, soft_wrap=True)
        console.print(f"  dateline ingest FILES --cluster {cluster.address}", highlight=False,
                      soft_wrap=True)

    serve_local(workers, port, dashboard_port or None, ready)
    console_err.print("cluster stopped")
