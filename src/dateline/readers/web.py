"""Readers of web captures: ``html`` pages and ``warc`` web archives (extra ``dateline[html]``).

- **html**: main text, title and date extracted with trafilatura (imported lazily); when it
  finds no main text, the page's whole visible text is kept with a warning.  The encoding is
  detected as for text files, with the page's own ``<meta charset>`` tried before the guesses.
- **warc**: every HTML ``response`` (or ``resource``) record becomes a record, locator
  ``record N`` (N counts all WARC records from 1); its URL is ``WARC-Target-URI`` and its date is
  the page's own date when trafilatura finds one, else the capture date ``WARC-Date``
  (kept in ``hints.extra["warc_date"]`` either way).  Other records (requests, metadata,
  images) are skipped: the WARC's bytes are kept whole as the source.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from dateline.model import Hints, Record, RecordError, SourceFile, normalize_text
from dateline.readers.decoding import (
    Undecodable,
    attach_warnings,
    decode,
    decode_source,
    sniff_declared_charset,
)
from dateline.readers.fields import parse_date
from dateline.readers.registry import ReaderOptions, register_reader

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'dateline[html]'"
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                         re.I | re.S)
_LANG = re.compile(r"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)", re.I)
_PUBLISHED = re.compile(
    r"<meta[^>]+(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|pubdate|"
    r"datePublished)[\"'][^>]*?content\s*=\s*[\"']([^\"']+)", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def missing_extra(package: str, what: str) -> str:
    return f"reading {what} needs the optional package {package!r}: {INSTALL_HINT}"


def read_html(source: SourceFile, options: ReaderOptions) -> None:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        source.errors.append(RecordError(missing_extra("trafilatura", "HTML"), "", source.raw))
        return
    decoded = decode_source(source, options, declared=sniff_declared_charset(source.raw))
    if decoded is None:
        return
    result = extract_html(decoded.text, "")
    if isinstance(result, RecordError):
        result.raw = source.raw
        source.errors.append(result)
    else:
        source.records.append(result)
    attach_warnings(source, decoded)


def extract_html(html: str, locator: str, url: str | None = None) -> Record | RecordError:
    """Main text, title, date and language of one HTML page (trafilatura must be importable)."""
    import trafilatura

    where = f"{locator}: " if locator else ""
    warnings: list[str] = []
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          include_comments=False, include_tables=True)
    except Exception as exc:  # noqa: BLE001 - a page trafilatura chokes on is a RecordError
        log.debug("trafilatura failed", exc_info=True)
        doc = None
        warnings.append(f"main-text extraction failed ({type(exc).__name__}); kept the page text")
    text = _attr(doc, "text")
    if not text:
        try:
            text = trafilatura.html2txt(html) or ""
        except Exception:  # noqa: BLE001
            text = ""
        if text.strip() and not warnings:
            warnings.append("no main text found; kept the whole visible text of the page")
    text = normalize_text(text).strip()
    if not text:
        return RecordError(f"{where}no text found in the HTML page", locator)
    hints = Hints(title=_attr(doc, "title"), url=url or _attr(doc, "url"))
    day = _attr(doc, "date")
    if day:
        parsed = parse_date(day)
        if parsed is not None:
            hints.date = parsed.date
    m = _PUBLISHED.search(html[:65536])
    if m:
        parsed = parse_date(m.group(1))
        if parsed is not None:
            hints.published_at = parsed.published_at
            hints.date = hints.date or parsed.date
    m = _LANG.search(html[:4096])
    if m:
        hints.language = m.group(1).lower()
    if hints.title:
        hints.title = normalize_text(hints.title).strip()
    return Record(text, locator, hints, warnings)


def read_warc(source: SourceFile, options: ReaderOptions) -> None:
    try:
        import trafilatura  # noqa: F401
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as exc:
        package = "warcio" if "warcio" in str(exc) else "trafilatura"
        source.errors.append(RecordError(missing_extra(package, "WARC files"), "", source.raw))
        return
    stream = io.BytesIO(source.raw)
    iterator = ArchiveIterator(stream)
    records = iter(iterator)
    number = 0
    skipped = 0
    while True:
        try:
            rec = next(records)
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on a damaged file
            offset = _offset(iterator)
            source.errors.append(RecordError(
                f"record {number + 1}: the WARC is damaged here ({type(exc).__name__}: {exc}); "
                "the records before it were read",
                f"record {number + 1}", source.raw[offset:] if offset is not None else b"",
            ))
            break
        number += 1
        try:
            result = _warc_record(rec, number, options)
        except Exception as exc:  # noqa: BLE001
            result = RecordError(f"record {number}: cannot be read ({type(exc).__name__}: {exc})",
                                 f"record {number}")
        if result is None:
            skipped += 1
        elif isinstance(result, RecordError):
            source.errors.append(result)
        else:
            source.records.append(result)
    log.debug("%s: %d WARC records, %d skipped (not HTML responses)", source.origin, number,
              skipped)
    if not source.records and not source.errors:
        source.reject_reason = (f"no HTML responses among the {number} WARC records"
                                if number else "not a WARC file: no records found")


def _warc_record(rec: Any, number: int, options: ReaderOptions) -> Record | RecordError | None:
    if rec.rec_type not in ("response", "resource"):
        return None
    headers = rec.http_headers if rec.rec_type == "response" else rec.rec_headers
    ctype = (headers.get_header("Content-Type") if headers is not None else None) or ""
    if "html" not in ctype.lower():
        return None
    if rec.http_headers is not None and rec.rec_type == "response":
        status = rec.http_headers.get_statuscode() or ""
        if status and not status.startswith("2"):
            return None
    payload = rec.content_stream().read()
    url = rec.rec_headers.get_header("WARC-Target-URI")
    warc_date = rec.rec_headers.get_header("WARC-Date")
    locator = f"record {number}"
    charset = _CHARSET.search(ctype)
    try:
        decoded = decode(payload, options.encoding,
                         declared=(charset.group(1) if charset else None)
                         or sniff_declared_charset(payload))
    except Undecodable as exc:
        return RecordError(f"{locator} ({url}): {exc}", locator, payload)
    result = extract_html(decoded.text, locator, url)
    if isinstance(result, RecordError):
        result.raw = payload
        result.reason = f"{result.reason} ({url})"
        return result
    result.warnings.extend(decoded.warnings)
    result.hints.url = url or result.hints.url
    result.hints.extra["warc_date"] = warc_date
    result.hints.extra["encoding"] = decoded.encoding
    if warc_date:
        parsed = parse_date(warc_date)
        if parsed is not None and result.hints.date is None:
            result.hints.date = parsed.date
    return result


def _attr(doc: Any, name: str) -> Any:
    if doc is None:
        return None
    if isinstance(doc, dict):
        return doc.get(name)
    return getattr(doc, name, None)


def _offset(iterator: Any) -> int | None:
    """Where the record that failed starts: warcio's offset after the last whole record."""
    offset = getattr(iterator, "offset", None)
    return offset if isinstance(offset, int) and offset >= 0 else None


def _sniff_html(head: bytes) -> bool:
    return _HTML_START.match(head) is not None


def _sniff_warc(head: bytes) -> bool:
    return head.startswith((b"WARC/", b"filedesc://"))


register_reader("html", (".html", ".htm", ".xhtml"), read_html, _sniff_html,
                description="an HTML page; main text extracted with trafilatura")
register_reader("warc", (".warc", ".arc"), read_warc, _sniff_warc,
                description="a WARC web archive; each HTML response is a record")
