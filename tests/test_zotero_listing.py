"""A Zotero export (BibTeX, Better BibTeX, CSL JSON, RIS) kept in the listings as a day's
papers: read with every field it carries, its day from its name or --date, and, without
a day, an error that names both ways out (a day, or the library)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

from digest.cli import main
from digest.ingest.readers import ListingContext, read_listing
from digest.problems import Problems

LIBRARY = FIXTURES / "library"
SHARED = REPO.parent / "shared" / "data" / "samples" / "zotero-exports"
DAY = dt.date(2026, 3, 12)


def read(
    path: Path, fallback: dt.date | None = DAY, name: str | None = None
) -> tuple[list, Problems]:
    problems = Problems()
    result = read_listing(ListingContext(path, name or path.name, fallback), problems)
    assert result.format in {"zotero", None}
    return result.records, problems


def test_a_bibtex_export_reads_as_a_day_of_papers() -> None:
    records, problems = read(LIBRARY / "hand-made-arxiv-fields.bib")
    assert [p.message for p in problems.errors] == []
    assert {r.listing_day for r in records} == {DAY} and {r.source for r in records} == {"curator"}
    vaswani = records[0]
    assert vaswani.title == "Attention Is All You Need" and vaswani.arxiv_id == "1706.03762"
    assert vaswani.authors == ("Ashish Vaswani", "Noam Shazeer")  # "Vaswani, Ashish" turned round
    assert vaswani.tags == (
        "Computer Science - Computation and Language",
        "Computer Science - Machine Learning",
    )
    assert vaswani.doi == "10.48550/arxiv.1706.03762"
    review = records[1]
    assert review.published == dt.date(2019, 12, 20)  # BibLaTeX's date
    assert vaswani.published is None  # a year alone is not a day
    assert [r.arxiv_id for r in records[2:5]] == ["2005.14165", "2406.09325", "2305.13300"]


def test_ris_and_csl_json_exports_read_too() -> None:
    ris, problems = read(LIBRARY / "nvpatin_MAMBO_My-Library_Zotero.ris")
    assert problems.errors == [] and len(ris) == 5
    assert ris[0].authors[:2] == ("Paul J. McMurdie", "Susan Holmes")
    assert ris[0].doi == "10.1371/journal.pcbi.1003531" and ris[0].published == dt.date(2014, 4, 3)
    assert ris[0].tags[:2] == ("Binomials", "DNA sequencing")
    csl, problems = read(LIBRARY / "j1c_vault_My-Library_BetterCSL-JSON_excerpt.json")
    assert problems.errors == [] and len(csl) == 17
    assert sum(1 for r in csl if r.arxiv_id) == 12
    assert all(r.authors for r in csl if r.arxiv_id)


def test_the_day_comes_from_the_file_name(tmp_path: Path) -> None:
    named = tmp_path / "2026-03-10-reading-group.ris"
    shutil.copy(LIBRARY / "nvpatin_MAMBO_My-Library_Zotero.ris", named)
    records, _ = read(named, fallback=None)
    assert {r.listing_day for r in records} == {dt.date(2026, 3, 10)}


@pytest.mark.parametrize(
    "fixture",
    [
        "hand-made-arxiv-fields.bib",
        "nvpatin_MAMBO_My-Library_Zotero.ris",
        "j1c_vault_My-Library_BetterCSL-JSON_excerpt.json",
    ],
)
def test_without_a_day_the_error_names_both_ways_out(fixture: str) -> None:
    records, problems = read(LIBRARY / fixture, fallback=None)
    assert records == []
    (error,) = problems.errors
    assert "name the file with the day" in error.message and "--date" in error.message
    assert "name it under library: in digest.yml" in error.message


def test_notes_and_tags_are_kept(digest_dir: Path) -> None:
    # A Zotero note is HTML; it shows as the curator's note, as text.
    picks = (
        "@misc{vaswani2017,\n  title = {Attention Is All You Need},\n  author = {Vaswani, Ashish and Shazeer, Noam},\n"
        "  eprint = {1706.03762}, archiveprefix = {arXiv},\n  keywords = {transformers, attention},\n"
        "  annote = {<p>Read for <b>Thursday</b>:</p><p>the origin of it all.</p>}\n}\n"
    )
    (digest_dir / "listings" / "2026-03-12-picks.bib").write_text(picks, encoding="utf-8")
    records, problems = read(digest_dir / "listings" / "2026-03-12-picks.bib", fallback=None)
    assert problems.items == []
    assert records[0].note == "Read for Thursday: the origin of it all."
    assert records[0].tags == ("transformers", "attention")
    assert main(["check", "-q", "-C", str(digest_dir)]) == 0


# Slow tier: 3.7 MB of real BibTeX through bibtexparser's pyparsing grammar, 5 s.
@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data/samples (CI has it)")
def test_every_real_zotero_export_reads_with_counts() -> None:
    counts = {}
    for path in sorted(SHARED.iterdir()):
        records, problems = read(path)
        assert problems.errors == [], path.name
        counts[path.name] = (
            len(records),
            sum(1 for r in records if r.arxiv_id),
            sum(1 for r in records if r.doi),
        )
        assert all(r.title for r in records)
    assert counts == {
        "Adanato_Data_Curator_Agent_overleaf_references_BetterBibTeX.bib": (561, 134, 100),
        "KhalidMHASNI_SLR-automatic-screening_Exported-Items_Zotero.ris": (467, 0, 465),
        "KhalidMHASNI_SLR-automatic-screening_New-collection_Zotero-BibTeX.bib": (467, 0, 465),
        "ajaygunalan_AjVault_My-Library_BetterBibTeX.bib": (622, 8, 439),
        "j1c_vault_My-Library_BetterCSL-JSON.json": (134, 38, 71),
        "kishkash555_NLP-for-TA_My-Library_Zotero-CSL-JSON.json": (757, 0, 600),
        "nvpatin_MAMBO_My-Library_Zotero.ris": (5, 0, 3),
        "zjiefu_Notes_My-Library_BetterBibLaTeX.bib": (218, 15, 200),
        "zjiefu_Notes_My-Library_BetterCSL-JSON.json": (217, 14, 199),
    }
