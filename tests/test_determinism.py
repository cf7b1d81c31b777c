"""The same inputs give a byte-identical site, wherever and however often it is built."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_digest, tree_digest

from digest.cli import main
from digest.incremental import up_to_date


def test_two_builds_are_byte_identical(tmp_path: Path, site: Path) -> None:
    again = copy_digest(tmp_path / "elsewhere")
    assert main(["build", "-q", "-C", str(again)]) == 0
    first = tree_digest(site)
    second = tree_digest(again / "site")
    assert first.keys() == second.keys()
    assert first == second
    # A rebuild in place with nothing new does nothing: the same files, untouched.
    assert main(["build", "-q", "-C", str(again)]) == 0
    assert tree_digest(again / "site") == first
    # One that cannot tell (its record lost) gives the same bytes too, and leaves no
    # staging folders behind.
    up_to_date.forget(again / ".digest")
    assert main(["build", "-q", "-C", str(again)]) == 0
    assert tree_digest(again / "site") == first
    assert sorted(p.name for p in again.iterdir()) == sorted(
        [
            ".digest",
            "content",
            "curation.yml",
            "digest.yml",
            "listings",
            "mkdocs.yml",
            "site",
            "templates",
        ]
    )
    # The site that build replaced is kept whole in .digest/site; a third build is made in
    # it (publish.spare) and gives the same bytes again.
    assert tree_digest(again / ".digest" / "site") == first
    up_to_date.forget(again / ".digest")
    assert main(["build", "-q", "-C", str(again)]) == 0
    assert tree_digest(again / "site") == first


def test_sitemap_is_dated_by_the_data(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2025-03-11</lastmod>" in sitemap
