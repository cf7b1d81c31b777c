"""Merge every listing's papers into one catalog: one paper once, topics assigned, sorted.

A paper is keyed on its versionless arXiv id, else on its DOI (a bioRxiv preprint, a
Zotero item); a sighting keyed on a DOI joins the arXiv paper that names that DOI, and a
sighting with neither (a pasted page) joins the paper with the same normalized title. Each field comes from the richest
sighting that has it, lists are united, and every appearance (day, source) is kept.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from functools import cache, cached_property
from typing import Any

from digest.catalog.curation import curated, matched_curations
from digest.catalog.topics import assign_topics
from digest.config import DigestConfig, Topic
from digest.ingest.curation_file import Curation
from digest.ingest.digest_reader import ReadOutcome
from digest.ingest.summaries import StoredGist
from digest.model import Appearance, Described, Links, Paper, TopicMatch, evolved, load_rest
from digest.problems import Problems
from digest.summaries_config import SummariesConfig

_LINK_FIELDS = ("abstract", "pdf", "code", "project", "huggingface")

# A paper's topics with the term that put it in each.
Matches = tuple[TopicMatch, ...]


@dataclass(frozen=True)
class Catalog:
    papers: tuple[Paper, ...]
    topics: tuple[Topic, ...]

    def days(self) -> list[dt.date]:
        """Every listing day, newest first."""
        return list(self._days)

    @cached_property
    def _days(self) -> tuple[dt.date, ...]:
        # The days alone where the papers by day are not made yet: the build counts the
        # days of everything read, which at a year of arXiv is 170,000 papers whose
        # index by day nothing else asks for (the site shows a sifted catalog).
        if "_by_day" in self.__dict__:
            return tuple(sorted(self._by_day, reverse=True))
        return tuple(sorted({a.day for p in self.papers for a in p.appearances}, reverse=True))

    def on_day(self, day: dt.date) -> list[Paper]:
        """The papers listed on ``day``, in the listing's order."""
        return self._by_day.get(day, [])

    def in_topic(self, slug: str) -> list[Paper]:
        """The papers of a topic, newest listing first."""
        return self._by_topic.get(slug, [])

    def topic(self, slug: str) -> Topic:
        return self._topics_by_slug[slug]

    @cached_property
    def _by_day(self) -> dict[dt.date, list[Paper]]:
        listed: dict[dt.date, list[tuple[int, int, str, Paper]]] = defaultdict(list)
        for paper in self.papers:
            ranks: dict[dt.date, int] = {}
            for a in paper.appearances:
                ranks[a.day] = min(a.rank, ranks.get(a.day, a.rank))
            for day, rank in ranks.items():
                # A pinned paper comes first on each of its days, then the listing's order.
                listed[day].append((0 if paper.pinned else 1, rank, paper.key, paper))
        return {
            day: [entry[-1] for entry in sorted(entries, key=lambda t: t[:3])]
            for day, entries in listed.items()
        }

    @cached_property
    def _by_topic(self) -> dict[str, list[Paper]]:
        grouped: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers:
            for slug in paper.topic_slugs:
                grouped[slug].append(paper)
        return grouped

    @cached_property
    def _topics_by_slug(self) -> dict[str, Topic]:
        return {t.slug: t for t in self.topics}


def _longest(values: list[str]) -> str:
    return max(values, key=len, default="")


def _first(values: list[object]) -> object:
    return next((v for v in values if v is not None), None)


def _united(groups: list[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))


def _appearances(sightings: list[Paper]) -> tuple[Appearance, ...]:
    """One appearance per day, source and file (a cross-list repeat in one file is one)."""
    best: dict[tuple[dt.date, str, str], Appearance] = {}
    for appearance in (a for p in sightings for a in p.appearances):
        slot = (appearance.day, appearance.source, appearance.origin.file)
        if slot not in best or appearance.rank < best[slot].rank:
            best[slot] = appearance
    return tuple(sorted(best.values(), key=lambda a: (a.day, a.source, a.origin.file, a.rank)))


