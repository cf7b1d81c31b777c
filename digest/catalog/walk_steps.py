"""The last days of a walk through the days (the ranking's, the related papers'), kept
so that a build whose recent days changed resumes from before the first changed day.

``digest fetch`` fetches the last few days again (a day first fetched while it was still
growing gains papers; Hugging Face's upvotes grow for days), so on most mornings the day
before the newest changed too. A walk that kept only where it ended could not resume
from there and worked out the whole archive again (2.9 CPU s of related papers alone on
the two-year archive). Each of the last days (``RECENT_DAYS``, or as many as ``digest
fetch`` fetches again, if more: ``fetch.days``) keeps what it added to the
document frequencies, so the state before it is the end state less those additions:
whole counts, subtracted exactly, so a resumed walk gives a walk from the start's bytes.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import Any

import numpy as np

# Days a walk can step back, at least: more than ``digest fetch`` refreshes by default (3).
RECENT_DAYS = 7


@dataclass
class DayStep:
    """What one day added to a walk: its papers' document frequencies (sparse)."""

    chain: str  # the day's chain (``relevance.day_chains``)
    before: str  # the chain of the day before it; "" for the walk's first day
    columns: np.ndarray
    counts: np.ndarray
    papers: int


def resume_point(
    chains: list[str], worked_out: Container[str], ended: str, recent: list[DayStep]
) -> tuple[int, list[DayStep]] | None:
    """Where a walk over ``chains`` can take up an earlier walk that ended at the chain
    ``ended``: how many days it takes as worked out, and the earlier walk's steps to take
    back from its end state (newest first). None: from the start."""
    position = {chain: number for number, chain in enumerate(chains)}
    taken_back: list[DayStep] = []
    candidate = ended
    steps = list(reversed(recent))
    while True:
        number = position.get(candidate)
        if number is not None and all(chain in worked_out for chain in chains[: number + 1]):
            return number + 1, taken_back
        if len(taken_back) == len(steps) or steps[len(taken_back)].chain != candidate:
            return None
        step = steps[len(taken_back)]
        taken_back.append(step)
        candidate = step.before


def take_back(df: np.ndarray, steps: list[DayStep]) -> int:
    """Remove the steps' document frequencies from ``df``; how many papers they held."""
    for step in steps:
        df[step.columns] -= step.counts
    return sum(step.papers for step in steps)


class WalkSteps:
    """The steps a walk keeps for the next build: those of the earlier walk it took up,
    and those of the days it works out itself, for its last ``days`` days."""

    def __init__(self, chains: list[str], earlier: list[DayStep], days: int) -> None:
        self.chains = chains
        self.days = days
        self._by_chain = {step.chain: step for step in earlier}

    def record(self, number: int, rows: Any, papers: int) -> None:
        """Day ``number`` of the walk, worked out: its papers' term rows (sparse)."""
        if number < len(self.chains) - self.days:
            return  # too old to be stepped back to
        chain = self.chains[number]
        columns, counts = np.unique(rows.indices, return_counts=True)
        before = self.chains[number - 1] if number else ""
        self._by_chain[chain] = DayStep(
            chain, before, columns.astype(np.int32), counts.astype(np.int32), papers
        )

    def recent(self) -> list[DayStep]:
        """The steps of the walk's last days, oldest first, as far back as they go
        unbroken (a day taken up from the earlier walk whose step it no longer kept ends
        them)."""
        recent: list[DayStep] = []
        for chain in reversed(self.chains[-self.days :]):
            step = self._by_chain.get(chain)
            if step is None:
                break
            recent.append(step)
        return recent[::-1]
