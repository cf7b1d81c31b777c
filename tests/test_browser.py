"""What a reader sees, in a real browser: Debian's Chromium, headless, driven by Playwright.

The site is served under a sub-path (/repo/), as GitHub Pages serves a project site.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The flags keep Chromium from reaching for Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(site: Path, root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    shutil.copytree(site, root / "repo")
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/repo/"


@pytest.fixture(scope="module")
def base_url(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, url = _serve(site, tmp_path_factory.mktemp("served"))
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, url = _serve(hostile_site / "site", tmp_path_factory.mktemp("served-hostile"))
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def spread_url(spread_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, url = _serve(spread_site, tmp_path_factory.mktemp("served-spread"))
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def _watched_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page that fails the test on console errors, failed or external requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(base_url.rsplit("/repo/", 1)[0])
            else problems.append(f"external request: {r.url}")
        ),
    )
    yield page
    context.close()
    assert problems == []


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    with _watched_page(browser, base_url) as page:
        yield page


@pytest.fixture
def spread_page(browser: Browser, spread_url: str) -> Iterator[Page]:
    with _watched_page(browser, spread_url) as page:
        yield page


def test_home_topic_link_search_and_math(page: Page, base_url: str) -> None:
    page.goto(base_url)
    expect(page.locator("h1").first).to_have_text("Paper Digest")
    assert page.locator("article.pd-paper:not([id^=pick-])").count() == 86
    # The seed is kept by hand (nothing is fetched): no notice that papers are late.
    expect(page.locator(".pd-notice")).to_have_count(0)

    # Follow a topic link from the home page's topic counts: to that day's papers of it.
    page.locator("ul.pd-topic-counts a", has_text="Probabilistic methods").click()
    page.wait_for_url(base_url + "topics/probabilistic/2025-03/#2025-03-11")
    expect(page.locator("h1").first).to_contain_text("Probabilistic methods")
    expect(page.locator('[id="2025-03-11"]')).to_be_in_viewport()
    expect(
        page.locator(
            "article.pd-paper", has_text="Lossless Compression with Probabilistic Circuits"
        )
    ).to_have_count(1)

    # Search from the header box.
    page.locator("#pd-search input").fill("probabilistic circuits")
    result = page.locator(
        ".pagefind-ui__result-link", has_text="Lossless Compression with Probabilistic Circuits"
    )
    expect(result).to_be_visible(timeout=10_000)
    result.click()
    page.wait_for_url(
        base_url + "days/2025-03-11/#lossless-compression-with-probabilistic-circuits"
    )
    expect(page.locator("#lossless-compression-with-probabilistic-circuits")).to_be_in_viewport()

    # The S4 formula is typeset by the self-hosted MathJax, shown when its abstract opens.
    s4 = page.locator("#efficiently-modeling-long-sequences-with-structured-state-spaces")
    s4.locator("details.pd-paper__more > summary").click()
    formula = s4.locator(".pd-paper__abstract span.arithmatex").first
    expect(formula.locator("mjx-container")).to_have_count(1, timeout=10_000)
    assert "\\(" not in formula.inner_text()


def test_search_page_answers_a_query_link(page: Page, base_url: str) -> None:
    page.goto(base_url + "search/?q=roofline")
    result = page.locator(".pd-result__title")
    expect(result.first).to_have_text(
        "LLM Inference Unveiled: Survey and Roofline Model Insights", timeout=10_000
    )
    first = page.locator(".pd-result").first
    assert "Surveys" in first.locator(".pd-result__topics").inner_text()
    assert first.locator("time").get_attribute("datetime") == "2025-03-11"
    assert page.locator("#pd-q").input_value() == "roofline"


def test_readable_on_a_390_px_phone_with_dark_mode(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    page.goto(base_url + "days/2025-03-11/")
    # Every abstract open, formulas typeset: none widens the page.
    page.locator("button.pd-expand").click()
    page.locator("mjx-container").first.wait_for(timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("button.pd-expand").click()  # as the next reader expects it
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    # The header offers search (a link to the search page on narrow screens).
    expect(page.locator("a.pd-search-link")).to_be_visible()
    page.locator("a.pd-search-link").click()
    page.wait_for_url(base_url + "search/")
    context.close()


def test_light_dark_toggle(page: Page, base_url: str) -> None:
    page.goto(base_url + "about/")
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert {before, after} == {"default", "slate"}


def test_hostile_text_never_runs_on_pages_or_in_search(browser: Browser, hostile_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (
        "days/2025-01-10/",
        "days/2025-01-11/",
        "days/2025-01-14/",
        "days/2025-01-15/",
        "",
    ):
        page.goto(hostile_url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned") is None, path
        assert (
            page.locator(
                "article.pd-paper script, article.pd-paper img, article.pd-paper iframe, article.pd-paper svg"
            ).count()
            == 0
        )
    # The search index carries the same text; its results must show it as text too.
    page.goto(hostile_url + "search/?q=script")
    results = page.locator(".pd-result")
    expect(results.first).to_be_visible(timeout=10_000)
    title = '<script>window.__pwned=1;alert("x")</script> Title with a script'
    expect(page.locator(".pd-result__title", has_text=title)).to_have_count(1)
    page.wait_for_timeout(500)
    assert page.locator("#pd-results script, #pd-results img, #pd-results iframe").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    context.close()


def test_search_finds_papers_in_every_shard(spread_page: Page, spread_url: str) -> None:
    page = spread_page
    """The index is split by period; one query searches them all, from any page."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(spread_url + "about/")
    box = page.locator("#pd-search input")
    for query, title, day in (
        ("EnvHarness", "EnvHarness: Awakening Static Worlds for Agent Learning", "2026-08-21"),
        ("roofline", "LLM Inference Unveiled: Survey and Roofline Model Insights", "2025-03-11"),
        ("Grokked", "Grokked Transformers are Implicit Reasoners", "2024-05-27"),
    ):
        box.fill(query)
        link = page.locator(".pagefind-ui__result-link", has_text=title)
        expect(link).to_be_visible(timeout=10_000)
        assert f"/repo/days/{day}/#" in (link.get_attribute("href") or "")
    # The WebAssembly is fetched once, from the primary bundle, for all shards.
    assert [url for url in fetched if url.endswith(".pagefind") and "wasm" in url] == [
        spread_url + "pagefind/wasm.en.pagefind"
    ]


def test_author_and_bibtex_toggles_sit_beside_their_text(
    spread_page: Page, spread_url: str
) -> None:
    """Material pulls a summary left into its box's padding; ours have none, so an
    uncorrected "and 11 more" would sit on top of the last author's name."""
    page = spread_page
    page.goto(spread_url + "days/2026-08-21/")
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll('.pd-paper__authors')].flatMap((authors) => {
            const more = authors.querySelector('.pd-more > summary');
            if (!more) return [];
            const range = document.createRange();
            range.selectNodeContents(authors.firstChild);
            const text = range.getBoundingClientRect();
            const summary = more.getBoundingClientRect();
            return summary.top < text.bottom - 2 && summary.left < text.right ? [authors.textContent] : [];
        })"""
    )
    assert page.locator(".pd-more > summary").count() > 0
    assert overlaps == []
    article = page.locator("article.pd-paper").first.bounding_box()
    bib = page.locator("article.pd-paper").first.locator(".pd-bib > summary").bounding_box()
    assert article is not None and bib is not None
    assert bib["x"] >= article["x"]
