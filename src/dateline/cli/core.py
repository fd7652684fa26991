"""Archive commands: ingest, inspect, stats, show, rejects, export."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from dateline.cli.common import (
    ArchiveOpt,
    ClusterOpt,
    Format,
    FormatOpt,
    app,
    console,
    console_err,
    counted,
    emit,
    emit_mapping,
    open_archive,
    title_markup,
)


def _reader_options(fmt: str | None, encoding: str | None, include: list[str] | None,
                    exclude: list[str] | None, fields: dict[str, str | None]) -> Any:
    from dateline.readers import ReaderOptions

    return ReaderOptions(
        format=fmt,
        encoding=encoding,
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        **{k: v for k, v in fields.items() if v},
    )


ReaderFormat = Annotated[str | None, typer.Option("--reader", help="force a reader: text, json, "
                                                  "jsonl, csv, html, warc, sgml")]
Encoding = Annotated[str | None, typer.Option(help="force an input encoding (e.g. cp949)")]
Include = Annotated[list[str] | None, typer.Option("--include", "-i", help="glob of files to "
                                                   "take (repeatable), e.g. '**/*.txt'")]
Exclude = Annotated[list[str] | None, typer.Option("--exclude", "-x", help="glob of files to "
                                                   "skip (repeatable)")]
TextField = Annotated[str | None, typer.Option(help="JSON/CSV field holding the story text")]
TitleField = Annotated[str | None, typer.Option(help="JSON/CSV field holding the title")]
DateField = Annotated[str | None, typer.Option(help="JSON/CSV field holding the date")]
UrlField = Annotated[str | None, typer.Option(help="JSON/CSV field holding the story's URL")]
IdField = Annotated[str | None, typer.Option(help="JSON/CSV field holding the story's own id "
                                             "(guid, uuid…)")]


def _identity_notes(c: Any) -> list[str]:
    """What the ingest decided about story identity, when there was anything to decide."""
    notes = []
    if c.by_title:
        notes.append(f"{c.by_title:,} stories come from records that share a page's URL with "
                     "many others of their file: kept as separate stories, told apart by title")
    if c.shared_url > c.by_title:
        notes.append(f"{c.shared_url - c.by_title:,} stories come from records that share their "
                     "URL with another record of their file: the same story only with evidence")
    if c.revised:
        why = ", ".join(f"{n:,} {reason}" for reason, n in c.revised_by.most_common())
        notes.append(f"{c.revised:,} revisions recognised ({why})")
    if c.kept_apart:
        notes.append(f"{c.kept_apart:,} stories arrived under the identity of another story "
                     "with an unrelated text: kept as stories of their own")
    notes.extend(f"[yellow]suspicious:[/] {line}" for line in c.suspicious())
    return notes


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files and folders to ingest")],
    archive: ArchiveOpt = None,
    reader: ReaderFormat = None,
    encoding: Encoding = None,
    include: Include = None,
    exclude: Exclude = None,
    text_field: TextField = None,
    title_field: TitleField = None,
    date_field: DateField = None,
    url_field: UrlField = None,
    id_field: IdField = None,
    workers: Annotated[int, typer.Option(
        help="parser and entity-extraction processes (0: one per core)")] = 0,
    cluster: ClusterOpt = None,
    no_index: Annotated[bool, typer.Option("--no-index", help="store only; `dateline enrich` "
                                           "and `dateline reindex` catch up later")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", metavar="<format>", help="summary "
                                        "format: table, json, jsonl or csv")] = Format.table,
) -> None:
    """Ingest files and folders (txt, json, jsonl, csv, html, warc, sgm, .gz, .zip) into an archive.

    Idempotent: files already stored are skipped; an interrupted run is finished by running the
    same command again.
    """
    options = _reader_options(reader, encoding, include, exclude, {
        "text_field": text_field, "title_field": title_field, "date_field": date_field,
        "url_field": url_field, "id_field": id_field,
    })
    with open_archive(archive, create=True) as arc, \
            arc.runner(cluster, workers=workers or None) as runner:
        show = not quiet and sys.stderr.isatty()
        bar = Progress(
            TextColumn("[bold]ingest[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[stories]} stories · {task.fields[rate]:.0f}/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console_err,
            disable=not show,
            transient=False,
        )
        with bar:
            task = bar.add_task("ingest", total=None, stories=0, rate=0.0)

            def progress(p: Any) -> None:
                bar.update(task, completed=p.files_done, total=p.files_total,
                           stories=p.stories, rate=p.rate)

            report = arc.ingest(paths, options, workers=workers or None,
                                progress=progress if show else None,
                                index=False, runner=runner)
        derive_seconds = 0.0
        if not no_index:
            started = time.perf_counter()
            status = (console_err.status("enriching and indexing…") if show
                      else contextlib.nullcontext())
            with status:
                arc.update_derived(runner=runner)
            derive_seconds = time.perf_counter() - started
        total_seconds = report.seconds + derive_seconds
        whole_rate = report.counts.stories / total_seconds if total_seconds > 0 else 0.0
        summary = {**report.as_dict(), "enrich_index_seconds": round(derive_seconds, 3),
                   "total_seconds": round(total_seconds, 3),
                   "stories_per_second_in_all": round(whole_rate, 1)}
        if fmt is Format.table:
            c = report.counts
            console.print(
                f"[bold]{report.files}[/] files ({c.sources} new sources, "
                f"{c.unchanged_sources} already stored) in {report.seconds:.1f} s: "
                f"[green]{c.new} new[/], {c.revised} revised, {c.duplicate} duplicate, "
                f"{c.unchanged} unchanged, [red]{c.rejected} rejected[/], {c.warnings} warnings "
                f"· {report.stories_per_second:.0f} stories/s"
                + (f"; enriched and indexed in {derive_seconds:.1f} s · {whole_rate:.0f} "
                   f"stories/s in all ({total_seconds:.1f} s)" if not no_index else ""),
                highlight=False,
            )
            for line in _identity_notes(c):
                console.print(f"  {line}", highlight=False)
            notice = arc.identity_notice()
            if notice:
                console.print(f"  [yellow]note:[/] {notice}", highlight=False)
            for reason in c.reject_reasons[:5]:
                console.print(f"  [red]rejected[/] {reason}", highlight=False)
            if c.rejected > 5:
                console.print(f"  … see all with: dateline rejects --archive {arc.location}")
            if c.warnings:
                console.print(f"  see the warnings with: dateline rejects --warnings --archive "
                              f"{arc.location}", highlight=False)
        else:
            emit_mapping(summary, fmt)


@app.command()
def inspect(
    paths: Annotated[list[Path], typer.Argument(help="files to read and parse")],
    reader: ReaderFormat = None,
    encoding: Encoding = None,
    text_field: TextField = None,
    title_field: TitleField = None,
    date_field: DateField = None,
    url_field: UrlField = None,
    id_field: IdField = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", metavar="<format>",
                                        help="table, json or jsonl")] = Format.table,
) -> None:
    """Show how dateline understands files, without storing anything."""
    from dateline.inspection import inspect_paths

    options = _reader_options(reader, encoding, None, None, {
        "text_field": text_field, "title_field": title_field, "date_field": date_field,
        "url_field": url_field, "id_field": id_field,
    })
    results = inspect_paths(paths, options)
    if fmt is Format.jsonl:
        for item in results:
            sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
        return
    items = list(results)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    for item in items:
        console.rule(f"[bold]{item['source']}[/]")
        for warning in item["warnings"]:
            console.print(f"[yellow]warning:[/] {warning}", highlight=False)
        for i, story in enumerate(item["stories"], 1):
            console.print(
                f"[bold]{i}. {story['title'] or '(no title)'}[/]  {story['date'] or ''}  "
                f"{story['program'] or ''}  reporter: {story['reporter'] or '-'}  "
                f"published: {story['published_at'] or '-'}  updated: {story['updated_at'] or '-'}",
                highlight=False,
            )
            kinds = [s["kind"] for s in story["segments"]]
            console.print(f"   segments: {', '.join(kinds)}", highlight=False)
            for q in story["quotes"]:
                who = " / ".join(x for x in (q["speaker"], q["role"], q["organization"],
                                             q["language_label"] or q["language"]) if x)
                console.print(f"   [cyan]{who or '(unattributed)'}[/]: “{q['text'][:100]}”",
                              highlight=False)


@app.command()
def stats(archive: ArchiveOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Counts of sources, stories, revisions, duplicates, quotes and rejects."""
    with open_archive(archive, readonly=True) as arc:
        emit_mapping(arc.stats(), fmt, title=f"archive {arc.location}")


