"""Weekly and monthly "top papers": picks and pins first, then by Hugging Face upvotes
where known, then by how early the listing named them. Each period gets a page, and each
kind a feed whose items are the periods, for readers who want one digest a week."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from digest import paths
from digest.catalog.merge import Catalog
from digest.model import Paper

TOP_OF_WEEK = 20
TOP_OF_MONTH = 30


@dataclass(frozen=True)
class Rollup:
    kind: str  # "week" or "month"
    start: dt.date
    papers: list[Paper]

    @property
    def slug(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.strftime("%Y-%m")


def period_end(rollup: Rollup) -> dt.date:
    """The period's last day: the Sunday of its week, the last day of its month."""
    if rollup.kind == "week":
        return rollup.start + dt.timedelta(days=6)
    following = (rollup.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _rank(paper: Paper) -> tuple[int, int, int, int, str]:
    first = min(a.rank for a in paper.appearances if a.day == paper.first_day)
    return (
        0 if paper.pick else 1,
        0 if paper.pinned else 1,
        -(paper.upvotes if paper.upvotes is not None else -1),
        first,
        paper.key,
    )


def _start(day: dt.date, kind: str) -> dt.date:
    return paths.week_start(day) if kind == "week" else day.replace(day=1)


def rollups(catalog: Catalog, kind: str) -> list[Rollup]:
    """Every period with papers, newest first; a paper counts in the period it first appeared."""
    groups: dict[dt.date, list[Paper]] = defaultdict(list)
    for paper in catalog.papers:
        if not paper.topic_slugs or all(catalog.topic(s).watch for s in paper.topic_slugs):
            continue
        groups[_start(paper.first_day, kind)].append(paper)
    top = TOP_OF_WEEK if kind == "week" else TOP_OF_MONTH
    return [
        Rollup(kind, start, sorted(groups[start], key=_rank)[:top])
        for start in sorted(groups, reverse=True)
    ]
