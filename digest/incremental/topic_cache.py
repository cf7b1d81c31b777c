"""Topic matches from earlier builds, kept under a hash of the fields the rules read.

Matching the two-year archive against 15 topics takes 0.7 s, mostly splitting abstracts
into words. The key is the print of every field a rule can look in (``text_print``), in
files named by a hash of the rules themselves and the code; a paper whose text and rules
did not change keeps its topics without being read again.

Matches are kept in a file per quarter of the paper's first day, decoded by msgspec
(``typed_codec``): in one file, a high-volume digest wrote every match it ever made
again for each new day (70,000 at half a year of arXiv), and decoded them in Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

from digest.catalog.merge import Matches
from digest.config import DigestConfig
from digest.incremental.fingerprint import code_fingerprint
from digest.incremental.store import KeptEntries
from digest.incremental.typed_codec import TypedCodec
from digest.model import Paper, TopicMatch
from digest.paths import quarter


class TopicCache:
    def __init__(self, folder: Path, config: DigestConfig) -> None:
        self.kept = KeptEntries(folder, codec=TypedCodec(dict[str, tuple[TopicMatch, ...]]))
        rules = repr((config.topics, config.watches, config.catch_all))
        # The rules and the code name the files, the texts' print the entry: nothing is
        # hashed again for each paper (a year of arXiv looks up 130,000 a build), and the
        # files of other rules are let go of when the store is saved.
        self.salt = hashlib.sha256(f"{code_fingerprint()}\n{rules}".encode()).hexdigest()[:16]
        self._segments: dict[dt.date, str] = {}  # by first day: 130,000 papers, 260 days

    def matches(self, paper: Paper, assign: Callable[[Paper], Matches]) -> Matches:
        key = paper.text_print[:32]
        segment = self._segments.get(paper.first_day)
        if segment is None:
            segment = self._segments[paper.first_day] = f"{quarter(paper.first_day)}-{self.salt}"
        found: Matches | None = self.kept.get(segment, key)
        if found is None:
            found = assign(paper)
        self.kept.put(segment, key, found)
        return found

    def save(self) -> None:
        self.kept.save()
