"""Kiwi's analyses of the archive's Korean words, kept so that a search need not load Kiwi.

Loading the Korean model costs seconds of CPU; a search needs the analysis of a few words.  An
archive keeps, in ``words/korean.sqlite`` beside its indexes, the analysis of every Korean word
of its stories — each word analysed alone, exactly as a query word is — and the analyses of the
queries it has answered.  A query whose Korean words are all there is analysed without the
model; any other loads it, as before, and its analysis is kept for the next time.

The analyses hold only for the analyser that made them: the file records the Kiwi version and
the user words (:func:`dateline.search.korean.add_user_words`) and is ignored, then emptied,
when either differs.  The file is derived: deleting it only makes searches slower until the
next ingest (or ``dateline reindex``) fills it again.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from dateline.search import korean

log = logging.getLogger(__name__)

FOLDER = "words"
FILE = "korean.sqlite"
#: looked up at most this many words per statement (SQLite's variable limit is higher)
_CHUNK = 500

_EDGES = re.compile(r"^\W+|\W+$")


def words_of(text: str) -> set[str]:
    """The Korean words a user could type to find ``text``: its whitespace-separated pieces
    with Hangul, without the punctuation around them."""
    out = set()
    for piece in text.split():
        if korean.has_hangul(piece):
            word = _EDGES.sub("", piece)
            if word and len(word) <= korean.SHORT:
                out.add(word)
    return out


class KoreanWords:
    """The word file of one archive folder (one connection per thread that uses it)."""

    def __init__(self, folder: Path, *, writable: bool):
        self.path = folder / FOLDER / FILE
        self.writable = writable
        self._local = threading.local()
        self._fingerprint: str | None = None  # the analyser the file's rows were made by

    # -- connections ---------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection | None:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None:
            return db
        try:
            if self.writable:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS words (text TEXT PRIMARY KEY, "
                           "tokens TEXT NOT NULL) WITHOUT ROWID")
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            elif self.path.exists():
                db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5,
                                     isolation_level=None)
            else:
                return None
        except sqlite3.Error as exc:  # a read-only folder, a damaged file: searches go slower
            log.debug("Korean word file %s unusable: %s", self.path, exc)
            return None
        self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def _current(self, db: sqlite3.Connection) -> bool:
        """Whether the file's rows were made by the analyser of this process (emptied when a
        writer finds they were not)."""
        wanted = korean.fingerprint()
        if self._fingerprint != wanted:
            try:
                row = db.execute("SELECT value FROM meta WHERE key = 'analyser'").fetchone()
            except sqlite3.Error:
                return False
            stored = row[0] if row else None
            if stored != wanted:
                if not self.writable:
                    return False
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("DELETE FROM words")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('analyser', ?)", (wanted,))
            self._fingerprint = wanted
        return True

    # -- reading and writing -------------------------------------------------------------

    def get(self, texts: Iterable[str]) -> dict[str, tuple[korean.KoToken, ...]]:
        """The kept analyses of those of ``texts`` the file has."""
        db = self._db()
        texts = list(dict.fromkeys(texts))
        if db is None or not texts or not self._current(db):
            return {}
        out = {}
        try:
            for i in range(0, len(texts), _CHUNK):
                chunk = texts[i:i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for text, tokens in db.execute(
                        f"SELECT text, tokens FROM words WHERE text IN ({marks})", chunk):
                    out[text] = tuple(korean.KoToken(f, a, b) for f, a, b in json.loads(tokens))
        except sqlite3.Error as exc:
            log.debug("Korean word file %s unreadable: %s", self.path, exc)
            return {}
        return out

    def put(self, analyses: dict[str, tuple[korean.KoToken, ...]]) -> None:
        """Keep ``analyses`` (text → tokens), made by this process's analyser."""
        if not analyses or not self.writable:
            return  # before any file is opened: most searches have nothing to keep
        db = self._db()
        if db is None or not self._current(db):
            return
        rows = [(text, json.dumps([[t.form, t.start, t.end] for t in tokens],
                                  ensure_ascii=False))
                for text, tokens in analyses.items()]
        try:
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO words VALUES (?, ?)", rows)
        except sqlite3.Error as exc:  # busy for too long, disk full: only slower searches
            log.debug("Korean word file %s not written: %s", self.path, exc)

    def learn(self, texts: Iterable[str]) -> int:
        """Analyse and keep the Korean words of ``texts`` that the file does not hold yet;
        returns how many were new.  Loads the model only when there are new words."""
        words: set[str] = set()
        for text in texts:
            words |= words_of(text)
        if not words:
            return 0
        new = sorted(words - self.get(words).keys())
        if new:
            self.put(dict(zip(new, korean.analyze_words(new), strict=True)))
        return len(new)
