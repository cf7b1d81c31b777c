"""arXiv RSS 2.0, as rss.arxiv.org serves it (and as others re-publish it).

Each item: title, link, guid ``oai:arXiv.org:ID`` (some re-publishers double the prefix),
a description ``arXiv:ID Announce Type: new Abstract: ...``, ``dc:creator`` with the
authors, ``arxiv:announce_type`` (new, cross, replace, replace-cross), categories (which
re-publishers sometimes fill with free text). The listing day is the item's pubDate.

Some re-publishers put something else in ``<title>``: cn-chat-arxiv's is a one-line
summary in Chinese, the paper's title being a paragraph of the description, before the
paper's address (``paper_title``). A title that is not a paper's and has no paper title
beside it is read as it is, with a warning naming the item.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING

from digest.identity import split_arxiv_id
from digest.ingest.readers.arxiv_common import arxiv_id_from, category_codes, split_announcement
from digest.ingest.readers.common import (
    RecordList,
    child_text,
    date_from_name,
    parse_xml,
    rfc822_day,
)
from digest.model import Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "arxiv"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")


def _foreign(text: str) -> bool:
    """Mostly Chinese, Japanese or Korean: not how arXiv titles are written."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(_CJK.findall(text)) > len(letters) / 2


def paper_title(description: str, link: str | None) -> tuple[str, str] | None:
    """For an item whose title is not the paper's (``_foreign``): the paper's title and
    abstract from the description's paragraphs (the title is the paragraph before the
    paper's address; the abstract follows ``Abstract:`` in English), or None."""
    paragraphs = [
        " ".join(_TAG.sub(" ", html.unescape(p)).split()) for p in _PARAGRAPH.findall(description)
    ]
    for index, paragraph in enumerate(paragraphs):
        if index and (paragraph == (link or "").strip() or "arxiv.org/abs/" in paragraph):
            candidate = paragraphs[index - 1]
            if candidate and not _foreign(candidate) and len(candidate) <= 400:
                english = [p for p in paragraphs if "Abstract:" in p and not _foreign(p)]
                abstract = split_announcement(english[-1])[2] if english else ""
                return candidate, abstract
    return None


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

    listed = RecordList(display, SOURCE)
    stale: list[
        tuple[str, dt.date]
    ] = []  # announced as new, months before the day they are listed on
    for index, item in enumerate(channel.findall("item")):
        place = f"item {index + 1}"
        title = child_text(item, "title")
        if title is None:
            problems.warn(display, place, "item without a title; skipped")
            continue
        description = child_text(item, "description") or ""
        announced_id, announce_type, abstract = split_announcement(description)
        if _foreign(title):
            found = paper_title(description, child_text(item, "link"))
            if found is None:
                problems.warn(
                    display,
                    place,
                    "the title is not a paper's (text in another language?) and the "
                    "description names none; read as it is: check where the file comes from",
                )
            else:
                title, abstract = found
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
        kind = (child_text(item, f"{ARXIV}announce_type") or announce_type or "").lower() or None
        if kind in {"new", "cross"} and arxiv_id and _stale(announced_id or arxiv_id, day):
            stale.append((arxiv_id, day))
        listed.add(
            place,
            day,
            title,
            abstract=abstract,
            authors=tuple(a for a in (part.strip() for part in creators.split(",")) if a),
            arxiv_id=arxiv_id,
            categories=category_codes([c.text or "" for c in item.findall("category")]),
            announce_type=kind,
        )
    if stale:
        problems.warn(
            display,
            None,
            f"{len(stale)} of {len(listed.records)} papers announced as new are months older than "
            f"the day they are listed on (arXiv {stale[0][0]} on {stale[0][1]}): "
            "an old feed? Name the file with the day it was published",
        )
    return listed.records


def _stale(arxiv_id: str, day: dt.date) -> bool:
    """A first version listed more than three months after its id's month (YYMM of a
    new-style id; an old-style id says nothing of it). A revision (v2 and later) of an
    old paper is rightly listed late, whatever a re-publisher calls it."""
    parsed = split_arxiv_id(arxiv_id)
    if parsed is None or parsed[1] not in (None, 1) or not re.match(r"\d{4}\.", parsed[0]):
        return False
    year, month = 2000 + int(parsed[0][:2]), int(parsed[0][2:4])
    return (day.year - year) * 12 + day.month - month > 3
