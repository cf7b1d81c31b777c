"""Turn raw records into ``Paper``s: cleaned text, a stable key, classified links."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from digest.model import Appearance, Links, Paper, Record

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?'\"*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$")


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def title_key(title: str) -> str:
    """A key that two spellings of one title share: case, accents, punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", letters))


def trim_url(candidate: str) -> str:
    """Drop the punctuation that ends a sentence or closes a parenthesis around a URL.

    A closing bracket is kept when the URL itself opened it (``.../Foo_(bar)``).
    """
    url = candidate
    while url:
        last = url[-1]
        if last in _TRAILING_PUNCTUATION or (
            last in _CLOSERS and url.count(_CLOSERS[last]) < url.count(last)
        ):
            url = url[:-1]
        else:
            break
    return url


def find_urls(text: str) -> list[tuple[int, int, str]]:
    """Every http(s) URL in ``text`` as (start, end, url), trailing punctuation excluded."""
    found = []
    for match in _URL.finditer(text):
        url = trim_url(match.group())
        if urlsplit(url).netloc:
            found.append((match.start(), match.start() + len(url), url))
    return found


def split_arxiv_id(raw: str) -> tuple[str, int | None] | None:
    """``2401.01234v2`` -> (``2401.01234``, 2); old style ``cond-mat/0412498`` too."""
    candidate = raw.strip()
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(candidate)
        if match:
            version = int(match.group(2)[1:]) if match.group(2) else None
            return match.group(1), version
    return None


def _host(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host.removeprefix("www.")


def is_code_url(url: str) -> bool:
    """A repository on GitHub: github.com/owner/repo[/...]."""
    if _host(url) != "github.com":
        return False
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return len(parts) >= 2


def classify_links(urls: tuple[str, ...], arxiv_id: str | None) -> Links:
    code = next((u for u in urls if is_code_url(u)), None)
    project = next(
        (u for u in urls if _host(u) not in {"github.com", "arxiv.org", "huggingface.co"}),
        None,
    )
    huggingface = next((u for u in urls if _host(u) == "huggingface.co"), None)
    abstract = pdf = None
    if arxiv_id is not None:
        abstract = f"https://arxiv.org/abs/{arxiv_id}"
        pdf = f"https://arxiv.org/pdf/{arxiv_id}"
    return Links(abstract=abstract, pdf=pdf, code=code, project=project, huggingface=huggingface)


def paper_key(arxiv_id: str | None, title: str) -> str:
    if arxiv_id is not None:
        return f"arxiv:{arxiv_id}"
    return f"title:{title_key(title)}"


def to_paper(record: Record) -> Paper:
    title = collapse_whitespace(record.title)
    abstract = collapse_whitespace(record.abstract or "")
    arxiv_id = None
    if record.arxiv_id is not None:
        parsed = split_arxiv_id(record.arxiv_id)
        arxiv_id = parsed[0] if parsed else None
    urls = record.urls + tuple(url for _, _, url in find_urls(abstract))
    return Paper(
        key=paper_key(arxiv_id, title),
        title=title,
        abstract=abstract,
        appearances=(
            Appearance(
                day=record.listing_day,
                source=record.source,
                rank=record.rank,
                origin=record.origin,
            ),
        ),
        authors=tuple(collapse_whitespace(a) for a in record.authors if a.strip()),
        arxiv_id=arxiv_id,
        links=classify_links(urls, arxiv_id),
        published=record.published,
        upvotes=record.upvotes,
    )
