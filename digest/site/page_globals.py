"""The names every page template can use: links, URLs of the site's pages and feeds,
and helpers (see templates/README.md for the list)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from digest import paths
from digest.config import Topic
from digest.model import Paper
from digest.site.feed_list import FEEDS_OPML, TOPICS_OPML
from digest.site.gist import gist, title_searches
from digest.site.plan import SitePlan
from digest.site.trends import chart as trend_chart

KIND_LABELS = {
    "cross": "cross-list",
    "replace": "replaced",
    "replace-cross": "replaced cross-list",
}


def listing_kind(paper: Paper, day: Any) -> str | None:
    """arXiv's announce type on ``day`` when it is not plain new (cross-list, replaced)."""
    kinds = {a.kind for a in paper.appearances if a.day == day and a.kind}
    if not kinds or "new" in kinds:
        return None
    return sorted(kinds)[0] if len(kinds) == 1 else "cross"


def base_globals(plan: SitePlan, page_url: str) -> dict[str, Any]:
    """Every global but the two that belong to one rendering (``raw_html``, ``card``)."""

    def link(url: str) -> str:
        return paths.relative(page_url, url)

    def trend(topics: list[Topic], chart_id: str) -> Markup:
        key = (tuple(t.slug for t in topics), chart_id)
        if key not in plan.charts:
            plan.charts[key] = trend_chart(plan.catalog, topics, chart_id)
        return plan.charts[key]

    anchor: Callable[[Paper], str] = lambda paper: plan.anchors[paper.key]  # noqa: E731
    return {
        "site": plan.site,
        "page_url": page_url,
        "link": link,
        "anchor": anchor,
        "id_anchor": paths.id_anchor,
        "paper_url": lambda paper: paths.paper_url(paper, plan.anchors[paper.key]),
        "paper_page": lambda paper: paths.paper_page_url(plan.anchors[paper.key]),
        "day_url": paths.day_url,
        "topic_url": paths.topic_url,
        "topic_feed": paths.topic_feed,
        "topic_of": plan.catalog.topic,
        "topics_url": paths.TOPICS,
        "archive_url": paths.ARCHIVE,
        "search_url": paths.SEARCH,
        "feed_url": paths.FEED_RSS,
        "status_url": paths.STATUS,
        "saved_url": paths.SAVED,
        "status_feed": paths.STATUS_FEED,
        "feeds_url": paths.FEEDS,
        "feeds_opml": FEEDS_OPML,
        "topics_opml": TOPICS_OPML,
        "picks_feed": paths.PICKS_FEED,
        "recommended_feed": paths.RECOMMENDED_FEED,
        "bibtex": lambda paper: plan.citations.entry(paper).strip(),
        "day_bib": paths.day_bib,
        "rollup_url": paths.rollup_url,
        "rollup_feed": paths.rollup_feed,
        "trend_chart": trend,
        "topic_bib": paths.topic_bib,
        "listing_kind": listing_kind,
        "related_to": plan.related_to,
        "gist": gist,
        "title_searches": title_searches,
        "kind_label": KIND_LABELS.get,
    }
