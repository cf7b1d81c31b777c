"""Listing readers: one module per format, chosen by looking at the file's content.

A reader takes the bytes of one file and returns records with their locations. It never
raises on bad input: problems go to the ``Problems`` it is given, with the place and fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from digest.content_errors import ContentError, guarded
from digest.identity import split_arxiv_id, title_key
from digest.ingest.readers import (
    arxiv_atom,
    arxiv_listing,
    arxiv_oai,
    arxiv_rss,
    arxiv_snapshot,
    biorxiv_api,
    daily_arxiv_jsonl,
    hand_yaml,
    hf_html,
    hf_json,
    hf_text,
    openreview_api,
    semantic_scholar,
    zotero_export,
)
from digest.ingest.readers.resemblance import resemblance
from digest.model import Record
from digest.problems import Problems

# Files larger than this are refused before decoding: a listing is a day of papers, and a
# runaway file must not take the whole build's memory.
MAX_LISTING_BYTES = 32 * 1024 * 1024
# Listing days outside these are typing mistakes or broken feeds (9999-12-31), never a day
# of papers; they are errors, since every date computation downstream assumes a real day.
MIN_LISTING_DAY = dt.date(1991, 8, 1)  # arXiv's first month
MAX_LISTING_DAY = dt.date(2199, 12, 31)


@dataclass(frozen=True)
class ListingContext:
    """What a reader may know besides the bytes: the name to report and a fallback date."""

    path: Path
    display: str
    fallback_date: dt.date | None


@dataclass(frozen=True)
class Reader:
    name: str
    description: str
    accepts: Callable[[str], bool]
    read: Callable[[str, ListingContext, Problems], list[Record]]


# Tried in this order; the first that accepts the content reads it. Plain text comes last
# because it accepts anything that is not JSON, markup or a YAML list.
READERS: tuple[Reader, ...] = (
    Reader(
        name="arxiv-snapshot-jsonl",
        description="the Cornell/Kaggle arXiv metadata snapshot's JSON Lines (a slice, or a day digest import-snapshot filed)",
        accepts=arxiv_snapshot.accepts,
        read=arxiv_snapshot.read,
    ),
    # Before the JSON reader: a JSON Lines file starts like JSON, then has "extra data".
    Reader(
        name="daily-arxiv-jsonl",
        description="daily-arXiv-ai-enhanced JSON Lines (one arXiv paper a line)",
        accepts=daily_arxiv_jsonl.accepts,
        read=daily_arxiv_jsonl.read,
    ),
    # Before the Zotero and JSON readers: its records are a JSON list with a "type".
    Reader(
        name="biorxiv-api",
        description="bioRxiv or medRxiv api.biorxiv.org details answer",
        accepts=biorxiv_api.accepts,
        read=biorxiv_api.read,
    ),
    Reader(
        name="openreview-api",
        description="OpenReview notes (API v2 or v1 answer, or a crawler's venue list)",
        accepts=openreview_api.accepts,
        read=openreview_api.read,
    ),
    # Before the JSON reader: a CSL JSON export is a JSON list too.
    Reader(
        name="zotero",
        description="Zotero export (BibTeX, Better BibTeX, CSL JSON, RIS) kept as a day's papers",
        accepts=zotero_export.accepts,
        read=zotero_export.read,
    ),
    # Before the Hugging Face reader, which would take its answers and lose their ids.
    Reader(
        name="semantic-scholar",
        description="Semantic Scholar Graph API answer (a paper, a search or a batch)",
        accepts=semantic_scholar.accepts,
        read=semantic_scholar.read,
    ),
    Reader(
        name="hf-daily-json",
        description="Hugging Face api/daily_papers JSON",
        accepts=hf_json.accepts,
        read=hf_json.read,
    ),
    Reader(
        name="arxiv-atom",
        description="arXiv API or rss.arxiv.org Atom feed",
        accepts=arxiv_atom.accepts,
        read=arxiv_atom.read,
    ),
    Reader(
        name="arxiv-rss",
        description="arXiv RSS 2.0 feed",
        accepts=arxiv_rss.accepts,
        read=arxiv_rss.read,
    ),
    Reader(
        name="arxiv-oai",
        description="arXiv OAI-PMH answer (arXivRaw, arXiv or oai_dc records)",
        accepts=arxiv_oai.accepts,
        read=arxiv_oai.read,
    ),
    Reader(
        name="hf-papers-html",
        description="saved huggingface.co/papers page",
        accepts=hf_html.accepts,
        read=hf_html.read,
    ),
    Reader(
        name="arxiv-listing-html",
        description="arXiv /list/<category>/new page",
        accepts=arxiv_listing.accepts,
        read=arxiv_listing.read,
    ),
    Reader(
        name="curator-yaml",
        description="hand-written YAML list of papers",
        accepts=hand_yaml.accepts,
        read=hand_yaml.read,
    ),
    Reader(
        name="hf-papers-text",
        description="text of a Hugging Face papers page copied from a browser",
        accepts=hf_text.accepts,
        read=hf_text.read,
    ),
)


@dataclass
class ListingResult:
    display: str
    format: str | None
    records: list[Record]
    read: int = field(init=False)  # records read; the build lets go of them once converted
    unique: int = field(init=False)  # distinct papers among them (a file may repeat one)

    def __post_init__(self) -> None:
        self.read = len(self.records)
        self.unique = len({_identity(record) for record in self.records})


def _identity(record: Record) -> str:
    """Which paper a record is, for counting: its arXiv id without the version, else its
    DOI, else its title's words."""
    parsed = split_arxiv_id(record.arxiv_id) if record.arxiv_id else None
    if parsed is not None:
        return f"arxiv:{parsed[0]}"
    if record.doi:
        return "doi:" + record.doi.lower()
    return f"title:{title_key(record.title)}"


