"""The built site as a reader gets it: pages, papers, links, escaping, overrides."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import SEED

from digest.build import read_everything
from digest.catalog.merge import build_catalog
from digest.cli import main
from digest.paths import assign_anchors


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def catalog(built_digest: Path):
    outcome = read_everything(built_digest, None)
    return build_catalog(outcome.papers, outcome.config)


def test_a_page_per_day_per_topic_and_the_fixed_pages(site: Path, catalog) -> None:
    assert (site / "days" / "2025-03-11" / "index.html").is_file()
    for topic in catalog.topics:
        assert (site / "topics" / topic.slug / "index.html").is_file(), topic.slug
    for page in (
        "index.html",
        "topics/index.html",
        "archive/index.html",
        "search/index.html",
        "about/index.html",
        "404.html",
    ):
        assert (site / page).is_file(), page


def test_every_paper_on_its_day_page_and_on_each_of_its_topic_pages(site: Path, catalog) -> None:
    anchors = assign_anchors(catalog.papers)
    day = soup(site / "days" / "2025-03-11" / "index.html")
    day_ids = [a["id"] for a in day.select("article.pd-paper")]
    assert day_ids == [anchors[p.key] for p in catalog.on_day(catalog.days()[0])]
    assert len(day_ids) == 86
    for topic in catalog.topics:
        page = soup(site / "topics" / topic.slug / "index.html")
        ids = [a["id"] for a in page.select("article.pd-paper")]
        assert sorted(ids) == sorted(anchors[p.key] for p in catalog.in_topic(topic.slug)), (
            topic.slug
        )
        assert len(ids) == len(set(ids))


def test_a_paper_card_shows_title_topics_abstract_and_links(site: Path) -> None:
    day = soup(site / "days" / "2025-03-11" / "index.html")
    card = day.find("article", id="generative-marginalization-models")
    assert card.h2.get_text().rstrip("¶") == "Generative Marginalization Models"
    topics = [a.get_text() for a in card.select("a.pd-topic")]
    assert "Generative models" in topics
    hrefs = [a["href"] for a in card.select("a.pd-topic")]
    assert all(h.startswith("../../topics/") for h in hrefs)
    assert "marginalization models (MaMs)" in card.select_one(".pd-paper__abstract").get_text()
    buttons = {a.get_text(): a["href"] for a in card.select(".pd-paper__links a")}
    # Pasted without an id: searches by title stand in until an id arrives.
    assert buttons == {
        "Code": "https://github.com/PrincetonLIPS/MaM",
        "Find on arXiv": "https://arxiv.org/search/?query=Generative+Marginalization+Models&searchtype=title",
        "Find on Hugging Face": "https://huggingface.co/papers?q=Generative+Marginalization+Models",
    }
    # The URL inside the abstract is a link too, without the sentence's full stop.
    assert card.select_one('.pd-paper__abstract a[href="https://github.com/PrincetonLIPS/MaM"]')
    # The topic badge tells why the paper is in the topic.
    assert any("matched" in (a.get("title") or "") for a in card.select("a.pd-topic"))


def test_home_shows_the_latest_day_with_topic_counts(site: Path, catalog) -> None:
    home = soup(site / "index.html")
    assert len(home.select("article.pd-paper:not([id^=pick-])")) == 86
    picks = [h.get_text().rstrip("¶") for h in home.select(".pd-picks article.pd-paper h2")]
    assert picks == [
        "Efficiently Modeling Long Sequences with Structured State Spaces",
        "Lossless Compression with Probabilistic Circuits",
    ]
    assert "March 11, 2025" in home.select_one(".pd-summary").get_text()
    counts = {
        li.a.get_text(): int(li.select_one(".pd-count").get_text())
        for li in home.select("ul.pd-topic-counts li")
    }
    expected = {
        t.title: len(catalog.in_topic(t.slug)) for t in catalog.topics if catalog.in_topic(t.slug)
    }
    assert counts == expected


def test_archive_lists_days_by_month(site: Path) -> None:
    archive = soup(site / "archive" / "index.html")
    assert archive.select_one("h2.pd-month").get_text() == "March 2025"
    link = archive.select_one("ul.pd-archive-days a")
    assert link.get_text() == "March 11, 2025" and link["href"] == "../days/2025-03-11/"


def test_every_page_advertises_the_feeds(site: Path) -> None:
    for page in site.rglob("*.html"):
        head = soup(page).head
        rss = head.select('link[rel="alternate"][type="application/rss+xml"]')
        assert rss, page
        base = f"https://x.test/paper-digest/{page.relative_to(site).as_posix()}"
        assert urljoin(base, rss[0]["href"]) == "https://x.test/paper-digest/feed.xml"
    topic = soup(site / "topics" / "reasoning" / "index.html").head
    base = "https://x.test/paper-digest/topics/reasoning/"
    hrefs = [urljoin(base, link["href"]) for link in topic.select('link[rel="alternate"]')]
    assert "https://x.test/paper-digest/feed-reasoning.xml" in hrefs


def test_no_link_on_any_page_is_broken_or_leaves_the_sub_path(site: Path) -> None:
    """Every internal link is relative and points at a file of the site, so the site works
    at https://owner.github.io/repo/ as well as at the root."""
    broken = []
    for page in site.rglob("*.html"):
        relative = page.relative_to(site).as_posix()
        base = f"http://host/repo/{relative}"
        for element in soup(page).select("[href], [src]"):
            value = element.get("href") or element.get("src")
            if re.match(r"^(https?:|mailto:|data:)", value) or value.startswith("#"):
                continue
            if relative == "404.html":
                # GitHub Pages serves 404.html at any depth, so MkDocs writes its links
                # from the root, under site_url's path.
                assert value.startswith("/paper-digest/"), value
                value = "/repo/" + value.removeprefix("/paper-digest/")
            else:
                assert not value.startswith("/"), f"{relative}: root-relative link {value}"
            target = urlsplit(urljoin(base, value)).path
            assert target.startswith("/repo/"), f"{relative}: {value} leaves the sub-path"
            path = site / unquote(target.removeprefix("/repo/"))
            if target.endswith("/"):
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{relative}: {value}")
    assert broken == []


