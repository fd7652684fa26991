"""Readers: every file a user gives becomes :class:`~dateline.model.SourceFile` objects.

::

    discover(paths, options) ─► path ─► read_path(path, options) ─► [SourceFile, …]
    stored raw bytes ─────────────────► read_bytes(raw, name, origin, options) ─► the same

- Containers are unpacked first (:mod:`~dateline.readers.reading`): ``.gz`` and ``.zip``.
- Each file then goes to one registered reader (:mod:`~dateline.readers.registry`), chosen by
  ``options.format``, by extension, or by sniffing the first bytes; built-ins: ``text``,
  ``json``, ``jsonl``, ``csv`` (:mod:`~dateline.readers.structured`), ``html``, ``warc``
  (:mod:`~dateline.readers.web`, extra ``dateline[html]``), ``sgml`` (newswire collections,
  :mod:`~dateline.readers.sgml`).
- Encodings are detected and recorded (:mod:`~dateline.readers.decoding`).
- Nothing is lost: a source that cannot be read keeps its raw bytes with ``reject_reason``; a
  record that cannot be read is a :class:`~dateline.model.RecordError` with its locator.
"""

from __future__ import annotations

from dateline.readers import sgml, structured, text, web  # noqa: F401 - registers the built-ins
from dateline.readers.decoding import BINARY_REASON, Decoded, Undecodable, decode
from dateline.readers.discovery import discover, matches
from dateline.readers.fields import parse_date
from dateline.readers.reading import inner_name, read_bytes, read_path
from dateline.readers.registry import (
    ReaderOptions,
    ReaderSpec,
    choose_reader,
    get_reader,
    readers,
    register_reader,
    unregister_reader,
)

__all__ = [
    "BINARY_REASON",
    "Decoded",
    "ReaderOptions",
    "ReaderSpec",
    "Undecodable",
    "choose_reader",
    "decode",
    "discover",
    "get_reader",
    "inner_name",
    "matches",
    "parse_date",
    "read_bytes",
    "read_path",
    "readers",
    "register_reader",
    "unregister_reader",
]
