"""The Cornell/Kaggle arXiv metadata snapshot: its lines read with every field, placed on
their announcement day, and ``digest import-snapshot`` filing the digest's categories by
day, restricted, idempotent, and with damage named by line.

The real lines (the snapshot's first 200) are in ../shared and state no licence, so they
are read from there (in CI); the lines written here follow their shape exactly.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import REPO

from digest.cli import main
from digest.ingest.readers import ListingContext, read_listing
from digest.problems import Problems

SHARED = (
    REPO.parent
    / "shared/data/samples/arxiv-kaggle-snapshot/Sharath-1736_Embedding-VecSearch_arxiv-metadata-oai-snapshot_first200_2025-10.jsonl"
)


def line(paper_id: str, categories: str, *created: str, title: str = "A paper") -> str:
    return (
        json.dumps(
            {
                "id": paper_id,
                "submitter": "A. Author",
                "authors": "A. Author and B. Author",
                "title": title,
                "comments": "10 pages",
                "journal-ref": None,
                "doi": None,
                "report-no": None,
                "categories": categories,
                "license": None,
                "abstract": "  We study\na question.\n",
                "versions": [{"version": f"v{n + 1}", "created": c} for n, c in enumerate(created)],
                "update_date": "2026-01-09",
                "authors_parsed": [["Author", "A.", ""], ["Author", "B.", ""]],
            }
        )
        + "\n"
    )


# Submitted Monday 5 January 2026, 10:00 Eastern: Tuesday's listing. Its v2, submitted
# Wednesday at 10:00 Eastern, is in Thursday's.
MONDAY = "Mon, 5 Jan 2026 15:00:00 GMT"
WEDNESDAY = "Wed, 7 Jan 2026 15:00:00 GMT"


def read(path: Path) -> tuple[list, Problems]:
    problems = Problems()
    result = read_listing(ListingContext(path, path.name, None), problems)
    assert result.format == "arxiv-snapshot-jsonl"
    return result.records, problems


def test_snapshot_lines_read_on_their_announcement_day(tmp_path: Path) -> None:
    path = tmp_path / "slice.jsonl"
    path.write_text(
        line("2601.00001", "cs.LG stat.ML", MONDAY, WEDNESDAY)
        + line("2601.00002", "hep-th", WEDNESDAY),
        encoding="utf-8",
    )
    records, problems = read(path)
    assert problems.items == []
    first = records[0]
    assert (first.arxiv_id, first.listing_day, first.announce_type) == (
        "2601.00001",
        dt.date(2026, 1, 6),
        "new",
    )
    assert first.authors == ("A. Author", "B. Author") and first.categories == ("cs.LG", "stat.ML")
    assert first.published == dt.date(2026, 1, 5) and first.updated == dt.date(2026, 1, 7)
    assert first.abstract == "We study a question." and first.comment == "10 pages"
    assert records[1].listing_day == dt.date(2026, 1, 8)
    # In a file named for Thursday, the first paper is Thursday's replacement.
    named = tmp_path / "2026-01-08.jsonl"
    named.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    records, _ = read(named)
    assert [(r.listing_day, r.announce_type) for r in records] == [
        (dt.date(2026, 1, 8), "replace"),
        (dt.date(2026, 1, 8), "new"),
    ]


@pytest.mark.skipif(not SHARED.is_file(), reason="needs ../shared/data/samples (CI has it)")
def test_the_real_first_lines_read_with_every_field() -> None:
    records, problems = read(SHARED)
    assert problems.items == [] and len(records) == 200
    first = records[0]
    assert first.arxiv_id == "0704.0001" and first.title.startswith(
        "Calculation of prompt diphoton production"
    )
    assert first.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan")
    assert (
        first.doi == "10.1103/PhysRevD.76.013009"
        and first.journal_ref == "Phys.Rev.D76:013009,2007"
    )
    # Submitted Monday 2 April 2007, 19:18 GMT = 15:18 Eastern (summer time): after the
    # deadline, so in Wednesday's listing.
    assert first.listing_day == dt.date(2007, 4, 4)


def _digest(digest_dir: Path, categories: str) -> Path:
    text = (digest_dir / "digest.yml").read_text(encoding="utf-8")
    (digest_dir / "digest.yml").write_text(
        text + f"\nfetch: {{arxiv_categories: {categories}}}\n", encoding="utf-8"
    )
    return digest_dir


def test_import_files_the_chosen_categories_by_day_and_a_second_run_writes_nothing(
    digest_dir: Path, tmp_path: Path
) -> None:
    snapshot = tmp_path / "arxiv-metadata-oai-snapshot.json"
    snapshot.write_text(
        line("2601.00003", "cs.LG", MONDAY)
        + line("2601.00001", "cs.LG stat.ML", MONDAY, WEDNESDAY)
        + line("2601.00002", "hep-th", MONDAY)  # not a chosen category
        + line("2512.00009", "cs.LG", "Mon, 1 Dec 2025 15:00:00 GMT")  # before --from
        + '{"id": "2601.00004", "categories": "cs.LG", "title": "cut sh\n'  # damaged
        + line("2601.00005", "cs.CL", WEDNESDAY),
        encoding="utf-8",
    )
    root = _digest(digest_dir, "[cs.LG, cs.CL]")
    week = ["import-snapshot", "-q", "-C", str(root), str(snapshot)]
    week += ["--from", "2026-01-05", "--to", "2026-01-09"]
    assert main(week) == 0
    folder = root / "listings/arxiv-snapshot"
    assert sorted(p.name for p in folder.iterdir()) == ["2026-01-06.jsonl", "2026-01-08.jsonl"]
    tuesday = [
        json.loads(text)["id"]
        for text in (folder / "2026-01-06.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert tuesday == ["2601.00001", "2601.00003"]  # sorted by id
    thursday = [
        json.loads(text)["id"]
        for text in (folder / "2026-01-08.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert thursday == ["2601.00001", "2601.00005"]  # a replacement and a new paper
    records, problems = read(folder / "2026-01-08.jsonl")
    assert [(r.arxiv_id, r.announce_type) for r in records] == [
        ("2601.00001", "replace"),
        ("2601.00005", "new"),
    ]
    assert problems.items == []
    stamps = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert main(week) == 0
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no staging left
    # The damaged line is named, and --strict makes it a failure.
    assert main(["--strict", "import-snapshot", "-q", "-C", str(root), str(snapshot)]) == 1
    assert main(["check", "-q", "-C", str(root)]) == 0


def test_import_refuses_without_categories(
    digest_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(line("2601.00001", "cs.LG", MONDAY), encoding="utf-8")
    assert main(["import-snapshot", "-C", str(digest_dir), str(snapshot)]) == 1
    assert "fetch.arxiv_categories is empty" in capsys.readouterr().err


def test_a_whole_snapshot_in_the_listings_is_told_to_be_imported(digest_dir: Path) -> None:
    big = digest_dir / "listings" / "arxiv-metadata-oai-snapshot.json"
    one = line("2601.00001", "cs.LG", MONDAY)
    with big.open("w", encoding="utf-8") as out:
        for _ in range(33 * 1024 * 1024 // len(one) + 1):
            out.write(one)
    problems = Problems()
    read_listing(ListingContext(big, big.name, None), problems)
    assert "digest import-snapshot FILE" in problems.errors[0].message
