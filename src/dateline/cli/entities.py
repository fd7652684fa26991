"""Entity and quote commands: quotes, entity (show/merge/split), entities, enrich."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.text import Text
from typer.core import TyperGroup

from dateline.cli.common import (
    ArchiveOpt,
    Format,
    FormatOpt,
    app,
    console,
    console_err,
    counted,
    emit,
    emit_mapping,
    open_archive,
    parse_day,
)

DateFrom = Annotated[str | None, typer.Option("--from", help="YYYY[-MM[-DD]]")]
DateTo = Annotated[str | None, typer.Option("--to", help="YYYY[-MM[-DD]]")]


class _EntityGroup(TyperGroup):
    """``dateline entity NAME`` means ``dateline entity show NAME``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


entity_app = typer.Typer(cls=_EntityGroup, no_args_is_help=True,
                         help="One entity: its profile (dateline entity NAME), or merge/split.")
app.add_typer(entity_app, name="entity")


def _quote_row(h: Any) -> dict[str, Any]:
    return {"id": h.id, "date": h.date, "kind": h.kind, "speaker": h.entity or h.speaker,
            "as_written": h.speaker, "role": h.role, "organization": h.organization,
            "language": h.language, "language_label": h.language_label,
            "confidence": h.confidence, "text": h.text,
            "story": h.story_id, "entity_id": h.entity_id, "maker": h.maker}


@app.command()
def quotes(
    query: Annotated[str | None, typer.Argument(help="words in the quote (the search query "
                                                "language); none: every quote")] = None,
    archive: ArchiveOpt = None,
    speaker: Annotated[str | None, typer.Option(help="speaker (any alias)")] = None,
    role: Annotated[str | None, typer.Option(help="role/title contains this")] = None,
    org: Annotated[str | None, typer.Option("--org", help="organisation contains this")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="language of the quoted words: a "
                                             "code (en, ko) or a name (Korean)")] = None,
    kind: Annotated[str, typer.Option(help="soundbite, reported or all")] = "all",
    date_from: DateFrom = None,
    date_to: DateTo = None,
    limit: Annotated[int, typer.Option(help="results per page")] = 20,
    offset: Annotated[int, typer.Option(help="skip this many")] = 0,
    fmt: FormatOpt = Format.table,
) -> None:
    """Who said what: sound bites and reported speech, by words, speaker, role and date."""
    with open_archive(archive) as arc:
        results = arc.quotes(query, speaker=speaker, role=role, organization=org, language=lang,
                             kind=kind, date_from=parse_day(date_from),
                             date_to=parse_day(date_to, end=True), limit=limit, offset=offset)
    for warning in results.warnings:
        console_err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    rows = [_quote_row(h) for h in results.hits]
    if fmt is Format.json:
        import json

        sys.stdout.write(json.dumps({"total": results.total, "hits": rows,
                                     "warnings": results.warnings}, ensure_ascii=False,
                                    indent=2) + "\n")
        return
    if fmt is Format.table:
        console.print(f"[bold]{counted(results.total, 'quote')}[/]", highlight=False)
        for h in results.hits:
            label = "sound bite" if h.kind == "soundbite" else f"{h.kind} ({h.confidence:.1f})"
            who = " / ".join(x for x in (h.entity or h.speaker, h.role, h.organization) if x)
            if h.language_label:
                who += f" (said in {h.language_label})"
            console.print(f"\n[bold]{h.date or '????-??-??'}[/] [magenta]{label}[/] "
                          f"[cyan]{who or '(unnamed)'}[/] [dim]{h.id}[/]", highlight=False)
            console.print(f"   “{h.text}”", highlight=False, markup=False)
        return
    emit(rows, fmt)


