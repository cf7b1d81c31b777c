"""Semantic Scholar Graph API answers saved as a day's papers: one paper
(``/graph/v1/paper/<id>``), a search (``{"data": [...]}``, ``/paper/search`` and
``/paper/search/match``) or a batch (``/paper/batch``: a list, ``null`` where an id was
unknown).

The arXiv id comes from ``externalIds.ArXiv`` (a DOI 10.48550/arXiv.<id> names it too),
so such a paper merges with its arXiv and Hugging Face sightings; the others are keyed by
their DOI or title. The listing day is the file's (its name, or ``--date``): when the
answer was saved, not when the paper was published (``publicationDate``, kept as such).
A paper's citations and references are other papers, not the day's: they are not read.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from digest.ingest.readers.common import NO_DATE, RecordList, date_from_name, iso_day
from digest.model import Links, Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "semanticscholar"
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)


def _is_paper(item: object) -> bool:
    return (
        isinstance(item, dict) and "paperId" in item and ("title" in item or "externalIds" in item)
    )


def _papers(data: object) -> list[object] | None:
    """The answer's papers (``None`` where the API had none for an id), or None when the
    answer is not Semantic Scholar's."""
    if isinstance(data, dict) and _is_paper(data):
        return [data]
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        papers = data["data"]
        return papers if papers and any(_is_paper(p) for p in papers) else None
    if isinstance(data, list) and any(_is_paper(p) for p in data):
        return data
    return None


def accepts(text: str) -> bool:
    head = text.lstrip()[:4000]
    if not head.startswith(("{", "[")) or '"paperId"' not in head:
        return False
    try:
        return _papers(json.loads(text)) is not None
    except (ValueError, RecursionError):
        return False


def _text(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _arxiv_id(ids: dict[str, Any]) -> str | None:
    named = _text(ids.get("ArXiv"))
    if named:
        return named
    match = _ARXIV_DOI.match(_text(ids.get("DOI")) or "")
    return match.group(1) if match else None


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    papers = _papers(json.loads(text)) or []
    day = date_from_name(context.path.name) or context.fallback_date
    if day is None:
        problems.error(display, None, NO_DATE)
        return []
    listed = RecordList(display, SOURCE)
    unknown = 0
    for index, item in enumerate(papers):
        place = f"paper {index + 1}"
        if item is None:
            unknown += 1  # the batch API's answer for an id it does not know
            continue
        if not isinstance(item, dict):
            problems.warn(display, place, "not a paper object; skipped")
            continue
        title = _text(item.get("title"))
        if title is None:
            problems.warn(display, place, "paper without a title; skipped")
            continue
        named = item.get("externalIds")
        ids: dict[str, Any] = named if isinstance(named, dict) else {}
        arxiv_id = _arxiv_id(ids)
        doi = _text(ids.get("DOI"))
        page = _text(item.get("url"))
        authors = [
            _text(author.get("name"))
            for author in item.get("authors") or []
            if isinstance(author, dict)
        ]
        venue = _text(item.get("venue"))
        listed.add(
            place,
            day,
            title,
            abstract=_text(item.get("abstract")),
            arxiv_id=arxiv_id,
            authors=tuple(name for name in authors if name),
            doi=doi.lower() if doi and not arxiv_id else None,
            journal_ref=venue if venue and venue.lower() not in {"arxiv.org", "arxiv"} else None,
            published=iso_day(item.get("publicationDate")),
            urls=(page,) if page else (),
            links=Links(abstract=None if arxiv_id else page),
        )
    if unknown:
        problems.warn(
            display,
            None,
            f"{unknown} of {len(papers)} ids unknown to Semantic Scholar (null in the answer); "
            "the others are read",
        )
    return listed.records
