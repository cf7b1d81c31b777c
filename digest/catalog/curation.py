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


def matched_curations(
    papers: list[Paper], curations: list[Curation], problems: Problems
) -> list[tuple[str, Curation]]:
    """Each entry with the key of the paper it names, in the file's order; an entry that
    names no paper is reported."""
    keys = {p.key for p in papers}
    by_title = {f"title:{p.title_key}": p.key for p in papers}
    matched = []
    for curation in curations:
        lookup = _lookup_key(curation.key)
        key = lookup if lookup in keys else by_title.get(lookup)
        if key is None:
            problems.warn(
                CURATION_NAME,
                curation.where or f"papers.{curation.key}",
                "matches no paper in the listings; check the arXiv id or title",
            )
            continue
        matched.append((key, curation))
    return matched


def curated_topics(
    topics: tuple[TopicMatch, ...], curation: Curation, catch_all: str
) -> tuple[TopicMatch, ...]:
    """A paper's topics as the entry re-topics them: the catch-all only where no other."""
    kept = [t for t in topics if t.slug not in curation.remove_topics]
    for slug in curation.add_topics:
        if slug not in {t.slug for t in kept}:
            kept.append(TopicMatch(slug, None, "curator"))
    if len(kept) > 1:
        kept = [t for t in kept if t.slug != catch_all] or kept
    if not kept:
        kept = [TopicMatch(catch_all, None, None)]
    return tuple(kept)


def apply_curation(
    papers: list[Paper], curations: list[Curation], catch_all: str, problems: Problems
) -> list[Paper]:
    """The papers as the curator wants them: hidden ones gone, the rest adjusted."""
    return curated(papers, matched_curations(papers, curations, problems), catch_all)


def curated(
    papers: list[Paper],
    matched: list[tuple[str, Curation]],
    catch_all: str,
    *,
    topics: bool = True,
) -> list[Paper]:
    """``apply_curation`` with the entries matched already (``matched_curations``).
    ``topics=False``: the entries' topics are left to ``curated_topics``, given when the
    papers' own topics are (a build gives them to the papers it shows, after the sift)."""
    by_key = {p.key: p for p in papers}
    hidden: set[str] = set()
    for key, curation in matched:
        if curation.hide:
            hidden.add(key)
            continue
        paper = by_key[key]
        by_key[key] = replace(
            paper,
            topics=curated_topics(paper.topics, curation, catch_all) if topics else paper.topics,
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
