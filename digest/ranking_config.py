"""The ``ranking:`` and ``filters:`` sections of digest.yml: how each day is ranked for
the group, and what a high-volume digest leaves out (``catalog.sift``).

    ranking:
      recommended: 5        # each day's Recommended section (0: none)
      related: 3            # related earlier papers on each card (0: none)
      min_score: 0.13       # closer than this to an interest, or not recommended
    filters:
      include: [cs.LG, title:diffusion]   # topic rule terms; a paper must match one
      exclude: [survey]                    # a paper matching one is left out
      fields: [title, abstract]            # where bare terms look (as for topics)
      min_relevance: 0.05                  # below it a paper is left out (needs a library)
      per_day: 60                          # each day's new papers, best first, at most
      beyond_cap: list                     # list: titles under the day; omit: counted only
      replacements: false                  # leave out arXiv replacements
      cross_lists: true                    # keep cross-lists
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digest.model import TERM_FIELDS
from digest.options import (
    Option,
    Section,
    field_names,
    flag,
    kind,
    optional,
    phrases,
    similarity,
    whole,
)
from digest.problems import Problems

BEYOND_CAP = ("list", "omit")
_KEEP = flag("true (keep them) or false (leave them out)")


@dataclass(frozen=True)
class RankingConfig:
    recommended: int = 5
    related: int = 3
    min_score: float | None = None  # None: the calibrated default (relevance.MIN_SCORE)


@dataclass(frozen=True)
class FilterConfig:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fields: tuple[str, ...] = ("title", "abstract")
    min_relevance: float | None = None
    per_day: int | None = None
    beyond_cap: str = "list"
    replacements: bool = True
    cross_lists: bool = True

    @property
    def active(self) -> bool:
        return self != FilterConfig()


_PAPERS = whole(0, "papers")

RANKING = Section(
    "ranking",
    "{recommended: 5}",
    (
        Option(
            "recommended",
            _PAPERS,
            "papers in each day's Recommended section (0: none)",
            ("ranking",),
            3,
        ),
        Option(
            "related", _PAPERS, "related earlier papers on each card (0: none)", ("ranking",), 5
        ),
        Option(
            "min_score",
            optional(similarity("0.13")),
            "how close to an interest a paper must be to be recommended (null: 0.13, calibrated)",
            ("ranking",),
            0.2,
        ),
    ),
    RankingConfig,
)


_TERMS = phrases("a list of terms, e.g. [diffusion, title:survey]")


FILTERS = Section(
    "filters",
    "{per_day: 60}",
    (
        Option(
            "include",
            _TERMS,
            "topic rule terms; a paper must match one to be shown",
            ("sift",),
            ["cs.LG"],
        ),
        Option("exclude", _TERMS, "a paper matching one is left out", ("sift",), ["survey"]),
        Option(
            "fields",
            field_names(
                TERM_FIELDS,
                "a list of terms, e.g. [diffusion, title:survey]",
                ("title", "abstract"),
            ),
            "where bare terms look",
            ("sift",),
            ["title"],
        ),
        Option(
            "min_relevance",
            optional(similarity("0.05")),
            "below this relevance to the library a paper is left out",
            ("sift",),
            0.05,
        ),
        Option(
            "per_day",
            optional(whole(1, "papers")),
            "each day's new papers, best first, at most",
            ("sift",),
            60,
        ),
        Option(
            "beyond_cap",
            kind(
                f"one of {', '.join(BEYOND_CAP)} (list: their titles under the day; omit: only counted)",
                lambda v: v in BEYOND_CAP,
            ),
            "what a day shows of the papers beyond per_day",
            ("pages",),
            "omit",
        ),
        Option("replacements", _KEEP, "arXiv replacements are shown", ("sift",), False),
        Option("cross_lists", _KEEP, "arXiv cross-lists are shown", ("sift",), False),
    ),
    FilterConfig,
)


def parse_ranking(raw: Any, problems: Problems, file: str) -> RankingConfig:
    return RankingConfig(**RANKING.read(raw, problems, file).values)


def parse_filters(raw: Any, problems: Problems, file: str) -> FilterConfig:
    return FilterConfig(**FILTERS.read(raw, problems, file).values)
