"""What ``digest rank`` answers: a day's papers best first, or why one paper scores what
it does, against the group's library, as the last build ranked them."""

from __future__ import annotations

import datetime as dt

from digest import paths
from digest.catalog.merge import Catalog
from digest.catalog.relevance import MIN_SCORE, Ranker, RankMemory, Relevance
from digest.catalog.rules import find_paper
from digest.ingest.library import LibraryItem
from digest.model import Paper
from digest.problems import DigestError
from digest.ranking_config import RankingConfig


class RankQuery:
    def __init__(
        self,
        catalog: Catalog,
        library: list[LibraryItem],
        ranking: RankingConfig,
        memory: RankMemory | None,
    ) -> None:
        if not library and not any(p.pick or p.pinned for p in catalog.papers):
            raise DigestError(
                "no library to rank against; name Zotero exports or lists of papers "
                "under library: in digest.yml"
            )
        self.catalog = catalog
        self.threshold = ranking.min_score if ranking.min_score is not None else MIN_SCORE
        self.ranker = Ranker(
            catalog,
            library,
            recommend=ranking.recommended,
            min_score=self.threshold,
            memory=memory,
        )
        self.anchors = paths.assign_anchors(catalog.papers)

    def name(self, paper: Paper) -> str:
        """The paper as the site names it: its arXiv id, or its anchor."""
        return paper.arxiv_id or self.anchors[paper.key]

    def explain(self, wanted: str) -> tuple[Paper, Relevance]:
        """The paper ``wanted`` names (an id, a link, a title) and why it scores so."""
        paper = find_paper(list(self.catalog.papers), wanted)
        return paper, self.ranker.explain(paper)

    def close_enough(self, reason: Relevance) -> bool:
        return reason.score >= self.threshold

    def day(self, day: dt.date | None) -> list[tuple[float, Paper]]:
        """The papers of ``day`` (None: the newest) best first; a day with none is an
        error that names the nearest listed day."""
        days = self.catalog.days()
        day = day or (days[0] if days else None)
        papers = self.catalog.on_day(day) if day else []
        if day is None or not papers:
            nearest = min(days, key=lambda d: (abs((d - day).days), d)) if days and day else None
            hint = f"; the nearest listed day is {nearest.isoformat()}" if nearest else ""
            raise DigestError(f"no papers listed on {day.isoformat() if day else 'any day'}{hint}")
        return self.ranker.ranked(papers)

    def as_json(self, paper: Paper, reason: Relevance) -> dict[str, object]:
        return {
            "score": reason.score,
            "id": self.name(paper),
            "title": paper.title,
            "closest": [
                {"title": n.title, "place": n.place, "similarity": n.similarity}
                for n in reason.closest
            ],
            "terms": list(reason.terms),
            "interest": reason.interest,
        }
