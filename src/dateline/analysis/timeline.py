"""Timelines: how many stories match a query, mention an entity or quote a speaker, per period.

The counts never come from loading stories into Python: a query timeline is the search engine's
date histogram (fast fields), an entity or speaker timeline is one SQL aggregate over the
mentions or quotes of that entity.  Buckets are keyed by their first day (weeks start on Monday)
and gaps are filled with zero.

Normalised timelines divide each bucket by the number of all stories in it (the engine's
histogram of every story), the *share of coverage* Media Cloud plots: a rise in share means the
subject took more of the news, not that there was more news.

>>> tl = Timeline(kind="query", label="rail", by="year", normalised=False,
...               buckets=[Bucket(date(2018, 1, 1), 3, 10), Bucket(date(2019, 1, 1), 0, 8)])
>>> [b["count"] for b in tl.to_dict()["buckets"]], tl.total
([3, 0], 3)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from dateline.errors import InputError

log = logging.getLogger(__name__)

Interval = Literal["day", "week", "month", "quarter", "year"]
INTERVALS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")


def check_interval(by: str) -> Interval:
    if by not in INTERVALS:
        raise InputError(f"unknown interval {by!r}", hint=f"use one of: {', '.join(INTERVALS)}")
    return by  # type: ignore[return-value]


def bucket_end(start: date, by: str) -> date:
    """The last day of the bucket starting on ``start``."""
    if by == "day":
        return start
    if by == "week":
        return start + timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    m = start.month - 1 + months
    return date(start.year + m // 12, m % 12 + 1, 1) - timedelta(days=1)


def bucket_label(start: date, by: str) -> str:
    if by == "year":
        return f"{start.year:04d}"
    if by == "quarter":
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    if by == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if by == "week":
        iso = start.isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    return start.isoformat()


@dataclass(slots=True)
class Bucket:
    """One period: its first day, the matching count and the count of all stories in it."""

    start: date
    count: int
    all_stories: int | None = None

    @property
    def share(self) -> float | None:
        if self.all_stories is None:
            return None
        return self.count / self.all_stories if self.all_stories else 0.0


@dataclass(slots=True)
class Timeline:
    """Counts per period of a query (stories), an entity (stories mentioning it) or a speaker
    (stories quoting them); ``value`` is the count, or the share when ``normalised``."""

    kind: str  # query | entity | speaker
    label: str
    by: str
    normalised: bool
    buckets: list[Bucket] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    #: what was counted, in words (shown under plots and in the API)
    counts: str = "stories"
    entity_id: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: stories that match but have no date: in no bucket, and not in ``total``
    undated: int = 0

    @property
    def total(self) -> int:
        return sum(b.count for b in self.buckets)

    def values(self) -> list[float]:
        if self.normalised:
            return [b.share or 0.0 for b in self.buckets]
        return [float(b.count) for b in self.buckets]

    def peak(self) -> Bucket | None:
        if not self.buckets:
            return None
        vals = self.values()
        return self.buckets[max(range(len(vals)), key=vals.__getitem__)]

    def rows(self) -> list[dict[str, Any]]:
        """One row per bucket: period label, start, end, count, all stories, share."""
        out = []
        for b in self.buckets:
            row: dict[str, Any] = {
                "period": bucket_label(b.start, self.by),
                "start": b.start.isoformat(),
                "end": bucket_end(b.start, self.by).isoformat(),
                "count": b.count,
            }
            if b.all_stories is not None:
                row["all_stories"] = b.all_stories
                row["share"] = round(b.share or 0.0, 6)
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "entity_id": self.entity_id,
            "by": self.by,
            "normalised": self.normalised,
            "counts": self.counts,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "total": self.total,
            "undated": self.undated,
            "buckets": self.rows(),
            "warnings": list(self.warnings),
        }


def build(kind: str, label: str, by: str, counts: list[tuple[date, int]],
          totals: list[tuple[date, int]] | None, *, date_from: date | None = None,
          date_to: date | None = None, what: str = "stories",
          entity_id: str | None = None) -> Timeline:
    """Join a filled histogram with the all-stories histogram (when normalising)."""
    per_total = dict(totals) if totals is not None else None
    buckets = [Bucket(start, n, per_total.get(start, 0) if per_total is not None else None)
               for start, n in counts]
    return Timeline(kind=kind, label=label, by=by, normalised=totals is not None,
                    buckets=buckets, date_from=date_from, date_to=date_to, counts=what,
                    entity_id=entity_id)


def plot(timeline: Timeline, out: str | Path, *, title: str | None = None) -> Path:
    """Draw a timeline to PNG or SVG (by the file suffix) with matplotlib's Agg backend."""
    out = Path(out)
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in ("png", "svg", "pdf"):
        raise InputError(f"cannot plot to {out.name!r}", hint="give a .png or .svg file name")
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - an optional extra
        from dateline.errors import MissingExtra

        raise MissingExtra("matplotlib", "analysis", "timeline plots") from exc

    xs: Any = [b.start for b in timeline.buckets]
    ys = timeline.values()
    if timeline.normalised:
        ys = [v * 100 for v in ys]
    fig, ax = plt.subplots(figsize=(10, 4.2), dpi=120)
    try:
        if len(xs) <= 60:
            widths = [max(1, (bucket_end(x, timeline.by) - x).days + 1) * 0.8 for x in xs]
            ax.bar(xs, ys, width=widths, align="edge", color="#2b6cb0")
        else:
            ax.plot(xs, ys, color="#2b6cb0", linewidth=1.4)
            ax.fill_between(xs, ys, color="#2b6cb0", alpha=0.15)
        what = {"query": "stories matching", "entity": "stories mentioning",
                "speaker": "stories quoting"}.get(timeline.kind, "stories")
        ax.set_title(title or f"{what} “{timeline.label}” per {timeline.by}")
        ax.set_xlabel(f"{timeline.by} (bucket start)")
        ax.set_ylabel("% of all stories" if timeline.normalised else "stories")
        locator = mdates.AutoDateLocator(minticks=3, maxticks=12)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(bottom=0)
        fig.tight_layout()
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, format=suffix)
    finally:
        plt.close(fig)
    return out


def undated_warning(n: int, what: str) -> str:
    """What a timeline says about the matching stories it could not place."""
    one = n == 1
    return (f"{n:,} {what.replace('stories', 'story') if one else what} "
            f"{'has' if one else 'have'} no date and {'is' if one else 'are'} not counted")
