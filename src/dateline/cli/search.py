"""Search commands: search, reindex."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from dateline.cli.common import (
    ArchiveOpt,
    Format,
    FormatOpt,
    app,
    console,
    console_err,
    counted,
    emit,
    open_archive,
    parse_day,
    title_markup,
)

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _plain(snippet: str) -> str:
    import html

    return html.unescape(_MARK.sub(r"[bold yellow]\1[/]", snippet.replace("[", r"\[")))


def _row(h: Any) -> dict[str, Any]:
    """A hit for machine formats: the snippet as plain text, with the character offsets of the
    matched words in it (``highlights``), never HTML."""
    from dateline.search.snippets import plain

    text, spans = plain(" … ".join(h.snippets))
    return {"id": h.id, "date": h.date.isoformat() if h.date else None, "title": h.title,
            "title_derived": h.title_derived, "program": h.program, "language": h.language,
            "score": round(h.score, 3), "snippet": text,
            "highlights": [list(span) for span in spans]}


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="query: words, \"phrases\", AND/OR/NOT, -word, "
                                         "field:value, date:2018-01..2018-12")],
    archive: ArchiveOpt = None,
    date_from: Annotated[str | None, typer.Option("--from", help="YYYY[-MM[-DD]]")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="YYYY[-MM[-DD]]")] = None,
    sort: Annotated[str, typer.Option(help="relevance, date or -date")] = "relevance",
    limit: Annotated[int, typer.Option(help="results per page")] = 10,
    offset: Annotated[int, typer.Option(help="skip this many results")] = 0,
    fmt: FormatOpt = Format.table,
    facets: Annotated[bool, typer.Option("--facets/--no-facets", help="show facet counts")] = False,
    mode: Annotated[str | None, typer.Option(help="keyword (every word), semantic (by meaning, "
                                             "any language) or hybrid (both); default: the "
                                             "search_mode setting")] = None,
) -> None:
    """Search in English and Korean, by keyword or by meaning, with highlighted snippets."""
    with open_archive(archive) as arc:
        results = arc.search(query, date_from=parse_day(date_from),
                             date_to=parse_day(date_to, end=True), sort=sort, limit=limit,
                             offset=offset, mode=mode)
    for warning in results.warnings:
        console_err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    rows = [_row(h) for h in results.hits]
    if fmt is Format.table:
        verb = "matches" if results.total == 1 else "match"
        how = "" if results.mode == "keyword" else f"{results.mode}, "
        console.print(f"[bold]{counted(results.total, 'story', 'stories')}[/] {verb} "
                      f"({how}{results.took_ms:.1f} ms)",
                      highlight=False)
        for i, h in enumerate(results.hits, offset + 1):
            date = h.date.isoformat() if h.date else "????-??-??"
            console.print(f"\n[bold]{i}. {date}  {title_markup(h.title, h.title_derived)}[/]  "
                          f"[dim]{h.program or ''} · {h.id}[/]", highlight=False)
            for snip in h.snippets[:2]:
                console.print("   " + _plain(snip), highlight=False)
        if facets:
            for name, counts in results.facets.items():
                top = ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:10])
                console.print(f"[bold]{name}:[/] {top}", highlight=False)
        return
    if fmt is Format.json:
        import json
        import sys

        sys.stdout.write(json.dumps({"mode": results.mode, "total": results.total, "hits": rows,
                                     "facets": results.facets, "warnings": results.warnings},
                                    ensure_ascii=False, indent=2) + "\n")
        return
    emit(rows, fmt)


@app.command()
def reindex(archive: ArchiveOpt = None) -> None:
    """Rebuild the full-text index (and the vector index, when there is one) from the store."""
    with open_archive(archive) as arc:
        n = arc.reindex()
    console.print(f"indexed {counted(n, 'story', 'stories')}", highlight=False)
