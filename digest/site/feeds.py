"""RSS 2.0 and Atom feeds, built from the catalog (never from the rendered pages).

Every date comes from the listings, so a rebuild of the same inputs gives the same bytes.
XML is built with ElementTree, which escapes text; characters XML cannot carry at all are
dropped first by ``escape.clean_text``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from digest import paths
from digest.catalog.merge import Catalog
from digest.model import Paper
from digest.site import escape
from digest.site.notes import note_html
from digest.site.plan import SiteInfo
from digest.site.rollups import Rollup
from digest.site.status import SourceStatus

ATOM_NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("atom", ATOM_NS)
# Dublin Core's creator: RSS 2.0's own <author> wants an e-mail address; arXiv's feeds
# name each author with dc:creator, and feed readers show it.
DC_NS = "http://purl.org/dc/elements/1.1/"
ET.register_namespace("dc", DC_NS)


@dataclass(frozen=True)
class Feed:
    """One feed's content: the RSS and Atom files are two spellings of it."""

    title: str
    description: str
    page_url: str
    rss_path: str
    atom_path: str
    papers: list[Paper]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)


def rfc822(day: dt.date) -> str:
    return email.utils.format_datetime(_midnight(day), usegmt=True)


def rfc3339(day: dt.date) -> str:
    return _midnight(day).isoformat().replace("+00:00", "Z")


def guid(paper: Paper) -> str:
    """Stable across builds: the versionless arXiv id, else the DOI, else the normalized
    title."""
    if paper.arxiv_id is not None:
        return f"arxiv:{paper.arxiv_id}"
    if paper.key.startswith("doi:"):
        return paper.key
    return "title:" + paths.slugify(paper.key.removeprefix("title:"), limit=10_000)


def recent(papers: list[Paper], days: int) -> list[Paper]:
    """The papers first listed on the ``days`` most recent days among them, newest first."""
    first_days = sorted({p.first_day for p in papers}, reverse=True)[:days]
    keep = set(first_days)

    def order(paper: Paper) -> tuple[int, int, str]:
        rank = min(a.rank for a in paper.appearances if a.day == paper.first_day)
        return (-paper.first_day.toordinal(), rank, paper.key)

    return sorted((p for p in papers if p.first_day in keep), key=order)


