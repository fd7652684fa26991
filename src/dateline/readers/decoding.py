"""Turning bytes into text: encoding detection for the formats dateline reads.

The order is fixed and cheap first, because Korean news archives mix encodings freely:

1. a byte-order mark: ``utf-8-sig``, ``utf-16`` (``utf-32`` too, rare);
2. strict UTF-8 (``utf-8``);
3. UTF-8 cut short at the very end of the file (a truncated download) — decoded up to the cut,
   with a warning, still ``utf-8``;
4. a charset declared by the document itself (HTML ``<meta charset>``), when given;
5. strict CP949 (``cp949``, a superset of EUC-KR) when the result is mostly Hangul;
6. charset-normalizer's best guess, when it is confident;
7. CP949 even when it is not mostly Hangul, if it decoded strictly;
8. UTF-8 with at most one stray byte in a thousand replaced by U+FFFD, with a warning.

Text that decodes but is full of control characters (NUL bytes above all) is binary and is
refused: :class:`Undecodable` carries the reason the reader turns into a reject.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field

from dateline.model import Record, RecordError, SourceFile
from dateline.readers.registry import ReaderOptions

log = logging.getLogger(__name__)

BINARY_REASON = "binary or undecodable content"
#: Files users hand in that hold text in a form no reader reads, and what to do instead
_KNOWN_BINARY: tuple[tuple[bytes, str], ...] = (
    (b"SQLite format 3\x00", "an SQLite database; export the table of stories to JSON Lines or "
                             "CSV (sqlite3 -json FILE 'SELECT * FROM TABLE' > stories.json) and "
                             "ingest that"),
    (b"%PDF-", "a PDF document; extract its text first (for example pdftotext) and ingest the "
               "text"),
)

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # (bom, label recorded in SourceFile.encoding, codec that decodes the bytes after the bom)
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
# control characters that never occur in text (tab, newlines, form feed, escape are allowed)
# C0 controls but tab, newlines, form feed and escape; DEL; C1 controls and lone surrogates
# (the characters of categories Cc and Cs): what binary decodes into, never in text.
# Unassigned and private-use code points are not counted: text may use characters newer than
# Python's tables.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ud800-\udfff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SAMPLE = 64 * 1024
#: the ASCII characters _NOT_TEXT does not match: deleting them leaves the ones it does
_ASCII_TEXT = bytes(c for c in range(128) if not _NOT_TEXT.match(chr(c)))
# Korean legacy encodings are all read as cp949 (a superset of EUC-KR); record them so
_LABELS = {"euc_kr": "cp949", "cp949": "cp949"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class Undecodable(Exception):
    """The bytes are not text in any encoding dateline knows (or not text at all)."""


@dataclass(slots=True)
class Decoded:
    """Text decoded from bytes, with how it was decoded and what was odd about it."""

    text: str
    encoding: str  # the label recorded in SourceFile.encoding ("utf-8", "utf-16", "cp949"…)
    codec: str  # the Python codec that re-encodes a piece of the text to its original bytes
    bom: bytes = b""
    warnings: list[str] = field(default_factory=list)


def decode(raw: bytes, encoding: str | None = None, *, declared: str | None = None) -> Decoded:
    """Decode ``raw``; ``encoding`` forces a codec, ``declared`` is tried before the guesses.

    Raises :class:`Undecodable` with a reason that says what to do.
    """
    if encoding:
        return _forced(raw, encoding)
    for bom, label, codec in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise Undecodable(
                    f"{BINARY_REASON}: starts with a {label} byte-order mark but is not valid "
                    f"{label} at byte {exc.start + len(bom)}; give --encoding if you know it"
                ) from exc
            return _checked(Decoded(text, label, codec, bom))
    for magic, what in _KNOWN_BINARY:
        if raw.startswith(magic):
            raise Undecodable(f"{BINARY_REASON}: {what}")
    try:
        return _checked(Decoded(raw.decode("utf-8"), "utf-8", "utf-8"))
    except UnicodeDecodeError as exc:
        utf8_error = exc
    truncated = _truncated_utf8(raw, utf8_error)
    if truncated is not None:
        return _checked(truncated)
    if declared:
        found = _try(raw, declared)
        if found is not None:
            return _checked(found)
    cp949 = _try(raw, "cp949")
    if cp949 is not None and _mostly_hangul(cp949.text):
        return _checked(cp949)
    guessed = _charset_normalizer(raw, utf8_error.start)
    if guessed is not None:
        return _checked(guessed)
    if cp949 is not None:
        return _checked(cp949)
    lenient = _mostly_utf8(raw)
    if lenient is not None:
        return _checked(lenient)
    raise Undecodable(
        f"{BINARY_REASON}: not UTF-8 (bad byte at {utf8_error.start}), not UTF-16 with a "
        "byte-order mark, not CP949/EUC-KR, and no other encoding fits; if it is text, "
        "give its encoding with --encoding"
    )


def encode_like(text: str, decoded: Decoded) -> bytes:
    """Re-encode a piece of decoded text the way the source was encoded (for RecordError.raw)."""
    try:
        return text.encode(decoded.codec)
    except (UnicodeEncodeError, LookupError):
        return text.encode("utf-8", "surrogatepass")


def sniff_declared_charset(raw: bytes) -> str | None:
    """The charset an HTML/XML document declares in its first 4 KB, if it is a known codec."""
    m = _META_CHARSET.search(raw[:4096])
    if not m:
        m = re.search(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", raw[:1024])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def looks_binary(raw: bytes) -> bool:
    """A quick test on the first bytes: NUL bytes without a UTF-16/32 byte-order mark."""
    head = raw[:_SAMPLE]
    return b"\x00" in head and not any(head.startswith(b) for b, _, _ in _BOMS)


# -- helpers ----------------------------------------------------------------------------------


def _forced(raw: bytes, encoding: str) -> Decoded:
    try:
        codec = _codec_for(encoding)
    except LookupError as exc:
        raise Undecodable(
            f"unknown encoding {encoding!r} given with --encoding; use a Python codec name "
            "such as utf-8, utf-16, cp949"
        ) from exc
    label = _LABELS.get(codec, codec.replace("_", "-"))
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise Undecodable(
            f"not valid {encoding} at byte {exc.start} ({exc.reason}); "
            "check --encoding or leave it out to let dateline detect the encoding"
        ) from exc
    bom = b""
    if text.startswith("\ufeff"):  # utf-8 with a BOM given as "utf-8": drop the mark
        text = text[1:]
        bom = next((b for b, _, _ in _BOMS if raw.startswith(b)), b"")
    return _checked(Decoded(text, label, codec, bom))


def _codec_for(name: str) -> str:
    """Python's codec name; EUC-KR is read as its superset CP949 (they agree where both decode)."""
    codec = codecs.lookup(name).name
    return "cp949" if codec == "euc_kr" else codec