def _links(values: list[Links]) -> Links:
    """Each kind of link from the first sighting that has one."""
    return Links(**{name: _first([getattr(v, name) for v in values]) for name in _LINK_FIELDS})  # type: ignore[arg-type]


# How the sightings of a paper combine, field by described field (``model.Described``):
# nothing any sighting had is lost.
COMBINE: dict[str, Callable[[list[Any]], Any]] = {
    "authors": lambda values: max(values, key=len),  # the fullest list
    "links": _links,
    "published": lambda values: min((v for v in values if v is not None), default=None),
    "updated": lambda values: max((v for v in values if v is not None), default=None),
    "upvotes": lambda values: max((v for v in values if v is not None), default=None),
    "github_stars": lambda values: max((v for v in values if v is not None), default=None),
    "categories": _united,
    "comment": _first,
    "journal_ref": _first,
    "doi": _first,
    "ai_summary": _first,
    "thumbnail": _first,
    "ai_keywords": _united,
    "tags": _united,
}


@cache
def _combined() -> tuple[tuple[str, Callable[[list[Any]], Any]], ...]:
    """Each described field with its rule, in the dataclass's order (looked up once, not
    per paper: a year of arXiv merges 90,000 sightings a build)."""
    return tuple((field.name, COMBINE[field.name]) for field in fields(Described))


def merge(sightings: list[Paper]) -> Paper:
    """One paper from every sighting of it; nothing any sighting had is lost."""
    if len(sightings) == 1 and _merged_already(sightings[0]):
        return sightings[0]  # most papers are seen once: 0.6 s of a year of arXiv
    return _merged(sightings)


@cache
def _united_fields() -> tuple[str, ...]:
    return tuple(name for name, combine in _combined() if combine is _united)


def _merged_already(paper: Paper) -> bool:
    """Whether merging this one sighting would give it back: one appearance, no earlier
    key, and no list that repeats an item (what the rules would change of one value)."""
    if len(paper.appearances) != 1 or paper.first_key is not None or paper.id_arrived:
        return False
    for items in (*(getattr(paper, name) for name in _united_fields()), paper.notes):
        if len(items) > 1 and len(set(items)) != len(items):
            return False
    return True


def _merged(sightings: list[Paper]) -> Paper:
    first = sightings[0]
    # The first sighting by day, then file and place: what the paper is first known by.
    earliest = min(
        sightings, key=lambda p: (p.first_day, p.appearances[0].origin.file, p.appearances[0].rank)
    )
    with_id = [p for p in sightings if p.arxiv_id is not None]
    versions = [p.version for p in sightings if p.version is not None]
    described = {
        name: combine([getattr(p, name) for p in sightings]) for name, combine in _combined()
    }
    key = (
        with_id[0].key
        if with_id
        else next((p.key for p in sightings if p.key.startswith("doi:")), first.key)
    )
    return Paper(
        **described,
        key=key,
        first_key=earliest.key if earliest.key != key else None,
        id_arrived=min((p.first_day for p in with_id), default=None)
        if earliest.arxiv_id is None and with_id
        else None,
        # Titles: the longest spelling (RSS truncates, pages wrap).
        title=_longest([p.title for p in sightings]),
        abstract=_longest([p.abstract for p in sightings]),
        appearances=_appearances(sightings),
        arxiv_id=with_id[0].arxiv_id if with_id else None,
        version=max(versions, default=None),
        notes=_united([p.notes for p in sightings]),
    )