class FeedWriter:
    def __init__(
        self, catalog: Catalog, site: SiteInfo, anchors: dict[str, str], language: str
    ) -> None:
        self.catalog = catalog
        self.site = site
        self.anchors = anchors
        self.language = language

    def absolute(self, url: str) -> str:
        return urljoin(self.site.url, url)

    def feeds(
        self,
        days: int,
        max_items: int = 500,
        recommended: Mapping[dt.date, list[tuple[Paper, Any]]] | None = None,
    ) -> list[Feed]:
        """Every feed; each carries the papers of the last ``days`` listing days, at most
        ``max_items`` of them (the newest)."""
        feeds = self._feeds(days, recommended or {})
        return [replace(feed, papers=feed.papers[:max_items]) for feed in feeds]

    def _feeds(
        self, days: int, recommended: Mapping[dt.date, list[tuple[Paper, Any]]]
    ) -> list[Feed]:
        feeds = [
            Feed(
                title=self.site.name,
                description=self.site.description or f"Papers of {self.site.name}",
                page_url=paths.HOME,
                rss_path=paths.FEED_RSS,
                atom_path=paths.FEED_ATOM,
                papers=recent(list(self.catalog.papers), days),
            )
        ]
        picks = sorted(
            (p for p in self.catalog.papers if p.pick),
            key=lambda p: (-p.first_day.toordinal(), p.key),
        )
        feeds.append(
            Feed(
                title=f"{self.site.name}: editor's picks",
                description=f"Papers of the day and of the week picked by the editors of {self.site.name}",
                page_url=paths.HOME,
                rss_path=paths.PICKS_FEED,
                atom_path=paths.PICKS_FEED.replace(".xml", "-atom.xml"),
                papers=picks[:100],
            )
        )
        if recommended:
            latest = sorted(recommended, reverse=True)[:days]
            feeds.append(
                Feed(
                    title=f"{self.site.name}: recommended",
                    description=f"Each day's papers closest to the library of {self.site.name}",
                    page_url=paths.HOME,
                    rss_path=paths.RECOMMENDED_FEED,
                    atom_path=paths.RECOMMENDED_FEED.replace(".xml", "-atom.xml"),
                    papers=[paper for day in latest for paper, _ in recommended[day]],
                )
            )
        for topic in self.catalog.topics:
            feeds.append(
                Feed(
                    title=f"{self.site.name}: {topic.title}",
                    description=topic.description or topic.title,
                    page_url=paths.topic_url(topic.slug),
                    rss_path=paths.topic_feed(topic.slug, paths.FEED_RSS),
                    atom_path=paths.topic_feed(topic.slug, paths.FEED_ATOM),
                    papers=recent(self.catalog.in_topic(topic.slug), days),
                )
            )
        return feeds

    def _item_html(self, paper: Paper) -> str:
        parts = [str(note_html(note)) for note in paper.curator_notes]
        if paper.authors:
            parts.append(f"<p>{escape.text(', '.join(paper.authors))}</p>")
        if paper.abstract:
            parts.append(f"<p>{escape.rich_text(paper.abstract)}</p>")
        links = [
            f'<a href="{escape.text(url)}">{escape.text(label)}</a>'
            for label, url in paper.links.labelled()
            if escape.safe_url(url)
        ]
        if links:
            parts.append("<p>" + " · ".join(links) + "</p>")
        return "".join(parts)

    def _paper_link(self, paper: Paper) -> str:
        return self.absolute(paths.paper_url(paper, self.anchors[paper.key]))

    def _categories(self, paper: Paper) -> list[str]:
        return [self.catalog.topic(slug).title for slug in paper.topic_slugs]

    def fitted(self, feed: Feed, render: Callable[[Feed], bytes], max_bytes: int) -> bytes:
        """The feed rendered by ``render`` in at most ``max_bytes``: the oldest items
        left out until it fits (a feed with no items always fits)."""
        data = render(feed)
        while len(data) > max_bytes and feed.papers:
            share = max_bytes / len(data) * 0.97  # items are about the same size
            keep = min(len(feed.papers) - 1, int(len(feed.papers) * share))
            feed = replace(feed, papers=feed.papers[:keep])
            data = render(feed)
        return data

    def rss(self, feed: Feed) -> bytes:
        last = max((p.first_day for p in feed.papers), default=None)
        rss, channel = _channel(
            feed.title,
            self.absolute(feed.page_url),
            feed.description,
            self.language,
            self.absolute(feed.rss_path),
            last,
        )
        for paper in feed.papers:
            _item(
                channel,
                title=paper.title,
                link=self._paper_link(paper),
                description=self._item_html(paper),
                guid_text=guid(paper),
                day=paper.first_day,
                categories=self._categories(paper),
                creators=paper.authors,
            )
        return _serialize(rss)

    def atom(self, feed: Feed) -> bytes:
        # Plain names under a default namespace: feed readers expect <feed xmlns=...>, and
        # ElementTree cannot write unprefixed attributes with its default_namespace option.
        root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": self.language})
        _sub(root, "id", self.absolute(feed.atom_path))
        # Told apart from the RSS copy in a reader's list of subscriptions.
        _sub(root, "title", f"{feed.title} (Atom)")
        _sub(root, "subtitle", feed.description)
        # An empty feed (no pick this week) is as new as the digest's latest day, not 1970.
        newest = self.catalog.days()[:1]
        updated = max((p.first_day for p in feed.papers), default=newest[0] if newest else None)
        if updated is None:
            updated = dt.date(1970, 1, 1)  # a digest without a single listing
        _sub(root, "updated", rfc3339(updated))
        ET.SubElement(root, "link", {"rel": "self", "href": self.absolute(feed.atom_path)})
        ET.SubElement(root, "link", {"rel": "alternate", "href": self.absolute(feed.page_url)})
        author = ET.SubElement(root, "author")
        _sub(author, "name", self.site.name)
        _sub(root, "generator", "paper-digest")
        host = urlsplit(self.site.url).netloc or "localhost"
        for paper in feed.papers:
            entry = ET.SubElement(root, "entry")
            tag = f"tag:{host},{paper.first_day.year}:{quote(guid(paper), safe=':')}"
            _sub(entry, "id", tag)
            _sub(entry, "title", paper.title)
            ET.SubElement(entry, "link", {"rel": "alternate", "href": self._paper_link(paper)})
            _sub(entry, "published", rfc3339(paper.first_day))
            _sub(entry, "updated", rfc3339(paper.first_day))
            for name in paper.authors:
                person = ET.SubElement(entry, "author")
                _sub(person, "name", name)
            for category in self._categories(paper):
                ET.SubElement(entry, "category", {"term": escape.clean_text(category)})
            content = ET.SubElement(entry, "content", {"type": "html"})
            content.text = self._item_html(paper)
        return _serialize(root)


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = escape.clean_text(text)
    return element


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _channel(
    title: str, link: str, description: str, language: str, self_url: str, last: dt.date | None
) -> tuple[ET.Element, ET.Element]:
    """An RSS 2.0 document and its channel, with the elements every feed of ours carries."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", link)
    _sub(channel, "description", description)
    _sub(channel, "language", language)
    _sub(channel, "generator", "paper-digest")
    if last is not None:
        _sub(channel, "lastBuildDate", rfc822(last))
    ET.SubElement(
        channel,
        f"{{{ATOM_NS}}}link",
        {"href": self_url, "rel": "self", "type": "application/rss+xml"},
    )
    return rss, channel


def _item(
    channel: ET.Element,
    *,
    title: str,
    link: str,
    description: str,
    guid_text: str,
    day: dt.date,
    categories: list[str] | None = None,
    creators: tuple[str, ...] = (),
) -> None:
    item = ET.SubElement(channel, "item")
    _sub(item, "title", title)
    _sub(item, "link", link)
    _sub(item, "description", description)
    for name in creators:
        _sub(item, f"{{{DC_NS}}}creator", name)
    for category in categories or []:
        _sub(item, "category", category)
    ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = escape.clean_text(guid_text)
    _sub(item, "pubDate", rfc822(day))


def status_rss(statuses: list[SourceStatus], site: SiteInfo, language: str) -> bytes:
    """A feed of what needs a curator's eye: failed fetches, missing days, growing days."""
    problems = sorted(
        ((day, source.name) for source in statuses for day in source.days if day.is_problem),
        key=lambda item: (-item[0].day.toordinal(), item[1]),
    )
    rss, channel = _channel(
        f"{site.name}: status",
        urljoin(site.url, paths.STATUS),
        f"Fetch problems and missing days of {site.name}",
        language,
        urljoin(site.url, paths.STATUS_FEED),
        problems[0][0].day if problems else None,
    )
    for day, source in problems:
        _item(
            channel,
            title=f"{source}, {day.day.isoformat()}: {day.state}",
            link=urljoin(site.url, paths.STATUS) + "#" + source.replace("/", "-"),
            description=day.detail,
            guid_text=f"status:{source}:{day.day.isoformat()}:{day.state}",
            day=day.day,
        )
    return _serialize(rss)


def rollup_rss(periods: list[Rollup], kind: str, site: SiteInfo, language: str) -> bytes:
    """One item per week (or month): its top papers, linked to the period's page."""
    latest_url = urljoin(site.url, paths.rollup_url(kind, periods[0].slug)) if periods else site.url
    last = max((p.first_day for p in periods[0].papers), default=None) if periods else None
    rss, channel = _channel(
        f"{site.name}: top papers of the {kind}",
        latest_url,
        f"Every {kind}, the papers of {site.name} not to miss",
        language,
        urljoin(site.url, paths.rollup_feed(kind)),
        last,
    )
    for rollup in periods[:12]:
        label = rollup.start.isoformat() if kind == "week" else rollup.start.strftime("%B %Y")
        listed = "".join(f"<li>{escape.text(p.title)}</li>" for p in rollup.papers)
        _item(
            channel,
            title=f"Top papers of the week of {label}"
            if kind == "week"
            else f"Top papers of {label}",
            link=urljoin(site.url, paths.rollup_url(kind, rollup.slug)),
            description=f"<ol>{listed}</ol>",
            guid_text=f"top:{kind}:{rollup.slug}",
            day=max(p.first_day for p in rollup.papers),
        )
    return _serialize(rss)
