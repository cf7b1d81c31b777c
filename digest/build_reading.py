"""The build's reading and merging, with the settled catalog (``incremental.settled_catalog``).

Read: the listings the settled catalog holds are answered from it, their papers unread,
while each is the one it holds (the same name and bytes, in the same order); the others
are read through the listing store. Merge: the newer listings' sightings are merged onto
the kept papers (``catalog.merge.merged_onto``). Where that cannot be done exactly (a
settled listing changed, the store is damaged or of other code, or an entry is keyed by a
DOI or a title), every listing is read and merged as before, and the store is made afresh
from the settled part where every entry is keyed by its arXiv id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from digest.catalog.merge import (
    Catalog,
    Matched,
    finished_catalog,
    keyed_by_arxiv,
    merged_onto,
    merged_papers,
)
from digest.incremental.listing_cache import ListingCache
from digest.incremental.settled_catalog import (
    TAIL,
    SettledCatalog,
    SettledListing,
    SettledReader,
)
from digest.ingest.digest_reader import ReadOutcome, read_everything
from digest.model import Paper


@dataclass
class Reading:
    """Everything read, and the settled catalog as this build leaves it."""

    outcome: ReadOutcome
    reader: SettledReader
    store: SettledCatalog
    kept: list[Paper] | None  # the settled papers, where the store could be used

    @property
    def papers_read(self) -> int:
        """Papers read from every listing, settled ones counted as when they were read."""
        settled = self.reader.settled[: self.reader.answered] if self.kept is not None else []
        return sum(listing.papers for listing in settled) + len(self.outcome.papers)


def read_listings(
    root: Path, fallback_date: dt.date | None, listings: ListingCache, store: SettledCatalog
) -> Reading:
    """Every input read; the settled listings' papers from the store where it holds them."""
    reader = SettledReader(listings, store.listings)
    outcome = read_everything(root, fallback_date, reader, listings.read_library)
    kept = None
    if reader.valid and keyed_by_arxiv(_sightings(reader.read)):
        kept = store.papers()
    if kept is None and reader.answered:
        # Some listings were answered without their papers, which are needed after all:
        # a settled one changed, the store is damaged, or a newer entry is keyed by a DOI
        # or a title.
        return _read_whole(root, fallback_date, listings, store)
    return Reading(outcome, reader, store, kept)


def _read_whole(
    root: Path, fallback_date: dt.date | None, listings: ListingCache, store: SettledCatalog
) -> Reading:
    reader = SettledReader(listings, [])
    outcome = read_everything(root, fallback_date, reader, listings.read_library)
    return Reading(outcome, reader, store, None)


def _sightings(read: list[tuple[SettledListing | None, list[Paper]]]) -> list[Paper]:
    return [paper for _, papers in read for paper in papers]


def _settling(read: list[tuple[SettledListing | None, list[Paper]]]) -> int:
    """How many of the listings read (not answered from the store) settle with this
    build: all but the newest ``TAIL``, up to the first one too large to be kept."""
    unkept = next((n for n, (meta, _) in enumerate(read) if meta is None), len(read))
    return min(max(0, len(read) - TAIL), unkept)


def merged_catalog(reading: Reading) -> tuple[Catalog, Matched, Callable[[], None]]:
    """The catalog of everything read, without topics (``merge.untopiced_catalog``'s),
    the curation entries with the papers they name, and what keeps the settled catalog
    for the next build (under the build's lock)."""
    merged, keep = _merged(reading)
    outcome = reading.outcome
    catalog, matched = finished_catalog(
        merged, outcome.config, outcome.curations, outcome.problems, outcome.gists, topics=False
    )
    reading.reader.read = []  # merged: the sightings are let go of
    return catalog, matched, keep


def _merged(reading: Reading) -> tuple[list[Paper], Callable[[], None]]:
    """Every paper merged, in a whole merge's order, and what keeps the settled catalog."""
    read = reading.reader.read
    settling = _settling(read)
    settled_part, newer = _sightings(read[:settling]), _sightings(read[settling:])
    store = reading.store
    if reading.kept is not None:
        # Every sighting keyed by arXiv id (``read_listings``): merged onto the kept papers.
        settled = merged_onto(reading.kept, settled_part)
        assert settled is not None
        done = merged_onto(settled[0], newer)
        assert done is not None
        listings = [*reading.reader.settled, *(meta for meta, _ in read[:settling] if meta)]
        changed = settled[1]
        keep = (lambda: store.save(listings, changed, whole=False)) if settling else _nothing
        return done[0], keep
    if keyed_by_arxiv(settled_part) and keyed_by_arxiv(newer):
        # Merged in two parts, the settled one kept: what merging everything gives.
        base = merged_papers(settled_part)
        done = merged_onto(base, newer)
        assert done is not None
        listings = [meta for meta, _ in read[:settling] if meta]
        keep = (lambda: store.save(listings, base, whole=True)) if listings else store.forget
        return done[0], keep
    return merged_papers(_sightings(read)), store.forget


def _nothing() -> None:
    pass
