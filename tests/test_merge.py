"""One paper once, however many days and sources list it; nothing any source had is lost."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, copy_digest

from digest.build import read_everything
from digest.catalog.merge import Catalog, build_catalog
from digest.cli import main

FORMATS = FIXTURES / "formats"
CONV_TITLE = "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models"


def pasted_page(day: str, title: str, abstract: str) -> str:
    return f"new\n\nSubscribe\n\n{day}\n\n{title}\n\n{abstract}\n"


def catalog_of(root: Path):
    outcome = read_everything(root, None)
    assert outcome.problems.errors == []
    return build_catalog(outcome.papers, outcome.config)


def test_same_paper_from_pasted_text_json_atom_and_rss_is_one_paper(digest_dir: Path) -> None:
    listings = digest_dir / "listings"
    shutil.copy(
        FORMATS / "hfnewsletter_daily_papers_2024-05-27.json", listings / "2024-05-27-hf.json"
    )
    (listings / "2024-05-28-hf-trending.txt").write_text(
        pasted_page("May 28", CONV_TITLE, "High-resolution LMMs, as pasted from the page."),
        encoding="utf-8",
    )
    shutil.copy(
        FORMATS / "arxiv_api_2025_current_layout.xml", listings / "2024-05-29-arxiv-api.xml"
    )
    shutil.copy(FORMATS / "rss_arxiv_org_cs.LG_2025-06-04.xml", listings / "rss-cs.LG.xml")
    catalog = catalog_of(digest_dir)
    conv = [p for p in catalog.papers if p.title == CONV_TITLE]
    assert len(conv) == 1
    paper = conv[0]
    assert paper.key == "arxiv:2405.15738"
    assert [(a.day, a.source) for a in paper.appearances] == [
        (dt.date(2024, 5, 27), "huggingface"),
        (dt.date(2024, 5, 28), "huggingface"),
        (dt.date(2024, 5, 29), "arxiv"),
        (dt.date(2025, 6, 4), "arxiv"),
    ]
    assert paper.version == 3  # v2 from the API, v3 from the RSS replace
    assert paper.upvotes == 32  # only the JSON knew
    assert paper.categories == ("cs.CV", "cs.CL")  # only arXiv knew
    assert paper.comment == "17 pages"
    assert len(paper.authors) > 3  # the fullest author list (the JSON's)
    assert paper.abstract.startswith("High-resolution Large Multimodal Models (LMMs) encounter")
    assert paper.links.huggingface == "https://huggingface.co/papers/2405.15738"
    assert paper.published == dt.date(2024, 5, 24)


def test_cross_list_repeat_within_one_listing_is_one_appearance(digest_dir: Path) -> None:
    shutil.copy(FORMATS / "dzdydx_arxiv-rss-filter_feed.xml", digest_dir / "listings" / "feed.xml")
    catalog = catalog_of(digest_dir)
    assert len(catalog.papers) == 704
    assert all(len(p.appearances) == 1 for p in catalog.papers)


@pytest.mark.slow
def test_paper_on_several_days_shows_on_each_day_once_per_topic_once_per_feed(
    digest_dir: Path,
) -> None:
    listings = digest_dir / "listings"
    abstract = "We study reinforcement learning agents that plan. " * 8
    title = "Planning Agents With Reinforcement Learning"
    for day, label in (("2025-03-10", "Mar 10"), ("2025-03-11", "Mar 11")):
        (listings / f"{day}-hf.txt").write_text(
            pasted_page(label, title, abstract), encoding="utf-8"
        )
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    site = digest_dir / "site"
    anchor = "planning-agents-with-reinforcement-learning"
    first = BeautifulSoup(
        (site / "days/2025-03-10/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    second = BeautifulSoup(
        (site / "days/2025-03-11/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert first.find("article", id=anchor).select(".pd-seen") == []
    assert second.find("article", id=anchor).select_one(".pd-seen").get_text() == "seen before"
    topic = BeautifulSoup(
        (site / "topics/agents-rl/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert len(topic.select(f"article#{anchor}")) == 1
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == [title]
    assert feed.entries[0].published_parsed[:3] == (2025, 3, 10)  # its first appearance
    assert feed.entries[0].link.endswith(f"/days/2025-03-10/#{anchor}")


@pytest.mark.slow
def test_build_over_every_format_shows_authors_links_and_dates(digest_dir: Path) -> None:
    for fixture in FORMATS.iterdir():
        if (
            fixture.suffix in {".xml", ".json", ".html", ".yml"}
            and "error" not in fixture.name
            and "extracted" not in fixture.name
        ):
            shutil.copy(fixture, digest_dir / "listings" / fixture.name)
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    site = digest_dir / "site"
    day = BeautifulSoup(
        (site / "days/2026-08-21/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    card = day.find("article", id="2608.19880")
    assert "Chengsong Huang" in card.select_one(".pd-paper__authors").get_text()
    more = card.select_one(".pd-paper__authors details.pd-more summary")
    assert more is not None and more.get_text().startswith("and ")
    buttons = {a.get_text() for a in card.select(".pd-paper__links a")}
    assert buttons == {"arXiv", "PDF", "Code", "Project page", "Hugging Face"}
    meta = card.select_one(".pd-paper__meta").get_text(" ")
    assert "▲ 163" in meta and "★ 8" in meta
    # Its day is the page's: said once, by the page. When it was published, with the rest.
    assert "Listed" not in meta
    assert "Published 2026-08-20" in card.select_one(".pd-paper__extra").get_text(" ")
    listing = BeautifulSoup(
        (site / "days/2026-08-12/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    cross = listing.find("article", id="2505.11635")
    assert cross.select_one(".pd-kind").get_text() == "cross-list"
    assert "cs.LG · cs.AI" in cross.select_one(".pd-categories").get_text()
    # Feeds stay well-formed over every source's text.
    for feed in site.glob("*.xml"):
        ET.parse(feed)


def test_every_described_field_is_cleaned_and_merged_by_a_rule_of_its_own() -> None:
    """The fields a Record and a Paper share are declared once (``model.Described``);
    normalize and merge go through them by name, so a new field needs both rules."""
    from dataclasses import fields

    from digest.catalog.merge import COMBINE
    from digest.ingest.normalize import CLEAN
    from digest.model import Described, Paper, Record

    names = {field.name for field in fields(Described)}
    assert set(CLEAN) == names
    assert set(COMBINE) == names
    assert names <= {field.name for field in fields(Record)}
    assert names <= {field.name for field in fields(Paper)}
    undocumented = [
        name
        for cls in (Described, Record, Paper)
        for name in cls.__annotations__
        if f"    {name}:" in (src := __import__("inspect").getsource(cls))
        and not re.search(rf"^    {name}:.*\n    \"\"\"", src, re.M)
    ]
    assert undocumented == []


@pytest.mark.slow  # every real format read: 3 s
def test_a_paper_seen_once_is_merged_by_the_same_rules(tmp_path: Path) -> None:
    """``merge`` gives a paper seen once back as it is (most papers, in every real
    format); that is what the rules make of it, field for field."""
    from digest.catalog.merge import _merged, merge

    root = copy_digest(tmp_path / "digest", listings=False)
    for sample in sorted((FIXTURES / "formats").iterdir()):
        if sample.suffix in (".xml", ".json", ".jsonl", ".html", ".yml"):
            shutil.copy(sample, root / "listings" / sample.name)
    papers = read_everything(root, dt.date(2025, 6, 5)).papers
    assert len(papers) > 500
    taken_as_they_are = [p for p in papers if merge([p]) is p]
    assert len(taken_as_they_are) > len(papers) // 2
    assert [p for p in papers if merge([p]) != _merged([p])] == []
    # A sighting whose lists repeat an item, or seen on two days, goes through the rules.
    repeated = replace(papers[0], categories=("cs.LG", "cs.LG"))
    assert merge([repeated]).categories == ("cs.LG",)


def test_catalog_days_are_the_days_papers_are_listed_on_however_asked(digest_dir: Path) -> None:
    """``Catalog.days`` counts the days without the index of papers by day where that is
    not made yet (a build asks it of everything read): the same days either way, newest
    first, a paper listed on two days counting on both."""
    listings = digest_dir / "listings"
    abstract = "We study reinforcement learning agents that plan. " * 8
    for day, label in (("2025-03-10", "Mar 10"), ("2025-03-12", "Mar 12")):
        (listings / f"{day}-hf.txt").write_text(
            pasted_page(label, "Planning Agents", abstract), encoding="utf-8"
        )
    first = catalog_of(digest_dir)
    days = first.days()
    second = Catalog(first.papers, first.topics)
    indexed = sorted(
        {day for p in second.papers for day in p.days() if second.on_day(day)}, reverse=True
    )
    assert days == second.days() == indexed
    assert {dt.date(2025, 3, 10), dt.date(2025, 3, 12)} <= set(days)
    assert dt.date(2025, 3, 11) not in days
    days.clear()  # a caller's list is its own
    assert first.days() == indexed
