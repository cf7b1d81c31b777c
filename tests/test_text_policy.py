"""One text policy everywhere: notes, topic titles, scaffolded YAML and pasted text.

Before (issue 11): a note with a typo leaked a \\x03 into atom.xml (no longer XML) and lost
its end; code spans were escaped twice; a ``<script>`` topic title was raw HTML in the
menu; ``digest new --title "Research: weekly"`` wrote a mkdocs.yml that did not parse; a
\\u2028 in pasted text split a paper in two; two id-less papers of one listing whose titles
normalize alike became one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import SEED, copy_digest, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.build import read_everything
from digest.catalog.merge import group_sightings, merge
from digest.cli import main
from digest.site.notes import note_html

TYPO_NOTE = 'Read [this]("(draft)) and [that][r], then `a<b && c`.'
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _curate(root: Path, title: str, note: str) -> None:
    entry = {"papers": {title: {"note": note, "pick": "day"}}}
    (root / "curation.yml").write_text(yaml.safe_dump(entry), encoding="utf-8")


@pytest.mark.slow
def test_a_note_with_a_typo_keeps_every_word_and_every_feed_stays_xml(tmp_path: Path) -> None:
    root = copy_digest(tmp_path / "digest")
    _curate(root, "Lossless Compression with Probabilistic Circuits", TYPO_NOTE)
    assert main(["build", "-q", "-C", str(root)]) == 0
    site = root / "site"
    for feed in ("atom.xml", "picks-atom.xml", "feed.xml", "picks.xml"):
        data = (site / feed).read_text(encoding="utf-8")
        assert not FORBIDDEN.search(data), feed
        ET.fromstring(data)  # well-formed
        # The note as text (Markdown could not render it whole), escaped once for HTML
        # and once more for the XML that carries it.
        assert (
            'Read [this]("(draft)) and [that][r], then `a&amp;lt;b &amp;amp;&amp;amp; c`.' in data
        )
    page = (site / "days" / "2025-03-11" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    shown = " ".join(soup.get_text(" ").split())
    assert 'Read [this]("(draft)) and [that][r], then `a<b && c`.' in shown


def test_code_spans_in_notes_are_escaped_once() -> None:
    rendered = note_html("Use `x < y && z` and **bold**")
    assert (
        str(rendered) == "<p>Use <code>x &lt; y &amp;&amp; z</code> and <strong>bold</strong></p>"
    )


MARKDOWNISH = st.lists(
    st.sampled_from(
        [*"ab ()[]<>&*_`#!:-\"'\n\\/.", "http://x.org", "\x03", "\x02", "](", "][", "word"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=examples(300), deadline=None)
@given(MARKDOWNISH)
def test_any_note_is_well_formed_without_control_characters_or_lost_words(note: str) -> None:
    rendered = str(note_html(note))
    assert not FORBIDDEN.search(rendered)
    root = ET.fromstring(f"<div>{rendered}</div>")
    shown = "".join(root.itertext()) + " ".join(
        element.get("href", "") for element in root.iter("a")
    )
    for word in re.findall(r"[^\W\d_]{2,}", note):
        assert word.lower() in shown.lower()


@pytest.mark.slow
def test_topic_titles_are_text_in_the_navigation(tmp_path: Path) -> None:
    root = copy_digest(tmp_path / "digest")
    config = (root / "digest.yml").read_text(encoding="utf-8")
    config = config.replace(
        "title: Surveys\n", "title: \"<script>alert('x')</script> Surveys & reviews\"\n"
    )
    (root / "digest.yml").write_text(config, encoding="utf-8")
    assert main(["build", "-q", "-C", str(root)]) == 0
    # The menu is pruned: a topic's own page shows the topics' titles in it.
    page = (root / "site" / "topics" / "surveys" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    nav = soup.find("nav", class_="md-nav--primary")
    assert nav is not None
    assert nav.find("script") is None
    assert "<script>alert('x')</script> Surveys & reviews" in " ".join(nav.get_text().split())


@pytest.mark.parametrize("title", ["Research: weekly", "# Lab 'digest'", "yes", "- a list?"])
def test_digest_new_writes_yaml_that_parses_to_the_title(tmp_path: Path, title: str) -> None:
    target = tmp_path / "new"
    assert main(["new", str(target), "--title", title]) == 0
    config = yaml.safe_load((target / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == title


@pytest.mark.slow
def test_a_new_digest_with_a_colon_in_its_title_builds(tmp_path: Path) -> None:
    target = tmp_path / "new"
    assert main(["new", str(target), "--title", "Research: weekly"]) == 0
    assert main(["build", "-q", "-C", str(target)]) == 0
    assert "Research: weekly" in (target / "site" / "index.html").read_text(encoding="utf-8")


SEPARATORS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("separator", [*SEPARATORS, "\r"])
def test_line_boundary_characters_inside_pasted_text_are_spaces(
    tmp_path: Path, separator: str
) -> None:
    text = SEED.read_text(encoding="utf-8")
    title = "Lossless Compression with Probabilistic Circuits"
    if separator == "\r":
        # A file saved with old Mac line ends: every line ends in a lone \r.
        damaged = text.replace("\n", "\r")
    else:
        damaged = text.replace(title, title.replace(" with ", f" with{separator}"))
        damaged = damaged.replace("For example, VAEs", f"For example,{separator}VAEs")
    root = copy_digest(tmp_path / "digest", listings=False)
    (root / "listings" / SEED.name).write_text(damaged, encoding="utf-8")
    outcome = read_everything(root, None)
    papers = {p.title: p for p in map(merge, group_sightings(outcome.papers))}
    assert len(papers) == 86  # as the undamaged seed
    assert outcome.problems.items == []
    paper = papers[title]
    assert "compression. For example, VAEs suffer" in paper.abstract
    assert paper.abstract.endswith("neural data compression.")


@pytest.mark.slow
def test_two_papers_of_one_listing_with_alike_titles_stay_two(tmp_path: Path) -> None:
    root = copy_digest(tmp_path / "digest", listings=False)
    listing = (
        "Mar 12\n\nCollide: A/B Testing\n\nThe first abstract, about experiments.\n\n"
        "Collide A B Testing\n\nThe second abstract, about particles.\n"
    )
    (root / "listings" / "2025-03-12-hf-trending.txt").write_text(listing, encoding="utf-8")
    (root / "listings" / "2025-03-13-hf-trending.txt").write_text(
        listing.replace("Mar 12", "Mar 13"), encoding="utf-8"
    )
    outcome = read_everything(root, None)
    papers = [merge(group) for group in group_sightings(outcome.papers)]
    assert sorted(p.abstract for p in papers) == [
        "The first abstract, about experiments.",
        "The second abstract, about particles.",
    ]
    assert all(len(p.days()) == 2 for p in papers)  # each is the same paper on both days
    assert main(["build", "-q", "-C", str(root)]) == 0
