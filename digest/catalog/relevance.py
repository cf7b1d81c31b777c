"""How close each paper is to the curator's library, and why: classic information
retrieval, offline and deterministic (no model, no network).

Every paper and every library item is a TF-IDF vector over words and word pairs
(``catalog.terms``: hashed terms, English stop words dropped, sublinear term frequency,
smooth IDF). A paper's score is its cosine similarity to the
library's centroid (Rocchio's query from relevant documents): on the archive's
evaluation (bench/eval_relevance.py) it beat the mean of the three nearest library
papers and words alone. The reason names the library papers closest to it and the terms
that carried the match (the largest products of the paper's weights and the centroid's).

A paper is weighed with what was known on its first day: the IDF counts the library and
the papers listed up to that day, so a new day never changes the score or the reason of
a paper listed before it (and a cold build gives the same numbers as a warm one).

Library items that are only an id or a title (a plain list, the curator's picks and pins)
take their text from the archive's paper of that id or title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from digest.catalog.merge import Catalog
from digest.catalog.terms import COLUMNS, TermCounts, idf, normalized, paper_text, weighted
from digest.ingest.library import LibraryItem
from digest.ingest.normalize import title_key
from digest.model import Paper

CLOSEST = 3  # library items a reason names
TERMS = 5  # terms a reason names

__all__ = ["CLOSEST", "Neighbour", "Ranker", "Relevance", "curated_items", "paper_text"]


@dataclass(frozen=True)
class Neighbour:
    title: str
    place: str
    similarity: float


@dataclass(frozen=True)
class Relevance:
    score: float
    closest: tuple[Neighbour, ...]
    terms: tuple[str, ...]


def _resolved(
    items: Iterable[LibraryItem], catalog: Catalog
) -> list[tuple[LibraryItem, str]]:
    """Each item with its text; one that is only an id or a title borrows the text of the
    archive's paper, and one the archive does not have either is left out."""
    by_id = {p.arxiv_id: p for p in catalog.papers if p.arxiv_id}
    by_title = {title_key(p.title): p for p in catalog.papers}
    resolved = []
    for item in items:
        known = by_id.get(item.arxiv_id) if item.arxiv_id else None
        known = known or (by_title.get(title_key(item.title)) if item.title else None)
        if item.abstract or item.keywords:
            resolved.append((item, item.text))
        elif known is not None:
            resolved.append(
                (LibraryItem(known.title, place=item.place, arxiv_id=known.arxiv_id), paper_text(known))
            )
        elif item.title:
            resolved.append((item, item.title))
    return resolved


def curated_items(catalog: Catalog) -> list[LibraryItem]:
    """The papers the curator picked or pinned: part of the library without saying so."""
    return [
        LibraryItem(p.title, p.abstract, p.ai_keywords, p.arxiv_id, place="curation.yml: " + (p.arxiv_id or p.title))
        for p in catalog.papers
        if p.pick or p.pinned
    ]


