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


def _descriptor_text(container: Tag, css_class: str) -> str | None:
    element = container.find(class_=css_class)
    if element is None:
        return None
    for descriptor in element.find_all(class_="descriptor"):
        descriptor.extract()
    return element.get_text(" ", strip=True) or None


def _listing_day(soup: BeautifulSoup) -> dt.date | None:
    for heading in soup.find_all("h3"):
        match = _HEADING_DAY.search(heading.get_text(" ", strip=True))
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
            heading = element.get_text(" ", strip=True).lower()
            kind = next((k for label, k in _SECTION_KINDS if label in heading), kind)
            continue
        place = f"entry {len(listed.records) + 1}"
        abstract_link = element.find("a", title="Abstract")
        details = element.find_next_sibling("dd")
        if abstract_link is None or details is None:
            problems.warn(display, place, "an entry without its id or details; skipped")
            continue
        arxiv_id = abstract_link.get_text(strip=True).removeprefix("arXiv:")
        entry_kind = kind
        if "cross-list" in element.get_text(" ").lower() and kind == "replace":
            entry_kind = "replace-cross"
        title = _descriptor_text(details, "list-title")
        if not title:
            problems.warn(display, place, f"entry {arxiv_id} has no title; skipped")
            continue
        authors_element = details.find(class_="list-authors")
        authors = (
            tuple(a.get_text(" ", strip=True) for a in authors_element.find_all("a"))
            if authors_element
            else ()
        )
        subjects = _descriptor_text(details, "list-subjects") or ""
        abstract_element = details.find("p", class_="mathjax")
        listed.add(
            f"entry {arxiv_id}",
            day,
            title,
            abstract=abstract_element.get_text(" ", strip=True) if abstract_element else None,
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
