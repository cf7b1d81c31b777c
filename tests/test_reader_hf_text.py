"""The Hugging Face papers-page text reader, on the shipped listing and on small cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import SEED

from digest.ingest.normalize import to_paper
from digest.ingest.readers import ListingContext, read_listing
from digest.problems import Problems


def read(path: Path, fallback: dt.date | None = None) -> tuple[list, Problems]:
    problems = Problems()
    result = read_listing(ListingContext(path, path.name, fallback), problems)
    return [to_paper(r) for r in result.records], problems


def test_seed_gives_86_papers_in_page_order() -> None:
    papers, problems = read(SEED)
    assert problems.items == []
    assert len(papers) == 86
    assert papers[0].title == "Image Inpainting via Tractable Steering of Diffusion Models"
    assert papers[-1].title == "LLM Inference Unveiled: Survey and Roofline Model Insights"
    assert [p.appearances[0].rank for p in papers] == list(range(1, 87))
    assert {p.appearances[0].day for p in papers} == {dt.date(2025, 3, 11)}


def test_seed_skips_page_chrome() -> None:
    papers, _ = read(SEED)
    titles = {p.title for p in papers}
    for chrome in ("new", "Subscribe", "Get trending papers in your email inbox!", "Mar 11"):
        assert chrome not in titles


def test_abstracts_kept_as_written() -> None:
    papers, _ = read(SEED)
    first = papers[0].abstract
    assert first.startswith("Diffusion models are the current state of the art")
    assert first.endswith("motivates the development of expressive TPMs.")
    s4 = next(p for p in papers if p.title.startswith("Efficiently Modeling Long Sequences"))
    assert r"\( x'(t) = Ax(t) + Bu(t), y(t) = Cx(t) + Du(t) \)" in s4.abstract
    # LaTeX that lost its backslashes in the browser copy stays as the page showed it.
    mdp = papers[1]
    assert "mathcal{O}(poly(d, sp(V^*)) Tbeta )" in mdp.abstract


def test_urls_in_abstracts_lose_trailing_punctuation_and_give_code_links() -> None:
    papers, _ = read(SEED)
    by_title = {p.title: p for p in papers}
    mam = next(p for p in papers if "Generative Marginalization Models" in p.title)
    assert mam.links.code == "https://github.com/PrincetonLIPS/MaM"
    pinn = next(p for t, p in by_title.items() if t.startswith("PINN surrogate"))
    assert pinn.links.code == "https://github.com/NREL/pinnstripes"
    frame = by_title["FrameBridge: Improving Image-to-Video Generation with Bridge Models"]
    assert frame.links.code is None
    assert frame.links.project == "https://framebridge-demo.github.io/"
    with_code = [p for p in papers if p.links.code]
    assert len(with_code) == 23
    assert all(not p.links.code.endswith((".", ")")) for p in with_code)


def test_whitespace_collapsed(tmp_path: Path) -> None:
    listing = tmp_path / "2025-03-11-hf.txt"
    listing.write_text(
        "Mar 11\n\n  A   title\twith  gaps \n\n An  abstract\u00a0 here. \n", encoding="utf-8"
    )
    papers, problems = read(listing)
    assert problems.items == []
    assert papers[0].title == "A title with gaps"
    assert papers[0].abstract == "An abstract here."


def test_year_from_date_option_when_the_name_has_none(tmp_path: Path) -> None:
    listing = tmp_path / "trending.txt"
    listing.write_text("Mar 11\nA title\nAn abstract.\n", encoding="utf-8")
    papers, problems = read(listing, fallback=dt.date(2025, 3, 11))
    assert problems.items == []
    assert papers[0].appearances[0].day == dt.date(2025, 3, 11)


def test_page_of_dec_31_in_a_file_named_for_jan_1_is_from_the_year_before(tmp_path: Path) -> None:
    listing = tmp_path / "2026-01-01-hf.txt"
    listing.write_text("Dec 31\nA title\nAn abstract.\n", encoding="utf-8")
    papers, _ = read(listing)
    assert papers[0].appearances[0].day == dt.date(2025, 12, 31)


def test_a_missing_abstract_does_not_shift_the_following_pairs(tmp_path: Path) -> None:
    long_abstract = "This abstract is long enough to be told from a title. " * 8
    listing = tmp_path / "2025-03-11-hf.txt"
    listing.write_text(
        f"Mar 11\n\nFirst title\n\nSecond title\n\n{long_abstract}\n\nThird title\n\n{long_abstract}\n",
        encoding="utf-8",
    )
    papers, problems = read(listing)
    assert [p.title for p in papers] == ["First title", "Second title", "Third title"]
    assert papers[0].abstract == ""
    assert papers[1].abstract and papers[2].abstract
    assert [str(p) for p in problems.items] == [
        "warning: 2025-03-11-hf.txt: line 3: title 'First title' has no abstract line after it; "
        "published without an abstract. Paste the abstract on the line after the title"
    ]
