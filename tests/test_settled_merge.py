"""Merging newer listings onto the papers kept from the settled ones gives the papers that
merging every listing gives (``catalog.merge.merged_onto``), or refuses: the settled
catalog (``incremental.settled_catalog``) is only ever used where it is exact."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.catalog.merge import keyed_by_arxiv, merged_onto, merged_papers
from digest.ingest.normalize import to_paper
from digest.model import Links, Origin, Paper, Record

# Few ids and titles, so that listings sight the same papers again, spell one title
# two ways, and give an id-less entry the title or DOI of a paper with an id.
IDS = [f"2501.0000{n}" for n in range(1, 6)]
TITLES = [
    "Attention Is All You Need",
    "attention is all you need!",
    "Diffusion Models Beat GANs",
    "Scaling Laws for Neural Language Models",
]
DOIS = ["10.1000/a", "10.1000/b"]
WORDS = st.sampled_from(["graph", "model", "attention", "scaling", "zebra", "data", "loss"])


@st.composite
def records(draw: st.DrawFn, listing: str, day: dt.date, rank: int, arxiv_only: bool) -> Record:
    """An entry as a listing gives it, keyed by its arXiv id (some with a DOI too), else
    (``arxiv_only=False``) sometimes by a DOI or its title alone."""
    keyed = "arxiv" if arxiv_only else draw(st.sampled_from(["arxiv", "arxiv", "doi", "title"]))
    arxiv_id = None
    if keyed == "arxiv":
        arxiv_id = draw(st.sampled_from(IDS)) + draw(st.sampled_from(["", "v1", "v2", "v3"]))
    doi = draw(st.sampled_from(DOIS)) if keyed == "doi" else draw(st.none() | st.sampled_from(DOIS))
    optional_day = st.none() | st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    return Record(
        origin=Origin(listing, f"item {rank}"),
        source=draw(st.sampled_from(["arxiv", "huggingface"])),
        listing_day=day,
        rank=rank,
        title=draw(st.sampled_from(TITLES)),
        abstract=" ".join(draw(st.lists(WORDS, max_size=6))) or None,
        arxiv_id=arxiv_id,
        announce_type=draw(st.sampled_from([None, "new", "cross", "replace"])),
        authors=tuple(draw(st.lists(st.sampled_from(["Ada", "Alan", "Grace"]), max_size=3))),
        published=draw(optional_day),
        updated=draw(optional_day),
        upvotes=draw(st.none() | st.integers(0, 50)),
        categories=tuple(draw(st.lists(st.sampled_from(["cs.LG", "cs.CL", "cs.LG"]), max_size=3))),
        comment=draw(st.none() | st.sampled_from(["10 pages", "NeurIPS"])),
        doi=doi,
        ai_keywords=tuple(draw(st.lists(WORDS, max_size=2))),
        links=Links(code=draw(st.none() | st.sampled_from(["https://github.com/a/b"]))),
    )


@st.composite
def listings(draw: st.DrawFn, arxiv_only: bool = True) -> list[list[Paper]]:
    """A few listings of a few entries each, a day apart."""
    drawn = []
    for number in range(draw(st.integers(1, 6))):
        day = dt.date(2025, 3, 1) + dt.timedelta(days=number)
        name = f"listings/{day}.json"
        size = draw(st.integers(0, 5))
        drawn.append(
            [to_paper(draw(records(name, day, rank, arxiv_only))) for rank in range(1, size + 1)]
        )
    return drawn


def _flat(parts: list[list[Paper]]) -> list[Paper]:
    return [paper for part in parts for paper in part]


@settings(max_examples=examples(500), deadline=None)
@given(listings(), st.integers(0, 6))
def test_newer_listings_merged_onto_kept_papers_give_what_merging_all_gives(
    parts: list[list[Paper]], settled: int
) -> None:
    """Listings keyed by arXiv id, merged in two parts (the settled ones, then the newer
    ones onto their papers): the papers a whole merge gives, field for field and in the
    same order, and as changed those the newer listings named."""
    earlier, later = parts[:settled], parts[settled:]
    onto = merged_onto(merged_papers(_flat(earlier)), _flat(later))
    assert onto is not None
    papers, changed = onto
    whole = merged_papers(_flat(parts))
    assert papers == whole
    assert sorted(paper.key for paper in changed) == sorted({p.key for p in _flat(later)})
    assert all(made in whole for made in changed)


@settings(max_examples=examples(200), deadline=None)
@given(listings(arxiv_only=False), st.integers(0, 6))
def test_a_newer_entry_keyed_by_a_doi_or_a_title_is_never_merged_onto_kept_papers(
    parts: list[list[Paper]], settled: int
) -> None:
    """An entry keyed by a DOI or a title may join a paper of any listing: merging onto
    kept papers refuses it, and keyed_by_arxiv says which listings may be kept."""
    earlier, later = _flat(parts[:settled]), _flat(parts[settled:])
    onto = merged_onto(merged_papers(earlier), later)
    assert (onto is None) == (not keyed_by_arxiv(later))


def _entry(listing: str, day: int, title: str, **more: Any) -> Record:
    """The first entry of a listing of March ``day``."""
    origin = Origin(listing, "item 1")
    return Record(
        origin=origin,
        source="arxiv",
        listing_day=dt.date(2025, 3, day),
        rank=1,
        title=title,
        **more,
    )


def test_why_entries_keyed_otherwise_are_merged_whole() -> None:
    """A pasted title with no id, settled, is joined by a later arXiv paper of that title
    (and a DOI-keyed entry by a later arXiv entry naming its DOI, whichever paper it had
    joined before): only a merge of every sighting knows."""
    pasted = _entry("listings/a.txt", 1, "Attention Is All You Need")
    later = _entry("listings/b.xml", 2, "Attention is all you need", arxiv_id="1706.03762v7")
    assert [p.key for p in merged_papers([to_paper(pasted)])] == ["title:attention is all you need"]
    whole = merged_papers([to_paper(pasted), to_paper(later)])
    assert [paper.key for paper in whole] == ["arxiv:1706.03762"]  # joined
    assert not keyed_by_arxiv([to_paper(pasted)])
    # A DOI-keyed entry joins the first paper in the merge's order that names its DOI,
    # whatever listing that name comes from.
    cited = replace(pasted, title="A Journal Version", doi="10.1000/a")
    named = replace(later, doi="10.1000/A", arxiv_id="2501.00002")
    assert [p.key for p in merged_papers([to_paper(cited)])] == ["doi:10.1000/a"]
    joined = merged_papers([to_paper(cited), to_paper(named)])
    assert [paper.key for paper in joined] == ["arxiv:2501.00002"]
    assert merged_onto(merged_papers([to_paper(later)]), [to_paper(pasted)]) is None
