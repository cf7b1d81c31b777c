"""A curator's one-line mistake costs a message, never their work or a secret.

Each case failed before the guard (issue 11): ``site_dir: .`` replaced the digest folder
with the site, ``site_dir: listings`` deleted every listing, and a symlink to
/proc/self/environ published the build's environment.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import SEED, copy_digest, tree_digest

from digest.cli import main
from digest.guard import SITE_MARKER


def _set(root: Path, line: str) -> None:
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write(f"\n{line}\n")


def _everything(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` but the build's own state."""
    return {k: v for k, v in tree_digest(folder).items() if not k.startswith(".digest/")}


@pytest.fixture
def seed_digest(tmp_path: Path) -> Path:
    root = copy_digest(tmp_path / "digest")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "listings" / "uncommitted.yml").write_text(
        "date: 2025-03-12\npapers:\n  - title: A paper not yet committed\n"
    )
    return root


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (".", "is the digest folder itself; publishing would replace your listings and .git"),
        ("..", "is a folder that holds the digest; publishing would replace your listings"),
        ("listings", "is inside the listings folder; publishing would replace what is there"),
        ("listings/site", "is inside the listings folder"),
        ("content", "is inside the content folder"),
        ("templates", "is inside the templates folder"),
        (".git", "is inside .git"),
        (".digest", "is inside .digest (the build's own state)"),
    ],
)
def test_a_site_dir_over_the_digests_own_files_is_refused_and_nothing_is_touched(
    seed_digest: Path, setting: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _set(seed_digest, f"site_dir: {setting}")
    sibling = seed_digest.parent / "sibling"
    sibling.mkdir()
    (sibling / "thesis.tex").write_text("years of work")
    before = _everything(seed_digest.parent)

    assert main(["build", "-q", "-C", str(seed_digest)]) == 1

    err = capsys.readouterr().err
    assert f"digest.yml: site_dir: '{(seed_digest / setting).resolve()}' {expected}" in err
    assert "give the site a folder of its own, e.g. site_dir: site" in err
    assert "Traceback" not in err
    assert _everything(seed_digest.parent) == before
    assert main(["check", "-q", "-C", str(seed_digest)]) == 1


def test_a_site_dir_that_holds_other_files_is_never_replaced(
    seed_digest: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    public = seed_digest / "public"
    public.mkdir()
    (public / "notes.md").write_text("mine")
    _set(seed_digest, "site_dir: public")

    assert main(["build", "-q", "-C", str(seed_digest)]) == 1

    err = capsys.readouterr().err
    assert (
        f"digest: site_dir '{public}' holds files digest did not write (no {SITE_MARKER} in it)"
        in err
    )
    assert "Point site_dir in digest.yml at a new folder, or empty this one" in err
    assert sorted(p.name for p in public.iterdir()) == ["notes.md"]

    (public / "notes.md").unlink()  # an empty folder is fine, and ours from then on
    assert main(["build", "-q", "-C", str(seed_digest)]) == 0
    assert (public / SITE_MARKER).is_file()
    assert (public / "index.html").is_file()
    assert main(["build", "-q", "-C", str(seed_digest)]) == 0


def test_a_site_published_before_the_marker_existed_is_still_replaced(
    seed_digest: Path,
) -> None:
    assert main(["build", "-q", "-C", str(seed_digest)]) == 0
    (seed_digest / "site" / SITE_MARKER).unlink()  # as an older paper-digest left it
    assert main(["build", "-q", "-C", str(seed_digest)]) == 0
    assert (seed_digest / "site" / SITE_MARKER).is_file()


def test_an_input_folder_outside_the_digest_is_refused_unless_allowed(
    seed_digest: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = seed_digest.parent / "shared-listings"
    shutil.copytree(seed_digest / "listings", shared)
    _set(seed_digest, "listings: ../shared-listings")

    assert main(["check", "-q", "-C", str(seed_digest)]) == 1
    assert (
        f"digest.yml: listings: '{shared}' is outside the digest folder; move it inside, or "
        "name it under allow_outside: in digest.yml if it is meant to be read"
    ) in capsys.readouterr().err

    _set(seed_digest, "allow_outside: [../shared-listings]")
    assert main(["build", "-q", "-C", str(seed_digest)]) == 0


def test_a_page_symlinked_to_the_environment_is_never_published(
    seed_digest: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.environ["DIGEST_TEST_SECRET"] = "ghp_not-a-real-token-but-secret"
    try:
        (seed_digest / "content" / "env.txt").symlink_to("/proc/self/environ")
        assert main(["build", "-q", "-C", str(seed_digest)]) == 1
    finally:
        del os.environ["DIGEST_TEST_SECRET"]
    err = capsys.readouterr().err
    target = Path("/proc/self/environ").resolve()  # /proc/<pid>/environ
    assert (
        f"content/env.txt: a symlink to '{target}', outside the digest folder; copy "
        "the file in, or name its folder under allow_outside: in digest.yml"
    ) in err
    assert not (seed_digest / "site").exists()
    for path in (seed_digest / ".digest").rglob("*"):
        if path.is_file():
            assert b"ghp_not-a-real-token" not in path.read_bytes(), path


def test_a_listing_symlinked_outside_the_digest_is_refused(
    seed_digest: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "private.txt"
    outside.write_text(SEED.read_text(encoding="utf-8").replace("Mar 11", "Mar 12"))
    (seed_digest / "listings" / "2025-03-12-hf-trending.txt").symlink_to(outside)

    assert main(["check", "-q", "-C", str(seed_digest)]) == 1
    assert (
        f"listings/2025-03-12-hf-trending.txt: a symlink to '{outside}', outside the digest folder"
    ) in capsys.readouterr().err
    assert main(["build", "-q", "-C", str(seed_digest)]) == 1
    assert not (seed_digest / "site").exists()

    # A symlink that stays inside the digest is an ordinary file.
    (seed_digest / "listings" / "2025-03-12-hf-trending.txt").unlink()
    kept = seed_digest / "kept" / "day.txt"
    kept.parent.mkdir()
    shutil.copy(outside, kept)
    (seed_digest / "listings" / "2025-03-12-hf-trending.txt").symlink_to(kept)
    assert main(["build", "-q", "-C", str(seed_digest)]) == 0


def test_special_files_are_reported_not_read(
    seed_digest: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(seed_digest / "listings" / "2025-03-13.txt")  # reading it would block forever
    (seed_digest / "templates" / "card.md.j2").symlink_to("/etc/passwd")
    (seed_digest / "listings" / "gone.txt").symlink_to(seed_digest / "nowhere.txt")

    assert main(["build", "-q", "-C", str(seed_digest)]) == 1

    err = capsys.readouterr().err
    assert (
        "listings/2025-03-13.txt: not a regular file (a FIFO, device or socket); "
        "digest reads only files"
    ) in err
    assert "templates/card.md.j2: a symlink to '/etc/passwd', outside the digest folder" in err
    assert "listings/gone.txt: a broken symlink or an unreadable entry; fix or remove it" in err
