"""arXiv Atom: API query results (export.arxiv.org/api/query) and rss.arxiv.org's Atom.

The API's 2016 layout declares namespaces on each element and links over http; today's
declares them once on the feed and links over https. Both read the same here. An API
error comes as a feed whose one entry is titled "Error": that is a problem, not a paper.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digest.ingest.readers.arxiv_common import arxiv_id_from, category_codes, split_announcement
from digest.ingest.readers.common import (
    NO_DATE,
    RecordList,
    child_text,
    date_from_name,
    iso_day,
    parse_xml,
)
from digest.model import Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "arxiv"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def accepts(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith("<") and "<feed" in head and "http://www.w3.org/2005/Atom" in head


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    root = parse_xml(text, display, problems)
    if root is None:
        return []
    if root.tag != f"{ATOM}feed":
        problems.error(display, None, "not an Atom feed (no <feed> in the Atom namespace)")
        return []
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        entry_id = child_text(entry, f"{ATOM}id") or ""
        if child_text(entry, f"{ATOM}title") == "Error" or "/api/errors" in entry_id:
            detail = child_text(entry, f"{ATOM}summary") or "no detail"
            problems.error(
                display,
                None,
                f"arXiv answered with an error, not papers: {detail}; fix the query and fetch again",
            )
            return []
    feed_day = iso_day(child_text(root, f"{ATOM}updated"))
    listing_day = date_from_name(context.path.name) or context.fallback_date or feed_day
    if listing_day is None and entries:
        problems.error(
            display,
            None,
            NO_DATE,
        )
        return []

    listed = RecordList(display, SOURCE)
    for index, entry in enumerate(entries):
        place = f"entry {index + 1}"
        title = child_text(entry, f"{ATOM}title")
        raw_id = arxiv_id_from(child_text(entry, f"{ATOM}id"))
        if title is None:
            problems.warn(display, place, "entry without a title; skipped")
            continue
        summary = child_text(entry, f"{ATOM}summary") or ""
        announced_id, announce_type, abstract = split_announcement(summary)
        announce_type = child_text(entry, f"{ARXIV}announce_type") or announce_type
        raw_id = raw_id or announced_id
        authors = [n.text or "" for n in entry.findall(f"{ATOM}author/{ATOM}name")]
        if not authors:
            creators = child_text(entry, f"{DC}creator") or ""
            authors = [a for a in (part.strip() for part in creators.split(",")) if a]
        primary = entry.find(f"{ARXIV}primary_category")
        categories = [primary.get("term", "")] if primary is not None else []
        categories += [c.get("term", "") for c in entry.findall(f"{ATOM}category")]
        listed.add(
            place,
            listing_day,  # type: ignore[arg-type]
            title,
            abstract=abstract,
            authors=tuple(authors),
            arxiv_id=raw_id,
            published=iso_day(child_text(entry, f"{ATOM}published")),
            updated=iso_day(child_text(entry, f"{ATOM}updated")),
            categories=category_codes(categories),
            comment=child_text(entry, f"{ARXIV}comment"),
            journal_ref=child_text(entry, f"{ARXIV}journal_ref"),
            doi=child_text(entry, f"{ARXIV}doi"),
            announce_type=announce_type.lower() if announce_type else None,
        )
    return listed.records
