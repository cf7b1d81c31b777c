"""Shared fixtures: the shipped digest copied to a temporary folder, built once per session."""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from digest.cli import main

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "listings" / "2025-03-11-hf-trending.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Property tests draw their full count of examples in CI (.ci/run sets CI=true) and a
# fifth of it elsewhere (the fast tier on a laptop).
IN_CI = bool(os.environ.get("CI"))


def examples(full: int) -> int:
    """How many examples a property test draws here: ``full`` in CI."""
    return full if IN_CI else max(full // 5, 20)


SHIPPED = ("digest.yml", "mkdocs.yml", "curation.yml", "content", "templates", "listings")
# Tags and attributes a paper card may contain; anything else in one was injected.
CARD_TAGS = {
    "article",
    "h2",
    "a",
    "div",
    "p",
    "span",
    "details",
    "summary",
    "ul",  # related papers
    "li",
    "pre",
    "code",
    "button",
}
CARD_ATTRIBUTES = {"class", "id", "href", "title", "rel", "type", "open"}


@contextmanager
def local_server(handler: Callable[..., Any]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1, in a thread, for the length of the block: its
    base URL (no trailing slash). It looks for a stop every 10 ms, so stopping it is
    quick (the default 0.5 s was paid by every test's teardown, and 50 ms by the fast
    tier's 40 tests with a server: a second of it)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def copy_digest(target: Path, *, listings: bool = True) -> Path:
    """A copy of the shipped digest (config, content, templates; listings if asked)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SHIPPED:
        source = REPO / name
        if name == "listings" and not listings:
            (target / "listings").mkdir()
        elif name == "curation.yml" and not listings:
            continue  # its entries name the shipped listing's papers
        elif source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


_LINK = re.compile(r'(?:href|src)="([^"]*)"')
SITE_PATH = "/paper-digest/"  # the shipped site_url's path


def broken_links(site: Path) -> list[str]:
    """Every link of every page of ``site`` to a file of the site that is not there."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        for link in _LINK.findall(page.read_text(encoding="utf-8")):
            target = unquote(link.split("#", 1)[0].split("?", 1)[0])
            if not target or ":" in target.split("/", 1)[0] or target.startswith("//"):
                continue  # this page, or another site (https:, mailto:, data:)
            if target.startswith("/"):
                if not target.startswith(SITE_PATH):
                    broken.append(f"{page.relative_to(site)}: {link} (outside the site)")
                    continue
                found = site / target[len(SITE_PATH) :]
            else:
                found = page.parent / target
            if found.is_dir():
                found = found / "index.html"
            if not found.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
    return broken


@pytest.fixture(scope="session")
def built_digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped digest, built once with ``digest build``; tests only read it."""
    root = copy_digest(tmp_path_factory.mktemp("shipped") / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    return root


@pytest.fixture(scope="session")
def site(built_digest: Path) -> Path:
    return built_digest / "site"


@pytest.fixture
def digest_dir(tmp_path: Path) -> Path:
    """An empty-listings copy of the shipped digest, for tests that bring their own listing."""
    return copy_digest(tmp_path / "digest", listings=False)


HOSTILE_BUILDABLE = [
    "2025-01-10-hf-daily.json",
    "2025-01-11-hf-trending.txt",
    "2025-01-12-hf-daily.json",
    "2025-01-14-arxiv-rss.xml",
    "2025-01-15-curator.yml",
    "2025-01-16-arxiv-api.xml",
    "2025-01-17-arxiv-list.html",
    "2025-01-18-hf-papers.html",
    "2031-01-01-hf-trending.txt",
]


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A digest built from the hostile corpus (tests/fixtures/hostile) that builds."""
    root = copy_digest(tmp_path_factory.mktemp("hostile") / "digest", listings=False)
    for name in HOSTILE_BUILDABLE:
        shutil.copy(FIXTURES / "hostile" / name, root / "listings" / name)
    assert main(["build", "-q", "-C", str(root)]) == 0
    return root


# Listings over three years, so the search index has several shards (2026-q3, 2025, 2024).
SPREAD_LISTINGS = [
    "hfnewsletter_daily_papers_2024-05-27.json",
    "hfnewsletter_daily_papers_2025-01-10.json",
    "hfnewsletter_daily_papers_2026-08-21.json",
]


def spread_digest(target: Path, names: list[str] = SPREAD_LISTINGS) -> Path:
    """The shipped digest plus real Hugging Face days from 2024 to 2026."""
    root = copy_digest(target)
    for name in names:
        shutil.copy(FIXTURES / "formats" / name, root / "listings" / name)
    return root


@pytest.fixture(scope="session")
def spread_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = spread_digest(tmp_path_factory.mktemp("spread") / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    return root / "site"


# Test tiers. The fast tier (``pytest -m "not slow and not browser"``) runs no MkDocs,
# Pagefind or browser: whole modules that build sites are marked here, single tests in
# mixed modules with ``@pytest.mark.slow``; the guard below fails any unmarked test that
# builds, so the markers cannot drift.
SLOW_MODULES = {
    "test_archive",
    "test_atomic",
    "test_bad_input",
    "test_bibtex",
    "test_cache_damage",
    "test_cli",
    "test_crawl",
    "test_curation",
    "test_determinism",
    "test_environment",
    "test_feeds",
    "test_fetch",
    "test_golden",
    "test_hostile",
    "test_incremental",
    "test_platform",
    "test_publish",
    "test_safety",
    "test_settled_catalog",
    "test_site",
    "test_up_to_date",
}
BROWSER_MODULES = {"test_browser", "test_reading"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in BROWSER_MODULES:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
        elif module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fast_tests_build_nothing(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if request.node.get_closest_marker("slow") is not None:
        return

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError(
            f"{request.node.nodeid} runs MkDocs or Pagefind: mark it @pytest.mark.slow"
        )

    from digest.publish import mkdocs_run
    from digest.site import search

    monkeypatch.setattr(mkdocs_run, "mkdocs_build", refused)
    monkeypatch.setattr(search, "PagefindService", refused)


@pytest.fixture(autouse=True, scope="session")
def _listings_settle_in_the_tests() -> Iterator[None]:
    """The suite's digests have a few listings each, fewer than the newest ones a build
    leaves unsettled (``settled_catalog.TAIL``, 7). With one, every listing but the
    newest settles, so each warm == cold test goes through the settled catalog too."""
    from digest import build_reading

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_reading, "TAIL", 1)
        yield


@pytest.fixture(autouse=True, scope="session")
def _user_cache_of_the_tests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds keep compiled templates in the user's cache folder: the tests' own, not the
    home folder of whoever runs them."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before
