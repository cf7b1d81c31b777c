"""The digest's filters and caps, related papers, and the ranking's memory across builds."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES, broken_links, copy_digest, examples, spread_digest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.archive_config import parse_archive
from digest.catalog.merge import Catalog, catalog_order
from digest.catalog.related import RelatedPapers
from digest.catalog.relevance import Ranker
from digest.catalog.sift import SiftMemory, sift
from digest.catalog.terms import TermCounts
from digest.catalog.walk_steps import RECENT_DAYS
from digest.cli import main
from digest.config import Topic
from digest.ingest.library import LibraryItem
from digest.model import Appearance, Links, Origin, Paper, TopicMatch
from digest.problems import Problems
from digest.ranking_config import FilterConfig, RankingConfig, parse_filters

OTHER = Topic("other", "Other", "Papers no topic rule matched.")
DAY = dt.date(2025, 6, 2)
ARXIV_RSS = FIXTURES / "formats" / "rss_arxiv_org_cs.LG_2025-06-04.xml"

SUBJECTS = {
    "agents": "Language model agents plan tool calls and browse the web to finish tasks.",
    "diffusion": "A diffusion model denoises images step by step for image generation.",
    "proteins": "Protein structure prediction folds amino acid residues into shapes.",
    "reefs": "Coral reef sensors measure ocean temperature and bleaching.",
}


def paper(
    key: str,
    title: str,
    abstract: str,
    day: dt.date = DAY,
    rank: int = 1,
    *,
    upvotes: int | None = None,
    kind: str | None = None,
    pick: str | None = None,
    categories: tuple[str, ...] = (),
) -> Paper:
    return Paper(
        key=f"arxiv:{key}",
        arxiv_id=key,
        title=title,
        abstract=abstract,
        appearances=(Appearance(day, "arxiv", rank, Origin("l.xml", f"item {rank}"), kind),),
        topics=(TopicMatch("other", None, None),),
        upvotes=upvotes,
        pick=pick,
        categories=categories,
    )


def catalog(*papers: Paper) -> Catalog:
    return Catalog(papers=tuple(papers), topics=(OTHER,))


def days_of_papers(days: int, per_day: int) -> list[Paper]:
    """``days`` days of ``per_day`` papers on the four subjects, in turn."""
    papers = []
    names = sorted(SUBJECTS)
    for d in range(days):
        for n in range(per_day):
            subject = names[(d + n) % len(names)]
            papers.append(
                paper(
                    f"2506.{d:02d}{n:03d}",
                    f"{subject.title()} study {d}-{n}",
                    f"{SUBJECTS[subject]} Variant {d} {n} of the {subject} work.",
                    DAY + dt.timedelta(days=d),
                    n + 1,
                )
            )
    return papers


def test_include_and_exclude_terms_use_the_topic_rule_syntax() -> None:
    papers = [
        paper("1", "Agents that browse", SUBJECTS["agents"], categories=("cs.AI",)),
        paper("2", "A survey of diffusion", SUBJECTS["diffusion"], rank=2, categories=("cs.CV",)),
        paper("3", "Reef sensing", SUBJECTS["reefs"], rank=3, categories=("physics.ao-ph",)),
    ]
    filters = FilterConfig(
        include=("categories:cs.AI", "categories:cs.CV"), exclude=("title:survey",)
    )
    sifted = sift(catalog(*papers), [], RankingConfig(related=0), filters, Problems())
    assert [p.key for p in sifted.catalog.papers] == ["arxiv:1"]
    why = {e.key: (e.reason, e.detail) for e in sifted.left_out}
    assert why == {
        "arxiv:2": ("exclude", "exclude term 'title:survey' in the title"),
        "arxiv:3": ("include", "none of the include terms"),
    }
    assert sifted.counts_by_day() == {DAY: {"exclude": 1, "include": 1}}


def test_replacements_and_cross_lists_are_left_out_by_their_announce_type() -> None:
    papers = [
        paper("1", "New", SUBJECTS["agents"], kind="new"),
        paper("2", "Cross", SUBJECTS["agents"], rank=2, kind="cross"),
        paper("3", "Replaced", SUBJECTS["agents"], rank=3, kind="replace"),
        paper("4", "Replaced cross", SUBJECTS["agents"], rank=4, kind="replace-cross"),
        paper("5", "Picked replacement", SUBJECTS["agents"], rank=5, kind="replace", pick="day"),
    ]
    only_new = FilterConfig(replacements=False, cross_lists=False)
    sifted = sift(catalog(*papers), [], RankingConfig(related=0), only_new, Problems())
    # The curator's pick stays whatever its kind.
    assert [p.key for p in sifted.catalog.papers] == ["arxiv:1", "arxiv:5"]
    assert sifted.counts() == {"replacement": 2, "cross-list": 1}
    no_replacements = FilterConfig(replacements=False)
    sifted = sift(catalog(*papers), [], RankingConfig(related=0), no_replacements, Problems())
    assert [p.key for p in sifted.catalog.papers] == ["arxiv:1", "arxiv:2", "arxiv:5"]


def test_a_paper_seen_new_and_later_replaced_keeps_only_its_new_day() -> None:
    later = DAY + dt.timedelta(days=3)
    both = Paper(
        key="arxiv:1",
        arxiv_id="1",
        title="Agents",
        abstract=SUBJECTS["agents"],
        appearances=(
            Appearance(DAY, "arxiv", 1, Origin("a.xml", "item 1"), "new"),
            Appearance(later, "arxiv", 1, Origin("b.xml", "item 1"), "replace"),
        ),
        topics=(TopicMatch("other", None, None),),
    )
    sifted = sift(
        catalog(both), [], RankingConfig(related=0), FilterConfig(replacements=False), Problems()
    )
    assert sifted.catalog.days() == [DAY]
    assert sifted.left_out == []


def test_the_daily_cap_keeps_the_most_relevant_then_upvoted_then_listed_first() -> None:
    library = [LibraryItem("Web agents", SUBJECTS["agents"], place="lib.bib: entry agents")]
    papers = [
        paper("1", "Reefs", SUBJECTS["reefs"], rank=1, upvotes=50),
        paper("2", "Agents", SUBJECTS["agents"] + " Tools.", rank=2),
        replace(
            paper("3", "Proteins A", SUBJECTS["proteins"], rank=3, upvotes=5),
            links=Links(huggingface="https://huggingface.co/papers/3"),
        ),
        paper("4", "Proteins B", SUBJECTS["proteins"], rank=4, upvotes=9),
        replace(
            paper("5", "Proteins C", SUBJECTS["proteins"], rank=5, upvotes=9),
            links=Links(
                abstract="https://arxiv.org/abs/5", huggingface="https://huggingface.co/papers/5"
            ),
        ),
        paper("6", "Picked reefs", SUBJECTS["reefs"], rank=6, pick="day"),
    ]
    filters = FilterConfig(per_day=3)
    sifted = sift(catalog(*papers), library, RankingConfig(related=0), filters, Problems())
    # The pick is kept beyond the cap's count; then relevance (agents), then upvotes
    # (reefs 50), then, among equal upvotes, the listing's order (4 before 5).
    assert [p.key for p in sifted.catalog.papers] == ["arxiv:1", "arxiv:2", "arxiv:4", "arxiv:6"]
    # Listed by title, linked to the abstract's page, else to the Hugging Face one.
    assert sifted.beyond_cap[DAY] == [
        ("Proteins C", "https://arxiv.org/abs/5"),
        ("Proteins A", "https://huggingface.co/papers/3"),
    ]
    assert sifted.counts() == {"cap": 2}
    omitted = sift(
        catalog(*papers),
        library,
        RankingConfig(related=0),
        FilterConfig(per_day=3, beyond_cap="omit"),
        Problems(),
    )
    assert omitted.beyond_cap == {} and omitted.counts() == {"cap": 2}


def test_a_paper_kept_on_its_first_day_only_is_shown_with_that_days_papers() -> None:
    """A replacement beyond the cap: the paper stays on the day it made the cut, and its
    topic's month pages are one page per month, with every paper of the month on it."""
    from digest.site.plan import SiteInfo, SitePlan

    may, june = dt.date(2025, 5, 30), dt.date(2025, 6, 2)
    library = [LibraryItem("Web agents", SUBJECTS["agents"], place="lib.bib: entry agents")]
    replaced = paper("1", "Reefs early", SUBJECTS["reefs"], may, 1)
    again = replace(
        replaced,
        appearances=(
            *replaced.appearances,
            Appearance(june, "arxiv", 2, Origin("l2.xml", "item 2"), "replace"),
        ),
    )
    papers = [
        paper("2", "June agents", SUBJECTS["agents"] + " Tools.", june, 1),
        again,
        paper("3", "June agents B", SUBJECTS["agents"] + " Browse.", june, 3),
        paper("4", "May proteins", SUBJECTS["proteins"], may, 2),
    ]
    everything = Catalog(tuple(sorted(papers, key=catalog_order)), (OTHER,))
    sifted = sift(
        everything, library, RankingConfig(related=0), FilterConfig(per_day=2), Problems()
    )
    assert [(p.key, p.last_day) for p in sifted.catalog.papers] == [
        ("arxiv:2", june),
        ("arxiv:3", june),
        ("arxiv:1", may),
        ("arxiv:4", may),
    ]
    pages = list(SitePlan.of(sifted.catalog, SiteInfo("D", "https://x.org/", "")).pages())
    urls = [page.url for page in pages]
    assert len(urls) == len(set(urls))
    (may_page,) = [page for page in pages if page.url == "topics/other/2025-05/"]
    assert [p.key for p in may_page.context["papers"]] == ["arxiv:1", "arxiv:4"]


