"""The papers merged from the listings that no longer change, kept between builds.

A high-volume digest grows by a listing a day, and its older listings are never written
again; yet each build decoded every entry it ever read (a year of arXiv at 700 a day is
183,000, a third of them replacements of papers already seen) and merged them all into
papers again. This store keeps the result for the settled listings (every listing but the
newest ``TAIL``: ``digest fetch`` fetches the last days again, and their files change):
each paper as the merge made it (before topics, the curator's file and gists), in the
merge's order, and what reading each of those listings
said besides its papers (its format, counts, problems and days). A build whose settled
listings are the store's, byte for byte and in the same order, decodes only the newer
listings' entries and merges them onto the kept papers (``catalog.merge.merged_onto``).
Only a digest whose every entry is keyed by its arXiv id (arXiv's feeds and listings,
Hugging Face's daily papers: the high-volume ones) has the store: an entry keyed by a
DOI or a title may join a paper of any listing, so those are merged whole, as before;
the listing that settles with this build is merged into the store, whose rows for the
papers it changed or added are written again, and nothing else.

SQLite (Python's own ``sqlite3``): a paper sighted again is one row rewritten wherever it
is (arXiv replaces papers of any age), in one transaction with the rest (a build stopped
halfway leaves the store as it was). A row holds the paper's head (``HEAD``: what a
build reads of every paper) apart from the whole paper; a build decodes the heads, and
the rest only of the papers it shows or merges again (``KeptRest``). Each part keeps
its CRC-32: a damaged store reads as absent, and the build reads every listing as
before, never trusting it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from digest.filesystem import discard
from digest.incremental.listing_cache import ListingCache
from digest.ingest.digest_reader import ListingRead
from digest.ingest.readers import ListingContext, ListingResult
from digest.model import (
    Appearance,
    Paper,
    fields_besides,
    give_rest,
    is_partly,
    partly,
    slot_types,
    whole,
)
from digest.problems import DigestError, Problem, Problems

# The newest listings are never settled: ``digest fetch`` fetches the last days again
# (fetch.days, 3 by default), and a listing changed after it settled makes the next
# build read every listing again.
TAIL = 7


@dataclass
class SettledListing:
    """What reading a settled listing said besides its papers, under the listing store's
    key (the file's name and bytes, the code, the date given for undated listings)."""

    key: str
    display: str
    format: str | None = None
    read: int = 0
    unique: int = 0
    papers: int = 0
    problems: list[Problem] = field(default_factory=list)
    days: list[dt.date] = field(default_factory=list)

    @staticmethod
    def of(key: str, reading: ListingRead) -> SettledListing:
        result = reading.result
        return SettledListing(
            key,
            result.display,
            result.format,
            result.read,
            result.unique,
            len(reading.papers),
            list(reading.problems.items),
            list(reading.days),
        )

    def reading(self) -> ListingRead:
        """The listing as read, without its papers (they are in the store, merged)."""
        result: Any = object.__new__(ListingResult)  # as ``listing_cache`` makes it
        result.__dict__.update(
            display=self.display, format=self.format, records=[], read=self.read, unique=self.unique
        )
        return ListingRead(result, [], Problems(list(self.problems)), list(self.days))


_LISTING = msgspec.json.Encoder()
_LISTING_DECODER = msgspec.json.Decoder(SettledListing)
_PAPER = msgspec.json.Encoder()
_PAPER_DECODER = msgspec.json.Decoder(Paper)
# Paper has no __post_init__ (``typed_codec``'s rule): decoding runs none of its code.
_DAMAGED = (sqlite3.Error, msgspec.DecodeError, RecursionError, OverflowError, ValueError)

# What a build reads of every kept paper, the ones it does not show too: the sift's
# filters, the ranking's day chains, the order of the catalog and the titles listed
# beyond a day's cap. Kept apart from the rest of the paper (its ``head``), so that a
# build decodes the rest (the abstract, the authors: most of a paper's bytes) only of the
# papers it shows or merges again (``model.partly``).
# With them, the key, the kept prints (``text_print``, ``title_key``) and the first day
# (the sift reads it of every paper): one JSON array.
HEAD = (
    "key",
    "title",
    "appearances",
    "arxiv_id",
    "links",
    "upvotes",
    "pinned",
    "pick",
    "disliked",
    "text_print",
    "title_key",
    "first_day",
)
_HEAD = msgspec.json.Encoder()
# Each value decoded straight into the type Paper declares for it (a type made at run
# time, which a type checker cannot follow).
_HEAD_DECODER = msgspec.json.Decoder(tuple[slot_types(HEAD)])  # type: ignore[misc]
_REST = fields_besides(HEAD)
_APPEARANCES = HEAD.index("appearances")
# Loaded one by one past this many, the rest of every kept paper is loaded in one pass:
# a build that reads them all (include terms in the filters, a ranking started afresh)
# costs what decoding them whole costs, not a query each.
ONE_BY_ONE = 5000


class SettledCatalog:
    """``.digest/settled.sqlite``: read before the build's lock, written under it."""

    def __init__(self, path: Path) -> None:
        # No salt of its own: each settled listing is named by its listing store key,
        # which holds the code and the date given for undated listings, so a store of
        # other code or another date matches no listing (and its papers go unread).
        self.path = path
        self.listings: list[SettledListing] = self._listings()
        self._rest: KeptRest | None = None

    @contextlib.contextmanager
    def _connected(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path) if write else self._connection()
        try:
            yield connection
        finally:
            connection.close()

    def _listings(self) -> list[SettledListing]:
        """The settled listings in the order they were read; none if the store is
        missing or damaged."""
        if not self.path.is_file():
            return []
        try:
            with self._connected() as db:
                rows = db.execute("SELECT body, crc FROM listings ORDER BY seq").fetchall()
            return [_checked(body, crc, _LISTING_DECODER) for body, crc in rows]
        except _DAMAGED:
            return []

    def papers(self) -> list[Paper] | None:
        """Every paper merged from the settled listings, in the merge's order, with its
        worked-out text print and title key, each loaded as far as ``HEAD`` (the rest when
        first read: ``KeptRest``); None if the store is damaged."""
        connection: sqlite3.Connection | None = None
        try:
            connection = self._connection()
            rows = connection.execute("SELECT head, head_crc, crc FROM papers ORDER BY seq")
            rest = KeptRest(self.path, connection)
            expected = rest.expected
            decode = _HEAD_DECODER.decode
            kept: list[Paper] = []
            share = _Shared()
            for head, head_crc, crc in rows:
                if not isinstance(head, bytes) or zlib.crc32(head) != head_crc:
                    raise ValueError("a damaged row")
                values = decode(head)
                share(values[_APPEARANCES])
                expected[values[0]] = crc  # by key
                kept.append(partly(HEAD, values, rest))
            rest.handed_out = kept
            self._rest = rest
            return kept
        except _DAMAGED:
            if connection is not None:
                connection.close()
            return None

    def sift_done(self) -> None:
        """The build has sifted the papers and reads none it does not show from here on:
        the store lets go of the kept papers it gave out, so those left out are freed now,
        not at the build's end (at a year of arXiv, 125,000 papers and 190 MB through the
        pages, where a new day's peak was). A paper still read after is loaded alone."""
        if self._rest is not None:
            self._rest.handed_out = []

    def _connection(self) -> sqlite3.Connection:
        # Read-only: a missing file is not made, and a read never writes. Kept open for
        # the kept papers' rest (``KeptRest``), read from the build's threads.
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    def forget(self) -> None:
        """No settled catalog for the next build: it reads every listing (this one's newer
        listings could not be merged onto kept papers, or none settled)."""
        discard(self.path)

    def save(self, listings: list[SettledListing], changed: list[Paper], *, whole: bool) -> None:
        """Keep ``listings`` as the settled ones and ``changed`` as their papers: added or
        rewritten, or (``whole``) all of them, the store made afresh."""
        if whole:
            self.forget()
        try:
            self._save(listings, changed, whole)
        except sqlite3.Error as err:
            # A store that cannot be written (a full disk) must not stop the build: the
            # next one reads every listing and makes it afresh, never trusting half of it.
            self.forget()
            logging.getLogger("digest").warning(
                "%s: could not keep the settled listings' papers (%s); the next build "
                "reads every listing",
                self.path,
                err,
            )

    def _save(self, listings: list[SettledListing], changed: list[Paper], whole: bool) -> None:
        with self._connected(write=True) as db, db:  # one transaction
            if whole:
                db.executescript(
                    # Rows of 2-3 KB: SQLite's 4 KB pages held one each, the rest empty (524
                    # against 333 MB at a year of arXiv), and were read three times slower.
                    "PRAGMA page_size = 65536;"
                    "CREATE TABLE listings (seq INTEGER PRIMARY KEY, body BLOB, crc INTEGER);"
                    "CREATE TABLE papers (seq INTEGER PRIMARY KEY, key TEXT UNIQUE,"
                    " head BLOB, head_crc INTEGER, body BLOB, crc INTEGER);"
                )
            start = len(self.listings) if not whole else 0
            db.executemany(
                "INSERT INTO listings VALUES (?, ?, ?)",
                [
                    (seq, body, zlib.crc32(body))
                    for seq, body in enumerate(
                        (_LISTING.encode(listing) for listing in listings[start:]), start
                    )
                ],
            )
            # A paper merged again keeps its place in the merge's order (its seq); a new
            # one comes after every other.
            db.executemany(
                "INSERT INTO papers (key, head, head_crc, body, crc) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET head = excluded.head,"
                " head_crc = excluded.head_crc, body = excluded.body, crc = excluded.crc",
                [_row(paper) for paper in changed],
            )
        self.listings = list(listings)


def _row(paper: Paper) -> tuple[str, bytes, int, bytes, int]:
    head = _HEAD.encode([getattr(paper, name) for name in HEAD])
    body = _PAPER.encode(whole(paper))
    return (paper.key, head, zlib.crc32(head), body, zlib.crc32(body))


def _checked(body: Any, crc: Any, decoder: msgspec.json.Decoder[Any]) -> Any:
    if not isinstance(body, bytes) or zlib.crc32(body) != crc:
        raise ValueError("a damaged row")
    return decoder.decode(body)


class _Shared:
    """One object for each value the appearances of a listing repeat (its day, source,
    file and announce type) and each place in a listing: decoded, each appearance has
    its own copies (msgspec makes a new string for every value it decodes), 42 MB of the
    heads of a year of arXiv's 130,000 kept papers, for 0.2 CPU s."""

    def __init__(self) -> None:
        self.values: dict[object, object] = {}

    def __call__(self, appearances: tuple[Appearance, ...]) -> None:
        one = self.values.setdefault
        set_slot = object.__setattr__  # frozen: the class's own refuses
        for appearance in appearances:
            origin = appearance.origin
            set_slot(appearance, "day", one(appearance.day, appearance.day))
            set_slot(appearance, "source", one(appearance.source, appearance.source))
            set_slot(appearance, "kind", one(appearance.kind, appearance.kind))
            set_slot(origin, "file", one(origin.file, origin.file))
            set_slot(origin, "place", one(origin.place, origin.place))


class KeptPapersDamaged(DigestError):
    """A kept paper's row changed or was damaged since the build loaded the papers."""


class KeptRest:
    """The rest of the kept papers (all but ``HEAD``), loaded when a build first reads
    it: those it shows in one query (``model.load_rest``), any other one by one. Each row
    is checked against the CRC-32 it had when the papers were loaded: a row changed or
    damaged since is never used (``KeptPapersDamaged``: the build reads every listing
    instead, or stops with the fix once it has begun writing)."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.connection = connection
        self.expected: dict[str, int] = {}  # each paper's CRC-32, by key
        self.handed_out: list[Paper] = []
        self.one_by_one = 0
        self.lock = threading.Lock()  # one connection, read from the build's threads

    def fill(self, papers: list[Paper]) -> None:
        with self.lock:
            if len(papers) == 1:
                self.one_by_one += 1
                if self.one_by_one > ONE_BY_ONE and self.handed_out:
                    papers = self.handed_out  # every one left, in one pass
            pending = {p.key: p for p in papers if is_partly(p)}
            if not pending:
                return
            try:
                self._fill(pending)
            except _DAMAGED as err:
                # Never trusted again: the build reads every listing (``build``, while it
                # has not written anything), else the next one does. The papers given out
                # are let go of (they and this list hold each other: with the collector
                # paused, a second copy of the catalog through the build's retry).
                self.handed_out = []
                discard(self.path)
                raise KeptPapersDamaged(
                    f"{self.path}: the kept papers changed or were damaged while this build "
                    f"read them ({err}); the file is deleted: build again (it reads every "
                    "listing)"
                ) from None

    def _fill(self, pending: dict[str, Paper]) -> None:
        if len(pending) > len(self.expected) // 2:  # most of them: one pass
            rows: Iterable[tuple[Any, ...]] = self.connection.execute(
                "SELECT key, body, crc FROM papers ORDER BY seq"
            ).fetchall()
        else:
            keys = list(pending)
            chunks = [keys[start : start + 500] for start in range(0, len(keys), 500)]
            rows = [  # 500 keys a query: SQLite's bound on parameters is 999
                row
                for chunk in chunks
                for row in self.connection.execute(
                    f"SELECT key, body, crc FROM papers WHERE key IN ({', '.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            ]
        for key, body, crc in rows:
            paper = pending.pop(key, None)
            if paper is None:
                continue
            if crc != self.expected.get(key):
                raise ValueError(f"the row of {key} is not the one read")
            give_rest(paper, _checked(body, crc, _PAPER_DECODER), _REST)
        if pending:
            raise ValueError(f"no row for {next(iter(pending))}")


class SettledReader:
    """Reads the listings for ``read_everything``: while they are the settled catalog's,
    one by one from the first, each is answered from it without its papers; every other
    through the listing store, and recorded (the sightings the catalog merges onto the
    kept papers, and what the store keeps of the listing once it settles)."""

    def __init__(self, store: ListingCache, settled: list[SettledListing]) -> None:
        self.store = store
        self.settled = settled
        self.answered = 0  # settled listings answered from the catalog, from the first
        self.matching = bool(settled)
        self.read: list[tuple[SettledListing | None, list[Paper]]] = []

    @property
    def valid(self) -> bool:
        """Whether every settled listing came, unchanged and in order, before any other."""
        return self.answered == len(self.settled) > 0

    def __call__(
        self, context: ListingContext, read_file: Callable[[ListingContext], ListingRead]
    ) -> ListingRead:
        key = self.store.key_of(context)
        if (
            self.matching
            and key is not None
            and self.answered < len(self.settled)
            and self.settled[self.answered].key == key
        ):
            self.store.retain(context, key)
            self.answered += 1
            return self.settled[self.answered - 1].reading()
        self.matching = False
        reading = self.store.read(context, read_file, key)
        # A file too large to read has no key: it never settles (nor do those after it).
        meta = SettledListing.of(key, reading) if key is not None else None
        self.read.append((meta, reading.papers))
        return reading
