"""What ``digest send`` says about a day, once, for every channel: the editor's picks with
their notes, the papers recommended for the group with why, the day's topic counts, then
the day's papers; every link absolute to the site. The e-mail and each chat service
render this in their own form (``mail``, ``chat``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin

from digest import paths
from digest.catalog.merge import Catalog
from digest.catalog.relevance import Relevance
from digest.model import Paper
from digest.site.gist import gist

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

    @property
    def long_day(self) -> str:
        return f"{self.day:%B} {self.day.day}, {self.day.year}"


def _authors(paper: Paper) -> str:
    names = list(paper.authors[:3])
    return ", ".join(names) + (" et al." if len(paper.authors) > 3 else "")


def _why(reason: Relevance) -> str:
    said = f"for {reason.interest}" if reason.interest else "close to the library"
    if reason.closest:
        said += f"; close to {reason.closest[0].title}"
    if reason.terms:
        said += f"; both about {', '.join(reason.terms)}"
    return said


def day_message(
    catalog: Catalog,
    day: dt.date,
    recommended: list[tuple[Paper, Relevance]],
    site: str,
    site_url: str,
) -> DayMessage:
    anchors = paths.assign_anchors(catalog.papers)
    base = site_url if site_url.endswith("/") else site_url + "/"

    def line(paper: Paper, why: str = "") -> PaperLine:
        return PaperLine(
            title=" ".join(paper.title.split()),
            url=urljoin(base, paths.paper_page_url(anchors[paper.key])),
            authors=_authors(paper),
            gist=gist(paper),
            # The editor's Markdown as plain words: every channel escapes text its own way.
            note=" ".join(_EMPHASIS.sub("", " ".join(paper.curator_notes)).split()),
            why=why,
        )

    papers = catalog.on_day(day)
    picks = [p for p in papers if p.pick]
    tally = Counter(slug for paper in papers for slug in paper.topic_slugs)
    titles = {topic.slug: topic.title for topic in catalog.topics}
    return DayMessage(
        site=site,
        site_url=base,
        day=day,
        day_url=urljoin(base, paths.day_url(day)),
        picks=tuple(line(p) for p in picks),
        recommended=tuple(line(p, _why(reason)) for p, reason in recommended),
        counts=tuple(
            (titles[slug], count) for slug, count in tally.most_common() if slug in titles
        ),
        papers=tuple(line(p) for p in papers),
    )
