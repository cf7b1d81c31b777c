"""The feeds of the shipped digest and of a slice of the two-year archive, checked by
the W3C Feed Validation Service's own code (../shared/tools/validate-feeds, run locally):
no error, no warning."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
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


ARCHIVE = REPO.parent / "shared" / "data" / "archive" / "hf-daily-papers-2024-2026.tar.xz"


@pytest.mark.skipif(not ARCHIVE.is_file(), reason="needs ../shared's archive (CI has it)")
def test_every_build_of_a_24_day_run_validates_without_a_warning(tmp_path: Path) -> None:
    """24 daily builds of the real archive's last days, with picks and a note added as a
    curator would: the validator finds nothing after any of them (it warned of two
    entries with the same date in 15 of 24 such builds)."""
    with tarfile.open(ARCHIVE) as tar:
        members = sorted(
            (m for m in tar.getmembers() if m.name.endswith(".json")), key=lambda m: m.name
        )[-24:]
        tar.extractall(tmp_path / "raw", members=members, filter="data")
    days = sorted((tmp_path / "raw").rglob("*.json"))
    root = copy_digest(tmp_path / "digest", listings=False)
    for number, listing in enumerate(days, start=1):
        shutil.copy(listing, root / "listings" / listing.name)
        day = listing.stem[-10:]
        if number % 6 == 0:  # a pick every few days, on the day, and a note on an older paper
            first = json.loads(listing.read_text(encoding="utf-8"))[0]["paper"]["id"]
            older = json.loads(days[number - 3].read_text(encoding="utf-8"))[1]["paper"]["id"]
            assert main(["pick", "-q", "-C", str(root), first, "--date", day]) == 0
            assert main(["note", "-q", "-C", str(root), older, "Worth a read.", "--date", day]) == 0
        assert main(["build", "-q", "-C", str(root)]) == 0
        said = validate(root / "site")
        assert ", 0 with problems" in said, f"build {number} ({day}):\n{said}"
