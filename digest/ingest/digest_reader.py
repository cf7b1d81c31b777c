"""Read a digest's inputs: digest.yml, every listing (each through its reader and into
papers), curation.yml; then the catalog of it all. Nothing is written here.

Inputs are read only from inside the digest (``guard``); with a listing store (builds),
a file read by an earlier build with the same bytes is taken from it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from digest.config import DigestConfig, load_config
from digest.guard import refusal
from digest.ingest.curation_file import CURATION_NAME, Curation, load_curation
from digest.ingest.library import LibraryItem, ReadLibrary, read_library_of
from digest.ingest.normalize import MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS, to_paper
from digest.ingest.readers import ListingContext, ListingResult, find_listings, read_listing
from digest.ingest.summaries import StoredGist, read_stored
from digest.model import Paper
from digest.problems import Problems, counted


@dataclass
class ListingRead:
    """One file read: its result (without the raw records), its papers, its problems, and
    the days it lists (for the clock-dependent check, which is never kept)."""

    result: ListingResult
    papers: list[Paper]
    problems: Problems
    days: list[dt.date]


ReadListing = Callable[[ListingContext], ListingRead]


@dataclass
class ReadOutcome:
    config: DigestConfig
    listings: list[ListingResult]
    papers: list[Paper]
    problems: Problems
    curations: list[Curation] = field(default_factory=list)
    library: list[LibraryItem] = field(default_factory=list)
    gists: dict[str, StoredGist] = field(default_factory=dict)  # digest summarize's
    latest_day: dt.date | None = None  # the newest day any listing is of

    def totals(self) -> str:
        """One line: listings per format, papers read, problems."""
        formats = Counter(listing.format or "unreadable" for listing in self.listings)
        by_format = ", ".join(f"{count} {name}" for name, count in sorted(formats.items()))
        records = sum(listing.read for listing in self.listings)
        papers = sum(listing.unique for listing in self.listings)
        read = counted(papers, "paper")
        if papers != records:
            read = f"{counted(records, 'entry', 'entries')} ({read})"
        return (
            f"{counted(len(self.listings), 'listing')} ({by_format or 'none'}), "
            f"{read} read, {counted(len(self.problems.errors), 'error')}, "
            f"{counted(len(self.problems.warnings), 'warning')}"
        )


def read_file(context: ListingContext) -> ListingRead:
    """One listing read and made into papers, with the problems found on the way."""
    problems = Problems()
    result = read_listing(context, problems)
    papers = []
    for record in result.records:
        paper = to_paper(record)
        for name, limit, shown in (
            ("title", MAX_TITLE_CHARS, paper.title),
            ("abstract", MAX_ABSTRACT_CHARS, paper.abstract),
        ):
            written = getattr(record, name) or ""
            if len(written) > limit and shown.endswith(" […]"):
                problems.warn(
                    record.origin.file,
                    record.origin.place,
                    f"the {name} is {len(written):,} characters, over the {limit:,} shown; "
                    "cut (the paper's links lead to the whole text)",
                )
        if not paper.title:
            # Readers check for a title; one made only of control characters or
            # spaces is empty once cleaned.
            problems.warn(
                record.origin.file,
                record.origin.place,
                "the title is empty once control characters are removed; skipped",
            )
            continue
        papers.append(paper)
    days = sorted({record.listing_day for record in result.records})
    result.records = []  # converted: at 30,000 papers the raw records are 90 MB
    return ListingRead(result, papers, problems, days)


def read_everything(
    root: Path,
    fallback_date: dt.date | None,
    remembered: Callable[[ListingContext, ReadListing], ListingRead] | None = None,
    remembered_library: Callable[[Path, str, Problems, ReadLibrary], list[LibraryItem]]
    | None = None,
) -> ReadOutcome:
    """Every listing read; ``remembered`` (builds: the listing store) gives what an
    earlier build read from a file with the same bytes."""
    config, problems = load_config(root)
    listings: list[ListingResult] = []
    papers: list[Paper] = []
    if problems.errors:
        # A folder that is not safe to read (or a config that cannot be used) stops here,
        # before any listing is opened.
        return ReadOutcome(config, listings, papers, problems)
    if not config.listings.is_dir():
        problems.error(
            str(config.listings.relative_to(config.root))
            if config.listings.is_relative_to(config.root)
            else str(config.listings),
            None,
            "listings folder not found; create it and put listing files in it",
        )
        return ReadOutcome(config, listings, papers, problems)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    latest: dt.date | None = None
    for path in find_listings(config.listings):
        display = (
            path.relative_to(config.root).as_posix()
            if path.is_relative_to(config.root)
            else str(path)
        )
        refused = refusal(path, config.root, config.allow_outside)
        if refused:
            problems.error(display, None, refused)
            continue
        context = ListingContext(path, display, fallback_date)
        reading = remembered(context, read_file) if remembered else read_file(context)
        problems.extend(reading.problems)
        if reading.days and (latest is None or reading.days[-1] > latest):
            latest = reading.days[-1]
        future = [day for day in reading.days if day > tomorrow]
        if future:
            # The clock is consulted for this warning only, never for the output.
            problems.warn(
                display,
                None,
                f"listing date {future[0].isoformat()} is in the future; check the file name or date line",
            )
        listings.append(reading.result)
        papers.extend(reading.papers)
    if not listings:
        problems.warn(
            config.listings.name, None, "no listing files; the site will have no papers yet"
        )
    refused_inputs = _check_other_inputs(config, problems)
    slugs = {topic.slug for topic in config.all_topics}
    curations = (
        []
        if config.root / CURATION_NAME in refused_inputs
        else load_curation(config.root, slugs, problems)
    )
    library = read_library_of(config, problems, remembered_library)
    gists = read_stored(config.listings) if config.summaries.enabled else {}
    return ReadOutcome(config, listings, papers, problems, curations, library, gists, latest)


def _check_other_inputs(config: DigestConfig, problems: Problems) -> set[Path]:
    """Template overrides and curation.yml are read like listings: never through a
    symlink out of the digest, never from a special file."""
    refused: set[Path] = set()
    candidates = [config.root / CURATION_NAME]
    if config.templates.is_dir():
        candidates += [
            path
            for path in sorted(config.templates.rglob("*"))
            if not (path.is_dir() and not path.is_symlink())
        ]
    for path in candidates:
        if not path.exists() and not path.is_symlink():
            continue
        reason = refusal(path, config.root, config.allow_outside)
        if reason:
            problems.error(path.relative_to(config.root).as_posix(), None, reason)
            refused.add(path)
    return refused
