"""Feeds over many builds, as a subscriber lives them: a week that gains days, a pasted
paper whose arXiv id arrives, a note added, a pick dated, site_url changed, new days; the
feeds compared byte for byte between builds, read back with feedparser, and followed with
newsboat (Debian's, when installed: CI installs it)."""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import http.server
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO, copy_digest, local_server

from digest.cli import main

pytestmark = pytest.mark.slow
SLICE = FIXTURES / "archive-slice"
SITE_URL = "https://paper-digest.github.io/paper-digest/"
ATOM = "{http://www.w3.org/2005/Atom}"


def build(root: Path) -> Path:
    assert main(["build", "-q", "-C", str(root)]) == 0
    return root / "site"


def add_day(root: Path, day: str) -> None:
    shutil.copy(SLICE / f"{day}.json", root / "listings" / f"{day}-hf-daily.json")


def items(feed: Path) -> dict[str, bytes]:
    """Each RSS item's bytes, by guid."""
    channel = ET.parse(feed).getroot().find("channel")
    return {item.findtext("guid"): ET.tostring(item) for item in channel.findall("item")}


def entries(feed: Path) -> dict[str, ET.Element]:
    return {
        entry.findtext(f"{ATOM}id"): entry
        for entry in ET.parse(feed).getroot().findall(f"{ATOM}entry")
    }


@pytest.fixture
def digest(tmp_path: Path) -> Path:
    root = copy_digest(tmp_path / "digest", listings=False)
    (root / "curation.yml").unlink(missing_ok=True)
    return root


def test_a_week_has_no_item_until_it_is_over_then_never_changes(digest: Path) -> None:
    add_day(digest, "2024-05-27")  # Monday of 2024-W22
    site = build(digest)
    assert items(site / "top-week.xml") == {}
    page = (site / "top/week/index.html").read_text(encoding="utf-8")
    assert "so far" in page
    add_day(digest, "2024-05-28")  # Tuesday: the week grows, still no item
    assert items(build(digest) / "top-week.xml") == {}
    add_day(digest, "2024-12-04")  # a later day: 2024-W22 is over
    site = build(digest)
    week = items(site / "top-week.xml")
    assert list(week) == ["top:week:2024-W22"]
    item = ET.fromstring(week["top:week:2024-W22"])
    assert item.findtext("pubDate") == "Mon, 03 Jun 2024 02:00:00 GMT"  # the day after it ended
    listed = BeautifulSoup(item.findtext("description"), "html.parser")
    links = [a["href"] for a in listed.find_all("a")]
    assert len(links) == len(listed.find_all("li")) >= 10  # every paper linked
    assert all(link.startswith(SITE_URL + "days/2024-05-2") for link in links)
    add_day(digest, "2024-12-11")  # more days later: the item stays byte for byte
    assert items(build(digest) / "top-week.xml")["top:week:2024-W22"] == week["top:week:2024-W22"]


