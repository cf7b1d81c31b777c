"""The publishing guarantee: at every moment site/ holds one whole build, the previous or
the new one, so every link on a published page resolves. A build killed at any of 20
moments leaves the previous site/ whole (or the new one, once swapped in); the next
build cleans up."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, SEED, broken_links, copy_digest, tree_digest

from digest.cli import main
from digest.incremental import up_to_date

FORMATS = FIXTURES / "formats"


def descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        for task in Path(f"/proc/{stack.pop()}/task").glob("*"):
            try:
                listed = (task / "children").read_text()
            except (FileNotFoundError, ProcessLookupError):
                # The thread (or its process) ended while walked: it has no children
                # left. Seen once in CI, a build's worker thread ending mid-walk.
                continue
            children = [int(c) for c in listed.split()]
            found += children
            stack += children
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def test_killed_builds_leave_the_old_site_or_the_new_one_never_a_mix(tmp_path: Path) -> None:
    root = copy_digest(tmp_path / "digest", listings=False)
    shutil.copy(SEED, root / "listings" / SEED.name)
    assert main(["build", "-q", "-C", str(root)]) == 0
    old = tree_digest(root / "site")
    assert broken_links(root / "site") == []
    # A bigger input, so a build takes long enough to be killed in each of its stages.
    for name in ("dzdydx_arxiv-rss-filter_feed.xml", "hfnewsletter_daily_papers_2026-08-21.json"):
        shutil.copy(FORMATS / name, root / "listings" / name)
    command = [sys.executable, "-m", "digest", "build", "-q", "-C", str(root)]

    started = time.monotonic()
    subprocess.run(command, check=True)
    full = time.monotonic() - started
    new = tree_digest(root / "site")
    assert new != old
    # Both whole sites keep every link; each moment below finds one of them, byte for byte.
    assert broken_links(root / "site") == []

    seen = set()
    previous: dict[str, str] | None = None
    for fraction in [moment / 21 for moment in range(1, 21)]:
        # Start from the old site each time, then kill a rebuild part of the way through.
        (root / "listings" / "dzdydx_arxiv-rss-filter_feed.xml").rename(tmp_path / "held.xml")
        subprocess.run(command, check=True)
        before = tree_digest(root / "site")
        if previous is None:  # the site every kill below starts from: its links too
            assert broken_links(root / "site") == []
            previous = before
        assert before == previous != new  # the same whole build each time
        (tmp_path / "held.xml").rename(root / "listings" / "dzdydx_arxiv-rss-filter_feed.xml")
        process = subprocess.Popen(command)
        time.sleep(full * fraction)
        children = descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        time.sleep(0.3)
        # Pagefind dies with the build; no orphan goes on writing into the next one's folder.
        survivors = [pid for pid in children if alive(pid)]
        assert survivors == [], f"killed at {fraction:.0%}: {survivors} outlived the build"
        after = tree_digest(root / "site")
        assert after in (before, new), (
            f"killed at {fraction:.0%}: site/ is neither the old nor the new one"
        )
        seen.add("old" if after == before else "new")
    assert "old" in seen  # some kills did land mid-build

    # The next build succeeds and leaves no set-aside site behind; the site it replaced is
    # kept whole in .digest/site, to build the next one in (publish.spare). (A kill that
    # landed after the last build recorded its site leaves a build with nothing to do,
    # test_up_to_date's; the record is forgotten so that this one builds either way.)
    published = tree_digest(root / "site")
    up_to_date.forget(root / ".digest")
    subprocess.run(command, check=True)
    assert tree_digest(root / "site") == new
    assert not (root / ".site.previous").exists()
    assert tree_digest(root / ".digest" / "site") == published
    assert (root / ".digest" / "site.spare").is_file()
    assert sorted(p.name for p in root.iterdir()) == [
        ".digest",
        "content",
        "digest.yml",
        "listings",
        "mkdocs.yml",
        "site",
        "templates",
    ]


def test_pagefind_dies_with_the_process_that_started_it() -> None:
    """A killed build's Pagefind must not live on to write into the next build's folder.
    Pagefind also ends when its input closes, so this test holds that input open itself:
    only the parent-death signal can end the process then."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from digest.site.search import PagefindService; "
            "service = PagefindService(); print(service.process.pid, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    pagefind = int(child.stdout.readline())
    with open(f"/proc/{pagefind}/fd/0", "wb"):
        assert alive(pagefind)
        child.send_signal(signal.SIGKILL)
        child.wait()
        deadline = time.monotonic() + 5
        while alive(pagefind) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pagefind), "Pagefind outlived the process that started it"


def test_a_build_stopped_after_writing_paper_pages_leaves_nothing_the_next_one_trusts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The paper pages are rewritten in .digest/docs before their sums are saved: a build
    stopped between the two (a kill, a full disk) must not leave the last build's sums
    vouching for the pages it rewrote. They did: the next build kept pages that named
    related papers no longer listed, links to pages that did not exist."""
    import digest.build

    root = copy_digest(tmp_path / "digest", listings=False)
    shutil.copy(SEED, root / "listings" / SEED.name)
    day = "hfnewsletter_daily_papers_2026-08-21.json"
    shutil.copy(FORMATS / day, root / "listings" / day)
    assert main(["build", "-q", "-C", str(root)]) == 0
    cold = tree_digest(root / "site")
    extra = "dzdydx_arxiv-rss-filter_feed.xml"
    shutil.copy(FORMATS / extra, root / "listings" / extra)
    saved = digest.build.write_sums

    def stopped(path: Path, sums: dict[str, str]) -> None:
        raise OSError(28, "No space left on device")  # between the pages and their sums

    monkeypatch.setattr(digest.build, "write_sums", stopped)
    assert main(["build", "-q", "-C", str(root)]) == 1
    monkeypatch.setattr(digest.build, "write_sums", saved)
    (root / "listings" / extra).unlink()
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert tree_digest(root / "site") == cold
    assert broken_links(root / "site") == []
