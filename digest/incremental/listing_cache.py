"""Listings read by earlier builds, kept as papers under the hash of the file's bytes.

Reading and normalizing the two-year archive's 580 files takes 0.8 s; loading what an
earlier build made of them takes 0.3 s. The key holds the file's bytes (their SHA-256)
and name, the date given for undated listings, and this package's code, so a kept
reading is used only where reading the file again would give the same papers and
problems. The SHA-256 is the build's up-to-date check's where it has one for the file
as it is (``up_to_date``: its size and modification time, as git's index trusts them).

Readings are kept in one file per week of the date a listing's name starts with (as
``digest fetch`` names them), the others in 16 files by a hash of the name: a new day, and
the days ``digest fetch`` fetches again each morning, rewrite one week's file or two. (By
hash alone, the morning rewrote four of 16 files: 90 of the 370 MB a year of a 60-a-day
arXiv digest keeps.) Each build reads them all, so they are decoded by msgspec straight
into the papers' dataclasses (``typed_codec``), in a sixth of the time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest import collector
from digest.incremental.fingerprint import code_fingerprint
from digest.incremental.store import KeptEntries
from digest.incremental.typed_codec import TypedCodec
from digest.ingest.digest_reader import ListingRead
from digest.ingest.library import LibraryItem, ReadLibrary
from digest.ingest.readers import MAX_LISTING_BYTES, ListingContext, ListingResult
from digest.model import Paper, carry
from digest.problems import Problem, Problems

_BUCKETS = 16
_DATED = re.compile(r"(?:^|/)(\d{4}-\d{2}-\d{2})[^/]*$")


@dataclass
class KeptReading:
    """What is kept of a listing (``ListingRead``, its result without the raw records)
    or of a library file (its items): dataclasses msgspec builds without running code."""

    display: str
    format: str | None = None
    read: int = 0
    unique: int = 0
    papers: list[Paper] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    days: list[dt.date] = field(default_factory=list)
    library: list[LibraryItem] = field(default_factory=list)
    text_prints: list[str] = field(default_factory=list)
    """Each paper's ``text_print``, in the papers' order: the catalog keys its topic
    matches and the ranking its day chains by it, and hashing every paper's texts again
    each build took 0.5 s at half a year of arXiv (66,000 papers)."""
    title_keys: list[str] = field(default_factory=list)
    """Each paper's ``title_key``, in the papers' order (a library of titles alone is
    looked up among every paper's: 0.2 s at half a year of arXiv)."""

    @staticmethod
    def of(reading: ListingRead) -> KeptReading:
        result = reading.result
        return KeptReading(
            result.display,
            result.format,
            result.read,
            result.unique,
            reading.papers,
            reading.problems.items,
            reading.days,
            text_prints=[paper.text_print for paper in reading.papers],
            title_keys=[paper.title_key for paper in reading.papers],
        )

    def reading(self) -> ListingRead:
        # Made as the reader made it, without __post_init__ (which counts the records,
        # let go of once read: the counts are kept).
        result: Any = object.__new__(ListingResult)
        result.__dict__.update(
            display=self.display, format=self.format, records=[], read=self.read, unique=self.unique
        )
        # What the cached properties hold, as worked out when the file was read.
        for name, values in (("text_print", self.text_prints), ("title_key", self.title_keys)):
            if len(values) == len(self.papers):  # else worked out when asked
                for paper, value in zip(self.papers, values, strict=True):
                    carry(paper, name, value)
        return ListingRead(result, self.papers, Problems(self.problems), self.days)


# The SHA-256 of a file as the build's up-to-date check found it, if the file is as it
# was then (``up_to_date.Inputs.sha256_of``); else None.
KnownSums = Callable[[Path, os.stat_result], str | None]


class ListingCache:
    def __init__(
        self, folder: Path, fallback_date: dt.date | None, known: KnownSums | None = None
    ) -> None:
        """``known``: the sums the up-to-date check made, so that a listing it hashed (or
        found as it was when hashed before) is not read and hashed again: a year of arXiv
        is 350 MB of listings, every build."""
        self.kept = KeptEntries(folder, codec=TypedCodec(dict[str, KeptReading]))
        self.salt = f"{code_fingerprint()} {fallback_date}".encode()
        self.known = known

    def key_of(self, context: ListingContext) -> str | None:
        """The key a listing's reading is kept under (its name and bytes, the code, the
        date given for undated listings); None for a file too large to be read."""
        stat = context.path.stat()
        if stat.st_size > MAX_LISTING_BYTES:
            return None
        sha = self.known(context.path, stat) if self.known is not None else None
        if sha is None:
            sha = hashlib.sha256(context.path.read_bytes()).hexdigest()
        digest = hashlib.sha256(self.salt)
        digest.update(f"\0{context.display}\0{sha}".encode())
        return digest.hexdigest()

    def read(
        self,
        context: ListingContext,
        read_file: Callable[[ListingContext], ListingRead],
        key: str | None = None,
    ) -> ListingRead:
        """``key``: the listing's ``key_of``, where the caller made it already."""
        key = key or self.key_of(context)
        if key is None:
            return read_file(context)  # refused unread; nothing to keep
        bucket = _bucket(context.display)
        kept: KeptReading | None = self.kept.get(bucket, key)
        if kept is None:
            with collector.running():  # parsers make cycles; decoding from the store does not
                reading = read_file(context)
            kept = KeptReading.of(reading)
        else:
            reading = kept.reading()
        self.kept.put(bucket, key, kept)
        return reading

    def retain(self, context: ListingContext, key: str) -> None:
        """Keep the listing's reading as it is, unread: its papers are in the settled
        catalog (``settled_catalog``), and a later build may need it again."""
        self.kept.retain(_bucket(context.display), key)

    def read_library(
        self, path: Path, display: str, problems: Problems, read: ReadLibrary
    ) -> list[LibraryItem]:
        """A library file as an earlier build read it from the same bytes, else read now."""
        try:
            data = path.read_bytes() if path.stat().st_size <= MAX_LISTING_BYTES else None
        except OSError:
            data = None
        if data is None:
            return read(path, display, problems)  # refused or unreadable: said by read
        digest = hashlib.sha256(self.salt)
        digest.update(f"library {display}".encode())
        digest.update(data)
        key = digest.hexdigest()
        kept: KeptReading | None = self.kept.get("library", key)
        if kept is None:
            found = Problems()
            with collector.running():
                items = read(path, display, found)
            kept = KeptReading(display, problems=found.items, library=items)
        self.kept.put("library", key, kept)
        problems.items.extend(kept.problems)
        return kept.library

    def settle(self) -> None:
        """Every file read: encode the buckets that changed, and let go of the readings."""
        self.kept.settle()

    def save(self) -> None:
        """Keep the readings of this build's files; rewrite only the buckets that changed."""
        self.kept.save()


def _bucket(display: str) -> str:
    """The file a listing's reading is kept in: ``2025-w39`` for a listing named from a
    date of that ISO week, else one of 16 by a hash of its name."""
    dated = _DATED.search(display)
    if dated is not None:
        with contextlib.suppress(ValueError):  # 2025-13-45: a name, not a date
            year, week, _ = dt.date.fromisoformat(dated.group(1)).isocalendar()
            return f"{year}-w{week:02d}"
    return f"{hashlib.sha256(display.encode()).digest()[0] % _BUCKETS:02d}"
