"""How close each paper is to the curator's library, and why: classic information
retrieval, offline and deterministic (no model, no network).

Every paper and every library item is a TF-IDF vector over words and word pairs
(``catalog.terms``: hashed terms, English stop words dropped, sublinear term frequency,
smooth IDF). The library is split into interests (one per library file, the curator's
picks and pins one more). A paper's score for an interest is the mean of two cosines: to
the interest's centroid (Rocchio), and the mean to its ``NEAREST`` closest papers there;
its score is that of the interest it is closest to. One centroid of the whole library
(the earlier design) lets the biggest subject of a mixed library bury the small ones: on
the archive's evaluation (bench/eval_relevance.py) a 10-paper interest beside four bigger
ones scored AUC 0.71; per interest, with the nearest papers, every subject scores 0.9 or
more, and a single subject keeps its 0.98. The reason names the library papers closest
to it and the distinctive terms it shares with them (terms in more than a few percent of
the texts, "model" or "training", never count as a reason).

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
from pathlib import PurePosixPath
from typing import Any

import numpy as np
from scipy import sparse

from digest.catalog.merge import Catalog
from digest.catalog.terms import (
    TermCounts,
    idf,
    no_frequencies,
    normalized,
    paper_text,
    weighted,
)
from digest.catalog.walk_steps import RECENT_DAYS, DayStep, WalkSteps, resume_point, take_back
from digest.identity import title_key
from digest.ingest.library import LibraryItem
from digest.model import Paper

CLOSEST = 3  # library items a reason names
TERMS = 5  # terms a reason names
DISLIKED = 0.5  # the share of its cosine to the closest disliked paper a score loses
BLEND = 0.5  # the centroid's share of an interest's score; the nearest papers have the rest
NEAREST = 5  # library papers of an interest whose mean similarity is a paper's score
# A term in more than this share of the texts is common vocabulary, not a reason.
COMMON_TERM = 0.02
COMMON_FLOOR = 10  # ... and in more texts than this: a small digest keeps its terms
PICKS = "picks"  # the interest of the curator's own picks and pins
# Below this a paper is not close to any interest: never recommended. Calibrated on the
# archive (bench/eval_relevance.py, bench/RESULTS.md); ranking.min_score overrides it.
MIN_SCORE = 0.13

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
    interest: str = ""  # the interest of the library the paper is closest to

    def said(self, text: Callable[[str], str] = str, cite: Callable[[str], str] = str) -> str:
        """Why, in one line (the feeds and the day's messages): the interest or the
        library, the closest library paper, the terms both share. ``text`` makes each
        piece of the library's words safe for where it goes, ``cite`` marks the title."""
        said = f"for {text(self.interest)}" if self.interest else "close to the library"
        if self.closest:
            said += f"; close to {cite(text(self.closest[0].title))}"
        if self.terms:
            said += f"; both about {text(', '.join(self.terms))}"
        return said


def _resolved(items: Iterable[LibraryItem], catalog: Catalog) -> list[tuple[LibraryItem, str]]:
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
            by_title = {p.title_key: p for p in catalog.papers}
        known = by_id.get(item.arxiv_id) if item.arxiv_id else None
        known = known or (by_title.get(title_key(item.title)) if item.title else None)
        if known is not None:
            resolved.append(
                (
                    LibraryItem(known.title, place=item.place, arxiv_id=known.arxiv_id),
                    paper_text(known),
                )
            )
        elif item.title:
            resolved.append((item, item.title))
    return resolved


def usable_items(items: Iterable[LibraryItem], catalog: Catalog) -> list[LibraryItem]:
    """The library items the ranking can use: with text of their own or the archive's."""
    return [item for item, _ in _resolved(items, catalog)]


def curated_items(catalog: Catalog) -> list[LibraryItem]:
    """The papers the curator picked or pinned: part of the library without saying so."""
    return [
        LibraryItem(
            p.title,
            p.abstract,
            p.ai_keywords,
            p.arxiv_id,
            place="curation.yml: " + (p.arxiv_id or p.title),
        )
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
    # The walk's last days, to resume from before one of them (``walk_steps``).
    recent: list[DayStep] = field(default_factory=list)


@dataclass
class LibraryCounts:
    """The library's hashed term counts, under a hash of the texts they were made from:
    kept, a build with nothing new to hash never loads scikit-learn (0.7 s)."""

    texts: str
    counts: Any


@dataclass
class RankMemory:
    """What an earlier walk worked out, for a build to resume from: each day's scores
    and recommendations by the day's chain, the state after its last day, and the
    library's term counts."""

    days: dict[str, tuple[dict[str, float], list[tuple[str, Relevance]]]] = field(
        default_factory=dict
    )
    state: RankState | None = None
    library: LibraryCounts | None = None


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
        min_score: float = MIN_SCORE,
        counts: TermCounts | None = None,
        memory: RankMemory | None = None,
        recent_days: int = RECENT_DAYS,
    ) -> None:
        """``recommend``: how many papers of each day to recommend, with their reasons
        (``recommended``). ``counts``: term counts to share with related papers.
        ``recent_days``: the last days the memory keeps, to resume from before any of them
        (``walk_steps``)."""
        self.recent_days = recent_days
        self.recommended: dict[dt.date, list[tuple[Paper, Relevance]]] = {}
        self.items = _resolved([*library, *curated_items(catalog)], catalog)
        self.item_identities = [_identity_of(item.arxiv_id, item.title) for item, _ in self.items]
        names = [interest_of(item) for item, _ in self.items]
        self.interests: list[tuple[str, np.ndarray]] = [
            (name, np.array([i for i, n in enumerate(names) if n == name], dtype=np.int64))
            for name in sorted(set(names))
        ]
        self.min_score = min_score
        # Row i averages the items of interest i: centroids = membership @ library vectors.
        self._membership = sparse.csr_matrix(
            (
                np.concatenate(
                    [np.full(len(m), 1.0 / len(m)) for _, m in self.interests] or [np.zeros(0)]
                ),
                (
                    np.concatenate(
                        [np.full(len(m), row) for row, (_, m) in enumerate(self.interests)]
                        or [np.zeros(0, dtype=np.int64)]
                    ),
                    np.concatenate([m for _, m in self.interests] or [np.zeros(0, dtype=np.int64)]),
                ),
            ),
            shape=(len(self.interests), len(self.items)),
        )
        # A paper the library holds is the group's already: never recommended to it,
        # nor named as the reason for itself.
        self.known = set(self.item_identities)
        # What the curator said is not for the group (curation.yml's dislike): never
        # recommended, and a paper close to one loses part of its score.
        self.disliked = sorted((p for p in catalog.papers if p.disliked), key=lambda p: p.key)
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
        self.library_counts = self._library_counts([t for _, t in self.items])
        library_counts = self.library_counts.counts
        # Only the library's terms reach the centroid: each day's model is worked out on
        # them, and on each paper's own terms for its length. How many items hold each
        # is added to the papers' document frequencies where they are used (kept sparse:
        # a dense copy was 32 MB).
        self.library_terms, counts_of_terms = np.unique(library_counts.indices, return_counts=True)
        self.library_df = counts_of_terms.astype(np.int32)
        self.library = library_counts[:, self.library_terms].tocsr()
        seed = "\n".join(
            [
                f"{recommend} {min_score}",
                *(f"{i.place}\n{t}" for i, t in self.items),
                *(f"disliked {p.key}" for p in self.disliked),
            ]
        )
        # The order of a day's recommendations reads upvotes and listing ranks too. The
        # text print covers more than the walk reads (authors): equal chains still mean
        # equal inputs, and no text is built or hashed again for the days done before.
        self.chains = day_chains(
            self.by_day, seed, lambda p: f"{p.text_print}\n{p.upvotes}\n{listing_rank(p)}"
        )
        self._walk(recommend)

    def _library_counts(self, texts: list[str]) -> LibraryCounts:
        """The library's term counts: the memory's if made from the same texts."""
        said = hashlib.sha256("\0".join(texts).encode()).hexdigest()
        kept = self.memory.library
        if kept is not None and kept.texts == said:
            return kept
        return LibraryCounts(said, self.terms.hash(texts))

    def _resume(self) -> tuple[int, np.ndarray, int]:
        """The first day to compute, the papers' document frequencies before it, and how
        many papers they count: from the memory where its state is on this walk."""
        df = no_frequencies()
        state = self.memory.state
        if state is None:
            return 0, df, 0
        found = resume_point(self.chains, self.memory.days, state.chain, state.recent)
        if found is None:
            return 0, df, 0
        done, taken_back = found
        df[state.columns] = state.counts
        known = state.papers_known - take_back(df, taken_back)
        return done, df, known

    def _walk(self, recommend: int) -> None:
        start_day, df, known = self._resume()
        # The papers of the days to work out, hashed in one go (a call per day costs).
        self.terms.rows_of([p for _, papers in self.by_day[start_day:] for p in papers])
        df[self.library_terms] += self.library_df  # the library's and the papers' so far
        kept_days = {}
        earlier = self.memory.state
        steps = WalkSteps(self.chains, earlier.recent if earlier else [], self.recent_days)
        for number, (day, papers) in enumerate(self.by_day):
            chain = self.chains[number]
            if number < start_day:
                scores, chosen = self.memory.days[chain]
            else:
                rows = self.terms.rows_of(papers)
                np.add.at(df, rows.indices, 1)
                known += len(papers)
                scores, chosen = self._day(rows, papers, df, known, recommend)
                steps.record(number, rows, len(papers))
            kept_days[chain] = (scores, chosen)
            self.scores.update(scores)
            by_key = {p.key: p for p in papers}
            self.recommended[day] = [(by_key[key], reason) for key, reason in chosen]
        df[self.library_terms] -= self.library_df
        columns = np.flatnonzero(df)
        # Whole counts: kept as 32-bit integers, half the size of the file.
        self.memory = RankMemory(
            kept_days,
            RankState(
                self.chains[-1],
                columns.astype(np.int32),
                df[columns].astype(np.int32),
                known,
                steps.recent(),
            ),
            self.library_counts,
        )

    def _day(
        self, rows: Any, papers: list[Paper], df: np.ndarray, known: int, recommend: int
    ) -> tuple[dict[str, float], list[tuple[str, Relevance]]]:
        """One day's scores, and its closest new papers with reasons."""
        texts = known + len(self.items)
        library = self._library_vectors(df, texts)
        similarities = self._similarities(weighted(rows, df, texts), papers, library)
        best_scores, best_interest = self._interest_scores(similarities, library)
        if self.disliked:
            best_scores = np.maximum(
                0.0, best_scores - DISLIKED * self._like_disliked(rows, papers, df, texts)
            )
        scores = {p.key: round(float(v), 4) for p, v in zip(papers, best_scores, strict=True)}
        if not recommend:
            return scores, []
        close = [
            (row, p)
            for row, p in sorted(
                enumerate(papers), key=lambda pair: _order(scores[pair[1].key], pair[1])
            )
            if scores[p.key] >= self.min_score and not self._in_library(p) and not p.disliked
        ]
        chosen = _balanced(close, lambda pair: int(best_interest[pair[0]]), recommend)
        self._learn_positions([w for _, p in chosen for w in self._words(p)])
        return scores, [
            (
                p.key,
                self._reason(
                    similarities[row],
                    int(best_interest[row]),
                    p,
                    rows[row],
                    df,
                    texts,
                    library,
                    scores[p.key],
                ),
            )
            for row, p in chosen
        ]

    def _similarities(self, vectors: Any, papers: list[Paper], library: Any) -> np.ndarray:
        """Each paper's cosine to each library item (papers x items); a paper is never
        close to itself (a pick is in the library)."""
        similarities = np.asarray((self._on_library(vectors) @ library.T).todense())
        for row, paper in enumerate(papers):
            itself = _identity_of(paper.arxiv_id, paper.title)
            if itself in self.known:
                similarities[
                    row, [i for i, k in enumerate(self.item_identities) if k == itself]
                ] = 0.0
        return similarities

    def _like_disliked(
        self, rows: Any, papers: list[Paper], df: np.ndarray, texts: int
    ) -> np.ndarray:
        """Each paper's highest cosine to a disliked paper (itself left out)."""
        disliked = weighted(self.terms.rows_of(self.disliked), df, texts)
        similarities = np.asarray((weighted(rows, df, texts) @ disliked.T).todense())
        columns = {p.key: column for column, p in enumerate(self.disliked)}
        for row, paper in enumerate(papers):
            if paper.key in columns:
                similarities[row, columns[paper.key]] = 0.0
        return similarities.max(axis=1)

    def _on_library(self, vectors: Any) -> Any:
        """The rows restricted to the library's terms (columns in ``library_terms``'
        order): slicing 4 million hashed columns costs more than mapping the few used."""
        at = np.searchsorted(self.library_terms, vectors.indices)
        clipped = np.minimum(at, len(self.library_terms) - 1)
        inside = self.library_terms[clipped] == vectors.indices
        rows = np.repeat(np.arange(vectors.shape[0]), np.diff(vectors.indptr))
        return sparse.csr_matrix(
            (vectors.data[inside], (rows[inside], clipped[inside])),
            shape=(vectors.shape[0], len(self.library_terms)),
        )

    def _interest_scores(
        self, similarities: np.ndarray, library: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """(each paper's score, the index of the interest that gave it), in the interest
        where it is highest: the mean of the paper's cosine to the interest's centroid
        and of its ``NEAREST`` closest items of it."""
        per_interest = np.zeros((similarities.shape[0], len(self.interests)))
        # The length of each interest's centroid (the mean of its unit vectors), all at once.
        centroids = self._membership @ library
        spreads = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
        for column, (_, members) in enumerate(self.interests):
            among = similarities[:, members]
            nearest = min(NEAREST, among.shape[1])
            knn = np.sort(among, axis=1)[:, -nearest:].mean(axis=1)
            # The cosine to the unit centroid, from the similarities already worked out.
            spread = float(spreads[column])
            centroid = among.mean(axis=1) / spread if spread else np.zeros(len(among))
            per_interest[:, column] = BLEND * centroid + (1 - BLEND) * knn
        # Ties go to the first interest in name order: the same on every machine.
        best = np.argmax(per_interest, axis=1)
        return per_interest[np.arange(len(best)), best], best

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
        row = self.terms.rows_of([paper])
        similarities = self._similarities(weighted(row, df, texts), [paper], library)
        _, interest = self._interest_scores(similarities, library)
        return self._reason(
            similarities[0], int(interest[0]), paper, row, df, texts, library, self.score(paper)
        )

    def _weights_on(self, day: dt.date) -> tuple[np.ndarray, int, Any]:
        """The document frequencies, number of texts and library vectors of ``day``
        (the last one asked for is kept: explaining a day asks for it again and again)."""
        if self._weights is not None and self._weights[0] == day:
            return self._weights[1]
        df = no_frequencies()
        known = 0
        for listed, papers in self.by_day:
            if listed > day:
                break
            np.add.at(df, self.terms.rows_of(papers).indices, 1)
            known += len(papers)
        df[self.library_terms] += self.library_df
        texts = known + len(self.items)
        answer = (df, texts, self._library_vectors(df, texts))
        self._weights = (day, answer)
        return answer

    def _reason(
        self,
        similarities: np.ndarray,
        interest: int,
        paper: Paper,
        row: Any,
        df: np.ndarray,
        texts: int,
        library: Any,
        score: float,
    ) -> Relevance:
        """Why the paper scores what it does, with the weights of its first day: the
        closest papers of the interest it is closest to, and the distinctive terms it
        shares with them."""
        name, members = self.interests[interest]
        # Ties broken by the library's order, so the reason is the same on every machine.
        order = sorted(
            (int(i) for i in members if similarities[i] > 0), key=lambda i: (-similarities[i], i)
        )[:CLOSEST]
        closest = tuple(
            Neighbour(
                self.items[i][0].title, self.items[i][0].place, round(float(similarities[i]), 4)
            )
            for i in order
        )
        on_library = np.asarray(self._on_library(weighted(row, df, texts)).todense()).ravel()
        shared = (
            np.asarray(library[order].sum(axis=0)).ravel()
            if order
            else np.zeros(len(self.library_terms))
        )
        carried = on_library * shared
        common = df[self.library_terms] > max(COMMON_TERM * texts, COMMON_FLOOR)
        terms: dict[str, float] = {}
        for word in self._words(paper):
            position = self._positions[word]
            if position is not None and carried[position] > 0 and not common[position]:
                terms[word] = float(carried[position])
        ranked = sorted(terms, key=lambda t: (-terms[t], t))
        return Relevance(score, closest, tuple(_distinct(ranked[: TERMS * 4])[:TERMS]), name)

    def ranked(
        self, papers: Iterable[Paper], day: dt.date | None = None
    ) -> list[tuple[float, Paper]]:
        """``papers`` best first: score, then upvotes, then the order of the listing of
        ``day`` (of each paper's first day if None)."""
        return sorted(
            ((self.score(p), p) for p in papers), key=lambda pair: _order(pair[0], pair[1], day)
        )


def listing_rank(paper: Paper, day: dt.date | None = None) -> int:
    """The paper's place in the listings of ``day`` (its first day if None)."""
    on = day or paper.first_day
    appearances = paper.appearances
    if len(appearances) == 1:  # most papers; every day of a year of arXiv is ordered
        return appearances[0].rank if appearances[0].day == on else 0
    return min((a.rank for a in appearances if a.day == on), default=0)


def _order(score: float, paper: Paper, day: dt.date | None = None) -> tuple[float, int, int, str]:
    return (-score, -(paper.upvotes or 0), listing_rank(paper, day), paper.key)


def _identity_of(arxiv_id: str | None, title: str) -> str:
    return f"arxiv:{arxiv_id}" if arxiv_id else f"title:{title_key(title)}"


def interest_of(item: LibraryItem) -> str:
    """The interest a library item serves: its file's name (``library/moe.bib``: moe),
    or the curator's picks."""
    where = item.place.split(": ", 1)[0]
    if where == "curation.yml":
        return PICKS
    return PurePosixPath(where).stem or where


def _distinct(terms: list[str]) -> list[str]:
    """Terms without the words a kept pair already says ("mixture experts" and
    "experts" say one thing)."""
    kept: list[str] = []
    for term in terms:
        words = set(term.split())
        if any(words <= set(other.split()) or set(other.split()) <= words for other in kept):
            continue
        kept.append(term)
    return kept


def _balanced(close: list[Any], interest: Callable[[Any], int], slots: int) -> list[Any]:
    """Up to ``slots`` of ``close`` (best first), taken in turns from each interest that
    has any, best interest first: a small interest gets its share beside a big one."""
    queues: dict[int, list[Any]] = {}
    for entry in close:
        queues.setdefault(interest(entry), []).append(entry)
    chosen: list[Any] = []
    while len(chosen) < slots and any(queues.values()):
        for queue in queues.values():  # in the order of each interest's best paper
            if queue and len(chosen) < slots:
                chosen.append(queue.pop(0))
    return sorted(chosen, key=close.index)
