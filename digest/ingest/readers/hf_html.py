"""A saved huggingface.co/papers page (HTML).

The page carries its data twice: as HTML-escaped JSON in the ``data-props`` attribute of
the ``DailyPapers`` component (the same items api/daily_papers returns), and as rendered
``<article>`` cards. The JSON is complete, so it is read first; the cards are the fallback
for a page saved after scripts rewrote it.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from digest.ingest.readers.common import NO_DATE, RecordList, date_from_name, iso_day
from digest.ingest.readers.hf_json import SOURCE, records_from_items
from digest.model import Links, Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

_PAPER_HREF = re.compile(r"^/papers/(\d{4}\.\d{4,5})$")


def accepts(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html")) and (
        'data-target="DailyPapers"' in text or "huggingface.co" in text[:50000]
    )


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    from bs4 import BeautifulSoup  # here: a build reads a pasted page only when it changed

    display = context.display
    soup = BeautifulSoup(text, "html.parser")
    component = soup.find(None, {"data-target": "DailyPapers"})
    if component is not None:
        try:
            props = json.loads(str(component.get("data-props") or ""))
        except json.JSONDecodeError:
            props = None
        if isinstance(props, dict) and isinstance(props.get("dailyPapers"), list):
            day = iso_day(props.get("date")) or date_from_name(context.path.name)
            return records_from_items(props["dailyPapers"], day, context, problems)
        problems.warn(
            display,
            "DailyPapers element",
            "its data-props hold no paper list; reading the paper cards instead",
        )

    day = date_from_name(context.path.name) or context.fallback_date
    listed = RecordList(display, SOURCE)
    for index, article in enumerate(soup.find_all("article")):
        heading = article.find(["h3", "h2"])
        link = heading.find("a", href=_PAPER_HREF) if heading else None
        if link is None:
            continue
        if day is None:
            problems.error(
                display,
                None,
                NO_DATE,
            )
            return []
        arxiv_id = _PAPER_HREF.match(str(link["href"])).group(1)  # type: ignore[union-attr]
        listed.add(
            f"article {index + 1}",
            day,
            link.get_text(" ", strip=True),
            arxiv_id=arxiv_id,
            links=Links(huggingface=f"https://huggingface.co/papers/{arxiv_id}"),
        )
    if not listed.records:
        problems.error(
            display,
            None,
            "an HTML page with no Hugging Face papers in it (no DailyPapers data, no paper cards); save the page from huggingface.co/papers",
        )
    return listed.records
