"""Errors of the machine, not of the inputs: one line with the fix, and none leaves the
next build failing (issue 11, case 8). Real file systems: small tmpfs mounts for a full
disk, another file system and a mount point; another user (setpriv) for permissions.

Before: each of these ended in a traceback, and a full disk kept a 132 MB leftover.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_digest, tree_digest

from digest import platform
from digest.cli import main
from digest.guard import SITE_MARKER
from digest.incremental import up_to_date
from digest.publish import swap


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture(scope="module")
def cold_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = copy_digest(tmp_path_factory.mktemp("cold") / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    return tree_digest(root / "site")


def _leftovers(work: Path) -> list[str]:
    """What a build left in .digest/ that no build keeps: the partial files of a failed
    one, its half-assembled site (a site kept to build the next one in has its marker)."""
    found = [p.name for p in work.rglob("*.partial")]
    found += [name for name in ("site", "raw-blocks.json") if (work / name).exists()]
    if (work / "site.spare").is_file():
        found.remove("site")
    return sorted(found)


def test_a_full_disk_is_one_line_and_leaves_nothing_behind(
    tmp_path: Path, cold_site: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with tmpfs(tmp_path / "disk", "6m") as disk:
        root = copy_digest(disk / "digest")
        assert main(["build", "-q", "-C", str(root)]) == 1
        err = capsys.readouterr().err
        assert "the disk is full; free some space and run again" in err
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
        assert _leftovers(root / ".digest") == []
        assert not (root / "site").exists()

        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        assert main(["build", "-q", "-C", str(root)]) == 0
        assert tree_digest(root / "site") == cold_site


def test_a_site_dir_on_another_file_system(tmp_path: Path, cold_site: dict[str, str]) -> None:
    root = copy_digest(tmp_path / "digest")
    with tmpfs(root / "mnt", "64m"):
        with open(root / "digest.yml", "a", encoding="utf-8") as handle:
            handle.write("\nsite_dir: mnt/site\n")
        for _ in range(2):  # the first build creates it, the second replaces it
            assert main(["build", "-q", "-C", str(root)]) == 0
            assert tree_digest(root / "mnt" / "site") == cold_site
        assert sorted(p.name for p in (root / "mnt").iterdir()) == ["site"]


def test_a_site_dir_that_is_a_mount_point(tmp_path: Path, cold_site: dict[str, str]) -> None:
    root = copy_digest(tmp_path / "digest")
    with tmpfs(root / "site", "64m") as site:
        (site / "stale.html").write_text("from an older site")
        (site / SITE_MARKER).write_text("ours")
        for _ in range(2):
            assert main(["build", "-q", "-C", str(root)]) == 0
            assert os.path.ismount(site)
            assert tree_digest(site) == cold_site


def test_without_an_atomic_swap_a_stopped_publish_is_recovered(
    tmp_path: Path, cold_site: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where renameat2 is missing (every system but Linux), publishing is two renames; a
    build stopped between them leaves the old site aside, and the next build puts it back
    before anything else."""
    root = copy_digest(tmp_path / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    monkeypatch.setattr(platform, "exchange", lambda first, second: False)
    real_replace = os.replace

    def stopped_after_the_first_rename(source: object, target: object) -> None:
        real_replace(source, target)  # type: ignore[arg-type]
        if str(target).endswith(".site.previous"):
            raise KeyboardInterrupt

    monkeypatch.setattr(swap.os, "replace", stopped_after_the_first_rename)
    (root / "listings" / "2025-03-11-hf-trending.txt").touch()
    with open(root / "curation.yml", "a", encoding="utf-8") as handle:
        handle.write('  "Generative Marginalization Models":\n    pin: true\n')
    assert main(["build", "-q", "-C", str(root)]) == 130
    assert not (root / "site").exists()
    assert (root / ".site.previous" / "index.html").is_file()

    monkeypatch.setattr(swap.os, "replace", real_replace)
    (root / "curation.yml").write_text(
        (root / "curation.yml")
        .read_text()
        .replace('  "Generative Marginalization Models":\n    pin: true\n', "")
    )
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert tree_digest(root / "site") == cold_site
    assert not (root / ".site.previous").exists()


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """The file or folder refused to everyone, root included (``chattr +i``): how a cache
    left by another user (after one ``sudo digest build``) or a read-only leftover looks
    to a build. Tests run as root, whom permission bits do not stop."""
    if shutil.which("chattr") is None:
        pytest.skip("needs chattr (e2fsprogs) to make a file refuse every user")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"this file system has no immutable flag ({made.stderr.strip()})")
    try:
        yield
    finally:
        # The whole digest, not only the path: a build may have moved the folder aside
        # (a garbage-* leftover), and an immutable file there is one pytest can never
        # remove from its temporary folders.
        root = next((p for p in path.parents if (p / "digest.yml").is_file()), path)
        subprocess.run(["chattr", "-R", "-f", "-i", str(root)], check=False)


