"""bioRxiv and medRxiv ``details`` answers (api.biorxiv.org/details/<server>/<from>/<to>):
``{"messages": [...], "collection": [...]}``, or the bare list of collection records
that tools such as medrxivr save.

These papers have no arXiv id: the DOI (10.1101/...) is the key, the version says
whether the day announced a new preprint (v1) or a revision. Each record's ``date`` is
the day that version was posted: its listing day. The journal DOI of a published paper
(``published``) is kept as its journal reference; the category (free text such as
"Evolutionary Biology") is kept as a tag, so topics can match it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from digest.ingest.readers.common import NO_DATE, RecordList, date_from_name, iso_day
from digest.model import Links, Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

_SERVERS = {"biorxiv": "https://www.biorxiv.org", "medrxiv": "https://www.medrxiv.org"}
_MARKS = ("jatsxml", "author_corresponding", "biorxiv", "medrxiv")


def _is_record(item: object) -> bool:
    return (
        isinstance(item, dict)
        and "doi" in item
        and ("jatsxml" in item or "server" in item or "author_corresponding" in item)
    )


def accepts(text: str) -> bool:
    head = text.lstrip()[:4000]
    if not head.startswith(("{", "[")) or not any(mark in head for mark in _MARKS):
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return False
    if isinstance(data, dict):
        return isinstance(data.get("collection"), list) and isinstance(data.get("messages"), list)
    return isinstance(data, list) and bool(data) and _is_record(data[0])


def _server(item: dict[str, Any]) -> str:
    named = str(item.get("server") or "").strip().lower()
    if named in _SERVERS:
        return named
    return "medrxiv" if "medrxiv.org" in str(item.get("jatsxml") or "") else "biorxiv"


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if value and value.upper() != "NA" else None


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    data = json.loads(text)
    if isinstance(data, dict):
        for message in data.get("messages") or []:
            status = str(message.get("status", "ok")) if isinstance(message, dict) else "ok"
            if status.lower() not in {"ok", "no posts found"} and not status.lower().startswith(
                "ok"
            ):
                problems.error(
                    display, "messages", f"the API answered: {status}; fetch the range again"
                )
        items = data["collection"]
    else:
        items = data
    fallback = date_from_name(context.path.name) or context.fallback_date
    listed = RecordList(display, "biorxiv")  # each record says its server
    for index, item in enumerate(items):
        place = f"collection item {index + 1}"
        if not isinstance(item, dict):
            problems.warn(display, place, "not a record; skipped")
            continue
        title = _text(item.get("title"))
        doi = _text(item.get("doi"))
        if title is None or doi is None:
            problems.warn(
                display, place, f"record without a {'title' if title is None else 'DOI'}; skipped"
            )
            continue
        day = iso_day(item.get("date")) or fallback
        if day is None:
            problems.error(display, place, NO_DATE)
            continue
        version = str(item.get("version") or "1").strip()
        server = _server(item)
        page = f"{_SERVERS[server]}/content/{doi}v{version}"
        published = _text(item.get("published"))
        category = _text(item.get("category"))
        authors = [name.strip() for name in str(item.get("authors") or "").split(";")]
        listed.add(
            place,
            day,
            title,
            source=server,
            abstract=_text(item.get("abstract")),
            announce_type="new" if version == "1" else "replace",
            authors=tuple(" ".join(name.split()) for name in authors if name),
            doi=doi.lower(),
            journal_ref=f"doi:{published}" if published else None,
            tags=(category,) if category else (),
            links=Links(abstract=page, pdf=f"{page}.full.pdf"),
        )
    return listed.records