def test_a_pasted_paper_keeps_its_guid_anchor_and_atom_id_when_its_id_arrives(digest: Path) -> None:
    shutil.copy(REPO / "listings" / "2025-03-11-hf-trending.txt", digest / "listings")
    site = build(digest)
    title = "Lossless Compression with Probabilistic Circuits"
    before_rss = items(site / "feed.xml")
    before_atom = entries(site / "atom.xml")
    guid = next(g for g, raw in before_rss.items() if title.encode() in raw)
    assert guid.startswith("title:lossless-compression")
    link = ET.fromstring(before_rss[guid]).findtext("link")
    anchor = link.split("#")[1]
    # The next day a hand-kept list names the paper with its arXiv id.
    (digest / "listings" / "2025-03-12-picks.yml").write_text(
        f'date: 2025-03-12\npapers:\n  - title: "{title}"\n    arxiv: "2111.11632"\n',
        encoding="utf-8",
    )
    site = build(digest)
    after_rss = items(site / "feed.xml")
    assert guid in after_rss and "arxiv:2111.11632" not in after_rss  # not new again
    after = ET.fromstring(after_rss[guid])
    assert after.findtext("link") == link
    # Every other item is byte for byte what it was.
    assert {g: raw for g, raw in after_rss.items() if g != guid} == {
        g: raw for g, raw in before_rss.items() if g != guid
    }
    after_atom = entries(site / "atom.xml")
    assert set(after_atom) == set(before_atom)
    # Its entry says it changed (it now shows the id's links): updated moves to the day
    # the id came, published stays.
    (entry_id,) = [
        key for key, entry in after_atom.items() if entry.findtext(f"{ATOM}title") == title
    ]
    assert after_atom[entry_id].findtext(f"{ATOM}updated").startswith("2025-03-12T02:")
    assert after_atom[entry_id].findtext(f"{ATOM}published") == before_atom[entry_id].findtext(
        f"{ATOM}published"
    )
    # The old anchor and the id's anchor both find the card.
    day = BeautifulSoup(
        (site / "days/2025-03-11/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    card = day.find(id=anchor)
    assert card is not None and card.name == "article"
    alias = day.find(id="2111.11632")
    assert alias is not None and alias.find_parent("article") is card
    # And the id now links the paper to arXiv.
    assert "arxiv.org/abs/2111.11632" in after.findtext("description")
    # The paper's page stays at its first anchor; the page at its id sends there.
    assert (site / "papers" / anchor / "index.html").is_file()
    alias = BeautifulSoup(
        (site / "papers/2111.11632/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert alias.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url=../{anchor}/"


def test_a_note_moves_atom_updated_and_nothing_else(digest: Path) -> None:
    shutil.copy(REPO / "listings" / "2025-03-11-hf-trending.txt", digest / "listings")
    site = build(digest)
    before = entries(site / "atom.xml")
    title = "Lossless Compression with Probabilistic Circuits"
    assert (
        main(["note", "-q", "-C", str(digest), title, "Why we *read* it.", "--date", "2025-03-14"])
        == 0
    )
    after = entries(build(digest) / "atom.xml")
    assert set(after) == set(before)
    changed = [key for key in after if ET.tostring(after[key]) != ET.tostring(before[key])]
    assert len(changed) == 1
    entry, old = after[changed[0]], before[changed[0]]
    assert entry.findtext(f"{ATOM}title") == title
    assert entry.findtext(f"{ATOM}updated").startswith("2025-03-14T02:")
    assert entry.findtext(f"{ATOM}published") == old.findtext(f"{ATOM}published")
    content = entry.findtext(f"{ATOM}content")
    assert content.startswith(
        "<p><strong>Editor's note:</strong></p><p>Why we <em>read</em> it.</p>"
    )


def test_a_pick_is_dated_by_its_pick_in_the_picks_feed(digest: Path) -> None:
    add_day(digest, "2024-05-27")
    site = build(digest)
    first = next(iter(items(site / "feed.xml")))
    paper_id = first.removeprefix("arxiv:")
    assert main(["pick", "-q", "-C", str(digest), paper_id, "--date", "2024-12-20"]) == 0
    picks = items(build(digest) / "picks.xml")
    item = ET.fromstring(picks[first])
    picked = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
    assert (
        dt.datetime(2024, 12, 20, 1, tzinfo=dt.UTC)
        < picked
        <= dt.datetime(2024, 12, 20, 2, tzinfo=dt.UTC)
    )
    parsed = feedparser.parse((digest / "site/picks-atom.xml").read_bytes())
    assert parsed.entries[0].published_parsed[:3] == (2024, 12, 20)
    # Picked once, dated once: a later pick moves no earlier pick's date.
    second = list(items(site / "feed.xml"))[1].removeprefix("arxiv:")
    assert main(["pick", "-q", "-C", str(digest), second, "--date", "2024-12-21"]) == 0
    again = items(build(digest) / "picks.xml")
    assert len(again) == 2 and again[first] == picks[first]


def test_atom_ids_survive_a_new_site_url(digest: Path) -> None:
    config = digest / "digest.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "\nfeeds: {days: 7, id_authority: paper-digest.github.io}\n",
        encoding="utf-8",
    )
    add_day(digest, "2024-05-27")
    before = set(entries(build(digest) / "atom.xml"))
    mkdocs = digest / "mkdocs.yml"
    mkdocs.write_text(
        mkdocs.read_text(encoding="utf-8").replace(SITE_URL, "https://papers.example.org/"),
        encoding="utf-8",
    )
    feed_id = ET.parse(digest / "site/atom.xml").getroot().findtext(f"{ATOM}id")
    site = build(digest)
    assert set(entries(site / "atom.xml")) == before
    assert all(key.startswith("tag:paper-digest.github.io,2024:arxiv:") for key in before)
    # The feed's own id too; its icon and logo follow the site.
    root = ET.parse(site / "atom.xml").getroot()
    assert root.findtext(f"{ATOM}id") == feed_id and feed_id.startswith("urn:uuid:")
    assert root.findtext(f"{ATOM}icon") == "https://papers.example.org/assets/images/favicon.png"
    assert root.findtext(f"{ATOM}logo").startswith("https://papers.example.org/")
    assert (site / "assets/images/favicon.png").is_file()
    assert "https://papers.example.org/" in (site / "feed.xml").read_text(encoding="utf-8")


def test_feedparser_reads_authors_and_dates_on_the_listing_day_before_the_daily_build(
    digest: Path,
) -> None:
    add_day(digest, "2024-05-27")
    parsed = feedparser.parse((build(digest) / "feed.xml").read_bytes())
    assert not parsed.bozo
    entry = parsed.entries[0]
    assert entry.author and len(entry.authors) >= 2
    moments = [dt.datetime(*e.published_parsed[:6], tzinfo=dt.UTC) for e in parsed.entries]
    # The listing day in the digest's zone (UTC), and before the workflow's daily build
    # (06:17 UTC) publishes it: never in a reader's future.
    assert all(m.date() == dt.date(2024, 5, 27) and m.hour < 6 for m in moments)
    # A digest for the Americas says so (feeds.time_zone): its day is theirs.
    config = digest / "digest.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\nfeeds: {time_zone: America/New_York}\n",
        encoding="utf-8",
    )
    parsed = feedparser.parse((build(digest) / "feed.xml").read_bytes())
    eastern = ZoneInfo("America/New_York")
    for entry in parsed.entries:
        moment = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
        assert moment.astimezone(eastern).date() == dt.date(2024, 5, 27)
        assert moment < dt.datetime(2024, 5, 27, 6, 17, tzinfo=dt.UTC)


NEWSBOAT = shutil.which("newsboat")


@pytest.fixture
def served(digest: Path) -> Iterator[str]:
    (digest / "site").mkdir(exist_ok=True)
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(digest / "site")
    )
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    with local_server(handler) as base:
        yield base + "/"


def _unread(home: Path, url: str) -> int:
    (home / "urls").write_text(url + "\n", encoding="utf-8")
    out = subprocess.run(
        [
            NEWSBOAT,
            "-u",
            str(home / "urls"),
            "-c",
            str(home / "cache.db"),
            "-x",
            "reload",
            "print-unread",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[0])


@pytest.mark.skipif(
    NEWSBOAT is None, reason="newsboat not installed (apt-get install newsboat; .ci/run does)"
)
def test_newsboat_sees_exactly_the_new_items_after_each_build(
    digest: Path, served: str, tmp_path: Path
) -> None:
    home = tmp_path / "reader"
    home.mkdir()
    shutil.copy(REPO / "listings" / "2025-03-11-hf-trending.txt", digest / "listings")
    site = build(digest)
    total = len(items(site / "feed.xml"))
    assert _unread(home, served + "feed.xml") == total
    with sqlite3.connect(home / "cache.db") as cache:  # the reader reads everything
        cache.execute("UPDATE rss_item SET unread = 0")
    # A new day, and the pasted paper's id arrives: only the new day's papers are unread.
    title = "Lossless Compression with Probabilistic Circuits"
    (digest / "listings" / "2025-03-12-picks.yml").write_text(
        f'date: 2025-03-12\npapers:\n  - title: "{title}"\n    arxiv: "2111.11632"\n'
        '  - title: "A new paper of the twelfth"\n    arxiv: "2503.09999"\n',
        encoding="utf-8",
    )
    build(digest)
    assert _unread(home, served + "feed.xml") == 1
    # A rebuild with nothing new: nothing unread.
    with sqlite3.connect(home / "cache.db") as cache:
        cache.execute("UPDATE rss_item SET unread = 0")
    build(digest)
    assert _unread(home, served + "feed.xml") == 0


def test_every_feed_is_on_the_feeds_page_and_in_the_opml(digest: Path) -> None:
    config = digest / "digest.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "topics:",
            "watch:\n  - slug: scaling-watch\n    title: Scaling laws\n    keywords: [scaling law]\ntopics:",
            1,
        ),
        encoding="utf-8",
    )
    add_day(digest, "2024-05-27")
    site = build(digest)
    feeds = {
        path.name
        for path in site.glob("*.xml")
        if b"<rss" in path.read_bytes()[:400] or b"<feed" in path.read_bytes()[:400]
    }
    page = BeautifulSoup((site / "feeds/index.html").read_text(encoding="utf-8"), "html.parser")
    linked = {a["href"].removeprefix("../") for a in page.select("a.pd-feed-link")}
    assert linked == feeds
    assert page.find(id="watch") is not None  # the watch list has its own section
    everything = ET.parse(site / "feeds.opml").getroot()
    urls = {o.get("xmlUrl") for o in everything.iter("outline")}
    assert urls == {
        SITE_URL + name for name in feeds if not name.startswith("atom") and "-atom" not in name
    }
    topics = [o.get("xmlUrl") for o in ET.parse(site / "topics.opml").getroot().iter("outline")]
    assert topics and all(url.startswith(SITE_URL + "feed-") for url in topics)
    assert SITE_URL + "feed-scaling-watch.xml" in topics
    # Each page names its own feeds, RSS and Atom, for the browser and the reader to find.
    topic = BeautifulSoup(
        (site / "topics/scaling-watch/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    alternates = {link["href"] for link in topic.select('link[rel="alternate"]')}
    assert {"../../feed-scaling-watch.xml", "../../atom-scaling-watch.xml"} <= alternates
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert {"picks.xml", "picks-atom.xml"} <= {
        link["href"] for link in home.select('link[rel="alternate"]')
    }
    # A feed opened in a browser is styled by the site's stylesheet, found from the feed:
    # CSS, which browsers keep applying to XML (XSLT is leaving them).
    assert (
        b'<?xml-stylesheet type="text/css" href="assets/digest/feed.css"?>'
        in (site / "feed.xml").read_bytes()
    )
    assert (site / "assets/digest/feed.css").is_file()


@pytest.mark.browser
def test_a_feed_opened_in_a_browser_reads_as_a_page(digest: Path, served: str) -> None:
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    add_day(digest, "2024-05-27")
    build(digest)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        for feed, title, least in (
            ("feed.xml", "Paper Digest", 10),
            ("atom-agents-rl.xml", "(Atom)", 1),
        ):
            page.goto(served + feed)
            shown = page.evaluate(READ_AS_A_PAGE)
            assert shown["title"].endswith(title) and shown["titleSize"] >= 24
            # The feed's address, to copy, with what to do with it.
            assert "copy this page's address into your feed reader" in shown["about"]
            assert SITE_URL + feed in shown["about"]
            # Each item's title shows; the escaped HTML of its text does not.
            assert shown["items"] >= least and shown["titled"] == shown["items"]
            assert shown["markupShown"] == 0
            assert shown["width"] <= 390  # nothing runs off a phone's screen
        browser.close()


# What a reader sees of a feed opened in Chromium, from the computed styles of the XML.
READ_AS_A_PAGE = """() => {
  const shown = e => e && getComputedStyle(e).display !== "none" && e.getBoundingClientRect().height > 0;
  const title = document.querySelector("channel > title, feed > title");
  const self = [...document.querySelectorAll("channel > link, feed > link")]
    .find(l => l.getAttribute("rel") === "self");
  const items = [...document.querySelectorAll("item, entry")];
  const text = [...document.querySelectorAll("item > description, entry > content")];
  return {
    title: shown(title) ? title.textContent : "",
    titleSize: parseFloat(getComputedStyle(title).fontSize),
    about: shown(self) ? getComputedStyle(self, "::before").content : "",
    items: items.filter(shown).length,
    titled: items.filter(i => shown(i.querySelector("title"))).length,
    markupShown: text.filter(shown).length,
    width: document.documentElement.scrollWidth,
  };
}"""


def test_no_two_entries_share_a_date_when_papers_come_back_on_later_days(digest: Path) -> None:
    import json

    add_day(digest, "2026-08-20")
    # The next day lists the 20th's last three papers again, first (Hugging Face does).
    again = json.loads((SLICE / "2026-08-20.json").read_text(encoding="utf-8"))[-3:]
    newer = json.loads((SLICE / "2026-08-21.json").read_text(encoding="utf-8"))
    (digest / "listings" / "2026-08-21-hf-daily.json").write_text(
        json.dumps(again + newer), encoding="utf-8"
    )
    site = build(digest)
    for name in ("atom.xml", "feed.xml"):
        root = ET.parse(site / name).getroot()
        dates = [e.findtext(f"{ATOM}updated") for e in root.findall(f"{ATOM}entry")] or [
            i.findtext("pubDate") for i in root.find("channel").findall("item")
        ]
        assert len(dates) > 20 and len(dates) == len(set(dates)), name