@settings(max_examples=examples(100), deadline=None)
@given(
    listed=st.lists(
        st.tuples(
            st.sampled_from(sorted(SUBJECTS)),
            st.integers(0, 70),  # the day it is first listed, from 2025-05-20
            st.lists(st.integers(1, 30), max_size=2),  # days later it is listed again
        ),
        min_size=1,
        max_size=25,
    ),
    cap=st.integers(1, 4),
)
def test_any_capped_archive_plans_each_month_of_a_topic_once_with_all_its_papers(
    listed: list[tuple[str, int, list[int]]], cap: int
) -> None:
    from digest.site.plan import SiteInfo, SitePlan

    first = dt.date(2025, 5, 20)
    papers = []
    for n, (subject, start, later) in enumerate(listed):
        days = sorted({first + dt.timedelta(days=start + d) for d in [0, *later]})
        papers.append(
            replace(
                paper(f"2505.{n:05d}", f"{subject} {n}", f"{SUBJECTS[subject]} {n}."),
                appearances=tuple(
                    Appearance(day, "arxiv", n + 1, Origin("l.xml", f"item {n}"), None)
                    for day in days
                ),
            )
        )
    library = [LibraryItem("Web agents", SUBJECTS["agents"], place="lib.bib: entry agents")]
    everything = Catalog(tuple(sorted(papers, key=catalog_order)), (OTHER,))
    shown = sift(
        everything, library, RankingConfig(related=0), FilterConfig(per_day=cap), Problems()
    ).catalog
    pages = list(SitePlan.of(shown, SiteInfo("D", "https://x.org/", "")).pages())
    urls = [page.url for page in pages]
    assert len(urls) == len(set(urls))
    months = {
        page.context["month"]: page for page in pages if page.url.startswith("topics/other/2")
    }
    for month, page in months.items():
        expected = {p.key for p in shown.papers if p.last_day.replace(day=1) == month}
        assert {p.key for p in page.context["papers"]} == expected
    assert set(months) == {p.last_day.replace(day=1) for p in shown.papers}


