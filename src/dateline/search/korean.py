"""Korean analysis for search: kiwipiepy morphemes as index and query tokens.

Korean attaches particles and endings to words (철도를, 철도가, 연결됐다), so whole words never
match.  We index the content morphemes instead — nouns, proper nouns, verb and adjective stems,
roots, numbers, foreign words and hanja — and drop particles and endings, so ``철도`` finds
철도를/철도가 and ``남북철도`` finds 남북 철도 (as a phrase of two tokens).  Queries go through
the same analysis.

The Kiwi model takes seconds to load, so it is loaded lazily, once per process, and only when a
text actually contains Hangul; a search finds the analysis of its words in the archive's word
file (:mod:`dateline.search.korean_words`) and loads the model only for words it lacks.
Names the analyser splits (이도훈 → 이도 + 후 + ᆫ) can be taught with :func:`add_user_words`;
re-index afterwards so documents and queries agree.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dateline.errors import MissingExtra
from dateline.transcript.text import has_hangul

__all__ = [
    "KoToken",
    "StoryTerms",
    "analyze_stories",
    "add_user_words",
    "analyze",
    "analyze_many",
    "analyze_words",
    "fingerprint",
    "has_hangul",
    "proper_nouns",
    "terms",
]

log = logging.getLogger(__name__)

#: kiwi tags (before any "-I"/"-R" irregular suffix) whose morphemes become search tokens
KEEP_TAGS = frozenset({"NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SH", "SN"})

_lock = threading.Lock()
_kiwi: Any = None
_user_words: dict[str, str] = {}
#: word files of the open archives (:mod:`dateline.search.korean_words`), asked before Kiwi
_word_files: list[Any] = []
#: analyses Kiwi made for short texts while word files were open, not yet kept in them
_unsaved: dict[str, tuple[KoToken, ...]] = {}
_UNSAVED_MAX = 10_000


@dataclass(frozen=True, slots=True)
class KoToken:
    """A search token with its span in the analysed text (a stem's span covers its surface)."""

    form: str
    start: int
    end: int


def _get_kiwi() -> Any:
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                try:
                    from kiwipiepy import Kiwi
                except ImportError as exc:  # pragma: no cover - a declared dependency
                    raise MissingExtra("kiwipiepy", "all", "Korean search") from exc
                log.info("loading the Kiwi Korean model")
                kiwi = Kiwi(num_workers=min(2, os.cpu_count() or 1))
                for word, tag in _user_words.items():
                    kiwi.add_user_word(word, tag)
                kiwi.tokenize("")  # finish Kiwi's own lazy initialisation now
                _kiwi = kiwi
    return _kiwi


def _forget_in_child() -> None:
    """In a forked child: the parent's model may be mid-analysis on a thread the child does
    not have (and its thread pool is gone), its lock may be held, and its word files hold
    SQLite connections that must not cross a fork.  The child starts without them (a model
    it needs is loaded again); what they hold is left alone, never freed here."""
    global _lock, _kiwi, _word_files
    _forgotten.append((_kiwi, _word_files))
    _lock = threading.Lock()
    _kiwi = None
    _word_files = []


#: what a forked child inherited and must not use, nor free (see _forget_in_child)
_forgotten: list[Any] = []
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


def loaded() -> bool:
    """Whether this process holds the Korean model."""
    return _kiwi is not None


def unload() -> None:
    """Let go of the Korean model (about 0.5 GB): the next analysis loads it again.  The C
    library is asked to hand the freed memory back to the system (glibc keeps it otherwise)."""
    from dateline import memory

    global _kiwi
    with _lock:
        if _kiwi is None:
            return
        _kiwi = None
    memory.give_back()


def add_user_words(words: Iterable[str | tuple[str, str]]) -> int:
    """Teach the analyser known names (``"이도훈"`` or ``("이도훈", "NNP")``); returns how many
    were new.  Does not load the model: words given before it loads are applied when it does."""
    added = 0
    with _lock:
        for item in words:
            word, tag = (item, "NNP") if isinstance(item, str) else item
            word = word.strip()
            if not word or " " in word or _user_words.get(word) == tag:
                continue
            _user_words[word] = tag
            if _kiwi is not None:
                _kiwi.add_user_word(word, tag)
            added += 1
    if added:
        _analyze_short.cache_clear()  # a new word may change how a short text reads
        _unsaved.clear()
    return added


@functools.lru_cache(maxsize=1)
def _kiwi_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kiwipiepy")
    except PackageNotFoundError:  # pragma: no cover - a declared dependency
        return "absent"


def fingerprint() -> str:
    """What Kiwi's analyses depend on in this process: its version and the user words."""
    words = "\n".join(f"{w}\t{t}" for w, t in sorted(_user_words.items()))
    return f"kiwipiepy {_kiwi_version()}; user words {hashlib.sha1(words.encode()).hexdigest()}"


def use_word_file(words: Any) -> None:
    """Ask ``words`` (a :class:`~dateline.search.korean_words.KoreanWords`) before Kiwi."""
    with _lock:
        if words not in _word_files:
            _word_files.append(words)


def forget_word_file(words: Any) -> None:
    with _lock:
        if words in _word_files:
            _word_files.remove(words)
    _analyze_short.cache_clear()


def take_unsaved() -> dict[str, tuple[KoToken, ...]]:
    """The analyses Kiwi made for short texts since the last call (for the word files)."""
    with _lock:
        out = dict(_unsaved)
        _unsaved.clear()
    return out


def _keep(tokens: Sequence[Any], shift: int = 0) -> list[KoToken]:
    """The search tokens among Kiwi's, their offsets moved by ``shift`` (a piece's start)."""
    out = []
    for t in tokens:
        tag = t.tag.split("-", 1)[0]
        if tag in KEEP_TAGS:
            # multi-word dictionary entries ("원숭이 두창") become one token per word
            for form in t.form.lower().split():
                out.append(KoToken(form, t.start + shift, t.start + t.len + shift))
    return out


def analyze(text: str) -> list[KoToken]:
    """Search tokens of ``text``; ``[]`` (without loading the model) when it has no Hangul."""
    if not has_hangul(text):
        return []
    if len(text) <= SHORT:
        return list(_analyze_short(text))
    if len(text) > PIECE:
        return analyze_many([text])[0]
    return _keep(_get_kiwi().tokenize(text))


#: texts up to this long are query words and the like, which recur: each is analysed once
SHORT = 32


@functools.lru_cache(maxsize=8192)
def _analyze_short(text: str) -> tuple[KoToken, ...]:
    # the words of searches recur, and so do those of the thread pass's queries (a story's
    # most weighted words): a tenth of a 10k archive's thread rebuild was Kiwi reading them
    for words in list(_word_files):
        kept = words.get([text]).get(text)
        if kept is not None:
            return kept
    tokens = tuple(_keep(_get_kiwi().tokenize(text)))
    if _word_files and len(_unsaved) < _UNSAVED_MAX:
        _unsaved[text] = tokens
    return tokens


def analyze_words(words: Sequence[str]) -> list[tuple[KoToken, ...]]:
    """Each of ``words`` analysed alone, as :func:`analyze` would (one Kiwi batch)."""
    out: list[tuple[KoToken, ...]] = [() for _ in words]
    todo = [i for i, w in enumerate(words) if has_hangul(w)]
    if todo:
        for i, tokens in zip(todo, _get_kiwi().tokenize([words[i] for i in todo]),
                             strict=True):
            out[i] = tuple(_keep(tokens))
    return out


def analyze_many(texts: Sequence[str]) -> list[list[KoToken]]:
    """:func:`analyze` for many texts at once (Kiwi uses its worker threads); a text longer
    than :data:`PIECE` characters is read in pieces (:func:`cut_span`)."""
    out: list[list[KoToken]] = [[] for _ in texts]
    pieces: list[str] = []
    owners: list[tuple[int, int]] = []  # (text, where its piece starts)
    for i, text in enumerate(texts):
        if has_hangul(text):
            for a, b in cut_span(text, 0, len(text)):
                pieces.append(text if b - a == len(text) else text[a:b])
                owners.append((i, a))
    if not pieces:
        return out
    kiwi = _get_kiwi()
    for (i, a), tokens in zip(owners, kiwi.tokenize(pieces), strict=True):
        out[i].extend(_keep(tokens, a))
    return out


@dataclass(frozen=True, slots=True)
class StoryTerms:
    """A story's Korean analysis, computed once and kept in the store: the search terms of its
    title and indexed text (space-joined), and its proper nouns with offsets in its text."""

    title: str
    text: str
    proper_nouns: list[tuple[str, int, int]]
    #: the proper nouns of the title, offsets in the title
    title_nouns: list[tuple[str, int, int]]


def analyze_stories(items: Sequence[tuple[str, str, Sequence[tuple[int, int]]]]
                    ) -> list[StoryTerms | None]:
    """One Kiwi pass per story over (title, text, indexed spans); ``None`` when neither the
    title nor the indexed spans hold Hangul (navigation noise and 입력/수정 header lines of English
    pages are never analysed).

    Terms come from the indexed spans only; proper nouns carry offsets in ``text``; adjacent
    proper nouns are joined (Kiwi splits some names).  Kiwi's worker threads share the batch.
    A span longer than :data:`PIECE` characters is read in pieces (see :func:`cut_span`)."""
    out: list[StoryTerms | None] = [None] * len(items)
    pieces: list[str] = []  # titles and indexed spans with Hangul, tokenized in one batch
    plan: list[tuple[int, int, list[tuple[int, int]]]] = []  # (item, title piece, span pieces)
    for i, (title, text, spans) in enumerate(items):
        spans = [(a, b) for a, b in (spans or [(0, len(text))]) if has_hangul(text[a:b])]
        if not spans and not has_hangul(title):
            continue
        spans = [piece for a, b in spans for piece in cut_span(text, a, b)]
        plan.append((i, len(pieces), spans))
        pieces.append(title)
        pieces.extend(text[a:b] for a, b in spans)
    if not plan:
        return out
    tokens = _get_kiwi().tokenize(pieces)
    tokens = tokens if isinstance(tokens, list) else list(tokens)
    for i, at, spans in plan:
        title_terms = [t.form for t in _keep(tokens[at])]
        text_terms = list(title_terms)
        nouns: list[tuple[str, int, int]] = []
        for (a, _b), toks in zip(spans, tokens[at + 1 : at + 1 + len(spans)], strict=True):
            text_terms.extend(t.form for t in _keep(toks))
            nouns.extend(proper_nouns(toks, a))
        out[i] = StoryTerms(" ".join(title_terms), " ".join(text_terms), nouns,
                            proper_nouns(tokens[at]))
    return out


#: the longest text Kiwi reads at once (its time per character grows with a text's length: one
#: text of 200,000 characters took 1.9x the time of the same in pieces of 2,000)
PIECE = 20_000


def cut_span(text: str, start: int, end: int, size: int | None = None) -> list[tuple[int, int]]:
    """``[start, end)`` cut into spans of at most ``size`` (default :data:`PIECE`) characters:
    at the last line break of a piece's second half, else after its last sentence end, else at
    its last blank (else at ``size``).  A span that short is not cut, so what most stories read
    is unchanged."""
    size = size or PIECE
    out: list[tuple[int, int]] = []
    while end - start > size:
        lo, hi = start + size // 2, start + size
        cut = text.rfind("\n", lo, hi)
        if cut < 0:
            cut = max(text.rfind(". ", lo, hi), text.rfind("? ", lo, hi),
                      text.rfind("! ", lo, hi))
            cut = cut + 1 if cut >= 0 else text.rfind(" ", lo, hi)
        if cut <= start:
            cut = hi
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def proper_nouns(tokens: Iterable[Any], offset: int = 0) -> list[tuple[str, int, int]]:
    """(form, start, end) of each proper noun among Kiwi's ``tokens``, offsets moved by
    ``offset``; adjacent proper nouns are joined (Kiwi splits some names)."""
    nouns: list[tuple[str, int, int]] = []
    for tok in tokens:
        if not tok.tag.startswith("NNP"):
            continue
        start, end = offset + tok.start, offset + tok.start + tok.len
        if nouns and nouns[-1][2] == start:
            nouns[-1] = (nouns[-1][0] + tok.form, nouns[-1][1], end)
        else:
            nouns.append((tok.form, start, end))
    return nouns


def terms(text: str) -> list[str]:
    """Just the token forms of :func:`analyze`."""
    return [t.form for t in analyze(text)]
