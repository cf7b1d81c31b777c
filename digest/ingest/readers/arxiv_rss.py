"""arXiv RSS 2.0, as rss.arxiv.org serves it (and as others re-publish it).

Each item: title, link, guid ``oai:arXiv.org:ID`` (some re-publishers double the prefix),
a description ``arXiv:ID Announce Type: new Abstract: ...``, ``dc:creator`` with the
authors, ``arxiv:announce_type`` (new, cross, replace, replace-cross), categories (which
re-publishers sometimes fill with free text). The listing day is the item's pubDate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digest.ingest.readers.arxiv_common import arxiv_id_from, category_codes, split_announcement
from digest.ingest.readers.common import child_text, date_from_name, parse_xml, rfc822_day
from digest.model import Origin, Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "arxiv"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def accepts(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith("<") and "<rss" in head


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    root = parse_xml(text, display, problems)
    if root is None:
        return []
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        problems.error(display, None, "not an RSS 2.0 feed (no <rss><channel>)")
        return []
    channel_day = rfc822_day(child_text(channel, "pubDate")) or rfc822_day(
        child_text(channel, "lastBuildDate")
    )
    fallback_day = date_from_name(context.path.name) or context.fallback_date or channel_day

    records: list[Record] = []
    for index, item in enumerate(channel.findall("item")):
        place = f"item {index + 1}"
        title = child_text(item, "title")
        if title is None:
            problems.warn(display, place, "item without a title; skipped")
            continue
        announced_id, announce_type, abstract = split_announcement(
            child_text(item, "description") or ""
        )
        arxiv_id = (
            arxiv_id_from(child_text(item, "guid"))
            or arxiv_id_from(child_text(item, "link"))
            or announced_id
        )
        day = rfc822_day(child_text(item, "pubDate")) or fallback_day
        if day is None:
            problems.error(
                display,
                place,
                "no listing date: the item has no pubDate; name the file with the day (YYYY-MM-DD) or pass --date YYYY-MM-DD",
            )
            continue
        creators = child_text(item, f"{DC}creator") or ""
        records.append(
            Record(
                origin=Origin(display, place),
                source=SOURCE,
                listing_day=day,
                rank=len(records) + 1,
                title=title,
                abstract=abstract,
                authors=tuple(a for a in (part.strip() for part in creators.split(",")) if a),
                arxiv_id=arxiv_id,
                categories=category_codes([c.text or "" for c in item.findall("category")]),
                announce_type=(
                    child_text(item, f"{ARXIV}announce_type") or announce_type or ""
                ).lower()
                or None,
            )
        )
    return records
