"""Ingest: idempotence, revisions, duplicates, rejects, raw bytes, real corpora."""

from __future__ import annotations

import gzip
import json
import os
from datetime import date
from pathlib import Path

import pytest

from conftest import shared_path, write_kbs_radio
from dateline import Archive
from dateline.errors import ArchiveNotFound, NotFound
from dateline.readers import ReaderOptions


def _ingest(archive: Archive, *paths: Path, **options: object):
    return archive.ingest(list(paths), ReaderOptions(**options), workers=1, index=False)


#: annotation files that sit beside the corpora in ../shared and are not news
NOT_NEWS = ("GOLD*", "INDEX.tsv", "*.md", "LICENSE")


def test_ingest_stores_stories_and_raw_bytes(archive: Archive, tmp_path: Path) -> None:
    src = tmp_path / "in"
    path = write_kbs_radio(src, "a.txt", "2019-03-04", "Han Ji-ho", "The ministry met today.")
    report = _ingest(archive, src)
    assert report.counts.new == 1
    assert report.counts.rejected == 0
    [story] = list(archive.stories())
    assert story.date == date(2019, 3, 4)
    assert "eastern railway" in story.text
    assert archive.raw(story.source_id) == path.read_bytes()


def test_ingest_twice_adds_nothing(archive: Archive, tmp_path: Path) -> None:
    src = tmp_path / "in"
    for i in range(5):
        write_kbs_radio(src, f"f{i}.txt", f"2019-03-0{i + 1}", "Han Ji-ho", f"Meeting {i}.")
    first = _ingest(archive, src)
    before = archive.stats()
    second = _ingest(archive, src)
    after = archive.stats()
    assert first.counts.new == 5
    assert second.counts.new == 0 and second.counts.sources == 0
    assert second.counts.unchanged_sources == 5
    for key in ("sources", "stories", "revisions", "rejects", "duplicates"):
        assert before[key] == after[key], key


def test_ingest_changed_file_becomes_new_revision(archive: Archive, tmp_path: Path) -> None:
    old = write_kbs_radio(tmp_path / "v1", "page.txt", "2020-01-02", "Han Ji-ho", "First text.")
    new = write_kbs_radio(tmp_path / "v2", "page.txt", "2020-01-02", "Han Ji-ho", "Second text.")
    _ingest(archive, old)
    report = _ingest(archive, new)
    assert report.counts.revised == 1
    [story] = list(archive.stories())
    assert story.revision == 2
    assert "Second text" in story.text
    revisions = archive.revisions(story.id)
    assert [r["revision"] for r in revisions] == [1, 2]
    assert "First text" in revisions[0]["text"]  # the old revision is kept
    # ingesting the old version again changes nothing
    again = _ingest(archive, old)
    assert again.counts.unchanged_sources == 1
    assert archive.get(story.id).revision == 2


def test_ingest_identical_text_elsewhere_is_a_duplicate(archive: Archive, tmp_path: Path) -> None:
    a = write_kbs_radio(tmp_path / "in", "a.txt", "2020-01-02", "Han Ji-ho", "Same words.")
    b = tmp_path / "in" / "copy-of-a.txt"
    b.write_bytes(a.read_bytes())
    report = _ingest(archive, tmp_path / "in")
    assert report.counts.new == 1
    assert report.counts.duplicate == 1
    [story] = list(archive.stories())
    assert len(archive.duplicates(story.id)) == 1
    assert archive.stats()["duplicates"] == 1


def test_ingest_bad_inputs_are_rejected_with_reasons(archive: Archive, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    good = write_kbs_radio(src, "good.txt", "2021-05-06", "Han Ji-ho", "Fine.")
    (src / "empty.txt").write_bytes(b"")
    (src / "garbage.txt").write_bytes(bytes(range(256)) * 8)
    (src / "wrong.json").write_text(json.dumps([{"text": 42, "title": "x"}]), encoding="utf-8")
    (src / "baddate.txt").write_text(" date 2020-13-45 Title\n\nSome words here.", encoding="utf-8")
    (src / "nodate.txt").write_text("Just a story with no date line.", encoding="utf-8")
    korean = " date 2008-02-11 숭례문 화재\n\n국보 1호가 불탔습니다."
    (src / "cp949.txt").write_bytes(korean.encode("cp949"))
    (src / "utf16.txt").write_bytes(" date 2009-01-02 Test\n\nUTF-16 words.".encode("utf-16"))
    (src / "trunc.txt").write_bytes(" date 2010-01-01 T\n\n한국".encode()[:-1])
    report = _ingest(archive, src)
    stats = archive.stats()
    rejects = {Path(r.name).name: r.reason for r in archive.rejects()}
    assert "empty.txt" in rejects and "empty" in rejects["empty.txt"]
    assert "garbage.txt" in rejects
    assert "wrong.json" in rejects and "text" in rejects["wrong.json"]
    # everything else was stored: good, baddate (with a warning), nodate, cp949, utf16, trunc
    assert stats["stories"] == 6, (stats, rejects)
    assert report.counts.rejected == len(rejects) == 3
    texts = {s.source_name: s for s in archive.stories()}
    assert "국보" in texts["cp949.txt"].text
    assert archive.source(texts["cp949.txt"].source_id)["encoding"] in ("cp949", "euc-kr", "euc_kr")
    assert texts["baddate.txt"].date is None
    assert archive.raw(texts["good.txt"].source_id) == good.read_bytes()
    # the rejected bytes are kept, byte for byte
    garbage = next(r for r in archive.rejects() if r.name.endswith("garbage.txt"))
    assert archive.reject_bytes(garbage) == (src / "garbage.txt").read_bytes()


def test_ingest_gz_member(archive: Archive, tmp_path: Path) -> None:
    plain = write_kbs_radio(tmp_path, "z.txt", "2018-11-21", "Han Ji-ho", "Compressed.")
    gz = tmp_path / "in" / "z.txt.gz"
    gz.parent.mkdir()
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    _ingest(archive, gz)
    [story] = list(archive.stories())
    assert story.date == date(2018, 11, 21)


def test_archive_missing_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound, match="no dateline archive"):
        Archive(tmp_path / "nowhere")