def group_sightings(papers: list[Paper]) -> list[list[Paper]]:
    """Sightings of the same paper together: by arXiv id, by DOI (joining the arXiv
    paper that names it), then by title for the others."""
    groups: dict[str, list[Paper]] = defaultdict(list)
    # How many id-less papers with this title key each listing has named so far: two
    # entries of one listing are two papers ("Collide: A/B Testing" and "Collide A B
    # Testing"), so the second of them is the second paper of that title everywhere.
    seen_in_listing: Counter[tuple[str, str]] = Counter()
    for paper in papers:
        key = paper.key
        if key.startswith("title:"):
            listing = paper.appearances[0].origin.file
            seen_in_listing[(key, listing)] += 1
            ordinal = seen_in_listing[(key, listing)]
            if ordinal > 1:
                key = f"{key}~{ordinal}"
                paper = replace(paper, key=key)
        groups[key].append(paper)
    by_doi: dict[str, str] = {}
    for key, sightings in groups.items():
        if key.startswith("arxiv:"):
            for sighting in sightings:
                if sighting.doi:
                    by_doi.setdefault(sighting.doi.lower(), key)
    for key in [k for k in groups if k.startswith("doi:")]:
        target = by_doi.get(key.removeprefix("doi:"))
        if target is not None:
            groups[target].extend(groups.pop(key))
    titled = [k for k in groups if k.startswith("title:")]
    # Only where a paper without an id may join one: an arXiv-only digest has none.
    by_title = _by_title(groups) if titled else {}
    for key in titled:
        target = by_title.get(key.removeprefix("title:"))
        if target is not None:
            groups[target].extend(groups.pop(key))
    return list(groups.values())


def _by_title(groups: dict[str, list[Paper]]) -> dict[str, str]:
    """The group of each title key among the papers with an arXiv id or a DOI."""
    by_title: dict[str, str] = {}
    for key, sightings in groups.items():
        if key.startswith(("arxiv:", "doi:")):
            for sighting in sightings:
                by_title.setdefault(sighting.title_key, key)
    return by_title


def keyed_by_arxiv(sightings: list[Paper]) -> bool:
    """Whether every sighting is keyed by its arXiv id: none joins another paper by a DOI
    or a title (``group_sightings``), so the papers are their ids' groups."""
    return all(sighting.key.startswith("arxiv:") for sighting in sightings)


def merged_onto(
    kept: list[Paper], sightings: list[Paper]
) -> tuple[list[Paper], list[Paper]] | None:
    """The papers merged from the sightings of some listings and then ``sightings`` (of
    the listings after them), given ``kept``, the first part's papers in their order, all
    merged from sightings keyed by arXiv id: every paper in the order of a whole merge,
    and those of them that ``sightings`` changed or added. None where a sighting is keyed
    otherwise (grouping it needs every sighting).

    Exact, not a guess: sightings keyed by one arXiv id are one group wherever they are,
    groups come in the order of their first sighting, and each merge rule (the longest,
    the first, the least, the greatest, the union in order; ``COMBINE``) gives over a
    paper merged from the earlier sightings and the later ones what it gives over all of
    them in the listings' order (``tests/test_settled_merge.py``)."""
    if not keyed_by_arxiv(sightings):
        return None
    later: dict[str, list[Paper]] = {}
    for sighting in sightings:
        later.setdefault(sighting.key, []).append(sighting)
    if not later:
        return kept, []
    papers = list(kept)
    where = {paper.key: place for place, paper in enumerate(kept) if paper.key in later}
    load_rest(kept[place] for place in where.values())  # merged again: read whole, at once
    changed: list[Paper] = []
    for key, group in later.items():
        place = where.get(key)
        if place is None:
            made = merge(group)
            papers.append(made)
        else:
            made = papers[place] = merge([papers[place], *group])
        changed.append(made)
    return papers, changed


def catalog_order(paper: Paper) -> tuple[int, int, str]:
    """The catalog's order: newest listing day first, then the best rank that day. Pages
    group papers by day and month in this order (``site.plan``)."""
    appearances = paper.appearances
    if len(appearances) == 1:  # most papers: a year of arXiv sorts 130,000 a build
        return (-appearances[0].day.toordinal(), appearances[0].rank, paper.key)
    newest = paper.last_day
    best_rank = min(a.rank for a in appearances if a.day == newest)
    return (-newest.toordinal(), best_rank, paper.key)


