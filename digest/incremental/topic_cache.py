"""Topic matches from earlier builds, kept under a hash of the fields the rules read.

Matching the two-year archive against 15 topics takes 0.7 s, mostly splitting abstracts
into words. The key holds every field a rule can look in and, through the salt, the
rules themselves and the code; a paper whose text and rules did not change keeps its
topics without being read again.

Matches are kept in a file per quarter of the paper's first day, decoded by msgspec
(``typed_codec``): in one file, a high-volume digest wrote every match it ever made
again for each new day (70,000 at half a year of arXiv), and decoded them in Python.
"""

from __future__ import annotations

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
        # The rules are hashed once, not again with each paper's text (they are a few KB:
        # a third of the time a year of arXiv's papers took to look up).
        self.salted = hashlib.sha256(f"{code_fingerprint()}\n{rules}\n\0".encode())

    def matches(self, paper: Paper, assign: Callable[[Paper], Matches]) -> Matches:
        digest = self.salted.copy()
        digest.update(paper.text_print.encode())
        key = digest.hexdigest()[:32]
        segment = quarter(paper.first_day)
        found: Matches | None = self.kept.get(segment, key)
        if found is None:
            found = assign(paper)
        self.kept.put(segment, key, found)
        return found

    def save(self) -> None:
        self.kept.save()
