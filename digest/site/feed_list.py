"""Every feed the site publishes, named once: for the Feeds page, the OPML files and
each page's ``<link rel="alternate">``, so none of them can miss one."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from digest import paths
from digest.catalog.merge import Catalog
from digest.site import escape

if TYPE_CHECKING:
    from digest.site.plan import SiteInfo

FEEDS_OPML = "feeds.opml"
TOPICS_OPML = "topics.opml"


@dataclass(frozen=True)
class FeedEntry:
    group: str  # "digest", "topic", "watch", "period": its section of the Feeds page
    kind: str  # "digest", "picks", "recommended", "topic", "week", "month", "status"
    title: str  # as the feed's own <title> says (the Atom copy adds " (Atom)")
    description: str  # a line on the Feeds page and in the OPML files
    page: str
    rss: str
    atom: str | None = None
    channel: str = ""  # what the feed itself says it is (its <description>)
    slug: str | None = None  # a topic's or watch list's


def feed_directory(
    catalog: Catalog, site: SiteInfo, recommended: bool, rollup_kinds: list[str]
) -> list[FeedEntry]:
    name = site.name
    entries = [
        FeedEntry(
            "digest",
            "digest",
            name,
            "Every paper, each on its day",
            paths.HOME,
            paths.FEED_RSS,
            paths.FEED_ATOM,
            site.description or f"Papers of {name}",
        ),
        FeedEntry(
            "digest",
            "picks",
            f"{name}: editor's picks",
            "Papers of the day and of the week the editors picked",
            paths.HOME,
            paths.PICKS_FEED,
            paths.PICKS_FEED.replace(".xml", "-atom.xml"),
            f"Papers of the day and of the week picked by the editors of {name}",
        ),
    ]
    if recommended:
        entries.append(
            FeedEntry(
                "digest",
                "recommended",
                f"{name}: recommended",
                "Each day's papers closest to the group's library",
                paths.HOME,
                paths.RECOMMENDED_FEED,
                paths.RECOMMENDED_FEED.replace(".xml", "-atom.xml"),
                f"Each day's papers closest to the library of {name}",
            )
        )
    for kind in rollup_kinds:
        entries.append(
            FeedEntry(
                "period",
                kind,
                f"{name}: top papers of the {kind}",
                f"One item a {kind}, once the {kind} is over",
                paths.latest_rollup_url(kind),
                paths.rollup_feed(kind),
                channel=f"Every {kind}, once it is over, the papers of {name} not to miss",
            )
        )
    entries.append(
        FeedEntry(
            "period",
            "status",
            f"{name}: status",
            "When a source's fetch fails, and when it recovers",
            paths.STATUS,
            paths.STATUS_FEED,
            channel=f"When a source of {name} starts failing, and when it recovers",
        )
    )
    for topic in catalog.topics:
        entries.append(
            FeedEntry(
                "watch" if topic.watch else "topic",
                "topic",
                f"{name}: {topic.title}",
                topic.description or topic.title,
                paths.topic_url(topic.slug),
                paths.topic_feed(topic.slug, paths.FEED_RSS),
                paths.topic_feed(topic.slug, paths.FEED_ATOM),
                topic.description or topic.title,
                topic.slug,
            )
        )
    return entries


def opml(entries: list[FeedEntry], title: str, site: SiteInfo) -> bytes:
    """An OPML 2.0 subscription list: a feed reader imports every feed at once."""
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = escape.clean_text(title)
    body = ET.SubElement(root, "body")
    for entry in entries:
        ET.SubElement(
            body,
            "outline",
            {
                "type": "rss",
                "text": escape.clean_text(entry.title),
                "title": escape.clean_text(entry.title),
                "description": escape.clean_text(entry.description),
                "xmlUrl": urljoin(site.url, entry.rss),
                "htmlUrl": urljoin(site.url, entry.page),
            },
        )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
