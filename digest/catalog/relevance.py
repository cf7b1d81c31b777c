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
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
    by_id: dict[str, Paper] | None = None
    by_title: dict[str, Paper] | None = None
    resolved = []
    for item in items:
        if item.abstract or item.keywords:
            resolved.append((item, item.text))
            continue
        if by_id is None or by_title is None:  # only when an item needs them
            by_id = {p.arxiv_id: p for p in catalog.papers if p.arxiv_id}
            by_title = {title_key(p.title): p for p in catalog.papers}
        known = by_id.get(item.arxiv_id) if item.arxiv_id else None
        known = known or (by_title.get(title_key(item.title)) if item.title else None)
        if known is not None:
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


@dataclass
class RankState:
    """Where a walk through the days stopped: the papers' document frequencies after
    the day whose chain is ``chain`` (kept sparse: most of the hashed columns are 0)."""

    chain: str
    columns: np.ndarray
    counts: np.ndarray
    papers_known: int


@dataclass
class RankMemory:
    """What an earlier walk worked out, for a build to resume from: each day's scores
    and recommendations by the day's chain, and the state after its last day."""

    days: dict[str, tuple[dict[str, float], list[tuple[str, Relevance]]]] = field(
        default_factory=dict
    )
    state: RankState | None = None


def day_chains(
    papers_by_day: list[tuple[dt.date, list[Paper]]], seed: str, describe: Callable[[Paper], str]
) -> list[str]:
    """One hash per day of everything up to it: the seed (the library, the settings)
    and each day's papers as ``describe`` tells them (what the walk reads of a paper).
    Equal chains mean equal inputs up to that day."""
    chains = []
    running = hashlib.sha256(seed.encode()).hexdigest()
    for day, papers in papers_by_day:
        digest = hashlib.sha256(f"{running}\n{day}".encode())
        for paper in papers:
            digest.update(f"\n{paper.key}\n{describe(paper)}".encode())
        running = digest.hexdigest()
        chains.append(running)
    return chains