class Ranker:
    """Scores every paper of the catalog against the library, once.

    A paper is weighed with what was known on its first day: the IDF, and which terms
    count (a term must occur twice once there are 50 texts), come from the library and
    the papers listed up to that day. So a new day never changes the score or the reason
    of a paper listed before it; only a change of the library (or of the paper) does.
    """

    def __init__(
        self,
        catalog: Catalog,
        library: list[LibraryItem],
        *,
        keywords: bool = True,
        recommend: int = 0,
        counts: TermCounts | None = None,
    ) -> None:
        """``recommend``: how many papers of each day to recommend, with their reasons
        (worked out as the days are scored: ``recommended``). ``counts``: the catalog's
        term counts, when the caller has them already."""
        self.recommended: dict[dt.date, list[tuple[Paper, Relevance]]] = {}
        self.items = _resolved([*library, *curated_items(catalog)], catalog)
        self.item_identities = [_identity_of(item.arxiv_id, item.title) for item, _ in self.items]
        # A paper the library holds is the group's already: never recommended to it,
        # nor named as the reason for itself.
        self.known = set(self.item_identities)
        self.terms = counts or TermCounts(catalog.papers, keywords=keywords)
        self.papers = self.terms.papers
        self.index = self.terms.row
        self.scores = np.zeros(len(self.papers))
        if not self.items or not self.papers:
            return
        self._positions: dict[str, int | None] = {}
        self.paper_counts = self.terms.counts
        library_counts = self.terms.hash([t for _, t in self.items])
        self.library_df = np.bincount(library_counts.indices, minlength=COLUMNS)
        # Only the library's terms reach the centroid: each day's model is worked out on
        # them, and on each paper's own terms for its length.
        self.library_terms = np.unique(library_counts.indices)
        self.library = library_counts[:, self.library_terms].tocsr()
        self.day_end: dict[dt.date, int] = {}
        for row, paper in enumerate(self.papers):
            self.day_end[paper.first_day] = row + 1
        df = self.library_df.astype(np.float64)
        centroid = np.zeros(COLUMNS)
        start = 0
        for day in sorted(self.day_end):
            end = self.day_end[day]
            rows = self.paper_counts[start:end]
            np.add.at(df, rows.indices, 1.0)
            library = self._library_vectors(df, end)
            day_centroid = _centroid_of(library)
            centroid[self.library_terms] = day_centroid
            self.scores[start:end] = weighted(rows, df, end + len(self.items)) @ centroid
            if recommend:
                # The day's best new papers that the library speaks for, with reasons
                # worked out now, while the day's weights are at hand.
                best = [
                    p
                    for s, p in self.ranked(self.papers[start:end])
                    if s > 0 and not self._in_library(p)
                ][:recommend]
                self._learn_positions(
                    [w for p in best for w in self._words(self.index[p.key]) if w not in self._positions]
                )
                self.recommended[day] = [
                    (p, self._reason(self.index[p.key], df, end, library, day_centroid))
                    for p in best
                ]
            start = end

    def _library_vectors(self, df: np.ndarray, papers_known: int) -> Any:
        library = self.library.copy()
        weights = idf(df[self.library_terms], papers_known + len(self.items))
        library.data = library.data * weights[library.indices]
        return normalized(library)

    def _in_library(self, paper: Paper) -> bool:
        return _identity_of(paper.arxiv_id, paper.title) in self.known

    def _words(self, row: int) -> list[str]:
        return sorted(set(self.terms.analyze(self.terms.texts[row])))

    def _learn_positions(self, terms: list[str]) -> None:
        """Where each term is among the library's terms, or None; kept, since reasons
        name the same words over and over."""
        terms = sorted(set(terms))
        if not terms:
            return
        columns = self.terms.columns(terms)
        at = np.searchsorted(self.library_terms, columns)
        clipped = np.minimum(at, len(self.library_terms) - 1)
        known = (at < len(self.library_terms)) & (self.library_terms[clipped] == columns)
        for term, position, found in zip(terms, at, known, strict=True):
            self._positions[term] = int(position) if found else None

    def score(self, paper: Paper) -> float:
        """The paper's similarity to the library; 0 when there is nothing to rank against."""
        row = self.index.get(paper.key)
        return float(self.scores[row]) if row is not None else 0.0

    def explain(self, paper: Paper) -> Relevance:
        if not self.items:
            return Relevance(0.0, (), ())
        row = self.index[paper.key]
        end = self.day_end[paper.first_day]
        df = self.library_df + np.bincount(self.paper_counts[:end].indices, minlength=COLUMNS)
        df = df.astype(np.float64)
        library = self._library_vectors(df, end)
        self._learn_positions([w for w in self._words(row) if w not in self._positions])
        return self._reason(row, df, end, library, _centroid_of(library))

    def _reason(
        self, row: int, df: np.ndarray, end: int, library: Any, centroid: np.ndarray
    ) -> Relevance:
        """Why paper ``row`` scores what it does, with the weights of its first day."""
        # The paper's weights on the library's terms, as a dense vector over those terms.
        full = weighted(self.paper_counts[row], df, end + len(self.items))
        at = np.searchsorted(self.library_terms, full.indices)
        inside = (at < len(self.library_terms)) & (
            self.library_terms[np.minimum(at, len(self.library_terms) - 1)] == full.indices
        )
        vector = np.zeros(len(self.library_terms))
        vector[at[inside]] = full.data[inside]
        similarities = np.asarray(library @ vector).ravel()
        # Ties broken by the library's order, so the reason is the same on every machine.
        itself = _identity_of(self.papers[row].arxiv_id, self.papers[row].title)
        candidates = np.flatnonzero(similarities > 0)
        order = sorted(
            (i for i in candidates.tolist() if self.item_identities[i] != itself),
            key=lambda i: (-similarities[i], i),
        )[:CLOSEST]
        closest = tuple(
            Neighbour(
                self.items[i][0].title, self.items[i][0].place, round(float(similarities[i]), 4)
            )
            for i in order
        )
        carried = vector * centroid
        terms: dict[str, float] = {}
        for word in self._words(row):
            position = self._positions[word]
            if position is not None and carried[position] > 0:
                terms[word] = float(carried[position])
        ranked = sorted(terms, key=lambda t: (-terms[t], t))
        return Relevance(round(float(self.scores[row]), 4), closest, tuple(ranked[:TERMS]))

    def ranked(self, papers: Iterable[Paper]) -> list[tuple[float, Paper]]:
        """``papers`` best first: score, then upvotes, then the listing's order."""
        scored = [(round(self.score(p), 4), p) for p in papers]
        return sorted(
            scored,
            key=lambda pair: (
                -pair[0],
                -(pair[1].upvotes or 0),
                min(a.rank for a in pair[1].appearances),
                pair[1].key,
            ),
        )


def _identity_of(arxiv_id: str | None, title: str) -> str:
    return f"arxiv:{arxiv_id}" if arxiv_id else f"title:{title_key(title)}"


def _centroid_of(library: Any) -> np.ndarray:
    """The unit-length mean of the library's vectors."""
    centroid = np.asarray(library.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    return centroid / norm if norm else centroid
