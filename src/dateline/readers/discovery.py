"""Finding the files to read: folders walked recursively, sorted, hidden entries skipped.

Include/exclude patterns are globs matched against the path relative to the folder given (for a
file given by name: its name):

- a pattern without ``/`` matches the file name at any depth: ``*.json``;
- a pattern with ``/`` matches the relative path: ``2018/*.txt``; ``**/`` stands for any number
  of folders, none included, so ``**/*.txt`` takes ``a.txt`` and ``x/y/a.txt``;
- ``*`` and ``?`` never cross a ``/``; ``[abc]`` classes work as in :mod:`fnmatch`.

An exclude pattern that matches a folder skips everything inside it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from dateline.errors import InputError
from dateline.readers.registry import ReaderOptions, get_reader


def discover(paths: Iterable[str | Path], options: ReaderOptions) -> Iterator[Path]:
    """The files under ``paths`` in a deterministic order, each once.

    Raises :class:`InputError` at once (before any file is yielded) for a path that does not
    exist or an unknown ``options.format``.
    """
    given = [Path(p) for p in paths]
    for path in given:
        if not path.exists():
            raise InputError(
                f"no such file or folder: {str(path)!r}",
                where=str(path),
                hint="check the path (and quote glob patterns so the shell does not expand them)",
            )
    if options.format:
        get_reader(options.format)
    return _walk(given, options)


def matches(pattern: str, relative: str) -> bool:
    """Whether ``relative`` (a ``/``-separated path) matches one include/exclude pattern."""
    if "/" not in pattern.rstrip("/"):
        return _regex(pattern.rstrip("/")).fullmatch(relative.rsplit("/", 1)[-1]) is not None
    return _regex(pattern.lstrip("/")).fullmatch(relative) is not None


def _walk(given: list[Path], options: ReaderOptions) -> Iterator[Path]:
    # Files are streamed, never listed: memory stays flat for millions of files.  Only when
    # several paths are given can a file come twice; then the resolved paths are remembered.
    seen: set[Path] | None = set() if len(given) > 1 else None
    for top in given:
        candidates = _files_under(top, options.exclude) if top.is_dir() else iter(
            [(top.name, top)])
        for relative, path in candidates:
            if not _wanted(relative, options):
                continue
            if seen is not None:
                key = path.resolve()
                if key in seen:
                    continue
                seen.add(key)
            yield path


def _files_under(top: Path, exclude: tuple[str, ...], prefix: str = ""
                 ) -> Iterator[tuple[str, Path]]:
    """(relative path, path) of the files below ``top``, depth first, names sorted at each
    level with files and folders interleaved — the order of sorting by path components."""
    try:
        with os.scandir(top) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        relative = prefix + entry.name
        if entry.is_dir(follow_symlinks=True):
            if not any(matches(p, relative) for p in exclude):
                yield from _files_under(Path(entry.path), exclude, relative + "/")
        elif entry.is_file(follow_symlinks=True):
            yield relative, Path(entry.path)


def _wanted(relative: str, options: ReaderOptions) -> bool:
    if options.include and not any(matches(p, relative) for p in options.include):
        return False
    return not any(matches(p, relative) for p in options.exclude)


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pattern.find("]", i + 2)
            if j == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = pattern[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
                i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out))
