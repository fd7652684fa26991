"""Server-rendered charts: inline SVG bar charts with labelled axes, no JavaScript.

Every bar carries a ``<title>`` (a tooltip and what a screen reader says) and may link to a
search restricted to its period.  Colours and fonts come from the stylesheet through classes,
so the Content-Security-Policy needs no inline styles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup, escape

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top`` (1, 2, 2.5 or 5 × a power of ten apart)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if top >= 1 and step < 1:
        step = 1.0
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 6) for i in range(n + 1)]


def _fmt(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _period_label(start: str, by: str) -> str:
    if by == "month" and len(start) >= 7:
        return f"{MONTHS[int(start[5:7]) - 1]} {start[:4]}"
    if by == "year":
        return start[:4]
    return start


def _x_labels(starts: Sequence[str], by: str, max_labels: int) -> list[tuple[int, str]]:
    """Which bars get a label on the x axis, and the label."""
    n = len(starts)
    if n == 0:
        return []
    if by == "month":
        if n <= max_labels:
            return [(i, MONTHS[int(s[5:7]) - 1] if i and s[5:7] != "01" else
                     f"{MONTHS[int(s[5:7]) - 1]} {s[:4]}") for i, s in enumerate(starts)]
        years = [(i, s[:4]) for i, s in enumerate(starts) if i == 0 or s[5:7] == "01"]
        step = max(1, math.ceil(len(years) / max_labels))
        return years[::step]
    if by == "year":
        step = max(1, math.ceil(n / max_labels))
        return [(i, s[:4]) for i, s in enumerate(starts)][::step]
    step = max(1, math.ceil(n / max_labels))
    return [(i, s) for i, s in enumerate(starts)][::step]


def bar_chart(
    points: Sequence[dict[str, Any]],
    *,
    title: str,
    y_label: str = "stories",
    x_label: str = "month",
    by: str = "month",
    link: Callable[[str], str | None] | None = None,
    width: int = 760,
    height: int = 240,
) -> Markup:
    """An SVG bar chart of ``[{"start": "2018-11-01", "count": 3}, …]`` with labelled axes."""
    left, right, top, bottom = 56, 12, 14, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    starts = [str(p["start"]) for p in points]
    values = [float(p["count"]) for p in points]
    label = escape(title)
    out: list[str] = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{label}</title>",
    ]
    if not points:
        out.append(f'<text class="chart-empty" x="{width / 2}" y="{height / 2}" '
                   'text-anchor="middle">no dated stories to chart</text></svg>')
        return Markup("".join(out))  # noqa: S704 (every text above is escaped)
    ticks = nice_ticks(max(values))
    ymax = ticks[-1] or 1.0

    def y(v: float) -> float:
        return top + plot_h - v / ymax * plot_h

    # grid lines and y tick labels
    for t in ticks:
        yy = y(t)
        out.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{yy:.1f}" '
                   f'y2="{yy:.1f}"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{yy + 4:.1f}" '
                   f'text-anchor="end">{_fmt(t)}</text>')
    # bars
    slot = plot_w / len(points)
    gap = min(2.0, slot * 0.2) if slot > 3 else 0.0
    for i, (start, value) in enumerate(zip(starts, values, strict=True)):
        x = left + i * slot + gap / 2
        yy = y(value)
        h = top + plot_h - yy
        tip = escape(f"{_period_label(start, by)}: {_fmt(value)} {y_label}")
        rect = (f'<rect class="bar" x="{x:.2f}" y="{yy:.2f}" width="{max(slot - gap, 0.5):.2f}" '
                f'height="{max(h, 0):.2f}"><title>{tip}</title></rect>')
        href = link(start) if link and value else None
        if href:
            rect = f'<a href="{escape(href)}">{rect}</a>'
        out.append(rect)
    # axes
    base = top + plot_h
    out.append(f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{base}" y2="{base}"/>')
    out.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{base}"/>')
    max_labels = max(2, int(plot_w // 58))
    for i, text in _x_labels(starts, by, max_labels):
        cx = left + (i + 0.5) * slot if by != "month" or len(points) <= max_labels \
            else left + i * slot
        out.append(f'<line class="axis" x1="{cx:.1f}" x2="{cx:.1f}" y1="{base}" '
                   f'y2="{base + 4}"/>')
        out.append(f'<text class="tick" x="{cx:.1f}" y="{base + 17}" '
                   f'text-anchor="middle">{escape(text)}</text>')
    # axis titles
    out.append(f'<text class="axis-title" x="{left + plot_w / 2}" y="{height - 8}" '
               f'text-anchor="middle">{escape(x_label)}</text>')
    out.append(f'<text class="axis-title" transform="translate(14 {top + plot_h / 2}) '
               f'rotate(-90)" text-anchor="middle">{escape(y_label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 (every text above is escaped)
