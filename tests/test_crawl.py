"""The built site served at its project sub-path (/paper-digest/, as GitHub Pages serves
https://owner.github.io/paper-digest/): a crawl from the home page finds no broken page,
asset or feed link, and a missing page gets the styled 404 page."""

from __future__ import annotations

import functools
import http.server
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import local_server

PREFIX = "/paper-digest/"


class PagesLike(http.server.SimpleHTTPRequestHandler):
    """Serves the site under PREFIX and answers unknown paths with 404.html, as Pages does."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / PREFIX.strip("/") / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def served(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("pages")
    (root / PREFIX.strip("/")).symlink_to(site)
    with local_server(functools.partial(PagesLike, directory=str(root))) as base:
        yield base


def status_of(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers.get("Content-Type", "")


def test_crawl_finds_nothing_broken(served: str) -> None:
    start = served + PREFIX
    queue, seen, broken, pages = [start], {start}, [], 0
    while queue:
        url = queue.pop()
        status, body, kind = status_of(url)
        if status != 200:
            broken.append(f"{url}: {status}")
            continue
        if "text/html" not in kind:
            continue
        pages += 1
        for element in BeautifulSoup(body, "html.parser").select("[href], [src]"):
            target = urldefrag(urljoin(url, element.get("href") or element.get("src")))[0]
            if urlsplit(target).netloc != urlsplit(served).netloc:
                continue  # links to arXiv, GitHub, ... are not ours to check
            assert urlsplit(target).path.startswith(PREFIX), (
                f"{url} links outside the sub-path: {target}"
            )
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert broken == []
    assert pages >= 30
    assert {PREFIX + "feed.xml", PREFIX + "feed-reasoning.xml", PREFIX + "status.xml"} <= {
        urlsplit(u).path for u in seen
    }


def test_missing_page_gets_the_styled_404(served: str) -> None:
    status, body, _ = status_of(served + PREFIX + "no/such/page/")
    assert status == 404
    soup = BeautifulSoup(body, "html.parser")
    assert soup.select_one("h1").get_text() == "404 - Not found"
    stylesheets = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    assert any("main" in href for href in stylesheets)
    for href in stylesheets:
        assert status_of(urljoin(served + PREFIX + "no/such/page/", href))[0] == 200, href
