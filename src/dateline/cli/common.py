"""Shared pieces of the CLI: the app, consoles, archive options and output formats."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from dateline.errors import InputError

app = typer.Typer(
    name="dateline",
    help="An archive for dated news transcripts: ingest, understand, search, follow over time.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
console = Console()
console_err = Console(stderr=True)


@dataclass
class _State:
    debug: bool = False


state = _State()


def _show_version(value: bool) -> None:
    if value:
        from dateline import __version__

        console.print(f"dateline {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="show the version and exit")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="show the traceback of an error (give "
                                        "it before the command)")] = False,
) -> None:
    """An archive for dated news transcripts: ingest, understand, search, follow over time."""
    if debug:
        state.debug = True


class Format(str, Enum):  # noqa: UP042 - typer needs a str-valued Enum for choices
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


ArchiveOpt = Annotated[
    Path | None,
    typer.Option("--archive", "-a", help="archive folder (default: $DATELINE_ARCHIVE or "
                 "./archive.dateline)", show_default=False),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", metavar="<format>",
                                           help="output format: table, json, jsonl or csv")]


def open_archive(path: Path | None, *, create: bool = False, readonly: bool = False) -> Any:
    from dateline.archive import Archive

    return Archive(path, create=create, readonly=readonly)


def parse_day(value: str | None, *, end: bool = False) -> date | None:
    """A date from YYYY, YYYY-MM or YYYY-MM-DD (``end``: the last day of that period)."""
    if value is None or value == "":
        return None
    parts = value.strip().split("-")
    try:
        if len(parts) == 1:
            return date(int(parts[0]), 12, 31) if end else date(int(parts[0]), 1, 1)
        if len(parts) == 2:
            y, m = int(parts[0]), int(parts[1])
            if not end:
                return date(y, m, 1)
            nxt = date(y + (m == 12), m % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"invalid date {value!r}", hint="use YYYY, YYYY-MM or YYYY-MM-DD") from exc


def emit(rows: Sequence[dict[str, Any]], fmt: Format, columns: Sequence[str] | None = None,
         title: str | None = None) -> None:
    """Print rows as a rich table, JSON, JSON lines or CSV."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt is Format.json:
        sys.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt is Format.jsonl:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt is Format.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=title, show_lines=False, header_style="bold")
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row.get(c)) for c in columns))
        console.print(table)


def emit_mapping(data: dict[str, Any], fmt: Format, title: str | None = None) -> None:
    if fmt in (Format.json, Format.jsonl):
        indent = 2 if fmt is Format.json else None
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent, default=str) + "\n")
        return
    rows = [{"key": k, "value": v} for k, v in data.items()]
    emit(rows, fmt, ["key", "value"], title=title)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def counted(n: int, one: str, many: str | None = None) -> str:
    """``"1 story"``, ``"2 stories"``: a count and its noun, singular when the count is one."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def title_markup(title: str | None, derived: bool = False) -> str:
    """A story title for the terminal (rich markup): one derived from the lead in italics and
    marked so, a missing one as "(no title)"."""
    from rich.markup import escape

    if not title:
        return "[dim](no title)[/]"
    if derived:
        return f"[italic]{escape(title)}[/] [dim](from the lead)[/]"
    return escape(title)


def sparkline(values: Iterable[float]) -> str:
    values = list(values)
    if not values:
        return ""
    bars = "▁▂▃▄▅▆▇█"
    top = max(values) or 1
    return "".join(bars[min(len(bars) - 1, int(v / top * (len(bars) - 1)))] for v in values)
