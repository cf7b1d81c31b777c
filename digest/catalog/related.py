"""Related papers: for each paper, the earlier papers of the digest most like it.

Each paper is one TF-IDF vector (``catalog.terms``) weighted with the document
frequencies of its first day, fixed from then on; its related papers are the ones with
the highest cosine similarity among papers first listed on an earlier day. Nothing a
later day brings can change either, so a new day never changes an old card, and a warm
build gives the same lists as a cold one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse

from digest.catalog.relevance import day_chains
from digest.catalog.terms import TermCounts, no_frequencies, normalized, weighted
from digest.catalog.walk_steps import RECENT_DAYS, DayStep, WalkSteps, resume_point, take_back
from digest.model import Paper

# Below this cosine two abstracts share little more than the field's common words.
MIN_SIMILARITY = 0.1
# A paper with nothing that close still gets its one closest earlier paper above this:
# coverage from 61% to 93% of the archive's papers for 0.7 points of precision
# (bench/RESULTS.md).
FALLBACK = 0.07
# A term in more than this share of the papers so far is too common to relate two.
COMMON = 0.05
COMMON_FLOOR = 50  # ... and in more papers than this: a small digest keeps every term
STRONGEST = 60  # terms of a paper that find its neighbours
# Rows multiplied at once: a block of similarities is rows x papers floats (20 MB at 10k).
_BLOCK = 256


@dataclass
class RelatedState:
    """Where a walk through the days stopped: every paper's fixed vector so far (rows
    in the walk's order, ``keys``), and the document frequencies after the day whose
    chain is ``chain``."""

    chain: str
    keys: list[str]
    vectors: Any
    df_columns: np.ndarray
    df_counts: np.ndarray
    # The walk's last days, to resume from before one of them (``walk_steps``).
    recent: list[DayStep] = field(default_factory=list)


@dataclass
class RelatedMemory:
    """Each day's related papers by the day's chain, and the state after the last day."""

    days: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    state: RelatedState | None = None


def _day_vectors(rows: Any, df: np.ndarray, known: int) -> Any:
    """A day's papers as fixed unit vectors; ``df`` already counts the day."""
    vectors = weighted(rows, df, known)
    # Terms in more than a few percent of the papers so far ("model", "propose") make
    # every pair of papers share something and the products dense and slow; they find
    # no neighbour, so they are left out of the comparison.
    vectors.data[df[vectors.indices] > max(COMMON * known, COMMON_FLOOR)] = 0.0
    vectors.eliminate_zeros()  # and terms not yet seen twice weigh nothing
    return normalized(vectors).astype(np.float32)


def _best(similarities: np.ndarray, keys: list[str], k: int) -> tuple[str, ...]:
    """The ``k`` most similar, best first, ties by the walk's order; a paper with none as
    close as ``MIN_SIMILARITY`` gets its single closest one, if it is ``FALLBACK`` close."""
    candidates = np.flatnonzero(similarities >= MIN_SIMILARITY)
    if not len(candidates):
        candidates = np.flatnonzero(similarities >= FALLBACK)
        k = 1
    best = sorted(candidates.tolist(), key=lambda i: (-similarities[i], i))[:k]
    return tuple(keys[i] for i in best)


