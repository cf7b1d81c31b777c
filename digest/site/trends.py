"""Papers per topic over time, drawn at build time as SVG: no JavaScript, colours from the
theme (so light and dark both read), and the numbers as text for screen readers and for
anyone who prefers them."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup

from digest import paths
from digest.catalog.merge import Catalog
from digest.config import Topic
from digest.model import Paper

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 170, 34, 22, 8
SERIES_SHOWN = 6
# The chart shows the recent trend: two years of months, or half a year of weeks.
MONTHS_SHOWN = 24
WEEKS_SHOWN = 26


@dataclass(frozen=True)
class Series:
    label: str
    counts: list[int]


def _period(day: dt.date, weekly: bool) -> dt.date:
    return paths.week_start(day) if weekly else day.replace(day=1)


def periods(catalog: Catalog) -> tuple[list[dt.date], bool]:
    """Every week (for an archive under three months) or month, oldest first."""
    days = catalog.days()
    if not days:
        return [], False
    first, last = days[-1], days[0]
    weekly = (last - first).days < 90
    start, end = _period(first, weekly), _period(last, weekly)
    found = []
    current = start
    while current <= end:
        found.append(current)
        if weekly:
            current += dt.timedelta(days=7)
        else:
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return found[-(WEEKS_SHOWN if weekly else MONTHS_SHOWN) :], weekly


def _counts(papers: list[Paper], buckets: list[dt.date], weekly: bool) -> list[int]:
    tally = Counter(_period(p.first_day, weekly) for p in papers)
    return [tally.get(b, 0) for b in buckets]


def _label(period: dt.date, weekly: bool) -> str:
    return period.isoformat() if weekly else period.strftime("%Y-%m")


def chart(catalog: Catalog, topics: list[Topic], chart_id: str) -> Markup:
    """One line per topic (at most six, the largest), or bars for a single topic."""
    buckets, weekly = periods(catalog)
    if len(buckets) < 2:
        return Markup("")  # one week of papers has no trend to show
    series = [Series(t.title, _counts(catalog.in_topic(t.slug), buckets, weekly)) for t in topics]
    series = sorted(series, key=lambda s: -sum(s.counts))[:SERIES_SHOWN]
    peak = max((max(s.counts) for s in series if s.counts), default=0) or 1
    span = "week" if weekly else "month"
    title = f"Papers per {span}" + (f": {series[0].label}" if len(series) == 1 else ", by topic")
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(buckets), 1)

    def x(index: int) -> float:
        return LEFT + step * (index + 0.5)

    def y(count: int) -> float:
        return TOP + plot_h * (1 - count / peak)

    parts = [
        f'<svg class="pd-trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{html.escape(title)}</title>',
        f'<desc id="{chart_id}-d">{html.escape(_describe(series, buckets, weekly))}</desc>',
        f'<line class="pd-trend__axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}"/>',
        f'<text class="pd-trend__tick" x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{peak}</text>',
        f'<text class="pd-trend__tick" x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">0</text>',
    ]
    every = max(1, len(buckets) // 8)
    for index, bucket in enumerate(buckets):
        if index % every == 0:
            parts.append(
                f'<text class="pd-trend__tick" x="{x(index):.1f}" y="{HEIGHT - 6}" text-anchor="middle">{_label(bucket, weekly)}</text>'
            )
    if len(series) == 1:
        bar = max(step * 0.7, 1)
        for index, count in enumerate(series[0].counts):
            parts.append(
                f'<rect class="pd-trend__bar" x="{x(index) - bar / 2:.1f}" y="{y(count):.1f}" width="{bar:.1f}" height="{TOP + plot_h - y(count):.1f}"/>'
            )
    else:
        for number, item in enumerate(series):
            points = " ".join(f"{x(i):.1f},{y(c):.1f}" for i, c in enumerate(item.counts))
            parts.append(
                f'<polyline class="pd-trend__line pd-trend__line--{number}" points="{points}"/>'
            )
            if len(buckets) == 1:
                parts.append(
                    f'<circle class="pd-trend__dot pd-trend__line--{number}" cx="{x(0):.1f}" cy="{y(item.counts[0]):.1f}" r="3"/>'
                )
    parts.append("</svg>")
    legend = ""
    if len(series) > 1:
        legend = (
            '<ul class="pd-trend__legend">'
            + "".join(
                f'<li><span class="pd-trend__key pd-trend__line--{n}"></span>{html.escape(s.label)}</li>'
                for n, s in enumerate(series)
            )
            + "</ul>"
        )
    # Focusable: on a phone the figure scrolls sideways, and the keyboard must reach it.
    return Markup(f'<figure class="pd-trend-figure" tabindex="0">{"".join(parts)}{legend}</figure>')


def _describe(series: list[Series], buckets: list[dt.date], weekly: bool) -> str:
    return "; ".join(
        f"{s.label}: "
        + ", ".join(f"{_label(b, weekly)} {c}" for b, c in zip(buckets, s.counts, strict=True))
        for s in series
    )
