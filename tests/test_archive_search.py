"""Search through the Archive: the index follows the store, Korean is analysed once and reused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import write_kbs_radio
from dateline import Archive

KOREAN_PAGE = """가상시 철도 연결 사업 착수

입력 2019.11.10 (21:50) 수정 2019.11.10 (22:55)

<앵커 멘트>

가상시와 별빛군을 잇는 철도를 놓는 사업이 시작됐습니다. 한가람 기자입니다.

<리포트>

별빛군 주민들은 철도가 생기면 시장이 넓어질 것이라고 기대했습니다.

<녹취> 윤바다(별빛군 군수) : "철도는 우리 군의 오랜 꿈이었습니다."

KBS 뉴스 한가람입니다.
"""

ENGLISH_WITH_KOREAN_NOISE = (" date 2019-11-11 Harbour Railway Opens News Today "
                             "입력 2019.11.11 (15:07)\n") + """
댓글

좋아요

[Anchor Lead]

The harbour railway of the fictional town of Pinehollow opened on Monday.

[Pkg]

Trains will run every hour, the harbour office said.
"""


def _build(tmp_path: Path) -> Archive:
    src = tmp_path / "in"
    src.mkdir()
    (src / "ko.txt").write_text(KOREAN_PAGE, encoding="utf-8")
    (src / "en.txt").write_text(ENGLISH_WITH_KOREAN_NOISE, encoding="utf-8")
    write_kbs_radio(src, "radio.txt", "2018-05-06", "Han Ji-ho", "Ministers met on sanctions.")
    archive = Archive(tmp_path / "a", create=True)
    archive.ingest([src], workers=1)
    return archive


def test_archive_search_finds_korean_inflections_with_stored_analysis(tmp_path: Path) -> None:
    with _build(tmp_path) as archive:
        analysed = archive.store.conn.execute(
            "SELECT story_id FROM korean_terms").fetchall()
        # only the Korean story is analysed: Korean navigation noise of English pages is not
        assert len(analysed) == 1
        ko = archive.get(analysed[0][0])
        assert ko.language == "ko"
        results = archive.search("철도")
        assert [h.id for h in results.hits] == [ko.id]
        assert "<mark>" in results.hits[0].snippets[0]


def test_archive_search_english_fields_and_dates(tmp_path: Path) -> None:
    with _build(tmp_path) as archive:
        # the radio page's sound bite and the News Today page
        assert archive.search("railway").total == 2
        dated = archive.search("railway", date_from=date(2019, 1, 1))
        assert dated.total == 1
        assert dated.hits[0].title == "Harbour Railway Opens"
        assert archive.search('programme:"News Today" railway').total == 1
        [hit] = archive.search("railway -pinehollow").hits
        assert hit.program == "KBS World Radio News"


def test_archive_reindex_gives_the_same_results(tmp_path: Path) -> None:
    with _build(tmp_path) as archive:
        before = [(h.id, round(h.score, 4)) for h in archive.search("railway OR 철도").hits]
        assert archive.reindex() == 3
        after = [(h.id, round(h.score, 4)) for h in archive.search("railway OR 철도").hits]
        assert before == after and len(before) == 3


def test_index_holds_each_story_once_through_ingest_revision_and_reindex(tmp_path: Path) -> None:
    # the first sync fills an empty index without replacing; later ones must replace
    with _build(tmp_path) as archive:
        assert archive.engine.doc_count() == 3
        write_kbs_radio(tmp_path / "in", "radio.txt", "2018-05-06", "Han Ji-ho",
                        "Ministers met on tariffs.")
        report = archive.ingest([tmp_path / "in"], workers=1)
        assert report.counts.revised == 1
        assert archive.engine.doc_count() == 3
        assert archive.search("tariffs").total == 1
        assert archive.search("sanctions").total == 0  # the old revision is gone
        archive.reindex()
        assert archive.engine.doc_count() == 3
        assert archive.search("tariffs").total == 1


def test_searches_catch_up_with_stories_stored_after_the_index_was_current(
        tmp_path: Path) -> None:
    # searches skip the watermark query while the store is unchanged: a change through this
    # archive's connection, and a commit through another, must each be seen
    with _build(tmp_path) as archive:
        assert archive.search("tariffs").total == 0
        assert archive.search("tariffs").total == 0  # answered with the index found current
        write_kbs_radio(tmp_path / "in", "own.txt", "2018-06-01", "Han Ji-ho", "Tariffs rose.")
        archive.ingest([tmp_path / "in" / "own.txt"], workers=1, index=False)
        assert archive.search("tariffs").total == 1
        assert archive.search("tariffs").total == 1  # current again
        write_kbs_radio(tmp_path / "in", "other.txt", "2018-06-02", "Han Ji-ho",
                        "Tariffs fell.")
        with Archive(tmp_path / "a") as other:
            other.ingest([tmp_path / "in" / "other.txt"], workers=1, index=False)
        assert archive.search("tariffs").total == 2


def test_the_index_feed_gives_the_documents_whole_stories_give(tmp_path: Path) -> None:
    # sync_index reads lean rows; index_docs of whole stories (the enricher's path) must agree
    with _build(tmp_path) as archive:
        stories = list(archive.store.iter_stories())
        lean = archive._index_docs(list(archive.store.iter_index_rows()))
        assert lean == archive.index_docs(stories)
        assert any(doc.quotes and doc.speakers for doc in lean)
        assert any(doc.ko_text for doc in lean)
        # noise and headers are not indexed, whichever way the story is read
        assert all(doc.text == story.indexed_text() != story.text
                   for doc, story in zip(lean, stories, strict=True))


def test_a_sync_pass_stops_at_the_sequence_it_started_from(tmp_path: Path) -> None:
    with _build(tmp_path) as archive:
        seqs = [s.seq for s in archive.store.iter_stories(include_duplicates=True)]
        upto = sorted(seqs)[1]
        bounded = archive.store.iter_stories(include_duplicates=True, upto_seq=upto)
        assert [s.seq for s in bounded] == sorted(seqs)[:2]


def test_reindex_rebuilds_an_index_of_an_older_schema(tmp_path: Path) -> None:
    import json

    import pytest

    from dateline.errors import ArchiveError
    from dateline.search.tantivy_engine import SCHEMA_VERSION

    with _build(tmp_path) as archive:
        before = [h.id for h in archive.search("harbour").hits]
        assert before
    meta = tmp_path / "a" / "index" / "dateline-search.json"
    old = json.loads(meta.read_text("utf-8"))
    meta.write_text(json.dumps({**old, "schema_version": SCHEMA_VERSION - 1}), "utf-8")
    with Archive(tmp_path / "a") as archive, pytest.raises(ArchiveError) as refused:
        archive.search("harbour")
    assert "dateline reindex" in (refused.value.hint or "")
    with Archive(tmp_path / "a") as archive:
        assert archive.reindex() == 3
        assert [h.id for h in archive.search("harbour").hits] == before
        assert archive.search("철도").total == 1
    assert json.loads(meta.read_text("utf-8"))["schema_version"] == SCHEMA_VERSION
