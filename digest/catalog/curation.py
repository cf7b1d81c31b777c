"""The curator's layer applied: the entries ``ingest.curation_file`` read from
``curation.yml`` pin, hide, re-topic, annotate and pick the catalog's papers. An entry that
matches no paper is reported, never ignored.
"""

from __future__ import annotations

from dataclasses import replace

from digest.identity import split_arxiv_id, title_key
from digest.ingest.curation_file import CURATION_NAME, Curation
from digest.model import Paper, TopicMatch
from digest.problems import Problems


def _lookup_key(entry: str) -> str:
    parsed = split_arxiv_id(entry)
    if parsed is not None:
        return f"arxiv:{parsed[0]}"
    return f"title:{title_key(entry)}"


def apply_curation(
    papers: list[Paper], curations: list[Curation], catch_all: str, problems: Problems
) -> list[Paper]:
    """The papers as the curator wants them: hidden ones gone, the rest adjusted."""
    by_key = {p.key: p for p in papers}
    by_title = {f"title:{p.title_key}": p.key for p in papers}
    hidden: set[str] = set()
    for curation in curations:
        lookup = _lookup_key(curation.key)
        key = lookup if lookup in by_key else by_title.get(lookup)
        if key is None:
            problems.warn(
                CURATION_NAME,
                curation.where or f"papers.{curation.key}",
                "matches no paper in the listings; check the arXiv id or title",
            )
            continue
        if curation.hide:
            hidden.add(key)
            continue
        paper = by_key[key]
        topics = [t for t in paper.topics if t.slug not in curation.remove_topics]
        for slug in curation.add_topics:
            if slug not in {t.slug for t in topics}:
                topics.append(TopicMatch(slug, None, "curator"))
        if len(topics) > 1:
            topics = [t for t in topics if t.slug != catch_all] or topics
        if not topics:
            topics = [TopicMatch(catch_all, None, None)]
        by_key[key] = replace(
            paper,
            topics=tuple(topics),
            pinned=paper.pinned or curation.pin,
            disliked=paper.disliked or curation.dislike,
            pick=curation.pick or paper.pick,
            picked=curation.picked or paper.picked,
            edited=max((d for d in (curation.edited, paper.edited) if d), default=None),
            curator_notes=(*paper.curator_notes, curation.note)
            if curation.note
            else paper.curator_notes,
        )
    return [p for key, p in by_key.items() if key not in hidden]
