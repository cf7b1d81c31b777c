"""Caches verify themselves: a damaged, cut, unreadable or foreign entry is rebuilt, never
published and never fatal; and the site shares no file with the cache.

Before (issue 11): one empty ``pagefind-entry.json`` made every later build fail, pages
cut in half were published as they were, and an edit to a site/ file (a hard link into
``.digest/``) survived every rebuild.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_digest, tree_digest

from digest.cli import main
from digest.incremental.store import KeptSums, read_sealed


@pytest.fixture(scope="module")
def cold_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = copy_digest(tmp_path_factory.mktemp("cold") / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    return tree_digest(root / "site")


@pytest.fixture
def warm(tmp_path: Path) -> Path:
    root = copy_digest(tmp_path / "digest")
    assert main(["build", "-q", "-C", str(root)]) == 0
    return root


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _empty_entry_files(work: Path) -> None:
    for path in (work / "search-cache").rglob("pagefind-entry.json"):
        path.write_text("")


def _garbage_entry_files(work: Path) -> None:
    for path in (work / "search-cache").rglob("pagefind-entry.json"):
        path.write_bytes(b"\x00not json\xff")


def _cut_search_files(work: Path) -> None:
    for path in _files(work / "search-cache"):
        if path.suffix != ".sums":
            _cut_in_half(path)


def _cut_pages(work: Path) -> None:
    for path in _files(work / "pages"):
        _cut_in_half(path)


def _cut_every_cache(work: Path) -> None:
    for path in _files(work):
        if path.name != "lock":
            _cut_in_half(path)


def _garbage_everywhere(work: Path) -> None:
    for path in _files(work):
        if path.name != "lock":
            path.write_bytes(b"garbage")


def _unreadable(work: Path) -> None:
    for path in _files(work / "pages") + _files(work / "search-cache"):
        path.chmod(0)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "empty pagefind-entry.json": _empty_entry_files,
    "garbage pagefind-entry.json": _garbage_entry_files,
    "search cache cut short": _cut_search_files,
    "pages cut in half": _cut_pages,
    "every cache file cut in half": _cut_every_cache,
    "every cache file garbage": _garbage_everywhere,
    "cache files with mode 000": _unreadable,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_is_rebuilt_not_published(
    warm: Path, cold_site: dict[str, str], damage: str
) -> None:
    DAMAGE[damage](warm / ".digest")

    assert main(["build", "-q", "-C", str(warm)]) == 0
    assert tree_digest(warm / "site") == cold_site
    for path in _files(warm / "site"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o444 == 0o444, path
    # ... and the build after it is an ordinary warm one.
    assert main(["build", "-q", "-C", str(warm)]) == 0
    assert tree_digest(warm / "site") == cold_site


def test_editing_a_published_file_never_survives_a_rebuild(
    warm: Path, cold_site: dict[str, str]
) -> None:
    """Pages and search files are hard links to read-only cache files (copies would cost a
    second per build of the archive on this disk; see bench/RESULTS.md): a script editing a
    published file in place is refused, and one that forces it (root) changes a file whose
    hash no longer verifies, so the next build renders it again."""
    site = warm / "site"
    cached = {path.stat().st_ino for path in _files(warm / ".digest" / "pages")}
    cached |= {path.stat().st_ino for path in _files(warm / ".digest" / "search-cache")}
    shared = [path for path in _files(site) if path.stat().st_ino in cached]
    assert shared  # the pages and the search index
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o444 for path in shared)

    day = site / "days" / "2025-03-11" / "index.html"
    assert day in shared
    with open(day, "r+b") as handle:  # in place, as a careless script run by root would
        handle.write(b"EDITED")
    search_file = next(path for path in shared if path.suffix == ".pf_meta")
    with open(search_file, "r+b") as handle:
        handle.write(b"EDITED")

    assert main(["build", "-q", "-C", str(warm)]) == 0
    assert tree_digest(site) == cold_site


def test_an_edit_to_a_kept_file_taken_at_its_stat_is_still_found(
    warm: Path, cold_site: dict[str, str]
) -> None:
    """A kept page or search file whose size and time are those it had when it was
    last hashed is taken at that hash without reading it (``store.KeptSums``): a
    write through the site's link changes its time, and the next build renders it again."""
    work = warm / ".digest"
    kept = _files(work / "pages") + _files(work / "search-cache")
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for path in kept:  # as if written long before the build that hashes them
        if stat.S_IMODE(path.stat().st_mode) == 0o444:
            os.utime(path, ns=(an_hour_ago, an_hour_ago))
    site = warm / "site"
    before = {path: path.stat().st_ino for path in _files(site)}
    (work / "up-to-date.json").unlink()
    assert main(["build", "-q", "-C", str(warm)]) == 0
    assert tree_digest(site) == cold_site
    for folder in ("pages", "search-cache"):  # each hashed once, and known by its stat now
        known = json.loads(read_sealed(work / folder / KeptSums.NAME) or b"{}")
        assert len(known) > 10
        assert all(entry[1] == an_hour_ago for entry in known.values())

    # A page taken from the cache (not one of the navigation's, rendered every time) and
    # a file of the search index, as the last build published them.
    cached_pages = {path.stat().st_ino for path in _files(work / "pages")}
    reused = [path for path in _files(site) if before[path] == path.stat().st_ino]
    page = next(path for path in reused if path.stat().st_ino in cached_pages)
    search_file = next(path for path in reused if path.suffix == ".pf_meta")
    for path in (page, search_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
        with open(path, "r+b") as handle:  # in place, as root may
            handle.write(b"EDITED")
    (work / "up-to-date.json").unlink()  # the site check would catch it first
    assert main(["build", "-q", "-C", str(warm)]) == 0
    assert tree_digest(site) == cold_site


def test_fresh_ignores_every_cache(warm: Path, cold_site: dict[str, str]) -> None:
    work = warm / ".digest"
    stray = work / "pages" / "left-by-someone.html"
    stray.write_text("stale")
    published = tree_digest(warm / "site")

    def kept_files() -> set[Path]:
        """What .digest/ holds besides the site kept to build the next one in."""
        return {
            path.relative_to(work)
            for path in _files(work)
            if path.relative_to(work).parts[0] not in ("site", "site.spare")
        }

    before = kept_files()

    assert main(["build", "--fresh", "-q", "-C", str(warm)]) == 0

    assert not stray.exists()
    assert tree_digest(warm / "site") == cold_site
    assert kept_files() == before - {stray.relative_to(work)}
    # The site this build replaced, kept whole (publish.spare).
    assert tree_digest(work / "site") == published
    assert os.path.isfile(work / "lock")
