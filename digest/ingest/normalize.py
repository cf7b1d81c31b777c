"""Turn raw records into ``Paper``s: cleaned text, a stable key, classified links."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from typing import Any
from urllib.parse import urlsplit

from digest.identity import paper_key, split_arxiv_id
from digest.model import Appearance, Described, Links, Paper, Record

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?'\"*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


# Characters no XML or HTML output can carry: C0 controls other than tab, newline and
# return, lone surrogates (JSON's "\ud800" decodes to one), U+FFFE and U+FFFF.
_UNCARRIABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Drop characters no output can carry; everything else is kept as written."""
    return _UNCARRIABLE.sub("", text)


def collapse_whitespace(text: str) -> str:
    return " ".join(clean_text(text).split())


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


def _https_or_none(value: str | None) -> str | None:
    """An https address as given, else None: a page only ever points at a safe picture."""
    if not value or not re.match(r"^https://[^\s\"'<>]+$", value.strip()):
        return None
    return value.strip()


def _text_or_none(value: str | None) -> str | None:
    """Collapsed text, or None when nothing is left."""
    if value is None:
        return None
    cleaned = collapse_whitespace(value)
    return cleaned or None


def _merge_links(explicit: Links, found: Links) -> Links:
    return Links(
        **{
            name: getattr(explicit, name) or getattr(found, name)
            for name in ("abstract", "pdf", "code", "project", "huggingface")
        }
    )


# arXiv caps abstracts at 1,920 characters; a text ten times that is not an abstract,
# and every page, feed and search record that shows it would carry it whole.
MAX_ABSTRACT_CHARS = 20_000
MAX_TITLE_CHARS = 1_000


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, marked as cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return f"{cut} […]"


def _texts(values: tuple[str, ...]) -> tuple[str, ...]:
    """Collapsed, empty ones dropped, each once."""
    return tuple(dict.fromkeys(collapse_whitespace(v) for v in values if v.strip()))


# How each described field is cleaned (``model.Described``); ``links`` is handled apart
# because the abstract's URLs join it.
CLEAN: dict[str, Callable[[Any], Any]] = {
    "authors": lambda authors: tuple(collapse_whitespace(a) for a in authors if a.strip()),
    "links": lambda links: links,
    "published": lambda day: day,
    "updated": lambda day: day,
    "upvotes": lambda count: count,
    "github_stars": lambda count: count,
    "categories": _texts,
    "comment": _text_or_none,
    "journal_ref": _text_or_none,
    "doi": _text_or_none,
    "ai_summary": _text_or_none,
    "thumbnail": _https_or_none,
    "ai_keywords": _texts,
    "tags": _texts,
}


def to_paper(record: Record) -> Paper:
    title = shorten(collapse_whitespace(record.title), MAX_TITLE_CHARS)
    abstract = shorten(collapse_whitespace(record.abstract or ""), MAX_ABSTRACT_CHARS)
    arxiv_id = version = None
    if record.arxiv_id is not None:
        parsed = split_arxiv_id(record.arxiv_id)
        if parsed is not None:
            arxiv_id, version = parsed
    described = {
        field.name: CLEAN[field.name](getattr(record, field.name)) for field in fields(Described)
    }
    urls = record.urls + tuple(url for _, _, url in find_urls(abstract))
    described["links"] = _merge_links(record.links, classify_links(urls, arxiv_id))
    return Paper(
        **described,
        key=paper_key(arxiv_id, title, described["doi"]),
        title=title,
        abstract=abstract,
        appearances=(
            Appearance(
                day=record.listing_day,
                source=record.source,
                rank=record.rank,
                origin=record.origin,
                kind=record.announce_type,
            ),
        ),
        arxiv_id=arxiv_id,
        version=version,
        notes=(clean_text(record.note).strip(),) if record.note and record.note.strip() else (),
    )
