"""Every .bib parses back, with all its entries, unique keys and the text intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import bibtexparser
from conftest import FIXTURES

from digest.build import catalog_of, read_everything
from digest.cli import main


def parse(path: Path) -> list[dict]:
    return bibtexparser.loads(path.read_text(encoding="utf-8")).entries


def test_every_bib_file_parses_with_all_its_entries(digest_dir: Path) -> None:
    for name in (
        "hfnewsletter_daily_papers_2026-08-21.json",
        "arxiv_api_2025_current_layout.xml",
        "polaris_arxiv_cs.AI_new_2026-08-12_trimmed.html",
    ):
        shutil.copy(FIXTURES / "formats" / name, digest_dir / "listings" / name)
    for name in ("2025-01-10-hf-daily.json", "2025-01-14-arxiv-rss.xml"):
        shutil.copy(FIXTURES / "hostile" / name, digest_dir / "listings" / name)
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    catalog = catalog_of(read_everything(digest_dir, None))
    site = digest_dir / "site"
    all_keys: dict[str, str] = {}
    for day in catalog.days():
        entries = parse(site / f"bib/days/{day.isoformat()}.bib")
        assert len(entries) == len(catalog.on_day(day)), day
        for entry in entries:
            assert all_keys.setdefault(entry["ID"], entry["title"]) == entry["title"]
    assert len(all_keys) == len(catalog.papers)  # one key per paper, unique over the archive
    for topic in catalog.topics:
        assert len(parse(site / f"bib/topics/{topic.slug}.bib")) == len(
            catalog.in_topic(topic.slug)
        )
    envharness = next(
        e for e in parse(site / "bib/days/2026-08-21.bib") if e.get("eprint") == "2608.19880"
    )
    assert envharness["ID"] == "huang2026envharness"
    assert envharness["archiveprefix"] == "arXiv"
    assert envharness["author"].startswith("Chengsong Huang and Zifeng Wang")
    hostile = parse(site / "bib/days/2025-01-10.bib")
    titles = [e["title"] for e in hostile]
    assert r"\{\{ 7*7 \}\} \{\% for x in y \%\} \{\# comment \#\} Jinja in a title" in titles
    # An author "named" with HTML stays one author; the braces keep "and" from splitting.
    assert any(e.get("author", "").startswith("<b onmouseover=") for e in hostile)
