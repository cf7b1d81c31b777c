"""Reading a day as a reader does, in Debian's Chromium: skim the cards on a phone and a
laptop, open an abstract from the keyboard, and have "expand all" remembered."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, copy_digest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from test_browser import CHROMIUM, CHROMIUM_ARGS, _Quiet, _serve, _watched_page

from digest.cli import main

SLICE = FIXTURES / "archive-slice"
NEWEST = "2026-08-21"  # the two-year archive's newest day (the slice holds it whole)


@pytest.fixture(scope="module")
def reading_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_digest(tmp_path_factory.mktemp("reading") / "digest")
    for listing in sorted(SLICE.glob("*.json")):
        shutil.copy(listing, root / "listings" / f"{listing.stem}-hf-daily.json")
    # A fetched digest: its home page can say when a day is missing.
    (root / "listings" / ".fetch-log.json").write_text(
        '{"huggingface": {"2026-08-21": {"result": "ok", "papers": 17, "fetched": "2026-08-21"}}}',
        encoding="utf-8",
    )
    # A group's library, and a low bar: every day recommends its five closest papers,
    # the most the day's first screen has to make room for.
    (root / "library").mkdir()
    (root / "library" / "agents.txt").write_text(
        "EnvHarness: Awakening Static Worlds for Agent Learning\n"
        "SWE-bench Science: Can Coding Agents Resolve Engineering Tasks in Science?\n",
        encoding="utf-8",
    )
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write("\nlibrary: [library]\nranking: {min_score: 0.01}\n")
    assert main(["build", "-q", "-C", str(root)]) == 0
    return root / "site"


@pytest.fixture(scope="module")
def reading_url(reading_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, url = _serve(reading_site, tmp_path_factory.mktemp("served-reading"))
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def reader(chromium: Browser, reading_url: str) -> Iterator[Page]:
    with _watched_page(chromium, reading_url) as page:
        yield page


def card_heights(page: Page) -> list[float]:
    return page.evaluate(
        "() => [...document.querySelectorAll('article.pd-paper')].map(a => a.getBoundingClientRect().height)"
    )


def test_a_day_skims_on_a_phone_and_a_laptop(reader: Page, reading_url: str) -> None:
    reader.set_viewport_size({"width": 390, "height": 844})
    reader.goto(f"{reading_url}days/{NEWEST}/")
    heights = card_heights(reader)
    assert len(heights) >= 10
    average = sum(heights) / len(heights)
    print(f"390x844: {len(heights)} cards, collapsed {average:.0f} px on average")
    assert average <= 330
    # Each card reads as a title, not as its abstract: the abstract is closed.
    assert reader.locator("details.pd-paper__more[open]").count() == 0
    title = reader.locator("article.pd-paper .pd-paper__title").first
    weight = title.evaluate("e => getComputedStyle(e).fontWeight")
    size = float(title.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
    body = float(
        reader.locator(".md-typeset")
        .first.evaluate("e => getComputedStyle(e).fontSize")
        .removesuffix("px")
    )
    assert int(weight) >= 600 and size > body
    reader.set_viewport_size({"width": 1280, "height": 800})
    reader.goto(f"{reading_url}days/{NEWEST}/")
    tops = reader.evaluate(
        "() => [...document.querySelectorAll('article.pd-paper')].map(a => a.getBoundingClientRect().top)"
    )
    above = sum(1 for top in tops if top < 800)
    print(f"1280x800: {above} cards start above the fold")
    # Four, since the gist shows two lines (one cut 7 of 8 gists mid-sentence): the
    # first-screen test below holds every page type to three or more.
    assert above >= 4


FIRST_SCREEN_PAGES = ["", f"days/{NEWEST}/", "topics/agents-rl/", "topics/agents-rl/2026-08/"]


def test_the_first_screen_shows_papers_on_a_phone_and_a_laptop(
    chromium: Browser, reading_url: str
) -> None:
    """Before: on a phone the first card started at 1,253 px (day) and 1,485 px (home),
    below the topic counts and the recommendations; on a laptop the home page's chart
    left a blank column 1,300 px tall."""
    found = {}
    for width, height in ((390, 844), (1280, 800)):
        context = chromium.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for path in FIRST_SCREEN_PAGES:
            page.goto(reading_url + path)
            page.wait_for_load_state("networkidle")
            tops = page.evaluate(
                "() => [...document.querySelectorAll('article.pd-paper')].map(a => a.getBoundingClientRect().top)"
            )
            found[(width, path)] = (round(tops[0]), sum(1 for top in tops if top < height))
            if path in ("", f"days/{NEWEST}/"):
                # The recommendations are there, all five, folded to a line each.
                assert page.locator(".pd-recommended__list li").count() == 5
            # Nothing is wider than the screen, charts included.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
    print(found)
    for path in FIRST_SCREEN_PAGES:
        assert found[(390, path)][0] < 600, (path, found[(390, path)])
    for path in ("", f"days/{NEWEST}/"):
        assert found[(1280, path)][1] >= 3, (path, found[(1280, path)])


def test_chart_text_is_readable_on_a_phone(chromium: Browser, reading_url: str) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(reading_url + "topics/agents-rl/")
    sizes = page.locator(".pd-trend__tick").evaluate_all(
        "ticks => ticks.map(t => t.getBoundingClientRect().height)"
    )
    assert sizes and min(sizes) >= 11, sizes
    context.close()


def test_an_abstract_opens_from_the_keyboard(reader: Page, reading_url: str) -> None:
    reader.goto(f"{reading_url}days/{NEWEST}/")
    card = reader.locator("article.pd-paper").first
    abstract = card.locator(".pd-paper__abstract")
    assert not abstract.is_visible()
    card.locator("details.pd-paper__more > summary").focus()
    reader.keyboard.press("Enter")
    assert abstract.is_visible()
    reader.keyboard.press("Enter")
    assert not abstract.is_visible()


def test_expand_all_is_remembered_across_pages(reader: Page, reading_url: str) -> None:
    reader.goto(f"{reading_url}days/{NEWEST}/")
    switch = reader.locator("button.pd-expand")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    total = reader.locator("details.pd-paper__more").count()
    assert reader.locator("details.pd-paper__more[open]").count() == total > 0
    reader.goto(f"{reading_url}days/2026-08-20/")
    assert reader.locator("button.pd-expand").get_attribute("aria-pressed") == "true"
    assert reader.locator("details.pd-paper__more:not([open])").count() == 0
    reader.locator("button.pd-expand").click()
    reader.reload()
    assert reader.locator("details.pd-paper__more[open]").count() == 0


def test_topic_months_list_brief_cards_that_lead_to_the_whole_card(reading_site: Path) -> None:
    month = reading_site / "topics" / "agents-rl" / "2026-08" / "index.html"
    page = BeautifulSoup(month.read_text(encoding="utf-8"), "html.parser")
    cards = page.select("article.pd-paper--brief")
    assert cards and not page.select(".pd-paper__abstract")
    for card in cards[:5]:
        target = card.select_one(".pd-paper__title a")["href"]
        assert target.startswith("../../../papers/")
        own = BeautifulSoup(
            (month.parent / target / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        assert own.find("article", id=card["id"]).select_one(".pd-paper__abstract") is not None


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        ("2026-08-21T23:30:00Z", False),  # the latest day itself
        ("2026-08-22T10:00:00Z", False),  # Saturday: no listing expected
        ("2026-08-24T10:00:00Z", False),  # Monday: the weekend only
        ("2026-08-25T10:00:00Z", True),  # Tuesday: Monday's listing is missing
    ],
)
def test_the_late_notice_follows_the_sources_week(
    chromium: Browser, reading_url: str, now: str, shown: bool
) -> None:
    with _watched_page(chromium, reading_url) as page:
        page.clock.set_fixed_time(now)
        page.goto(reading_url)
        notice = page.locator(".pd-notice")
        assert notice.get_attribute("data-zone") == "UTC"
        assert notice.is_visible() == shown


@pytest.mark.parametrize("where", [f"days/{NEWEST}/", "papers/2608.19880/"])
def test_copy_bibtex_puts_the_entry_on_the_clipboard(
    chromium: Browser, reading_url: str, where: str
) -> None:
    """On a day page and on a paper's own page (which loads no search script)."""
    with _watched_page(chromium, reading_url) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.goto(reading_url + where)
        bib = page.locator("details.pd-bib").first
        # On a day page the entry sits in the card's folded part: opened as a reader does.
        bib.evaluate(
            "e => { for (let d = e.parentElement.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; }"
        )
        bib.locator("summary").click()
        entry = bib.locator("pre code").text_content() or ""
        assert entry.startswith("@misc{")
        bib.locator(".pd-bib-copy").click()
        expect(bib.locator(".pd-bib-copy")).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == entry


