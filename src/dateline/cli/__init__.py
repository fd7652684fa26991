"""The command-line app: a thin client of :class:`dateline.Archive`.

Each command opens an archive, calls one method and prints the result; library errors become one
clear line on stderr and a non-zero exit (``--debug`` shows the traceback).
"""

from __future__ import annotations

import logging
import sys

import typer

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
    except Exception as exc:  # click usage errors come through here
        import click

        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if state.debug:
            raise
        console_err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc} "
                          "(run with --debug for the traceback, and please report it)")
        sys.exit(1)
