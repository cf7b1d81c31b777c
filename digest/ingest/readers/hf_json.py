"""Hugging Face ``api/daily_papers`` JSON, in every shape archivers have saved it.

A day is a JSON list of items ``{"paper": {...}, "title": ..., ...}``. Some archives wrote
each item as the Python ``repr()`` of the dict (single quotes, ``True``/``None``), and one
wrapped the list in ``{"status", "date", "count", "data"}``. Keys drifted over the years
(``ai_summary``, ``githubRepo``, ``projectPage``, ...); every one is optional here.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from digest.ingest.readers import zotero_export
from digest.ingest.readers.arxiv_common import check_arxiv_id
from digest.ingest.readers.common import (
    NO_DATE,
    RecordList,
    date_from_name,
    iso_day,
    json_lines_head,
)
from digest.model import Links, Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "huggingface"


def accepts(text: str) -> bool:
    head = text.lstrip()[:1]
    if head not in {"[", "{"}:
        return False
    if json_lines_head(text) is not None:
        return False  # JSON Lines, not one JSON document
    if head == "[" and zotero_export.kind(text) is not None:
        return False  # a CSL JSON export: the zotero reader's
    # Cheap look at the start; the full parse happens once, in read().
    sample = text[:20000]
    return "paper" in sample or '"data"' in sample or text.strip() in {"[]", "{}"}


def _item_dict(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
        return value if isinstance(value, dict) else None
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _authors(paper: dict[str, Any]) -> tuple[str, ...]:
    names = []
    for author in paper.get("authors") or []:
        if isinstance(author, dict) and _str(author.get("name")):
            names.append(author["name"])
    return tuple(names)


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        problems.error(
            display,
            f"line {err.lineno}, column {err.colno}",
            f"not valid JSON ({err.msg}); the file is damaged or truncated, fetch it again",
        )
        return []
    envelope_day = None
    if isinstance(data, dict):
        if not isinstance(data.get("data"), list):
            problems.error(
                display,
                None,
                "a JSON object without a 'data' list; expected the list that api/daily_papers returns",
            )
            return []
        envelope_day = iso_day(data.get("date"))
        data = data["data"]
    if not isinstance(data, list):
        problems.error(display, None, "expected a JSON list of papers, as api/daily_papers returns")
        return []

    return records_from_items(
        data, envelope_day or date_from_name(context.path.name), context, problems
    )


def records_from_items(
    items: list[Any], file_day: dt.date | None, context: ListingContext, problems: Problems
) -> list[Record]:
    """Records from a list of daily-papers items (as dicts or their Python repr)."""
    display = context.display
    listed = RecordList(display, SOURCE)
    for index, raw in enumerate(items):
        place = f"item {index}"
        item = _item_dict(raw)
        if item is None:
            problems.error(display, place, "not a paper object (nor the repr of one); skipped")
            continue
        nested = item.get("paper")
        paper: dict[str, Any] = nested if isinstance(nested, dict) else item
        title = _str(paper.get("title")) or _str(item.get("title"))
        if title is None:
            problems.warn(display, place, "no title; skipped")
            continue
        day = file_day or iso_day(paper.get("submittedOnDailyAt")) or context.fallback_date
        if day is None:
            problems.error(
                display,
                place,
                NO_DATE,
            )
            continue
        arxiv_id = check_arxiv_id(_str(paper.get("id")), display, place, problems)
        listed.add(
            place,
            day,
            title,
            abstract=_str(paper.get("summary")) or _str(item.get("summary")),
            authors=_authors(paper),
            arxiv_id=arxiv_id,
            links=Links(
                code=_str(paper.get("githubRepo")),
                project=_str(paper.get("projectPage")),
                huggingface=f"https://huggingface.co/papers/{arxiv_id}" if arxiv_id else None,
            ),
            published=iso_day(paper.get("publishedAt")),
            upvotes=_int(paper.get("upvotes")),
            github_stars=_int(paper.get("githubStars")),
            ai_summary=_str(paper.get("ai_summary")),
            thumbnail=_str(item.get("thumbnail")),
            ai_keywords=tuple(k for k in paper.get("ai_keywords") or [] if isinstance(k, str)),
        )
    return listed.records