@entity_app.command("show")
def entity_show(
    name: Annotated[str, typer.Argument(help="name, alias or entity id")],
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Profile: aliases, titles over time, counts, first/last seen, co-mentions, latest quotes."""
    with open_archive(archive, readonly=True) as arc:
        profile = arc.entity(name)
    data = profile.to_dict()
    if fmt is not Format.table:
        emit_mapping(data, fmt)
        return
    console.rule(f"[bold]{profile.name}[/] ({profile.kind}, {profile.id})")
    console.print(f"{counted(profile.stories, 'story', 'stories')}, "
                  f"{counted(profile.mentions, 'mention')}, {counted(profile.quotes, 'quote')}; "
                  f"first seen {profile.first_seen or '-'}, last seen {profile.last_seen or '-'}",
                  highlight=False)
    if profile.note:
        console.print(f"[yellow]note:[/] {profile.note}", highlight=False)
    console.print("[bold]aliases:[/] " + ", ".join(f"{a['alias']} ({a['how']})"
                                                   for a in profile.aliases), highlight=False)
    if profile.titles:
        emit([{"title": t["title"], "first": t["first"], "last": t["last"],
               "stories": t["stories"]} for t in profile.titles], Format.table, title="titles")
    if profile.co_mentioned:
        console.print("[bold]co-mentioned:[/] " + ", ".join(
            f"{c['name']} ({'≈' if c.get('estimated') else ''}{c['stories']})"
            for c in profile.co_mentioned), highlight=False)
    for q in profile.latest_quotes:
        console.print(Text.assemble(("  " + f"{q.date} {q.kind} ", "dim"), f"“{q.text[:160]}”"),
                      highlight=False)


@entity_app.command("merge")
def entity_merge(
    keep: Annotated[str, typer.Argument(help="the entity to keep")],
    other: Annotated[str, typer.Argument(help="the entity that becomes its alias")],
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Merge OTHER into KEEP (kept when the archive is enriched again)."""
    with open_archive(archive) as arc:
        profile = arc.merge_entities(keep, other)
    if fmt is Format.table:
        console.print(f"merged: {profile.name} now has aliases "
                      + ", ".join(a["alias"] for a in profile.aliases), highlight=False)
    else:
        emit_mapping(profile.to_dict(), fmt)


@entity_app.command("split")
def entity_split(
    name: Annotated[str, typer.Argument(help="the entity")],
    alias: Annotated[str, typer.Argument(help="the alias to make an entity of its own")],
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Take ALIAS out of NAME into an entity of its own (kept across re-enrichment)."""
    with open_archive(archive) as arc:
        profile = arc.split_entity(name, alias)
    if fmt is Format.table:
        console.print(f"split: {alias!r} is now {profile.name} ({profile.id})", highlight=False)
    else:
        emit_mapping(profile.to_dict(), fmt)


@app.command()
def entities(
    archive: ArchiveOpt = None,
    kind: Annotated[str | None, typer.Option("--type", help="person, org (organisation) or "
                                             "place")] = None,
    top: Annotated[int, typer.Option(help="how many")] = 50,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The most mentioned people, organisations and places (by number of stories)."""
    with open_archive(archive, readonly=True) as arc:
        rows = arc.entities(kind, top, parse_day(date_from), parse_day(date_to, end=True))
    emit([r.to_dict() for r in rows], fmt,
         ["name", "kind", "stories", "mentions", "first_seen", "last_seen", "id"],
         title="entities")


@app.command()
def enrich(
    archive: ArchiveOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="re-run on every story, not only stale "
                                       "ones")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """(Re)run enrichers that are new or whose version changed; then update the indexes."""
    with open_archive(archive) as arc:
        report = arc.enrich(stale_only=not all_)
        arc.sync_index()
    if fmt is Format.table:
        console.print(f"{report['enricher']}: {counted(report['stories'], 'story', 'stories')} "
                      f"enriched, {counted(report['entities'], 'entity', 'entities')}, "
                      f"{counted(report['quotes_indexed'], 'quote')} "
                      f"indexed in {report['seconds']:.1f} s", highlight=False)
        for note in report["notes"]:
            console.print(f"[yellow]note:[/] {note}", highlight=False)
    else:
        emit_mapping(report, fmt)
