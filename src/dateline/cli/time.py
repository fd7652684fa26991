"""Time commands: timeline, cooccur, thread, dups, terms."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

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
    sparkline,
    title_markup,
)
from dateline.errors import InputError

FromOpt = Annotated[str | None, typer.Option("--from", help="first day: YYYY, YYYY-MM or "
                                             "YYYY-MM-DD")]
ToOpt = Annotated[str | None, typer.Option("--to", help="last day: YYYY, YYYY-MM or YYYY-MM-DD")]


def _period(value: str) -> tuple[object, object]:
    """``FROM..TO`` (each YYYY, YYYY-MM or YYYY-MM-DD) → two dates."""
    if ".." not in value:
        start, end = parse_day(value), parse_day(value, end=True)
    else:
        a, b = value.split("..", 1)
        start, end = parse_day(a), parse_day(b, end=True)
    if start is None or end is None:
        raise InputError(f"invalid period {value!r}", hint="use FROM..TO, e.g. 2020-01..2020-05")
    return start, end


@app.command()
def timeline(
    query: Annotated[str | None, typer.Argument(help="search query (or use --entity/--speaker)")]
    = None,
    entity: Annotated[str | None, typer.Option("--entity", "-e", help="stories mentioning this "
                                               "person, organisation or place")] = None,
    speaker: Annotated[str | None, typer.Option("--speaker", "-s", help="stories quoting this "
                                                "speaker")] = None,
    by: Annotated[str, typer.Option("--by", help="day, week, month, quarter or year")] = "month",
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    normalise: Annotated[bool, typer.Option("--normalise", "-n", help="share of all stories "
                                            "in each period (also --normalize)")] = False,
    normalize: Annotated[bool, typer.Option("--normalize", hidden=True)] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="also draw it to a .png or .svg "
                                              "file")] = None,
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Stories per day/week/month/quarter/year matching a query, mentioning an entity or
    quoting a speaker; gaps show as zero.

    Example: dateline timeline 'sanctions' --by month --from 2018-01 --to 2020-12 --plot s.png
    """
    from dateline.analysis.timeline import plot as draw

    with open_archive(archive) as arc:
        tl = arc.timeline(query, entity=entity, speaker=speaker, by=by,
                          date_from=parse_day(date_from), date_to=parse_day(date_to, end=True),
                          normalise=normalise or normalize)
    if plot is not None:
        draw(tl, plot)
        console_err.print(f"plot written to {plot}")
    if fmt is Format.json:
        sys.stdout.write(json.dumps(tl.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    rows = tl.rows()
    if fmt is not Format.table:
        emit(rows, fmt)
        return
    for w in tl.warnings:
        console_err.print(f"[yellow]warning:[/] {w}", highlight=False)
    top = max(tl.values(), default=0) or 1
    show = []
    for row, value in zip(rows, tl.values(), strict=True):
        bar = "█" * round(value / top * 30)
        item = {"period": row["period"], "count": row["count"]}
        if tl.normalised:
            item["all stories"] = row.get("all_stories", 0)
            item["share %"] = f"{100 * value:.2f}"
        item[" "] = bar
        show.append(item)
    emit(show, fmt, title=f"{tl.counts}: {tl.label} (per {tl.by})")
    left_out = f"; {tl.undated:,} undated, not counted" if tl.undated else ""
    console.print(f"{sparkline(tl.values())}  total {tl.total} in {len(rows)} {tl.by}s"
                  f"{left_out}", highlight=False)


@app.command()
def cooccur(
    entity: Annotated[str, typer.Argument(help="person, organisation or place")],
    top: Annotated[int, typer.Option(help="how many partners to list")] = 20,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    measure: Annotated[str, typer.Option(help="llr (log-likelihood G²) or pmi")] = "llr",
    min_count: Annotated[int, typer.Option(help="least number of shared stories")] = 2,
    exact: Annotated[bool, typer.Option("--exact", help="count every story of an entity in "
                                        "more than 20,000 (default: a uniform sample)")] = False,
    archive: ArchiveOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, jsonl, csv or "
                                     "graphml")] = "table",
) -> None:
    """Entities appearing in the same stories as ENTITY, ranked by association.

    Example: dateline cooccur "Stephen Biegun" --top 20 --from 2019-01-01 --format graphml
    """
    with open_archive(archive) as arc:
        result = arc.cooccurrence(entity, top=top, date_from=parse_day(date_from),
                                  date_to=parse_day(date_to, end=True), measure=measure,
                                  min_count=min_count, exact=exact)
    if fmt == "graphml":
        sys.stdout.write(result.to_graphml() + "\n")
        return
    if fmt == "json":
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    try:
        out = Format(fmt)
    except ValueError as exc:
        raise InputError(f"unknown format {fmt!r}", hint="table, json, jsonl, csv or graphml") \
            from exc
    rows = [i.to_dict() for i in result.items]
    emit(rows, out, ["name", "kind", "count", "entity_count", "expected", measure, "id"]
         if out is Format.table else None,
         title=f"with {result.name}: {result.stories} of "
               f"{counted(result.total_stories, 'story', 'stories')} "
               f"(ranked by {measure}, at least {min_count} together"
               + (f"; counts estimated from {result.sampled} of its stories" if result.sampled
                  else "") + ")")


