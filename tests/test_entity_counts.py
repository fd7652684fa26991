"""Stories per entity and month (migration 6): co-occurrence and entity timelines read them.

Each check compares with a plain computation over the raw tables: the entity sets of the
current, non-duplicate stories, counted in Python.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections import Counter
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

import pytest

from _analysis_fixtures import store_only
from dateline.analysis.cooccur import cooccurrence, llr, pmi
from dateline.search.base import fill_histogram
from dateline.store import analysis as sql
from dateline.store import entity_periods as periods

# -- the plain computation -------------------------------------------------------------------


def _stories(conn: sqlite3.Connection) -> dict[str, tuple[str | None, set[str]]]:
    """Current, non-duplicate story → (date, ids of the entities its mentions name)."""
    alias = {(k, key): e for k, key, e in conn.execute(
        "SELECT kind, key, entity_id FROM entity_aliases")}
    current = {sid: rev for sid, rev, dup in conn.execute(
        "SELECT id, revision, duplicate_of FROM stories") if dup is None}
    out: dict[str, tuple[str | None, set[str]]] = {}
    for sid, rev, kind, key, day in conn.execute(
            "SELECT story_id, revision, kind, key, date FROM entity_mentions"):
        if current.get(sid) == rev and (kind, key) in alias:
            out.setdefault(sid, (day, set()))[1].add(alias[(kind, key)])
    return out


def _inside(day: str | None, first: date | None, last: date | None) -> bool:
    if first is None and last is None:
        return True
    return day is not None and (first is None or day >= first.isoformat()) and (
        last is None or day <= last.isoformat())


def _reference(conn: sqlite3.Connection, eid: str, first: date | None, last: date | None,
               measure: str, min_count: int, top: int) -> dict:
    stories = {s: ents for s, (day, ents) in _stories(conn).items() if _inside(day, first, last)}
    target = [ents for ents in stories.values() if eid in ents]
    where = ([f"r.date >= '{first}'"] if first else []) + ([f"r.date <= '{last}'"] if last else [])
    total = conn.execute(
        "SELECT COUNT(*) FROM stories s JOIN revisions r ON r.story_id = s.id AND "
        "r.revision = s.revision WHERE s.duplicate_of IS NULL AND r.date IS NOT NULL"
        + "".join(f" AND {w}" for w in where)).fetchone()[0]
    n_a, total = len(target), max(total, len(target))
    joint = Counter(e for ents in target for e in ents if e != eid)
    marginal = Counter(e for ents in stories.values() for e in ents)
    names = {i: (n, k) for i, n, k in conn.execute("SELECT id, name, kind FROM entities")}
    items = []
    for e, k11 in joint.items():
        if k11 < max(1, min_count):
            continue
        n_b = marginal[e]
        g2, p = llr(k11, n_a, n_b, total), pmi(k11, n_a, n_b, total)
        items.append({"id": e, "name": names[e][0], "count": k11, "entity_count": n_b,
                      "score": g2 if measure == "llr" else p})
    items.sort(key=lambda i: (-i["score"], -i["count"], i["name"]))
    items = [i for i in items if measure == "pmi" or i["score"] > 0][:top]
    keep = {i["id"] for i in items}
    pairs = Counter(pair for ents in target for pair in combinations(sorted(ents & keep), 2))
    return {"stories": n_a, "total_stories": total, "items": items,
            "edges": sorted((a, b, n) for (a, b), n in pairs.items() if n >= max(1, min_count))}


def _check_cooccurrence(conn: sqlite3.Connection, store, eid: str, first: date | None,
                        last: date | None, measure: str = "llr", min_count: int = 2) -> None:
    want = _reference(conn, eid, first, last, measure, min_count, 15)
    got = cooccurrence(store, eid, top=15, date_from=first, date_to=last, measure=measure,
                       min_count=min_count)
    assert (got.stories, got.total_stories) == (want["stories"], want["total_stories"])
    assert [{"id": i.id, "name": i.name, "count": i.count, "entity_count": i.entity_count,
             "score": i.score} for i in got.items] == want["items"]
    assert sorted(got.edges) == want["edges"]


def _check_timeline(conn: sqlite3.Connection, store, eid: str, first: date | None,
                    last: date | None) -> None:
    days = Counter(date.fromisoformat(day) for day, ents in _stories(conn).values()
                   if day and eid in ents and _inside(day, first, last))
    for by in ("month", "quarter", "year"):
        assert fill_histogram(periods.entity_month_counts(store, eid, first, last), by, first,
                              last) == fill_histogram(dict(days), by, first, last)
    assert periods.entity_day_counts(store, eid, first, last) == dict(days)  # day and week


def _check_table(conn: sqlite3.Connection) -> None:
    """The table counts every mention row through the current aliases."""
    alias = {(k, key): e for k, key, e in conn.execute(
        "SELECT kind, key, entity_id FROM entity_aliases")}
    pairs = {(alias[(k, key)], (day or "")[:7], sid) for sid, k, key, day in conn.execute(
        "SELECT story_id, kind, key, date FROM entity_mentions") if (k, key) in alias}
    want = Counter((e, month) for e, month, _ in pairs)
    got = {(e, m): n for e, m, n in conn.execute(
        "SELECT entity_id, month, stories FROM entity_period_counts")}
    assert got == dict(want)


def _periods(rnd: random.Random, n: int) -> list[tuple[date | None, date | None]]:
    out: list[tuple[date | None, date | None]] = [(None, None), (date(2010, 1, 1), None),
                                                  (None, date(2015, 6, 30))]
    for _ in range(n):
        a = date(2005, 1, 1) + timedelta(days=rnd.randrange(21 * 365))
        b = a + timedelta(days=rnd.choice([3, 20, 45, 400, 3000]))
        choice = rnd.random()
        out.append((a, None) if choice < 0.1 else (None, b) if choice < 0.2 else (a, b))
    return out


def _entities(conn: sqlite3.Connection, n: int) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT a.entity_id FROM entity_aliases a JOIN entity_mentions m ON m.kind = a.kind "
        "AND m.key = a.key GROUP BY a.entity_id ORDER BY COUNT(DISTINCT m.story_id) DESC, "
        "a.entity_id LIMIT ?", (n,))]


def _check_all(arc, seed: int, periods: int = 8) -> None:
    conn = arc.store.conn
    _check_table(conn)
    rnd = random.Random(seed)
    ents = _entities(conn, 12)
    assert ents, "the sample corpus has no entities"
    for first, last in _periods(rnd, periods):
        eid = rnd.choice(ents)
        _check_cooccurrence(conn, arc.store, eid, first, last, rnd.choice(["llr", "pmi"]),
                            rnd.choice([1, 2, 3]))
        _check_timeline(conn, arc.store, eid, first, last)


# -- archives --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> Path:
    from dateline.sample import generate

    root = tmp_path_factory.mktemp("counts")
    generate(root / "a", 160, 11, korean_share=0.0, pages_per_file=40, revisions=0.15,
             duplicates=0.05)
    generate(root / "b", 60, 12, korean_share=0.0, pages_per_file=40)
    return root


def _archive(root: Path, corpora: Path):
    from dateline import Archive

    arc = Archive(root / "arc", create=True)
    store_only(arc, [corpora / "a" / "jsonl"])
    arc.enrich()
    return arc


def test_month_plan_splits_whole_months_from_partial_edges():
    plan = periods.month_plan
    assert plan(None, None) == ((None, None), [])
    assert plan(date(2019, 3, 1), date(2019, 5, 31)) == (("2019-03", "2019-05"), [])
    assert plan(date(2019, 3, 15), date(2019, 6, 10)) == (
        ("2019-04", "2019-05"), [(date(2019, 3, 15), date(2019, 3, 31)),
                                 (date(2019, 6, 1), date(2019, 6, 10))])
    assert plan(date(2019, 3, 15), date(2019, 3, 20)) == (
        None, [(date(2019, 3, 15), date(2019, 3, 20))])
    assert plan(date(2019, 3, 15), date(2019, 4, 10)) == (
        None, [(date(2019, 3, 15), date(2019, 3, 31)), (date(2019, 4, 1), date(2019, 4, 10))])
    assert plan(date(2019, 12, 2), None) == (("2020-01", None),
                                             [(date(2019, 12, 2), date(2019, 12, 31))])
    assert plan(None, date(2020, 2, 28)) == ((None, "2020-01"),
                                             [(date(2020, 2, 1), date(2020, 2, 28))])
    assert plan(None, date(2020, 2, 29)) == ((None, "2020-02"), [])
    assert plan(date(2020, 5, 1), date(2020, 4, 1)) == (None, [])


def test_counts_match_a_plain_computation_through_ingests_and_rebuilds(tmp_path, corpora):
    arc = _archive(tmp_path, corpora)
    try:
        store = arc.store
        assert int(store.get_meta("entity_counts_seq")) == store.max_seq()
        _check_all(arc, 1)
        # a second ingest: revisions (new text, maybe a new date) and new stories, not yet
        # enriched: the revised stories' old mentions are subtracted when read
        store_only(arc, [corpora / "a" / "revised", corpora / "b" / "jsonl"])
        revised = store.conn.execute("SELECT COUNT(*) FROM stories WHERE revision > 1")
        assert revised.fetchone()[0] > 0
        assert int(store.get_meta("entity_counts_seq")) < store.max_seq()
        assert periods._stale_counts(store)
        _check_all(arc, 2)
        arc.enrich()  # replaces the revised stories' mentions and counts the new stories
        assert not periods._stale_counts(store)
        _check_all(arc, 3)
        arc.enrich(stale_only=False)  # the rebuild path
        _check_all(arc, 4, periods=4)
        # a manual merge changes aliases: both entities are counted again
        kinds = dict(store.conn.execute("SELECT id, kind FROM entities"))
        names = dict(store.conn.execute("SELECT id, name FROM entities"))
        a, b = [e for e in _entities(store.conn, 10_000) if kinds[e] == "person"][:2]
        keys = store.conn.execute("SELECT kind, key FROM entity_aliases WHERE entity_id IN "
                                  "(?, ?)", (a, b)).fetchall()
        arc.merge_entities(names[a], names[b])
        assert len({store.conn.execute("SELECT entity_id FROM entity_aliases WHERE kind = ? "
                                       "AND key = ?", k).fetchone() for k in keys}) == 1
        _check_all(arc, 5, periods=4)
    finally:
        arc.close()


@pytest.mark.parametrize("stale", [False, True])
def test_counts_filled_when_an_archive_is_upgraded(tmp_path, corpora, stale):
    from dateline import Archive

    arc = _archive(tmp_path, corpora)
    if stale:  # revised after the last enrichment: the upgrade cannot trust every row
        store_only(arc, [corpora / "a" / "revised"])
    arc.close()
    db = tmp_path / "arc" / "dateline.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript("DROP TABLE entity_period_counts; DELETE FROM meta WHERE key = "
                       "'entity_counts_seq'; PRAGMA user_version = 5;")
    conn.close()
    old = tmp_path / "old"
    shutil.copytree(tmp_path / "arc", old)
    ro = Archive(old, readonly=True)  # not upgraded: counts the mentions as before
    try:
        assert not periods.counts_ready(ro.store)
        eid = _entities(ro.store.conn, 1)[0]
        _check_cooccurrence(ro.store.conn, ro.store, eid, date(2008, 2, 3), date(2019, 9, 9))
        _check_timeline(ro.store.conn, ro.store, eid, None, None)
    finally:
        ro.close()
    arc = Archive(tmp_path / "arc")
    try:
        store = arc.store
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= 6
        seq = int(store.get_meta("entity_counts_seq"))
        assert seq == (0 if stale else store.max_seq())
        _check_all(arc, 6, periods=5)
        arc.enrich()
        assert int(store.get_meta("entity_counts_seq")) == store.max_seq()
        _check_all(arc, 7, periods=3)
    finally:
        arc.close()


def test_entity_timeline_by_month_reads_the_counts(tmp_path, corpora):
    arc = _archive(tmp_path, corpora)
    try:
        eid = _entities(arc.store.conn, 1)[0]
        for by in ("month", "quarter", "year", "week"):
            tl = arc.timeline(entity=eid, by=by, date_from=date(2007, 2, 14),
                              date_to=date(2021, 11, 3))
            days = sql.mention_day_counts(arc.store, eid, date(2007, 2, 14), date(2021, 11, 3))
            assert tl.total == sum(days.values())
    finally:
        arc.close()


def test_entity_day_counts_read_the_mention_index_alone(tmp_path, corpora):
    # the per-day count walks the (kind, key, date) index and reads no mention row
    arc = _archive(tmp_path, corpora)
    try:
        conn = arc.store.conn
        eid = _entities(conn, 1)[0]
        seen: list[str] = []  # the statements run, with their values filled in
        conn.set_trace_callback(seen.append)
        try:
            periods.entity_day_counts(arc.store, eid, date(2007, 2, 14), date(2021, 11, 3))
        finally:
            conn.set_trace_callback(None)
        [counting] = [q for q in seen if q.startswith("SELECT m.date") and "s.seq" not in q]
        plan = [row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {counting}")]
        assert any("COVERING INDEX entity_mentions_key" in step for step in plan), plan
    finally:
        arc.close()
