"""The curator's library (Zotero exports, lists of papers) and the ranking against it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_digest

from digest.catalog.merge import Catalog
from digest.catalog.relevance import Ranker
from digest.cli import main
from digest.config import Topic
from digest.identity import arxiv_id_in
from digest.ingest.library import LibraryItem, read_library, read_library_text
from digest.model import Appearance, Origin, Paper, TopicMatch
from digest.problems import Problems

LIBRARY = FIXTURES / "library"
SHARED = REPO.parent / "shared" / "data" / "samples" / "zotero-exports"
OTHER = Topic("other", "Other", "Papers no topic rule matched.")
DAY = dt.date(2025, 3, 11)


def test_arxiv_ids_are_found_wherever_exports_put_them() -> None:
    problems = Problems()
    items = read_library(LIBRARY / "hand-made-arxiv-fields.bib", "group.bib", problems)
    assert [(i.title, i.arxiv_id) for i in items] == [
        ("Attention Is All You Need", "1706.03762"),
        ("Graph Neural Networks: A Review", "1812.08434"),
        ("Language Models Are Few-Shot Learners", "2005.14165"),
        ("REVS: Unlearning Sensitive Information in Language Models", "2406.09325"),
        ("Adaptive Chameleon or Stubborn Sloth", "2305.13300"),
        ("Feature Extraction and Image Processing for Computer Vision", None),
    ]
    assert items[0].keywords == (
        "Computer Science - Computation and Language",
        "Computer Science - Machine Learning",
    )
    assert items[5].doi == "10.1016/c2017-0-02153-5"
    assert [str(p) for p in problems.items] == [
        "warning: group.bib: entry noTitle2021: no title; not in the library"
    ]


def test_ids_stay_strings_and_versions_go() -> None:
    assert arxiv_id_in("2312.15230") == "2312.15230"  # never the number 2312.1523
    assert arxiv_id_in("https://arxiv.org/pdf/2312.15230v2") == "2312.15230"
    assert arxiv_id_in("10.48550/arXiv.1012.2599") == "1012.2599"
    assert arxiv_id_in("hep-th/9901001v1") == "hep-th/9901001"
    assert arxiv_id_in("978-0-12-814976-8") is None


def test_a_real_better_csl_json_export() -> None:
    problems = Problems()
    path = LIBRARY / "j1c_vault_My-Library_BetterCSL-JSON_excerpt.json"
    items = read_library(path, path.name, problems)
    assert problems.items == []
    assert len(items) == 17
    assert sum(1 for i in items if i.arxiv_id) == 12
    assert all(i.abstract for i in items if i.arxiv_id)


def test_a_real_zotero_ris_export() -> None:
    problems = Problems()
    path = LIBRARY / "nvpatin_MAMBO_My-Library_Zotero.ris"
    items = read_library(path, path.name, problems)
    assert problems.items == []
    assert items[0].title == "Waste Not, Want Not: Why Rarefying Microbiome Data Is Inadmissible"
    assert items[0].doi == "10.1371/journal.pcbi.1003531"
    assert "Microbiome" in items[0].keywords
    assert items[0].place.endswith(": line 1")


def test_a_plain_list_of_ids_links_and_titles() -> None:
    problems = Problems()
    text = "# our reading list\n2312.15230\nhttps://arxiv.org/abs/1706.03762v5\nMamba: Linear-Time Sequence Modeling  # a title\n"
    items = read_library_text(text, "list.txt", problems)
    assert [(i.arxiv_id, i.title, i.place) for i in items] == [
        ("2312.15230", "", "list.txt: line 2"),
        ("1706.03762", "", "list.txt: line 3"),
        (None, "Mamba: Linear-Time Sequence Modeling", "list.txt: line 4"),
    ]


def test_damaged_csl_json_names_the_line() -> None:
    problems = Problems()
    read_library_text('[\n {"title": "x",\n', "lib.json", problems)
    assert [str(p) for p in problems.items] == [
        "error: lib.json: line 3: not valid JSON (Expecting property name enclosed in double "
        "quotes); export the library again as CSL JSON"
    ]


@pytest.mark.slow  # bibtexparser takes seconds over a 600 KB library
@pytest.mark.skipif(not SHARED.is_dir(), reason="needs the workplace's shared Zotero exports")
@pytest.mark.parametrize(
    ("name", "items", "with_arxiv"),
    [
        ("Adanato_Data_Curator_Agent_overleaf_references_BetterBibTeX.bib", 561, 134),
        ("ajaygunalan_AjVault_My-Library_BetterBibTeX.bib", 622, 8),
        ("zjiefu_Notes_My-Library_BetterBibLaTeX.bib", 218, 15),
        ("zjiefu_Notes_My-Library_BetterCSL-JSON.json", 217, 14),
        ("KhalidMHASNI_SLR-automatic-screening_New-collection_Zotero-BibTeX.bib", 467, 0),
        ("KhalidMHASNI_SLR-automatic-screening_Exported-Items_Zotero.ris", 467, 0),
        ("kishkash555_NLP-for-TA_My-Library_Zotero-CSL-JSON.json", 757, 0),
    ],
)
def test_every_real_export_reads(name: str, items: int, with_arxiv: int) -> None:
    problems = Problems()
    read = read_library(SHARED / name, name, problems)
    assert (len(read), sum(1 for i in read if i.arxiv_id)) == (items, with_arxiv)
    assert problems.errors == []
    # Whatever was left out was reported, one warning an entry.
    assert all(p.message.endswith("not in the library") for p in problems.warnings)


def _paper(key: str, title: str, abstract: str, rank: int) -> Paper:
    return Paper(
        key=key,
        title=title,
        abstract=abstract,
        appearances=(Appearance(DAY, "huggingface", rank, Origin("l.json", f"item {rank}")),),
        arxiv_id=key.removeprefix("arxiv:"),
        topics=(TopicMatch("other", None, None),),
    )


CORPUS = (
    _paper(
        "arxiv:1",
        "Protein folding with diffusion",
        "We fold proteins with a diffusion model over residues.",
        1,
    ),
    _paper(
        "arxiv:2",
        "Tool-using language model agents",
        "Agents call tools and plan over web browsing tasks with language models.",
        2,
    ),
    _paper(
        "arxiv:3", "Coral reef sensing", "Underwater sensors measure coral reef temperature.", 3
    ),
    _paper(
        "arxiv:4",
        "Benchmarking web agents",
        "A benchmark of web browsing tasks for language model agents and their tools.",
        4,
    ),
)


def test_a_day_ranks_by_closeness_to_the_library_with_reasons() -> None:
    library = [
        LibraryItem(
            "WebArena: web agents",
            "Language model agents complete web browsing tasks with tools.",
            place="lib.bib: entry webarena",
        ),
        LibraryItem(
            "Toolformer",
            "Language models teach themselves to use tools.",
            place="lib.bib: entry toolformer",
        ),
    ]
    ranker = Ranker(Catalog(papers=CORPUS, topics=(OTHER,)), library)
    order = [p.key for _, p in ranker.ranked(CORPUS)]
    assert order[:2] == ["arxiv:4", "arxiv:2"] or order[:2] == ["arxiv:2", "arxiv:4"]
    assert set(order[2:]) == {"arxiv:1", "arxiv:3"}
    assert ranker.score(CORPUS[2]) == 0.0  # no word in common
    assert max(ranker.score(CORPUS[0]), ranker.score(CORPUS[2])) < min(
        ranker.score(CORPUS[1]), ranker.score(CORPUS[3])
    )
    reason = ranker.explain(CORPUS[3])
    assert reason.closest[0].place == "lib.bib: entry webarena"
    assert set(reason.terms) >= {"web", "agents"}
    # The same inputs, the same numbers.
    again = Ranker(Catalog(papers=CORPUS, topics=(OTHER,)), library)
    assert [ranker.score(p) for p in CORPUS] == [again.score(p) for p in CORPUS]


def test_an_id_only_library_item_borrows_the_archives_text() -> None:
    ranker = Ranker(
        Catalog(papers=CORPUS, topics=(OTHER,)),
        [LibraryItem("", arxiv_id="4", place="list.txt: line 1")],
    )
    # The item takes paper 4's text: paper 2 (web agents too) comes first; paper 4 is the
    # item itself, never scored against itself.
    assert next(p.key for _, p in ranker.ranked(CORPUS)) == "arxiv:2"
    assert ranker.score(CORPUS[3]) == 0.0
    assert ranker.explain(CORPUS[1]).closest[0].title == "Benchmarking web agents"


def test_digest_rank_lists_a_day_and_explains_a_paper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    (root / "library").mkdir()
    (root / "library" / "reading-list.txt").write_text(
        "Lossless Compression with Probabilistic Circuits\n", encoding="utf-8"
    )
    (root / "curation.yml").unlink()  # the picks would join the library too
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write("\nlibrary: [library]\n")
    assert main(["rank", "--day", "2025-03-11", "-q", "-C", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 86
    score, ident, title = lines[0].split("  ", 2)
    # Probabilistic circuits steering a diffusion model: the closest to the library paper.
    assert (
        title == "Image Inpainting via Tractable Steering of Diffusion Models" and float(score) > 0
    )
    assert (
        ident == "image-inpainting-via-tractable-steering-of-diffusion-models"
    )  # pasted: no arXiv id
    scores = [float(line.split("  ")[0]) for line in lines]
    assert scores == sorted(scores, reverse=True)
    # The library's own paper is listed that day too, never scored against itself.
    own = next(
        line for line in lines if line.endswith("Lossless Compression with Probabilistic Circuits")
    )
    assert float(own.split("  ")[0]) == 0.0
    # Without --day: the latest listed day; a day without papers names the nearest.
    assert main(["rank", "-q", "-C", str(root)]) == 0
    assert capsys.readouterr().out.splitlines() == lines
    assert main(["rank", "--day", "2025-03-14", "-q", "-C", str(root)]) == 1
    assert (
        "digest: no papers listed on 2025-03-14; the nearest listed day is 2025-03-11"
        in capsys.readouterr().err
    )

    assert main(["rank", "--day", "2025-03-11", "--json", "-q", "-C", str(root)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[1]["closest"][0]["place"] == "library/reading-list.txt: line 1"
    assert rows[1]["terms"]

    assert (
        main(
            [
                "rank",
                "--explain",
                "Image Inpainting via Tractable Steering of Diffusion Models",
                "-q",
                "-C",
                str(root),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert (
        "Lossless Compression with Probabilistic Circuits  [library/reading-list.txt: line 1]"
        in out
    )
    assert (
        "for the interest reading-list: close enough to recommend (ranking.min_score 0.13;" in out
    )
    assert "  terms: " in out


def test_rank_without_a_library_says_how_to_name_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    (root / "curation.yml").unlink()
    assert main(["rank", "--day", "2025-03-11", "-C", str(root)]) == 1
    assert (
        "name Zotero exports or lists of papers under library: in digest.yml"
        in capsys.readouterr().err
    )


def test_a_new_day_never_changes_the_score_or_reason_of_an_earlier_paper() -> None:
    library = [
        LibraryItem("WebArena", "Language model agents complete web browsing tasks.", place="lib")
    ]
    later = Paper(
        key="arxiv:9",
        title="Web agents everywhere",
        abstract="Web agents web tasks web browsing agents language model.",
        appearances=(
            Appearance(DAY + dt.timedelta(days=1), "huggingface", 1, Origin("m.json", "item 1")),
        ),
        arxiv_id="9",
        topics=(TopicMatch("other", None, None),),
    )
    before = Ranker(Catalog(papers=CORPUS, topics=(OTHER,)), library)
    after = Ranker(Catalog(papers=(*CORPUS, later), topics=(OTHER,)), library)
    assert [after.score(p) for p in CORPUS] == [before.score(p) for p in CORPUS]
    assert [after.explain(p) for p in CORPUS] == [before.explain(p) for p in CORPUS]
    assert after.score(later) > 0


@pytest.mark.slow
def test_each_day_recommends_its_best_new_papers_with_why(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    root = copy_digest(tmp_path / "digest")
    (root / "curation.yml").unlink()
    (root / "library").mkdir()
    (root / "library" / "reading-list.txt").write_text(
        "Lossless Compression with Probabilistic Circuits\n", encoding="utf-8"
    )
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write("\nlibrary: [library]\nranking: {recommended: 3, min_score: 0.08}\n")
    assert main(["build", "-q", "-C", str(root)]) == 0
    page = BeautifulSoup(
        (root / "site" / "days" / "2025-03-11" / "index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    items = page.select(".pd-recommended__list li")
    assert len(items) == 3
    titles = [li.a.get_text() for li in items]
    assert "Lossless Compression with Probabilistic Circuits" not in titles  # the group's own
    # Each links to its card on the page, and says why.
    for li in items:
        assert page.find(id=li.a["href"].removeprefix("#")) is not None
        assert "Close to Lossless Compression with Probabilistic Circuits" in " ".join(
            li.get_text(" ").split()
        )
    ranked = main(["rank", "--day", "2025-03-11", "-q", "-C", str(root)])
    assert ranked == 0


@pytest.mark.slow
def test_a_feed_of_the_recommendations_and_a_cap_on_every_feed(tmp_path: Path) -> None:
    import feedparser

    root = copy_digest(tmp_path / "digest")
    (root / "curation.yml").unlink()
    (root / "library").mkdir()
    (root / "library" / "list.txt").write_text(
        "Lossless Compression with Probabilistic Circuits\n", encoding="utf-8"
    )
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write("\nlibrary: [library]\nranking: {recommended: 4, min_score: 0.08}\n")
    text = (root / "digest.yml").read_text(encoding="utf-8")
    (root / "digest.yml").write_text(
        text.replace("  max_items: 500 ", "  max_items: 30 "), encoding="utf-8"
    )
    assert main(["build", "--strict", "-q", "-C", str(root)]) == 0
    site = root / "site"
    recommended = feedparser.parse((site / "recommended.xml").read_bytes())
    assert not recommended.bozo
    page = (site / "days" / "2025-03-11" / "index.html").read_text(encoding="utf-8")
    shown = [e.title for e in recommended.entries]
    assert len(shown) == 4 and all(title in page for title in shown)
    assert len(feedparser.parse((site / "feed.xml").read_bytes()).entries) == 30
    assert len(feedparser.parse((site / "atom.xml").read_bytes()).entries) == 30


@pytest.mark.slow
def test_a_warm_build_reuses_the_library_reading_and_still_reports_its_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    (root / "library").mkdir()
    shutil.copy(LIBRARY / "hand-made-arxiv-fields.bib", root / "library" / "group.bib")
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write("\nlibrary: [library]\n")
    warning = "warning: library/group.bib: entry noTitle2021: no title; not in the library"
    assert main(["build", "-C", str(root)]) == 0
    assert warning in capsys.readouterr().err
    first = (root / "site" / "days" / "2025-03-11" / "index.html").read_bytes()
    assert main(["build", "-C", str(root)]) == 0
    assert warning in capsys.readouterr().err  # kept with the reading, said again
    assert (root / "site" / "days" / "2025-03-11" / "index.html").read_bytes() == first
    # An edited export is read again.
    with open(root / "library" / "group.bib", "a", encoding="utf-8") as handle:
        handle.write("\n@misc{extra, title = {Diffusion models everywhere}}\n")
    assert main(["build", "-C", str(root)]) == 0
    assert warning in capsys.readouterr().err


def test_check_says_how_many_library_papers_are_usable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    (root / "library").mkdir()
    (root / "library" / "a.txt").write_text(
        "Lossless Compression with Probabilistic Circuits\n", encoding="utf-8"
    )
    (root / "library" / "b.txt").write_text("2699.99999\n", encoding="utf-8")  # in no listing
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write("\nlibrary: [library]\n")
    assert main(["check", "-C", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "library: 2 papers from 2 files, 1 usable (the others have no abstract and are not in the listings)"
    )