class Ranker:
    """Scores every paper of the catalog against the library, day by day.

    A paper is weighed with what was known on its first day: the IDF, and which terms
    count (a term must occur twice once there are 50 texts), come from the library and
    the papers listed up to that day. So a new day never changes the score or the reason
    of a paper listed before it; only a change of the library (or of the paper) does.
    Given the ``memory`` of an earlier build, the days it worked out are taken from it
    and only the days after them are computed (``memory`` then holds the new state).
    """

    def __init__(
        self,
        catalog: Catalog,
        library: list[LibraryItem],
        *,
        keywords: bool = True,
        recommend: int = 0,
        counts: TermCounts | None = None,
        memory: RankMemory | None = None,
    ) -> None:
        """``recommend``: how many papers of each day to recommend, with their reasons
        (``recommended``). ``counts``: term counts to share with related papers."""
        self.recommended: dict[dt.date, list[tuple[Paper, Relevance]]] = {}
        self.items = _resolved([*library, *curated_items(catalog)], catalog)
        self.item_identities = [_identity_of(item.arxiv_id, item.title) for item, _ in self.items]
        # A paper the library holds is the group's already: never recommended to it,
        # nor named as the reason for itself.
        self.known = set(self.item_identities)
        self.terms = counts or TermCounts(keywords=keywords)
        self.scores: dict[str, float] = {}
        self.by_day: list[tuple[dt.date, list[Paper]]] = []
        for paper in sorted(catalog.papers, key=lambda p: (p.first_day, p.key)):
            if not self.by_day or self.by_day[-1][0] != paper.first_day:
                self.by_day.append((paper.first_day, []))
            self.by_day[-1][1].append(paper)
        self.memory = memory if memory is not None else RankMemory()
        self._weights: tuple[dt.date, tuple[np.ndarray, int, Any]] | None = None
        if not self.items or not self.by_day:
            return
        self._positions: dict[str, int | None] = {}
        self._word_lists: dict[str, list[str]] = {}
        library_counts = self.terms.hash([t for _, t in self.items])
        self.library_df = np.bincount(library_counts.indices, minlength=COLUMNS).astype(np.float64)
        # Only the library's terms reach the centroid: each day's model is worked out on
        # them, and on each paper's own terms for its length.
        self.library_terms = np.unique(library_counts.indices)
        self.library = library_counts[:, self.library_terms].tocsr()
        seed = "\n".join([f"{recommend}", *(f"{i.place}\n{t}" for i, t in self.items)])
        # The order of a day's recommendations reads upvotes and listing ranks too.
        self.chains = day_chains(
            self.by_day,
            seed,
            lambda p: f"{self.terms.text(p)}\n{p.upvotes}\n{listing_rank(p)}",
        )
        self._walk(recommend)

    def _resume(self) -> tuple[int, np.ndarray, int]:
        """The first day to compute, the papers' document frequencies before it, and how
        many papers they count: from the memory where its state is on this walk."""
        df = np.zeros(COLUMNS)
        state = self.memory.state
        if state is not None and state.chain in self.chains:
            done = self.chains.index(state.chain) + 1
            if all(chain in self.memory.days for chain in self.chains[:done]):
                df[state.columns] = state.counts
                return done, df, state.papers_known
        return 0, df, 0

    def _walk(self, recommend: int) -> None:
        start_day, papers_df, known = self._resume()
        # The papers of the days to work out, hashed in one go (a call per day costs).
        self.terms.rows_of([p for _, papers in self.by_day[start_day:] for p in papers])
        df = papers_df + self.library_df  # the library's and the papers' so far
        del papers_df
        # The day's centroid spread over all columns, written over day after day (an
        # array of 4 million made per day cost 3 s on the archive).
        self._dense = np.zeros(COLUMNS)
        kept_days = {}
        for number, (day, papers) in enumerate(self.by_day):
            chain = self.chains[number]
            if number < start_day:
                scores, chosen = self.memory.days[chain]
            else:
                rows = self.terms.rows_of(papers)
                np.add.at(df, rows.indices, 1.0)
                known += len(papers)
                scores, chosen = self._day(rows, papers, df, known, recommend)
            kept_days[chain] = (scores, chosen)
            self.scores.update(scores)
            by_key = {p.key: p for p in papers}
            self.recommended[day] = [(by_key[key], reason) for key, reason in chosen]
        df -= self.library_df
        columns = np.flatnonzero(df)
        # Whole counts: kept as 32-bit integers, half the size of the file.
        self.memory = RankMemory(
            kept_days,
            RankState(self.chains[-1], columns.astype(np.int32), df[columns].astype(np.int32), known),
        )

    def _day(
        self, rows: Any, papers: list[Paper], df: np.ndarray, known: int, recommend: int
    ) -> tuple[dict[str, float], list[tuple[str, Relevance]]]:
        """One day's scores, and its best new papers with reasons."""
        texts = known + len(self.items)
        library = self._library_vectors(df, texts)
        centroid = _centroid_of(library)
        self._dense[self.library_terms] = centroid
        values = weighted(rows, df, texts) @ self._dense
        scores = {p.key: round(float(v), 4) for p, v in zip(papers, values, strict=True)}
        if not recommend:
            return scores, []
        best = [
            (row, p)
            for row, p in sorted(
                enumerate(papers), key=lambda pair: _order(scores[pair[1].key], pair[1])
            )
            if scores[p.key] > 0 and not self._in_library(p)
        ][:recommend]
        self._learn_positions([w for _, p in best for w in self._words(p)])
        return scores, [
            (p.key, self._reason(rows[row], p, df, texts, library, centroid, scores[p.key]))
            for row, p in best
        ]

    def _library_vectors(self, df: np.ndarray, texts: int) -> Any:
        library = self.library.copy()
        weights = idf(df[self.library_terms], texts)
        library.data = library.data * weights[library.indices]
        return normalized(library)

    def _in_library(self, paper: Paper) -> bool:
        return _identity_of(paper.arxiv_id, paper.title) in self.known

    def _words(self, paper: Paper) -> list[str]:
        """The paper's distinct terms (kept: a reason asks twice)."""
        if paper.key not in self._word_lists:
            self._word_lists[paper.key] = sorted(set(self.terms.analyze(self.terms.text(paper))))
        return self._word_lists[paper.key]

    def _learn_positions(self, terms: list[str]) -> None:
        """Where each term is among the library's terms, or None; kept, since reasons
        name the same words over and over."""
        terms = sorted({t for t in terms if t not in self._positions})
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
        return self.scores.get(paper.key, 0.0)

    def explain(self, paper: Paper) -> Relevance:
        """Why the paper scores what it does (worked out again from its first day)."""
        if not self.items or paper.key not in self.scores:
            return Relevance(0.0, (), ())
        df, texts, library = self._weights_on(paper.first_day)
        self._learn_positions(self._words(paper))
        return self._reason(
            self.terms.rows_of([paper]),
            paper,
            df,
            texts,
            library,
            _centroid_of(library),
            self.score(paper),
        )

    def _weights_on(self, day: dt.date) -> tuple[np.ndarray, int, Any]:
        """The document frequencies, number of texts and library vectors of ``day``
        (the last one asked for is kept: explaining a day asks for it again and again)."""
        if self._weights is not None and self._weights[0] == day:
            return self._weights[1]
        papers_df = np.zeros(COLUMNS)
        known = 0
        for listed, papers in self.by_day:
            if listed > day:
                break
            np.add.at(papers_df, self.terms.rows_of(papers).indices, 1.0)
            known += len(papers)
        df = papers_df + self.library_df
        texts = known + len(self.items)
        answer = (df, texts, self._library_vectors(df, texts))
        self._weights = (day, answer)
        return answer

    def _reason(
        self,
        row: Any,
        paper: Paper,
        df: np.ndarray,
        texts: int,
        library: Any,
        centroid: np.ndarray,
        score: float,
    ) -> Relevance:
        """Why the paper scores what it does, with the weights of its first day."""
        # The paper's weights on the library's terms, as a dense vector over those terms.
        full = weighted(row, df, texts)
        at = np.searchsorted(self.library_terms, full.indices)
        inside = (at < len(self.library_terms)) & (
            self.library_terms[np.minimum(at, len(self.library_terms) - 1)] == full.indices
        )
        vector = np.zeros(len(self.library_terms))
        vector[at[inside]] = full.data[inside]
        similarities = np.asarray(library @ vector).ravel()
        # Ties broken by the library's order, so the reason is the same on every machine.
        itself = _identity_of(paper.arxiv_id, paper.title)
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
        for word in self._words(paper):
            position = self._positions[word]
            if position is not None and carried[position] > 0:
                terms[word] = float(carried[position])
        ranked = sorted(terms, key=lambda t: (-terms[t], t))
        return Relevance(score, closest, tuple(ranked[:TERMS]))

    def ranked(self, papers: Iterable[Paper], day: dt.date | None = None) -> list[tuple[float, Paper]]:
        """``papers`` best first: score, then upvotes, then the order of the listing of
        ``day`` (of each paper's first day if None)."""
        return sorted(
            ((self.score(p), p) for p in papers), key=lambda pair: _order(pair[0], pair[1], day)
        )


def listing_rank(paper: Paper, day: dt.date | None = None) -> int:
    """The paper's place in the listings of ``day`` (its first day if None)."""
    on = day or paper.first_day
    return min((a.rank for a in paper.appearances if a.day == on), default=0)


def _order(score: float, paper: Paper, day: dt.date | None = None) -> tuple[float, int, int, str]:
    return (-score, -(paper.upvotes or 0), listing_rank(paper, day), paper.key)


def _identity_of(arxiv_id: str | None, title: str) -> str:
    return f"arxiv:{arxiv_id}" if arxiv_id else f"title:{title_key(title)}"


def _centroid_of(library: Any) -> np.ndarray:
    """The unit-length mean of the library's vectors."""
    centroid = np.asarray(library.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    return centroid / norm if norm else centroid
