"""Property tests: any text in any field gives a page with only the template's elements, a
feed that parses, and the text back; any bytes given to the readers give problems, not
exceptions."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
from bs4 import BeautifulSoup
from conftest import CARD_ATTRIBUTES, CARD_TAGS, examples
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from digest.catalog.merge import Catalog
from digest.catalog.topics import PaperFields, assign_topics, first_hit
from digest.config import Topic
from digest.ingest.normalize import collapse_whitespace, to_paper
from digest.ingest.readers import ListingContext, read_listing
from digest.model import Origin, Record, TopicMatch
from digest.paths import assign_anchors
from digest.problems import Problems
from digest.site.cards import CardRenderer
from digest.site.feeds import FeedWriter
from digest.site.plan import SiteInfo, SitePlan
from digest.site.render import globals_for, make_environment

OTHER = Topic("other", "Other", "")
SITE = SiteInfo("Digest", "https://example.org/d/", "A digest")
ENV = make_environment(None)
MATH_DELIMITERS = re.compile(r"\\[()\[\]]|\$")

# Text with the characters that matter: markup, template syntax, math, controls, RTL.
nasty = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("<>&\"'`*_[]()#|!{}%$\\\n\t\x00\x1b\u202e\u200b/:")),
    ),
    max_size=200,
)


def paper_from(title: str, abstract: str, author: str):
    record = Record(
        origin=Origin("x.json", "item 0"),
        source="huggingface",
        listing_day=dt.date(2025, 3, 11),
        rank=1,
        title=title,
        abstract=abstract,
        authors=(author,),
        arxiv_id="2501.00001",
        urls=("javascript:alert(1)", "https://github.com/a/b"),
    )
    paper = to_paper(record)
    from dataclasses import replace

    return replace(paper, topics=assign_topics(paper, (), OTHER))


def without_math(text: str) -> str:
    return collapse_whitespace(MATH_DELIMITERS.sub("", text))


def as_meant(text: str) -> str:
    """The text with its text-mode LaTeX outside formulas read (\\% -> %): what a card
    shows of it."""
    from digest.site.escape import clean_text, latex_text, math_spans

    text = clean_text(text)
    out, position = [], 0
    for start, end, _, _ in math_spans(text):
        out += [latex_text(text[position:start]), text[start:end]]
        position = end
    return "".join([*out, latex_text(text[position:])])


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=nasty, abstract=nasty, author=nasty)
def test_a_card_has_only_template_elements_and_the_text_round_trips(
    title: str, abstract: str, author: str
) -> None:
    assume(collapse_whitespace(title))  # the build skips an empty title, with a warning
    paper = paper_from(title, abstract, author)
    catalog = Catalog(papers=(paper,), topics=(OTHER,))
    cards = CardRenderer(SitePlan.of(catalog, SITE), ENV)
    module = ENV.get_template("partials/paper.html.j2").make_module(
        globals_for(cards, "days/2025-03-11/")
    )
    html = str(module.paper_card(paper, dt.date(2025, 3, 11)))
    card = BeautifulSoup(html, "html.parser").select_one("article.pd-paper")
    for element in card.find_all(True):
        assert element.name in CARD_TAGS
        assert set(element.attrs) <= CARD_ATTRIBUTES
        href = element.get("href")
        assert href is None or not href.strip().lower().startswith(("javascript:", "data:"))
    assert card.h2.get_text().removesuffix("¶") == paper.title
    if paper.abstract:
        shown = card.select_one(".pd-paper__abstract").get_text()
        assert without_math(shown) == without_math(as_meant(paper.abstract))
    assert "\n\n" not in html  # a blank line would end the raw HTML block early


def test_a_card_says_its_one_line_summary_once() -> None:
    """Hugging Face's summary is the card's gist line; the abstract, opened, does not
    repeat it (it did, as a "TL;DR": every Hugging Face card said it twice)."""
    from dataclasses import replace

    summary = "A short line that says what the paper does."
    paper = replace(
        paper_from("A paper", "The abstract, longer than the line.", "Ada"), ai_summary=summary
    )
    catalog = Catalog(papers=(paper,), topics=(OTHER,))
    cards = CardRenderer(SitePlan.of(catalog, SITE), ENV)
    module = ENV.get_template("partials/paper.html.j2").make_module(
        globals_for(cards, "days/2025-03-11/")
    )
    card = BeautifulSoup(str(module.paper_card(paper, dt.date(2025, 3, 11))), "html.parser")
    assert card.get_text().count(summary) == 1
    assert summary in card.select_one(".pd-paper__gist").get_text()
    assert "The abstract" in card.select_one(".pd-paper__more .pd-paper__abstract").get_text()


@settings(max_examples=examples(100), deadline=None)
@given(title=nasty, abstract=nasty, author=nasty)
def test_feeds_parse_and_carry_the_title(title: str, abstract: str, author: str) -> None:
    assume(collapse_whitespace(title))  # the build skips an empty title, with a warning
    paper = paper_from(title, abstract, author)
    catalog = Catalog(papers=(paper,), topics=(OTHER,))
    writer = FeedWriter(catalog, SITE, assign_anchors(catalog.papers), "en")
    (feed, *_) = writer.feeds(7)
    for body in (writer.rss(feed), writer.atom(feed)):
        ET.fromstring(body)
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) == 1
    # The title as meant: LaTeX text escapes outside formulas read (\\$ -> $), as in
    # abstracts; feed readers show text, not TeX.
    rss = ET.fromstring(writer.rss(feed))
    assert rss.find("channel/item/title").text == as_meant(paper.title)


PREFIXES = [
    b"",
    b"[",
    b'{"data": [',
    b"<rss><channel>",
    b'<feed xmlns="http://www.w3.org/2005/Atom">',
    b"Mar 11\n",
    b"papers:\n",
    b"<html>list-title arXiv:",
]


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=2000))
def test_readers_never_raise_on_arbitrary_bytes(tmp_path: Path, prefix: bytes, body: bytes) -> None:
    listing = tmp_path / "2025-03-11-fuzz.txt"
    listing.write_bytes(prefix + body)
    problems = Problems()
    result = read_listing(ListingContext(listing, listing.name, None), problems)
    for record in result.records:
        to_paper(record)
    for problem in problems.items:
        assert problem.file == listing.name


WORDS = ["language", "model", "models", "policy", "policies", "agent", "RL", "URL", "of", "box"]
term_text = st.builds(
    lambda prefix, parts: prefix + " ".join(parts),
    st.sampled_from(["", "", "title:", "abstract:", "authors:", "keywords:"]),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
)
rule_topics = st.lists(
    st.builds(
        lambda n, include, exclude, fields: Topic(f"t{n}", f"T{n}", "", include, exclude, fields),
        st.integers(0, 9),
        st.lists(term_text, max_size=4).map(tuple),
        st.lists(term_text, max_size=2).map(tuple),
        st.sampled_from([("title", "abstract"), ("abstract", "title"), ("title",), ("authors",)]),
    ),
    max_size=4,
    unique_by=lambda topic: topic.slug,
).map(tuple)
field_words = st.lists(st.sampled_from([*WORDS, "-", ",", "boxes", "Models"]), max_size=12).map(
    " ".join
)


@settings(max_examples=examples(300), deadline=None)
@given(topics=rule_topics, title=field_words, abstract=field_words, author=field_words)
def test_topic_matcher_agrees_with_the_rules_read_one_by_one(
    topics: tuple[Topic, ...], title: str, abstract: str, author: str
) -> None:
    """``assign_topics`` looks every rule up at once; ``first_hit`` (which explain uses)
    reads each rule in order. Both must give the same topics, terms and fields."""
    assume(title.strip())
    paper = to_paper(
        Record(
            origin=Origin("x.json", "item 1"),
            source="huggingface",
            listing_day=dt.date(2025, 1, 2),
            rank=1,
            title=title,
            abstract=abstract,
            authors=(author,) if author.strip() else (),
            ai_keywords=(abstract[:20],) if abstract else (),
        )
    )
    fields = PaperFields(paper)
    expected = []
    for topic in topics:
        hit = first_hit(topic.include, fields, topic.fields)
        if hit is not None and first_hit(topic.exclude, fields, topic.fields) is None:
            expected.append(TopicMatch(topic.slug, hit.term, hit.field))
    assert assign_topics(paper, topics, OTHER) == (
        tuple(expected) or (TopicMatch(OTHER.slug, None, None),)
    )
