"""An arXiv listing page, ``arxiv.org/list/<category>/new`` (the 2026 layout).

The page heading gives the day ("Showing new listings for Wednesday, 12 August 2026");
sections "New submissions", "Cross submissions" (or "Cross-lists") and "Replacement
submissions" tell new, cross-listed and replaced entries apart. Each entry is a
``<dt>`` (id, links) followed by a ``<dd>`` (title, authors, comments, subjects, abstract).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from digest.ingest.readers.common import RecordList, date_from_name
from digest.model import Record
from digest.problems import Problems

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bs4 import BeautifulSoup, PageElement, Tag

    from digest.ingest.readers import ListingContext

SOURCE = "arxiv"
_HEADING_DAY = re.compile(r"listings for \w+,\s+(\d{1,2})\s+(\w+)\s+(\d{4})", re.IGNORECASE)
_SUBJECT_CODE = re.compile(r"\(([a-z-]+(?:\.[A-Za-z-]+)?)\)")
_SECTION_KINDS = (("new submission", "new"), ("cross", "cross"), ("replace", "replace"))


def accepts(text: str) -> bool:
    return text.lstrip()[:1] == "<" and ("list-title" in text and "arXiv:" in text)


# What starts another entry or section: a part is looked for inside an entry up to these.
_ENTRY_STARTS = frozenset({"dt", "dd", "dl", "h3"})
# ... and its text read up to these, the entry's own parts too (a title's text stops at
# the authors after it). HTML lets a page leave out the end tags of p, dt and dd (a
# minifier does); Python's parser then nests everything after one inside it, so its text
# would be the rest of the page (and each entry's read of it the page again: 2 MB took 4
# CPU s, 3 MB 9; an entry without comments found a later entry's).
_ENTRY_PARTS = _ENTRY_STARTS | {"p", "div"}


def _own(container: Tag, around: frozenset[str]) -> Iterator[PageElement]:
    """What ``container`` holds, in document order, without looking inside the tags
    named in ``around`` (they are given, their insides are not)."""
    from bs4 import Tag

    pending = list(reversed(container.contents))
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, Tag) and node.name not in around:
            pending.extend(reversed(node.contents))


def _text(element: Tag, separator: str = " ", strip: bool = True) -> str:
    """``element.get_text(separator, strip=strip)`` up to the next entry part nested in
    it (a part whose end tag the page left out)."""
    from bs4 import NavigableString

    pieces = (
        node.strip() if strip else str(node)
        for node in _own(element, _ENTRY_PARTS)
        if type(node) is NavigableString  # not a comment, doctype or CDATA
    )
    return separator.join(piece for piece in pieces if piece)


def _part(
    container: Tag, name: str | None = None, css_class: str | None = None, **attrs: str
) -> Tag | None:
    """``container.find(name, class_=css_class, **attrs)`` without looking inside another
    entry nested in it (whose end tags the page left out)."""
    from bs4 import Tag

    for node in _own(container, _ENTRY_STARTS):
        if (
            isinstance(node, Tag)
            and (name is None or node.name == name)
            and (css_class is None or css_class in (node.get("class") or ()))
            and all(node.get(key) == value for key, value in attrs.items())
        ):
            return node
    return None


def _descriptor_text(container: Tag, css_class: str) -> str | None:
    element = _part(container, css_class=css_class)
    if element is None:
        return None
    for descriptor in element.find_all(class_="descriptor"):
        descriptor.extract()
    return _text(element) or None


def _listing_day(soup: BeautifulSoup) -> dt.date | None:
    for heading in soup.find_all("h3"):
        match = _HEADING_DAY.search(_text(heading))
        if match:
            try:
                return dt.datetime.strptime(" ".join(match.groups()), "%d %B %Y").date()
            except ValueError:
                return None
    return None


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    from bs4 import BeautifulSoup  # here: a build reads a listing page only when it changed

    display = context.display
    soup = BeautifulSoup(text, "html.parser")
    day = _listing_day(soup) or date_from_name(context.path.name) or context.fallback_date
    if day is None:
        problems.error(
            display,
            None,
            "no listing date: the page has no 'Showing new listings for ...' heading; name the file with the day (YYYY-MM-DD) or pass --date YYYY-MM-DD",
        )
        return []
    listed = RecordList(display, SOURCE)
    kind = "new"
    for element in soup.find_all(["h3", "dt"]):
        if element.name == "h3":
            heading = _text(element).lower()
            kind = next((k for label, k in _SECTION_KINDS if label in heading), kind)
            continue
        place = f"entry {len(listed.records) + 1}"
        abstract_link = _part(element, "a", title="Abstract")
        details = element.find_next_sibling("dd")
        if abstract_link is None or details is None:
            problems.warn(display, place, "an entry without its id or details; skipped")
            continue
        arxiv_id = _text(abstract_link, "").removeprefix("arXiv:")
        entry_kind = kind
        if "cross-list" in _text(element, strip=False).lower() and kind == "replace":
            entry_kind = "replace-cross"
        title = _descriptor_text(details, "list-title")
        if not title:
            problems.warn(display, place, f"entry {arxiv_id} has no title; skipped")
            continue
        authors_element = _part(details, css_class="list-authors")
        authors = tuple(_text(a) for a in authors_element.find_all("a")) if authors_element else ()
        subjects = _descriptor_text(details, "list-subjects") or ""
        abstract_element = _part(details, "p", "mathjax")
        listed.add(
            f"entry {arxiv_id}",
            day,
            title,
            abstract=_text(abstract_element) if abstract_element else None,
            authors=authors,
            arxiv_id=arxiv_id,
            categories=tuple(_SUBJECT_CODE.findall(subjects)),
            comment=_descriptor_text(details, "list-comments"),
            journal_ref=_descriptor_text(details, "list-journal-ref"),
            announce_type=entry_kind,
        )
    if not listed.records:
        problems.error(
            display, None, "an arXiv page with no listing entries; save a /list/<category>/new page"
        )
    return listed.records