def test_a_minimum_relevance_needs_a_library_and_says_so() -> None:
    papers = [
        paper("1", "Agents", SUBJECTS["agents"]),
        paper("2", "Reefs", SUBJECTS["reefs"], rank=2),
    ]
    library = [LibraryItem("Web agents", SUBJECTS["agents"], place="lib")]
    sifted = sift(
        catalog(*papers),
        library,
        RankingConfig(related=0),
        FilterConfig(min_relevance=0.05),
        Problems(),
    )
    assert [p.key for p in sifted.catalog.papers] == ["arxiv:1"]
    assert sifted.left_out[0].detail == "relevance 0.0000 < 0.05"
    problems = Problems()
    unranked = sift(
        catalog(*papers), [], RankingConfig(related=0), FilterConfig(min_relevance=0.05), problems
    )
    assert len(unranked.catalog.papers) == 2
    assert [str(p) for p in problems.items] == [
        "warning: digest.yml: filters.min_relevance: needs a library to measure relevance "
        "against (library: in digest.yml); ignored"
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"per_day": 0}, "filters.per_day: must be a whole number of papers, 1 or more"),
        ({"beyond_cap": "hide"}, "filters.beyond_cap: must be one of list, omit"),
        ({"min_relevance": 2}, "filters.min_relevance: must be a similarity between 0 and 1"),
        ({"replacements": "no"}, "filters.replacements: must be true (keep them) or false"),
        ({"include": [3]}, "filters.include: must be a list of terms"),
        ({"fields": ["venue"]}, "filters.fields: no field 'venue'"),
        ({"per_dya": 5}, "filters.per_dya: unknown key; did you mean 'per_day'?"),
    ],
)
def test_filter_settings_are_checked_with_the_fix(raw: dict[str, object], message: str) -> None:
    problems = Problems()
    parse_filters(raw, problems, "digest.yml")
    assert any(message in str(p) for p in problems.items), problems.items


