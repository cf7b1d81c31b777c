"""The XML every feed of the site is written in: RSS 2.0 channels and items, dates, the
stylesheet that shows a feed in a browser, titles as text. ``feeds`` writes the papers'
feeds with these, ``period_feeds`` the weekly, monthly and status ones.

XML is built with ElementTree, which escapes text; characters XML cannot carry at all are
dropped first by ``escape.clean_text``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import xml.etree.ElementTree as ET
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from digest.site import escape
from digest.site.plan import SiteInfo

ATOM_NS = "http://www.w3.org/2005/Atom"
TTL_MINUTES = 24 * 60
ET.register_namespace("atom", ATOM_NS)
# Dublin Core's creator: RSS 2.0's own <author> wants an e-mail address; arXiv's feeds
# name each author with dc:creator, and feed readers show it.
DC_NS = "http://purl.org/dc/elements/1.1/"
ET.register_namespace("dc", DC_NS)


# A listing day as one instant: 02:00 in the digest's zone (``feeds.time_zone``). Early,
# so that no item is dated after the build that publishes it (the daily workflow runs at
# 06:17 UTC; noon put today's items six hours in the future); not before, so that the
# hour of a day's items (a second apart, in the day's order, below it) never meets the
# hour of arXiv's announcement of that day in UTC (20:00 US Eastern: 00:00 or 01:00 UTC,
# its items in the hour below): a digest of both sources would date two items alike.
DAY_MOMENT = dt.time(2, 0)
DAY_SECONDS = 3600  # the seconds below DAY_MOMENT that a day's items are spread over


def day_moment(day: dt.date, zone: str = "UTC") -> dt.datetime:
    """A listing day as one instant (``DAY_MOMENT`` in the zone), in UTC."""
    return dt.datetime.combine(day, DAY_MOMENT, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def rfc822(day: dt.date | dt.datetime) -> str:
    moment = day if isinstance(day, dt.datetime) else day_moment(day)
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def rfc3339(day: dt.date | dt.datetime) -> str:
    moment = day if isinstance(day, dt.datetime) else day_moment(day)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
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
STYLESHEET_PI = b'<?xml-stylesheet type="text/css" href="assets/digest/feed.css"?>\n'


def serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n' + STYLESHEET_PI + body.encode("utf-8") + b"\n"
    )


def rss_channel(
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
    sub(channel, "title", title)
    sub(channel, "link", link)
    sub(channel, "description", description)
    sub(channel, "language", language)
    if site.copyright:
        sub(channel, "copyright", site.copyright)
    sub(channel, "generator", "paper-digest")
    if last is not None:
        sub(channel, "lastBuildDate", rfc822(last))
    # The digest is built once a day: a reader need not ask more often.
    sub(channel, "ttl", str(TTL_MINUTES))
    if site.image:
        image = ET.SubElement(channel, "image")
        sub(image, "url", urljoin(site.url, site.image))
        sub(image, "title", title)
        sub(image, "link", link)
    ET.SubElement(
        channel,
        f"{{{ATOM_NS}}}link",
        {"href": self_url, "rel": "self", "type": "application/rss+xml"},
    )
    return rss, channel


def rss_item(
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
    sub(item, "title", title)
    sub(item, "link", link)
    sub(item, "description", description)
    for name in creators:
        sub(item, f"{{{DC_NS}}}creator", name)
    for category in categories or []:
        sub(item, "category", category)
    ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = escape.clean_text(guid_text)
    sub(item, "pubDate", rfc822(day))
