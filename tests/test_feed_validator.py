"""The feeds of the shipped digest and of a slice of the two-year archive, checked by
the W3C Feed Validation Service's own code (../shared/tools/validate-feeds, run locally):
no error, no warning."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_digest

from digest.cli import main

VALIDATOR = REPO.parent / "shared" / "tools" / "validate-feeds"
SITE_URL = "https://paper-digest.github.io/paper-digest/"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not VALIDATOR.is_file(), reason="needs ../shared/tools/validate-feeds (CI has it)"
    ),
]


def validate(site: Path) -> str:
    pytest.importorskip(
        "html5lib", reason="the validator needs html5lib (the test extra installs it)"
    )
    result = subprocess.run(
        [sys.executable, str(VALIDATOR), str(site), SITE_URL, "--warnings"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_shipped_digest_feeds_validate_without_a_warning(tmp_path: Path) -> None:
    root = copy_digest(tmp_path / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    said = validate(root / "site")
    assert ", 0 with problems" in said


def test_an_archive_slice_with_picks_notes_and_ended_weeks_validates(tmp_path: Path) -> None:
    root = copy_digest(tmp_path / "digest", listings=False)
    for listing in sorted((FIXTURES / "archive-slice").glob("*.json")):
        shutil.copy(listing, root / "listings" / f"{listing.stem}-hf-daily.json")
    (root / "curation.yml").write_text(
        'papers:\n  "2608.19880":\n    pick: week\n    picked: 2026-08-22\n'
        '    note: "Read it: *twice*."\n    edited: 2026-08-23\n',
        encoding="utf-8",
    )
    assert main(["build", "-q", "-C", str(root)]) == 0
    said = validate(root / "site")
    assert ", 0 with problems" in said
    assert (root / "site/top-week.xml").read_text(encoding="utf-8").count("<item>") >= 1