def test_related_papers_are_earlier_similar_and_fixed_once_shown() -> None:
    papers = days_of_papers(6, 8)
    counts = TermCounts()
    related = RelatedPapers(counts, papers, 3).related
    by_key = {p.key: p for p in papers}
    assert related, "papers on one subject relate to each other"
    for key, others in related.items():
        assert 1 <= len(others) <= 3
        for other in others:
            assert by_key[other].first_day < by_key[key].first_day  # earlier days only
            assert by_key[other].title.split()[0] == by_key[key].title.split()[0]  # same subject
    # A new day changes no earlier paper's list.
    more = papers + days_of_papers(7, 8)[48:]
    assert {
        k: v for k, v in RelatedPapers(TermCounts(), more, 3).related.items() if k in by_key
    } == related


def test_a_warm_walk_from_memory_equals_a_cold_walk() -> None:
    library = [LibraryItem("Web agents", SUBJECTS["agents"], place="lib")]
    first = days_of_papers(5, 6)
    everything = days_of_papers(7, 6)
    ranking = RankingConfig(recommended=2, related=3)
    earlier = sift(catalog(*first), library, ranking, FilterConfig(per_day=4), Problems())
    warm = sift(
        catalog(*everything),
        library,
        ranking,
        FilterConfig(per_day=4),
        Problems(),
        memory=earlier.memory,
    )
    cold = sift(catalog(*everything), library, ranking, FilterConfig(per_day=4), Problems())
    assert warm.related == cold.related and warm.related
    assert warm.recommended == cold.recommended
    assert [p.key for p in warm.catalog.papers] == [p.key for p in cold.catalog.papers]
    # The memory held the five days worked out before.
    assert earlier.memory is not None and earlier.memory.ranking is not None
    assert len(earlier.memory.ranking.days) == 5


def test_the_memory_kept_on_disk_reads_back_as_it_was_and_only_with_its_own_days(
    tmp_path: Path,
) -> None:
    from digest.incremental.ranking_memory import RankingMemoryStore

    library = [LibraryItem("Web agents", SUBJECTS["agents"], place="lib")]
    ranking = RankingConfig(recommended=2, related=3)
    earlier = sift(catalog(*days_of_papers(5, 6)), library, ranking, FilterConfig(), Problems())
    store = RankingMemoryStore(tmp_path / "ranking.json")
    store.save(earlier.memory)
    kept = store.load()
    assert kept is not None and _same_memory(kept, earlier.memory)
    assert kept.ranking is not None and len(kept.ranking.days) == 5
    everything = catalog(*days_of_papers(7, 6))
    warm = sift(everything, library, ranking, FilterConfig(), Problems(), memory=kept)
    cold = sift(everything, library, ranking, FilterConfig(), Problems())
    assert (warm.related, warm.recommended) == (cold.related, cold.recommended)
    assert _same_memory(warm.memory, cold.memory)

    # A build stopped between the two files: the days of another build are not taken.
    days = (tmp_path / "ranking-days.json").read_bytes()
    store.save(warm.memory)
    (tmp_path / "ranking-days.json").write_bytes(days)
    assert store.load() is None
    store.save(warm.memory)
    assert _same_memory(store.load(), warm.memory)
    (tmp_path / "ranking-days.json").write_bytes(days[:-10])  # cut short
    assert store.load() is None
    (tmp_path / "ranking-days.json").unlink()
    assert store.load() is None