@app.command()
def rebuild(
    archive: ArchiveOpt = None,
    workers: Annotated[int, typer.Option(help="parser processes (0: one per core)")] = 0,
    no_index: Annotated[bool, typer.Option("--no-index", help="store only; `dateline enrich` "
                                           "and `dateline reindex` catch up later")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="summary format")] = Format.table,
) -> None:
    """Make the archive again from the raw bytes it keeps, with this version's readers, parser
    and rules of story identity.

    Old story ids whose story changed still lead to it. The old store is kept beside the new
    one as dateline.sqlite.before-rebuild: delete it once you are satisfied. Stop `dateline
    serve` and other commands on the archive first.
    """
    with open_archive(archive) as arc:
        show = not quiet and sys.stderr.isatty()
        bar = Progress(TextColumn("[bold]rebuild[/]"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("sources · {task.fields[stories]} stories"),
                       TimeElapsedColumn(), TimeRemainingColumn(), console=console_err,
                       disable=not show)
        with bar:
            task = bar.add_task("rebuild", total=None, stories=0)

            def progress(p: Any) -> None:
                bar.update(task, completed=p.files_done, total=p.files_total,
                           stories=p.stories)

            report = arc.rebuild(workers=workers or None, progress=progress if show else None,
                                 index=False)
        if not no_index:
            status = (console_err.status("enriching and indexing…") if show
                      else contextlib.nullcontext())
            with status:
                arc.update_derived()
        if fmt is not Format.table:
            emit_mapping(report.as_dict(), fmt)
            return
        console.print(
            f"rebuilt from [bold]{report.sources:,}[/] sources in {report.seconds:.1f} s: "
            f"{report.stories_before:,} stories before, [bold]{report.stories_after:,}[/] now; "
            f"{report.moved_ids:,} old story ids lead to their story now", highlight=False)
        for line in _identity_notes(report.ingest.counts):
            console.print(f"  {line}", highlight=False)
        console.print(f"  the old store is kept at {report.backup} (delete it when satisfied)",
                      highlight=False)


@app.command()
def show(
    story_id: Annotated[str, typer.Argument(help="story id (or a unique prefix)")],
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
    revisions: Annotated[bool, typer.Option("--revisions", help="list every revision")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="print the source's raw bytes")] = False,
) -> None:
    """Show one story: metadata, segments, quotes, source, revisions and duplicates."""
    from dateline.export import story_record

    with open_archive(archive, readonly=True) as arc:
        story = arc.get(story_id)
        if raw:
            sys.stdout.buffer.write(arc.raw(story.source_id))
            return
        record = story_record(story)
        record["source_info"] = {k: v for k, v in arc.source(story.source_id).items()
                                 if k in ("name", "sha256", "reader", "encoding", "ingested_at")}
        record["revisions"] = [{k: v for k, v in r.items() if k != "text"}
                               for r in arc.revisions(story.id)]
        record["duplicates"] = arc.duplicates(story.id)
        record.update(arc.story_extras(story.id))
        record.update(arc.analysis_extras(story.id))
        if fmt is not Format.table:
            emit_mapping(record, fmt)
            return
        console.rule(f"[bold]{title_markup(*story.display_title)}[/]")
        meta = [("id", story.id), ("date", story.date), ("published", story.published_at),
                ("updated", story.updated_at), ("programme", story.program),
                ("reporter", story.reporter), ("language", story.language), ("url", story.url),
                ("source", f"{story.source_name} (revision {story.revision} of "
                 f"{len(record['revisions'])})")]
        for k, v in meta:
            if v:
                console.print(f"[bold]{k}:[/] {v}", highlight=False)
        for dup in record["duplicates"]:
            console.print(f"[bold]also appears as:[/] {dup} (identical text)", highlight=False)
        for near in record.get("near_duplicates", []):
            console.print(f"[bold]also appears as:[/] {near['id']} {near['date'] or ''} "
                          f"{near['title'] or ''} (similarity {near['similarity']:.2f})",
                          highlight=False)
        thread = [t for t in record.get("thread", []) if t["id"] != story.id]
        if thread:
            others = counted(len(thread), "other story", "other stories")
            console.print(f"[bold]thread:[/] {others} on this affair — dateline thread "
                          f"{story.id}", highlight=False)
        for seg in story.segments:
            style = "dim" if seg.kind in ("noise", "header") else ""
            console.print()
            console.print(Text.assemble((f"[{seg.kind}] ", "bold magenta"),
                                        (seg.text.strip(), style)), highlight=False)
        if not story.segments:
            console.print(story.text, highlight=False, markup=False)
        if story.quotes:
            console.print("\n[bold]quotes[/]")
            for q in story.quotes:
                who = " / ".join(x for x in (q.speaker, q.role, q.organization,
                                             q.language_label or q.language) if x)
                console.print(f"  [cyan]{who or '(unattributed)'}[/]: “{q.text}”", highlight=False)


