"""The ``sgml`` reader: newswire collections in SGML, many stories to a file.

Two shapes are read, by their elements (names in any case):

- **Reuters** (``<REUTERS NEWID="…">``, as in Reuters-21578): ``<DATE>``, ``<TEXT>`` with
  ``<TITLE>``, ``<DATELINE>`` and ``<BODY>``; the categories ``<TOPICS>``, ``<PLACES>``,
  ``<PEOPLE>``, ``<ORGS>`` and ``<EXCHANGES>`` (lists of ``<D>`` values) are kept with the
  record.
- **TREC and LDC** (``<DOC>``, as in TREC collections and the Gigaword newswire): the id from
  ``<DOCNO>`` or the ``id`` attribute, ``<HEADLINE>``/``<HL>``/``<TITLE>``, ``<DATE_TIME>`` or
  ``<DATE>`` (else the ``YYYYMMDD`` of an id such as ``AFP_ENG_20050101.0001``), the text from
  ``<TEXT>`` (its ``<P>`` paragraphs one after the other).

Each element is a record with locator ``#N`` (N counts from 1), its raw bytes those of the
element; a file with no such element is read as plain text.  A Reuters brief (a headline over
the placeholder ``Blah blah blah.``, no body) is its headline: as its text the placeholder
would make every brief a copy of the first one.  An element that is not closed (a cut file) or
holds no text is a record error, with its bytes; the other elements are read.  Entities
(``&lt;``, ``&#3;``) are decoded and control characters dropped.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from dateline.model import Record, RecordError, SourceFile
from dateline.readers.decoding import attach_warnings, decode_source, encode_like
from dateline.readers.fields import to_record
from dateline.readers.registry import ReaderOptions, register_reader
from dateline.readers.text import read_text

_OPEN = re.compile(r"<(REUTERS|DOC)(\s[^>]*)?>", re.I)
_ATTR = re.compile(r"""([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_ELEMENT = re.compile(r"<([A-Za-z_][\w.-]*)(\s[^>]*)?>(.*?)</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
#: the parts of a text read apart from its body: its title, dateline and author
_PARTS = re.compile(r"<(TITLE|HEADLINE|HL|HEAD|DATELINE|AUTHOR|BYLINE)(?:\s[^>]*)?>.*?</\1\s*>",
                    re.I | re.S)
_D = re.compile(r"<D>(.*?)</D>", re.I | re.S)
_PARAGRAPH = re.compile(r"<P\b[^>]*>(.*?)(?=</P\s*>|<P\b|$)", re.I | re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REUTERS_DATE = re.compile(r"^\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d{1,2}):(\d{2}):(\d{2}))?")
#: lines of a text without a letter or digit (the asterisks before a Reuters brief's title)
_NO_WORDS = re.compile(r"^[^\w\n]+$", re.M)
_ID_DAY = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_LISTS = ("topics", "places", "people", "orgs", "exchanges", "companies")
_TITLES = ("title", "headline", "hl", "head")
_SNIFF = re.compile(rb"<REUTERS[\s>]|<DOC[\s>][\s\S]{0,2000}?<(?:DOCNO|TEXT|HEADLINE)[\s>]", re.I)


def read_sgml(source: SourceFile, options: ReaderOptions) -> None:
    decoded = decode_source(source, options)
    if decoded is None:
        return
    text = decoded.text
    opens = list(_OPEN.finditer(text))
    if not opens:  # a .sgm file of something else: plain text, as before this reader
        source.reader = "text"
        source.encoding = None
        read_text(source, options)
        return
    last: Record | RecordError | None = None
    for number, m in enumerate(opens, 1):
        name = m.group(1)
        following = opens[number].start() if number < len(opens) else len(text)
        # the closing tag before the next element (a search to the end of the file for each
        # unclosed one would be quadratic)
        close = re.compile(rf"</{name}\s*>", re.I).search(text, m.end(), following)
        locator = f"#{number}"
        if close is None:
            where = "the next one" if number < len(opens) else "the end of the file"
            last = RecordError(f"record {locator}: <{name}> is not closed before {where}",
                               locator, encode_like(text[m.start():following], decoded))
            source.errors.append(last)
            continue
        raw = encode_like(text[m.start():close.end()], decoded)
        fields = _fields(name.lower(), m.group(2) or "", text[m.end():close.start()])
        last = to_record(fields, locator, options, raw)
        if isinstance(last, RecordError):
            source.errors.append(last)
        else:
            source.records.append(last)
    attach_warnings(source, decoded, last)


def _fields(kind: str, attributes: str, body: str) -> dict[str, Any]:
    """The record of one element as a structured reader's fields: ``id``, ``title``,
    ``date``, ``text``, then everything else the element names."""
    attrs = {k.lower(): _clean(a if a else b if b else c)
             for k, a, b, c in _ATTR.findall(attributes)}
    children: dict[str, str] = {}
    for child in _ELEMENT.finditer(body):
        children.setdefault(child.group(1).lower(), child.group(3))
    inner: dict[str, str] = {}
    if "text" in children:  # Reuters puts title, dateline and body inside <TEXT>
        for child in _ELEMENT.finditer(children["text"]):
            inner.setdefault(child.group(1).lower(), child.group(3))
    title = next((written for k in _TITLES for v in (inner.get(k), children.get(k))
                  if v is not None and (written := _clean(v))), None)
    story = inner.get("body")
    if story is None and "text" in children and not any(k in inner for k in _TITLES):
        story = _paragraphs(_PARTS.sub("\n", children["text"]))  # TREC, or Reuters unprocessed
    # a Reuters brief (a title in the text, no body: "Blah blah blah.") is its title, so two
    # briefs are not taken for copies of one text
    text = _NO_WORDS.sub("", _clean(story)).strip() if story is not None else ""
    record_id = (_clean(children["docno"]) if "docno" in children
                 else attrs.get("newid") or attrs.get("id") or attrs.get("docid"))
    out: dict[str, Any] = {"id": record_id, "title": title,
                           "date": _date(children, inner, record_id),
                           "text": text or (title or "")}
    if "dateline" in inner or "dateline" in children:
        out["dateline"] = _clean(inner.get("dateline") or children.get("dateline") or "")
    for name in _LISTS:
        if name in children:
            out[name] = [_clean(v) for v in _D.findall(children[name])]
    for name, value in attrs.items():
        if name not in ("newid", "id"):
            out.setdefault(f"{kind}_{name}", value)
    for name in ("author", "byline", "source", "unknown"):
        written = _clean(inner.get(name) or children.get(name) or "")
        if written:
            out.setdefault(name, written)
    return out


def _paragraphs(text: str) -> str:
    """The ``<P>`` paragraphs of a ``<TEXT>``, a blank line apart (its whole text without
    tags when it has none)."""
    found = [p for p in (_clean(p) for p in _PARAGRAPH.findall(text)) if p]
    return "\n\n".join(found) if found else text


def _date(children: dict[str, str], inner: dict[str, str], record_id: str | None) -> str | None:
    """The element's date as ISO text (no offset: a newswire's clock is not stated)."""
    for name in ("date_time", "date", "pubdate"):
        value = children.get(name) or inner.get(name)
        if value is None:
            continue
        value = _clean(value)
        m = _REUTERS_DATE.match(value)
        if m is None:
            return value
        day, month, year, *clock = m.groups()
        try:
            stamp = datetime.strptime(f"{day}-{month.title()}-{year}", "%d-%b-%Y")
        except ValueError:
            return value  # kept as written: the record's warning says what was not understood
        try:  # a garbled time (``605:12:19``) leaves the day
            return stamp.replace(hour=int(clock[0]), minute=int(clock[1]),
                                 second=int(clock[2])).isoformat()
        except (TypeError, ValueError):
            return stamp.date().isoformat()
    m = _ID_DAY.search(record_id or "")
    return f"{m[1]}-{m[2]}-{m[3]}" if m else None


def _clean(value: str) -> str:
    """Text of SGML content: tags dropped, entities decoded, control characters removed."""
    return _CONTROL.sub("", html.unescape(_TAG.sub("", value))).strip()


def _sniff(head: bytes) -> bool:
    return _SNIFF.search(head) is not None


register_reader("sgml", (".sgm", ".sgml"), read_sgml, _sniff,
                description="newswire SGML (Reuters <REUTERS>, TREC/LDC <DOC>): each element "
                            "a record")
