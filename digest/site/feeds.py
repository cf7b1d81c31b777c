"""The papers' feeds, RSS 2.0 and Atom, built from the catalog (never from the rendered
pages): the digest, the picks, the recommended papers, each topic and watch list.

Every date comes from the listings (and curation.yml's dates), so a rebuild of the same
inputs gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from digest import paths
from digest.catalog.merge import Catalog
from digest.model import Paper
from digest.site import escape
from digest.site.feed_list import FeedEntry, feed_directory
from digest.site.feed_xml import (
    ATOM_NS,
    DAY_SECONDS,
    day_moment,
    plain_title,
    rfc3339,
    rss_channel,
    rss_item,
    serialize,
    sub,
)
from digest.site.notes import note_html
from digest.site.plan import SiteInfo


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
    # recommended.xml: why each paper is there, by paper key (the reason on the page).
    reasons: Mapping[str, Any] = field(default_factory=dict)


def _why(reason: Any) -> str:
    """A recommendation's reason, as the day page says it."""
    said = reason.said(escape.text, lambda title: f"<cite>{title}</cite>")
    return f"<p><strong>Recommended</strong> {said}.</p>"


ARXIV_ANNOUNCES = (dt.time(20, 0), ZoneInfo("America/New_York"))


def announced(paper: Paper, zone: str = "UTC", position: int = 0) -> dt.datetime:
    """When the paper's first listing came out: arXiv announces a day's listing at
    20:00 US Eastern the evening before (Sunday to Thursday); other sources at 02:00 of
    their day (``feed_xml.day_moment``). ``position``, the paper's place in its day, takes that many
    seconds off: no two entries share a date (Atom readers order by it, and the W3C
    validator warns of equal ones), and a reader sorting by date sees the day's order."""
    first = min(paper.appearances, key=lambda a: (a.day, a.source, a.origin.file))
    if first.source == "arxiv":
        at, eastern = ARXIV_ANNOUNCES
        evening = dt.datetime.combine(first.day - dt.timedelta(days=1), at, tzinfo=eastern)
        moment = evening.astimezone(dt.UTC)
    else:
        moment = day_moment(first.day, zone)
    return moment - dt.timedelta(seconds=min(position, DAY_SECONDS - 1))


