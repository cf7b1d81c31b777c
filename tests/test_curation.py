"""curation.yml: pin, hide, re-topic, annotate and pick, without touching code."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import SEED

from digest.cli import main

LOSSLESS = "Lossless Compression with Probabilistic Circuits"
GENERATIVE = "Generative Marginalization Models"
S4 = "Efficiently Modeling Long Sequences with Structured State Spaces"
CURATION = f"""
papers:
  "{LOSSLESS}":
    pin: true
    pick: day
    note: "**Read this first.** <script>window.__pwned=1</script> [code](https://github.com/x/y) [bad](javascript:alert(1))"
    add_topics: [surveys]
    remove_topics: [probabilistic]
  "{GENERATIVE}":
    hide: true
  "{S4}":
    pick: week
  "2401.99999":
    pin: true
  "Image Inpainting via Tractable Steering of Diffusion Models":
    colour: red
"""


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_digest

    root = copy_digest(tmp_path_factory.mktemp("curated") / "digest")
    (root / "curation.yml").write_text(CURATION, encoding="utf-8")
    assert main(["build", "-q", "-C", str(root)]) == 0
    return root


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def day_titles(root: Path) -> list[str]:
    page = soup(root / "site/days/2025-03-11/index.html")
    return [h.get_text().rstrip("¶") for h in page.select("article.pd-paper h2")]


def test_pinned_paper_comes_first_on_its_day(curated: Path) -> None:
    titles = day_titles(curated)
    assert titles[0] == LOSSLESS
    assert (
        titles[1] == "Image Inpainting via Tractable Steering of Diffusion Models"
    )  # then the page's order
    card = soup(curated / "site/days/2025-03-11/index.html").select_one("article.pd-paper")
    assert card.select_one(".pd-pin").get_text() == "pinned"


def test_hidden_paper_is_gone_from_pages_feeds_and_search(curated: Path) -> None:
    site = curated / "site"
    for page in site.rglob("*.html"):
        assert GENERATIVE not in page.read_text(encoding="utf-8"), page
    for feed in site.glob("*.xml"):
        assert GENERATIVE not in feed.read_text(encoding="utf-8"), feed
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 85
    for bib in (site / "bib").rglob("*.bib"):
        assert GENERATIVE not in bib.read_text(encoding="utf-8"), bib


def test_topics_added_and_removed(curated: Path) -> None:
    card = soup(curated / "site/days/2025-03-11/index.html").select_one("article.pd-paper")
    topics = [a.get_text() for a in card.select("a.pd-topic")]
    assert "Surveys" in topics and "Probabilistic methods" not in topics
    surveys = soup(curated / "site/topics/surveys/index.html")
    assert LOSSLESS in [h.get_text().rstrip("¶") for h in surveys.select("article.pd-paper h2")]


def test_note_is_markdown_shown_escaped_and_carried_in_feeds(curated: Path) -> None:
    card = soup(curated / "site/days/2025-03-11/index.html").select_one("article.pd-paper")
    note = card.select_one(".pd-paper__note--curator")
    assert note.select_one("strong").get_text() == "Read this first."
    assert "<script>window.__pwned=1</script>" in note.get_text()
    assert not note.select("script")
    assert [a["href"] for a in note.select("a")] == ["https://github.com/x/y"]
    feed = feedparser.parse((curated / "site/feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == LOSSLESS)
    assert "<strong>Read this first.</strong>" in entry.summary


def test_picks_on_the_home_page_and_in_their_feed(curated: Path) -> None:
    home = soup(curated / "site/index.html")
    picks = [h.get_text().rstrip("¶") for h in home.select(".pd-picks article.pd-paper h2")]
    assert picks == [LOSSLESS, S4]  # the paper of the day, then of the week
    ids = [a["id"] for a in home.select("article.pd-paper")]
    assert len(ids) == len(set(ids))
    feed = feedparser.parse((curated / "site/picks.xml").read_bytes())
    assert not feed.bozo
    assert sorted(e.title for e in feed.entries) == sorted([LOSSLESS, S4])


def test_unmatched_entries_and_unknown_keys_are_reported(
    curated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "-C", str(curated)]) == 0
    err = capsys.readouterr().err
    assert (
        "warning: curation.yml: line 13: papers.2401.99999: matches no paper in the listings; check the arXiv id or title"
        in err
    )
    assert (
        "warning: curation.yml: line 16: papers.Image Inpainting via Tractable Steering of Diffusion Models.colour: "
        "unknown key; known keys: add_topics, dislike, edited, hide, note, pick, picked, pin, remove_topics"
    ) in err
    assert main(["build", "--strict", "-C", str(curated)]) == 1


def test_unknown_topic_is_an_error(digest_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (digest_dir / "listings" / SEED.name).write_bytes(SEED.read_bytes())
    (digest_dir / "curation.yml").write_text(
        f'papers:\n  "{S4}":\n    add_topics: [nope]\n', encoding="utf-8"
    )
    assert main(["build", "-C", str(digest_dir)]) == 1
    assert (
        f"error: curation.yml: line 3: papers.{S4}.add_topics: no topic 'nope'; topics are: "
        in capsys.readouterr().err
    )


def test_watch_lists_get_a_page_a_feed_and_a_badge(digest_dir: Path) -> None:
    import shutil

    from conftest import FIXTURES

    shutil.copy(
        FIXTURES / "formats/hfnewsletter_daily_papers_2026-08-21.json",
        digest_dir / "listings/2026-08-21.json",
    )
    text = (digest_dir / "digest.yml").read_text(encoding="utf-8")
    (digest_dir / "digest.yml").write_text(
        text
        + "\nwatch:\n  - slug: huang\n    title: Chengsong Huang\n    authors: [Chengsong Huang]\n"
        "  - slug: harness\n    title: Harnesses\n    keywords: [environment harness]\n",
        encoding="utf-8",
    )
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    site = digest_dir / "site"
    page = soup(site / "topics/huang/index.html")
    assert [h.get_text().rstrip("¶") for h in page.select("article.pd-paper h2")] == [
        "EnvHarness: Awakening Static Worlds for Agent Learning"
    ]
    assert page.select_one(".pd-lead").get_text() == "Papers by Chengsong Huang"
    feed = feedparser.parse((site / "feed-huang.xml").read_bytes())
    assert [e.title for e in feed.entries] == [
        "EnvHarness: Awakening Static Worlds for Agent Learning"
    ]
    assert "EnvHarness" in (site / "topics/harness/index.html").read_text(encoding="utf-8")
    card = soup(site / "days/2026-08-21/index.html").find("article", id="2608.19880")
    assert "Chengsong Huang" in [a.get_text() for a in card.select("a.pd-topic")]
    nav = soup(site / "index.html").select_one("nav.md-nav--primary").get_text()
    assert "Watching" in nav


def test_weekly_and_monthly_top_papers_with_their_feeds(digest_dir: Path) -> None:
    import shutil

    from conftest import FIXTURES

    shutil.copy(
        FIXTURES / "formats/hfnewsletter_daily_papers_2026-08-21.json",
        digest_dir / "listings/2026-08-21.json",
    )
    (digest_dir / "curation.yml").write_text(
        'papers:\n  "2608.19880":\n    pin: true\n', encoding="utf-8"
    )
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    site = digest_dir / "site"
    week = soup(site / "top/week/2026-W34/index.html")
    cards = week.select("article.pd-paper")
    assert len(cards) == 17
    upvotes = [
        int(c.select_one(".pd-paper__meta").get_text(" ").split("▲ ")[1].split()[0])
        for c in cards[1:]
    ]
    assert cards[0]["id"] == "2608.19880"  # pinned first
    assert upvotes == sorted(upvotes, reverse=True)  # then by upvotes
    assert (site / "top/month/2026-08/index.html").is_file()
    # The menu's "This week" is a URL that never moves, showing the newest week.
    latest = soup(site / "top/week/index.html")
    assert [c["id"] for c in latest.select("article.pd-paper")] == [c["id"] for c in cards]
    home = soup(site / "index.html")
    assert home.select_one('nav a[href="top/week/"]') is not None
    # The week and the month still run: their pages say "so far", their feeds wait.
    for kind in ("week", "month"):
        feed = feedparser.parse((site / f"top-{kind}.xml").read_bytes())
        assert not feed.bozo and feed.entries == []
    assert "so far" in (site / "top/week/index.html").read_text(encoding="utf-8")
    # A day of the next month: both are over, and each has its one item.
    day = json.loads(
        (FIXTURES / "formats/hfnewsletter_daily_papers_2026-08-21.json").read_text(encoding="utf-8")
    )
    (digest_dir / "listings/2026-09-01.json").write_text(json.dumps(day), encoding="utf-8")
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    for kind in ("week", "month"):
        feed = feedparser.parse((site / f"top-{kind}.xml").read_bytes())
        assert not feed.bozo
        assert len(feed.entries) == 1
        assert feed.entries[0].link.endswith(
            f"/top/{kind}/{'2026-W34' if kind == 'week' else '2026-08'}/"
        )
    nav = soup(site / "index.html").select_one("nav.md-nav--primary").get_text()
    assert "Top papers" in nav


def test_a_capped_digest_shows_each_paper_with_the_topics_its_rules_and_curation_give(
    tmp_path: Path,
) -> None:
    """A build gives topics after the cap, to the papers it shows only (a year of arXiv
    shows 15,000 of 183,000): each shows what giving every paper its topics first gives,
    the curator's edits included, also on a paper the cap leaves out."""
    from conftest import copy_digest

    from digest.as_built import sift_catalog
    from digest.build import catalog_of, read_everything
    from digest.catalog.merge import untopiced_catalog
    from digest.catalog.shown_topics import with_topics

    root = copy_digest(tmp_path / "digest")
    # Re-topiced, neither pinned nor picked: the cap leaves it out.
    collapse = (
        "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real "
        "and Synthetic Data"
    )
    (root / "curation.yml").write_text(
        CURATION + f'  "{collapse}":\n    add_topics: [surveys]\n', encoding="utf-8"
    )
    (root / "library").mkdir()  # the day's recommendations are compared too
    (root / "library" / "reading-list.txt").write_text(f"{S4}\n", encoding="utf-8")
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write(
            "\nfilters: {per_day: 5}\nlibrary: [library]\n"
            "ranking: {recommended: 3, min_score: 0.08}\n"
        )
    outcome = read_everything(root, None)
    first = sift_catalog(outcome, catalog_of(outcome))  # every paper given its topics
    outcome = read_everything(root, None)
    untopiced, matched = untopiced_catalog(outcome)
    assert all(p.topics == () for p in untopiced.papers)
    after = with_topics(sift_catalog(outcome, untopiced), outcome.config, matched)
    assert [(p.key, p.topics) for p in after.catalog.papers] == [
        (p.key, p.topics) for p in first.catalog.papers
    ]
    recommended = {
        day: [(p.key, p.topics) for p, _ in items] for day, items in after.recommended.items()
    }
    assert recommended == {
        day: [(p.key, p.topics) for p, _ in items] for day, items in first.recommended.items()
    }
    assert any(topics for items in recommended.values() for _, topics in items)
    assert len(after.left_out) > 50  # the cap left most of the day out
    assert collapse in {entry.title for entry in after.left_out}
    assert all(collapse not in w.place for w in outcome.problems.warnings)  # matched
    lossless = next(p for p in after.catalog.papers if p.title == LOSSLESS)
    assert [t.slug for t in lossless.topics if t.field == "curator"] == ["surveys"]
    assert "probabilistic" not in lossless.topic_slugs
