"""The search engine contract, run against every registered engine (tantivy, memory, …).

All texts here are invented for the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dateline.errors import InputError, QueryError
from dateline.search import IndexDoc, SearchEngine, available_engines, get_engine, parse
from dateline.search.base import FACETS, register_engine

DOCS = [
    IndexDoc(
        id="rail-1",
        title="Inter-Korean railway talks resume",
        text="Officials from both sides met to discuss reconnecting the railway across the "
        "border. The rail link was cut decades ago, a negotiator said.",
        date=date(2018, 3, 5),
        program="News Today",
        language="en",
        reporter="Park Ji-won",
        source="fixture.txt",
        speakers=["Kim Min-su"],
        quotes=["We hope the trains run again by autumn."],
        persons=["Kim Min-su"],
        orgs=["Ministry of Unification"],
        places=["Kaesong"],
    ),
    IndexDoc(
        id="sanction-1",
        title="New sanctions announced",
        text="The council announced sanctions on three shipping companies. Officials said the "
        "railway project must wait until the sanctions are reviewed.",
        date=date(2018, 7, 10),
        program="News 9",
        language="en",
        speakers=["Jane Doe", "Kim Min-su"],
    ),
    IndexDoc(
        id="missile-1",
        title="Missile test condemned",
        text="A short-range missile was launched on Tuesday morning, the defence ministry said.",
        date=date(2019, 1, 15),
        program="News Today",
        language="en",
    ),
    IndexDoc(
        id="xss-1",
        title="Harbour fees",
        text="<script>alert(1)</script> Harbour workers & fishermen protested the new harbour "
        "fees on Friday.",
        date=date(2019, 2, 1),
        program="News 9",
        language="en",
    ),
    IndexDoc(
        id="ko-1",
        title="남북 철도 연결 논의",
        text="정부는 남북 철도를 이어야 합니다라고 밝혔습니다. "
        "통일부 장관은 회담 뒤 기자들에게 말했다.",
        date=date(2018, 4, 27),
        program="뉴스광장",
        language="ko",
        speakers=["이민수"],
    ),
    IndexDoc(
        id="ko-2",
        title="주말 날씨",
        text="주말에는 전국에 비가 내리겠습니다. 지금까지 KBS 기상센터였습니다.",
        date=date(2018, 4, 28),
        program="뉴스광장",
        language="ko",
    ),
    IndexDoc(
        id="ports-1",
        title="Ports and trade",
        text="The link between rail freight and the ports was debated in parliament.",
        date=date(2020, 6, 1),
        program="KBS World Radio News",
        language="en",
    ),
]
ALL_IDS = {d.id for d in DOCS}
ENGINES = available_engines()


def _make(name: str, path: Path) -> SearchEngine:
    return get_engine(name)(path)


#: the engine of a server archive (PostgreSQL) as a machine that searches it opens it: in its
#: own folder, with its settings (docs/server.md)
SERVER = "tantivy@server"


def _make_for(request: pytest.FixtureRequest, name: str, folder: Path) -> SearchEngine:
    if name != SERVER:
        return _make(name, folder / "index")
    from conftest import _archive_database
    from dateline import Archive

    arc = Archive(_archive_database(request.getfixturevalue("pg_cluster")), index_dir=folder)
    request.addfinalizer(arc.close)
    return arc._open_engine()


@pytest.fixture(scope="module", params=[*ENGINES, SERVER])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[SearchEngine]:
    eng = _make_for(request, request.param, tmp_path_factory.mktemp(request.param))
    eng.add(DOCS)
    eng.commit()
    yield eng
    eng.close()


@pytest.fixture(params=[*ENGINES, SERVER])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchEngine]:
    eng = _make_for(request, request.param, tmp_path)
    eng.add(DOCS)
    eng.commit()
    yield eng
    eng.close()


def ids(engine: SearchEngine, query: str, **kw: object) -> set[str]:
    res = engine.search(query, limit=100, **kw)  # type: ignore[arg-type]
    assert res.total == len(res.hits)
    return {h.id for h in res.hits}


def test_contract_registry_has_builtins() -> None:
    assert {"tantivy", "memory"} <= set(ENGINES)
    with pytest.raises(InputError):
        get_engine("no-such-engine")
    with pytest.raises(ValueError):
        register_engine(type("Clash", (get_engine("memory"),), {"name": "tantivy"}))


def test_contract_doc_count(engine: SearchEngine) -> None:
    assert engine.doc_count() == len(DOCS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("railway", {"rail-1", "sanction-1"}),
        ("railways", {"rail-1", "sanction-1"}),  # stemmed
        ("RAILWAY", {"rail-1", "sanction-1"}),
        ('"rail link"', {"rail-1"}),
        ("rail link", {"rail-1", "ports-1"}),
        ('"the rail link was cut"', {"rail-1"}),
        ("inter-korean", {"rail-1"}),  # a hyphenated word is searched as a phrase
    ],
)
def test_contract_words_and_phrases(engine: SearchEngine, query: str, expected: set[str]) -> None:
    assert ids(engine, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sanctions OR missile", {"sanction-1", "missile-1"}),
        ("railway AND sanctions", {"sanction-1"}),
        ("railway sanctions", {"sanction-1"}),
        ("railway -sanctions", {"rail-1"}),
        ("railway NOT sanctions", {"rail-1"}),
        ("(railway OR missile) -sanctions", {"rail-1", "missile-1"}),
        ('railway -"rail link"', {"sanction-1"}),
        ("officials sanctions OR link", {"rail-1", "sanction-1"}),
        ("-railway", ALL_IDS - {"rail-1", "sanction-1"}),
        ("missile OR -railway", ALL_IDS - {"rail-1", "sanction-1"}),
        ("nonexistentword", set()),
        ("railway nonexistentword", set()),
    ],
)
def test_contract_boolean_logic(engine: SearchEngine, query: str, expected: set[str]) -> None:
    assert ids(engine, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("title:railway", {"rail-1"}),
        ("text:railway", {"rail-1", "sanction-1"}),
        ("title:sanctions", {"sanction-1"}),
        ("speaker:kim", {"rail-1", "sanction-1"}),
        ('speaker:"Jane Doe"', {"sanction-1"}),
        ('person:"kim min-su"', {"rail-1"}),
        ("org:unification", {"rail-1"}),
        ("place:Kaesong", {"rail-1"}),
        ('programme:"News Today"', {"rail-1", "missile-1"}),
        ("program:today", {"rail-1", "missile-1"}),
        ("program:뉴스광장", {"ko-1", "ko-2"}),
        ("lang:ko", {"ko-1", "ko-2"}),
        ("lang:Korean", {"ko-1", "ko-2"}),
        ("lang:en missile", {"missile-1"}),
        ("reporter:park", {"rail-1"}),
        ("quote:trains", {"rail-1"}),
        ("speaker:이민수", {"ko-1"}),
        ("title:(railway OR missile)", {"rail-1", "missile-1"}),
    ],
)
def test_contract_fields(engine: SearchEngine, query: str, expected: set[str]) -> None:
    assert ids(engine, query) == expected


@pytest.mark.parametrize(
    ("query", "kwargs", "expected"),
    [
        ("date:2018", {}, {"rail-1", "sanction-1", "ko-1", "ko-2"}),
        ("railway date:2018-01..2018-06", {}, {"rail-1"}),
        ("date:2018-04", {}, {"ko-1", "ko-2"}),
        ("date:2019-01-01..", {}, {"missile-1", "xss-1", "ports-1"}),
        ("date:..2018-04-27", {}, {"rail-1", "ko-1"}),
        ("date:2018-04-28", {}, {"ko-2"}),
        ("railway", {"date_from": date(2018, 7, 10)}, {"sanction-1"}),
        ("railway", {"date_to": date(2018, 7, 9)}, {"rail-1"}),
        ("railway OR missile", {"date_from": date(2018, 3, 5), "date_to": date(2018, 3, 5)},
         {"rail-1"}),
        ("-date:2018", {}, {"missile-1", "xss-1", "ports-1"}),
    ],
)
def test_contract_date_ranges(engine: SearchEngine, query: str, kwargs: dict[str, date],
                              expected: set[str]) -> None:
    assert ids(engine, query, **kwargs) == expected


def test_contract_sort_by_date(engine: SearchEngine) -> None:
    by_date = sorted(DOCS, key=lambda d: d.date or date.min)
    res = engine.search("date:2000..2030", sort="date", limit=100)
    assert [h.id for h in res.hits] == [d.id for d in by_date]
    assert [h.date for h in res.hits] == [d.date for d in by_date]
    res = engine.search("date:2000..2030", sort="-date", limit=100)
    assert [h.id for h in res.hits] == [d.id for d in reversed(by_date)]


def test_contract_relevance_prefers_title_and_frequency(engine: SearchEngine) -> None:
    res = engine.search("sanctions railway OR sanctions")
    assert res.hits[0].id == "sanction-1"
    assert res.hits[0].score > 0


@pytest.mark.parametrize("sort", ["relevance", "date", "-date"])
def test_contract_pagination(engine: SearchEngine, sort: str) -> None:
    whole = engine.search("date:2000..2030", sort=sort, limit=100)  # type: ignore[arg-type]
    pages = []
    for offset in range(0, 8, 3):
        page = engine.search("date:2000..2030", sort=sort, limit=3,  # type: ignore[arg-type]
                             offset=offset)
        assert page.total == len(DOCS)
        pages.extend(h.id for h in page.hits)
    assert pages == [h.id for h in whole.hits]
    assert engine.search("railway", limit=0).hits == []
    assert engine.search("railway", limit=0).total == 2


def _unmarked(snippet: str) -> str:
    return snippet.replace("<mark>", "").replace("</mark>", "")


def test_contract_snippets_marked_and_html_safe(engine: SearchEngine) -> None:
    res = engine.search("harbour")
    assert [h.id for h in res.hits] == ["xss-1"]
    (snippet,) = res.hits[0].snippets
    assert "<mark>Harbour</mark>" in snippet
    assert "<mark>harbour</mark>" in snippet
    assert "&lt;script&gt;" in snippet
    assert "&amp;" in snippet
    assert "<" not in _unmarked(snippet)
    assert "<script>" not in snippet


def test_contract_snippets_escape_every_special_character_once(fresh: SearchEngine) -> None:
    text = ('The "quay" charter\'s <b>clause</b> & 5 > 4:\n  quay   fees rose, '
            "the quay's owner said.")
    fresh.add([IndexDoc(id="esc-1", title="Fees", text=text, date=date(2021, 5, 5))])
    fresh.commit()
    (hit,) = fresh.search("quay").hits
    (snippet,) = hit.snippets  # an engine may end it at the last word (with "…")
    assert snippet.rstrip(".…") == (
        "The &quot;<mark>quay</mark>&quot; charter&#x27;s &lt;b&gt;clause&lt;/b&gt; &amp; 5 "
        "&gt; 4: <mark>quay</mark> fees rose, the <mark>quay</mark>&#x27;s owner said")


def test_contract_snippets_mark_stemmed_and_phrase_words(engine: SearchEngine) -> None:
    (hit,) = engine.search('"rail link" railways').hits
    assert hit.id == "rail-1"
    marked = re.findall(r"<mark>(.*?)</mark>", hit.snippets[0])
    assert {m.lower() for m in marked} >= {"rail", "link", "railway"}


def test_contract_snippets_can_be_skipped(engine: SearchEngine) -> None:
    res = engine.search("harbour", snippets=False, facets=False)
    assert res.hits[0].snippets == []
    assert res.facets == {}


def test_contract_hit_fields(engine: SearchEngine) -> None:
    (hit,) = engine.search("missile").hits
    assert (hit.id, hit.date, hit.title, hit.program, hit.language) == (
        "missile-1", date(2019, 1, 15), "Missile test condemned", "News Today", "en")
    assert engine.search("missile").took_ms >= 0


def test_contract_lead_title_is_shown_not_searched(fresh: SearchEngine) -> None:
    """An untitled story's title derived from its lead comes with its hits, marked derived,
    and is never matched as a title (its words count where the text has them, no more)."""
    fresh.add([IndexDoc(id="ferry-1", title=None, text="A ferry crossed the strait at dawn.",
                        lead_title="Lighthouse keepers ferry"),
               IndexDoc(id="ferry-2", title="Ferry fares", text="Ferry fares rose again.",
                        lead_title="never shown: the story has a title")])
    fresh.commit()
    by_id = {h.id: h for h in fresh.search("ferry", facets=False).hits}
    assert (by_id["ferry-1"].title, by_id["ferry-1"].title_derived) == (
        "Lighthouse keepers ferry", True)
    assert (by_id["ferry-2"].title, by_id["ferry-2"].title_derived) == ("Ferry fares", False)
    assert fresh.search("lighthouse").total == 0
    assert fresh.search("title:ferry").total == 1


def test_contract_facets(engine: SearchEngine) -> None:
    res = engine.search("railway OR 철도")
    assert set(res.facets) == set(FACETS)
    assert res.facets["year"] == {"2018": 3}
    assert res.facets["month"] == {"2018-03": 1, "2018-07": 1, "2018-04": 1}
    assert res.facets["program"] == {"News Today": 1, "News 9": 1, "뉴스광장": 1}
    assert res.facets["speaker"] == {"Kim Min-su": 2, "Jane Doe": 1, "이민수": 1}
    assert res.facets["language"] == {"en": 2, "ko": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("철도", {"ko-1"}),
        ("철도를", {"ko-1"}),
        ("남북", {"ko-1"}),
        ("남북철도", {"ko-1"}),  # a compound is searched as its morphemes in order
        ('"남북 철도"', {"ko-1"}),
        ("잇다", {"ko-1"}),  # the dictionary form finds 이어야 (stem 잇)
        ("철도 -날씨", {"ko-1"}),
        ("title:날씨", {"ko-2"}),
        ("title:철도", {"ko-1"}),
        ("통일부 OR 기상센터", {"ko-1", "ko-2"}),
    ],
)
def test_contract_korean_inflection(engine: SearchEngine, query: str, expected: set[str]) -> None:
    assert ids(engine, query) == expected


def test_contract_korean_snippet(engine: SearchEngine) -> None:
    (hit,) = engine.search("철도").hits
    assert "<mark>철도</mark>를" in hit.snippets[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("railway OR 철도", {"rail-1", "sanction-1", "ko-1"}),
        ("KBS 기상센터", {"ko-2"}),  # an English word inside Korean text
        ("KBS 철도", set()),
        ("lang:en 철도", set()),
        ("railway -철도", {"rail-1", "sanction-1"}),
    ],
)
def test_contract_mixed_queries(engine: SearchEngine, query: str, expected: set[str]) -> None:
    assert ids(engine, query) == expected


def test_contract_lenient_query_warns(engine: SearchEngine) -> None:
    res = engine.search('railway colour:border "rail link')
    assert {h.id for h in res.hits} == {"rail-1"}
    assert any("colour" in w for w in res.warnings)
    assert any("quote" in w for w in res.warnings)
    res = engine.search("에게")  # only a particle: nothing searchable, no error
    assert res.hits == [] and res.warnings


def test_contract_empty_query_raises(engine: SearchEngine) -> None:
    for bad in ["", "AND OR", "()"]:
        with pytest.raises(QueryError):
            engine.search(bad)
    with pytest.raises(InputError):
        engine.search("railway", sort="newest")  # type: ignore[arg-type]


def test_contract_accepts_parsed_query(engine: SearchEngine) -> None:
    assert {h.id for h in engine.search(parse("title:railway")).hits} == {"rail-1"}


def test_contract_writes_visible_after_commit(fresh: SearchEngine) -> None:
    fresh.add([IndexDoc(id="new-1", title="Ferry", text="A ferry crossed the strait.")])
    assert fresh.search("ferry").total == 0
    fresh.commit()
    assert ids(fresh, "ferry") == {"new-1"}
    assert fresh.doc_count() == len(DOCS) + 1


def test_contract_readding_replaces(fresh: SearchEngine) -> None:
    fresh.add([IndexDoc(id="rail-1", title="Ferry service", text="A ferry crossed the strait.",
                        date=date(2021, 5, 5))])
    fresh.add([IndexDoc(id="rail-1", title="Ferry service", text="A ferry crossed the strait.",
                        date=date(2021, 5, 5))])
    fresh.commit()
    assert fresh.doc_count() == len(DOCS)
    assert ids(fresh, "ferry") == {"rail-1"}
    assert ids(fresh, "railway") == {"sanction-1"}
    assert fresh.search("ferry").hits[0].date == date(2021, 5, 5)


def test_contract_delete_and_clear(fresh: SearchEngine) -> None:
    fresh.delete(["missile-1", "no-such-id"])
    fresh.commit()
    assert ids(fresh, "missile") == set()
    assert fresh.doc_count() == len(DOCS) - 1
    fresh.clear()
    fresh.commit()
    assert fresh.doc_count() == 0
    fresh.add(DOCS[:1])
    fresh.commit()
    assert fresh.doc_count() == 1


def test_contract_reopen_keeps_documents(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    for name in ENGINES:
        if name == "memory":
            continue
        eng = _make(name, tmp_path / name)
        eng.add(DOCS)
        eng.close()
        again = _make(name, tmp_path / name)
        assert again.doc_count() == len(DOCS)
        assert ids(again, "railway") == {"rail-1", "sanction-1"}
        again.close()


def test_contract_small_writer_memory_and_released_writer(tmp_path: Path) -> None:
    # a bounded writer memory (the quote index's) indexes the same; after the writer is let go
    # (as an ingest does before its thread pass) the next write takes it again
    for name in ENGINES:
        eng = get_engine(name)(tmp_path / name, writer_memory=32_000_000)
        eng.add(DOCS[:2])
        eng.commit()
        eng.release_writer()
        assert ids(eng, "railway") == {"rail-1", "sanction-1"}
        eng.add(DOCS[2:])
        eng.commit()
        assert eng.doc_count() == len(DOCS)
        assert ids(eng, "missile") == {"missile-1"}
        eng.close()


def test_contract_histogram_fills_gaps(engine: SearchEngine) -> None:
    months = engine.histogram("date:2018", by="month", date_from=date(2018, 1, 1),
                              date_to=date(2018, 12, 31))
    assert [d for d, _ in months] == [date(2018, m, 1) for m in range(1, 13)]
    assert dict(months)[date(2018, 4, 1)] == 2
    assert dict(months)[date(2018, 5, 1)] == 0
    assert sum(n for _, n in months) == 4

    years = engine.histogram(None, by="year")
    assert years == [(date(2018, 1, 1), 4), (date(2019, 1, 1), 2), (date(2020, 1, 1), 1)]

    weeks = engine.histogram("railway OR 철도", by="week")
    assert weeks[0] == (date(2018, 3, 5), 1)  # a Monday
    assert all(d.weekday() == 0 for d, _ in weeks)
    assert sum(n for _, n in weeks) == 3 and any(n == 0 for _, n in weeks)

    days = engine.histogram("날씨 OR 철도", by="day")
    assert days == [(date(2018, 4, 27), 1), (date(2018, 4, 28), 1)]

    quarters = engine.histogram(None, by="quarter", date_from=date(2018, 1, 1),
                                date_to=date(2018, 12, 31))
    assert quarters == [(date(2018, 1, 1), 1), (date(2018, 4, 1), 2), (date(2018, 7, 1), 1),
                        (date(2018, 10, 1), 0)]
    assert engine.histogram("nonexistentword", by="year") == []


def test_contract_match_any_is_an_or_query_of_index_terms(engine: SearchEngine) -> None:
    hits = engine.match_any(["railway", "sanction"], limit=10)
    searched = engine.search("railway OR sanction", limit=10, facets=False, snippets=False).hits
    assert {sid for sid, _ in hits} == {h.id for h in searched} == {"rail-1", "sanction-1"}
    assert [score for _, score in hits] == sorted((h.score for h in searched), reverse=True)
    # Korean words are morphemes of the index's own analysis, taken as they are
    assert [sid for sid, _ in engine.match_any(["철도"])] == ["ko-1"]
    dated = engine.match_any(["railway"], date_from=date(2018, 6, 1))
    assert [sid for sid, _ in dated] == ["sanction-1"]
    assert engine.match_any([]) == []


def test_contract_match_many_answers_as_match_any_in_order(engine: SearchEngine) -> None:
    asks = [(["railway", "sanction"], None, None), (["철도"], None, None),
            (["railway"], date(2018, 6, 1), None), ([], None, None),
            (["nonexistentword"], None, None), (["sanction"], None, date(2018, 1, 1))]
    answers = engine.match_many(asks, limit=10)
    assert answers == [engine.match_any(words, date_from=a, date_to=b, limit=10)
                       for words, a, b in asks]
    assert [sid for sid, _ in answers[1]] == ["ko-1"] and answers[3] == []
    assert engine.match_many(asks, limit=10, threads=2) == answers


@pytest.mark.parametrize("name", ENGINES)
def test_contract_match_any_breaks_ties_by_id_whatever_the_order_of_indexing(
        name: str, tmp_path: Path) -> None:
    twins = [IndexDoc(id=f"{i:016x}", title="Harbour", text="The harbour reopened today.",
                      date=date(2020, 1, 1)) for i in range(40)]
    found = []
    for k, docs in enumerate((twins, twins[::-1])):
        eng = _make(name, tmp_path / f"index-{k}")
        for doc in docs:  # one commit each: as many segments as documents, in that order
            eng.add([doc])
            eng.commit()
        found.append(eng.match_any(["harbour"], limit=5))
        eng.close()
    assert found[0] == found[1]
    assert [sid for sid, _ in found[0]] == [f"{i:016x}" for i in range(5)]
