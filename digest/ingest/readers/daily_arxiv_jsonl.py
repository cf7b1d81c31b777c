"""The JSON Lines that daily-arXiv-ai-enhanced (dw-dengwei) and its forks publish every
day: one arXiv paper a line (``id``, ``title``, ``summary``, ``authors``, ``categories``,
``comment``, ``pdf``, ``abs``), and in the enhanced files an ``AI`` block (``tldr``,
``motivation``, ``method``, ``result``, ``conclusion``; ``task`` in the early format).

The tldr becomes the paper's gist (``ai_summary``), unless it is the tool's own note that
the summary failed. The listing day is the date in the file's name (the tool names each
day's file by it), else ``--date``.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from digest.content_errors import describe
from digest.ingest.readers.arxiv_common import check_arxiv_id
from digest.ingest.readers.common import NO_DATE, RecordList, date_from_name, first_line_object
from digest.model import Links, Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "arxiv"
# What the tool writes in place of a summary it could not make.
_FAILED = re.compile(r"(generation|extraction) failed|unavailable", re.IGNORECASE)


def accepts(text: str) -> bool:
    """One JSON object a line, the first with an arXiv paper's keys."""
    first = first_line_object(text)
    return (
        first is not None
        and "id" in first
        and "title" in first
        and ("summary" in first or "abs" in first)
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _strings(value: Any) -> tuple[str, ...]:
    return (
        tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
        if isinstance(value, list)
        else ()
    )


def _gist(block: Any) -> str | None:
    if not isinstance(block, dict):
        return None
    tldr = _str(block.get("tldr")) or _str(block.get("task"))
    return None if tldr is None or _FAILED.search(tldr) else tldr


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    day = date_from_name(context.path.name) or context.fallback_date
    if day is None:
        problems.error(display, None, NO_DATE)
        return []
    listed = RecordList(display, SOURCE)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        place = f"line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            problems.error(
                display,
                f"{place}, column {err.colno}",
                f"not a JSON object ({err.msg}); each line holds one paper: the file is "
                "damaged or cut short, fetch it again",
            )
            continue
        except RecursionError as err:
            problems.error(display, place, f"{describe(err)}; each line holds one paper: skipped")
            continue
        if not isinstance(item, dict):
            problems.warn(display, place, "not a JSON object (a paper); skipped")
            continue
        title = _str(item.get("title"))
        if title is None:
            problems.warn(display, place, "a paper without a title; skipped")
            continue
        arxiv_id = check_arxiv_id(_str(item.get("id")), display, place, problems)
        listed.add(
            place,
            day,
            title,
            abstract=_str(item.get("summary")),
            authors=_strings(item.get("authors")),
            arxiv_id=arxiv_id,
            links=Links(abstract=_str(item.get("abs")), pdf=_str(item.get("pdf"))),
            categories=_strings(item.get("categories")),
            comment=_str(item.get("comment")),
            ai_summary=_gist(item.get("AI")),
        )
    return listed.records
