"""arXiv OAI-PMH answers (export.arxiv.org/oai2): ListRecords or GetRecord, in the
``arXivRaw``, ``arXiv`` or ``oai_dc`` metadata formats.

The listing day of a record is its announcement day, not its datestamp: a datestamp
moves whenever arXiv touches the record (a new version, a fixed DOI), so a 2011 paper can
carry a 2015 datestamp. The day comes from the submission time of version 1 through
arXiv's schedule (``arxiv_schedule``); ``arXivRaw`` gives that time to the second, the
other formats only its date, where the datestamp settles which side of the 14:00
deadline it was (when the record has not changed since). A file named for a day (as
``digest fetch --from`` writes them) may also hold replacements: a paper whose newest
version was announced that day is listed there as a replacement.

An OAI-PMH error answer is not a damaged file: ``noRecordsMatch`` is a harvest that
found nothing (zero papers); any other code (``badResumptionToken``...) is an error.
Deleted records (``status="deleted"``) are withdrawals: no paper to list, so none is.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from digest.ingest.arxiv_schedule import listed_as, listing_day, listing_days_of_date
from digest.ingest.readers.arxiv_common import category_codes, check_arxiv_id
from digest.ingest.readers.common import (
    child_text,
    date_from_name,
    given_name_first,
    iso_day,
    parse_xml,
    rfc822_moment,
)
from digest.model import Origin, Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "arxiv"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
RAW = "{http://arxiv.org/OAI/arXivRaw/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"

_AFFILIATION = re.compile(r"\([^()]*\)")
_AUTHOR_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_DOI = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)(10\.\S+)$", re.IGNORECASE)


_ROOT = re.compile(r"<(?:[\w.-]+:)?OAI-PMH[\s>]")


def accepts(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith("<") and _ROOT.search(head) is not None


@dataclass(frozen=True)
class Versions:
    """When version 1 and the newest version were submitted, as precisely as known."""

    first: dt.datetime | dt.date | None
    newest: dt.datetime | dt.date | None
    count: int


def _announced(moment: dt.datetime | dt.date, datestamp: dt.date | None, settled: bool) -> dt.date:
    if isinstance(moment, dt.datetime):
        return listing_day(moment)
    before, after = listing_days_of_date(moment)
    # A date alone leaves the deadline open; an untouched record's datestamp says.
    return after if settled and datestamp == after else before


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    root = parse_xml(text, display, problems)
    if root is None:
        return []
    if root.tag != f"{OAI}OAI-PMH":
        problems.error(
            display, None, "not an OAI-PMH answer (no <OAI-PMH> in the OAI 2.0 namespace)"
        )
        return []
    for error in root.findall(f"{OAI}error"):
        code = error.get("code", "")
        if code == "noRecordsMatch":
            continue  # a harvest of a quiet range: nothing, not a problem
        problems.error(
            display,
            f"<error code={code}>",
            f"the OAI-PMH server answered with an error: {(error.text or '').strip() or code}; "
            "this file holds no papers; fetch the range again (digest fetch --from/--to)",
        )
    named_day = date_from_name(context.path.name)
    records: list[Record] = []
    for index, record in enumerate(root.iter(f"{OAI}record")):
        place = f"record {index + 1}"
        header = record.find(f"{OAI}header")
        if header is not None and header.get("status") == "deleted":
            continue
        metadata = record.find(f"{OAI}metadata")
        fields = None if metadata is None or len(metadata) == 0 else metadata[0]
        if fields is None:
            problems.warn(display, place, "record without metadata; skipped")
            continue
        datestamp = iso_day(child_text(header, f"{OAI}datestamp")) if header is not None else None
        made = _record(fields, display, place, problems, datestamp, named_day, len(records) + 1)
        if made is not None:
            records.append(made)
    return records


Metadata = tuple[str | None, Versions, dict[str, object]]


def _describe(fields: ET.Element) -> Metadata | None:
    """Title, versions and the other fields of a record's metadata; None for a format
    this reader does not know."""
    if fields.tag == f"{RAW}arXivRaw":
        return _raw(fields)
    if fields.tag == f"{ARXIV}arXiv":
        return _arxiv(fields)
    if fields.tag == f"{OAI_DC}dc":
        return _dublin_core(fields)
    return None


@dataclass(frozen=True)
class Placement:
    """The listing days of a record: version 1's, and the newest version's."""

    new: dt.date
    newest: dt.date
    categories: tuple[str, ...]


def _place(versions: Versions, datestamp: dt.date | None) -> Placement | None:
    if versions.first is None:
        return None
    new = _announced(versions.first, datestamp, versions.count <= 1)
    newest = (
        new
        if versions.newest is None or versions.count <= 1
        else _announced(versions.newest, datestamp, True)
    )
    return Placement(new, newest, ())


def placement(record: ET.Element) -> Placement | None:
    """Where a harvested record belongs (``digest fetch --from`` files it by this); None
    for a deleted record or one without a known format or version 1 date."""
    header = record.find(f"{OAI}header")
    if header is None or header.get("status") == "deleted":
        return None
    metadata = record.find(f"{OAI}metadata")
    if metadata is None or len(metadata) == 0 or (described := _describe(metadata[0])) is None:
        return None
    _, versions, values = described
    found = _place(versions, iso_day(child_text(header, f"{OAI}datestamp")))
    categories = values.get("categories", ())
    assert isinstance(categories, tuple)
    return None if found is None else Placement(found.new, found.newest, categories)


def _record(
    fields: ET.Element,
    display: str,
    place: str,
    problems: Problems,
    datestamp: dt.date | None,
    named_day: dt.date | None,
    rank: int,
) -> Record | None:
    described = _describe(fields)
    if described is None:
        problems.warn(
            display,
            place,
            f"metadata in a format this reader does not know ({fields.tag}); "
            "harvest with metadataPrefix arXivRaw, arXiv or oai_dc",
        )
        return None
    title, versions, values = described
    if not title:
        problems.warn(display, place, "record without a title; skipped")
        return None
    placed = _place(versions, datestamp)
    if placed is None:
        problems.error(
            display, place, "no submission date for version 1; the record cannot be placed on a day"
        )
        return None
    day, kind = listed_as(placed.new, placed.newest, named_day)
    arxiv_id = check_arxiv_id(values.pop("arxiv_id"), display, place, problems)  # type: ignore[arg-type]
    first = versions.first
    return Record(
        origin=Origin(display, place),
        source=SOURCE,
        listing_day=day,
        rank=rank,
        title=title,
        arxiv_id=arxiv_id,
        announce_type=kind,
        published=_as_date(first),
        updated=_as_date(versions.newest) if versions.count > 1 else None,
        **values,  # type: ignore[arg-type]
    )


def _as_date(moment: dt.datetime | dt.date | None) -> dt.date | None:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _text(element: ET.Element, path: str) -> str | None:
    found = child_text(element, path)
    return " ".join(found.split()) if found else None


def _doi(value: str | None) -> str | None:
    return value.split()[0] if value else None


def _raw(fields: ET.Element) -> Metadata:
    moments = [
        rfc822_moment(version.findtext(f"{RAW}date")) for version in fields.findall(f"{RAW}version")
    ]
    known = [moment for moment in moments if moment is not None]
    versions = Versions(known[0] if known else None, known[-1] if known else None, len(moments))
    return (
        _text(fields, f"{RAW}title"),
        versions,
        {
            "arxiv_id": child_text(fields, f"{RAW}id"),
            "abstract": child_text(fields, f"{RAW}abstract"),
            "authors": split_authors(child_text(fields, f"{RAW}authors") or ""),
            "categories": category_codes((child_text(fields, f"{RAW}categories") or "").split()),
            "comment": _text(fields, f"{RAW}comments"),
            "journal_ref": _text(fields, f"{RAW}journal-ref"),
            "doi": _doi(child_text(fields, f"{RAW}doi")),
        },
    )


def _arxiv(fields: ET.Element) -> Metadata:
    created = iso_day(child_text(fields, f"{ARXIV}created"))
    updated = iso_day(child_text(fields, f"{ARXIV}updated"))
    authors = []
    for author in fields.iter(f"{ARXIV}author"):
        parts = [
            child_text(author, f"{ARXIV}forenames"),
            child_text(author, f"{ARXIV}keyname"),
            child_text(author, f"{ARXIV}suffix"),
        ]
        name = " ".join(part for part in parts if part)
        if name:
            authors.append(name)
    versions = Versions(created, updated or created, 2 if updated else 1)
    return (
        _text(fields, f"{ARXIV}title"),
        versions,
        {
            "arxiv_id": child_text(fields, f"{ARXIV}id"),
            "abstract": child_text(fields, f"{ARXIV}abstract"),
            "authors": tuple(authors),
            "categories": category_codes((child_text(fields, f"{ARXIV}categories") or "").split()),
            "comment": _text(fields, f"{ARXIV}comments"),
            "journal_ref": _text(fields, f"{ARXIV}journal-ref"),
            "doi": _doi(child_text(fields, f"{ARXIV}doi")),
        },
    )


def _dublin_core(fields: ET.Element) -> Metadata:
    dates = [day for day in (iso_day(d.text) for d in fields.findall(f"{DC}date")) if day]
    versions = Versions(dates[0] if dates else None, dates[-1] if dates else None, len(dates))
    descriptions = [
        d.text.strip() for d in fields.findall(f"{DC}description") if d.text and d.text.strip()
    ]
    comments = [
        d.removeprefix("Comment:").strip() for d in descriptions if d.startswith("Comment:")
    ]
    abstracts = [d for d in descriptions if not d.startswith("Comment:")]
    arxiv_id = doi = None
    for identifier in fields.findall(f"{DC}identifier"):
        value = (identifier.text or "").strip()
        if "arxiv.org/abs/" in value:
            arxiv_id = value.rsplit("/abs/", 1)[1]
        elif match := _DOI.match(value):
            doi = match.group(1)
    authors = tuple(
        given_name_first(c.text)
        for c in fields.findall(f"{DC}creator")
        if c.text and c.text.strip()
    )
    return (
        _text(fields, f"{DC}title"),
        versions,
        {
            "arxiv_id": arxiv_id,
            "abstract": abstracts[0] if abstracts else None,
            "authors": authors,
            "comment": " ".join(comments) or None,
            "doi": doi,
        },
    )


def split_authors(text: str) -> tuple[str, ...]:
    """arXivRaw's free-text author list (``A (McGill), B and C (DAMTP, Cambridge)``) as
    names: affiliations in parentheses dropped, split on commas and "and"."""
    bare = text
    while True:
        stripped = _AFFILIATION.sub("", bare)
        if stripped == bare:
            break
        bare = stripped
    names = (" ".join(name.split()) for name in _AUTHOR_SEPARATOR.split(" ".join(bare.split())))
    return tuple(name for name in names if name)