def test_math_is_marked_for_the_self_hosted_typesetter(site: Path) -> None:
    day = soup(site / "days" / "2025-03-11" / "index.html")
    card = day.find(
        "article", id="efficiently-modeling-long-sequences-with-structured-state-spaces"
    )
    spans = [s.get_text() for s in card.select("span.arithmatex")]
    assert spans[0] == r"\( x'(t) = Ax(t) + Bu(t), y(t) = Cx(t) + Du(t) \)"
    assert (site / "assets" / "mathjax" / "tex-chtml.js").stat().st_size > 100_000
    assert any(
        (site / "assets" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff")
    )
    scripts = [s.get("src") for s in day.select("script[src]")]
    assert "../../assets/mathjax/tex-chtml.js" in scripts
    assert not any(s.startswith("http") for s in scripts)
    # A page without a formula does not load MathJax (1.2 MB).
    about = soup(site / "about" / "index.html")
    assert not any("mathjax" in (s.get("src") or "") for s in about.select("script[src]"))


def test_search_index_covers_every_paper(site: Path) -> None:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 86
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    assert not (site / "search" / "search_index.json").exists()  # no lunr index


def test_navigation_is_pruned(site: Path) -> None:
    day = soup(site / "days" / "2025-03-11" / "index.html")
    # With navigation.prune only the active section's children are in the page.
    assert len(day.select("nav.md-nav--primary a.md-nav__link")) < 15


def test_paper_text_is_shown_literally_never_run(digest_dir: Path) -> None:
    hostile_title = '<script>alert("t")</script> **bold** {{ 7*7 }} {% if x %}'
    hostile_abstract = (
        "<img src=x onerror=alert(1)> # Heading [link](javascript:alert(1)) "
        "| a | table | <!-- comment --> {# note #} and a URL https://example.org/a_(b)."
    ) * 3
    (digest_dir / "listings" / "2025-03-11-hf.txt").write_text(
        f"Mar 11\n{hostile_title}\n{hostile_abstract}\n", encoding="utf-8"
    )
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    page = soup(digest_dir / "site" / "days" / "2025-03-11" / "index.html")
    card = page.select_one("article.pd-paper")
    assert card.h2.get_text().rstrip("¶") == hostile_title
    assert card.select_one(".pd-paper__abstract").get_text() == hostile_abstract
    assert not card.select("script, img, h1, table")
    assert [a["href"] for a in card.select(".pd-paper__abstract a")] == [
        "https://example.org/a_(b)"
    ] * 3


def test_a_template_override_replaces_the_builtin_one_file_by_file(digest_dir: Path) -> None:
    (digest_dir / "listings" / SEED.name).write_bytes(SEED.read_bytes())
    pages = digest_dir / "templates" / "pages"
    pages.mkdir(parents=True)
    (pages / "archive.md.j2").write_text(
        "---\ntitle: Every day\n---\n<h1>Our days</h1>\n{% for month, days in months %}"
        '<p class="mine">{{ month | month_name }}: {{ days | length }} days</p>{% endfor %}\n',
        encoding="utf-8",
    )
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    archive = soup(digest_dir / "site" / "archive" / "index.html")
    assert archive.select_one("p.mine").get_text() == "March 2025: 1 days"
    # The other pages still come from the built-in templates.
    assert soup(digest_dir / "site" / "index.html").select("article.pd-paper")


def test_trend_charts_are_well_formed_svg_with_a_text_alternative(
    site: Path, hostile_site: Path
) -> None:
    import xml.etree.ElementTree as ET

    svg_ns = "{http://www.w3.org/2000/svg}"
    # One week of papers has no trend: no chart.
    assert soup(site / "index.html").select("svg.pd-trend") == []
    home = soup(hostile_site / "site/index.html")
    chart = ET.fromstring(str(home.select_one("svg.pd-trend")))
    assert chart.get("role") == "img"
    assert chart.find(f"{svg_ns}title").text == "Papers per month, by topic"
    description = chart.find(f"{svg_ns}desc").text
    # The last two years of months; the paper dated 2031 (in "Other") is the last point.
    assert "Other: 2029-02 0, " in description and ", 2031-01 1" in description
    legend = [li.get_text() for li in home.select(".pd-trend__legend li")]
    assert len(legend) == len(chart.findall(f"{svg_ns}polyline")) > 1
    topic = ET.fromstring(
        str(soup(hostile_site / "site/topics/other/index.html").select_one("svg.pd-trend"))
    )
    assert topic.find(f"{svg_ns}title").text == "Papers per month: Other"
    bars = topic.findall(f"{svg_ns}rect")
    assert len(bars) == len(topic.find(f"{svg_ns}desc").text.split(",")) == 24


def test_no_page_shows_its_front_matter(spread_site: Path) -> None:
    """Every page's title and settings went to MkDocs, none into the text a reader sees."""
    pages = sorted(spread_site.rglob("index.html"))
    assert len(pages) > 40
    for page in pages:
        article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
            "article.md-content__inner"
        )
        if article is None:
            continue
        text = article.get_text(" ")
        for leak in ("hide:", "feed_title:"):
            assert leak not in text, f"{page.relative_to(spread_site)} shows {leak!r}"


def test_the_status_page_says_how_big_the_site_is(site: Path) -> None:
    from digest.publish.swap import SITE_MARKER

    page = BeautifulSoup((site / "status/index.html").read_text(encoding="utf-8"), "html.parser")
    said = page.select_one("p.pd-site-size").get_text()
    files = [p for p in site.rglob("*") if p.is_file() and p.name != SITE_MARKER]
    size = sum(p.stat().st_size for p in files)
    match = re.match(r"The site is ([\d.,]+) MB in ([\d,]+) files; GitHub Pages", said)
    assert match is not None, said
    assert int(match.group(2).replace(",", "")) == len(files)
    # The figure is taken before the sentence replaced its marker: a few bytes apart.
    assert abs(float(match.group(1)) - size / 1e6) < 0.1
    assert said.endswith("Its listings are too recent to tell how fast it grows.")