class RelatedPapers:
    """Up to ``k`` related earlier papers for each paper (``related``, by key).

    Given the ``memory`` of an earlier build, the days it worked out are taken from it
    and only the later days are compared, with the same arithmetic (each product is
    one paper's row against the earlier papers' fixed vectors), so the answer is the
    same as a walk from the start; ``memory`` then holds the new state.
    """

    def __init__(
        self,
        counts: TermCounts,
        papers: Sequence[Paper],
        k: int,
        memory: RelatedMemory | None = None,
        recent_days: int = RECENT_DAYS,
    ) -> None:
        """``recent_days``: the last days the memory keeps, to resume from before any of
        them (``walk_steps``)."""
        self.related: dict[str, tuple[str, ...]] = {}
        self.memory = memory if memory is not None else RelatedMemory()
        if k <= 0 or not papers:
            return
        by_day: list[tuple[dt.date, list[Paper]]] = []
        for paper in sorted(papers, key=lambda p: (p.first_day, p.key)):
            if not by_day or by_day[-1][0] != paper.first_day:
                by_day.append((paper.first_day, []))
            by_day[-1][1].append(paper)
        chains = day_chains(by_day, f"related {k}", counts.text)
        state = self.memory.state
        resumed = (
            None
            if state is None
            else resume_point(chains, self.memory.days, state.chain, state.recent)
        )
        if state is not None and resumed is not None:
            done, taken_back = resumed
            days = {c: self.memory.days[c] for c in chains[:done]}
            steps = WalkSteps(chains, state.recent, recent_days)
            df = no_frequencies()
            df[state.df_columns] = state.df_counts
            # The papers of the days taken back are the last rows of the end state.
            kept = len(state.keys) - take_back(df, taken_back)
            keys, vectors = list(state.keys[:kept]), state.vectors[:kept]
            for number in range(done, len(chains)):
                chain, (_, day_papers) = chains[number], by_day[number]
                rows = counts.rows_of(day_papers)
                np.add.at(df, rows.indices, 1)
                steps.record(number, rows, len(day_papers))
                day = _day_vectors(rows, df, len(keys) + len(day_papers))
                found: dict[str, tuple[str, ...]] = {}
                if keys:
                    block = np.round((day @ vectors.T).toarray(), 6)
                    for offset, paper in enumerate(day_papers):
                        best = _best(block[offset], keys, k)
                        if best:
                            found[paper.key] = best
                days[chain] = found
                keys += [p.key for p in day_papers]
                vectors = scipy.sparse.vstack([vectors, day], format="csr")
        else:
            days, keys, vectors, df, steps = self._from_start(
                counts, by_day, chains, k, recent_days
            )
        for related in days.values():
            self.related.update(related)
        columns = np.flatnonzero(df)
        self.memory = RelatedMemory(
            days,
            RelatedState(
                chains[-1],
                keys,
                vectors,
                columns.astype(np.int32),
                df[columns].astype(np.int32),
                steps.recent(),
            ),
        )

    @staticmethod
    def _from_start(
        counts: TermCounts,
        by_day: list[tuple[dt.date, list[Paper]]],
        chains: list[str],
        k: int,
        recent_days: int,
    ) -> tuple[dict[str, dict[str, tuple[str, ...]]], list[str], Any, np.ndarray, WalkSteps]:
        """Every day compared, in blocks of rows (one product per block, not per day)."""
        ordered = [p for _, day_papers in by_day for p in day_papers]
        rows = counts.rows_of(ordered)
        df = no_frequencies()
        parts = []
        day_start = np.zeros(len(ordered), dtype=np.int64)
        start = 0
        steps = WalkSteps(chains, [], recent_days)
        for number, (_, day_papers) in enumerate(by_day):
            end = start + len(day_papers)
            block = rows[start:end]
            np.add.at(df, block.indices, 1)
            steps.record(number, block, len(day_papers))
            parts.append(_day_vectors(block, df, end))
            day_start[start:end] = start
            start = end
        vectors = scipy.sparse.vstack(parts, format="csr")
        # The columns any paper uses, renumbered from 0 in the same order (so each sum
        # adds the same products in the same order as a day compared alone): the
        # products below then turn a few hundred thousand columns around, not millions.
        used, compact = np.unique(vectors.indices, return_inverse=True)
        narrow = scipy.sparse.csr_matrix(
            (vectors.data, compact.astype(np.int32), vectors.indptr),
            shape=(vectors.shape[0], len(used)),
        )
        keys = [p.key for p in ordered]
        found: dict[str, tuple[str, ...]] = {}
        for first in range(0, len(ordered), _BLOCK):
            last = min(first + _BLOCK, len(ordered))
            limit = int(day_start[last - 1])
            if limit == 0:
                continue
            block = np.round((narrow[first:last] @ narrow[:limit].T).toarray(), 6)
            for offset in range(last - first):
                row = first + offset
                best = _best(block[offset, : day_start[row]], keys, k)
                if best:
                    found[keys[row]] = best
        days: dict[str, dict[str, tuple[str, ...]]] = {}
        for chain, (_, day_papers) in zip(chains, by_day, strict=True):
            days[chain] = {p.key: found[p.key] for p in day_papers if p.key in found}
        return days, keys, vectors, df, steps
