"""Story identity: which records are the same story, and when a new text is a revision.

The rule (ASSUMPTIONS.md, decision 1), in two steps:

1. **A key from where the story came from** (:func:`record_keys`), decided per source, since
   only the whole source shows whether a field identifies stories or pages:

   - a URL that no other record of the source carries (a story's own page) → ``url:URL``;
   - a URL that several records share (the daily page of a news agency holds many items):
     an explicit record id unique in the source wins (``id:ID``); else the URL *and* the
     record's title (``url:URL|title``): the items of a page are different stories;
   - no URL: a unique record id (``id:ID``), else the source's name and the record's place
     (``src:NAME#12``, ``src:NAME line 7``, or the file name alone).

   Each story of a record adds its position (``#0``, ``#1``, …).

2. **Evidence before a revision** (:func:`revision_evidence`): a text that differs from every
   text already stored under its key is a new revision only when it is plainly the same story
   — a near-identical text, or a related text with the same title or a later update time.
   Otherwise it is a different story sharing the key, stored under a key of its own
   (:func:`variant_key`), so that different stories never merge.

Pure functions: no SQL here; :mod:`dateline.store.writer` applies them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

#: a source whose records share URLs this often names pages, not stories, by its URLs
PAGE_SHARE = 0.2
#: word-set resemblance (Jaccard) above which two texts are near-identical: the same story
#: re-edited.  Measured on the KCNA 2024 corpus: its 20 re-edited items (same link, retitled,
#: reworded) score 0.63–0.95; different items of one day score up to 0.71 — which is why a
#: shared page URL never relies on the text alone (its key holds the title).
NEAR_IDENTICAL = 0.6
#: below this the texts are unrelated, whatever their titles or times say
RELATED = 0.3

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class RecordIdentity:
    """Where a record's stories get their keys (see the module docstring)."""

    base: str
    #: the URL is shared with other records of its source: the title joins the key
    by_title: bool = False


def record_keys(source_name: str,
                records: Sequence[tuple[str, str | None, str | None]]) -> list[RecordIdentity]:
    """The identity of each record of a source, from its ``(locator, url, record id)``."""
    urls = Counter(url for _, url, _ in records if url)
    ids = Counter(rid for _, _, rid in records if rid)
    with_url = sum(urls.values())
    shared = sum(n for n in urls.values() if n > 1)
    pages = with_url > 1 and shared >= PAGE_SHARE * with_url
    out = []
    for locator, url, rid in records:
        unique_id = rid if rid and ids[rid] == 1 and rid != url else None
        if url and urls[url] == 1:
            out.append(RecordIdentity(f"url:{url}"))
        elif url and unique_id:
            out.append(RecordIdentity(f"id:{unique_id}"))
        elif url:
            # a URL several records share: a page of several stories when the source is full
            # of such URLs, else the same page seen twice (revisions need evidence)
            out.append(RecordIdentity(f"url:{url}", by_title=pages))
        elif unique_id:
            out.append(RecordIdentity(f"id:{unique_id}"))
        else:
            out.append(RecordIdentity(f"src:{source_name}{locator}"))
    return out


def story_key(identity: RecordIdentity, title: str | None, position: int) -> str:
    """The key of the story at ``position`` in a record with ``identity``."""
    if identity.by_title and title:
        return f"{identity.base}|{normal_title(title)}#{position}"
    return f"{identity.base}#{position}"


def variant_key(key: str, text_hash: str) -> str:
    """The key of a different story that arrived under ``key``: ``key~`` and its text's hash,
    so that the same record ingested again finds it again."""
    return f"{key}~{text_hash[:16]}"


def variant_range(key: str) -> tuple[str, str]:
    """Bounds (exclusive) of the keys :func:`variant_key` makes from ``key``."""
    return f"{key}~", f"{key}\x7f"


def normal_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def resemblance(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' sets of words (case-folded)."""
    words_a = set(_WORD.findall(a.casefold()))
    words_b = set(_WORD.findall(b.casefold()))
    if not words_a or not words_b:
        return 0.0
    common = len(words_a & words_b)
    return common / (len(words_a) + len(words_b) - common)


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """What the evidence needs of a story's current revision."""

    title: str | None
    text: str
    updated_at: str | None  # ISO 8601


def revision_evidence(old: StoredVersion, new: StoredVersion, *,
                      title_in_key: bool = False) -> tuple[str, float] | None:
    """Why ``new`` is a revision of the story whose current revision is ``old`` — ``"same
    title"``, ``"near-identical text"`` or ``"later update time"`` — with the texts'
    resemblance; ``None`` when nothing says it is the same story.

    ``title_in_key``: the title is part of the key they share, so it proves nothing more."""
    score = resemblance(old.text, new.text)
    if score >= NEAR_IDENTICAL:
        return "near-identical text", score
    if score < RELATED:
        return None
    if (not title_in_key and old.title and new.title
            and normal_title(old.title) == normal_title(new.title)):
        return "same title", score
    if _later(new.updated_at, old.updated_at):
        return "later update time", score
    return None


def _later(a: str | None, b: str | None) -> bool:
    """Whether the ISO 8601 time ``a`` is after ``b`` (False when either is missing)."""
    if not a or not b:
        return False
    try:
        return datetime.fromisoformat(a) > datetime.fromisoformat(b)
    except (TypeError, ValueError):  # naive against aware, or not a time
        return False
