"""The paged JSON APIs ``digest fetch`` reads besides Hugging Face and arXiv.

bioRxiv / medRxiv: ``<biorxiv_url>/details/<server>/<day>/<day>/<cursor>`` (with
``?category=`` when categories are set), 100 records a page, followed by cursor up to
the ``total`` its messages give; one file per server (and category) and day,
``listings/<server>[/<category>]/<day>.json``, the pages' records joined under the first
page's messages.

OpenReview: ``<openreview_url>/notes?content.venueid=<venue>&details=replies``, 1,000
notes a page by offset; one file per venue, ``listings/openreview/<venue>.json``, whose
notes the reader places on the day each was published (so a venue fetched again lists
each paper once).

Both check each answer's shape, then hand the joined document to the fetcher, which reads
it with the build's reader and writes it atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from digest.ingest.http_client import FetchError, json_answer

Get = Callable[[str], bytes]
OPENREVIEW_PAGE = 1000
_MOST_PAGES = 200  # 20,000 bioRxiv records a day or 200,000 notes: a server that never ends


def biorxiv_day(
    get: Get, base: str, server: str, day: dt.date, category: str | None
) -> tuple[bytes, int]:
    """One day of a bioRxiv/medRxiv server: the joined answer and its record count."""
    query = f"?category={urllib.parse.quote(category.replace(' ', '_'))}" if category else ""
    messages: list[Any] | None = None
    collection: list[Any] = []
    cursor = 0
    for _ in range(_MOST_PAGES):
        url = f"{base}/details/{server}/{day.isoformat()}/{day.isoformat()}/{cursor}{query}"
        answer = json_answer(get(url), "bioRxiv ")
        if (
            not isinstance(answer, dict)
            or not isinstance(answer.get("messages"), list)
            or not answer["messages"]
        ):
            raise FetchError("a bioRxiv answer without its messages")
        message = answer["messages"][0]
        status = str(message.get("status", "")) if isinstance(message, dict) else ""
        if status.lower() == "no posts found":
            break
        if not status.lower().startswith("ok"):
            raise FetchError(f"bioRxiv answered: {status or 'no status'}")
        page = answer.get("collection")
        if not isinstance(page, list):
            raise FetchError("a bioRxiv answer without its collection")
        messages = messages or answer["messages"]
        collection += page
        total = int(message.get("total") or 0)
        cursor += len(page)
        if not page or cursor >= total:
            break
    else:
        raise FetchError(f"bioRxiv kept paging past {_MOST_PAGES} pages; stopped")
    if not collection:
        return b"", 0
    body = (
        json.dumps({"messages": messages, "collection": collection}, ensure_ascii=False, indent=1)
        + "\n"
    )
    return body.encode(), len(collection)


def openreview_venue(get: Get, base: str, venue: str) -> tuple[bytes, int]:
    """Every note of a venue's submissions, joined into one API v2 answer."""
    notes: list[Any] = []
    for page in range(_MOST_PAGES):
        query = urllib.parse.urlencode(
            {
                "content.venueid": venue,
                "details": "replies",
                "limit": OPENREVIEW_PAGE,
                "offset": page * OPENREVIEW_PAGE,
            }
        )
        answer = json_answer(get(f"{base}/notes?{query}"), "OpenReview ")
        if not isinstance(answer, dict) or not isinstance(answer.get("notes"), list):
            raise FetchError("an OpenReview answer without notes")
        notes += answer["notes"]
        if len(answer["notes"]) < OPENREVIEW_PAGE:
            break
    else:
        raise FetchError(f"OpenReview kept paging past {_MOST_PAGES} pages; stopped")
    # In a fixed order: the same notes give the same bytes, and a refetch writes nothing.
    notes.sort(key=lambda note: str(note.get("id", "")) if isinstance(note, dict) else "")
    body = json.dumps({"notes": notes, "count": len(notes)}, ensure_ascii=False, indent=1) + "\n"
    return body.encode(), len(notes)


def venue_file_name(venue: str) -> str:
    """``ICLR.cc/2025/Conference`` -> ``ICLR.cc-2025-Conference``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", venue).strip("-") or "venue"
