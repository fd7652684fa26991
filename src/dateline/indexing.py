"""What the archive's search engine is fed: the documents made of stories (a plain function of
the store; the archive calls it with its own locks and watermarks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dateline.model import IndexRow

if TYPE_CHECKING:
    from dateline.search.base import IndexDoc
    from dateline.store import Store


def index_docs(store: Store, rows: list[IndexRow],
               entities_of: Callable[[list[str]], dict[str, dict[str, list[str]]]]
               ) -> list[IndexDoc]:
    """What the engine indexes for each of ``rows``: the story, its quotes and speakers, the
    canonical names of the entities it mentions (``entities_of``: story id → persons, orgs,
    places), its Korean terms and, when untitled, the title derived from its lead, read for
    the whole list in a few queries."""
    from dateline.search.base import IndexDoc
    from dateline.search.korean import has_hangul
    from dateline.store.titles import derived_titles

    keys = [(r.id, r.revision) for r in rows]
    quotes = store.quote_texts(keys)
    names = entities_of([r.id for r in rows])
    terms = store.korean_search_terms(keys)
    leads = derived_titles(store, [r.id for r in rows if not r.title])
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
            lead_title=None if row.title else leads.get(row.id),
        ))
    return docs
