"""Judgement: every interest of the group counts, only what is close is recommended, and
each recommendation says why in words a person accepts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import copy_digest

from digest.catalog.merge import Catalog
from digest.catalog.relevance import MIN_SCORE, Ranker
from digest.catalog.topics import Topic
from digest.cli import main
from digest.ingest.library import LibraryItem
from digest.model import Appearance, Origin, Paper, TopicMatch

DAY = dt.date(2025, 3, 11)
OTHER = Topic("other", "Other", "", (), ())
# Words every paper of the corpus says: vocabulary, never a reason.
FILLER = "We propose a new model and show strong results in experiments."


def paper(
    number: int, title: str, abstract: str, day: dt.date = DAY, pick: str | None = None
) -> Paper:
    return Paper(
        key=f"arxiv:{number}",
        title=title,
        abstract=f"{abstract} {FILLER}",
        appearances=(Appearance(day, "huggingface", number, Origin("l.json", f"item {number}")),),
        arxiv_id=str(number),
        topics=(TopicMatch("other", None, None),),
        pick=pick,
    )


AGENTS = [
    "Web agents browse pages and call tools to finish web tasks.",
    "Tool use lets language agents plan web browsing tasks.",
    "A benchmark of web tasks for browsing agents with tools.",
    "Agents plan tool calls over long web browsing sessions.",
    "Browsing agents learn web navigation with tool feedback.",
    "Planning web tasks with tool calling agents and memory.",
]
FOLDING = ["Protein folding predicts residue contacts and protein structure."]
UNRELATED = [
    "Coral reef temperature sensing with underwater buoys.",
    "Medieval manuscripts dated by ink chemistry.",
    "Traffic lights timed by a city's bus schedule.",
    "Soil moisture across wheat fields after rain.",
]


def library() -> list[LibraryItem]:
    return [
        *(
            LibraryItem(f"Agents {n}", text, place=f"library/agents.bib: entry a{n}")
            for n, text in enumerate(AGENTS)
        ),
        *(
            LibraryItem(f"Folding {n}", text, place=f"library/folding.txt: line {n + 1}")
            for n, text in enumerate(FOLDING)
        ),
    ]


def day_papers() -> list[Paper]:
    return [
        paper(
            1, "Web agents with tools", "Agents browse the web and call tools for browsing tasks."
        ),
        paper(2, "Tool calling web agents", "Web tasks solved by agents that plan tool calls."),
        paper(3, "Browsing agents benchmark", "A web browsing benchmark of tool using agents."),
        paper(4, "Structure prediction", "We predict protein structure."),
        *(paper(10 + n, f"Unrelated {n}", text) for n, text in enumerate(UNRELATED)),
    ]


def test_a_small_interest_gets_its_share_beside_a_big_one() -> None:
    papers = day_papers()
    ranker = Ranker(Catalog(tuple(papers), (OTHER,)), library(), recommend=2, min_score=0.05)
    chosen = ranker.recommended[DAY]
    # The folding paper is not among the two best scores, yet the small interest gets a slot.
    best_two = [p.key for _, p in ranker.ranked(papers)[:2]]
    assert "arxiv:4" not in best_two
    assert sorted((p.key, reason.interest) for p, reason in chosen) == sorted(
        [(best_two[0], "agents"), ("arxiv:4", "folding")]
    )
    folding = next(reason for p, reason in chosen if p.key == "arxiv:4")
    assert folding.closest[0].place == "library/folding.txt: line 1"
    assert "protein" in folding.terms


def test_nothing_close_recommends_nothing() -> None:
    papers = [paper(10 + n, f"Unrelated {n}", text) for n, text in enumerate(UNRELATED)]
    ranker = Ranker(Catalog(tuple(papers), (OTHER,)), library(), recommend=5)
    assert ranker.recommended[DAY] == []
    assert all(ranker.score(p) < MIN_SCORE for p in papers)


def test_the_threshold_decides_and_can_be_set() -> None:
    papers = day_papers()
    strict = Ranker(Catalog(tuple(papers), (OTHER,)), library(), recommend=5, min_score=0.99)
    assert strict.recommended[DAY] == []
    loose = Ranker(Catalog(tuple(papers), (OTHER,)), library(), recommend=5, min_score=0.0)
    close = [p.key for p, _ in loose.recommended[DAY]]
    assert len(close) == 5
    # The unrelated papers come last, if at all: closeness first.
    assert set(close[:4]) == {"arxiv:1", "arxiv:2", "arxiv:3", "arxiv:4"}


def test_reasons_name_distinctive_terms_never_the_vocabulary() -> None:
    papers = day_papers() + [paper(30 + n, f"Filler {n}", "") for n in range(12)]
    ranker = Ranker(Catalog(tuple(papers), (OTHER,)), library(), recommend=3, min_score=0.05)
    reasons = [reason for _, reason in ranker.recommended[DAY]]
    said = {term for reason in reasons for term in reason.terms}
    assert said and said.isdisjoint({"model", "propose", "results", "experiments", "strong"})
    assert {"web", "agents"} & said


def test_a_pick_is_never_scored_against_itself() -> None:
    picked = paper(
        5, "Protein folding with contacts", "Protein folding predicts residue contacts.", pick="day"
    )
    papers = [*day_papers(), picked]
    alone = Ranker(Catalog(tuple(papers), (OTHER,)), [], recommend=3, min_score=0.0)
    assert alone.score(picked) == 0.0  # the only library paper is itself
    assert alone.explain(picked).closest == ()
    assert alone.score(papers[3]) > 0  # the other folding paper is close to the pick
    assert "arxiv:5" not in [p.key for p, _ in alone.recommended[DAY]]


def _with_library(tmp_path: Path, ranking: str) -> Path:
    root = copy_digest(tmp_path / "digest")
    (root / "curation.yml").unlink()
    (root / "library").mkdir()
    (root / "library" / "circuits.txt").write_text(
        "Lossless Compression with Probabilistic Circuits\n", encoding="utf-8"
    )
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write(f"\nlibrary: [library]\nranking: {ranking}\n")
    return root


@pytest.mark.slow
def test_the_page_and_the_feed_say_why_or_that_nothing_is_close(tmp_path: Path) -> None:
    import feedparser
    from bs4 import BeautifulSoup

    root = _with_library(tmp_path, "{recommended: 5}")
    assert main(["build", "-q", "-C", str(root)]) == 0
    page = BeautifulSoup(
        (root / "site/days/2025-03-11/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    items = page.select(".pd-recommended__list li")
    # One paper of the day is close to the library; the section does not fill five slots.
    assert [li.a.get_text() for li in items] == [
        "Image Inpainting via Tractable Steering of Diffusion Models"
    ]
    assert items[0].select_one(".pd-recommended__interest").get_text() == "for circuits"
    why = " ".join(items[0].select_one(".pd-recommended__why").get_text().split())
    assert why.startswith("Close to Lossless Compression with Probabilistic Circuits; both about ")
    assert {"probabilistic", "circuits"} <= set(
        why.removesuffix(".").split("both about ")[1].split(", ")
    )
    assert page.select(".pd-recommended__score") == []  # no bare number
    entry = feedparser.parse((root / "site/recommended.xml").read_bytes()).entries[0]
    assert (
        "<strong>Recommended</strong> for circuits; close to <cite>Lossless Compression"
        in entry.summary
    )

    far = _with_library(tmp_path / "far", "{recommended: 5, min_score: 0.9}")
    assert main(["build", "-q", "-C", str(far)]) == 0
    page = BeautifulSoup(
        (far / "site/days/2025-03-11/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    section = page.select_one(".pd-recommended")
    assert section is not None and section.select("li") == []
    assert "Nothing close to the library today." in section.get_text(" ")


def test_min_score_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _with_library(tmp_path, "{min_score: 2}")
    assert main(["check", "-q", "-C", str(root)]) == 1
    assert (
        "digest.yml: ranking.min_score: must be a similarity between 0 and 1, e.g. 0.13"
        in capsys.readouterr().err
    )


def test_a_disliked_paper_is_never_recommended_and_its_likes_rank_lower() -> None:
    papers = day_papers()
    before = Ranker(Catalog(tuple(papers), (OTHER,)), library(), recommend=5, min_score=0.05)
    disliked = [replace(p, disliked=True) if p.key == "arxiv:2" else p for p in papers]
    after = Ranker(Catalog(tuple(disliked), (OTHER,)), library(), recommend=5, min_score=0.05)
    assert "arxiv:2" in [p.key for p, _ in before.recommended[DAY]]
    assert "arxiv:2" not in [p.key for p, _ in after.recommended[DAY]]
    # Papers like it (the other web agents papers) lose more of their score than the
    # folding paper, which shares only the corpus's filler sentence with it.
    lost = {key: before.scores[key] - after.scores[key] for key in before.scores}
    assert min(lost["arxiv:1"], lost["arxiv:3"]) > lost["arxiv:4"] >= 0


def test_digest_dislike_writes_curation_and_the_build_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    title = "Image Inpainting via Tractable Steering of Diffusion Models"
    assert main(["dislike", "-C", str(root), title]) == 0
    assert f"curation.yml: {title}: dislike: True" in capsys.readouterr().out
    from digest.catalog.merge import catalog_of
    from digest.ingest.digest_reader import read_everything

    catalog = catalog_of(read_everything(root, None))
    assert [p.title for p in catalog.papers if p.disliked] == [title]
