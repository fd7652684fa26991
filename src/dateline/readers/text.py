"""The ``text`` reader: the whole decoded file is one record (``.txt`` and files without extension).

Structure (the KBS ``date YYYY-MM-DD`` first line, stories, sound bites) is the transcript
parser's job, not the reader's.  Memory: the raw bytes plus one decoded copy; NFC normalisation
returns the same string when it is already NFC (the usual case), so a 50 MB line costs ~2 copies.
"""

from __future__ import annotations

from dateline.model import Record, SourceFile, normalize_text
from dateline.readers.decoding import attach_warnings, decode_source
from dateline.readers.registry import ReaderOptions, register_reader


def read_text(source: SourceFile, options: ReaderOptions) -> None:
    decoded = decode_source(source, options)
    if decoded is None:
        return
    text = normalize_text(decoded.text)
    decoded.text = ""  # drop the reference: the normalised text may be a new copy
    if not text or text.isspace():
        source.reject_reason = "no text: the file holds only whitespace"
    else:
        source.records.append(Record(text))
    attach_warnings(source, decoded)


register_reader("text", ("", ".txt", ".text"), read_text,
                description="plain text; the whole file is one record")
