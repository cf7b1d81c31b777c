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

from digest.problems import Problems, config_section

FIELDS = ("title", "abstract", "authors", "categories", "keywords")
BEYOND_CAP = ("list", "omit")


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


def _whole(
    raw: dict[str, Any], key: str, where: str, default: int, problems: Problems, file: str
) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        problems.error(file, f"{where}.{key}", "must be a whole number of papers, 0 or more")
        return default
    return value


def parse_ranking(raw: Any, problems: Problems, file: str) -> RankingConfig:
    keys = {"recommended", "related", "min_score"}
    found = config_section(raw, "ranking", "{recommended: 5}", problems, file, keys)
    if found is None:
        return RankingConfig()
    minimum = found.get("min_score")
    if minimum is not None and (
        not isinstance(minimum, int | float) or isinstance(minimum, bool) or not 0 <= minimum <= 1
    ):
        problems.error(file, "ranking.min_score", "must be a similarity between 0 and 1, e.g. 0.13")
        minimum = None
    return RankingConfig(
        recommended=_whole(found, "recommended", "ranking", 5, problems, file),
        related=_whole(found, "related", "ranking", 3, problems, file),
        min_score=float(minimum) if minimum is not None else None,
    )


def _terms(raw: Any, where: str, problems: Problems, file: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
        problems.error(file, where, "must be a list of terms, e.g. [diffusion, title:survey]")
        return ()
    return tuple(t.strip() for t in raw)


def _flag(raw: dict[str, Any], key: str, problems: Problems, file: str) -> bool:
    value = raw.get(key, True)
    if not isinstance(value, bool):
        problems.error(file, f"filters.{key}", "must be true (keep them) or false (leave them out)")
        return True
    return value


def parse_filters(raw: Any, problems: Problems, file: str) -> FilterConfig:
    keys = {
        "include",
        "exclude",
        "fields",
        "min_relevance",
        "per_day",
        "beyond_cap",
        "replacements",
        "cross_lists",
    }
    found = config_section(raw, "filters", "{per_day: 60}", problems, file, keys)
    if found is None:
        return FilterConfig()
    fields = _terms(found.get("fields"), "filters.fields", problems, file) or ("title", "abstract")
    for name in fields:
        if name not in FIELDS:
            problems.error(
                file, "filters.fields", f"no field '{name}'; fields are: {', '.join(FIELDS)}"
            )
    fields = tuple(f for f in fields if f in FIELDS) or ("title", "abstract")
    minimum = found.get("min_relevance")
    if minimum is not None and (
        not isinstance(minimum, int | float) or isinstance(minimum, bool) or not 0 <= minimum <= 1
    ):
        problems.error(
            file, "filters.min_relevance", "must be a similarity between 0 and 1, e.g. 0.05"
        )
        minimum = None
    per_day = found.get("per_day")
    if per_day is not None and (
        not isinstance(per_day, int) or isinstance(per_day, bool) or per_day < 1
    ):
        problems.error(file, "filters.per_day", "must be a whole number of papers, 1 or more")
        per_day = None
    beyond = found.get("beyond_cap", "list")
    if beyond not in BEYOND_CAP:
        problems.error(
            file,
            "filters.beyond_cap",
            f"must be one of {', '.join(BEYOND_CAP)} (list: their titles under the day; omit: only counted)",
        )
        beyond = "list"
    return FilterConfig(
        include=_terms(found.get("include"), "filters.include", problems, file),
        exclude=_terms(found.get("exclude"), "filters.exclude", problems, file),
        fields=fields,
        min_relevance=float(minimum) if minimum is not None else None,
        per_day=per_day,
        beyond_cap=beyond,
        replacements=_flag(found, "replacements", problems, file),
        cross_lists=_flag(found, "cross_lists", problems, file),
    )