@app.command()
def rejects(
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
    limit: Annotated[int, typer.Option(help="how many to list")] = 100,
    offset: Annotated[int, typer.Option(help="skip this many")] = 0,
    save: Annotated[Path | None, typer.Option(help="write each reject's raw bytes into this "
                                              "folder")] = None,
    warnings: Annotated[bool, typer.Option("--warnings", "-w", help="list the warnings about "
                                           "stored sources instead (a sound bite cut short, an "
                                           "impossible date…)")] = False,
) -> None:
    """List what could not be parsed, with the reason and the place; raw bytes are kept.
    With --warnings: what was stored with a warning, with the source and the place."""
    with open_archive(archive, readonly=True) as arc:
        if warnings:
            found = arc.warnings(limit, offset)
            emit([w.to_dict() for w in found], fmt,
                 ["source", "place", "message"] if fmt is Format.table else
                 ["source_id", "source", "place", "message", "ingested_at"],
                 title="warnings")
            return
        rows = arc.rejects(limit, offset)
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            for r in rows:
                (save / f"{r.id}-{Path(r.name).name}").write_bytes(arc.reject_bytes(r))
        emit([{"id": r.id, "source": r.origin, "place": r.locator, "reason": r.reason,
               "sha256": r.sha256[:12], "when": r.created_at} for r in rows], fmt,
             ["id", "source", "place", "reason", "sha256", "when"], title="rejects")


