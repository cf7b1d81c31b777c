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
from zoneinfo import ZoneInfo

from digest import paths
from digest.catalog.merge import Catalog
from digest.model import Paper
from digest.site import escape
from digest.site.notes import note_html
from digest.site.plan import SiteInfo
from digest.site.rollups import Rollup, period_end
from digest.site.status import SourceStatus

ATOM_NS = "http://www.w3.org/2005/Atom"
TTL_MINUTES = 24 * 60
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
    dated_by_pick: bool = False  # picks.xml: each item at its pick's date

ARXIV_ANNOUNCES = (dt.time(20, 0), ZoneInfo("America/New_York"))


def _moment(day: dt.date, zone: str = "UTC") -> dt.datetime:
    """A listing day as one instant: noon in the digest's zone (``feeds.time_zone``),
    which is that same day for readers from UTC-11 to UTC+11 (midnight UTC was the
    previous evening for everyone west of Greenwich)."""
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def announced(paper: Paper, zone: str = "UTC", position: int = 0) -> dt.datetime:
    """When the paper's first listing came out: arXiv announces a day's listing at
    20:00 US Eastern the evening before (Sunday to Thursday); other sources at noon of
    their day (``_moment``). ``position``, the paper's place in its day, takes that many
    seconds off: no two entries share a date (Atom readers order by it, and the W3C
    validator warns of equal ones), and a reader sorting by date sees the day's order."""
    first = min(paper.appearances, key=lambda a: (a.day, a.source, a.origin.file))
    if first.source == "arxiv":
        at, eastern = ARXIV_ANNOUNCES
        evening = dt.datetime.combine(first.day - dt.timedelta(days=1), at, tzinfo=eastern)
        moment = evening.astimezone(dt.UTC)
    else:
        moment = _moment(first.day, zone)
    return moment - dt.timedelta(seconds=position)


