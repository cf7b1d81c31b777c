"""The words and word pairs of every paper, hashed once and shared by the ranking
(``catalog.relevance``) and related papers (``catalog.related``).

Terms are hashed to columns (scikit-learn's ``HashingVectorizer``: no vocabulary to build
and sort, 6 of 11 s on the archive), English stop words dropped, with sublinear term
frequency. Weights are worked out day by day from document frequencies (``idf``), so a
paper is always weighed with what was known on its first day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from digest.model import Paper

COLUMNS = 1 << 22  # hashed term columns: few collisions among an archive's words and pairs


def paper_text(paper: Paper, keywords: bool = True) -> str:
    """What the ranking reads of a paper; ``keywords=False`` leaves out Hugging Face's
    AI keywords (the evaluation defines its subjects by them)."""
    extra = [*paper.ai_keywords, *paper.categories] if keywords else []
    return " ".join([paper.title, paper.abstract, *extra])


def _as_is(term: str) -> list[str]:
    return [term]


class TermCounts:
    """Every paper's hashed term counts, in the order of their first day (then key)."""

    def __init__(self, papers: Iterable[Paper], *, keywords: bool = True) -> None:
        self.hasher = HashingVectorizer(
            stop_words="english",
            # Words that start with a letter: numbers ("10", "2024") carry no topic and
            # read as noise in a reason.
            token_pattern=r"(?u)\b[^\W\d_]\w+\b",
            ngram_range=(1, 2),
            n_features=COLUMNS,
            alternate_sign=False,
            norm=None,
            dtype=np.float64,
        )
        self.analyze = self.hasher.build_analyzer()
        # Each term alone to its column, to name a reason's terms.
        self.term_hasher = HashingVectorizer(
            analyzer=_as_is, n_features=COLUMNS, alternate_sign=False, norm=None
        )
        self.papers = sorted(papers, key=lambda p: (p.first_day, p.key))
        self.row = {paper.key: row for row, paper in enumerate(self.papers)}
        self.texts = [paper_text(p, keywords) for p in self.papers]
        self.counts = self.hash(self.texts)

    def hash(self, texts: Sequence[str]) -> Any:
        """Sublinear counts of the texts' terms, one CSR row a text."""
        if not texts:
            return self.hasher.transform([""])[:0].tocsr()
        counts = self.hasher.transform(texts).tocsr()
        counts.sum_duplicates()
        counts.data = 1.0 + np.log(counts.data)
        return counts

    def columns(self, terms: list[str]) -> np.ndarray:
        """The column each term is hashed to."""
        return np.asarray(self.term_hasher.transform(terms).indices)

    def rows_of(self, papers: Sequence[Paper]) -> Any:
        return self.counts[[self.row[p.key] for p in papers]]


def idf(df: np.ndarray, texts: int) -> np.ndarray:
    """scikit-learn's smooth IDF, and zero for a term not yet counted often enough
    (twice, once there are 50 texts: a term seen once links nothing)."""
    weights = np.log((1 + texts) / (1 + df)) + 1.0
    weights[df < (2 if texts >= 50 else 1)] = 0.0
    return weights


def weighted(rows: Any, df: np.ndarray, texts: int) -> Any:
    """The rows weighted by ``idf`` and scaled to unit length."""
    result = rows.copy()
    result.data = result.data * idf(df[rows.indices], texts)
    return normalized(result)


def normalized(matrix: Any) -> Any:
    """A CSR matrix with its rows scaled to unit length (rows of zeros stay zero)."""
    counts = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    lengths = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    lengths[lengths == 0] = 1.0
    scaled = matrix.copy()
    scaled.data = scaled.data / lengths[rows]
    return scaled
