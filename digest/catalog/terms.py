"""The words and word pairs of every paper, hashed once and shared by the ranking
(``catalog.relevance``) and related papers (``catalog.related``).

Terms are hashed to columns (no vocabulary to build and sort, 6 of 11 s on the archive),
English stop words dropped, with sublinear term frequency. Weights are worked out day by
day from document frequencies (``idf``), so a paper is always weighed with what was known
on its first day.

The hashing is scikit-learn's ``HashingVectorizer``'s, column for column (the same
lower-casing, token pattern, stop words, word pairs and signed 32-bit MurmurHash3 with
seed 0, from ``mmh3``; ``tests/test_sift.py`` compares the two on real papers), done here
because importing scikit-learn took a CPU second of every build with a new day.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import mmh3
import numpy as np
import scipy.sparse

from digest.model import Paper

COLUMNS = 1 << 22  # hashed term columns: few collisions among an archive's words and pairs


def paper_text(paper: Paper, keywords: bool = True) -> str:
    """What the ranking reads of a paper; ``keywords=False`` leaves out Hugging Face's
    AI keywords (the evaluation defines its subjects by them)."""
    extra = [*paper.ai_keywords, *paper.categories] if keywords else []
    return " ".join([paper.title, paper.abstract, *extra])


# Words that start with a letter: numbers ("10", "2024") carry no topic and read as noise
# in a reason.
_WORD = re.compile(r"(?u)\b[^\W\d_]\w+\b")


@cache
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (those the ranking was tuned with), read from
    their own module without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    folders = list(spec.submodule_search_locations or []) if spec else []
    path = Path(folders[0], "feature_extraction", "_stop_words.py") if folders else None
    loaded = (
        importlib.util.spec_from_file_location("_digest_stop_words", path)
        if path and path.is_file()
        else None
    )
    if loaded is None or loaded.loader is None:  # moved in another version: import it
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS)
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return frozenset(module.ENGLISH_STOP_WORDS)


def analyze(text: str) -> list[str]:
    """A text's terms: its words less the stop words, then each pair of neighbours."""
    stop = english_stop_words()
    words = [word for word in _WORD.findall(text.lower()) if word not in stop]
    return words + [f"{first} {second}" for first, second in itertools.pairwise(words)]


def columns_of(terms: Sequence[str]) -> np.ndarray:
    """Each term's column: the absolute value of its signed MurmurHash3, modulo COLUMNS
    (in 64 bits, so that -2**31 maps where scikit-learn maps it)."""
    hashes = np.fromiter((mmh3.hash(term) for term in terms), dtype=np.int64, count=len(terms))
    return np.abs(hashes) % COLUMNS


class TermCounts:
    """Papers' hashed term counts, worked out on first use and kept: a build that resumes
    from its memory (``catalog.relevance``) hashes only the papers of its new days."""

    def __init__(self, *, keywords: bool = True) -> None:
        self.keywords = keywords
        self._blocks: list[Any] = []
        self._where: dict[str, tuple[int, int]] = {}  # key -> (block, row)
        self.texts: dict[str, str] = {}
        self.hashed = 0  # texts hashed: none when the memory held them all

    analyze = staticmethod(analyze)

    def text(self, paper: Paper) -> str:
        if paper.key not in self.texts:
            self.texts[paper.key] = paper_text(paper, self.keywords)
        return self.texts[paper.key]

    def hash(self, texts: Sequence[str]) -> Any:
        """Sublinear counts of the texts' terms, one CSR row a text."""
        if not texts:
            return scipy.sparse.csr_matrix((0, COLUMNS))
        self.hashed += len(texts)
        # Each text's columns, not every term of the batch at once: a cold build of the
        # archive would hold 3 million strings.
        rows = [columns_of(analyze(text)) for text in texts]
        bounds = np.cumsum([0, *(len(row) for row in rows)])
        counts = scipy.sparse.csr_matrix(
            (np.ones(bounds[-1]), np.concatenate(rows), bounds),
            shape=(len(texts), COLUMNS),
        )
        counts.sum_duplicates()  # and sorts each row's columns
        counts.data = 1.0 + np.log(counts.data)
        return counts

    def columns(self, terms: list[str]) -> np.ndarray:
        """The column each term is hashed to."""
        return columns_of(terms)

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


def no_frequencies() -> np.ndarray:
    """Document frequencies before any text: a whole count a column. As 32-bit integers
    they are 16 MB where float64 took 32, and a build held three or four of them at once;
    every weight made from them is the same (``idf`` divides in float64)."""
    return np.zeros(COLUMNS, dtype=np.int32)


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
