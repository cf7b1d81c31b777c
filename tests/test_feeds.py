"""Feeds read the way feed readers read them: an XML parser, element by element, and feedparser."""

from __future__ import annotations

import datetime as dt
import email.utils
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

SITE_URL = "https://paper-digest.github.io/paper-digest/"
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_feeds(site: Path) -> list[Path]:
    return [site / "feed.xml", *sorted(site.glob("feed-*.xml"))]


def test_main_feed_channel(site: Path) -> None:
    channel = ET.parse(site / "feed.xml").getroot().find("channel")
    assert channel.findtext("title") == "Paper Digest"
    assert channel.findtext("link") == SITE_URL
    assert channel.findtext("description")
    # Dated by the data, never by the clock.
    # 02:00 of the listing day: before the daily build that publishes it.
    assert channel.findtext("lastBuildDate") == "Tue, 11 Mar 2025 02:00:00 GMT"
    self_link = channel.find(f"{ATOM}link")
    assert self_link.attrib == {
        "href": SITE_URL + "feed.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }


def test_every_rss_feed_has_complete_items(site: Path) -> None:
    feeds = rss_feeds(site)
    assert len(feeds) == 16  # the digest and one per topic, the catch-all included
    for feed in feeds:
        channel = ET.parse(feed).getroot().find("channel")
        for tag in ("title", "link", "description"):
            assert channel.findtext(tag), (feed, tag)
        guids = []
        for item in channel.findall("item"):
            assert item.findtext("title")
            link = item.findtext("link")
            assert link.startswith(SITE_URL + "days/2025-03-11/#"), link
            assert item.findtext("description")
            assert item.findall("category")
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false"
            guids.append(guid.text)
            parsed = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
            # 02:00 UTC of the listing day, less a second per place in the day so no
            # two items share a date.
            moment = dt.datetime(2025, 3, 11, 2, tzinfo=dt.UTC)
            assert moment - dt.timedelta(minutes=5) < parsed <= moment
            assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0
        assert len(guids) == len(set(guids)), feed


def test_topic_feed_carries_exactly_the_topic_papers(site: Path) -> None:
    channel = ET.parse(site / "feed-reasoning.xml").getroot().find("channel")
    assert channel.findtext("link") == SITE_URL + "topics/reasoning/"
    items = channel.findall("item")
    topic_page = (site / "topics" / "reasoning" / "index.html").read_text(encoding="utf-8")
    assert len(items) == topic_page.count('<article class="pd-paper')
    for item in items:
        assert "Reasoning & math" in [c.text for c in item.findall("category")]


def test_feedparser_reads_the_main_feed_with_86_entries(site: Path) -> None:
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert len(parsed.entries) == 86
    first = parsed.entries[0]
    assert first.title == "Image Inpainting via Tractable Steering of Diffusion Models"
    assert (
        first.link
        == SITE_URL + "days/2025-03-11/#image-inpainting-via-tractable-steering-of-diffusion-models"
    )
    assert first.id == "title:image-inpainting-via-tractable-steering-of-diffusion-models"
    assert first.published_parsed[:3] == (2025, 3, 11)
    assert "Diffusion models are the current state of the art" in first.summary
    assert [t.term for t in first.tags] == ["Generative models", "Probabilistic methods"]


@pytest.mark.parametrize("name", ["atom.xml", "atom-generative.xml"])
def test_atom_feeds_parse(site: Path, name: str) -> None:
    parsed = feedparser.parse((site / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.entries
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(set(ids))
    assert all(e.link.startswith(SITE_URL) for e in parsed.entries)
    assert parsed.feed.updated == "2025-03-11T02:00:00Z"


def test_feed_text_is_escaped_and_html_survives_as_text(site: Path) -> None:
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    s4 = next(
        e for e in parsed.entries if e.title.startswith("Efficiently Modeling Long Sequences")
    )
    text = BeautifulSoup(s4.summary, "html.parser").get_text()
    assert r"\( x'(t) = Ax(t) + Bu(t), y(t) = Cx(t) + Du(t) \)" in text


def test_rss_items_name_their_authors_and_the_two_copies_are_told_apart(spread_site: Path) -> None:
    import feedparser

    rss = feedparser.parse((spread_site / "feed.xml").read_bytes())
    atom = feedparser.parse((spread_site / "atom.xml").read_bytes())
    assert not rss.bozo and not atom.bozo
    with_authors = [e for e in rss.entries if e.get("authors")]
    assert with_authors, "Hugging Face papers have authors"
    by_link = {e.link: e for e in atom.entries}
    for entry in with_authors:
        # The same names, in the same order, as the Atom copy gives them.
        assert [a["name"] for a in entry.authors] == [
            a["name"] for a in by_link[entry.link].authors
        ]
    assert atom.feed.title == f"{rss.feed.title} (Atom)"


def test_an_empty_feed_is_dated_by_the_digest_not_1970(site: Path) -> None:
    empty = 0
    for path in sorted(site.glob("*atom*.xml")):
        root = ET.parse(path).getroot()
        ns = {"a": "http://www.w3.org/2005/Atom"}
        updated = root.findtext("a:updated", namespaces=ns)
        assert updated is not None and not updated.startswith("1970"), path.name
        if not root.findall("a:entry", ns):
            empty += 1
            assert updated.startswith("2025-03-11"), path.name  # the seed's only day
    assert empty >= 1  # the seed has a topic with no paper in it
