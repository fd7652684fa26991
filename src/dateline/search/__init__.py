"""Full-text search: one query language, pluggable engines (tantivy built in, memory for tests).

>>> from dateline.search import get_engine, IndexDoc
>>> engine = get_engine("memory")()
>>> engine.add([IndexDoc(id="s1", title="Rail link", text="The railway will reopen.")])
>>> engine.commit()
>>> engine.search("railways").hits[0].id
's1'
"""

from __future__ import annotations

from dateline.search.base import (
    FACETS,
    Hit,
    IndexDoc,
    SearchEngine,
    SearchResults,
    available_engines,
    get_engine,
    register_engine,
)
from dateline.search.korean import add_user_words
from dateline.search.query import Query, parse

__all__ = [
    "FACETS",
    "Hit",
    "IndexDoc",
    "Query",
    "SearchEngine",
    "SearchResults",
    "add_user_words",
    "available_engines",
    "get_engine",
    "parse",
    "register_engine",
]
