"""Listings read by earlier builds, kept as papers under the hash of the file's bytes.

Reading and normalizing the two-year archive's 580 files takes 0.8 s; loading what an
earlier build made of them takes 0.3 s. The key holds the file's bytes and name, the
date given for undated listings, and this package's code, so a kept reading is used only
where reading the file again would give the same papers and problems.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from digest.code import code_fingerprint
from digest.model import Paper
from digest.problems import Problems
from digest.readers import MAX_LISTING_BYTES, ListingContext, ListingResult


@dataclass
class ListingRead:
    """One file read: its result (without the raw records), its papers, its problems, and
    the days it lists (for the clock-dependent check, which is never cached)."""

    result: ListingResult
    papers: list[Paper]
    problems: Problems
    days: list[dt.date]


class ListingCache:
    def __init__(self, folder: Path, fallback_date: dt.date | None) -> None:
        self.folder = folder
        self.salt = f"{code_fingerprint()} {fallback_date}".encode()
        self.used: set[str] = set()

    def read(
        self, context: ListingContext, read_file: Callable[[ListingContext], ListingRead]
    ) -> ListingRead:
        if context.path.stat().st_size > MAX_LISTING_BYTES:
            return read_file(context)  # refused unread; nothing to keep
        digest = hashlib.sha256(self.salt)
        digest.update(context.display.encode())
        digest.update(context.path.read_bytes())
        name = f"{digest.hexdigest()[:32]}.pickle"
        self.used.add(name)
        entry = self.folder / name
        try:
            with open(entry, "rb") as handle:
                kept: ListingRead = pickle.load(handle)
            return kept
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            pass  # not read before, or unreadable: read the file
        reading = read_file(context)
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = entry.with_suffix(f".{os.getpid()}.partial")
        with open(staging, "wb") as handle:
            pickle.dump(reading, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(staging, entry)
        return reading

    def prune(self) -> None:
        """Let go of the readings of files that are gone or changed."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self.used:
                path.unlink(missing_ok=True)
