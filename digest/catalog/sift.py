"""The digest's filters and caps (``filters:`` in digest.yml): what a high-volume digest
leaves out, and the ranking every day is shown in.

In order: the years the site holds (``archive:``), arXiv replacements and cross-lists
(by the listing's announce type), the digest-wide include and exclude terms (topic rule
syntax), the minimum relevance to the library, and the per-day cap (each day's new papers best first: relevance, then upvotes,
then the listing's order). A paper the curator pinned or picked is always kept. Nothing
goes silently: every paper left out is in ``Sifted.left_out`` with the rule that did it,
which the status page counts and ``digest check`` reports; with ``beyond_cap: list``
the papers over the cap are listed by title under their day.

The related papers and each day's recommendations are worked out here too, on what is
kept, since both need the same term counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from digest.archive_config import ArchiveConfig
from digest.catalog.merge import Catalog, catalog_order
from digest.catalog.related import RelatedMemory, RelatedPapers
from digest.catalog.relevance import MIN_SCORE, Ranker, RankMemory, Relevance
from digest.catalog.terms import TermCounts
from digest.catalog.topics import PaperFields, first_hit
from digest.catalog.walk_steps import RECENT_DAYS
from digest.ingest.library import LibraryItem
from digest.model import Paper, load_rest
from digest.problems import Problems
from digest.ranking_config import FilterConfig, RankingConfig

# Why a paper was left out, in the order the rules apply; the status page's rows.
REASONS = {
    "archived": "first listed before the years the site holds (archive.years)",
    "replacement": "arXiv replacements",
    "cross-list": "arXiv cross-lists",
    "exclude": "an exclude term of the filters",
    "include": "no include term of the filters",
    "relevance": "below the minimum relevance",
    "cap": "beyond the per-day cap",
}


@dataclass(frozen=True, slots=True)  # a year of arXiv leaves 170,000 out a build
class LeftOut:
    """A paper the filters left out, by its key and title only: the paper itself is let
    go of with the sift (a year of arXiv: 125,000 papers, 190 MB held to the build's end)."""

    key: str
    title: str
    reason: str  # a key of REASONS
    detail: str
    day: dt.date

    @classmethod
    def of(cls, paper: Paper, reason: str, detail: str, day: dt.date) -> LeftOut:
        return cls(paper.key, paper.title, reason, detail, day)


# A paper over its day's cap as its day page lists it: (title, link).
Listed = tuple[str, str | None]


def listed_beyond_cap(paper: Paper) -> Listed:
    """A paper over its day's cap as its day page lists it: its title and a link."""
    return paper.title, paper.links.abstract or paper.links.huggingface


@dataclass
class Sifted:
    catalog: Catalog
    left_out: list[LeftOut] = field(default_factory=list)
    # Papers over each day's cap, best first, listed under the day.
    beyond_cap: dict[dt.date, list[Listed]] = field(default_factory=dict)
    recommended: dict[dt.date, list[tuple[Paper, Relevance]]] = field(default_factory=dict)
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # What the next build can resume from.
    memory: SiftMemory | None = None
    # The first day the site shows (``archive.years``); None: every day.
    first_shown: dt.date | None = None

    def counts(self) -> Counter[str]:
        """Papers left out by each rule, on all days."""
        return Counter(entry.reason for entry in self.left_out)

    def left_out_line(self) -> str:
        """What the digest's filters left out, by rule (the status page has it by day)."""
        counts = self.counts()
        parts = ", ".join(f"{counts[rule]} {REASONS[rule]}" for rule in REASONS if counts[rule])
        return (
            f"filters: {len(self.catalog.papers)} papers shown, "
            f"{sum(counts.values())} left out ({parts}); by day on the status page"
        )

    def counts_by_day(self) -> dict[dt.date, Counter[str]]:
        """Papers left out by each rule, day by day (one pass: a year of arXiv leaves out
        165,000 papers over 261 days)."""
        by_day: dict[dt.date, Counter[str]] = {}
        for entry in self.left_out:
            by_day.setdefault(entry.day, Counter())[entry.reason] += 1
        return by_day


@dataclass
class SiftMemory:
    """What the ranking and the related papers worked out, for the next build."""

    ranking: RankMemory | None = None
    related: RelatedMemory | None = None


def _curated(paper: Paper) -> bool:
    return paper.pinned or paper.pick is not None


def _by_kind(paper: Paper, filters: FilterConfig) -> tuple[Paper | None, str]:
    """The paper with only the appearances the filters keep; None (and why) if none."""
    dropped = set()
    if not filters.replacements:
        dropped |= {"replace", "replace-cross"}
    if not filters.cross_lists:
        dropped |= {"cross", "replace-cross"}
    if not dropped or _curated(paper):
        return paper, ""
    kept = tuple(a for a in paper.appearances if a.kind not in dropped)
    if kept == paper.appearances:
        return paper, ""
    if not kept:
        kinds = {a.kind for a in paper.appearances}
        replaced = not filters.replacements and kinds & {"replace", "replace-cross"}
        return None, "replacement" if replaced else "cross-list"
    return replace(paper, appearances=kept), ""


def _by_terms(paper: Paper, filters: FilterConfig) -> tuple[str, str] | None:
    """(reason, detail) when the include or exclude terms leave the paper out."""
    if _curated(paper) or not (filters.include or filters.exclude):
        return None
    fields = PaperFields(paper)
    veto = first_hit(filters.exclude, fields, filters.fields) if filters.exclude else None
    if veto is not None:
        return "exclude", f"exclude term '{veto.term}' in the {veto.field}"
    if filters.include and first_hit(filters.include, fields, filters.fields) is None:
        return "include", "none of the include terms"
    return None


def sift(
    catalog: Catalog,
    library: list[LibraryItem],
    ranking: RankingConfig,
    filters: FilterConfig,
    problems: Problems,
    config_file: str = "digest.yml",
    memory: SiftMemory | None = None,
    archive: ArchiveConfig | None = None,
    recent_days: int = RECENT_DAYS,
) -> Sifted:
    """What the site shows of ``catalog``, and why the rest is not shown; ``memory``:
    what an earlier build worked out, so only new days are ranked and compared;
    ``recent_days``: the last days a later build may find changed (``walk_steps``)."""
    memory = memory or SiftMemory()
    left_out: list[LeftOut] = []
    kept: list[Paper] = []
    days = catalog.days()
    first_shown = (archive or ArchiveConfig()).first_day(days[0] if days else None)
    for paper in catalog.papers:
        if first_shown is not None and paper.first_day < first_shown:
            # The whole paper, picks and pins too: its day page is not in the site.
            detail = f"first listed before {first_shown.isoformat()}"
            left_out.append(LeftOut.of(paper, "archived", detail, paper.first_day))
            continue
        narrowed, why = _by_kind(paper, filters)
        if narrowed is None:
            left_out.append(LeftOut.of(paper, why, REASONS[why], paper.first_day))
            continue
        ruled = _by_terms(narrowed, filters)
        if ruled is not None:
            left_out.append(LeftOut.of(narrowed, ruled[0], ruled[1], narrowed.first_day))
            continue
        kept.append(narrowed)

    ranked_against = bool(library) or any(_curated(p) for p in kept)
    counts = TermCounts()
    ranker = Ranker(
        Catalog(tuple(kept), catalog.topics),
        library if ranked_against else [],
        recommend=ranking.recommended if ranked_against else 0,
        min_score=ranking.min_score if ranking.min_score is not None else MIN_SCORE,
        counts=counts,
        memory=memory.ranking,
        recent_days=recent_days,
    )

    if filters.min_relevance is not None and not ranked_against:
        problems.warn(
            config_file,
            "filters.min_relevance",
            "needs a library to measure relevance against (library: in digest.yml); ignored",
        )
    elif filters.min_relevance is not None:
        passing = []
        for paper in kept:
            score = round(ranker.score(paper), 4)
            if score < filters.min_relevance and not _curated(paper):
                detail = f"relevance {score:.4f} < {filters.min_relevance}"
                left_out.append(LeftOut.of(paper, "relevance", detail, paper.first_day))
            else:
                passing.append(paper)
        kept = passing

    beyond: dict[dt.date, list[Listed]] = {}
    if filters.per_day is not None:
        kept, capped = _capped(kept, ranker, filters.per_day)
        for day, papers in capped.items():
            # One text a day: a year of arXiv leaves 170,000 papers out a build.
            detail = f"beyond the {filters.per_day} best of {day.isoformat()}"
            left_out.extend(LeftOut.of(paper, "cap", detail, day) for paper in papers)
            if filters.beyond_cap == "list":
                beyond[day] = [listed_beyond_cap(paper) for paper in papers]

    # What is shown is read whole (its cards, its related papers), loaded at once.
    load_rest(kept)
    unchanged = len(kept) == len(catalog.papers) and all(
        a is b for a, b in zip(kept, catalog.papers, strict=True)
    )
    # A paper the cap kept on some of its days only is now as new as the newest of them:
    # in order again, else a topic's month would come in runs, one page each.
    shown = (
        catalog if unchanged else Catalog(tuple(sorted(kept, key=catalog_order)), catalog.topics)
    )
    shown_keys = {p.key for p in shown.papers}
    # A day ranked with nothing close has an empty list (its page says so); without a
    # library, or with the section turned off, no day has one.
    recommended = {
        day: [(p, r) for p, r in items if p.key in shown_keys]
        for day, items in ranker.recommended.items()
        if ranked_against and ranking.recommended
    }
    related = RelatedPapers(counts, shown.papers, ranking.related, memory.related, recent_days)
    remembered = SiftMemory(ranker.memory, related.memory)
    return Sifted(shown, left_out, beyond, recommended, related.related, remembered, first_shown)


def _capped(
    papers: list[Paper], ranker: Ranker, cap: int
) -> tuple[list[Paper], dict[dt.date, list[Paper]]]:
    """Each day's listing cut to the ``cap`` best, besides the curator's picks and pins
    (never cut). A paper listed on several days (a replacement, a second source) counts
    on each: it keeps the days it made the cut, and is left out if it made none."""
    listed: dict[dt.date, list[Paper]] = {}
    days_of: dict[str, int] = {}  # how many days each paper is listed on
    for paper in papers:
        appearances = paper.appearances
        listed_on = [appearances[0].day] if len(appearances) == 1 else paper.days()
        days_of[paper.key] = len(listed_on)
        for day in listed_on:
            listed.setdefault(day, []).append(paper)
    kept_days: dict[str, set[dt.date]] = {}
    capped: dict[dt.date, list[Paper]] = {}
    for day, on_day in sorted(listed.items()):
        curated: list[Paper] = []
        others: list[Paper] = []
        for paper in on_day:
            (curated if _curated(paper) else others).append(paper)
        ordered = [p for _, p in ranker.ranked(others, day)]
        for paper in [*curated, *ordered[:cap]]:
            kept_days.setdefault(paper.key, set()).add(day)
        if ordered[cap:]:
            capped[day] = ordered[cap:]
    shown = [(paper, days) for paper in papers if (days := kept_days.get(paper.key)) is not None]
    # A paper kept on some of its days only is copied with those: read whole at once.
    load_rest(paper for paper, days in shown if len(days) < days_of[paper.key])
    kept = [
        paper
        if len(days) == days_of[paper.key]
        else replace(paper, appearances=tuple(a for a in paper.appearances if a.day in days))
        for paper, days in shown
    ]
    return kept, capped