def test_a_ranking_memory_whose_lengths_lie_reads_as_none(tmp_path: Path) -> None:
    """``ranking.json`` is a line of lengths, the JSON, then the arrays' bytes: a file
    sealed as anyone can seal one, whose lengths do not fit what follows, is no memory
    (the build works everything out again), never an error or arrays read out of place."""
    from digest.incremental.ranking_memory import RankingMemoryStore
    from digest.incremental.store import read_sealed, write_sealed

    library = [LibraryItem("Web agents", SUBJECTS["agents"], place="lib")]
    ranking = RankingConfig(recommended=2, related=3)
    earlier = sift(catalog(*days_of_papers(5, 6)), library, ranking, FilterConfig(), Problems())
    store = RankingMemoryStore(tmp_path / "ranking.json")
    store.save(earlier.memory)
    data = read_sealed(store.path)
    assert data is not None and _same_memory(store.load(), earlier.memory)
    line, rest = data.split(b"\n", 1)
    lengths = [int(n) for n in line.split()]
    assert len(lengths) > 3 and sum(lengths) == len(rest)  # the JSON and arrays apart
    lying = [
        b"\n" + rest,  # no lengths
        b" ".join(b"%d" % n for n in [lengths[0] + 8, *lengths[1:-1], lengths[-1] - 8])
        + b"\n"
        + rest,  # the JSON said to run into the arrays
        b" ".join(b"%d" % n for n in [*lengths, 0]) + b"\n" + rest + b"x",  # one too many
        b" ".join(b"%d" % n for n in [-1, *lengths]) + b"\n" + rest,  # negative
        b"9" * 5000 + b"\n" + rest,  # a number too long to read
        b" ".join(b"%d" % n for n in lengths[:2]) + b"\n" + rest,  # arrays left over
    ]
    # Two arrays of other sizes swapped: the sum holds, the shapes do not.
    first, second = next(
        (i, i + 1) for i in range(1, len(lengths) - 1) if lengths[i] != lengths[i + 1]
    )
    swapped = list(lengths)
    swapped[first], swapped[second] = swapped[second], swapped[first]
    lying.append(b" ".join(b"%d" % n for n in swapped) + b"\n" + rest)
    for planted in lying:
        write_sealed(store.path, planted)
        assert store.load() is None, planted[:40]
    write_sealed(store.path, data)
    assert _same_memory(store.load(), earlier.memory)


def _same_memory(one: SiftMemory | None, other: SiftMemory | None) -> bool:
    """Equal memories, arrays compared by their values (``==`` on them is elementwise)."""
    from digest.incremental.data_codec import Codec
    from digest.incremental.ranking_memory import MEMORY_TYPES

    codec = Codec(MEMORY_TYPES)
    return codec.dumps(one) == codec.dumps(other)


def _fetched_again(papers: list[Paper], day: dt.date) -> list[Paper]:
    """The papers with ``day`` fetched again, as ``digest fetch`` does to the last few
    days: new upvotes, and one paper more."""
    again = [replace(p, upvotes=5) if p.first_day == day else p for p in papers]
    late = paper("2506.99001", "Agents study late", f"{SUBJECTS['agents']} Late.", day, 99)
    return [*again, late]


def _walks(
    papers: list[Paper], memory: SiftMemory | None, recent_days: int = RECENT_DAYS
) -> tuple[Ranker, RelatedPapers, tuple[int, int]]:
    """The ranking's and related papers' walks over ``papers`` (resuming ``memory``), and
    how many papers each hashed the text of (each with its own term counts here)."""
    library = [LibraryItem("Web agents", SUBJECTS["agents"], place="lib")]
    ranker = Ranker(
        catalog(*papers),
        library,
        recommend=2,
        counts=TermCounts(),
        memory=memory.ranking if memory else None,
        recent_days=recent_days,
    )
    counts = TermCounts()
    related = RelatedPapers(
        counts, papers, 3, memory.related if memory else None, recent_days=recent_days
    )
    # The library's texts are kept in the memory: a walk without one hashes them too.
    library_texts = 0 if memory else len(library)
    return ranker, related, (ranker.terms.hashed - library_texts, counts.hashed)


Walks = tuple[Ranker, RelatedPapers, tuple[int, int]]


def _same_walk(warm: Walks, cold: Walks) -> None:
    assert warm[0].scores == cold[0].scores and warm[0].recommended == cold[0].recommended
    assert warm[1].related == cold[1].related and warm[1].related
    # ... and a memory a later build resumes from as if it were the cold walk's.
    for ours, theirs in (
        (warm[0].memory.state, cold[0].memory.state),
        (warm[1].memory.state, cold[1].memory.state),
    ):
        assert ours is not None and theirs is not None
        assert repr(ours) == repr(theirs)