def test_one_site_title_a_skip_link_and_day_counts_that_lead_to_the_days_papers(
    reading_site: Path,
) -> None:
    home = BeautifulSoup((reading_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.title is not None and home.title.get_text() == "Paper Digest"
    skip = home.select_one("a.md-skip")
    assert skip is not None and home.find(id=skip["href"].removeprefix("#")) is not None
    day_page = reading_site / "days" / NEWEST / "index.html"
    day = BeautifulSoup(day_page.read_text(encoding="utf-8"), "html.parser")
    counted = day.select(".pd-topic-counts a")
    assert counted
    for link in counted:
        target, anchor = link["href"].split("#")
        assert anchor == NEWEST
        month = BeautifulSoup(
            (day_page.parent / target / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        heading = month.find(id=anchor)
        assert heading is not None
        # The heading is followed by that day's papers of the topic: as many as the
        # badge counts (those listed again later sit under their later day).
        count = int(link.find_next_sibling("span").get_text())
        shown = []
        for sibling in heading.find_next_siblings():
            if sibling.name == "h2":
                break
            if sibling.name == "article":
                shown.append(sibling)
        assert 1 <= len(shown) <= count


def test_the_skip_link_moves_the_keyboard_past_the_navigation(
    reader: Page, reading_url: str
) -> None:
    reader.goto(f"{reading_url}days/{NEWEST}/")
    reader.keyboard.press("Tab")
    assert reader.evaluate("document.activeElement.classList.contains('md-skip')")
    reader.keyboard.press("Enter")
    assert reader.evaluate("document.activeElement.id") == "pd-content"


def test_saved_and_read_papers_survive_a_rebuild_and_export(
    chromium: Browser, reading_site: Path, tmp_path: Path
) -> None:
    server, url = _serve(reading_site, tmp_path)
    try:
        with _watched_page(chromium, url) as page:
            page.goto(f"{url}days/{NEWEST}/")
            first, second = (
                page.locator("article.pd-paper").nth(0),
                page.locator("article.pd-paper").nth(1),
            )
            first_title = first.locator(".pd-paper__title").inner_text().rstrip("¶").strip()
            first.locator(".pd-tool--save").click()
            second.locator(".pd-tool--read").click()
            assert "pd-read" in (second.get_attribute("class") or "")
            # The digest is built again (a new day, say): the reader's state stays.
            root = reading_site.parent
            assert main(["build", "-q", "-C", str(root)]) == 0
            shutil.rmtree(tmp_path / "repo")
            shutil.copytree(root / "site", tmp_path / "repo")
            page.reload()
            assert first.locator(".pd-tool--save").get_attribute("aria-pressed") == "true"
            assert "pd-read" in (second.get_attribute("class") or "")
            # The Saved page lists it, and exports it as BibTeX and as links.
            page.goto(f"{url}saved/")
            items = page.locator("#pd-saved li a")
            assert items.count() == 1 and items.first.inner_text() == first_title
            with page.expect_download() as bibtex:
                page.locator(".pd-saved-bibtex").click()
            text = Path(bibtex.value.path()).read_text(encoding="utf-8")
            assert text.startswith("@") and first_title.split(":")[0] in text
            with page.expect_download() as links:
                page.locator(".pd-saved-links").click()
            assert "/papers/" in Path(links.value.path()).read_text(
                encoding="utf-8"
            )  # its own page
            page.locator("#pd-saved li .pd-tool").click()
            assert page.locator("#pd-saved li").count() == 0
    finally:
        server.shutdown()


def test_the_keyboard_moves_opens_saves_and_marks_cards(reader: Page, reading_url: str) -> None:
    reader.goto(f"{reading_url}days/{NEWEST}/")
    reader.keyboard.press("j")
    cards = reader.locator("article.pd-paper")
    focused = "document.activeElement.id"
    assert reader.evaluate(focused) == cards.nth(0).get_attribute("id")
    reader.keyboard.press("j")
    assert reader.evaluate(focused) == cards.nth(1).get_attribute("id")
    reader.keyboard.press("k")
    assert reader.evaluate(focused) == cards.nth(0).get_attribute("id")
    reader.keyboard.press("o")
    assert cards.nth(0).locator(".pd-paper__abstract").is_visible()
    reader.keyboard.press("s")
    assert cards.nth(0).locator(".pd-tool--save").get_attribute("aria-pressed") == "true"
    reader.keyboard.press("m")
    assert "pd-read" in (cards.nth(0).get_attribute("class") or "")
    reader.keyboard.press("?")
    help_dialog = reader.locator("dialog.pd-help")
    assert help_dialog.is_visible() and "next card" in help_dialog.inner_text()
    reader.keyboard.press("Escape")
    assert not help_dialog.is_visible()
    # Typing in the search box types; it does not move between cards.
    reader.locator("#pd-search input").fill("j")
    assert reader.evaluate("document.activeElement.tagName") == "INPUT"


def test_the_header_search_shows_focus_and_tab_skips_an_empty_clear_button(
    reader: Page, reading_url: str
) -> None:
    reader.goto(f"{reading_url}days/{NEWEST}/")
    box = reader.locator("#pd-search input")
    box.focus()
    reader.keyboard.press("Shift+Tab")
    reader.keyboard.press("Tab")  # back onto the box, by keyboard: focus-visible
    assert reader.evaluate("document.activeElement.tagName") == "INPUT"
    outline = box.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("", "none")
    reader.keyboard.press("Tab")
    landed = reader.evaluate(
        "() => document.activeElement.className + ' ' + getComputedStyle(document.activeElement).visibility"
    )
    assert "search-clear" not in landed


def test_every_paper_has_a_page_that_previews_and_cites_well(reading_site: Path) -> None:
    import json

    day = BeautifulSoup(
        (reading_site / "days" / NEWEST / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    card = day.select_one("article.pd-paper")
    anchor = card["id"]
    # The card links to the paper's own page; its anchor on the day still works.
    assert card.select_one(".pd-paper__title a.headerlink")["href"] == f"../../papers/{anchor}/"
    page_file = reading_site / "papers" / anchor / "index.html"
    page = BeautifulSoup(page_file.read_text(encoding="utf-8"), "html.parser")
    title = card.select_one(".pd-paper__title").get_text().rstrip("¶")

    def meta(name: str) -> list[str]:
        found = page.find_all("meta", attrs={"name": name}) or page.find_all(
            "meta", attrs={"property": name}
        )
        return [m["content"] for m in found]

    assert page.h1.get_text() == title
    assert meta("og:title") == [title]
    # X reads Open Graph's title, description and picture: its own would repeat them.
    assert meta("twitter:card") and not meta("twitter:title") and not meta("twitter:description")
    assert meta("citation_publication_date") and not meta("citation_date")
    assert meta("og:url") == [f"https://paper-digest.github.io/paper-digest/papers/{anchor}/"]
    assert meta("og:description")[0] and meta("og:type") == ["article"]
    assert meta("citation_title") == [title]
    authors = meta("citation_author")
    assert (
        authors[:3]
        == [a.strip() for a in card.select_one(".pd-paper__authors").contents[0].split(",")][:3]
    )
    assert meta("citation_arxiv_id") == [anchor]
    assert meta("citation_pdf_url") == [f"https://arxiv.org/pdf/{anchor}"]
    assert meta("citation_publication_date")[0].count("/") == 2
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "ScholarlyArticle" and data["name"] == title and data["description"]
    assert [a["name"] for a in data["author"]] == authors
    assert data["sameAs"] == f"https://arxiv.org/abs/{anchor}"
    # The whole abstract, open; every day it was seen on.
    assert page.select_one("details.pd-paper__more[open] .pd-paper__abstract")
    assert page.select(".pd-seen-on li")
    # One page per paper shown on any day.
    shown = {
        a["id"].removeprefix("pick-")
        for day_file in (reading_site / "days").glob("*/index.html")
        for a in BeautifulSoup(day_file.read_text(encoding="utf-8"), "html.parser").select(
            "article.pd-paper"
        )
    }
    assert {p.name for p in (reading_site / "papers").iterdir()} == shown


# axe-core, the accessibility engine of Lighthouse and browsers' dev tools, from npm:
# .ci/run installs it and names it in AXE_CORE_JS.
AXE_CORE = os.environ.get("AXE_CORE_JS", "")
AXE_PAGES = [
    "",
    f"days/{NEWEST}/",
    "topics/agents-rl/",
    "topics/agents-rl/2026-08/",
    "papers/2608.19880/",
    "search/?q=agents",
    "search/?q=agents&sort=date",
    "saved/",
    "feeds/",
    "archive/",
    "status/",
    "404.html",
]


@pytest.mark.skipif(
    not Path(AXE_CORE).is_file(),
    reason="axe-core not installed: npm install axe-core, then AXE_CORE_JS=<its axe.min.js> (.ci/run does)",
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violation_on_any_kind_of_page(
    chromium: Browser, reading_site: Path, tmp_path: Path, scheme: str, width: int
) -> None:
    # Served under the site's own path, as GitHub Pages serves it: the 404 page's links
    # are absolute (it answers for any missing address).
    shutil.copytree(reading_site, tmp_path / "paper-digest")
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/paper-digest/"
    script = Path(AXE_CORE).read_text(encoding="utf-8")
    context = chromium.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme)
    found = {}
    try:
        page = context.new_page()
        for path in AXE_PAGES:
            page.goto(url + path)
            if path.startswith("search/"):
                page.locator(".pd-result").first.wait_for(timeout=10_000)
            page.add_script_tag(content=script)
            violations = page.evaluate(
                """async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag22aa',
                    'wcag21a', 'wcag21aa', 'best-practice']})).violations.map(
                    v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
            )
            if violations:
                found[path or "home"] = violations
    finally:
        context.close()
        server.shutdown()
    assert found == {}


def _truth(reading_site: Path, query: str, topic: str | None, span: str | None) -> set[str]:
    """The papers a narrowed search must show: those Pagefind finds for the query alone
    (every result's address, asked of the index in the page), kept when the listings put
    them in the topic and the period. Computed from the catalog, not from the index."""
    from digest.catalog.merge import catalog_of
    from digest.ingest.digest_reader import read_everything
    from digest.paths import assign_anchors, paper_url

    catalog = catalog_of(read_everything(reading_site.parent, None))
    anchors = assign_anchors(catalog.papers)
    return {
        "/" + paper_url(paper, anchors[paper.key])
        for paper in catalog.papers
        if (topic is None or topic in paper.topic_slugs)
        and (span is None or paper.first_day.isoformat().startswith(span))
    }


_ALL_RESULT_URLS = """async (query) => {
    const primary = new URL('../pagefind/', location.href).pathname;
    const pagefind = await import(primary + 'pagefind.js?truth');
    await pagefind.options({ basePath: primary });
    for (const shard of window.digestSearchShards) {
        await pagefind.mergeIndex(new URL('../pagefind/' + shard + '/', location.href).pathname);
    }
    const search = await pagefind.search(query);
    return Promise.all(search.results.map(r => r.data().then(d => d.url)));
}"""


def _shown_count(reader: Page) -> int:
    message = reader.locator(".pd-results__message").inner_text()
    return 0 if message.startswith("No results") else int(message.split()[0].replace(",", ""))


@pytest.mark.parametrize(
    ("query", "topic", "span"),
    [
        ("benchmark", "code-tools", "2024"),
        ("model", "efficiency", "2024-05"),
        ('"world model"', "agents-rl", "2026"),
        ("agents", None, "2025-01"),
    ],
)
def test_search_narrows_exactly_on_a_sharded_index(
    reader: Page,
    reading_url: str,
    reading_site: Path,
    query: str,
    topic: str | None,
    span: str | None,
) -> None:
    """Before: narrowing added words to the query, and Pagefind, missing such a word in a
    shard, matched a shorter prefix there (pdy2024 as pdy202*): results of other years."""
    shards = (reading_site / "pagefind").iterdir()
    assert sum(1 for p in shards if (p / "pagefind-entry.json").is_file()) >= 1  # sharded
    params = f"q={quote(query)}" + (f"&topic={topic}" if topic else "")
    if span:
        params += f"&year={span[:4]}" + (f"&month={span[5:]}" if len(span) > 4 else "")
    reader.goto(f"{reading_url}search/?{params}")
    reader.locator(".pd-results__message").wait_for(timeout=10_000)
    found = set(reader.evaluate(_ALL_RESULT_URLS, query))
    prefix = urlparse(reading_url).path.rstrip("/")
    expected = {
        url for url in found if url.removeprefix(prefix) in _truth(reading_site, query, topic, span)
    }
    assert expected and len(expected) < len(found)  # narrowed, to something
    assert _shown_count(reader) == len(expected)
    # Every result shown is one of them, with its day in a <time datetime>.
    more = reader.locator(".pd-results__more")
    while more.is_visible():
        shown = reader.locator(".pd-result").count()
        more.click()
        reader.wait_for_function(f"() => document.querySelectorAll('.pd-result').length > {shown}")
    hrefs = reader.locator(".pd-result__title").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert set(hrefs) == expected
    days = reader.locator(".pd-result time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))"
    )
    assert len(days) == len(expected) and all(day.startswith(span or "") for day in days)
    # The narrowing is in the address, to share or come back to.
    assert reader.evaluate("location.search").lstrip("?") == params.replace("%20", "+")


def test_search_shows_the_answer_to_what_the_box_holds(reader: Page, reading_url: str) -> None:
    reader.goto(f"{reading_url}search/")
    box = reader.locator("#pd-q")
    # Typed a letter at a time: every prefix is searched as it comes; the answer shown
    # is the one to the whole word, which no paper holds.
    box.press_sequentially("qzxwvjk", delay=40)
    reader.wait_for_function(
        "() => (document.querySelector('.pd-results__message') || {}).textContent === 'No results for \u201cqzxwvjk\u201d'"
    )
    reader.wait_for_timeout(800)  # nothing later replaces it
    assert (
        reader.locator(".pd-results__message").inner_text() == "No results for \u201cqzxwvjk\u201d"
    )
    assert reader.locator(".pd-result").count() == 0
    box.fill("")
    box.press_sequentially("roofline", delay=40)
    reader.wait_for_function(
        "() => (document.querySelector('.pd-results__message') || {}).textContent.endsWith('for \u201croofline\u201d')"
    )
    assert "q=roofline" in reader.evaluate("location.search")


def test_a_quoted_phrase_finds_its_hyphenated_spelling(reader: Page, reading_url: str) -> None:
    reader.goto(f"{reading_url}search/?q=%22mixture%20of%20experts%22")
    reader.locator(".pd-result").first.wait_for(timeout=10_000)
    titles = reader.locator(".pd-result__title").all_inner_texts()
    assert any("Mixture-of-Experts" in title for title in titles), titles
    reader.goto(f"{reading_url}search/?q=mixture-of-experts")
    reader.locator(".pd-result").first.wait_for(timeout=10_000)
    assert any(
        "Mixture of Experts" in t for t in reader.locator(".pd-result__title").all_inner_texts()
    )
    assert "quotes" in reader.locator(".pd-hint").inner_text()


# Sums the layout shifts a reader did not cause (Cumulative Layout Shift, as Lighthouse
# and Chrome's own metrics count it).
LAYOUT_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""


def test_search_results_are_compact_on_a_phone(chromium: Browser, reading_url: str) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.add_init_script(LAYOUT_SHIFTS)
    page.goto(f"{reading_url}search/?q=model")
    page.locator(".pd-result").nth(9).wait_for(timeout=10_000)
    # Results arriving push nothing the reader sees (the footer was: CLS 0.22).
    assert page.evaluate("window.__layoutShift") < 0.1
    heights = page.locator(".pd-result").evaluate_all(
        "rs => rs.map(r => r.getBoundingClientRect().height)"
    )
    assert max(heights) <= 200, heights
    # The excerpt never starts with an author's surname: the authors come after the text.
    excerpts = page.locator(".pd-result__excerpt").all_inner_texts()
    authors = page.locator(".pd-result__authors").all_inner_texts()
    surnames = {
        name.split()[-1]
        for line in authors
        for name in line.replace(" et al.", "").split(", ")
        if name
    }
    assert not [e for e in excerpts if e.split(" ", 1)[0].strip(",") in surnames]
    context.close()


def test_search_sorts_by_date_and_by_upvotes_across_the_whole_archive(
    reader: Page, reading_url: str
) -> None:
    reader.goto(f"{reading_url}search/?q=model")
    reader.locator(".pd-result").first.wait_for(timeout=10_000)
    best_match = _shown_count(reader)

    reader.select_option("#pd-sort", "date")
    reader.wait_for_function(
        "() => document.querySelector('.pd-results__message').textContent.includes('newest first')"
    )
    assert _shown_count(reader) == best_match
    results = reader.locator(".pd-result")
    # Three pages of results reach back past the newest quarter's shard.
    for shown in (10, 20):
        results.nth(shown - 1).wait_for()  # the page before has arrived whole
        reader.locator(".pd-results__more").click()
        results.nth(shown + 9).wait_for()
    days = [
        dt.date.fromisoformat(day)
        for day in reader.locator(".pd-result time").evaluate_all(
            "ts => ts.map(t => t.getAttribute('datetime'))"
        )
    ]
    assert len(days) == 30
    assert days == sorted(days, reverse=True)
    assert days[0].isoformat() == NEWEST and days[-1].year < 2026

    reader.select_option("#pd-sort", "upvotes")
    reader.wait_for_function(
        "() => document.querySelector('.pd-results__message').textContent.includes('most upvoted')"
    )
    results.nth(9).wait_for()
    upvotes = [
        int(text.lstrip("\u25b2 "))
        for text in reader.locator(".pd-result__upvotes").all_inner_texts()
    ]
    assert len(upvotes) == 10 and upvotes == sorted(upvotes, reverse=True)
    assert upvotes[0] > upvotes[-1]

    # Narrowing applies to the sorted list too.
    reader.select_option("#pd-narrow-when", value="2024")
    reader.wait_for_function(
        "() => document.querySelector('.pd-results__message').textContent.includes(' in 2024')"
    )
    results.first.wait_for()
    days = reader.locator(".pd-result time").evaluate_all(
        "ts => ts.map(t => t.getAttribute('datetime'))"
    )
    assert days and all(day.startswith("2024") for day in days)

    # Back to the best match, and a link with ?sort= opens in that order.
    reader.goto(f"{reading_url}search/?q=model&sort=upvotes")
    reader.wait_for_function(
        "() => (document.querySelector('.pd-results__message') || {}).textContent?.includes('most upvoted')"
    )
    assert reader.locator("#pd-sort").input_value() == "upvotes"


def test_planted_reader_state_and_crafted_links_stay_inert(reader: Page, reading_url: str) -> None:
    """localStorage is shared by every site of an origin (GitHub project pages of one
    owner): what it holds is untrusted. A URL parameter is whatever a link says."""
    reader.goto(f"{reading_url}saved/")
    reader.wait_for_load_state("networkidle")  # each page's favicon too, before it is left
    dialogs: list[str] = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.evaluate(
        r"""() => {
            const src = [...document.scripts].map(s => s.src).find(s => s.includes('assets/digest/reader.js'));
            const key = 'paper-digest:' + src.replace(/assets\/digest\/reader\.js.*$/, '') + ':saved';
            localStorage.setItem(key, JSON.stringify({
                evil: {title: 'Planted', url: 'javascript:alert(1)', bibtex: ''},
                data: {title: 7, url: 'data:text/html,<script>alert(2)</script>'},
                fine: {title: 'A paper', url: 'https://arxiv.org/abs/2401.00001'},
            }));
        }"""
    )
    reader.reload()
    reader.wait_for_load_state("networkidle")
    links = reader.locator("#pd-saved li a")
    links.first.wait_for()
    hrefs = {
        links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(links.count())
    }
    assert hrefs == {"7": None, "A paper": "https://arxiv.org/abs/2401.00001", "Planted": None}
    reader.locator("#pd-saved li a", has_text="Planted").click()
    assert dialogs == []
    reader.wait_for_load_state("networkidle")  # the favicon, before the page is left
    # A crafted ?sort= is a value that is not an order: the page searches as usual.
    crafted = 'x"]]'  # pasted into a selector, a SyntaxError that stopped the page
    reader.goto(f"{reading_url}search/?q=model&sort={crafted}")
    reader.locator(".pd-result").first.wait_for()
    assert reader.locator("#pd-sort").input_value() == "relevance"
    reader.wait_for_load_state("networkidle")


def test_a_shared_paper_page_shows_its_source_picture(reading_site: Path) -> None:
    """Hugging Face gives each paper a social thumbnail: a shared link previews it."""
    page = BeautifulSoup(
        (reading_site / "papers" / "2608.19880" / "index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    image = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2608.19880.png"
    assert page.select_one('meta[property="og:image"]')["content"] == image
    assert not page.select_one('meta[name="twitter:image"]')  # X reads og:image
    assert page.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"
    assert page.select_one('meta[name="citation_doi"]')["content"] == "10.48550/arXiv.2608.19880"
    assert page.select_one('meta[name="citation_abstract"]')["content"].strip()
    assert page.select_one('link[rel="icon"]')["href"].endswith("assets/images/favicon.png")
