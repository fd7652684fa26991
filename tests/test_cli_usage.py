"""How the command line meets a new user: its version, usage errors, help at 80 columns and
the wording of counts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from conftest import write_kbs_radio
from dateline import __version__
from dateline.cli import app, main


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the console script's entry point in this process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(list(args))
        raise SystemExit(0)
    out = capsys.readouterr()
    return int(exited.value.code or 0), out.out, out.err


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(capsys, "--version")
    assert code == 0 and out.strip() == f"dateline {__version__}", (out, err)


@pytest.mark.parametrize("args, says", [
    (("search", "--bogus", "x"), "No such option: --bogus"),
    (("nosuchcmd",), "No such command 'nosuchcmd'"),
    (("serch", "x"), "Did you mean 'search'"),
    (("search",), "Missing argument"),
    (("search", "x", "--limit", "many"), "Invalid value for '--limit'"),
    (("entity", "show", "--bogus"), "No such option: --bogus"),
])
def test_cli_usage_errors_are_usage_errors(capsys: pytest.CaptureFixture[str],
                                           args: tuple[str, ...], says: str) -> None:
    code, _, err = _main(capsys, *args)
    assert code == 2, err
    assert "internal error" not in err and "please report" not in err
    assert err.startswith("error: ") and says in err
    hint = [line for line in err.splitlines() if line.startswith("hint:")]
    assert hint and "--help" in hint[0]
    command = " ".join(a for a in args[:2] if not a.startswith("-") and a not in ("x",))
    if "No such command" not in says and "Did you mean" not in says:
        assert f"dateline {command} --help" in hint[0]


def _commands(group: Any, prefix: str) -> list[tuple[str, Any]]:
    ctx = group.context_class(group, info_name=prefix)
    out = []
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if hasattr(command, "list_commands"):
            out.extend(_commands(command, f"{prefix} {name}"))
        else:
            out.append((f"{prefix} {name}", command))
    return out


def test_cli_help_fits_80_columns() -> None:
    """Every option's names and value placeholder show whole in an 80-column terminal."""
    root = typer.main.get_command(app)
    runner = CliRunner()
    for path, command in _commands(root, "dateline"):
        args = path.split()[1:] + ["--help"]
        result = runner.invoke(app, args, env={"COLUMNS": "80", "TERM": "dumb"})
        assert result.exit_code == 0, (path, result.output)
        lines = result.output.splitlines()
        assert max(len(line) for line in lines) <= 80, path
        for param in command.params:
            if getattr(param, "hidden", False) or param.param_type_name != "option":
                continue
            for opt in param.opts:  # the option's names, never cut short ("--normali…")
                assert re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", result.output), \
                    (path, opt)
            if param.metavar:  # the value placeholder, never broken over two lines ("cs v")
                assert param.metavar in result.output, (path, param.metavar)


def test_cli_counts_are_worded_for_one(tmp_path: Path) -> None:
    src = tmp_path / "in"
    write_kbs_radio(src, "a.txt", "2019-01-05", "Han Ji-ho", "Talks on the harbour railway.")
    write_kbs_radio(src, "b.txt", "2019-02-05", "Han Ji-ho", "A ferry strike in the east.")
    arc = str(tmp_path / "a.dateline")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(src), "-a", arc, "--workers", "1"]).exit_code == 0
    one = runner.invoke(app, ["search", "ferry", "-a", arc])
    assert one.exit_code == 0 and one.output.startswith("1 story matches"), one.output
    two = runner.invoke(app, ["search", "railway", "-a", arc])
    assert two.output.startswith("2 stories match"), two.output


def test_cli_machine_formats_give_plain_snippets_with_offsets(tmp_path: Path) -> None:
    import csv
    import io
    import json

    src = tmp_path / "in"
    write_kbs_radio(src, "a.txt", "2019-01-05", "Han Ji-ho",
                    "The Smith & Jones <Harbour> tollgate deal.")
    arc = str(tmp_path / "a.dateline")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(src), "-a", arc, "--workers", "1"]).exit_code == 0
    out = runner.invoke(app, ["search", "tollgate", "-a", arc, "-f", "jsonl"])
    [hit] = [json.loads(line) for line in out.stdout.splitlines()]
    assert "Smith & Jones <Harbour> tollgate" in hit["snippet"]
    assert "&amp;" not in hit["snippet"] and "<mark>" not in hit["snippet"]
    assert hit["highlights"] and all(hit["snippet"][a:b].lower() == "tollgate"
                                     for a, b in hit["highlights"])
    [row] = csv.DictReader(io.StringIO(runner.invoke(
        app, ["search", "tollgate", "-a", arc, "-f", "csv"]).stdout))
    assert row["snippet"] == hit["snippet"] and json.loads(row["highlights"]) == \
        hit["highlights"]
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    with TestClient(create_app(Path(arc))) as client:
        [api] = client.get("/api/search", params={"q": "tollgate"}).json()["hits"]
    assert "&amp;" in api["snippets"][0]  # HTML for pages, as documented
    [plain] = api["snippets_plain"]
    assert plain == {"text": hit["snippet"], "highlights": hit["highlights"]}