def decode(data: bytes, display: str, problems: Problems) -> str | None:
    """The file's text, or None with a problem saying why it is not readable text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 with its byte-order mark (Windows tools save text so): unambiguous, so read it.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            problems.error(
                display, None, "UTF-16 text that does not decode; save the file as UTF-8"
            )
            return None
    if b"\x00" in data[:8192]:
        problems.error(
            display, None, "binary file, not a listing; remove it from the listings folder"
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.error(
            display,
            f"line {line}",
            f"not UTF-8 text (byte 0x{data[err.start]:02x}); save the file as UTF-8",
        )
        return None


def read_listing(context: ListingContext, problems: Problems) -> ListingResult:
    size = context.path.stat().st_size
    if size > MAX_LISTING_BYTES:
        with context.path.open("rb") as handle:
            head = handle.read(1 << 16).decode("utf-8", "replace")
        snapshot = (
            head.lstrip().startswith("{") and '"versions"' in head and '"authors_parsed"' in head
        )
        fix = (
            "it is the arXiv metadata snapshot: move it out of the listings folder and run "
            "digest import-snapshot FILE, which files the papers of fetch.arxiv_categories by day"
            if snapshot
            else "split it by day"
        )
        problems.error(
            context.display,
            None,
            f"file is {size // (1024 * 1024)} MB, over the {MAX_LISTING_BYTES // (1024 * 1024)} MB "
            f"a listing may have; {fix}",
        )
        return ListingResult(context.display, None, [])
    text = decode(context.path.read_bytes(), context.display, problems)
    if text is None:
        return ListingResult(context.display, None, [])
    if not text.strip():
        problems.error(context.display, None, "empty file; delete it or paste the listing into it")
        return ListingResult(context.display, None, [])
    reader: Reader | None = None
    try:
        reader = guarded(lambda: next((r for r in READERS if r.accepts(text)), None))
        if reader is not None:
            # What a reader read before it failed is dropped with the file: half a day's
            # listing published as if whole would be a silent loss.
            found = Problems()
            chosen = reader
            records = guarded(lambda: chosen.read(text, context, found))
            problems.extend(found)
            records = _plausible(records, context.display, problems)
            return ListingResult(context.display, reader.name, records)
        looks = guarded(lambda: resemblance(text))
    except ContentError as err:
        problems.error(
            context.display,
            None,
            f"{err}; nothing of the file was read: it is damaged or not a listing, "
            "take it again from its source or remove it",
        )
        return ListingResult(context.display, reader.name if reader else None, [])
    if looks is not None:
        problems.error(context.display, None, looks)
        return ListingResult(context.display, None, [])
    tried = ", ".join(f"{r.name} ({r.description})" for r in READERS)
    problems.error(context.display, None, f"no reader accepts this file; tried: {tried}")
    return ListingResult(context.display, None, [])


def _plausible(records: list[Record], display: str, problems: Problems) -> list[Record]:
    """Records whose listing day is a real one; the others reported, once per day."""
    kept = []
    reported: set[dt.date] = set()
    for record in records:
        day = record.listing_day
        if MIN_LISTING_DAY <= day <= MAX_LISTING_DAY:
            kept.append(record)
        elif day not in reported:
            reported.add(day)
            problems.error(
                display,
                record.origin.place,
                f"listing date {day.isoformat()} is not a plausible day of papers; "
                "fix the date in the file or its name",
            )
    return kept


_NOT_LISTINGS = ("readme", "license", "licence", "copying", "notice")


def find_listings(folder: Path) -> list[Path]:
    """Every listing file under ``folder``, in a fixed order.

    Hidden files and the documents archives carry (README, LICENSE, COPYING, NOTICE) are
    not listings and are skipped.
    """
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_dir() and not path.is_symlink():
            continue
        # Everything else is returned, symlinks and special files too: the build refuses
        # those with a message (``guard.refusal``) rather than skipping them unseen.
        if not path.name.lower().startswith(_NOT_LISTINGS):
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())
