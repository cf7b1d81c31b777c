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
    from bs4 import BeautifulSoup, Tag

    from digest.ingest.readers import ListingContext

SOURCE = "arxiv"
_HEADING_DAY = re.compile(r"listings for \w+,\s+(\d{1,2})\s+(\w+)\s+(\d{4})", re.IGNORECASE)
_SUBJECT_CODE = re.compile(r"\(([a-z-]+(?:\.[A-Za-z-]+)?)\)")
_SECTION_KINDS = (("new submission", "new"), ("cross", "cross"), ("replace", "replace"))


def accepts(text: str) -> bool:
    return text.lstrip()[:1] == "<" and ("list-title" in text and "arXiv:" in text)


# Tags that start an entry or a part of one. Their end tags may be left out (HTML allows
# it for p, dt and dd, and minified pages do): Python's parser then nests everything after
# one inside it, so its text would be the rest of the page (and every entry's read of it
# the page again: 2 MB took 4 CPU s, 3 MB 9). Text is read up to the next such tag.
_ENTRY_PARTS = frozenset({"p", "dt", "dd", "dl", "h3", "div"})


def _text(element: Tag, separator: str = " ", strip: bool = True) -> str:
    """``element.get_text(separator, strip=strip)`` without what an entry part nested
    inside it holds (a part whose end tag the page left out)."""
    from bs4 import NavigableString, Tag

    pieces: list[str] = []
    pending = list(reversed(element.contents))
    while pending:
        node = pending.pop()
        if isinstance(node, Tag):
            if node.name not in _ENTRY_PARTS:
                pending.extend(reversed(node.contents))
        elif type(node) is NavigableString:  # not a comment, doctype or CDATA
            piece = node.strip() if strip else str(node)
            if piece:
                pieces.append(piece)
    return separator.join(pieces)


# What starts another entry or section: a part is looked for inside an entry up to these.
_ENTRY_STARTS = frozenset({"dt", "dd", "dl", "h3"})


def _part(
    container: Tag, name: str | None = None, css_class: str | None = None, **attrs: str
) -> Tag | None:
    """``container.find(name, class_=css_class, **attrs)`` without looking inside another
    entry nested in it (whose end tags the page left out): an entry without comments
    looked for them through the rest of the page."""
    from bs4 import Tag

    pending = list(reversed(container.contents))
    while pending:
        node = pending.pop()
        if not isinstance(node, Tag):
            continue
        if (
            (name is None or node.name == name)
            and (css_class is None or css_class in (node.get("class") or ()))
            and all(node.get(key) == value for key, value in attrs.items())
        ):
            return node
        if node.name not in _ENTRY_STARTS:
            pending.extend(reversed(node.contents))
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
