"""Semantic search commands: embed, similar."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from dateline.cli.common import (
    ArchiveOpt,
    Format,
    FormatOpt,
    app,
    console,
    console_err,
    emit,
    emit_mapping,
    open_archive,
)


@app.command()
def embed(
    archive: ArchiveOpt = None,
    model: Annotated[str | None, typer.Option(help="embedding model (default: the "
                                              "embedding_model setting)")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="embed every story again, into "
                                          "a new vector index")] = False,
    status: Annotated[bool, typer.Option("--status", help="only say how many stories are "
                                         "embedded and how many are not yet")] = False,
    list_models: Annotated[bool, typer.Option("--list", help="list the embedding models")
                           ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Embed stories for semantic search: those changed since the last run (incremental; an
    interrupted run goes on from its last checkpoint when run again)."""
    if list_models:
        from dateline.enrich.embedding import available_embedders

        emit([{"model": name, "description": text}
              for name, text in available_embedders().items()], fmt)
        return
    with open_archive(archive) as arc:
        if status:
            emit_mapping(arc.embed_status(model), fmt, title="embeddings")
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        show = not quiet and sys.stderr.isatty()
        bar = Progress(TextColumn("[bold]embed[/]"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("stories · {task.fields[rate]:.0f}/s"), TimeElapsedColumn(),
                       TimeRemainingColumn(), console=console_err, disable=not show)
        with bar:
            task = bar.add_task("embed", total=None, rate=0.0)

            def progress(p: Any) -> None:
                bar.update(task, completed=p.done, total=p.total,
                           rate=p.done / p.seconds if p.seconds else 0.0)

            done = arc.embed(model=model, rebuild=rebuild, progress=progress)
        summary = {**arc.embed_status(model), "stories_this_run": done.done,
                   "passages_this_run": done.passages, "seconds": round(done.seconds, 2)}
    if fmt is Format.table:
        rate = done.done / done.seconds if done.seconds else 0.0
        console.print(f"embedded [bold]{done.done}[/] stories ({done.passages} passages) in "
                      f"{done.seconds:.1f} s · {rate:.0f} stories/s · model {summary['model']}"
                      f" · {summary['embedded']} embedded, {summary['not_embedded']} not yet",
                      highlight=False)
        return
    emit_mapping(summary, fmt, title="embed")


@app.command()
def similar(
    story_id: Annotated[str, typer.Argument(help="story id (or a unique prefix)")],
    archive: ArchiveOpt = None,
    limit: Annotated[int, typer.Option(help="how many stories")] = 10,
    query: Annotated[str | None, typer.Option("--filter", help="filters as in a search, e.g. "
                                              "'lang:ko date:2018'")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Stories nearest in meaning to a story ("more like this"), in any language."""
    with open_archive(archive, readonly=True) as arc:
        results = arc.similar(story_id, limit=limit, query=query)
    for warning in results.warnings:
        console_err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    rows = [{"id": h.id, "date": h.date.isoformat() if h.date else None, "title": h.title,
             "program": h.program, "language": h.language, "score": round(h.score, 3)}
            for h in results.hits]
    emit(rows, fmt)
