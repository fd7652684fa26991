"""SQL of co-occurrence and of the stories per entity and month (``entity_period_counts``,
schema migration 6, kept by :class:`~dateline.store.entities.EntityStore`).

Co-occurrence counts come from one join over the mentions of an entity's stories; the story
count of every entity in a period (co-occurrence's marginals, entity timelines by month) from
the per-month table, so neither grows with the archive.  Same conventions as
:mod:`dateline.store.analysis`: dates are ISO strings in SQL, only current revisions of stories
that are not exact duplicates are counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from dateline.store.analysis import (
    _MENTIONS,
    _chunks,
    _day,
    _period,
    entity_story_counts,
    mention_day_counts,
    table_exists,
)
from dateline.store.entities import COUNTS_SEQ, MONTH_OF_MENTION
from dateline.store.sqlite import Store

# -- co-occurrence: one join over the mentions of the entity's stories -----------------------


def _target(entity_id: str, date_from: date | None, date_to: date | None,
            ids_below: str | None = None) -> tuple[str, list[Any]]:
    """SQL (for a CTE) of the stories mentioning the entity in the period, with their revision;
    with ``ids_below``, only those whose id sorts before it (story ids are hex digits of a
    hash, so this is a uniform sample)."""
    where, params = _period("m.date", date_from, date_to)
    if ids_below is not None:
        where += " AND m.story_id < ?"
        params.append(ids_below)
    return (f"SELECT DISTINCT m.story_id, m.revision {_MENTIONS} WHERE a.entity_id = ?{where}",
            [entity_id, *params])


#: an entity's stories above which co-occurrence counts come from a sample of them
SAMPLE_STORIES = 20_000


def sample_bound(fraction: float) -> str:
    """The story id below which about ``fraction`` of all ids fall (ids: lowercase hex)."""
    return f"{min(0xFFFFFFFF, max(1, round(fraction * 0x100000000))):08x}"


def sample_of(stories: int, cap: int | None) -> str | None:
    """The id bound of a uniform sample of about ``cap`` of an entity's ``stories``, or
    ``None`` when they are few enough to count them all (or ``cap`` is ``None``: exact)."""
    return sample_bound(cap / stories) if cap and stories > cap else None


def scale_up(count: int, stories: int, sampled: int) -> int:
    """A count made on ``sampled`` of ``stories`` stories, estimated for all of them."""
    return round(count * stories / sampled) if sampled else count


def cooccurrence_counts(store: Store, entity_id: str, date_from: date | None,
                        date_to: date | None, min_count: int = 1,
                        ids_below: str | None = None) -> tuple[int, dict[str, int]]:
    """(stories mentioning the entity in the period, {other entity id: stories of those that
    mention it too} for the others in at least ``min_count`` of them); with ``ids_below``,
    over the sample of those stories that :func:`_target` takes.

    One statement: the entity's stories (aliases by entity, mentions by name key), then every
    mention of those stories (mentions by story, aliases by key), grouped by entity.  The
    entity itself is in all of its stories, so its own row is the number of stories."""
    target, params = _target(entity_id, date_from, date_to, ids_below)
    rows = store.conn.execute(
        f"WITH t(story_id, revision) AS MATERIALIZED ({target}) "
        f"SELECT a.entity_id, COUNT(DISTINCT m.story_id) FROM t JOIN entity_mentions m ON "
        f"m.story_id = t.story_id AND m.revision = t.revision JOIN entity_aliases a ON "
        f"a.kind = m.kind AND a.key = m.key GROUP BY a.entity_id "
        f"HAVING COUNT(DISTINCT m.story_id) >= ? OR a.entity_id = ?",
        (*params, max(1, min_count), entity_id)).fetchall()
    joint = {eid: int(n) for eid, n in rows}
    return joint.pop(entity_id, 0), joint


def cooccurrence_edges(store: Store, entity_id: str, date_from: date | None,
                       date_to: date | None, ids: Sequence[str],
                       ids_below: str | None = None) -> dict[tuple[str, str], int]:
    """(a, b) with a < b → stories mentioning the entity in the period and both of ``ids``
    (in the sample of ``ids_below``, when given)."""
    if len(ids) < 2:
        return {}
    target, params = _target(entity_id, date_from, date_to, ids_below)
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(
        f"WITH t(story_id, revision) AS MATERIALIZED ({target}), "
        f"p(story_id, entity_id) AS MATERIALIZED (SELECT DISTINCT m.story_id, a.entity_id "
        f"FROM t JOIN entity_mentions m ON m.story_id = t.story_id AND m.revision = t.revision "
        f"JOIN entity_aliases a ON a.kind = m.kind AND a.key = m.key "
        f"WHERE +a.entity_id IN ({marks})) "  # +: look aliases up by key, then filter
        f"SELECT x.entity_id, y.entity_id, COUNT(*) FROM p x JOIN p y ON "
        f"y.story_id = x.story_id AND y.entity_id > x.entity_id GROUP BY 1, 2",
        (*params, *ids)).fetchall()
    return {(a, b): int(n) for a, b, n in rows}


# -- stories per entity and month (entity_period_counts, migration 6) ------------------------
#
# Whole months of a period are summed from the table; the partial months at its edges are
# counted from the mentions of the stories dated in them (revisions by date).  The table
# counts every mention row, so the rows of stories revised or made duplicates since the last
# complete enrichment (store sequence above ``entity_counts_seq``) are subtracted.


def counts_ready(store: Store) -> bool:
    """True when the archive has the per-month entity counts (schema 6 or later)."""
    return table_exists(store, "entity_period_counts")


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_end(day: date) -> date:
    nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


MonthRange = tuple[str | None, str | None]


def month_plan(date_from: date | None,
               date_to: date | None) -> tuple[MonthRange | None, list[tuple[date, date]]]:
    """Split a period into whole months ('YYYY-MM' bounds, None = open; None when there are
    none) and the day ranges of the partial months at its edges."""
    if date_from is not None and date_to is not None and date_from > date_to:
        return None, []
    lo = hi = None
    edges: list[tuple[date, date]] = []
    if date_from is not None:
        lo = _month(date_from)
        if date_from.day != 1:
            end = _month_end(date_from)
            edges.append((date_from, end if date_to is None or date_to > end else date_to))
            lo = _month(end + timedelta(days=1))
    if date_to is not None:
        hi = _month(date_to)
        if date_to != _month_end(date_to):
            start = date_to.replace(day=1)
            if not edges or edges[0][1] < start:
                edges.append((start if date_from is None or date_from < start else date_from,
                              date_to))
            hi = _month(start - timedelta(days=1))
    if lo is not None and hi is not None and lo > hi:
        return None, edges
    return (lo, hi), edges


def _months_where(months: MonthRange, undated: bool) -> tuple[str, list[Any]]:
    lo, hi = months
    clauses, params = [] if undated else ["month != ''"], []
    if lo is not None:
        clauses.append("month >= ?")
        params.append(lo)
    if hi is not None:
        clauses.append("month <= ?")
        params.append(hi)
    return "".join(f" AND {c}" for c in clauses), params


def _in_months(month: str, months: MonthRange, undated: bool) -> bool:
    lo, hi = months
    if month == "":
        return undated
    return (lo is None or month >= lo) and (hi is None or month <= hi)


def _stale_counts(store: Store) -> dict[tuple[str, str], int]:
    """(entity id, month) → stories counted in entity_period_counts by mentions of a revision
    that is no longer current (or of a story now a duplicate): to subtract."""
    seq = int(store.get_meta(COUNTS_SEQ, "0") or 0)
    rows = store.conn.execute(
        f"SELECT a.entity_id, {MONTH_OF_MENTION}, COUNT(DISTINCT m.story_id) FROM stories s "
        f"CROSS JOIN entity_mentions m ON m.story_id = s.id JOIN entity_aliases a ON "
        f"a.kind = m.kind AND a.key = m.key WHERE s.seq > ? AND (m.revision != s.revision "
        f"OR s.duplicate_of IS NOT NULL) GROUP BY 1, 2", (seq,)).fetchall()
    return {(eid, month): int(n) for eid, month, n in rows}


def _edge_counts(store: Store, entity_id: str | None, first: date,
                 last: date) -> list[tuple[str, str, int]]:
    """(entity id, day, stories) counted from the mentions of the stories dated first..last
    (at most a month: the joins are pinned to start from those stories, never from the
    entity's mentions)."""
    one = " AND a.entity_id = ?" if entity_id is not None else ""
    # story dates are ISO days; the half-open bound also holds a date written with a time
    rows = store.conn.execute(
        f"WITH d(id, revision) AS MATERIALIZED (SELECT s.id, s.revision FROM revisions r "
        f"CROSS JOIN stories s ON s.id = r.story_id AND s.revision = r.revision AND "
        f"s.duplicate_of IS NULL WHERE r.date >= ? AND r.date < ?) "
        f"SELECT a.entity_id, m.date, COUNT(DISTINCT m.story_id) FROM d CROSS JOIN "
        f"entity_mentions m ON m.story_id = d.id AND m.revision = d.revision CROSS JOIN "
        f"entity_aliases a ON a.kind = m.kind AND a.key = m.key "
        f"WHERE m.date >= ? AND m.date <= ?{one} "
        f"GROUP BY 1, 2",
        (first.isoformat(), (last + timedelta(days=1)).isoformat(), first.isoformat(),
         last.isoformat(), *([entity_id] if entity_id is not None else []))).fetchall()
    return [(eid, day, int(n)) for eid, day, n in rows]


def entity_period_totals(store: Store, entity_ids: Sequence[str], date_from: date | None,
                         date_to: date | None) -> dict[str, int]:
    """Entity id → stories mentioning it in the period (as :func:`entity_story_counts`), from
    the per-month counts; falls back to counting the mentions on an archive without them."""
    if not counts_ready(store):
        return entity_story_counts(store, entity_ids, date_from, date_to)
    wanted = set(entity_ids)
    out: dict[str, int] = dict.fromkeys(wanted, 0)
    months, edges = month_plan(date_from, date_to)
    undated = date_from is None and date_to is None
    if months is not None:
        where, params = _months_where(months, undated)
        for chunk in _chunks(sorted(wanted)):
            marks = ",".join("?" * len(chunk))
            for eid, n in store.conn.execute(
                    f"SELECT entity_id, SUM(stories) FROM entity_period_counts WHERE "
                    f"entity_id IN ({marks}){where} GROUP BY entity_id", (*chunk, *params)):
                out[eid] += int(n)
        for (eid, month), n in _stale_counts(store).items():
            if eid in wanted and _in_months(month, months, undated):
                out[eid] -= n
    for first, last in edges:
        for eid, _, n in _edge_counts(store, None, first, last):
            if eid in wanted:
                out[eid] += n
    return {eid: n for eid, n in out.items() if n > 0}


def entity_month_counts(store: Store, entity_id: str, date_from: date | None,
                        date_to: date | None) -> dict[date, int]:
    """Stories mentioning the entity per month (keyed by the month's first day; the partial
    months at the period's edges by day): what :func:`mention_day_counts` gives, rolled up
    to months, for timelines by month, quarter or year."""
    if not counts_ready(store):
        return mention_day_counts(store, entity_id, date_from, date_to)
    out: dict[date, int] = {}
    months, edges = month_plan(date_from, date_to)
    if months is not None:
        where, params = _months_where(months, False)
        per_month = dict(store.conn.execute(
            f"SELECT month, stories FROM entity_period_counts WHERE entity_id = ?{where}",
            (entity_id, *params)).fetchall())
        for (eid, month), n in _stale_counts(store).items():
            if eid == entity_id and month in per_month:
                per_month[month] -= n
        for month, n in per_month.items():
            day = _day(month + "-01")
            if day is not None and n > 0:
                out[day] = out.get(day, 0) + int(n)
    for first, last in edges:
        for _, d, n in _edge_counts(store, entity_id, first, last):
            day = _day(d)
            if day is not None:
                out[day] = out.get(day, 0) + n
    return out


def entity_day_counts(store: Store, entity_id: str, date_from: date | None,
                      date_to: date | None) -> dict[date, int]:
    """Stories mentioning the entity per day, as :func:`mention_day_counts` gives them, for
    timelines by day or week: counted from the index of the mention rows by name and date
    alone (migration 8), then less the stories whose rows are of an older revision or which
    are duplicates now (changed since the last complete enrichment), as the per-month counts
    are corrected."""
    if not counts_ready(store):
        return mention_day_counts(store, entity_id, date_from, date_to)
    where, params = _period("m.date", date_from, date_to)
    by_date: dict[str, int] = {}
    for d, n in store.conn.execute(
            "SELECT m.date, COUNT(DISTINCT m.story_id) FROM entity_aliases a JOIN "
            "entity_mentions m ON m.kind = a.kind AND m.key = a.key WHERE a.entity_id = ? "
            f"AND m.date IS NOT NULL{where} GROUP BY m.date", (entity_id, *params)):
        by_date[d] = int(n)
    seq = int(store.get_meta(COUNTS_SEQ, "0") or 0)
    for d, n in store.conn.execute(
            "SELECT m.date, COUNT(DISTINCT m.story_id) FROM stories s CROSS JOIN "
            "entity_mentions m ON m.story_id = s.id JOIN entity_aliases a ON a.kind = m.kind "
            "AND a.key = m.key WHERE s.seq > ? AND (m.revision != s.revision OR "
            f"s.duplicate_of IS NOT NULL) AND a.entity_id = ? AND m.date IS NOT NULL{where} "
            "GROUP BY m.date", (seq, entity_id, *params)):
        by_date[d] = by_date.get(d, 0) - int(n)
    out: dict[date, int] = {}
    for d, n in by_date.items():
        day = _day(d)
        if day is not None and n > 0:
            out[day] = out.get(day, 0) + n
    return out
