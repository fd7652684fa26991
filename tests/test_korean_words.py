"""The archive's Korean word file: a search finds its words' analyses without loading Kiwi,
and gets exactly what Kiwi would have given."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import shared_path
from dateline import Archive
from dateline.search import korean
from dateline.search.korean_words import FILE, FOLDER, KoreanWords, words_of

pytest.importorskip("kiwipiepy", reason="Korean analysis needs kiwipiepy")

STORIES = [
    ("남북 철도 연결 착공", "2018-12-26",
     "남북 철도 연결 착공식이 열렸습니다. 대통령은 “평화의 길”이라고 말했습니다."),
    ("항구 준설 공사 시작", "2019-01-20",
     "동해 항구에서 준설 공사가 시작됐습니다. 어선들이 인근 항구로 옮겼습니다."),
    ("대통령, 미사일 발사 규탄", "2019-05-04",
     "대통령은 북한의 미사일 발사를 규탄했습니다. 정부는 대응책을 논의했습니다."),
]


def _archive(tmp_path: Path) -> Path:
    src = tmp_path / "ko.jsonl"
    src.write_text("".join(json.dumps({"id": f"k{i}", "title": t, "date": d, "text": x,
                                       "language": "ko"}, ensure_ascii=False) + "\n"
                           for i, (t, d, x) in enumerate(STORIES)), encoding="utf-8")
    path = tmp_path / "ko.dateline"
    with Archive(path, create=True) as arc:
        arc.ingest([src])
    return path


def _search_in_a_new_process(path: Path, query: str) -> dict:
    """Hits of ``query`` and whether the search loaded Kiwi, in a fresh interpreter."""
    code = textwrap.dedent(f"""
        import json
        from dateline import Archive
        from dateline.search import korean
        with Archive({str(path)!r}, readonly=True) as arc:
            hits = [h.id for h in arc.search({query!r}, limit=50).hits]
        print(json.dumps({{"hits": hits, "kiwi": korean._kiwi is not None}}))
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(run.stdout)


def test_words_of_takes_the_korean_words_a_user_would_type() -> None:
    assert words_of("대통령은 “평화의 길”이라고 말했다. Seoul 2019년,") == {
        "대통령은", "평화의", "길”이라고", "말했다", "2019년"}


@pytest.mark.embedded_only("the new process opens the archive by its folder")
def test_a_search_for_the_archives_words_needs_no_model(tmp_path: Path) -> None:
    path = _archive(tmp_path)
    assert (path / FOLDER / FILE).exists()
    for query in ("대통령", "대통령은", "철도", "title:항구"):
        cached = _search_in_a_new_process(path, query)
        assert cached["hits"] and not cached["kiwi"], query
    # without the file the same searches load Kiwi and find the same stories
    (path / FOLDER / FILE).unlink()
    for query in ("대통령", "대통령은", "철도", "title:항구"):
        fresh = _search_in_a_new_process(path, query)
        assert fresh["kiwi"]
        assert fresh["hits"] == _search_hits(path, query)


def _search_hits(path: Path, query: str) -> list[str]:
    with Archive(path, readonly=True) as arc:
        return [h.id for h in arc.search(query, limit=50).hits]


@pytest.mark.embedded_only("the new process opens the archive by its folder")
def test_a_new_query_is_analysed_once_and_kept(tmp_path: Path) -> None:
    path = _archive(tmp_path)
    first = _search_in_a_new_process(path, '"미사일 발사"')
    assert first["kiwi"] and first["hits"]
    again = _search_in_a_new_process(path, '"미사일 발사"')
    assert again == {"hits": first["hits"], "kiwi": False}


def test_the_file_of_another_analyser_is_not_used(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = _archive(tmp_path)
    words = KoreanWords(path, writable=True)
    assert words.get(["대통령은"])
    monkeypatch.setattr(korean, "_user_words", {"대통령은": "NNP"})  # another analyser
    other = KoreanWords(path, writable=False)
    assert other.get(["대통령은"]) == {}  # a reader ignores it
    assert words.get(["대통령은"]) == {}  # a writer empties it for the new analyser
    db = sqlite3.connect(path / FOLDER / FILE)
    assert db.execute("SELECT count(*) FROM words").fetchone() == (0,)
    db.close()
    words.close()
    other.close()


def test_a_damaged_or_unwritable_file_only_slows_searches(tmp_path: Path) -> None:
    path = _archive(tmp_path)
    expected = _search_hits(path, "대통령")
    (path / FOLDER / FILE).write_bytes(b"not a database" * 100)
    assert _search_hits(path, "대통령") == expected
    if os.geteuid() != 0:  # root writes anywhere
        (path / FOLDER / FILE).unlink()
        (path / FOLDER).chmod(0o500)
        try:
            assert _search_hits(path, "대통령") == expected
        finally:
            (path / FOLDER).chmod(0o700)


def test_reindex_fills_a_deleted_file(tmp_path: Path) -> None:
    path = _archive(tmp_path)
    (path / FOLDER / FILE).unlink()
    with Archive(path) as arc:
        arc.reindex()
        assert arc.korean_words.get(["철도", "대통령은"]).keys() == {"철도", "대통령은"}


def test_batched_analysis_of_real_words_is_kiwis_word_by_word() -> None:
    db_path = shared_path("corpora", "ko-wikinews", "wikinews.db")
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    words: set[str] = set()
    for (body,) in db.execute("SELECT body FROM scrap WHERE body IS NOT NULL LIMIT 40"):
        words |= words_of(body)
    db.close()
    sample = sorted(words)[::7][:300]
    assert len(sample) > 100
    assert korean.analyze_words(sample) == [
        tuple(korean._keep(korean._get_kiwi().tokenize(w))) for w in sample]


def test_an_ingest_lets_go_of_the_model_it_loaded(tmp_path: Path) -> None:
    """The Korean model an ingest loaded (~0.5 GB) is freed before the index and the threads
    are brought up to date; a process that held it before keeps it; a later search that needs
    it loads it again and finds the same stories."""
    code = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from dateline.search import korean
        from test_korean_words import _archive
        freed = not korean.loaded()
        path = _archive(Path({str(tmp_path)!r}) / "a")
        freed = freed and not korean.loaded()
        korean.analyze("항구")  # a process holding the model
        kept_path = _archive(Path({str(tmp_path)!r}) / "b")
        kept = korean.loaded()
        korean.unload()
        from dateline import Archive
        with Archive(path) as arc:
            hits = [h.id for h in arc.search('"미사일 발사를"', limit=50).hits]
        print(json.dumps({{"freed": freed, "kept": kept, "hits": hits,
                           "reloaded": korean.loaded()}}))
    """)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["freed"] and out["kept"] and out["reloaded"]
    assert out["hits"] == _search_hits(tmp_path / "a" / "ko.dateline", '"미사일 발사를"')
    assert len(out["hits"]) == 1
