"""Topics for the papers the site shows, given after the sift.

No step before the site reads a paper's topics (the filters, the ranking, the cap and
the related papers read its texts): a high-volume digest's build gave topics to every
paper it had read, 183,000 for a year of arXiv at 700 a weekday, to show 15,000. The
curator's topic edits (``curation.yml``'s ``topics``) are applied to what the rules
give, in the file's order, as ``curation.apply_curation`` applies them.
"""

from __future__ import annotations

from dataclasses import replace

from digest.catalog.curation import curated_topics
from digest.catalog.merge import Catalog, Matched, Matches, Remembered, topic_assigner
from digest.catalog.sift import Sifted
from digest.config import DigestConfig
from digest.ingest.curation_file import Curation
from digest.model import Paper, evolved


def with_topics(
    sifted: Sifted, config: DigestConfig, matched: Matched, remembered: Remembered | None = None
) -> Sifted:
    """``sifted`` with every paper it shows given its topics (the catalog and each day's
    recommendations); ``matched``: the curation entries with the papers they name;
    ``remembered`` (builds: the topic store) answers the papers matched before."""
    assign = topic_assigner(config)
    catch_all = config.catch_all.slug
    edits: dict[str, list[Curation]] = {}
    for key, curation in matched:
        if not curation.hide:
            edits.setdefault(key, []).append(curation)
    given: dict[str, Matches] = {}

    def topics_of(paper: Paper) -> Matches:
        found = given.get(paper.key)
        if found is None:
            found = remembered(paper, assign) if remembered else assign(paper)
            for curation in edits.get(paper.key, ()):
                found = curated_topics(found, curation, catch_all)
            given[paper.key] = found
        return found

    def topiced(paper: Paper) -> Paper:
        return evolved(paper, topics=topics_of(paper))

    shown = sifted.catalog
    return replace(
        sifted,
        catalog=Catalog(tuple(topiced(p) for p in shown.papers), shown.topics),
        recommended={
            day: [(topiced(p), why) for p, why in items]
            for day, items in sifted.recommended.items()
        },
    )