@app.command()
def thread(
    story_id: Annotated[str, typer.Argument(help="story id (or a unique prefix)")],
    refresh: Annotated[bool, typer.Option("--refresh", help="compute the links of this "
                                          "thread's stories again first")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="compute every story's links "
                                          "again first (slow on a big archive)")] = False,
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The chain of stories about the same affair as a story, oldest first.

    Links are computed when stories are ingested; a story no other one is linked to is a
    thread of one, and the command shows the closest stories with their scores.
    """
    with open_archive(archive) as arc:
        result = arc.thread(story_id, refresh=refresh, rebuild=rebuild, nearest=True)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    rows = [{"": "▶" if s.id == result.seed else "", **s.to_dict()} for s in result.stories]
    if fmt is Format.table:
        for row in rows:
            if row["title_derived"]:
                row["title"] = f"{row['title']} (from the lead)"
    emit(rows, fmt, ["", "date", "title", "score", "id"] if fmt is Format.table else None,
         title=f"thread of {result.seed}: {counted(len(rows), 'story', 'stories')}")
    if fmt is Format.table and len(rows) <= 1:
        threshold = result.params.get("threshold")
        closest = ", ".join(f"{s.id} {s.date or ''} {s.title or ''} ({s.score:.2f})"
                            for s in result.nearest) or "none"
        console_err.print(f"no other story is about the same affair: a link needs a score of "
                          f"{threshold}; the closest: {closest}", highlight=False)


@app.command()
def dups(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="recompute from scratch")] = False,
    limit: Annotated[int, typer.Option(help="how many clusters to list")] = 50,
    offset: Annotated[int, typer.Option(help="skip this many clusters")] = 0,
    threshold: Annotated[float | None, typer.Option(help="Jaccard threshold for this run "
                                                    "(default: the dup_threshold setting)")]
    = None,
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Near-duplicate clusters (MinHash LSH over word shingles), largest first."""
    with open_archive(archive) as arc:
        report = arc.update_near_duplicates(rebuild=rebuild, threshold=threshold)
        clusters = arc.near_duplicates(limit=limit, offset=offset, threshold=threshold)
    if fmt is Format.json:
        sys.stdout.write(json.dumps({"report": report.to_dict(),
                                     "clusters": [c.to_dict() for c in clusters]},
                                    ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is not Format.table:
        emit([{"cluster": c.id, **m.to_dict()} for c in clusters for m in c.members], fmt)
        return
    found = (f"{counted(report.clusters, 'cluster')} holding "
             f"{counted(report.clustered, 'story', 'stories')}")
    if report.rebuilt:
        done = (f"every story checked again ({counted(report.processed, 'story', 'stories')}) "
                f"in {report.seconds:.1f} s")
    elif report.processed:
        done = (f"{counted(report.processed, 'new or changed story', 'new or changed stories')}"
                f" checked in {report.seconds:.1f} s (the others were checked before)")
    else:
        done = "up to date: no story is new or changed since the last pass (--rebuild checks "\
               "every story again)"
    console_err.print(f"{done}; {found}", highlight=False)
    for c in clusters:
        console.rule(f"[bold]cluster {c.id}[/] · {counted(c.size, 'story', 'stories')}")
        for m in c.members:
            console.print(f"  {m.date or '          '}  {m.id}  {m.similarity:.2f}  "
                          f"{title_markup(m.title, m.title_derived)}", highlight=False)


@app.command()
def terms(
    date_from: Annotated[str, typer.Option("--from", help="first day of the period")],
    date_to: Annotated[str, typer.Option("--to", help="last day of the period")],
    vs: Annotated[str | None, typer.Option("--vs", help="reference period FROM..TO (default: "
                                           "the rest of the archive)")] = None,
    top: Annotated[int, typer.Option(help="how many terms")] = 30,
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Words distinctive of a period against a reference period (log-odds ratio with an
    informative Dirichlet prior, Monroe et al. 2008).

    Example: dateline terms --from 2020-06-01 --to 2020-06-30 --vs 2020-01-01..2020-05-31
    """
    start, end = parse_day(date_from), parse_day(date_to, end=True)
    if start is None or end is None:
        raise InputError("give --from and --to")
    ref = _period(vs) if vs else None
    with open_archive(archive, readonly=True) as arc:
        result = arc.distinctive_terms(start, end, vs=ref, top=top)  # type: ignore[arg-type]
    if fmt is Format.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    for w in result.warnings:
        console_err.print(f"[yellow]warning:[/] {w}", highlight=False)
    rows = [t.to_dict() for t in result.terms]
    ref_label = f"{result.vs_from}..{result.vs_to}" if result.vs_from else "the rest"
    emit(rows, fmt, ["term", "z", "log_odds", "count", "reference_count"],
         title=f"{start}..{end} ({counted(result.stories, 'story', 'stories')}) vs {ref_label} "
               f"({counted(result.reference_stories, 'story', 'stories')})"
               f"{' · sampled' if result.sampled else ''}")
