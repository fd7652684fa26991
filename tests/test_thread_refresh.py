"""`dateline thread ID --refresh` is cheap: it links the thread's own stories again, reads
Korean stories from the analysis the store keeps (the model is not loaded), and a thread of one
says which stories came closest."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from _analysis_fixtures import write_records
from dateline import Archive
from dateline.analysis import threads
from dateline.cli import app
from test_threads import _affair_text

KOREAN = " ".join(["가상의 마을 한빛골에서 봄 축제가 열렸습니다.", "주민들이 광장에 모였습니다.",
                   "축제는 일요일까지 이어집니다.", "마을 이장은 축제 준비가 끝났다고 말했습니다."])


@pytest.fixture
def mixed(tmp_path: Path) -> Archive:
    bridge = ("bridge", "collapse", "inquiry", "girder", "ferryman", "tollgate", "engineer",
              "span", "rivet", "salvage")
    recs = [{"title": f"Bridge collapse inquiry {i}", "date": f"2019-01-{10 + i}",
             "url": f"https://example.invalid/b/{i}", "text": _affair_text(i, bridge)}
            for i in range(3)]
    recs += [{"title": f"Harbour notes {i}", "date": f"2019-0{2 + i}-01",
              "url": f"https://example.invalid/n/{i}", "text": _affair_text(200 + i)}
             for i in range(5)]
    recs += [{"title": "A ferry note", "date": "2019-06-01", "url": "https://example.invalid/f",
              "text": _affair_text(300, ("bridge", "collapse"))}]  # near the bridge, not on it
    recs += [{"title": "한빛골 봄 축제", "date": "2019-01-12", "url": "https://example.invalid/k",
              "text": KOREAN}]
    arc = Archive(tmp_path / "a.dateline", create=True)
    arc.ingest([write_records(tmp_path / "in" / "a.json", recs)], workers=1)
    yield arc
    arc.close()


def test_refresh_links_the_thread_again_without_the_korean_model(mixed: Archive,
                                                                monkeypatch) -> None:
    from dateline.search import korean

    seed = next(s for s in mixed.stories() if s.title == "Bridge collapse inquiry 0")
    before = mixed.thread(seed.id)
    assert len(before.stories) == 3
    relinked: list[int] = []
    real = threads.relink

    def spy(store, engine, ids):  # type: ignore[no-untyped-def]
        report = real(store, engine, ids)
        relinked.append(report.processed)
        return report

    def no_model() -> None:
        raise AssertionError("the Korean model was loaded")

    monkeypatch.setattr(threads, "relink", spy)
    monkeypatch.setattr(korean, "_get_kiwi", no_model)
    after = mixed.thread(seed.id, refresh=True)
    assert relinked == [3]  # the thread's stories, not the archive's ten
    assert after.ids == before.ids


def test_korean_thread_documents_come_from_the_stored_analysis(mixed: Archive,
                                                               monkeypatch) -> None:
    from dateline.search import korean
    from dateline.store import analysis as sql

    story = next(s for s in mixed.stories() if s.title == "한빛골 봄 축제")

    def no_model() -> None:
        raise AssertionError("the Korean model was loaded")

    monkeypatch.setattr(korean, "_get_kiwi", no_model)
    monkeypatch.setattr(korean, "_analyze_short", no_model)
    report = threads.relink(mixed.store, _EnglishOnly(), [story.id])
    assert report.processed == 1
    [(_, _, counts, _, _)] = sql.thread_get_docs(mixed.store, [story.id])
    assert counts.get("축제", 0) >= 3  # twice from the title, and from the lead
    assert "한빛골" in counts


class _EnglishOnly:
    """An engine that finds nothing (the candidate search is not what this test is about)."""

    def search(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from dateline.search.base import SearchResults

        return SearchResults([], 0)

    def match_many(self, asks, **kwargs):  # type: ignore[no-untyped-def]
        return [[] for _ in asks]


def test_a_thread_of_one_shows_the_closest_stories(mixed: Archive) -> None:
    lone = next(s for s in mixed.stories() if s.title == "A ferry note")
    found = mixed.thread(lone.id, nearest=True)
    assert found.ids == [lone.id]
    assert found.nearest and all(s.score < threads.THRESHOLD for s in found.nearest)
    scores = [s.score for s in found.nearest]
    assert scores == sorted(scores, reverse=True)
    path = str(mixed.path)
    mixed.close()
    out = CliRunner().invoke(app, ["thread", lone.id, "--refresh", "-a", path])
    assert out.exit_code == 0, out.output
    assert "thread of" in out.stdout and "1 story" in out.stdout
    assert "no other story is about the same affair" in out.stderr
    assert found.nearest[0].id in out.stderr
