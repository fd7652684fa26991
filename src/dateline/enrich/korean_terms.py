"""The Korean analysis of stored stories, kept per revision (``korean_terms``).

Stories changed since the watermark are analysed once (Kiwi, :mod:`dateline.search.korean`), and
the entity enricher, the indexes and the thread pass read the result instead of analysing again.

The pass can run on a thread of its own (:meth:`KoreanAnalysis.start`): Kiwi works outside the
GIL, so while it reads the Korean stories the ingest's main thread extracts the entities of the
others and finds near-duplicates — both cores busy.  The thread reads with a connection of its
own; only the main thread writes, when it takes the results (:meth:`KoreanAnalysis.take`).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dateline.model import UNINDEXED_SEGMENTS, StoredStory
from dateline.store import Store

if TYPE_CHECKING:
    from dateline.search.korean_words import KoreanWords

log = logging.getLogger(__name__)

WATERMARK = "korean_seq"
MAKER = "kiwi-terms@2"  # 2: the title's proper nouns kept too
BATCH = 64

#: a batch of results: rows for ``Store.put_korean_terms`` and the sequence they reach
_Result = tuple[list[tuple[Any, ...]], int]


class KoreanAnalysis:
    """One pass of the Korean analysis over the stories changed since the last one."""

    def __init__(self, store: Store, batch: int = BATCH, *, words: KoreanWords | None = None):
        self.store = store
        self.batch = batch
        #: where the Korean words of the analysed stories are kept for searches
        self.words = words
        #: the pass covers the stories changed after this and up to ``upto``
        self.since = int(store.get_meta(WATERMARK, "0") or 0)
        self.upto = store.max_seq()
        self.done = 0
        self._results: queue.SimpleQueue[_Result | BaseException | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._ended = False  # the thread has said it is done (None on the queue)
        self._finished = False

    def run(self) -> int:
        """The whole pass, here; returns how many revisions were analysed."""
        for result in self._analyse(self.store):
            self._keep(result)
        return self.done

    def start(self) -> KoreanAnalysis:
        """Begin the pass on a thread of its own; :meth:`take` keeps what it has found so far,
        :meth:`finish` waits for the rest."""
        if self.upto > self.since:
            self._thread = threading.Thread(target=self._background, name="dateline-korean",
                                            daemon=True)
            self._thread.start()
        return self

    def pending(self, story: StoredStory) -> bool:
        """Whether ``story`` awaits its analysis in this pass (its terms are not kept yet)."""
        return (not self._finished and self.since < story.seq <= self.upto
                and _korean(story))

    def take(self) -> None:
        """Keep the results found so far (in the caller's thread: the store's writer)."""
        while True:
            try:
                item = self._results.get_nowait()
            except queue.Empty:
                return
            self._take(item)

    def finish(self) -> int:
        """Wait for the pass and keep all its results; returns how many were analysed."""
        if self._thread is not None:
            while not self._ended:
                self._take(self._results.get())
            self._thread.join()
            self._thread = None
        self._finished = True
        return self.done

    def _take(self, item: _Result | BaseException | None) -> None:
        if item is None:
            self._ended = True
        elif isinstance(item, BaseException):
            raise item
        else:
            self._keep(item)

    def _keep(self, result: _Result) -> None:
        rows, seq = result
        if rows:
            self.store.put_korean_terms(rows, MAKER)
        self.store.set_meta(WATERMARK, str(seq))
        self.done += len(rows)

    def _background(self) -> None:
        reader = Store(self.store.folder, readonly=True)
        try:
            for result in self._analyse(reader):
                self._results.put(result)
        except BaseException as exc:  # noqa: BLE001 - the main thread raises it
            log.debug("Korean analysis failed", exc_info=True)
            self._results.put(exc)
        finally:
            reader.close()
            self._results.put(None)

    def _analyse(self, store: Store) -> Iterator[_Result]:
        """Batches of analysed revisions, in store sequence."""
        from dateline.search import korean

        todo: list[StoredStory] = []
        last = self.since
        for story in store.iter_stories(after_seq=self.since, upto_seq=self.upto,
                                        with_quotes=False):
            last = story.seq
            if _korean(story):
                todo.append(story)
                if len(todo) >= self.batch:
                    yield self._batch(todo, korean.analyze_stories), last
                    todo = []
        if todo or last != self.since:
            yield self._batch(todo, korean.analyze_stories), last

    def _batch(self, stories: list[StoredStory], analyze: Any) -> list[tuple[Any, ...]]:
        items = _items(stories)
        if self.words is not None:
            self.words.learn(text for story in stories for text in korean_texts(story))
        return [(s.id, s.revision, t.title, t.text, t.proper_nouns, t.title_nouns)
                for s, t in zip(stories, analyze(items), strict=True) if t is not None]


def _korean(story: StoredStory) -> bool:
    """Worth a closer look: ``analyze_stories`` reads span by span."""
    from dateline.search.korean import has_hangul

    return has_hangul(story.text)


def korean_texts(story: StoredStory) -> list[str]:
    """The pieces of ``story`` that are searched as Korean: its title and indexed spans."""
    if not _korean(story) and not _korean_title(story):
        return []
    spans = [(g.start, g.end) for g in story.segments if g.kind not in UNINDEXED_SEGMENTS]
    return [story.title or "", *(story.text[a:b] for a, b in spans or [(0, len(story.text))])]


def _korean_title(story: StoredStory) -> bool:
    from dateline.search.korean import has_hangul

    return has_hangul(story.title or "")


def _items(stories: list[StoredStory]) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(title, text, indexed spans) of each story: what the analysis reads."""
    return [(s.title or "", s.text,
             [(g.start, g.end) for g in s.segments if g.kind not in UNINDEXED_SEGMENTS]
             or [(0, len(s.text))])
            for s in stories]
