"""``.digest/ranking.json``: what the last build's ranking and related papers worked
out (``catalog.sift.SiftMemory``), so a new day ranks and compares only its own papers.

Sealed like every store; kept under the fingerprint of the code, since a change in how
papers are weighed must not mix with numbers from before it. A missing, damaged or
foreign file reads as no memory: the build then works everything out again.

Two files: what each day worked out (every paper's score, each day's recommendations and
related papers: 45 MB at a year of arXiv's 183,000 papers) in ``ranking-days.json``,
decoded by msgspec (``typed_codec``); the walks' states (NumPy and SciPy arrays) in
``ranking.json``, which names the SHA-256 of the days file it goes with. The days file is
written first: a build stopped between the two leaves a pair that does not match, read
as no memory.

``ranking.json`` is a line of lengths, the JSON of ``data_codec`` and then the bytes of
each array it names (``Codec.dumps_apart``): the first number is the JSON's length, each
other one an array's. Kept as base64 inside the JSON, the related papers' vectors (14 MB
at the two-year archive) took 0.3 CPU s of every new day to write and read back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from digest.catalog.related import RelatedMemory, RelatedState
from digest.catalog.relevance import LibraryCounts, Neighbour, RankMemory, RankState, Relevance
from digest.catalog.sift import SiftMemory
from digest.catalog.walk_steps import DayStep
from digest.incremental.data_codec import Codec, CodecError
from digest.incremental.fingerprint import code_fingerprint
from digest.incremental.store import read_sealed_view, write_sealed
from digest.incremental.typed_codec import TypedCodec

# What the memory is made of.
MEMORY_TYPES = (
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
_CODEC = Codec(MEMORY_TYPES)

RankedDays = dict[str, tuple[dict[str, float], list[tuple[str, Relevance]]]]
RelatedDays = dict[str, dict[str, tuple[str, ...]]]


@dataclass
class KeptDays:
    """Each day's part of the memory, by the day's chain (None: no such memory)."""

    ranking: RankedDays | None
    related: RelatedDays | None


def _plain(value: Any) -> Any:
    """A NumPy number as the Python number it holds (as ``data_codec`` keeps them)."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a kind of value the ranking keeps")


_DAYS_CODEC = TypedCodec(KeptDays, enc_hook=_plain)


class RankingMemoryStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.days_path = path.with_name(f"{path.stem}-days{path.suffix}")

    def load(self) -> SiftMemory | None:
        data = read_sealed_view(self.path)
        if data is None:
            return None
        try:
            fingerprint, days_sum, memory = _loads(data)
        except (CodecError, ValueError, TypeError):  # a planted or damaged file
            return None
        if fingerprint != code_fingerprint() or not isinstance(memory, SiftMemory):
            return None
        days = self._days(days_sum)
        if days is None:
            return None
        ranking, related = memory.ranking, memory.related
        if ranking is not None:
            if days.ranking is None:
                return None
            ranking = replace(ranking, days=days.ranking)
        if related is not None:
            if days.related is None:
                return None
            related = replace(related, days=days.related)
        return SiftMemory(ranking, related)

    def _days(self, expected_sum: object) -> KeptDays | None:
        data = read_sealed_view(self.days_path)
        if data is None or hashlib.sha256(data).hexdigest() != expected_sum:
            return None  # damaged, or the days of another build
        try:
            days: KeptDays = _DAYS_CODEC.loads(data)
        except CodecError:
            return None
        return days

    def save(self, memory: SiftMemory | None) -> None:
        if memory is None:
            return
        ranking, related = memory.ranking, memory.related
        days = _DAYS_CODEC.dumps(
            KeptDays(
                ranking.days if ranking is not None else None,
                related.days if related is not None else None,
            )
        )
        write_sealed(self.days_path, days)
        rest = SiftMemory(
            replace(ranking, days={}) if ranking is not None else None,
            replace(related, days={}) if related is not None else None,
        )
        data = (code_fingerprint(), hashlib.sha256(days).hexdigest(), rest)
        write_sealed(self.path, _dumps(data))


def _dumps(value: Any) -> bytes:
    text, arrays = _CODEC.dumps_apart(value)
    lengths = " ".join(str(len(part)) for part in (text, *arrays))
    return b"".join([lengths.encode(), b"\n", text, *arrays])


def _loads(data: memoryview) -> Any:
    """What ``_dumps`` wrote; ``ValueError`` where the lengths do not add up."""
    head = bytes(data[:_HEAD_MAX])
    end = head.find(b"\n")
    if end < 0:
        head = bytes(data)  # more arrays than a line of that length names: look on
        end = head.find(b"\n")
    if end < 0:
        raise ValueError("no line of lengths")
    lengths = [int(part) for part in head[:end].split()]
    if not lengths or any(n < 0 for n in lengths) or end + 1 + sum(lengths) != len(data):
        raise ValueError("lengths that do not add up to the file")
    parts, start = [], end + 1
    for length in lengths:
        parts.append(data[start : start + length])
        start += length
    return _CODEC.loads_apart(parts[0], parts[1:])


# Where the line of lengths is looked for first: it names a JSON and a few dozen arrays
# (each walk's state and its last days), each length under 20 digits.
_HEAD_MAX = 1 << 16