def test_a_recent_day_fetched_again_is_worked_out_from_the_day_before_it() -> None:
    """The day before the newest fetched again (more upvotes, one paper more): both walks
    take up the earlier build's from before that day, hashing only its papers and the
    newest day's, and give a walk from the start's answers and memory."""
    first = days_of_papers(8, 6)
    ranker, related, _ = _walks(first, None)
    earlier = SiftMemory(ranker.memory, related.memory)
    again = _fetched_again(first, DAY + dt.timedelta(days=6))
    everything = again + days_of_papers(9, 6)[48:]

    warm = _walks(everything, earlier)
    cold = _walks(everything, None)
    assert warm[2] == (7 + 6 + 6, 7 + 6 + 6)  # the papers of days 7, 8 and 9 only
    assert cold[2] == (len(everything), len(everything))
    _same_walk(warm, cold)

    # A day older than the days kept to step back: worked out from the start, as right.
    old = _fetched_again(first, DAY + dt.timedelta(days=0))
    from_the_start = _walks(old, earlier)
    assert from_the_start[2] == (len(old), len(old))
    _same_walk(from_the_start, _walks(old, None))


def test_the_days_kept_to_step_back_are_as_many_as_asked() -> None:
    """``recent_days`` (``digest fetch``'s days, if more than 7): the fifth day of eight
    fetched again is within the last four days kept, not within the last three."""
    first = days_of_papers(8, 6)
    again = _fetched_again(first, DAY + dt.timedelta(days=4))
    for kept, hashed in ((3, len(again)), (4, 7 + 6 + 6 + 6)):
        ranker, related, _ = _walks(first, None, recent_days=kept)
        earlier = SiftMemory(ranker.memory, related.memory)
        warm = _walks(again, earlier, recent_days=kept)
        assert warm[2] == (hashed, hashed), kept
        _same_walk(warm, _walks(again, None, recent_days=kept))


def test_a_walk_with_nothing_new_hashes_no_text() -> None:
    """The memory keeps the library's term counts too: a build with nothing new to rank
    hashes no text, and ranks as a cold walk does."""
    library = [LibraryItem("Web agents", SUBJECTS["agents"], place="lib")]
    papers = catalog(*days_of_papers(5, 6))
    first = Ranker(papers, library, recommend=2)
    again = Ranker(papers, library, recommend=2, memory=first.memory)
    assert first.terms.hashed > 0
    assert again.terms.hashed == 0
    assert again.scores == first.scores and again.recommended == first.recommended
    # A library that changed is hashed again, and ranks as it would from nothing.
    wider = [*library, LibraryItem("Code agents", SUBJECTS["agents"] + " code", place="lib")]
    changed = Ranker(papers, wider, recommend=2, memory=first.memory)
    assert changed.terms.hashed > 0
    assert changed.scores == Ranker(papers, wider, recommend=2).scores


