"""The store contract: what every store backend gives the archive, run against each of them.

All texts here are invented for the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import store_backends
from dateline.errors import NotFound
from dateline.model import ParsedStory, Quote, Segment, SourceFile
from dateline.store import ParsedRecord, ParsedSource, Store
from dateline.store.backend import StoreBackend
from dateline.store.entities import EntityStore

KST = timezone(timedelta(hours=9))

OpenStore = Callable[..., Store]


@pytest.fixture(params=store_backends())
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """A function that opens a store of one new archive on the backend under test; each call
    opens another connection to the same archive (``readonly=True``: a read-only one)."""
    opened: list[Store] = []
    make: Callable[..., StoreBackend] = request.getfixturevalue(f"{request.param}_backend")

    def open_one(*, readonly: bool = False) -> Store:
        store = Store(make(readonly=readonly))
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: OpenStore) -> Store:
    return open_store()


def _story(text: str, title: str | None = None, *, day: date | None = date(2018, 3, 5),
           url: str | None = None, position: int = 0, updated: datetime | None = None,
           quotes: list[Quote] | None = None) -> ParsedStory:
    return ParsedStory(text=text, title=title, date=day, url=url, position=position,
                       language="en", program="News Today", updated_at=updated,
                       published_at=datetime(2018, 3, 5, 9, 30, tzinfo=KST),
                       segments=[Segment("narration", text, 0, len(text))],
                       quotes=quotes or [])


def _source(name: str, *stories: ParsedStory, raw: bytes | None = None,
            warnings: list[str] | None = None) -> ParsedSource:
    raw = raw if raw is not None else ("\n".join(s.text for s in stories) or name).encode()
    source = SourceFile(origin=f"/in/{name}", name=name, raw=raw, reader="text",
                        encoding="utf-8")
    return ParsedSource(source, [ParsedRecord("", list(stories), warnings or [])], "t@1")


RAIL = ("Officials from both sides met on Monday to discuss reconnecting the railway across the "
        "border, which was cut decades ago.")
HARBOUR = "Harbour workers and fishermen protested the new harbour fees on Friday morning."


def _write(store: Store, *sources: ParsedSource):
    run = store.start_run({"test": True})
    counts = store.write_batch(list(sources), run)
    store.finish_run(run, counts)
    return counts


# -- writing and reading stories ----------------------------------------------------------------


def test_store_keeps_a_source_its_bytes_and_its_stories(store: Store) -> None:
    said = Quote(text="We will open the line.", speaker="Kim Min-su", role="Minister",
                 language="en", kind="soundbite", start=10, end=32)
    counts = _write(store, _source("a.txt", _story(RAIL, "Railway talks", quotes=[said]),
                                   raw=b"\x00\xffraw bytes " * 20))
    assert (counts.sources, counts.new) == (1, 1)
    [story] = list(store.iter_stories())
    assert story.title == "Railway talks" and story.text == RAIL
    assert story.date == date(2018, 3, 5)
    assert story.published_at == datetime(2018, 3, 5, 9, 30, tzinfo=KST)
    assert [q.speaker for q in story.quotes] == ["Kim Min-su"]
    again = store.get_story(story.id[:6])
    assert again.id == story.id and again.quotes[0].text == said.text
    info = store.source_info(story.source_id)
    assert info["name"] == "a.txt" and info["size"] == 240
    assert store.raw_bytes(info["sha256"]) == b"\x00\xffraw bytes " * 20


def test_store_ingest_of_the_same_bytes_again_adds_nothing(store: Store) -> None:
    _write(store, _source("a.txt", _story(RAIL, "Railway talks")))
    seq = store.max_seq()
    counts = _write(store, _source("a.txt", _story(RAIL, "Railway talks")))
    assert (counts.sources, counts.unchanged_sources, counts.new) == (0, 1, 0)
    assert store.max_seq() == seq
    assert store.stored_shas(["a.txt", "b.txt"]).keys() == {"a.txt"}


def test_store_a_changed_text_is_a_revision_and_the_same_text_elsewhere_a_duplicate(
        store: Store) -> None:
    _write(store, _source("a.txt", _story(RAIL, "Railway talks", url="https://x.invalid/1")),
           _source("h.txt", _story(HARBOUR, "Harbour fees", url="https://x.invalid/3")))
    edited = RAIL.replace("Monday", "Tuesday")
    counts = _write(store,
                    _source("a2.txt", _story(edited, "Railway talks", url="https://x.invalid/1")),
                    _source("b.txt", _story(HARBOUR, "Copy", url="https://x.invalid/2")))
    assert (counts.revised, counts.duplicate) == (1, 1)
    current = [s for s in store.iter_stories() if s.url == "https://x.invalid/1"]
    assert len(current) == 1 and current[0].revision == 2 and current[0].text == edited
    assert [r["revision"] for r in store.revisions_of(current[0].id)] == [1, 2]
    [dup] = [s for s in store.iter_stories(include_duplicates=True) if s.duplicate_of]
    assert store.duplicates_of(dup.duplicate_of) == [dup.id]
    assert store.stats()["duplicates"] == 1


def test_store_sequence_orders_changes_and_bounds_reads(store: Store) -> None:
    _write(store, _source("a.txt", _story(RAIL, "One")))
    first = store.max_seq()
    _write(store, _source("b.txt", _story(HARBOUR, "Two")))
    assert store.max_seq() > first
    assert [s.title for s in store.iter_stories(after_seq=first)] == ["Two"]
    assert [s.title for s in store.iter_stories(upto_seq=first)] == ["One"]
    rows = list(store.iter_index_rows(batch=1))
    assert [r.title for r in rows] == ["One", "Two"] and rows[0].seq < rows[1].seq
    assert store.watermark_and_seq("index_seq") == (0, store.max_seq())


def test_store_ids_resolve_by_prefix_and_unknown_ids_are_not_found(store: Store) -> None:
    _write(store, _source("a.txt", _story(RAIL, "One")))
    [story] = list(store.iter_stories())
    assert store.resolve_id(story.id[:4].upper()) == story.id
    with pytest.raises(NotFound):
        store.resolve_id("ffffffffffffffff" if not story.id.startswith("ff") else "0000000000")
    with pytest.raises(NotFound):
        store.get_story("zz")


def test_store_rejects_keep_reason_and_bytes(store: Store) -> None:
    source = SourceFile(origin="/in/bad.bin", name="bad.bin", raw=b"\x00\x01\x02" * 40,
                        reader="", reject_reason="not text")
    counts = _write(store, ParsedSource(source, [], "t@1"))
    assert counts.rejected == 1
    [reject] = store.rejects()
    assert reject.reason == "not text" and reject.name == "bad.bin"
    assert store.raw_bytes(reject.sha256) == b"\x00\x01\x02" * 40


def test_store_warnings_of_sources_are_listed_one_per_row(store: Store) -> None:
    from dateline.store import ingest_warnings

    _write(store, _source("a.txt", _story(RAIL, "One"),
                          warnings=["line 3: a sound bite is cut", "no date found"]))
    rows = ingest_warnings.page(store)
    assert [(r.source, r.place, r.message) for r in rows] == [
        ("a.txt", "line 3", "a sound bite is cut"), ("a.txt", None, "no date found")]
    assert ingest_warnings.count(store) == 2


def test_store_stats_count_what_is_stored(store: Store) -> None:
    _write(store, _source("a.txt", _story(RAIL, "One"), _story(HARBOUR, "Two", position=1,
                                                              day=date(2019, 1, 2))))
    stats = store.stats()
    assert (stats["sources"], stats["stories"], stats["revisions"]) == (1, 2, 2)
    assert stats["by_year"] == {"2018": 1, "2019": 1}
    assert stats["by_program"] == {"News Today": 2}
    assert (stats["first_date"], stats["last_date"]) == ("2018-03-05", "2019-01-02")
    assert isinstance(stats["source_bytes"], int) and stats["source_bytes"] > 0


# -- meta, transactions, change stamps ----------------------------------------------------------


def test_store_meta_values_are_set_replaced_and_deleted(store: Store) -> None:
    assert store.get_meta("x", "none") == "none"
    store.set_meta("x", "1")
    store.set_meta("x", "2")
    assert store.get_meta("x") == "2"
    store.delete_meta("x")
    assert store.get_meta("x") is None


def test_store_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.backend.transaction():
        store.set_meta("half", "done")
        raise RuntimeError("stop")
    assert store.get_meta("half") is None
    with store.backend.transaction():
        store.set_meta("whole", "done")
    assert store.get_meta("whole") == "done"


def test_store_korean_terms_are_kept_per_revision(store: Store) -> None:
    store.put_korean_terms([("a" * 16, 1, "남북 철도", "남북 철도 연결", [("남북", 0, 2)],
                             [("남북", 0, 2)])], "kiwi@2")
    assert store.korean_terms("a" * 16, 1) == ("남북 철도", "남북 철도 연결", [("남북", 0, 2)])
    assert store.proper_nouns_of([("a" * 16, 1)]) == {
        ("a" * 16, 1): ([("남북", 0, 2)], [("남북", 0, 2)])}
    store.put_korean_terms([("a" * 16, 1, "철도", "철도", [], [])], "kiwi@2")  # replaced
    assert store.korean_search_terms([("a" * 16, 1)]) == {("a" * 16, 1): ("철도", "철도")}


def test_store_catalogue_names_tables_and_columns(store: Store) -> None:
    backend = store.backend
    assert {"stories", "revisions", "sources", "blobs", "entities"} <= set(backend.table_names())
    assert backend.table_exists("stories") and not backend.table_exists("no_such_table")
    assert {"id", "key", "revision", "seq"} <= set(backend.columns("stories"))
    assert backend.columns("no_such_table") == []


# -- entities -----------------------------------------------------------------------------------


def test_store_entity_facts_and_resolution_round_trip(store: Store) -> None:
    from dateline.enrich.entities import MentionFact
    from dateline.store.entities import StoryFactsRow

    _write(store, _source("a.txt", _story(RAIL, "One")))
    [story] = list(store.iter_stories())
    es = EntityStore(store.conn)
    assert es.stale_stories("entities", "1") == [story.id]
    mention = MentionFact(kind="person", key="kim min su", surface="Kim Min-su", start=0, end=10,
                          title="Minister", source="soundbite")
    es.write_facts([StoryFactsRow(story.id, 1, "2018-03-05", "News Today", [mention], [])],
                   "entities", "1")
    assert es.stale_stories("entities", "1") == []
    es.replace_resolution([("p1", "person", "Kim Min-su", "kim min su", None)],
                          [("person", "kim min su", "p1", "Kim Min-su", "name")], "t@1")
    assert es.find_entities("person", "kim min su", "KIM MIN-SU") == [
        ("p1", "person", "Kim Min-su")]
    assert es.counts_of("p1")[:2] == (1, 1)
    assert es.titles_of("p1")[0][0] == "Minister"


# -- more than one connection -------------------------------------------------------------------


def test_store_another_connection_sees_commits_and_the_stamp_moves(open_store: OpenStore,
                                                                   request) -> None:
    if "memory" in request.node.callspec.id:
        pytest.skip("a store in memory has one connection")
    writer = open_store()
    reader = open_store(readonly=True)
    stamp = reader.change_stamp()
    _write(writer, _source("a.txt", _story(RAIL, "One")))
    assert reader.change_stamp() != stamp
    assert [s.title for s in reader.iter_stories()] == ["One"]


# -- the two schemas ----------------------------------------------------------------------------


def test_store_schemas_of_sqlite_and_postgresql_are_in_step(postgresql_backend) -> None:
    """A new PostgreSQL archive has the tables, columns and views SQLite's migrations make
    (and the same schema version): a migration added to one needs its twin in the other."""
    from dateline.store.schema import SCHEMA_VERSION
    from dateline.store.schema_postgres import BASE_VERSION, UPGRADES
    from dateline.store.sqlite_backend import SQLiteBackend

    assert sorted(UPGRADES) == list(range(BASE_VERSION + 1, SCHEMA_VERSION + 1))
    sqlite, pg = SQLiteBackend.memory(), postgresql_backend()
    try:
        tables = set(sqlite.table_names())
        assert set(pg.table_names()) == tables
        for table in sorted(tables):
            assert pg.columns(table) == sqlite.columns(table), table
        views = {r[0] for r in sqlite.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'view'")}
        assert views == {r[0] for r in pg.conn.execute(
            "SELECT table_name FROM information_schema.views WHERE table_schema = "
            "current_schema()")}
        for view in sorted(views):
            assert [c for c in pg.columns(view)] == [
                r[1] for r in sqlite.conn.execute(f"PRAGMA table_info({view})")], view
        assert pg.schema_version() == SCHEMA_VERSION
    finally:
        sqlite.close()
        pg.close()