def test_a_cache_the_build_cannot_write_is_one_line_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    with open(root / "curation.yml", "a", encoding="utf-8") as handle:
        handle.write('  "Generative Marginalization Models":\n    pin: true\n')
    with immutable(root / ".digest" / "pages"):
        assert main(["build", "-q", "-C", str(root)]) == 1
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert (
            "permission denied; if it belongs to another user (a build run with sudo?), give "
            "it back with chown -R, or delete .digest/ (it is only a cache)"
        ) in err
        assert len(err.strip().splitlines()) == 1
        assert (root / "site" / "index.html").is_file()  # the published site untouched
    assert main(["build", "-q", "-C", str(root)]) == 0


def test_a_leftover_that_cannot_be_removed_never_stops_a_build(
    tmp_path: Path, cold_site: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    locked = root / "site" / "days" / "2025-03-11"
    with immutable(locked):
        for _ in range(2):  # the old site, then the old site's leftover: neither is fatal
            (root / "listings" / "2025-03-11-hf-trending.txt").touch()
            assert main(["build", "--fresh", "-C", str(root)]) == 0
            assert tree_digest(root / "site") == cold_site
        err = capsys.readouterr().err
        assert "could not be removed (Operation not permitted); remove it by hand" in err
        assert "Traceback" not in err
    assert _leftovers(root / ".digest") == []


def test_a_kept_site_the_build_cannot_write_in_never_stops_a_build(
    tmp_path: Path, cold_site: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The site kept to build the next one in (publish.spare) holds a folder no one may
    change (as after one `sudo digest build`): the build is made in a new folder."""
    root = copy_digest(tmp_path / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    up_to_date.forget(root / ".digest")  # a second build that builds: the first site kept
    assert main(["build", "-q", "-C", str(root)]) == 0
    locked = root / ".digest" / "site" / "days" / "2025-03-11"
    # Its day page must be rendered again (its kept copy gone), into that folder.
    shutil.rmtree(root / ".digest" / "pages")
    with immutable(locked):
        assert main(["build", "-C", str(root)]) == 0
        assert tree_digest(root / "site") == cold_site
        err = capsys.readouterr().err
        assert "could not build in the site kept from the build before" in err
        assert "could not be removed (Operation not permitted); remove it by hand" in err
        assert "Traceback" not in err
    assert _leftovers(root / ".digest") == []
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert tree_digest(root / "site") == cold_site


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("listings/.fetch-log.json", '{"huggingface": [1, 2], "arxiv/cs.LG": {"x": 3}}'),
        ("listings/.fetch-log.json", "{not json"),
        (".digest/last-fetch.json", '{"at": 5, "sources": {"huggingface": "no"}}'),
        (".digest/topics.json", '{"topics": 7}'),
    ],
)
def test_malformed_state_files_never_stop_a_build(tmp_path: Path, name: str, text: str) -> None:
    root = copy_digest(tmp_path / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    (root / name).write_text(text, encoding="utf-8")
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert main(["build", "-q", "-C", str(root)]) == 0


def test_damaged_saved_rules_are_one_line_for_topics_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    (root / ".digest" / "topics.json").write_text('{"topics": 7}', encoding="utf-8")
    assert main(["topics", "--diff", "-C", str(root)]) == 1
    err = capsys.readouterr().err
    assert "topics.json: damaged (TypeError); the next digest build saves it again" in err
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert main(["topics", "--diff", "-C", str(root)]) == 0
