"""Related papers: for each paper, the earlier papers of the digest most like it.

Each paper is one TF-IDF vector (``catalog.terms``) weighted with the document
frequencies of its first day, fixed from then on; its related papers are the ones with
the highest cosine similarity among papers first listed on an earlier day. Nothing a
later day brings can change either, so a new day never changes an old card, and a warm
build gives the same lists as a cold one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse

from digest.catalog.terms import COLUMNS, TermCounts, normalized, weighted
from digest.model import Paper

# Below this cosine two abstracts share little more than the field's common words.
MIN_SIMILARITY = 0.1
# A term in more than this share of the papers so far is too common to relate two.
COMMON = 0.05
STRONGEST = 60  # terms of a paper that find its neighbours
# Rows multiplied at once: a block of similarities is rows x papers floats (20 MB at 10k).
_BLOCK = 256


def fixed_vectors(counts: TermCounts, papers: Sequence[Paper]) -> Any:
    """Each paper's unit vector weighted as of its first day, in the order of ``papers``
    (which must be sorted by first day)."""
    rows = counts.rows_of(papers)
    df = np.zeros(COLUMNS)
    vectors = []
    start = 0
    while start < len(papers):
        day = papers[start].first_day
        end = start
        while end < len(papers) and papers[end].first_day == day:
            end += 1
        block = rows[start:end]
        np.add.at(df, block.indices, 1.0)
        day_vectors = weighted(block, df, end)
        # Terms in more than a few percent of the papers so far ("model", "propose")
        # make every pair of papers share something and the products dense and slow;
        # they find no neighbour, so they are left out of the comparison.
        day_vectors.data[df[day_vectors.indices] > COMMON * end] = 0.0
        day_vectors.eliminate_zeros()  # and terms not yet seen twice weigh nothing
        vectors.append(normalized(day_vectors).astype(np.float32))
        start = end
    if not vectors:
        return scipy.sparse.csr_matrix((0, COLUMNS))
    return scipy.sparse.vstack(vectors, format="csr")


def related_papers(
    counts: TermCounts, papers: Sequence[Paper], k: int
) -> dict[str, tuple[str, ...]]:
    """Up to ``k`` related earlier papers for each paper, best first, by key."""
    if k <= 0 or not papers:
        return {}
    ordered = sorted(papers, key=lambda p: (p.first_day, p.key))
    vectors = fixed_vectors(counts, ordered)
    # The columns any paper uses, renumbered from 0: the products below then work on a
    # few hundred thousand columns, not four million.
    used, compact = np.unique(vectors.indices, return_inverse=True)
    vectors = scipy.sparse.csr_matrix(
        (vectors.data, compact.astype(np.int32), vectors.indptr), shape=(vectors.shape[0], len(used))
    )
    # The row where each paper's day starts: only rows before it are earlier papers.
    day_start = np.zeros(len(ordered), dtype=np.int64)
    for row in range(1, len(ordered)):
        same = ordered[row].first_day == ordered[row - 1].first_day
        day_start[row] = day_start[row - 1] if same else row
    related: dict[str, tuple[str, ...]] = {}
    for first in range(0, len(ordered), _BLOCK):
        last = min(first + _BLOCK, len(ordered))
        limit = int(day_start[last - 1])
        if limit == 0:
            continue
        block = (vectors[first:last] @ vectors[:limit].T).toarray()
        # Rounded, so the order does not hang on the last bits of a sum.
        block = np.round(block, 6)
        for offset in range(last - first):
            row = first + offset
            earlier = block[offset, : day_start[row]]
            if not earlier.size:
                continue
            candidates = np.flatnonzero(earlier >= MIN_SIMILARITY)
            if not candidates.size:
                continue
            best = sorted(candidates.tolist(), key=lambda i: (-earlier[i], i))[:k]
            related[ordered[row].key] = tuple(ordered[i].key for i in best)
    return related
