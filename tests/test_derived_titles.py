"""Stories without a title get one derived from their lead, marked as derived, wherever a
title shows (search, story, thread, quotes, exports, the web), never stored as their title."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from dateline import Archive
from dateline.model import TITLE_CHARS, derive_title

#: a KBS World Radio page: these carry no title line
RADIO = (" date 2018-11-21 Photo : YONHAP News\n\nAnchor: U.S. Secretary of State Vel Arrow has "
         "stressed that the harbour railway must move forward in tandem with the ferry talks "
         "and the customs reform. Han Ji-ho has more.Report: Washington wants the railway to "
         "wait.[Sound bite: US Secretary of State Vel Arrow]\"We view them as moving together."
         "\"Han Ji-ho, KBS World Radio News.")
TITLED = (" date 2018-11-22 Photo : YONHAP News\n\nAnchor: The harbour railway talks resumed. "
          "Han Ji-ho has more.Report: Both sides met again.Han Ji-ho, KBS World Radio News.")


@pytest.mark.parametrize("text, title", [
    ("Anchor: The ferry strike ended today. Workers went back.", "The ferry strike ended today"),
    ("[Anchor Lead] U.S. envoys met in Seoul on Monday. More talks follow.",
     "U.S. envoys met in Seoul on Monday"),  # "U.S." is no sentence end
    ("<앵커 멘트>\n가상의 마을에서 봄 축제가 열렸습니다.\n홍길동 기자입니다.",
     "가상의 마을에서 봄 축제가 열렸습니다"),
    ("   ", None),
    ("", None),
])
def test_derive_title_takes_the_first_sentence_of_the_lead(text: str, title: str | None) -> None:
    assert derive_title(text) == title


def test_derive_title_cuts_a_long_sentence_at_a_word() -> None:
    title = derive_title("Anchor: " + "word " * 60 + "end.")
    assert title is not None and title.endswith("…") and len(title) <= TITLE_CHARS
    assert "wor…" not in title and title[:-1].split()[-1] == "word"


@pytest.fixture(scope="module")
def untitled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("untitled")
    (tmp / "in").mkdir()
    (tmp / "in" / "radio.txt").write_text(RADIO, encoding="utf-8")
    (tmp / "in" / "titled.json").write_text(json.dumps(
        {"title": "Railway talks resume", "date": "2018-11-22", "text": TITLED}),
        encoding="utf-8")
    with Archive(tmp / "a.dateline", create=True) as arc:
        arc.ingest([tmp / "in"], workers=1)
    return tmp / "a.dateline"


def _radio(arc: Archive):
    return next(s for s in arc.stories() if s.title is None)


def test_untitled_story_shows_a_derived_title_everywhere(untitled: Path) -> None:
    expected = ("U.S. Secretary of State Vel Arrow has stressed that the harbour railway "
                "must…")
    with Archive(untitled) as arc:
        story = _radio(arc)
        assert story.display_title == (expected, True)  # the stored title stays None
        hits = {h.id: h for h in arc.search("harbour railway").hits}
        assert (hits[story.id].title, hits[story.id].title_derived) == (expected, True)
        titled = next(h for h in hits.values() if h.id != story.id)
        assert (titled.title, titled.title_derived) == ("Railway talks resume", False)
        [member] = [s for s in arc.thread(story.id).stories if s.id == story.id]
        assert (member.title, member.title_derived) == (expected, True)
        [bite] = arc.quotes(kind="soundbite").hits
        assert (bite.story_title, bite.story_title_derived) == (expected, True)
        kept = arc.store.conn.execute("SELECT title FROM story_titles WHERE story_id = ?",
                                      (story.id,)).fetchone()
        assert kept == (expected,)  # kept for SQL readers by the ingest


def test_search_hits_take_the_derived_title_from_the_index(untitled: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """The index keeps an untitled story's derived title with it: a page of hits asks the
    store for none."""
    with Archive(untitled) as arc:
        sid = _radio(arc).id

        def asked(self: Archive, story_ids: list[str]) -> dict[str, str]:
            raise AssertionError(f"the store was asked for the titles of {story_ids}")

        monkeypatch.setattr(Archive, "derived_titles", asked)
        hits = {h.id: h for h in arc.search("harbour railway").hits}
    assert hits[sid].title_derived and hits[sid].title.startswith("U.S. Secretary")


def test_exports_mark_derived_titles_and_read_back_untitled(untitled: Path,
                                                             tmp_path: Path) -> None:
    with Archive(untitled, readonly=True) as arc:
        out = io.StringIO()
        arc.export(out, "jsonl")
        sid = _radio(arc).id
    records = {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert records[sid]["title_derived"] is True and records[sid]["title"].startswith("U.S.")
    assert not any(r["title_derived"] for r in records.values() if r["id"] != sid)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "all.jsonl").write_text(out.getvalue(), encoding="utf-8")
    with Archive(tmp_path / "again", create=True) as again:
        again.ingest([tmp_path / "in"], workers=1)
        titles = sorted((s.title or "") for s in again.stories())
    assert titles == ["", "Railway talks resume"]  # the derived title is not taken as one


def test_story_titles_are_filled_when_an_archive_is_upgraded(untitled: Path,
                                                             tmp_path: Path) -> None:
    import shutil

    old = tmp_path / "old.dateline"
    shutil.copytree(untitled, old)
    conn = sqlite3.connect(old / "dateline.sqlite")
    with conn:
        conn.execute("DROP TABLE story_titles")
        conn.execute("DELETE FROM meta WHERE key = 'titles_seq'")
        conn.execute("PRAGMA user_version = 9")
    conn.close()
    with Archive(old, readonly=True) as ro:  # not upgraded: derived from the text when asked
        sid = _radio(ro).id
        assert ro.derived_titles([sid])[sid].startswith("U.S. Secretary")
    with Archive(old) as arc:
        assert arc.store.conn.execute("SELECT COUNT(*) FROM story_titles").fetchone()[0] == 1


def test_web_marks_derived_titles(untitled: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    with Archive(untitled, readonly=True) as arc:
        sid = _radio(arc).id
    with TestClient(create_app(untitled)) as client:
        found = client.get("/search", params={"q": "harbour railway"}).text
        assert "Untitled story" not in found
        assert 'class="derived-title">U.S. Secretary of State' in found
        assert "from the lead" in found
        page = client.get(f"/stories/{sid}").text
        assert '<h1><span class="derived-title">U.S. Secretary' in page
        api = client.get(f"/api/stories/{sid}").json()
        assert api["title_derived"] is True and api["title"].startswith("U.S. Secretary")
        hits = client.get("/api/search", params={"q": "harbour railway"}).json()["hits"]
        assert {h["id"]: h["title_derived"] for h in hits}[sid] is True
        quotes = client.get("/quotes").text
        assert 'class="derived-title">U.S. Secretary' in quotes


def test_the_index_derives_the_titles_a_store_only_ingest_left(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "radio.txt").write_text(RADIO, encoding="utf-8")
    with Archive(tmp_path / "a.dateline", create=True) as arc:
        arc.ingest([tmp_path / "in"], workers=1, index=False)
        kept = "SELECT count(*) FROM story_titles"
        assert arc.store.conn.execute(kept).fetchone() == (0,)
        hit = arc.search("railway").hits[0]  # the search brings the index up to date
        assert arc.store.conn.execute(kept).fetchone() == (1,)  # and the titles with it
    assert hit.title_derived and hit.title.startswith("U.S. Secretary of State Vel Arrow")
