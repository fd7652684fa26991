"""The command-line app: a thin client of :class:`dateline.Archive`.

Each command opens an archive, calls one method and prints the result; library errors become one
clear line on stderr and a non-zero exit (``--debug`` shows the traceback).
"""

from __future__ import annotations

import logging
import sys

import typer
from rich.text import Text

from dateline.cli.common import app, console_err, state
from dateline.errors import DatelineError


def _load_commands() -> None:
    """Import every module of this package: each registers its commands on ``app``."""
    import importlib
    import pkgutil

    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name not in ("common",):
            importlib.import_module(f"{__name__}.{info.name}")


_load_commands()

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``dateline`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args:
        state.debug = True
        args.remove("--debug")
        logging.basicConfig(level=logging.DEBUG)
    try:
        # Not standalone: errors come here as exceptions; an exit code comes back as a value
        # (typer turns Ctrl-C into 130 and `typer.Exit(n)` into n).
        code = app(args=args, prog_name="dateline", standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            if code == 130:
                console_err.print("interrupted: what was stored so far is kept; run the same "
                                  "command again to finish", soft_wrap=True)
            sys.exit(code)
    except DatelineError as exc:
        if state.debug:
            raise
        console_err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2 if exc.status == 400 else 1)
    except typer.Abort:
        console_err.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        console_err.print("interrupted: what was stored so far is kept; run the command again "
                          "to finish")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        code = _usage_error(exc)
        if code is not None:
            sys.exit(code)
        if state.debug:
            raise
        console_err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc} "
                          "(run with --debug for the traceback, and please report it)",
                          highlight=False, soft_wrap=True)
        sys.exit(1)


def _click_exception() -> type | None:
    try:
        import click
    except ImportError:  # typer ships its own click: an installed one is optional
        return None
    return click.ClickException


def _usage_error(exc: BaseException) -> int | None:
    """Print a command-line usage error (an unknown option or command, a missing argument, a
    bad value) as one line and a hint; returns its exit code (2), or None for other errors.

    Typer ships its own copy of click, whose exceptions derive from ``typer.TyperException``;
    older typers use an installed ``click``: both kinds are recognised.
    """
    families: tuple[type, ...] = tuple(
        t for t in (getattr(typer, "TyperException", None), _click_exception()) if t is not None)
    if not isinstance(exc, families):
        return None
    exit_code = int(getattr(exc, "exit_code", 2) or 2)
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if type(exc).__name__ == "NoArgsIsHelpError":  # the help was asked for by giving nothing
        if message.strip():
            console_err.print(message, highlight=False, markup=False)
        return exit_code
    console_err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False,
                      soft_wrap=True)
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "dateline"
    if message.startswith("No such command"):
        console_err.print(f"hint: the commands are listed by: {path} --help", highlight=False,
                          soft_wrap=True)
    else:
        console_err.print(f"hint: see the options and arguments with: {path} --help",
                          highlight=False, soft_wrap=True)
    return exit_code
