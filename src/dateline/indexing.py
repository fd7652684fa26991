"""What the archive's indexes are fed: the Korean analysis kept per revision, and the documents
made of stories for the search engine.  Plain functions of the store (the archive calls them,
with its own locks and watermarks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dateline.model import UNINDEXED_SEGMENTS, IndexRow, StoredStory

if TYPE_CHECKING:
    from dateline.search.base import IndexDoc
    from dateline.store import Store

KOREAN_WATERMARK = "korean_seq"
KOREAN_MAKER = "kiwi-terms@1"


def analyze_korean(store: Store, batch: int = 64) -> int:
    """Analyse the Korean text of stories changed since the last pass (watermark
    ``korean_seq``), once, and keep the result; returns how many stories were analysed."""
    from dateline.search import korean

    watermark = int(store.get_meta(KOREAN_WATERMARK, "0") or 0)
    done = 0
    todo: list[StoredStory] = []

    def flush(seq: int) -> None:
        items = [(s.title or "", s.text,
                  [(g.start, g.end) for g in s.segments if g.kind not in UNINDEXED_SEGMENTS])
                 for s in todo]
        rows = [(s.id, s.revision, t.title, t.text, t.proper_nouns)
                for s, t in zip(todo, korean.analyze_stories(items), strict=True)
                if t is not None]
        store.put_korean_terms(rows, KOREAN_MAKER)
        store.set_meta(KOREAN_WATERMARK, str(seq))
        todo.clear()
        nonlocal done
        done += len(rows)

    last = watermark
    for story in store.iter_stories(after_seq=watermark, with_quotes=False):
        last = story.seq
        if korean.has_hangul(story.text):  # analyze_stories looks closer, span by span
            todo.append(story)
            if len(todo) >= batch:
                flush(last)
    if todo or last != watermark:
        flush(last)
    return done


def index_docs(store: Store, rows: list[IndexRow],
               entities_of: Callable[[list[str]], dict[str, dict[str, list[str]]]]
               ) -> list[IndexDoc]:
    """What the engine indexes for each of ``rows``: the story, its quotes and speakers, the
    canonical names of the entities it mentions (``entities_of``: story id → persons, orgs,
    places) and its Korean terms, read for the whole list in a few queries."""
    from dateline.search.base import IndexDoc
    from dateline.search.korean import has_hangul

    keys = [(r.id, r.revision) for r in rows]
    quotes = store.quote_texts(keys)
    names = entities_of([r.id for r in rows])
    terms = store.korean_search_terms(keys)
    docs = []
    for row in rows:
        ko = terms.get((row.id, row.revision))
        if ko is None and not (has_hangul(row.text) or has_hangul(row.title or "")):
            ko = ("", "")  # nothing for the engine to analyse
        said = quotes.get((row.id, row.revision), [])
        entities = names[row.id]
        docs.append(IndexDoc(
            id=row.id,
            title=row.title,
            text=row.text,
            date=row.date,
            published_at=row.published_at,
            program=row.program,
            language=row.language,
            reporter=row.reporter,
            source=row.source_name,
            speakers=sorted({speaker for _, speaker in said if speaker}),
            quotes=[text for text, _ in said],
            persons=entities["persons"],
            orgs=entities["orgs"],
            places=entities["places"],
            ko_title=ko[0] if ko else None,
            ko_text=ko[1] if ko else None,
        ))
    return docs
