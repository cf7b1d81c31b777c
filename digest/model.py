"""The one record type the rest of the pipeline works on.

Readers produce ``Record``s (what a listing said, as it said it, with its location);
``normalize`` turns each into a ``Paper``; the catalog merges papers and assigns topics.
Everything here is frozen: the middle of the pipeline is pure functions over values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Origin:
    """Where a record came from: the listing file and the place inside it."""

    file: str
    place: str


@dataclass(frozen=True)
class Links:
    abstract: str | None = None
    pdf: str | None = None
    code: str | None = None
    project: str | None = None
    huggingface: str | None = None

    def labelled(self) -> list[tuple[str, str]]:
        """The known links as (label, url), in the order a reader scans them."""
        candidates = [
            ("arXiv", self.abstract),
            ("PDF", self.pdf),
            ("Code", self.code),
            ("Project page", self.project),
            ("Hugging Face", self.huggingface),
        ]
        return [(label, url) for label, url in candidates if url is not None]


@dataclass(frozen=True)
class Record:
    """One paper as a listing gave it, before any cleaning.

    ``arxiv_id`` may carry a version (``2401.01234v2``); ``links`` holds the links the
    listing named as such, ``urls`` any other URL found in it (classified later).
    """

    origin: Origin
    source: str
    listing_day: dt.date
    rank: int
    title: str
    abstract: str | None = None
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None
    links: Links = field(default_factory=Links)
    urls: tuple[str, ...] = ()
    published: dt.date | None = None
    updated: dt.date | None = None
    upvotes: int | None = None
    github_stars: int | None = None
    categories: tuple[str, ...] = ()
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = ()
    announce_type: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Appearance:
    """One day on which one source listed the paper, and its rank there (1 = first).

    ``kind`` is arXiv's announce type where the source says it: new, cross, replace,
    replace-cross.
    """

    day: dt.date
    source: str
    rank: int
    origin: Origin
    kind: str | None = None


@dataclass(frozen=True)
class TopicMatch:
    """Why a paper sits in a topic: the term that matched and where."""

    slug: str
    term: str | None
    field: str | None


@dataclass(frozen=True)
class Paper:
    key: str
    title: str
    abstract: str
    appearances: tuple[Appearance, ...]
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None
    version: int | None = None
    links: Links = field(default_factory=Links)
    published: dt.date | None = None
    updated: dt.date | None = None
    upvotes: int | None = None
    github_stars: int | None = None
    categories: tuple[str, ...] = ()
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    topics: tuple[TopicMatch, ...] = ()
    # Set by the curator's curation.yml: Markdown notes, pinned first on its days, a pick.
    curator_notes: tuple[str, ...] = ()
    pinned: bool = False
    pick: str | None = None

    @cached_property
    def first_day(self) -> dt.date:
        return min(a.day for a in self.appearances)

    @cached_property
    def last_day(self) -> dt.date:
        return max(a.day for a in self.appearances)

    @property
    def topic_slugs(self) -> tuple[str, ...]:
        return tuple(t.slug for t in self.topics)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({a.source for a in self.appearances}))

    def days(self) -> list[dt.date]:
        return sorted({a.day for a in self.appearances})
