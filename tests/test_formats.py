"""Every listing format, read from real files: exact counts and spot-checked fields."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import FIXTURES

from digest.ingest.normalize import to_paper
from digest.ingest.readers import ListingContext, read_listing
from digest.problems import Problems

FORMATS = FIXTURES / "formats"


def read(name: str, fallback: dt.date | None = None):
    problems = Problems()
    path = FORMATS / name
    result = read_listing(ListingContext(path, name, fallback), problems)
    return result.format, [to_paper(r) for r in result.records], problems


@pytest.mark.parametrize(
    ("name", "fmt", "count"),
    [
        ("hfnewsletter_daily_papers_2024-05-27.json", "hf-daily-json", 13),
        ("hfnewsletter_daily_papers_2024-12-17.json", "hf-daily-json", 23),
        ("hfnewsletter_daily_papers_2025-01-10.json", "hf-daily-json", 9),
        ("hfnewsletter_daily_papers_2026-08-21.json", "hf-daily-json", 17),
        ("slbqc_huggingface_papers_2024-08-01.html", "hf-papers-html", 13),
        ("arxivpy_2016_id_list_1111.2011v2.xml", "arxiv-atom", 1),
        ("arxivpy_2016_search_au_del_maestro.xml", "arxiv-atom", 10),
        ("arxivpy_2016_search_quantum_criticality.xml", "arxiv-atom", 2),
        ("arxiv_api_2025_current_layout.xml", "arxiv-atom", 2),
        ("arxiv_api_empty.xml", "arxiv-atom", 0),
        ("atom_arxiv_org_cs.LG_2025-06-04.xml", "arxiv-atom", 1),
        ("rss_arxiv_org_cs.LG_2025-06-04.xml", "arxiv-rss", 4),
        ("dzdydx_arxiv-rss-filter_feed.xml", "arxiv-rss", 723),
        ("qhduan_cn-chat-arxiv_cs.LG_2026-08-22_EMPTY.xml", "arxiv-rss", 0),
        ("polaris_arxiv_cs.AI_new_2026-08-12_trimmed.html", "arxiv-listing-html", 6),
        ("2025-06-05-curator-picks.yml", "curator-yaml", 2),
    ],
)
def test_format_detected_and_every_paper_read(name: str, fmt: str, count: int) -> None:
    detected, papers, problems = read(name)
    assert detected == fmt
    assert len(papers) == count
    assert problems.items == []


def test_hf_json_fields_and_wrapped_titles() -> None:
    _, papers, _ = read("hfnewsletter_daily_papers_2024-05-27.json")
    first = papers[0]
    assert first.arxiv_id == "2405.15738"
    assert (
        first.title
        == "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models"
    )
    assert first.authors[0] == "Chunjiang Ge"
    assert first.upvotes == 32
    assert first.published == dt.date(2024, 5, 24)
    assert first.appearances[0].day == dt.date(2024, 5, 27)  # the file's day, not the paper's
    assert first.links.huggingface == "https://huggingface.co/papers/2405.15738"
    assert first.links.abstract == "https://arxiv.org/abs/2405.15738"


def test_hf_json_python_repr_days_and_the_envelope() -> None:
    _, repr_list, _ = read("hfnewsletter_daily_papers_2024-12-17.json")
    assert repr_list[0].arxiv_id == "2412.09645"
    assert repr_list[0].authors[0] == "Fan Zhang"
    _, envelope, _ = read("hfnewsletter_daily_papers_2025-01-10.json")
    assert envelope[0].title == "The GAN is dead; long live the GAN! A Modern GAN Baseline"
    assert {p.appearances[0].day for p in envelope} == {dt.date(2025, 1, 10)}


def test_hf_json_2026_keys() -> None:
    _, papers, _ = read("hfnewsletter_daily_papers_2026-08-21.json")
    first = papers[0]
    assert first.links.code == "https://github.com/google-research/envharness"
    assert first.links.project == "https://envharness.com/"
    assert first.github_stars == 8
    assert first.upvotes == 163
    assert first.ai_summary and first.ai_keywords[0] == "LLM agents"


def test_hf_html_page_matches_the_extraction_beside_it() -> None:
    expected = json.loads(
        (FORMATS / "slbqc_paper_info_2024-08-01_extracted_from_html.json").read_text(
            encoding="utf-8"
        )
    )
    _, papers, _ = read("slbqc_huggingface_papers_2024-08-01.html")
    assert [p.arxiv_id for p in papers] == [e["arxiv_id"] for e in expected]
    assert [p.title for p in papers] == [" ".join(e["title"].split()) for e in expected]
    assert {p.appearances[0].day for p in papers} == {dt.date(2024, 8, 1)}
    assert all(p.abstract for p in papers)


def test_arxiv_atom_2016_layout() -> None:
    _, papers, _ = read("arxivpy_2016_id_list_1111.2011v2.xml")
    paper = papers[0]
    assert paper.arxiv_id == "1111.2011" and paper.version == 2
    assert (
        paper.title
        == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert paper.published == dt.date(2011, 11, 8) and paper.updated == dt.date(2012, 4, 2)
    assert paper.abstract.startswith("Theoretical description of anisotropic systems")
    assert paper.links.pdf == "https://arxiv.org/pdf/1111.2011"


def test_arxiv_atom_current_layout_with_old_style_id() -> None:
    _, papers, _ = read("arxiv_api_2025_current_layout.xml")
    conv, old = papers
    assert conv.arxiv_id == "2405.15738" and conv.version == 2
    assert conv.categories == ("cs.CV", "cs.CL")
    assert conv.comment == "17 pages"
    assert conv.authors == ("Chunjiang Ge", "Sijie Cheng")
    assert old.arxiv_id == "cond-mat/0412498" and old.version == 1
    assert old.journal_ref == "Phys. Rev. B 71, 1 (2005)"
    assert old.doi == "10.1103/PhysRevB.71.000001"
    assert old.links.abstract == "https://arxiv.org/abs/cond-mat/0412498"


def test_arxiv_api_error_feed_is_an_error_not_a_paper() -> None:
    _, papers, problems = read("arxiv_api_error_400.xml")
    assert papers == []
    assert [str(p) for p in problems.items] == [
        "error: arxiv_api_error_400.xml: arXiv answered with an error, not papers: incorrect id "
        "format for 1234.1234v1; fix the query and fetch again"
    ]


def test_rss_announce_types_authors_and_categories() -> None:
    _, papers, _ = read("rss_arxiv_org_cs.LG_2025-06-04.xml")
    kinds = [p.appearances[0].kind for p in papers]
    assert kinds == ["new", "cross", "replace", "replace-cross"]
    assert papers[1].authors == ("Ada Lovelace", "Alan Turing")
    assert papers[0].categories == ("cs.LG", "math.OC")
    assert papers[0].abstract.startswith("Symmetry plays a crucial role")
    assert papers[2].arxiv_id == "2405.15738" and papers[2].version == 3
    assert {p.appearances[0].day for p in papers} == {dt.date(2025, 6, 4)}


def test_rss_real_world_damage() -> None:
    _, papers, _ = read("dzdydx_arxiv-rss-filter_feed.xml")
    first = papers[0]
    # The doubled "oai:arXiv.org:" prefix is undone; the free-text category is dropped;
    # the filter's note before "arXiv:" is not part of the abstract.
    assert first.arxiv_id == "2506.01959"
    assert first.categories == ()
    assert first.abstract.startswith("Symmetry plays a crucial role")
    assert "Unrelated" not in first.abstract
    assert len({p.arxiv_id for p in papers}) == 704  # 19 items repeat within the file


def test_arxiv_listing_page_tells_new_cross_and_replaced_apart() -> None:
    _, papers, _ = read("polaris_arxiv_cs.AI_new_2026-08-12_trimmed.html")
    assert [p.appearances[0].kind for p in papers] == [
        "new",
        "new",
        "cross",
        "cross",
        "replace",
        "replace",
    ]
    assert {p.appearances[0].day for p in papers} == {dt.date(2026, 8, 12)}
    first = papers[0]
    assert first.arxiv_id == "2608.09949"
    assert first.title == "Closed-Loop LLM Co-Pilots for Digital Agriculture"
    assert first.authors == ("Serge Kernbach",)
    assert first.categories == ("cs.AI", "physics.bio-ph")
    cross = papers[2]
    assert cross.comment == "11 pages, 3 figures (1 figure has 2 subfigures), conference"
    assert cross.categories[0] == "cs.LG"


def test_arxiv_page_without_its_optional_end_tags_reads_each_entry_as_its_own(
    tmp_path: Path,
) -> None:
    """HTML lets a page leave out </dd> and </p> (a minifier does); Python's parser then
    nests each entry inside the one before it. Each entry is read up to the next one: an
    entry without comments took the comments and journal reference of a later one."""
    page = (FORMATS / "polaris_arxiv_cs.AI_new_2026-08-12_trimmed.html").read_text("utf-8")
    _, whole, _ = read("polaris_arxiv_cs.AI_new_2026-08-12_trimmed.html")
    bare = tmp_path / "2026-08-12-cs.AI.html"
    bare.write_text(page.replace("</dd>", "").replace("</p>", ""), encoding="utf-8")
    problems = Problems()
    result = read_listing(ListingContext(bare, bare.name, None), problems)
    papers = [to_paper(r) for r in result.records]
    assert not problems.items
    assert [p.comment for p in papers] == [p.comment for p in whole]
    assert papers[0].comment is None and papers[0].journal_ref is None
    assert [(p.arxiv_id, p.title, p.authors, p.abstract, p.categories) for p in papers] == [
        (p.arxiv_id, p.title, p.authors, p.abstract, p.categories) for p in whole
    ]


def test_curator_yaml_list() -> None:
    _, papers, _ = read("2025-06-05-curator-picks.yml")
    attention, other = papers
    assert attention.arxiv_id == "1706.03762" and attention.version == 7
    assert attention.notes == ("The one that started it.",)
    assert attention.links.code == "https://github.com/tensorflow/tensor2tensor"
    assert other.arxiv_id is None and other.authors == ("Someone Somewhere",)
    assert {p.appearances[0].day for p in papers} == {dt.date(2025, 6, 5)}


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    listing = tmp_path / "2025-06-05-picks.yml"
    listing.write_text("papers:\n  - &a {title: x}\n  - *a\n", encoding="utf-8")
    problems = Problems()
    read_listing(ListingContext(listing, listing.name, None), problems)
    assert [str(p) for p in problems.items] == [
        "error: 2025-06-05-picks.yml: line 3: not valid YAML (aliases (*name) are not allowed); fix the line shown"
    ]


S2_PAPER = (
    "2026-08-22_Future-House_paper-qa_S2-paper_DOI-10.48550-arxiv.2312.07559_from-cassette.json"
)
S2_MATCH = (
    "2026-08-22_Future-House_paper-qa_S2-search-match_Attention-is-All-you-Need_from-cassette.json"
)
S2_BATCH = "2026-08-22_danielnsilva_semanticscholar_S2-paper-batch_4ids-one-null_from-cassette.json"


def test_semantic_scholar_answers_keep_their_arxiv_ids_authors_and_venues() -> None:
    day = dt.date(2026, 8, 22)
    fmt, (paper,), problems = read(S2_PAPER, day)
    assert fmt == "semantic-scholar" and problems.items == []
    assert paper.arxiv_id == "2312.07559" and paper.first_day == day
    assert paper.title == "PaperQA: Retrieval-Augmented Generative Agent for Scientific Research"
    assert paper.authors[0] == "Jakub L'ala" and len(paper.authors) == 6
    assert paper.published == dt.date(2023, 12, 8)
    fmt, (attention,), _ = read(S2_MATCH, day)  # a search answer: {"data": [paper]}
    assert attention.arxiv_id == "1706.03762"
    assert attention.journal_ref == "Neural Information Processing Systems"
    # A batch answer: null where an id was unknown, said once; the others keyed by DOI.
    fmt, papers, problems = read(S2_BATCH, day)
    assert [p.doi for p in papers] == [
        "10.2139/ssrn.288970",
        "10.2139/ssrn.2250500",
        "10.1257/rct.1355",
    ]
    assert all(p.abstract for p in papers) and all(p.arxiv_id is None for p in papers)
    assert [(w.place, w.message) for w in problems.warnings] == [
        (None, "1 of 4 ids unknown to Semantic Scholar (null in the answer); the others are read")
    ]


def test_a_semantic_scholar_answer_without_a_day_says_how_to_give_one(tmp_path: Path) -> None:
    answer = tmp_path / "paperqa.json"  # saved without a day in its name
    answer.write_bytes((FORMATS / S2_PAPER).read_bytes())
    problems = Problems()
    result = read_listing(ListingContext(answer, answer.name, None), problems)
    assert result.format == "semantic-scholar" and result.records == []
    assert [e.message for e in problems.errors] == [
        "no listing date: name the file with the day (YYYY-MM-DD) or pass --date YYYY-MM-DD"
    ]


def test_a_feed_whose_titles_are_summaries_reads_the_paper_titles_beside_them() -> None:
    """cn-chat-arxiv (qhduan/cn-chat-arxiv @ 0101a75, econ.xml, fetched for this test):
    each <title> is a Chinese summary; the paper's title and English abstract are in the
    description. The feed has no dates: the file's day lists papers of 2024."""
    fmt, papers, problems = read("qhduan_cn-chat-arxiv_econ_2026-03-09_commit-0101a75.xml")
    assert fmt == "arxiv-rss"
    assert [(p.arxiv_id, p.title) for p in papers] == [
        ("2404.02871", "A mean-field model of optimal investment"),
        ("2404.00806", "Algorithmic Collusion by Large Language Models"),
    ]
    assert papers[1].abstract.startswith("The rise of algorithmic pricing raises concerns")
    assert papers[1].abstract.endswith("unique to LLM-based pricing agents.")
    assert [w.message for w in problems.warnings] == [
        "2 of 2 papers announced as new are months older than the day they are listed on "
        "(arXiv 2404.02871 on 2026-03-09): an old feed? Name the file with the day it was published"
    ]


def test_a_title_that_is_not_a_papers_with_none_beside_it_is_named(tmp_path: Path) -> None:
    feed = tmp_path / "2024-04-04-feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>x</title><item><title>该论文建立了一个关于最优投资的模型。</title>'
        "<link>https://arxiv.org/abs/2404.02871</link><description>没有标题</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    problems = Problems()
    result = read_listing(ListingContext(feed, feed.name, None), problems)
    assert len(result.records) == 1
    assert [(w.place, w.message) for w in problems.warnings] == [
        (
            "item 1",
            "the title is not a paper's (text in another language?) and the description "
            "names none; read as it is: check where the file comes from",
        )
    ]
