"""daily-arXiv-ai-enhanced JSON Lines (dw-dengwei and its forks): real files, read with
every field, the AI tldr as the paper's gist, and damage named by its line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

from digest.ingest.readers import ListingContext, read_listing
from digest.problems import Problems

FORMATS = FIXTURES / "formats"
ENGLISH = (
    FORMATS
    / "dw-dengwei_daily-arXiv-ai-enhanced_pr50-fork_2025-08-20_AI_enhanced_English_excerpt.jsonl"
)
FAILED = (
    FORMATS / "dw-dengwei_daily-arXiv-ai-enhanced_pr69-fork_2025-10-14_summary-failed_excerpt.jsonl"
)
SHARED = REPO.parent / "shared" / "data" / "samples" / "daily-arxiv-jsonl"


def read(path: Path, fallback: dt.date | None = None) -> tuple[list, Problems]:
    problems = Problems()
    result = read_listing(ListingContext(path, path.name, fallback), problems)
    assert result.format == "daily-arxiv-jsonl"
    return result.records, problems


def test_a_real_enhanced_day_reads_with_every_field_and_its_tldr_as_the_gist() -> None:
    records, problems = read(ENGLISH)
    assert problems.items == []
    assert [r.arxiv_id for r in records] == ["2508.13167", "2508.13171", "2508.13174"]
    first = records[0]
    assert first.listing_day == dt.date(2025, 8, 20)  # the date in the file's name
    assert first.title.startswith("Chain-of-Agents: End-to-End Agent Foundation Model")
    assert first.authors[:2] == ("Weizhen Li", "Jianbo Lin")
    assert first.categories == ("cs.AI", "cs.CL")
    assert first.links.abstract == "https://arxiv.org/abs/2508.13167"
    assert first.links.pdf == "https://arxiv.org/pdf/2508.13167"
    assert first.ai_summary is not None and first.ai_summary.startswith(
        "Proposes Chain-of-Agents (CoA)"
    )
    assert first.abstract and first.origin.place == "line 1"


def test_a_failed_summary_is_no_gist() -> None:
    records, problems = read(FAILED)
    assert problems.items == [] and len(records) == 1
    assert records[0].ai_summary is None and records[0].abstract


def test_a_line_cut_short_is_named_with_the_fix(tmp_path: Path) -> None:
    damaged = tmp_path / "2025-08-20_AI_enhanced_English.jsonl"
    text = ENGLISH.read_text(encoding="utf-8")
    damaged.write_text(text[: len(text) - 200], encoding="utf-8")
    records, problems = read(damaged)
    assert len(records) == 2
    assert len(problems.errors) == 1 and problems.errors[0].place.startswith("line 3, column")
    assert "each line holds one paper: the file is damaged or cut short, fetch it again" in str(
        problems.errors[0]
    )


def test_without_a_date_in_its_name_it_asks_for_one(tmp_path: Path) -> None:
    undated = tmp_path / "papers.jsonl"
    shutil.copy(ENGLISH, undated)
    records, problems = read(undated)
    assert records == [] and "name the file with the day (YYYY-MM-DD) or pass --date" in str(
        problems.errors[0]
    )
    records, problems = read(undated, dt.date(2025, 8, 21))
    assert len(records) == 3 and records[0].listing_day == dt.date(2025, 8, 21)


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="needs ../shared/data/samples/daily-arxiv-jsonl (CI has it)"
)
@pytest.mark.parametrize(
    ("name", "papers", "gists"),
    [
        (
            "dw-dengwei_daily-arXiv-ai-enhanced_data_2025-03-19_AI_enhanced_Chinese_early-format.jsonl",
            206,
            206,
        ),
        ("dw-dengwei_daily-arXiv-ai-enhanced_data_2026-06-24.jsonl", 333, 0),
        ("dw-dengwei_daily-arXiv-ai-enhanced_data_2026-06-24_AI_enhanced_Chinese.jsonl", 266, 266),
        ("dw-dengwei_daily-arXiv-ai-enhanced_data_2026-06-25.jsonl", 26, 0),
        ("dw-dengwei_daily-arXiv-ai-enhanced_data_2026-06-25_AI_enhanced_Chinese.jsonl", 26, 26),
        (
            "dw-dengwei_daily-arXiv-ai-enhanced_pr50-fork_2025-08-20_AI_enhanced_English.jsonl",
            223,
            223,
        ),
        (
            "dw-dengwei_daily-arXiv-ai-enhanced_pr69-fork_2025-10-14_AI_enhanced_English_summary-failed.jsonl",
            106,
            0,
        ),
    ],
)
def test_every_real_sample_reads_whole(name: str, papers: int, gists: int) -> None:
    records, problems = read(SHARED / name)
    assert problems.items == []
    assert len(records) == papers
    assert sum(1 for r in records if r.ai_summary) == gists
    assert all(r.arxiv_id and r.title and r.abstract for r in records)


def test_json_lines_of_an_unknown_shape_are_not_called_damaged_json(tmp_path: Path) -> None:
    path = tmp_path / "2025-03-11.jsonl"
    path.write_text(
        '{"paper_id": "1", "name": "A"}\n{"paper_id": "2", "name": "B"}\n', encoding="utf-8"
    )
    problems = Problems()
    read_listing(ListingContext(path, path.name, None), problems)
    assert [str(p) for p in problems.items] == [
        "error: 2025-03-11.jsonl: JSON Lines (one object a line) with keys name, paper_id: no "
        "reader knows this shape; the JSON Lines read are daily-arXiv-ai-enhanced's lines "
        "(abs, id, summary, title) and the arXiv metadata snapshot's lines (abstract, id, title, versions)"
    ]


def test_json_lines_close_to_a_known_shape_say_what_they_lack(tmp_path: Path) -> None:
    path = tmp_path / "2025-03-11.jsonl"
    path.write_text(
        '{"id": "1", "title": "A", "abstract": "x"}\n{"id": "2", "title": "B", "abstract": "y"}\n',
        encoding="utf-8",
    )
    problems = Problems()
    read_listing(ListingContext(path, path.name, None), problems)
    assert "it comes closest to the arXiv metadata snapshot's lines, but lacks versions" in str(
        problems.errors[0]
    )


def test_check_counts_a_days_entries_and_its_papers_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """daily-arXiv's files list a paper once per category it was crawled from (674 lines
    for 532 papers on a real day): check says both, not lines as papers."""
    from conftest import copy_digest

    from digest.cli import main

    root = copy_digest(tmp_path / "digest", listings=False)
    lines = ENGLISH.read_text(encoding="utf-8").splitlines()
    repeated = lines + lines[:3]  # three papers crawled again under another category
    (root / "listings" / "2025-08-20.jsonl").write_text(
        "\n".join(repeated) + "\n", encoding="utf-8"
    )
    assert main(["check", "-C", str(root)]) == 0
    out = capsys.readouterr().out
    assert (
        f"listings/2025-08-20.jsonl: daily-arxiv-jsonl, {len(repeated)} entries, "
        f"{len(lines)} papers\n" in out
    )
    assert f"{len(repeated)} entries ({len(lines)} papers) read" in out
