"""The site plan: which pages exist and what each one shows, decided once from the
catalog and never changed after. Feeds, search and the .bib files read the same plan
(anchors, citation keys, roll-ups, source statuses), so they always agree with the pages.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from typing import Any

from digest import paths
from digest.catalog.merge import Catalog
from digest.catalog.relevance import Relevance
from digest.catalog.sift import REASONS, Listed
from digest.config import Topic
from digest.model import Paper
from digest.site.bibtex import Citations
from digest.site.feed_list import FeedEntry, feed_directory
from digest.site.rollups import Rollup, period_end, rollups
from digest.site.status import WINDOW_DAYS, SourceStatus


@dataclass(frozen=True)
class SiteInfo:
    name: str
    url: str
    description: str
    copyright: str = ""  # mkdocs.yml's copyright, for the feeds
    image: str | None = None  # the site's logo or favicon, relative to the site
    favicon: str = "assets/images/favicon.png"  # Material's own unless the theme names one


@dataclass(frozen=True)
class Page:
    url: str
    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class Earlier:
    """The papers first listed before the years the site holds (``archive:``)."""

    first_day: dt.date  # the first day the site shows
    papers: int
    url: str | None  # where the earlier years are published


@dataclass(frozen=True)
class SitePlan:
    """Everything about the site that follows from the catalog, the site's identity and
    the sources' statuses. Built with ``SitePlan.of``."""

    catalog: Catalog
    site: SiteInfo
    statuses: tuple[SourceStatus, ...]
    anchors: Mapping[str, str]
    citations: Citations
    rollups: Mapping[str, list[Rollup]]
    days: tuple[dt.date, ...]
    # Each day's best new papers for the group, with why (``catalog.relevance``).
    recommended: Mapping[dt.date, list[tuple[Paper, Relevance]]] = field(default_factory=dict)
    # Each paper's related earlier papers, by key (``catalog.related``).
    related: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # What the digest's filters left out (``catalog.sift``): the papers over each day's
    # cap that are listed by title, and per day the count left out by each rule.
    beyond_cap: Mapping[dt.date, list[Listed]] = field(default_factory=dict)
    left_out: Mapping[dt.date, Counter[str]] = field(default_factory=dict)
    # The papers before the years the site holds (``archive:``), if any were left out.
    earlier: Earlier | None = None
    # Trend charts drawn once and shown on a topic's page and each of its months.
    charts: dict[tuple[tuple[str, ...], str], Any] = field(default_factory=dict, compare=False)

    @classmethod
    def of(
        cls,
        catalog: Catalog,
        site: SiteInfo,
        statuses: list[SourceStatus] | None = None,
        recommended: Mapping[dt.date, list[tuple[Paper, Relevance]]] | None = None,
        *,
        related: Mapping[str, tuple[str, ...]] | None = None,
        beyond_cap: Mapping[dt.date, list[Listed]] | None = None,
        left_out: Mapping[dt.date, Counter[str]] | None = None,
        earlier: Earlier | None = None,
    ) -> SitePlan:
        return cls(
            catalog=catalog,
            site=site,
            statuses=tuple(statuses or ()),
            anchors=paths.assign_anchors(catalog.papers),
            citations=Citations(catalog, site.name),
            rollups={kind: rollups(catalog, kind) for kind in ("week", "month")},
            days=tuple(catalog.days()),
            recommended=dict(recommended or {}),
            related=dict(related or {}),
            beyond_cap=dict(beyond_cap or {}),
            left_out=dict(left_out or {}),
            earlier=earlier,
        )

    @cached_property
    def by_key(self) -> dict[str, Paper]:
        return {paper.key: paper for paper in self.catalog.papers}

    def related_to(self, paper: Paper) -> list[Paper]:
        """The paper's related earlier papers, best first."""
        return [self.by_key[key] for key in self.related.get(paper.key, ()) if key in self.by_key]

    def left_out_totals(self) -> list[tuple[str, int, int]]:
        """(rule, papers left out on the latest day, in all) for each rule that left any."""
        latest = self.days[0] if self.days else None
        total: Counter[str] = Counter()
        for counts in self.left_out.values():
            total.update(counts)
        on_latest = self.left_out.get(latest, Counter()) if latest else Counter()
        return [(REASONS[r], on_latest[r], total[r]) for r in REASONS if total[r]]

    def _counts(self, papers: list[Paper]) -> list[tuple[Topic, int]]:
        tally = Counter(slug for paper in papers for slug in paper.topic_slugs)
        return [(t, tally[t.slug]) for t in self.catalog.topics if tally[t.slug]]

    def pages(self) -> Iterator[Page]:
        latest = self.days[0] if self.days else None
        latest_papers = self.catalog.on_day(latest) if latest else []
        yield Page(
            paths.HOME,
            "pages/home.md.j2",
            {
                "day": latest,
                "papers": latest_papers,
                "counts": self._counts(latest_papers),
                "picks": self.current_picks(),
                "recommended": self.recommended.get(latest) if latest else None,
                "fetch_zone": self.fetch_zone(),
                "topics_for_trend": [t for t in self.catalog.topics if not t.watch],
            },
        )
        for index, day in enumerate(self.days):
            papers = self.catalog.on_day(day)
            yield Page(
                paths.day_url(day),
                "pages/day.md.j2",
                {
                    "day": day,
                    "papers": papers,
                    "counts": self._counts(papers),
                    "recommended": self.recommended.get(day),
                    # Titles and links only: these papers have no card on the site.
                    "beyond_cap": self.beyond_cap.get(day, []),
                    "left_out": [
                        (REASONS[r], n)
                        for r, n in sorted(self.left_out.get(day, Counter()).items())
                    ],
                    "newer": self.days[index - 1] if index > 0 else None,
                    "older": self.days[index + 1] if index + 1 < len(self.days) else None,
                },
            )
        for topic in self.catalog.topics:
            yield from self._topic_pages(topic)
        yield Page(
            paths.TOPICS, "pages/topics.md.j2", {"counts": self._counts(list(self.catalog.papers))}
        )
        months = [
            (month, [(day, len(self.catalog.on_day(day))) for day in group])
            for month, group in groupby(self.days, key=lambda d: d.replace(day=1))
        ]
        yield Page(
            paths.ARCHIVE, "pages/archive.md.j2", {"months": months, "earlier": self.earlier}
        )
        yield Page(
            paths.SEARCH,
            "pages/search.md.j2",
            {
                "total": len(self.catalog.papers),
                "topics": [t for t in self.catalog.topics if self.catalog.in_topic(t.slug)],
                "months": sorted({d.replace(day=1) for d in self.days}, reverse=True),
            },
        )
        yield Page(paths.SAVED, "pages/saved.md.j2", {})
        yield Page(
            paths.FEEDS,
            "pages/feeds.md.j2",
            {"feeds": self.feed_directory(), "has_recommended": bool(self.recommended)},
        )
        for kind in ("week", "month"):
            periods = self.rollups[kind]
            for index, rollup in enumerate(periods):
                context = {
                    "rollup": rollup,
                    # Over once a later day is listed: the feed's item appears then.
                    "ended": bool(self.days) and period_end(rollup) < self.days[0],
                    "newer": periods[index - 1] if index > 0 else None,
                    "older": periods[index + 1] if index + 1 < len(periods) else None,
                }
                if index == 0:
                    yield Page(paths.latest_rollup_url(kind), "pages/rollup.md.j2", context)
                yield Page(paths.rollup_url(kind, rollup.slug), "pages/rollup.md.j2", context)
        yield Page(
            paths.STATUS,
            "pages/status.md.j2",
            {
                "sources": self.statuses,
                "window": WINDOW_DAYS,
                "left_out": self.left_out_totals(),
                "latest": self.days[0] if self.days else None,
            },
        )

    def feed_directory(self) -> list[FeedEntry]:
        return feed_directory(
            self.catalog,
            self.site,
            bool(self.recommended),
            [k for k, v in self.rollups.items() if v],
        )

    def fetch_zone(self) -> str | None:
        """The time zone the fetched sources publish their days in (arXiv announces in
        US Eastern time, Hugging Face's days are UTC); None when nothing is fetched, so
        a hand-kept digest never says its papers are late."""
        if not self.statuses:
            return None
        if any(s.name.startswith("arxiv") for s in self.statuses):
            return "America/New_York"
        return "UTC"

    def current_picks(self) -> list[Paper]:
        """Papers of the day listed on the latest day, and papers of the week of its week."""
        if not self.days:
            return []
        latest = self.days[0]
        week = {latest - dt.timedelta(days=n) for n in range(7)}
        picks = [
            p
            for p in self.catalog.papers
            if (p.pick == "day" and latest in p.days())
            or (p.pick == "week" and week & set(p.days()))
        ]
        return sorted(picks, key=lambda p: (p.pick != "day", -p.first_day.toordinal(), p.key))

    def _topic_pages(self, topic: Topic) -> Iterator[Page]:
        """A page per month of the topic, and the topic's own page showing the latest month.

        Months keep pages small however large the archive grows; a month's URL never moves.
        """
        papers = self.catalog.in_topic(topic.slug)
        by_month = [
            (month, list(group))
            for month, group in groupby(papers, key=lambda p: p.last_day.replace(day=1))
        ]
        months = [(month, len(group)) for month, group in by_month]
        if not by_month:
            by_month = [(None, [])]
        for index, (month, month_papers) in enumerate(by_month):
            by_day = [
                (day, list(group)) for day, group in groupby(month_papers, key=lambda p: p.last_day)
            ]
            if index == 0:
                yield Page(
                    paths.topic_url(topic.slug),
                    "pages/topic.md.j2",
                    {
                        "topic": topic,
                        "total": len(papers),
                        "month": month,
                        "months": months,
                        "papers": month_papers,
                        "by_day": by_day,
                    },
                )
            if month is not None:
                # Given no totals, counts or list of months, only its neighbours: those
                # change every day or month, and the pages of all past months would have to
                # be rendered again with them (a new month re-rendered every month's page,
                # and every card on them: 3 CPU s on the two-year archive).
                yield Page(
                    paths.topic_url(topic.slug, month),
                    "pages/topic_month.md.j2",
                    {
                        "topic": topic,
                        "month": month,
                        "newer": months[index - 1][0] if index > 0 else None,
                        "older": months[index + 1][0] if index + 1 < len(months) else None,
                        "papers": month_papers,
                        "by_day": by_day,
                    },
                )
