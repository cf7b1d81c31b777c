"""``.digest/ranking.json``: what the last build's ranking and related papers worked
out (``catalog.sift.SiftMemory``), so a new day ranks and compares only its own papers.

Sealed like every store; kept under the fingerprint of the code, since a change in how
papers are weighed must not mix with numbers from before it. A missing, damaged or
foreign file reads as no memory: the build then works everything out again.
"""

from __future__ import annotations

from pathlib import Path

from digest.catalog.related import RelatedMemory, RelatedState
from digest.catalog.relevance import LibraryCounts, Neighbour, RankMemory, RankState, Relevance
from digest.catalog.sift import SiftMemory
from digest.catalog.walk_steps import DayStep
from digest.incremental.data_codec import Codec, CodecError
from digest.incremental.fingerprint import code_fingerprint
from digest.incremental.store import read_sealed, write_sealed

_CODEC = Codec(
    (
        SiftMemory,
        RankMemory,
        RankState,
        LibraryCounts,
        Relevance,
        Neighbour,
        RelatedMemory,
        RelatedState,
        DayStep,
    )
)


class RankingMemoryStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> SiftMemory | None:
        data = read_sealed(self.path)
        if data is None:
            return None
        try:
            fingerprint, memory = _CODEC.loads(data)
        except (CodecError, ValueError):  # a planted or damaged file: worked out again
            return None
        if fingerprint != code_fingerprint() or not isinstance(memory, SiftMemory):
            return None
        return memory

    def save(self, memory: SiftMemory | None) -> None:
        if memory is not None:
            data = (code_fingerprint(), memory)
            write_sealed(self.path, _CODEC.dumps(data))
