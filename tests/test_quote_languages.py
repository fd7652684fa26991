"""Quote languages are ISO 639-1 codes of the quote's own words, with the label kept as written;
stats, the command line and the web count quotes the same way."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline import Archive
from dateline.cli import app
from dateline.errors import InputError
from dateline.store.views import VIEWS
from dateline.transcript import parse
from dateline.transcript.language import language_code, quote_language

ENGLISH = (" date 2018-05-02 Photo : YONHAP News\n\nAnchor: Harbour Minister Park Sol-bin spoke "
           "on the eastern railway. Choi Han-gyeol has more.Report: Park said that the railway "
           "plan is on track.[Sound bite: Harbour Minister Park Sol-bin (Korean)]\"We will open "
           "the eastern railway soon.\"Choi Han-gyeol, KBS World Radio News.")
KOREAN = "\n".join([
    "가상 마을 축제 개막", "", "입력 2031.05.01 (21:10) 수정 2031.05.02 (09:30)", "",
    "<앵커 멘트>", "가상의 마을 한빛골에서 봄 축제가 열렸습니다.", "홍길동 기자입니다.",
    "<리포트>", "마을 광장에 주민들이 모였습니다.",
    '<녹취> 성춘향(한빛골 이장) : "올해는 어느 해보다 많은 분들이 오셨습니다."',
    "축제는 일요일까지 이어집니다.", "KBS 뉴스 홍길동입니다.", ""])


@pytest.mark.parametrize("text, label, story, code", [
    ("올해는 어느 해보다 많은 분들이 오셨습니다.", None, "ko", "ko"),
    ("올해는 어느 해보다 많은 분들이 오셨습니다.", None, "en", "ko"),  # Korean words, English page
    ("We will open the eastern railway soon.", "Korean", "en", "en"),  # a translation
    ("", "Korean", "en", "ko"),  # no words to read: the label says
    ("", "Korean-English", None, "ko"),
    ("", None, "en", "en"),
    ("", None, None, None),
])
def test_quote_language_is_read_from_the_words(text: str, label: str | None,
                                                story: str | None, code: str | None) -> None:
    assert quote_language(text, label, story) == code


@pytest.mark.parametrize("name, code", [("ko", "ko"), ("Korean", "ko"), ("korean", "ko"),
                                        ("Korean/English", "ko"), ("Mandarin", "zh"),
                                        ("Klingon", None), ("", None)])
def test_language_code_of_names_and_codes(name: str, code: str | None) -> None:
    assert language_code(name) == code


def test_parser_gives_codes_and_keeps_the_label() -> None:
    (english,) = parse(ENGLISH).stories
    (bite,) = english.quotes
    assert (bite.language, bite.language_label) == ("en", "Korean")
    (korean,) = parse(KOREAN).stories
    (bite,) = korean.quotes
    assert (bite.language, bite.language_label) == ("ko", None)


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("langs")
    (tmp / "in").mkdir()
    (tmp / "in" / "en.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp / "in" / "ko.txt").write_text(KOREAN, encoding="utf-8")
    with Archive(tmp / "a.dateline", create=True) as arc:
        arc.ingest([tmp / "in"], workers=1)
    return tmp / "a.dateline"


def test_quotes_by_language_code_or_name(two_pages: Path) -> None:
    with Archive(two_pages) as arc:
        korean = arc.quotes(language="ko")
        assert korean.total == 1 and korean.hits[0].text.startswith("올해는")
        assert arc.quotes(language="Korean").total == 1  # a name means its code
        english = arc.quotes(language="en")
        assert english.total == 2  # the sound bite (a translation, label "Korean") and the
        assert {h.kind for h in english.hits} == {"soundbite", "reported"}  # reported speech
        [bite] = [h for h in english.hits if h.kind == "soundbite"]
        assert bite.language_label == "Korean"
        with pytest.raises(InputError):
            arc.quotes(language="Klingon")


def test_stats_cli_and_web_count_the_same_quotes(two_pages: Path) -> None:
    with Archive(two_pages, readonly=True) as arc:
        stats = arc.stats()
        listed = arc.quotes(limit=1).total
    assert stats["quotes_by_kind"] == {"reported": 1, "soundbite": 2}
    assert stats["quotes"] == listed == 3
    runner = CliRunner()
    cli_stats = json.loads(runner.invoke(app, ["stats", "-a", str(two_pages), "-f",
                                               "json"]).stdout)
    cli_quotes = json.loads(runner.invoke(app, ["quotes", "-a", str(two_pages), "-f",
                                                "json"]).stdout)
    assert cli_stats["quotes"] == cli_quotes["total"] == 3
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    with TestClient(create_app(two_pages)) as client:
        assert client.get("/api/stats").json()["quotes"] == 3
        assert client.get("/api/quotes").json()["total"] == 3
        page = client.get("/quotes", params={"language": "ko"}).text
        assert "<strong>1</strong> quote" in page and "올해는" in page
        assert "We will open" not in page
        assert "said in Korean" in client.get("/quotes", params={"language": "en"}).text


def test_an_older_archive_gets_codes_when_it_is_upgraded(tmp_path: Path) -> None:
    """An archive written before migration 10 held labels ("Korean") or nothing as quote
    languages; opening it for writing reads the words and keeps the label."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "en.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "in" / "ko.txt").write_text(KOREAN, encoding="utf-8")
    path = tmp_path / "old.dateline"
    with Archive(path, create=True) as arc:
        arc.ingest([tmp_path / "in"], workers=1)
    conn = sqlite3.connect(path / "dateline.sqlite")
    with conn:  # as a version-8 archive had it
        conn.execute("UPDATE quotes SET language = language_label")
        conn.execute("UPDATE entity_quotes SET language = (SELECT r.language FROM revisions r "
                     "WHERE r.story_id = entity_quotes.story_id) WHERE kind = 'reported'")
        conn.execute("UPDATE entity_quotes SET language = (SELECT language FROM quotes p WHERE "
                     "p.story_id = entity_quotes.story_id AND p.idx = entity_quotes.idx) "
                     "WHERE kind != 'reported'")
        for view in VIEWS:  # a version-8 archive had no views either
            conn.execute(f"DROP VIEW {view}")
        conn.execute("DROP INDEX entity_quotes_language")
        conn.execute("ALTER TABLE quotes DROP COLUMN language_label")
        conn.execute("PRAGMA user_version = 8")
    assert conn.execute("SELECT COUNT(*) FROM quotes WHERE language = 'Korean'").fetchone()[0]
    conn.close()
    with Archive(path, readonly=True) as ro:  # not upgraded: reads the quotes as they were
        assert {h.language_label for h in ro.quotes().hits} == {None}
        assert ro.get(ro.quotes(language="en").hits[0].story_id).quotes
    with Archive(path) as arc:
        assert arc.quotes(language="ko").total == 1
        languages = {(h.kind, h.language, h.language_label) for h in arc.quotes().hits}
    assert languages == {("soundbite", "en", "Korean"), ("reported", "en", None),
                         ("soundbite", "ko", None)}
