"""The Cornell/Kaggle arXiv metadata snapshot (``arxiv-metadata-oai-snapshot.json``):
JSON Lines, one paper a line, with its versions' submission times.

The whole snapshot (4.6 GB, 2.7 million papers) is not a listing: ``digest
import-snapshot`` streams it and files the papers of the digest's categories per
announcement day (``snapshot_import``); this reader reads those day files, and any
slice of the snapshot small enough to be a listing. As with OAI-PMH, a paper's listing
day is the announcement of its version 1, worked out from its submission time by
arXiv's schedule; in a file named for a day, a paper whose newest version was announced
that day is listed there as a replacement.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from digest.content_errors import describe
from digest.ingest.arxiv_schedule import listed_as, listing_day
from digest.ingest.readers.arxiv_common import category_codes, check_arxiv_id
from digest.ingest.readers.arxiv_oai import split_authors
from digest.ingest.readers.common import RecordList, date_from_name, json_lines_head, rfc822_moment
from digest.model import Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "arxiv"


def is_snapshot_line(first: dict[str, Any]) -> bool:
    return {"id", "abstract", "versions"} <= first.keys() or {
        "id",
        "abstract",
        "update_date",
    } <= first.keys()


def accepts(text: str) -> bool:
    first = json_lines_head(text)
    if first is None:
        # A day with one paper is one line: still the snapshot's shape.
        stripped = text.strip()
        if "\n" in stripped or not stripped.startswith("{"):
            return False
        try:
            first = json.loads(stripped)
        except ValueError:
            return False
        if not isinstance(first, dict):
            return False
    return is_snapshot_line(first)


def version_moments(line: dict[str, Any]) -> list[dt.datetime]:
    versions = line.get("versions")
    if not isinstance(versions, list):
        return []
    moments = (rfc822_moment(v.get("created")) for v in versions if isinstance(v, dict))
    return [moment for moment in moments if moment is not None]


def placement(moments: list[dt.datetime]) -> tuple[dt.date, dt.date] | None:
    """(version 1's listing day, the newest version's) from the versions' submission
    times (``version_moments``), or None without any."""
    if not moments:
        return None
    return listing_day(moments[0]), listing_day(moments[-1])


def _authors(line: dict[str, Any]) -> tuple[str, ...]:
    parsed = line.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if isinstance(parts, list) and parts:
                family = str(parts[0]).strip()
                given = str(parts[1]).strip() if len(parts) > 1 else ""
                suffix = str(parts[2]).strip() if len(parts) > 2 else ""
                names.append(" ".join(p for p in (given, family, suffix) if p))
        return tuple(name for name in names if name)
    return split_authors(str(line.get("authors") or ""))


def _text(value: object) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    named_day = date_from_name(context.path.name)
    listed = RecordList(display, SOURCE)
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        place = f"line {number}"
        try:
            line = json.loads(raw)
        except (ValueError, RecursionError) as err:
            problems.error(
                display,
                place,
                f"not a JSON object ({describe(err) if isinstance(err, RecursionError) else err}); each line holds one paper: the file is damaged or cut short, take it again",
            )
            continue
        if not isinstance(line, dict):
            problems.error(display, place, "not a JSON object; each line holds one paper")
            continue
        title = _text(line.get("title"))
        if title is None:
            problems.warn(display, place, "paper without a title; skipped")
            continue
        moments = version_moments(line)
        placed = placement(moments)
        if placed is None:
            problems.error(display, place, "no version dates: the paper cannot be placed on a day")
            continue
        day, kind = listed_as(*placed, named_day)
        listed.add(
            place,
            day,
            title,
            abstract=_text(line.get("abstract")),
            arxiv_id=check_arxiv_id(_text(line.get("id")), display, place, problems),
            announce_type=kind,
            authors=_authors(line),
            categories=category_codes(str(line.get("categories") or "").split()),
            comment=_text(line.get("comments")),
            journal_ref=_text(line.get("journal-ref")),
            doi=_text(line.get("doi")),
            published=moments[0].date(),
            updated=moments[-1].date() if len(moments) > 1 else None,
        )
    return listed.records
