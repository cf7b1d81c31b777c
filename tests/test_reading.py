"""Reading a day as a reader does, in Debian's Chromium: skim the cards on a phone and a
laptop, open an abstract from the keyboard, and have "expand all" remembered."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, copy_digest
from playwright.sync_api import Browser, Page, sync_playwright
from test_browser import CHROMIUM, CHROMIUM_ARGS, _serve, _watched_page

from digest.cli import main

SLICE = FIXTURES / "archive-slice"
NEWEST = "2026-08-21"  # the two-year archive's newest day (the slice holds it whole)


@pytest.fixture(scope="module")
def reading_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_digest(tmp_path_factory.mktemp("reading") / "digest")
    for listing in sorted(SLICE.glob("*.json")):
        shutil.copy(listing, root / "listings" / f"{listing.stem}-hf-daily.json")
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
    body = float(reader.locator(".md-typeset").first.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
    assert int(weight) >= 600 and size > body
    reader.set_viewport_size({"width": 1280, "height": 800})
    reader.goto(f"{reading_url}days/{NEWEST}/")
    tops = reader.evaluate(
        "() => [...document.querySelectorAll('article.pd-paper')].map(a => a.getBoundingClientRect().top)"
    )
    above = sum(1 for top in tops if top < 800)
    print(f"1280x800: {above} cards start above the fold")
    assert above >= 5


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
        target, anchor = card.select_one(".pd-paper__title a")["href"].split("#")
        day = BeautifulSoup((month.parent / target / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert day.find("article", id=anchor).select_one(".pd-paper__abstract") is not None
