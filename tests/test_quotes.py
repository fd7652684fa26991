"""Quotes: sound bites and reported speech, searched with the story query language."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline.errors import InputError

TEXT = (" date {day} Photo : YONHAP News\n\nAnchor: Harbour Minister Park Sol-bin spoke on "
        "{topic}. Choi Han-gyeol has more.Report: Park said that the {topic} plan is on track."
        "[Sound bite: Harbour Minister Park Sol-bin (Korean)]\"We will open the {topic} soon."
        "\"Choi Han-gyeol, KBS World Radio News.")


@pytest.fixture
def quoted(tmp_path: Path):
    from dateline import Archive

    folder = tmp_path / "in"
    folder.mkdir()
    for i, (day, topic) in enumerate([("2018-05-02", "eastern railway"),
                                      ("2021-09-10", "ferry terminal")]):
        (folder / f"{i}.txt").write_text(TEXT.format(day=day, topic=topic), encoding="utf-8")
    arc = Archive(tmp_path / "a", create=True)
    arc.ingest([folder], workers=1)
    yield arc
    arc.close()


def test_quotes_query_uses_the_search_language(quoted) -> None:
    res = quoted.quotes("railway")
    assert res.total >= 1 and all("railway" in h.text for h in res.hits)
    assert quoted.quotes('"ferry terminal" -railway').total >= 1
    assert quoted.quotes("railway", date_from=__import__("datetime").date(2020, 1, 1)).total == 0


def test_quotes_kinds_are_labelled_and_filtered(quoted) -> None:
    kinds = {h.kind for h in quoted.quotes().hits}
    assert kinds == {"soundbite", "reported"}
    bites = quoted.quotes(kind="soundbite")
    assert bites.total == 2 and all(h.confidence == 1.0 for h in bites.hits)
    reported = quoted.quotes(kind="reported")
    assert reported.total == 2 and all(h.confidence < 1 for h in reported.hits)
    with pytest.raises(InputError):
        quoted.quotes(kind="gossip")


def test_quotes_speaker_by_any_alias(quoted) -> None:
    for name in ("Park Sol-bin", "PARK SOL BIN", "Park Solbin"):
        res = quoted.quotes(speaker=name)
        assert res.total == 4, name
        assert {h.entity for h in res.hits} == {"Park Sol-bin"}
    assert quoted.quotes(speaker="Nobody Here").total == 0
    # a whole word of the name, as a user types it ("--speaker pompeo")
    assert {h.entity for h in quoted.quotes(speaker="sol-bin").hits} == {"Park Sol-bin"}
    assert quoted.entity("park sol-bin").name == "Park Sol-bin"
    assert quoted.quotes(role="harbour").total == 2  # sound bites carry the role


def test_quotes_index_follows_reenrichment(quoted) -> None:
    before = quoted.quotes("railway").total
    quoted.enrich(stale_only=False)
    assert quoted.quotes("railway").total == before
    quoted.reindex_quotes()
    assert quoted.quotes("railway").total == before
    doc = quoted.story_extras(next(quoted.stories()).id)
    assert doc["quotes"] and all(q["entity_id"] for q in doc["quotes"])
