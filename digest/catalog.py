"""Merge every listing's papers into one catalog: one paper once, topics assigned, sorted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from digest.config import DigestConfig, Topic
from digest.model import Paper
from digest.topics import assign_topics


@dataclass(frozen=True)
class Catalog:
    papers: tuple[Paper, ...]
    topics: tuple[Topic, ...]

    def days(self) -> list[dt.date]:
        """Every listing day, newest first."""
        return sorted({a.day for p in self.papers for a in p.appearances}, reverse=True)

    def on_day(self, day: dt.date) -> list[Paper]:
        """The papers listed on ``day``, in the listing's order."""
        listed = []
        for paper in self.papers:
            ranks = [a.rank for a in paper.appearances if a.day == day]
            if ranks:
                listed.append((min(ranks), paper.key, paper))
        return [paper for _, _, paper in sorted(listed, key=lambda t: (t[0], t[1]))]

    def in_topic(self, slug: str) -> list[Paper]:
        """The papers of a topic, newest listing first."""
        return [p for p in self.papers if slug in p.topic_slugs]

    def topic(self, slug: str) -> Topic:
        return next(t for t in self.topics if t.slug == slug)


def _merge(first: Paper, other: Paper) -> Paper:
    """One paper from two sightings: keep every appearance and the fuller fields."""
    return replace(
        first,
        abstract=first.abstract if len(first.abstract) >= len(other.abstract) else other.abstract,
        authors=first.authors or other.authors,
        appearances=first.appearances + other.appearances,
        published=first.published or other.published,
        upvotes=max((u for u in (first.upvotes, other.upvotes) if u is not None), default=None),
        links=replace(
            first.links,
            **{
                name: getattr(first.links, name) or getattr(other.links, name)
                for name in ("abstract", "pdf", "code", "project", "huggingface")
            },
        ),
    )


def _sort_key(paper: Paper) -> tuple[int, int, str]:
    newest = max(a.day for a in paper.appearances)
    best_rank = min(a.rank for a in paper.appearances if a.day == newest)
    return (-newest.toordinal(), best_rank, paper.key)


def build_catalog(papers: list[Paper], config: DigestConfig) -> Catalog:
    by_key: dict[str, Paper] = {}
    for paper in papers:
        by_key[paper.key] = _merge(by_key[paper.key], paper) if paper.key in by_key else paper
    finished = []
    for paper in by_key.values():
        appearances = tuple(
            sorted(set(paper.appearances), key=lambda a: (a.day, a.source, a.rank, a.origin.file))
        )
        topics = assign_topics(paper, config.topics, config.catch_all)
        finished.append(replace(paper, appearances=appearances, topics=topics))
    return Catalog(papers=tuple(sorted(finished, key=_sort_key)), topics=config.all_topics)
