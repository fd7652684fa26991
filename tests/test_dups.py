"""Near-duplicates: MinHash LSH finds edited copies, incrementally, with stored clusters."""

from __future__ import annotations

from pathlib import Path

import pytest

from _analysis_fixtures import fictional_text, store_only, write_records
from dateline.analysis import dups


def _edit(text: str, every: int) -> str:
    words = text.split()
    return " ".join("lantern" if i % every == 0 else w for i, w in enumerate(words))


@pytest.fixture
def corpus(archive, tmp_path: Path):
    base = fictional_text(1, 150)
    recs = [
        {"title": "Original", "date": "2021-03-01", "url": "https://example.invalid/d/0",
         "text": base},
        {"title": "Re-run", "date": "2021-03-02", "url": "https://example.invalid/d/1",
         "text": _edit(base, 70)},  # two words changed: Jaccard ≈ 0.9
    ] + [
        {"title": f"Other {i}", "date": "2021-03-03", "url": f"https://example.invalid/d/o{i}",
         "text": fictional_text(100 + i, 150)}
        for i in range(8)
    ]
    store_only(archive, [write_records(tmp_path / "in" / "a.json", recs)])
    return archive


def _titles(cluster) -> set[str]:
    return {m.title for m in cluster.members}


def test_dups_finds_the_edited_copy_only(corpus):
    clusters = corpus.near_duplicates()
    assert [_titles(c) for c in clusters] == [{"Original", "Re-run"}]
    assert all(0.8 <= m.similarity < 1.0 for m in clusters[0].members)


def test_dups_is_incremental_and_shown_with_the_story(corpus, tmp_path: Path):
    corpus.near_duplicates()
    base = fictional_text(1, 150)
    late = [{"title": "Third airing", "date": "2021-04-01", "url": "https://example.invalid/d/3",
             "text": _edit(base, 50)}]
    store_only(corpus, [write_records(tmp_path / "in" / "b.json", late)])
    report = corpus.update_near_duplicates()
    assert report.processed == 1 and not report.rebuilt  # only the new story was looked at
    clusters = corpus.near_duplicates()
    assert [_titles(c) for c in clusters] == [{"Original", "Re-run", "Third airing"}]
    third = next(m for m in clusters[0].members if m.title == "Third airing")
    extras = corpus.analysis_extras(third.id)
    assert {d["title"] for d in extras["near_duplicates"]} == {"Original", "Re-run"}


def test_dups_rebuild_gives_the_same_clusters(corpus):
    first = [c.to_dict() for c in corpus.near_duplicates()]
    again = [c.to_dict() for c in corpus.near_duplicates(rebuild=True)]
    assert first == again


def test_dups_threshold_change_rebuilds(corpus):
    corpus.near_duplicates()
    report = corpus.update_near_duplicates(threshold=0.95)
    assert report.rebuilt
    assert corpus.near_duplicates(threshold=0.95) == []


def test_after_ingest_hook_runs_the_pass(corpus):
    corpus._after_ingest_analysis()
    assert dups.clusters(corpus.store)[0].size == 2


def test_shingles_skip_short_texts_and_lsh_params():
    sh = dups.Shingler()
    assert len(sh.hashes("too short to judge")) == 0
    assert len(sh.hashes(fictional_text(3, 40))) > 0
    bands, rows = dups.lsh_params(0.8)
    assert bands * rows <= dups.NUM_PERM
    # recall at the threshold stays high (verification removes the false candidates)
    assert 1 - (1 - 0.8**rows) ** bands > 0.9


def test_jaccard():
    assert dups.jaccard({1, 2, 3}, {2, 3, 4}) == pytest.approx(0.5)
    assert dups.jaccard(set(), {1}) == 0.0


def test_shingle_hashes_are_the_crc32_of_each_word_whatever_the_cache():
    import zlib

    import numpy as np

    text = fictional_text(5, 60) + " Ünïcode 대통령 words"
    cold, warm = dups.Shingler(), dups.Shingler()
    warm.hashes(fictional_text(5, 30))  # some of the words already known
    words = cold.words(text)
    t = np.array([zlib.crc32(w.encode("utf-8")) for w in words], dtype=np.uint64)
    n = len(t) - dups.SHINGLE + 1
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(dups.SHINGLE):
            acc = (acc ^ (t[i : i + n] * cold._mult[i])) * np.uint64(0x9E3779B97F4A7C15)
    expected = np.unique(acc >> np.uint64(32))
    assert np.array_equal(cold.hashes(text), expected)
    assert np.array_equal(warm.hashes(text), expected)


@pytest.mark.parametrize("size", [1, 7, 300, 5000])
def test_signature_is_datasketchs_minhash(size):
    import numpy as np

    signer = dups.Signer(*dups.lsh_params(0.8))
    rng = np.random.default_rng(size)
    hashes = np.unique(rng.integers(0, 2**32, size=size, dtype=np.uint64))
    ours, theirs = signer.signature(hashes), signer.reference_signature(hashes)
    assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)
    assert signer.band_keys(ours) == signer.band_keys(theirs)
