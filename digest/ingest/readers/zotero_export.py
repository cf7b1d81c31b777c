"""A Zotero export kept as a hand list of papers: BibTeX (Zotero's own, Better BibTeX,
BibLaTeX), CSL JSON or RIS, put in the listings folder.

The items are read as the library reader reads them (``ingest.library``: the arXiv id
wherever exports put it, the DOI, authors, tags, notes); the listing day comes from the
file's name (``2025-03-12-reading-group.bib``) or ``--date``, since an export carries no
day of its own. Without one, the message says both ways out: name the day, or, if the
file is the group's library rather than a day's picks, move it under ``library:``.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from digest.ingest.readers.common import RecordList, date_from_name
from digest.model import Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "curator"
_BIBTEX = re.compile(
    r"(?im)^\s*@(article|inproceedings|incollection|misc|book|online|preprint|techreport|"
    r"phdthesis|mastersthesis|unpublished|report|conference|software|inbook|thesis)\s*[{(]"
)
_RIS = re.compile(r"(?m)^TY  - ")
_KINDS = {"bibtex": "BibTeX", "csl-json": "CSL JSON", "ris": "RIS"}


def _csl_json(text: str) -> bool:
    if not text.lstrip().startswith("["):
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and "type" in data[0]
        and (
            "issued" in data[0]
            or "author" in data[0]
            or "citation-key" in data[0]
            or "title" in data[0]
        )
    )


def kind(text: str) -> str | None:
    """bibtex, ris or csl-json when the text is such an export, else None."""
    head = text.lstrip()[:20000]
    if _BIBTEX.search(head):
        return "bibtex"
    if _RIS.search(head):
        return "ris"
    if _csl_json(text):
        return "csl-json"
    return None


def accepts(text: str) -> bool:
    return kind(text) is not None


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    day = date_from_name(context.path.name) or context.fallback_date
    if day is None:
        problems.error(
            display,
            None,
            f"a {_KINDS[kind(text) or 'bibtex']} export without a listing day: name the file with "
            "the day (2025-03-12-picks.bib) or pass --date YYYY-MM-DD; if it is the group's "
            "library rather than a day's papers, move it out of the listings folder and name "
            "it under library: in digest.yml (it then ranks each day)",
        )
        return []
    # Imported here: the library module reads files with this package's decoder.
    from digest.ingest import library

    listed = RecordList(display, SOURCE)
    for item in library.read_library_text(text, display, problems):
        place = item.place.removeprefix(f"{display}: ")
        urls = (item.url,) if item.url else ()
        listed.add(
            place,
            day,
            item.title,
            abstract=item.abstract or None,
            arxiv_id=item.arxiv_id,
            urls=urls,
            note=item.note,
            authors=item.authors,
            doi=item.doi,
            tags=item.keywords,
            published=item.published,
        )
    return listed.records