def _try(raw: bytes, codec: str) -> Decoded | None:
    try:
        codec = _codec_for(codec)
        text = raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    name = codecs.lookup(codec).name
    label = _LABELS.get(name, name.replace("_", "-"))
    return Decoded(text, label, codec)


def _truncated_utf8(raw: bytes, exc: UnicodeDecodeError) -> Decoded | None:
    """UTF-8 whose only fault is a multi-byte character cut off by the end of the file."""
    if exc.reason != "unexpected end of data" or len(raw) - exc.start > 3:
        return None
    try:
        text = raw[: exc.start].decode("utf-8")
    except UnicodeDecodeError:
        return None
    lost = raw[exc.start:]
    warning = (
        f"the file ends in the middle of a UTF-8 character (last {len(lost)} byte(s) "
        f"{lost.hex(' ')} dropped); it was probably truncated — check the original"
    )
    return Decoded(text, "utf-8", "utf-8", warnings=[warning])


def _mostly_hangul(text: str) -> bool:
    sample = text[:_SAMPLE]
    non_ascii = len(_NON_ASCII.findall(sample))
    return non_ascii > 0 and len(_HANGUL.findall(sample)) >= 0.6 * non_ascii


def _charset_normalizer(raw: bytes, first_bad: int) -> Decoded | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a core dependency
        return None
    sample = raw[: 4 * _SAMPLE]
    if first_bad >= len(sample):  # show it the bytes that are not UTF-8, not only the head
        sample += b"\n" + raw[max(first_bad - _SAMPLE // 2, 0) : first_bad + _SAMPLE // 2]
    best = from_bytes(sample).best()
    if best is None:
        return None
    codec = best.encoding
    log.debug("charset-normalizer guessed %s", codec)
    return _try(raw, codec)


def _mostly_utf8(raw: bytes) -> Decoded | None:
    """UTF-8 with a few stray bytes (at most 1 in 1,000): replaced by U+FFFD, with a warning."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - raw.count("\ufffd".encode())
    if bad > max(1, len(raw) // 1000):
        return None
    warning = (f"{bad} byte(s) that are not UTF-8 were replaced by U+FFFD; the original bytes "
               "are kept — give --encoding if the file uses another encoding")
    return Decoded(text, "utf-8", "utf-8", warnings=[warning])


def _checked(decoded: Decoded) -> Decoded:
    """Refuse text that is not text: NUL bytes, more than 1% control characters."""
    sample = decoded.text[:_SAMPLE]
    if "\x00" in sample:
        raise Undecodable(f"{BINARY_REASON}: contains NUL bytes")
    if sample.isascii():  # most texts: counted at C speed, without a regex scan
        bad = len(sample.encode("ascii").translate(None, _ASCII_TEXT))
    else:
        bad = len(_NOT_TEXT.findall(sample))
    if sample and bad > max(2, len(sample) // 100):
        raise Undecodable(f"{BINARY_REASON}: {bad} control characters in the "
                          f"first {len(sample)} characters")
    return decoded


def decode_source(source: SourceFile, options: ReaderOptions,
                  declared: str | None = None) -> Decoded | None:
    """Decode a source's raw bytes and record the encoding; ``None`` (and a reject) if binary."""
    try:
        decoded = decode(source.raw, options.encoding, declared=declared)
    except Undecodable as exc:
        source.reject_reason = str(exc)
        return None
    source.encoding = decoded.encoding
    return decoded


def attach_warnings(source: SourceFile, decoded: Decoded,
                    last: Record | RecordError | None = None) -> None:
    """Source-level decoding warnings go where a truncated file's cut is: the last item read
    (``last``; by default the last record), or the reject reason when nothing was read."""
    if not decoded.warnings:
        return
    if last is None and source.records:
        last = source.records[-1]
    if last is None and source.errors:
        last = source.errors[-1]
    if source.reject_reason:
        source.reject_reason += "; " + "; ".join(decoded.warnings)
    elif isinstance(last, Record):
        last.warnings.extend(decoded.warnings)
    elif isinstance(last, RecordError):
        last.reason += "; " + "; ".join(decoded.warnings)