def rfc822(day: dt.date | dt.datetime) -> str:
    moment = day if isinstance(day, dt.datetime) else _moment(day)
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def rfc3339(day: dt.date | dt.datetime) -> str:
    moment = day if isinstance(day, dt.datetime) else _moment(day)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def guid(paper: Paper) -> str:
    """Stable across builds and fixed by the paper's first sighting (``Paper.identity``):
    the versionless arXiv id, else the DOI, else the normalized title; a paper first
    pasted without an id keeps its title guid when the id arrives, so it is not new again."""
    identity = paper.identity
    if identity.startswith(("arxiv:", "doi:")):
        return identity
    return "title:" + paths.slugify(identity.removeprefix("title:"), limit=10_000)


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
        self,
        catalog: Catalog,
        site: SiteInfo,
        anchors: dict[str, str],
        language: str,
        id_authority: str | None = None,
        zone: str = "UTC",
    ) -> None:
        self.catalog = catalog
        self.site = site
        self.anchors = anchors
        self.language = language
        # Atom ids are tag: URIs minted by this authority; fixed in digest.yml, they
        # survive a new site_url (the host of site_url otherwise, as before).
        self.authority = id_authority or urlsplit(site.url).netloc or "localhost"
        self.zone = zone
        self.positions: dict[str, int] = {}
        self.pick_order: dict[str, int] = {}

    def dated(self, paper: Paper, by_pick: bool = False) -> dt.datetime:
        """The paper's date in every feed: its announcement, less its place in the day;
        in the picks feed, the day it was picked (when curation.yml says)."""
        if by_pick and paper.picked is not None:
            return _moment(paper.picked, self.zone) - dt.timedelta(seconds=self.pick_order.get(paper.key, 0))
        if paper.key not in self.positions:
            # Its place among the papers first listed that day (a paper seen again on a
            # later day keeps its first day's place).
            firsts = [p for p in self.catalog.on_day(paper.first_day) if p.first_day == paper.first_day]
            for index, other in enumerate(firsts):
                self.positions[other.key] = index
        return announced(paper, self.zone, self.positions.get(paper.key, 0))

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
        # A pick is dated by when it was picked (curation.yml's ``picked``), so an old
        # paper picked today is today's news in a reader sorting by date.
        picks = sorted(
            (p for p in self.catalog.papers if p.pick),
            key=lambda p: (-(p.picked or p.first_day).toordinal(), p.key),
        )
        self.pick_order = {paper.key: index for index, paper in enumerate(picks)}
        feeds.append(
            Feed(
                title=f"{self.site.name}: editor's picks",
                description=f"Papers of the day and of the week picked by the editors of {self.site.name}",
                page_url=paths.HOME,
                rss_path=paths.PICKS_FEED,
                atom_path=paths.PICKS_FEED.replace(".xml", "-atom.xml"),
                papers=picks[:100],
                dated_by_pick=True,
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
        # The editor's words, said to be theirs: in a feed reader a note would otherwise
        # read as the start of the abstract.
        parts = [
            f"<p><strong>Editor's note:</strong></p>{note_html(note)}" for note in paper.curator_notes
        ]
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

    def entry_id(self, paper: Paper) -> str:
        """A tag: URI (RFC 4151) from the configured authority and the year of the first
        listing: the same for the paper whatever host serves the site."""
        return f"tag:{self.authority},{paper.first_day.year}:{quote(guid(paper), safe=':')}"

    def edited(self, paper: Paper) -> dt.datetime | None:
        """When what the entry says last changed: the editor's ``edited`` date
        (curation.yml), or the day a paper first pasted without an id got it (its entry
        gains the id's links)."""
        days = [day for day in (paper.edited, paper.id_arrived) if day is not None]
        return _moment(max(days), self.zone) if days else None

    def paper_link(self, paper: Paper) -> str:
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
        last = max((self.dated(p, feed.dated_by_pick) for p in feed.papers), default=None)
        rss, channel = _channel(
            feed.title,
            self.absolute(feed.page_url),
            feed.description,
            self.language,
            self.absolute(feed.rss_path),
            last,
            self.site,
        )
        for paper in feed.papers:
            _item(
                channel,
                title=plain_title(paper.title),
                link=self.paper_link(paper),
                description=self._item_html(paper),
                guid_text=guid(paper),
                day=self.dated(paper, feed.dated_by_pick),
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
        updated: dt.date | dt.datetime | None = max(
            (self.dated(p, feed.dated_by_pick) for p in feed.papers),
            default=_moment(newest[0], self.zone) if newest else None,
        )
        if updated is None:
            updated = dt.date(1970, 1, 1)  # a digest without a single listing
        _sub(root, "updated", rfc3339(updated))
        ET.SubElement(root, "link", {"rel": "self", "href": self.absolute(feed.atom_path)})
        ET.SubElement(root, "link", {"rel": "alternate", "href": self.absolute(feed.page_url)})
        author = ET.SubElement(root, "author")
        _sub(author, "name", self.site.name)
        _sub(root, "generator", "paper-digest")
        if self.site.copyright:
            _sub(root, "rights", self.site.copyright)
        for paper in feed.papers:
            entry = ET.SubElement(root, "entry")
            _sub(entry, "id", self.entry_id(paper))
            _sub(entry, "title", plain_title(paper.title))
            ET.SubElement(entry, "link", {"rel": "alternate", "href": self.paper_link(paper)})
            published = self.dated(paper, feed.dated_by_pick)
            _sub(entry, "published", rfc3339(published))
            _sub(entry, "updated", rfc3339(max(published, self.edited(paper) or published)))
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


def plain_title(title: str) -> str:
    """A title as a feed reader shows it, as text: LaTeX text macros and escapes outside
    formulas (``\\$``, ``\\%``, ``\\textbf{}``) as what they stand for."""
    out, position = [], 0
    for start, end, _, _ in escape.math_spans(title):
        out.append(escape.latex_text(title[position:start]))
        out.append(title[start:end])
        position = end
    out.append(escape.latex_text(title[position:]))
    return "".join(out)


# Every feed is at the site's root, so this relative address finds the stylesheet
# wherever the site is served; browsers then show a feed as a page, readers ignore it.
STYLESHEET_PI = b'<?xml-stylesheet type="text/xsl" href="assets/digest/feed.xsl"?>\n'


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + STYLESHEET_PI + body.encode("utf-8") + b"\n"


def _channel(
    title: str,
    link: str,
    description: str,
    language: str,
    self_url: str,
    last: dt.date | dt.datetime | None,
    site: SiteInfo,
) -> tuple[ET.Element, ET.Element]:
    """An RSS 2.0 document and its channel, with the elements every feed of ours carries."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", link)
    _sub(channel, "description", description)
    _sub(channel, "language", language)
    if site.copyright:
        _sub(channel, "copyright", site.copyright)
    _sub(channel, "generator", "paper-digest")
    if last is not None:
        _sub(channel, "lastBuildDate", rfc822(last))
    # The digest is built once a day: a reader need not ask more often.
    _sub(channel, "ttl", str(TTL_MINUTES))
    if site.image:
        image = ET.SubElement(channel, "image")
        _sub(image, "url", urljoin(site.url, site.image))
        _sub(image, "title", title)
        _sub(image, "link", link)
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
    day: dt.date | dt.datetime,
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


_TROUBLE = {"failed", "missing"}


def status_rss(statuses: list[SourceStatus], site: SiteInfo, language: str) -> bytes:
    """A feed of changes in each source's state, not of every day: an item when a source
    starts failing (or a weekday goes missing), and one when it is back to normal. A day
    still growing, an empty day and a weekend are normal."""
    changes: list[tuple[dt.date, str, str, str]] = []  # day, source, state, detail
    for status in statuses:
        previous = "normal"
        for seen in sorted(status.days, key=lambda d: d.day):
            if seen.state == "weekend":
                continue
            state = seen.state if seen.state in _TROUBLE else "normal"
            if state != previous:
                detail = seen.detail if state != "normal" else f"{seen.detail} (back to normal)"
                changes.append((seen.day, status.name, state, detail))
            previous = state
    changes.sort(key=lambda change: (-change[0].toordinal(), change[1]))
    rss, channel = _channel(
        f"{site.name}: status",
        urljoin(site.url, paths.STATUS),
        f"When a source of {site.name} starts failing, and when it recovers",
        language,
        urljoin(site.url, paths.STATUS_FEED),
        changes[0][0] if changes else None,
        site,
    )
    for day, source, state, detail in changes:
        said = {"failed": "fetch failed", "missing": "a day is missing", "normal": "back to normal"}[state]
        _item(
            channel,
            title=f"{source}: {said} ({day.isoformat()})",
            link=urljoin(site.url, paths.STATUS) + "#" + source.replace("/", "-"),
            description=detail,
            guid_text=f"status:{source}:{day.isoformat()}:{state}",
            day=day,
        )
    return _serialize(rss)


def rollup_rss(
    periods: list[Rollup],
    kind: str,
    site: SiteInfo,
    language: str,
    latest: dt.date | None,
    link_of: Callable[[Paper], str],
) -> bytes:
    """One item per week (or month) that is over: a period is over once the digest has
    a listing day after it, and its item is dated the day after its end, so it appears
    once, whole, and does not change. The period still running has a page ("so far")
    but no item. Each item links every paper."""
    ended = [r for r in periods if latest is not None and period_end(r) < latest]
    latest_url = urljoin(site.url, paths.latest_rollup_url(kind))
    last = _moment(period_end(ended[0]) + dt.timedelta(days=1)) if ended else None
    rss, channel = _channel(
        f"{site.name}: top papers of the {kind}",
        latest_url,
        f"Every {kind}, once it is over, the papers of {site.name} not to miss",
        language,
        urljoin(site.url, paths.rollup_feed(kind)),
        last,
        site,
    )
    for rollup in ended[:12]:
        label = rollup.start.isoformat() if kind == "week" else rollup.start.strftime("%B %Y")
        listed = "".join(
            f'<li><a href="{escape.text(link_of(p))}">{escape.text(plain_title(p.title))}</a></li>'
            for p in rollup.papers
        )
        _item(
            channel,
            title=f"Top papers of the week of {label}" if kind == "week" else f"Top papers of {label}",
            link=urljoin(site.url, paths.rollup_url(kind, rollup.slug)),
            description=f"<ol>{listed}</ol>",
            guid_text=f"top:{kind}:{rollup.slug}",
            day=_moment(period_end(rollup) + dt.timedelta(days=1)),
        )
    return _serialize(rss)