def key_seconds(key: str) -> int:
    """A paper's own second of an hour, from its key: stable whatever else changes."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4]) % (DAY_SECONDS - 1)


def pick_seconds(picks: list[Paper]) -> dict[str, int]:
    """Each pick's seconds below its pick day's moment: from its key, so that a new pick
    never moves an earlier one's date (a place in a list would); a clash on one day
    moves the later key on by a second."""
    taken: dict[dt.date | None, set[int]] = {}
    seconds = {}
    for paper in sorted(picks, key=lambda p: p.key):
        used = taken.setdefault(paper.picked, set())
        second = key_seconds(paper.key)
        while second in used:
            second = (second + 1) % DAY_SECONDS
        used.add(second)
        seconds[paper.key] = second
    return seconds


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
        # A paper's item without a reason, by the paper: the same in the main feed, its
        # topics' feeds and both copies of each (RSS and Atom).
        self._items: dict[int, tuple[Paper, str]] = {}
        self.positions: dict[str, int] = {}
        self.pick_order: dict[str, int] = {}

    def dated(self, paper: Paper, by_pick: bool = False) -> dt.datetime:
        """The paper's date in every feed: its announcement, less its place in the day;
        in the picks feed, the day it was picked (when curation.yml says)."""
        if by_pick and paper.picked is not None:
            return day_moment(paper.picked, self.zone) - dt.timedelta(
                seconds=self.pick_order.get(paper.key, 0)
            )
        if paper.key not in self.positions:
            # Its place among the papers first listed that day (a paper seen again on a
            # later day keeps its first day's place).
            firsts = [
                p for p in self.catalog.on_day(paper.first_day) if p.first_day == paper.first_day
            ]
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
        """The papers' feeds, as the site's feed directory names them (``feed_list``)."""
        # A pick is dated by when it was picked (curation.yml's ``picked``), so an old
        # paper picked today is today's news in a reader sorting by date.
        picks = sorted(
            (p for p in self.catalog.papers if p.pick),
            key=lambda p: (-(p.picked or p.first_day).toordinal(), p.key),
        )
        self.pick_order = pick_seconds(picks)
        latest = sorted(recommended, reverse=True)[:days]
        reasons = {paper.key: reason for day in latest for paper, reason in recommended[day]}
        chosen: dict[str, Callable[[FeedEntry], list[Paper]]] = {
            "digest": lambda _: recent(list(self.catalog.papers), days),
            "picks": lambda _: picks[:100],
            "recommended": lambda _: [paper for day in latest for paper, _ in recommended[day]],
            "topic": lambda entry: recent(self.catalog.in_topic(entry.slug or ""), days),
        }
        return [
            Feed(
                title=entry.title,
                description=entry.channel,
                page_url=entry.page,
                rss_path=entry.rss,
                atom_path=entry.atom or entry.rss,
                papers=chosen[entry.kind](entry),
                dated_by_pick=entry.kind == "picks",
                reasons=reasons if entry.kind == "recommended" else {},
            )
            for entry in feed_directory(self.catalog, self.site, bool(recommended), [])
            if entry.kind in chosen
        ]

    def _item_html(self, paper: Paper, reason: Any = None) -> str:
        if reason is not None:
            return self._item_text(paper, reason)
        # Kept with the paper, so that its id cannot be another's.
        known = self._items.get(id(paper))
        if known is None or known[0] is not paper:
            known = self._items[id(paper)] = (paper, self._item_text(paper, None))
        return known[1]

    def _item_text(self, paper: Paper, reason: Any) -> str:
        # The editor's words, said to be theirs: in a feed reader a note would otherwise
        # read as the start of the abstract.
        parts = [_why(reason)] if reason is not None else []
        parts += [
            f"<p><strong>Editor's note:</strong></p>{note_html(note)}"
            for note in paper.curator_notes
        ]
        if paper.summary_model and paper.ai_summary:
            # A generated gist says what wrote it, as on the card.
            parts.append(
                f"<p><strong>AI summary, {escape.text(paper.summary_model)}:</strong> "
                f"{escape.rich_text(paper.ai_summary)}</p>"
            )
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
        if not days:
            return None
        # In the hour after the day's moment, where no listing's entry is dated (they are
        # in the hour before): an edited entry shares its date with no listed one (two
        # edits of one day only if their keys clash, 1 in 3,599).
        return day_moment(max(days), self.zone) + dt.timedelta(seconds=1 + key_seconds(paper.key))

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
        rss, channel = rss_channel(
            feed.title,
            self.absolute(feed.page_url),
            feed.description,
            self.language,
            self.absolute(feed.rss_path),
            last,
            self.site,
        )
        for paper in feed.papers:
            rss_item(
                channel,
                title=plain_title(paper.title),
                link=self.paper_link(paper),
                description=self._item_html(paper, feed.reasons.get(paper.key)),
                guid_text=guid(paper),
                day=self.dated(paper, feed.dated_by_pick),
                categories=self._categories(paper),
                creators=paper.authors,
            )
        return serialize(rss)

    def atom(self, feed: Feed) -> bytes:
        # Plain names under a default namespace: feed readers expect <feed xmlns=...>, and
        # ElementTree cannot write unprefixed attributes with its default_namespace option.
        root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": self.language})
        # Named by the id authority, not the address: a new site_url keeps the feed's id.
        name = f"paper-digest:{self.authority}:{feed.atom_path}"
        sub(root, "id", uuid.uuid5(uuid.NAMESPACE_URL, name).urn)
        # Told apart from the RSS copy in a reader's list of subscriptions.
        sub(root, "title", f"{feed.title} (Atom)")
        sub(root, "subtitle", feed.description)
        # An empty feed (no pick this week) is as new as the digest's latest day, not 1970.
        newest = self.catalog.days()[:1]
        updated: dt.date | dt.datetime | None = max(
            (self.dated(p, feed.dated_by_pick) for p in feed.papers),
            default=day_moment(newest[0], self.zone) if newest else None,
        )
        if updated is None:
            updated = dt.date(1970, 1, 1)  # a digest without a single listing
        sub(root, "updated", rfc3339(updated))
        ET.SubElement(root, "link", {"rel": "self", "href": self.absolute(feed.atom_path)})
        ET.SubElement(root, "link", {"rel": "alternate", "href": self.absolute(feed.page_url)})
        author = ET.SubElement(root, "author")
        sub(author, "name", self.site.name)
        sub(root, "generator", "paper-digest")
        if self.site.copyright:
            sub(root, "rights", self.site.copyright)
        sub(root, "icon", self.absolute(self.site.favicon))
        sub(root, "logo", self.absolute(self.site.image or self.site.favicon))
        for paper in feed.papers:
            entry = ET.SubElement(root, "entry")
            sub(entry, "id", self.entry_id(paper))
            sub(entry, "title", plain_title(paper.title))
            ET.SubElement(entry, "link", {"rel": "alternate", "href": self.paper_link(paper)})
            published = self.dated(paper, feed.dated_by_pick)
            sub(entry, "published", rfc3339(published))
            sub(entry, "updated", rfc3339(max(published, self.edited(paper) or published)))
            for name in paper.authors:
                person = ET.SubElement(entry, "author")
                sub(person, "name", name)
            for category in self._categories(paper):
                ET.SubElement(entry, "category", {"term": escape.clean_text(category)})
            content = ET.SubElement(entry, "content", {"type": "html"})
            content.text = self._item_html(paper, feed.reasons.get(paper.key))
        return serialize(root)