def test_get_unknown_story_is_not_found(archive: Archive) -> None:
    with pytest.raises(NotFound):
        archive.get("deadbeefdeadbeef")


def test_ingest_seeds(archive: Archive) -> None:
    seeds = shared_path("seeds")
    report = _ingest(archive, seeds, exclude=NOT_NEWS)
    assert report.counts.rejected == 0
    stories = sorted(archive.stories(), key=lambda s: s.date or date.min)
    assert [s.date for s in stories] == [date(2018, 11, 21), date(2020, 6, 19)]
    for story in stories:
        raw = archive.raw(story.source_id)
        assert raw == (seeds / story.source_name).read_bytes()


def test_ingest_kbs_pages(archive: Archive) -> None:
    pages = shared_path("corpora", "kbs-pages")
    report = _ingest(archive, pages, exclude=NOT_NEWS)
    stats = archive.stats()
    assert stats["sources"] == 47
    assert report.counts.rejected == 0
    assert stats["stories"] >= 47
    urls = {s.url for s in archive.stories()}
    assert all(u and "kbs.co.kr" in u for u in urls)


def test_ingest_kcna(archive: Archive) -> None:
    kcna = shared_path("corpora", "kcna-stiles-2024")
    data = json.loads((kcna / "headlines_2024-11-11.json").read_text(encoding="utf-8"))
    with_text = [d for d in data if (d.get("story_text") or "").strip()]
    report = _ingest(archive, kcna, exclude=NOT_NEWS)
    stats = archive.stats()
    # the file repeats some items: one story per link; a link seen with two texts has revisions
    links = {d["link"] for d in with_text}
    texts_per_link: dict[str, set[str]] = {}
    for d in with_text:
        texts_per_link.setdefault(d["link"], set()).add(" ".join(d["story_text"].split()))
    assert stats["stories"] + stats["duplicates"] == len(links)
    assert stats["revised_stories"] == sum(len(t) > 1 for t in texts_per_link.values())
    assert report.counts.rejected == len(data) - len(with_text)
    by_url = {s.url: s for s in archive.stories(include_duplicates=True)}
    sample = with_text[100]
    story = by_url[sample["link"]]
    assert story.title == sample["headline"]
    assert story.date == date.fromisoformat(sample["date_str"])


def _radio_pages(folder: Path, n: int) -> Path:
    """``n`` small radio pages in ``folder``, named 000.txt, 001.txt, …"""
    folder.mkdir()
    for i in range(n):
        write_kbs_radio(folder, f"{i:03d}.txt", "2019-03-04", "Han Ji-ho", f"Harbour item {i}.")
    return folder


def test_a_file_that_kills_its_parser_process_is_rejected_and_the_run_goes_on(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a worker killed mid-run (out of memory, a crash in native code) is replaced; the files
    # it held are tried again one by one, and the one that kills its worker again is rejected
    from dateline import ingest

    folder = _radio_pages(tmp_path / "in", 200)
    work = ingest._work

    def dies_on_150(job: str, known: dict) -> tuple[list, int]:  # type: ignore[type-arg]
        if job.endswith("150.txt"):
            os._exit(9)
        return work(job, known)

    monkeypatch.setattr(ingest, "_work", dies_on_150)  # the forked workers inherit it
    report = archive.ingest([folder], workers=2)
    assert (report.counts.new, report.counts.rejected) == (199, 1)
    [(place, reason)] = archive.store.conn.execute("SELECT origin, reason FROM rejects")
    assert place.endswith("150.txt") and "parser process died" in reason
    assert "exit code 9" in reason
    monkeypatch.setattr(ingest, "_work", work)
    archive.ingest([folder], workers=2)  # the file is read again: it was not stored
    assert archive.stats()["stories"] == 200


def test_parser_processes_that_keep_dying_stop_the_run_with_a_clear_error(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline import ingest
    from dateline.errors import WorkerDied

    folder = _radio_pages(tmp_path / "in", 40)
    monkeypatch.setattr(ingest, "_work", lambda job, known: os._exit(9))
    with pytest.raises(WorkerDied, match="keep dying") as caught:
        archive.ingest([folder], workers=2)
    assert "run the same ingest again" in str(caught.value)
    [run] = archive.store.conn.execute("SELECT status FROM runs").fetchall()
    assert run[0] == "interrupted"