Remembered = Callable[[Paper, Callable[[Paper], Matches]], Matches]
# The curation entries with the keys of the papers they name (``matched_curations``).
Matched = list[tuple[str, Curation]]


def topic_assigner(config: DigestConfig) -> Callable[[Paper], Matches]:
    """What puts a paper in its topics: the rules, then the watches beside them."""

    def assign(paper: Paper) -> Matches:
        topics = assign_topics(paper, config.topics, config.catch_all)
        watched = assign_topics(paper, config.watches, config.catch_all) if config.watches else ()
        return topics + tuple(m for m in watched if m.slug != config.catch_all.slug)

    return assign


def build_catalog(
    papers: list[Paper],
    config: DigestConfig,
    curations: list[Curation] | None = None,
    problems: Problems | None = None,
    gists: Mapping[str, StoredGist] | None = None,
) -> Catalog:
    """Every paper given its topics (``untopiced_catalog``: a build's, without)."""
    merged = merged_papers(papers)
    return finished_catalog(merged, config, curations, problems, gists, topics=True)[0]


def merged_papers(sightings: list[Paper]) -> list[Paper]:
    """Every paper merged from its sightings, in the order of their groups."""
    return [merge(group) for group in group_sightings(sightings)]


def finished_catalog(
    merged: list[Paper],
    config: DigestConfig,
    curations: list[Curation] | None,
    problems: Problems | None,
    gists: Mapping[str, StoredGist] | None,
    *,
    topics: bool,
) -> tuple[Catalog, Matched]:
    """The catalog of the papers merged (in their groups' order), and the curation
    entries with the papers they name: curated, with their gists, in the catalog's
    order. ``topics=False``: no paper is given its topics (``shown_topics`` gives them
    after the sift)."""
    finished = merged
    if topics:
        assign = topic_assigner(config)
        finished = [evolved(paper, topics=assign(paper)) for paper in merged]
    matched: Matched = []
    if curations:
        report = problems if problems is not None else Problems()
        matched = matched_curations(finished, curations, report)
        finished = curated(finished, matched, config.catch_all.slug, topics=topics)
    if gists:
        finished = [_with_gist(paper, gists, config.summaries) for paper in finished]
    catalog = Catalog(papers=tuple(sorted(finished, key=catalog_order)), topics=config.all_topics)
    return catalog, matched


def _with_gist(paper: Paper, gists: Mapping[str, StoredGist], config: SummariesConfig) -> Paper:
    """The paper with its generated gist (``digest summarize``), where it has no summary of
    its source's (Hugging Face's, daily-arXiv's keep theirs) and the gist was made from
    the paper as it is now, by the model the digest names."""
    stored = gists.get(paper.key)
    if paper.ai_summary or stored is None or not stored.holds_for(paper, config):
        return paper
    return replace(paper, ai_summary=stored.gist, summary_model=stored.model)


def untopiced_catalog(outcome: ReadOutcome) -> tuple[Catalog, Matched]:
    """The catalog of everything read, with the curator's file applied but for topics,
    and the curation entries with the papers they name: nothing before the site reads a
    paper's topics, so a build gives them to the papers it shows only
    (``shown_topics``): a year of arXiv shows 15,000 of 183,000."""
    merged = merged_papers(outcome.papers)
    return finished_catalog(
        merged, outcome.config, outcome.curations, outcome.problems, outcome.gists, topics=False
    )


def catalog_of(outcome: ReadOutcome) -> Catalog:
    """The catalog of everything read, with the curator's file applied and every paper
    given its topics (what ``digest check`` and the tests look at)."""
    config = outcome.config
    return build_catalog(outcome.papers, config, outcome.curations, outcome.problems, outcome.gists)
