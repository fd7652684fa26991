"""The reader registry: one :class:`ReaderSpec` per input format, built-ins included.

Built-in readers register themselves with :func:`register_reader`, the same hook a third party
uses (datasette style).  A package can also declare readers under the ``dateline.readers``
entry-point group; each entry point names a callable that is called with :func:`register_reader`
and registers what it likes::

    # pyproject.toml of a plugin
    [project.entry-points."dateline.readers"]
    sgml = "dateline_sgml:register"

    # dateline_sgml.py
    def register(register_reader):
        register_reader("sgml", (".sgm",), read_sgml, sniff=lambda head: b"<REUTERS" in head)

A reader's ``read`` function fills in the :class:`~dateline.model.SourceFile` it is given
(``encoding``, ``records``, ``errors``, or ``reject_reason``/``reject_place``) and should not
raise for bad content; if it does anyway, the caller turns the exception into a reject.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from dateline.errors import InputError
from dateline.model import SourceFile

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "dateline.readers"


@dataclass(frozen=True, slots=True)
class ReaderOptions:
    """How the user wants files read; every field is optional (``None``/empty = detect)."""

    format: str | None = None  # force a reader: "text", "json", "jsonl", "csv", "html", "warc"
    encoding: str | None = None  # force an encoding (a Python codec name, e.g. "cp949")
    text_field: str | None = None
    title_field: str | None = None
    date_field: str | None = None
    url_field: str | None = None
    id_field: str | None = None
    program_field: str | None = None
    language_field: str | None = None
    include: tuple[str, ...] = ()  # glob patterns; see dateline.readers.discovery
    exclude: tuple[str, ...] = ()


ReadFunction = Callable[[SourceFile, ReaderOptions], None]
SniffFunction = Callable[[bytes], bool]


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    """A registered reader: its name, the file extensions it owns, how to sniff and read it."""

    name: str
    extensions: tuple[str, ...]  # lower case with the dot: (".json",); "" = no extension
    read: ReadFunction
    sniff: SniffFunction | None = None  # given the first 4 KB when the extension is unknown
    description: str = ""


_READERS: dict[str, ReaderSpec] = {}
_entry_points_loaded = False


def register_reader(
    name: str,
    extensions: tuple[str, ...] | list[str],
    read: ReadFunction,
    sniff: SniffFunction | None = None,
    *,
    description: str = "",
    replace: bool = False,
) -> ReaderSpec:
    """Register a reader; ``replace=True`` lets a plugin take over a built-in name."""
    if name in _READERS and not replace:
        raise ValueError(f"a reader named {name!r} is already registered; pass replace=True")
    exts = tuple(e.lower() if not e or e.startswith(".") else f".{e.lower()}" for e in extensions)
    spec = ReaderSpec(name, exts, read, sniff, description)
    _READERS[name] = spec
    return spec


def unregister_reader(name: str) -> None:
    """Remove a reader (for tests and plugins that replace one)."""
    _READERS.pop(name, None)


def readers() -> dict[str, ReaderSpec]:
    """All registered readers by name, entry-point plugins included."""
    _load_entry_points()
    return dict(_READERS)


def get_reader(name: str) -> ReaderSpec:
    """The reader called ``name``; :class:`InputError` naming the known ones otherwise."""
    known = readers()
    try:
        return known[name]
    except KeyError:
        raise InputError(
            f"unknown reader {name!r}",
            hint=f"use one of: {', '.join(sorted(known))}",
        ) from None


def choose_reader(name: str, head: bytes, options: ReaderOptions) -> ReaderSpec:
    """The reader for a file called ``name`` whose content starts with ``head``.

    A forced ``options.format`` wins; then the longest registered extension that ends the name;
    then the first reader whose sniff function accepts the head; then ``text``.  A name without
    extension is sniffed first (an LDC newswire file ``afp_eng_199405``, a JSON export
    without ``.json``), and is plain text when no reader knows its head.
    """
    if options.format:
        return get_reader(options.format)
    known = readers()
    lower = name.lower().rsplit("/", 1)[-1]
    best: tuple[int, ReaderSpec] | None = None
    has_extension = "." in lower.lstrip(".")
    for spec in known.values():
        for ext in spec.extensions:
            matched = lower.endswith(ext) if ext else not has_extension
            if matched and (best is None or len(ext) > best[0]):
                best = (len(ext), spec)
    if best is not None and has_extension:
        return best[1]
    for spec in known.values():
        if spec.sniff is not None:
            try:
                if spec.sniff(head):
                    return spec
            except Exception:  # noqa: BLE001 - a plugin's sniffer must not break reading
                log.warning("sniff function of reader %r failed", spec.name, exc_info=True)
    return best[1] if best is not None else known["text"]


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            hook = ep.load()
            hook(register_reader)
        except Exception:  # noqa: BLE001 - a broken plugin must not stop dateline
            log.warning("reader plugin %s failed to load", ep.value, exc_info=True)
