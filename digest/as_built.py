"""The digest as its last build read it, for the commands that answer from it (rank,
summarize, send, pick, note, dislike): what that build read and worked out is taken
from its stores under ``.digest/``, which these commands only read, never write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from digest.catalog.merge import Catalog, Matched, untopiced_catalog
from digest.catalog.relevance import RankMemory
from digest.catalog.shown_topics import with_topics
from digest.catalog.sift import Sifted, SiftMemory, sift
from digest.catalog.walk_steps import RECENT_DAYS
from digest.incremental.cache import BuildCache
from digest.ingest.digest_reader import ReadOutcome, read_everything


def sift_catalog(
    outcome: ReadOutcome, catalog: Catalog, memory: SiftMemory | None = None
) -> Sifted:
    """What the site shows: the digest's filters and caps applied, each day ranked
    against the library, related papers found (``catalog.sift``)."""
    config = outcome.config
    return sift(
        catalog,
        outcome.library,
        config.ranking,
        config.filters,
        outcome.problems,
        memory=memory,
        archive=config.archive,
        # A walk resumes from before any day ``digest fetch`` fetches again.
        recent_days=max(RECENT_DAYS, config.fetch.days),
    )


@dataclass
class AsBuilt:
    outcome: ReadOutcome
    kept: BuildCache

    @cached_property
    def _untopiced(self) -> tuple[Catalog, Matched]:
        return untopiced_catalog(self.outcome)

    @property
    def catalog(self) -> Catalog:
        """Every paper read, with the curator's file applied but for topics (as a build
        sifts it; the papers shown get theirs in ``sifted``)."""
        return self._untopiced[0]

    @cached_property
    def memory(self) -> SiftMemory | None:
        """What the last build's ranking and related papers worked out (read once)."""
        return self.kept.ranking_memory().load()

    @cached_property
    def sifted(self) -> Sifted:
        """What the site shows of the catalog, ranked as the last build ranked it."""
        catalog, matched = self._untopiced
        sifted = sift_catalog(self.outcome, catalog, self.memory)
        topics = self.kept.topics(self.outcome.config)  # what the last build matched
        return with_topics(sifted, self.outcome.config, matched, topics.matches)

    def ranking_memory(self) -> RankMemory | None:
        return self.memory.ranking if self.memory is not None else None


def read_as_built(root: Path, fallback_date: dt.date | None) -> AsBuilt:
    """Every input read again, each listing the last build read answered from its store."""
    kept = BuildCache(root)
    listings = kept.listings(fallback_date)
    return AsBuilt(read_everything(root, fallback_date, listings.read, listings.read_library), kept)
