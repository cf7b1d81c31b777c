"""The words and word pairs of every paper, hashed once and shared by the ranking
(``catalog.relevance``) and related papers (``catalog.related``).

Terms are hashed to columns (scikit-learn's ``HashingVectorizer``: no vocabulary to build
and sort, 6 of 11 s on the archive), English stop words dropped, with sublinear term
frequency. Weights are worked out day by day from document frequencies (``idf``), so a
paper is always weighed with what was known on its first day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse

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
    """Papers' hashed term counts, worked out on first use and kept: a build that resumes
    from its memory (``catalog.relevance``) hashes only the papers of its new days."""

    def __init__(self, *, keywords: bool = True) -> None:
        self.keywords = keywords
        self._blocks: list[Any] = []
        self._where: dict[str, tuple[int, int]] = {}  # key -> (block, row)
        self.texts: dict[str, str] = {}

    # scikit-learn is imported when a text is first hashed, not with the module: it takes
    # a CPU second, and a build whose ranking comes from its memory hashes nothing.
    @cached_property
    def hasher(self) -> Any:
        from sklearn.feature_extraction.text import HashingVectorizer

        return HashingVectorizer(
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

    @cached_property
    def analyze(self) -> Callable[[str], list[str]]:
        analyzer: Callable[[str], list[str]] = self.hasher.build_analyzer()
        return analyzer

    @cached_property
    def term_hasher(self) -> Any:
        """Each term alone to its column, to name a reason's terms."""
        from sklearn.feature_extraction.text import HashingVectorizer

        return HashingVectorizer(
            analyzer=_as_is, n_features=COLUMNS, alternate_sign=False, norm=None
        )

    def text(self, paper: Paper) -> str:
        if paper.key not in self.texts:
            self.texts[paper.key] = paper_text(paper, self.keywords)
        return self.texts[paper.key]

    def hash(self, texts: Sequence[str]) -> Any:
        """Sublinear counts of the texts' terms, one CSR row a text."""
        if not texts:
            return scipy.sparse.csr_matrix((0, COLUMNS))
        counts = self.hasher.transform(texts).tocsr()
        counts.sum_duplicates()
        counts.data = 1.0 + np.log(counts.data)
        return counts

    def columns(self, terms: list[str]) -> np.ndarray:
        """The column each term is hashed to."""
        return np.asarray(self.term_hasher.transform(terms).indices)

    def rows_of(self, papers: Sequence[Paper]) -> Any:
        """The papers' counts, one row each, in their order."""
        missing: dict[str, Paper] = {}
        for paper in papers:
            if paper.key not in self._where:
                missing.setdefault(paper.key, paper)
        if missing:
            self._blocks.append(self.hash([self.text(p) for p in missing.values()]))
            block = len(self._blocks) - 1
            for row, key in enumerate(missing):
                self._where[key] = (block, row)
        if not papers:
            return scipy.sparse.csr_matrix((0, COLUMNS))
        places = np.array([self._where[p.key] for p in papers])
        # Rows taken block by block, then put back in the papers' order.
        order = np.argsort(places[:, 0], kind="stable")
        parts = []
        for block in np.unique(places[:, 0]):
            rows = places[order][places[order][:, 0] == block][:, 1]
            parts.append(self._blocks[int(block)][rows])
        stacked = parts[0] if len(parts) == 1 else scipy.sparse.vstack(parts, format="csr")
        return stacked[np.argsort(order, kind="stable")]


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