@pytest.mark.slow  # imports scikit-learn: a CPU second, most of what it costs
def test_terms_are_hashed_to_scikit_learns_columns() -> None:
    """Our hashing (no scikit-learn import on a new day) gives scikit-learn's
    HashingVectorizer's matrix exactly, on real papers of every format we read, and the
    same column for each term a reason names."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer

    from digest.catalog.terms import COLUMNS, english_stop_words, paper_text
    from digest.ingest.digest_reader import read_file
    from digest.ingest.readers import ListingContext

    assert english_stop_words() == frozenset(ENGLISH_STOP_WORDS)
    texts = []
    for path in sorted((FIXTURES / "formats").iterdir()):
        reading = read_file(ListingContext(path, path.name, dt.date(2025, 3, 11)))
        texts += [paper_text(paper) for paper in reading.papers]
    texts += ["", "10 2024", "Ünïcode Straße naïve café", "the of and"]
    assert len(texts) > 300
    theirs = HashingVectorizer(
        stop_words="english",
        token_pattern=r"(?u)\b[^\W\d_]\w+\b",
        ngram_range=(1, 2),
        n_features=COLUMNS,
        alternate_sign=False,
        norm=None,
        dtype=np.float64,
    ).transform(texts)
    theirs.sum_duplicates()
    theirs.data = 1.0 + np.log(theirs.data)
    ours = TermCounts().hash(texts)
    assert (ours.indptr == theirs.indptr).all()
    assert (ours.indices == theirs.indices).all()
    assert np.array_equal(ours.data, theirs.data)
    terms = sorted({term for text in texts[:50] for term in TermCounts.analyze(text)})
    single = HashingVectorizer(
        analyzer=lambda term: [term], n_features=COLUMNS, alternate_sign=False, norm=None
    )
    assert (TermCounts().columns(terms) == single.transform(terms).indices).all()


@pytest.mark.slow
def test_a_filtered_arxiv_day_counts_what_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bs4 import BeautifulSoup

    root = copy_digest(tmp_path / "digest")
    shutil.copy(ARXIV_RSS, root / "listings" / "2025-06-04-arxiv-cs.LG.xml")
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write("\nfilters: {replacements: false, cross_lists: false}\n")
    assert main(["build", "-C", str(root)]) == 0
    out = capsys.readouterr().out
    assert (
        "3 left out (2 arXiv replacements, 1 arXiv cross-lists); by day on the status page" in out
    )
    day = BeautifulSoup(
        (root / "site" / "days" / "2025-06-04" / "index.html").read_text(), "html.parser"
    )
    assert len(day.select("article.pd-paper")) == 1
    summary = " ".join(day.select_one(".pd-summary").get_text(" ").split())
    assert (
        "Left out by the digest's filters: 1 (arXiv cross-lists), 2 (arXiv replacements)" in summary
    )
    status = BeautifulSoup((root / "site" / "status" / "index.html").read_text(), "html.parser")
    rows = [
        [cell.get_text() for cell in row.select("td")]
        for row in status.select("#filters ~ table tbody tr")
    ]
    assert rows == [["arXiv replacements", "2", "2"], ["arXiv cross-lists", "1", "1"]]
    assert main(["check", "-C", str(root)]) == 0
    assert "filters: " in capsys.readouterr().out


@pytest.mark.slow
def test_a_capped_day_lists_the_rest_and_cards_show_related_papers(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    root = copy_digest(tmp_path / "digest", listings=False)
    for name in ("2024-05-27.json", "2024-05-28.json"):
        shutil.copy(
            FIXTURES / "archive-slice" / name, root / "listings" / f"{name[:-5]}-hf-daily.json"
        )
    config = (root / "digest.yml").read_text(encoding="utf-8")
    config = config.replace("  max_kb: 500 ", "  max_kb: 12 ").replace(
        "  related: 3", "  related: 2"
    )
    (root / "digest.yml").write_text(config + "\nfilters: {per_day: 5}\n", encoding="utf-8")
    assert main(["build", "-q", "-C", str(root)]) == 0
    # Feeds fit their size budget, the newest items kept.
    import feedparser

    for name in ("feed.xml", "atom.xml"):
        data = (root / "site" / name).read_bytes()
        assert len(data) <= 12_000
        entries = feedparser.parse(data).entries
        assert entries and "2024-05-28" in entries[0].link
    page = BeautifulSoup(
        (root / "site" / "days" / "2024-05-28" / "index.html").read_text(), "html.parser"
    )
    cards = page.select("article.pd-paper")
    assert len(cards) == 5
    upvotes = [int(c.find(title="upvotes on Hugging Face").get_text().split()[1]) for c in cards]
    assert upvotes == sorted(upvotes, reverse=True)  # no library: the most upvoted first
    beyond = page.select(".pd-beyond__list li")
    assert (
        beyond
        and page.select_one("#pd-beyond-heading").get_text()
        == f"{len(beyond)} more papers of the day"
    )
    # Each by its title, linked to its abstract on arXiv (these papers have no card).
    assert all(
        item.a.get_text() and item.a["href"].startswith("https://arxiv.org/abs/") for item in beyond
    )
    # Related papers are earlier papers, linked to their own pages.
    links = [a for card in cards for a in card.select(".pd-paper__related a")]
    assert links
    earlier = BeautifulSoup(
        (root / "site" / "days" / "2024-05-27" / "index.html").read_text(), "html.parser"
    )
    for link in links:
        assert link["href"].startswith("../../papers/")
        anchor = link["href"].removeprefix("../../papers/").rstrip("/")
        assert earlier.find(id=anchor) is not None  # listed the day before
        assert (root / "site" / "papers" / anchor / "index.html").is_file()


def test_the_years_the_site_holds_leave_out_whole_earlier_years_counted() -> None:
    old = paper("2412.00001", "A paper of last December", SUBJECTS["agents"], dt.date(2024, 12, 31))
    picked = paper(
        "2412.00002", "A pick of last year", SUBJECTS["reefs"], dt.date(2024, 6, 3), pick="read it"
    )
    new = paper("2501.00001", "A paper of this January", SUBJECTS["diffusion"], dt.date(2025, 1, 2))
    latest = paper("2506.00001", "The newest paper", SUBJECTS["proteins"], DAY)
    archive = parse_archive({"years": 1}, Problems(), "digest.yml")
    sifted = sift(
        catalog(old, picked, new, latest),
        [],
        RankingConfig(),
        FilterConfig(),
        Problems(),
        archive=archive,
    )
    # In the catalog's order (newest first), whatever order they were given in.
    assert [p.title for p in sifted.catalog.papers] == [
        "The newest paper",
        "A paper of this January",
    ]
    assert sifted.first_shown == dt.date(2025, 1, 1)
    assert sorted((e.title, e.reason, e.detail) for e in sifted.left_out) == [
        ("A paper of last December", "archived", "first listed before 2025-01-01"),
        ("A pick of last year", "archived", "first listed before 2025-01-01"),
    ]
    assert sifted.catalog.days() == [DAY, dt.date(2025, 1, 2)]
    # Two years: last year stays too; without archive: every year.
    two = parse_archive({"years": 2}, Problems(), "digest.yml")
    assert (
        len(
            sift(
                catalog(old, new), [], RankingConfig(), FilterConfig(), Problems(), archive=two
            ).catalog.papers
        )
        == 2
    )


@pytest.mark.parametrize(
    ("raw", "place", "message"),
    [
        ("three", "archive", "must be a mapping, e.g. archive: {years: 3}"),
        ({"years": 0}, "archive.years", "must be a whole number of years, 1 or more"),
        ({"years": True}, "archive.years", "must be a whole number of years, 1 or more"),
        ({"url": "you.github.io/old"}, "archive.url", "must be the http(s) address"),
    ],
)
def test_a_wrong_archive_setting_is_named_with_its_fix(
    raw: object, place: str, message: str
) -> None:
    problems = Problems()
    assert parse_archive(raw, problems, "digest.yml").years is None
    assert [(p.place, p.message.startswith(message)) for p in problems.errors] == [(place, True)]
    unknown = Problems()
    parse_archive({"yeras": 2}, unknown, "digest.yml")
    assert [w.message for w in unknown.warnings] == [
        "unknown key; did you mean 'years'? known keys: url, years"
    ]


@pytest.mark.slow
def test_a_site_that_holds_two_years_has_no_page_of_the_earlier_ones_and_no_broken_link(
    tmp_path: Path,
) -> None:
    root = spread_digest(tmp_path / "digest")
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write("\narchive: {years: 2, url: 'https://example.org/digest-2024/'}\n")
    assert main(["build", "-q", "-C", str(root)]) == 0
    site = root / "site"
    assert not (site / "days" / "2024-05-27").exists()
    assert (site / "days" / "2025-01-10" / "index.html").is_file()
    archive = (site / "archive" / "index.html").read_text(encoding="utf-8")
    assert "2024-05" not in archive
    assert "papers first listed before" in archive
    assert 'href="https://example.org/digest-2024/"' in archive
    status = (site / "status" / "index.html").read_text(encoding="utf-8")
    assert "first listed before the years the site holds (archive.years)" in status
    assert "keeping 2 years (archive.years) it holds about" in status
    assert broken_links(site) == []
    assert main(["check", "-q", "-C", str(root)]) == 0


def test_a_section_with_keys_of_two_kinds_is_warned_about_not_a_traceback() -> None:
    """YAML keys need not be strings (`1: x` is an integer key): unknown keys of both
    kinds are each one warning, in every section read by config_section."""
    for parse, where in ((parse_filters, "filters"), (parse_archive, "archive")):
        problems = Problems()
        parse({1: "x", "per_dya": 60}, problems, "digest.yml")
        assert [w.place for w in problems.warnings] == [f"{where}.1", f"{where}.per_dya"]
        assert problems.errors == []
