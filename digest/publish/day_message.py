"""What ``digest send`` says about a day, once, for every channel: the editor's picks with
their notes, the papers recommended for the group with why, the day's topic counts, then
the day's papers; every link absolute to the site. The e-mail and each chat service
render this in their own form (``mail``, ``chat``).

A week's message (``week_message``) has the same parts over the week, its papers being
the week's top papers of the site's weekly page (``rollups``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from digest import paths
from digest.catalog.merge import Catalog
from digest.catalog.relevance import Relevance
from digest.model import Paper
from digest.site.gist import gist
from digest.site.rollups import Rollup, period_end, rollups

WEEK_RECOMMENDED = 10  # a week's recommendations: its closest ones, over all its days

_EMPHASIS = re.compile(r"(?<!\w)[*_`]+|[*_`]+(?!\w)")


@dataclass(frozen=True)
class PaperLine:
    title: str
    url: str  # the paper's own page on the site
    authors: str
    gist: str
    note: str = ""  # the editor's note, plain text
    why: str = ""  # why it is recommended


@dataclass(frozen=True)
class DayMessage:
    site: str
    site_url: str
    day: dt.date
    day_url: str
    picks: tuple[PaperLine, ...]
    recommended: tuple[PaperLine, ...]
    counts: tuple[tuple[str, int], ...]
    papers: tuple[PaperLine, ...]
    week: bool = False  # a week's message: ``day`` is its Monday, ``papers`` its top ones
    total: int = -1  # papers of the day or week (a week's message lists its top ones)

    @property
    def long_day(self) -> str:
        said = f"{self.day:%B} {self.day.day}, {self.day.year}"
        return f"the week of {said}" if self.week else said

    @property
    def label(self) -> str:
        """The day or week it is about, as the ledger and the browser copy name it."""
        if self.week:
            year, week, _ = self.day.isocalendar()
            return f"{year}-W{week:02d}"
        return self.day.isoformat()

    @property
    def view_url(self) -> str:
        """The same e-mail on the site, for a mail client that shows it badly."""
        return urljoin(self.site_url, paths.email_page(self.label))

    @property
    def count(self) -> int:
        return self.total if self.total >= 0 else len(self.papers)


def _authors(paper: Paper) -> str:
    names = list(paper.authors[:3])
    return ", ".join(names) + (" et al." if len(paper.authors) > 3 else "")


class MessageWriter:
    """Day and week messages of one catalog; its papers' anchors are found once."""

    def __init__(
        self,
        catalog: Catalog,
        recommended: Mapping[dt.date, list[tuple[Paper, Relevance]]],
        site: str,
        site_url: str,
        anchors: Mapping[str, str] | None = None,
        weeks: list[Rollup] | None = None,
    ) -> None:
        self.catalog = catalog
        self._weeks = weeks
        self.recommended = recommended
        self.site = site
        self.base = site_url if site_url.endswith("/") else site_url + "/"
        self.anchors = anchors if anchors is not None else paths.assign_anchors(catalog.papers)

    @property
    def weeks(self) -> list[Rollup]:
        """The catalog's weeks with their top papers, newest first (the site's weekly
        pages: the build has them already)."""
        if self._weeks is None:
            self._weeks = rollups(self.catalog, "week")
        return self._weeks

    def _line(self, paper: Paper, why: str = "") -> PaperLine:
        return PaperLine(
            title=" ".join(paper.title.split()),
            url=urljoin(self.base, paths.paper_page_url(self.anchors[paper.key])),
            authors=_authors(paper),
            gist=gist(paper),
            # The editor's Markdown as plain words: every channel escapes text its own way.
            note=" ".join(_EMPHASIS.sub("", " ".join(paper.curator_notes)).split()),
            why=why,
        )

    def _counts(self, papers: Iterable[Paper]) -> tuple[tuple[str, int], ...]:
        tally = Counter(slug for paper in papers for slug in paper.topic_slugs)
        titles = {topic.slug: topic.title for topic in self.catalog.topics}
        return tuple((titles[slug], n) for slug, n in tally.most_common() if slug in titles)

    def day(self, day: dt.date) -> DayMessage:
        papers = self.catalog.on_day(day)
        return DayMessage(
            site=self.site,
            site_url=self.base,
            day=day,
            day_url=urljoin(self.base, paths.day_url(day)),
            picks=tuple(self._line(p) for p in papers if p.pick),
            recommended=tuple(
                self._line(p, reason.said()) for p, reason in self.recommended.get(day, [])
            ),
            counts=self._counts(papers),
            papers=tuple(self._line(p) for p in papers),
        )

    def week(self, week: Rollup) -> DayMessage:
        """The week of ``week`` (the site's weekly page): the week's picks, its best
        recommendations, its topic counts and its top papers."""
        days = [d for d in self.catalog.days() if week.start <= d <= period_end(week)]
        papers = [p for d in days for p in self.catalog.on_day(d) if p.first_day == d]
        liked = sorted(
            (pair for d in days for pair in self.recommended.get(d, [])),
            key=lambda pair: (-pair[1].score, pair[0].key),
        )[:WEEK_RECOMMENDED]
        return DayMessage(
            site=self.site,
            site_url=self.base,
            day=week.start,
            day_url=urljoin(self.base, paths.rollup_url("week", week.slug)),
            picks=tuple(self._line(p) for p in papers if p.pick),
            recommended=tuple(self._line(p, reason.said()) for p, reason in liked),
            counts=self._counts(papers),
            papers=tuple(self._line(p) for p in week.papers),
            week=True,
            total=len(papers),
        )