@app.command()
def export(
    query: Annotated[str | None, typer.Argument(help="export only the stories this search finds "
                                                "(the query language of dateline search)")]
    = None,
    archive: ArchiveOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="<format>",
                                     help="jsonl, csv, parquet or ninjs")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write "
                                                "(default: standard output)")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="first day: YYYY, YYYY-MM or "
                                                  "YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="last day: YYYY, YYYY-MM or "
                                                "YYYY-MM-DD")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="stories in this language: a code "
                                             "(en, ko) or a name")] = None,
    program: Annotated[str | None, typer.Option("--program", "--programme", help="stories of "
                                                "this programme, e.g. 'News 9'")] = None,
    duplicates: Annotated[bool, typer.Option("--duplicates", help="include exact "
                                             "duplicates")] = False,
) -> None:
    """Export stories (current revisions) as JSONL, CSV, Parquet or IPTC ninjs: every one, or
    a slice with the filters of search (a query, --from/--to, --lang, --program).

    JSONL, CSV and Parquet have the same columns; Parquet's are typed (dates, times in UTC,
    segments and quotes as lists of structs), CSV writes segments and quotes as JSON.
    """
    from dateline.cli.common import parse_day

    start, end = parse_day(date_from), parse_day(date_to, end=True)
    with open_archive(archive, readonly=True) as arc:
        if query:
            found = arc.search(query, date_from=start, date_to=end, limit=1, facets=False,
                               snippets=False)
            for warning in found.warnings:
                console_err.print(f"[yellow]warning:[/] {warning}", highlight=False)
            behind = arc.stats()["index_behind"]
            if behind:
                console_err.print(f"[yellow]warning:[/] {counted(behind, 'story', 'stories')} "
                                  "not in the search index yet are left out (run: dateline "
                                  "reindex)", highlight=False)
        filters = {"query": query, "date_from": start, "date_to": end, "language": lang,
                   "program": program, "include_duplicates": duplicates}
        if output is None:
            if fmt == "parquet":
                console_err.print("parquet needs --output FILE")
                raise typer.Exit(2)
            n = arc.export(sys.stdout, fmt, **filters)
        else:
            with output.open("wb") as fh:
                n = arc.export(fh, fmt, **filters)
        console_err.print(f"exported {counted(n, 'story', 'stories')}", highlight=False)
