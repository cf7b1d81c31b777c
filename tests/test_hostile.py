"""Hostile listings in every format: the text shows literally on every page, nothing runs,
feeds stay well-formed, and every paper is published or reported with its place."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import CARD_ATTRIBUTES, CARD_TAGS, FIXTURES

from digest.build import read_everything
from digest.catalog.merge import build_catalog
from digest.cli import main

HOSTILE = FIXTURES / "hostile"


def cards(site: Path) -> list:
    found = []
    for page in sorted(site.rglob("*.html")):
        found += BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(
            "article.pd-paper"
        )
    return found


def test_every_card_holds_only_the_elements_the_template_wrote(hostile_site: Path) -> None:
    every = cards(hostile_site / "site")
    assert len(every) > 20
    for card in every:
        for element in card.find_all(True):
            assert element.name in CARD_TAGS, element.name
            assert set(element.attrs) <= CARD_ATTRIBUTES, element.attrs
            href = element.get("href")
            if href is not None:
                assert re.match(r"^(https?://|\.\./|\./|#|[a-z0-9-]+/)", href), href


def test_no_javascript_or_data_url_is_a_link_anywhere(hostile_site: Path) -> None:
    for page in (hostile_site / "site").rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.select("[href], [src]"):
            value = (element.get("href") or element.get("src")).strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (page, value)


def test_titles_and_abstracts_show_literally(hostile_site: Path) -> None:
    day = BeautifulSoup(
        (hostile_site / "site/days/2025-01-10/index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    titles = [h.get_text().rstrip("¶") for h in day.select("article.pd-paper h2")]
    assert '<script>window.__pwned=1;alert("x")</script> Title with a script' in titles
    assert "{{ 7*7 }} {% for x in y %} {# comment #} Jinja in a title" in titles
    assert "# Heading | a | table | <!-- comment --> [ref]: javascript:window.__pwned=1" in titles
    # Control characters are dropped; right-to-left and zero-width characters are text.
    assert "Control characters and \u202eright-to-left\u202c and zero\u200bwidth" in titles
    assert "../../etc/passwd" in titles
    abstract = day.select_one("article.pd-paper .pd-paper__abstract").get_text()
    assert abstract.startswith('<a href="javascript:window.__pwned=1">click</a> <iframe src=')
    assert '{{ config }} {% include "x" %}' in abstract
    assert "# Not a heading | a | b | |---|---|" in abstract
    authors = day.select_one("article.pd-paper .pd-paper__authors").get_text()
    assert authors.startswith('<b onmouseover="window.__pwned=1">Eve</b>, Mallory {{ x }}')
    # The only links in the abstract are its plain http(s) URLs (one cut before the "<");
    # the javascript: and data: ones stay text.
    assert [
        a["href"] for a in day.select_one("article.pd-paper .pd-paper__abstract").select("a")
    ] == [
        "http://evil.example/",
        "https://example.org/path?a=1&b=",
    ]


def test_every_format_keeps_its_hostile_text_literal(hostile_site: Path) -> None:
    site = hostile_site / "site"

    def titles(day: str) -> list[str]:
        page = BeautifulSoup(
            (site / f"days/{day}/index.html").read_text(encoding="utf-8"), "html.parser"
        )
        return [h.get_text().rstrip("¶") for h in page.select("article.pd-paper h2")]

    assert titles("2025-01-16") == ['<svg onload="window.__pwned=1"> Atom title {{ 7*7 }}']
    assert titles("2025-01-17") == [
        '<iframe src="javascript:parent.__pwned=1"></iframe> Listing title {# c #}'
    ]
    assert titles("2025-01-18") == ["<script>window.__pwned=1</script> HF page title {{ x }}"]
    assert titles("2025-01-14") == [
        "<script>window.__pwned=1</script> Escaped markup in an RSS title"
    ]
    listing = BeautifulSoup(
        (site / "days/2025-01-17/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    # Markup that was real markup in the arXiv page is text by the time it is a paper's.
    assert "real markup" in listing.select_one(".pd-paper__abstract").get_text()
    atom = BeautifulSoup(
        (site / "days/2025-01-16/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    card = atom.select_one("article.pd-paper")
    assert card.select_one(".pd-paper__authors").get_text() == "<script>window.__pwned=1</script>"
    assert "<b>bold</b> comment" in card.select_one(".pd-paper__extra").get_text()
    assert [c.strip() for c in card.select_one(".pd-categories").get_text().split("·")] == ["cs.CR"]


def test_colliding_slugs_duplicate_ids_and_huge_fields(hostile_site: Path) -> None:
    outcome = read_everything(hostile_site, None)
    catalog = build_catalog(outcome.papers, outcome.config)
    day = BeautifulSoup(
        (hostile_site / "site/days/2025-01-10/index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    ids = [a["id"] for a in day.select("article.pd-paper")]
    assert len(ids) == len(set(ids))
    greek = [a for a in day.select("article.pd-paper") if a.h2.get_text().startswith("Modèles")]
    assert len(greek) == 2 and greek[0]["id"] != greek[1]["id"]
    duplicate = next(p for p in catalog.papers if p.arxiv_id == "2501.10001")
    assert duplicate.upvotes == 99  # both sightings merged; nothing lost
    # One appearance for the two items of one file; the pasted page's copy is a second day.
    assert [(a.day.isoformat(), a.origin.file) for a in duplicate.appearances] == [
        ("2025-01-10", "listings/2025-01-10-hf-daily.json"),
        ("2025-01-11", "listings/2025-01-11-hf-trending.txt"),
    ]
    # Runaway fields are cut at a word and marked, and the cut is reported (issue 11).
    huge = next(p for p in catalog.papers if p.arxiv_id == "2501.20000")
    assert huge.title.endswith(" […]") and len(huge.title) <= 1_000 + 4
    assert huge.abstract.endswith(" […]") and len(huge.abstract) <= 20_000 + 4
    cuts = [str(p) for p in outcome.problems.warnings if "characters, over the" in p.message]
    assert len(cuts) == 2 and all("2025-01-10-hf-daily.json" in cut for cut in cuts)
    assert day.find("article", id="2501.20000") is not None


def test_every_paper_published_or_reported(hostile_site: Path) -> None:
    outcome = read_everything(hostile_site, None)
    messages = [str(p) for p in outcome.problems.items]
    assert (
        "warning: listings/2025-01-15-curator.yml: paper 1.arxiv: '../../etc/passwd' is not an arXiv id "
        "(like 2401.01234 or cond-mat/0412498); the paper is kept under its title"
    ) in messages
    assert (
        "warning: listings/2031-01-01-hf-trending.txt: listing date 2031-01-01 is in the future; "
        "check the file name or date line"
    ) in messages
    records = sum(listing.read for listing in outcome.listings)
    catalog = build_catalog(outcome.papers, outcome.config)
    site = hostile_site / "site"
    published = {a["id"] for a in cards(site)}
    assert len(published) == len(catalog.papers)
    assert (
        records == len(catalog.papers) + 5
    )  # the JSON's duplicate id, the text page's four repeats


def test_feeds_stay_well_formed_and_carry_the_text(hostile_site: Path) -> None:
    for feed in (hostile_site / "site").glob("*.xml"):
        if feed.name.startswith("sitemap"):
            continue
        ET.parse(feed)
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed.name, parsed.get("bozo_exception"))
    parsed = feedparser.parse((hostile_site / "site/feed.xml").read_bytes())
    titles = [e.title for e in parsed.entries]
    assert any("{{ 7*7 }}" in t for t in titles)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "2025-02-30-hf-trending.txt",
            "error: listings/2025-02-30-hf-trending.txt: the file name's date 2025-02-30 does not exist; rename the file with the listing's real date",
        ),
        (
            "2025-01-13-hf-trending.txt",
            "error: listings/2025-01-13-hf-trending.txt: line 3: not UTF-8 text (byte 0xff); save the file as UTF-8",
        ),
    ],
)
def test_impossible_dates_and_invalid_utf8_are_errors(
    digest_dir: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    shutil.copy(HOSTILE / name, digest_dir / "listings" / name)
    assert main(["build", "-C", str(digest_dir)]) == 1
    assert message in capsys.readouterr().err
