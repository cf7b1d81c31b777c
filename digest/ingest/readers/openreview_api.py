"""OpenReview notes: an API v2 answer (``{"notes": [...], "count": N}``, every content
field wrapped as ``{"value": ...}``), an API v1 answer (the same, unwrapped), or a list of
``{venue, year, submissions: [notes]}`` as crawlers save them.

Each note is a submission: title, authors, abstract, keywords (kept as tags), TL;DR (the
paper's gist), venue ("ICLR 2025 Poster", which carries the decision) or a decision note
among its replies, and the forum link. Its listing day is the day it was published on
OpenReview (``pdate``, else ``odate``, else ``cdate``), so a venue fetched every day lists
each paper once, on its own day; a file named for a day, or ``--date``, is the fallback.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from digest.ingest.readers.common import NO_DATE, RecordList, date_from_name
from digest.model import Links, Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "openreview"
SITE = "https://openreview.net"


def _notes(data: object) -> list[Any] | None:
    if isinstance(data, dict) and isinstance(data.get("notes"), list):
        return list(data["notes"])
    if (
        isinstance(data, list)
        and data
        and all(isinstance(v, dict) and isinstance(v.get("submissions"), list) for v in data)
    ):
        return [note for venue in data for note in venue["submissions"]]
    return None


def _looks_like_note(note: object) -> bool:
    return (
        isinstance(note, dict)
        and isinstance(note.get("content"), dict)
        and ("forum" in note or "invitation" in note or "invitations" in note)
    )


def accepts(text: str) -> bool:
    head = text.lstrip()[:4000]
    if not head.startswith(("{", "[")) or '"content"' not in head:
        return False
    try:
        notes = _notes(json.loads(text))
    except ValueError:
        return False
    return notes is not None and (not notes or _looks_like_note(notes[0]))


def _value(content: dict[str, Any], name: str) -> Any:
    """A content field, API v2 (``{"value": ...}``) or v1 (bare)."""
    field = content.get(name)
    return field.get("value") if isinstance(field, dict) else field


def _string(content: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = _value(content, name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _day(note: dict[str, Any]) -> dt.date | None:
    for name in ("pdate", "odate", "cdate", "tcdate"):
        stamp = note.get(name)
        if isinstance(stamp, int | float) and not isinstance(stamp, bool) and stamp > 0:
            return dt.datetime.fromtimestamp(stamp / 1000, dt.UTC).date()
    return None


def _decision(note: dict[str, Any]) -> str | None:
    details = note.get("details")
    if not isinstance(details, dict):
        details = {}
    # API answers with details=replies carry them there; crawlers save them beside the note.
    replies = details.get("replies") or details.get("directReplies") or note.get("notes") or []
    for reply in replies:
        if isinstance(reply, dict) and isinstance(reply.get("content"), dict):
            decision = _string(reply["content"], "decision")
            if decision:
                return f"decision: {decision}"
    return None


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    notes = _notes(json.loads(text)) or []
    fallback = date_from_name(context.path.name) or context.fallback_date
    listed = RecordList(display, SOURCE)
    for index, note in enumerate(notes):
        place = f"note {index + 1}"
        if not _looks_like_note(note):
            problems.warn(display, place, "not an OpenReview note; skipped")
            continue
        content = note["content"]
        title = _string(content, "title")
        if title is None:
            problems.warn(display, place, "note without a title; skipped")
            continue
        day = _day(note) or fallback
        if day is None:
            problems.error(display, place, NO_DATE)
            continue
        forum = note.get("forum") or note.get("id")
        pdf = _string(content, "pdf")
        venue = _string(content, "venue")
        decision = _decision(note)
        authors = _value(content, "authors")
        keywords = _value(content, "keywords")
        listed.add(
            f"{place} ({note.get('id', '?')})",
            day,
            title,
            abstract=_string(content, "abstract"),
            authors=tuple(a.strip() for a in authors if isinstance(a, str) and a.strip())
            if isinstance(authors, list)
            else (),
            tags=tuple(k.strip() for k in keywords if isinstance(k, str) and k.strip())
            if isinstance(keywords, list)
            else (),
            ai_summary=_string(content, "TLDR", "TL;DR", "tldr"),
            journal_ref="; ".join(part for part in (venue, decision) if part) or None,
            links=Links(
                abstract=f"{SITE}/forum?id={forum}" if forum else None,
                pdf=(SITE + pdf if pdf and pdf.startswith("/") else pdf) if pdf else None,
            ),
        )
    return listed.records
