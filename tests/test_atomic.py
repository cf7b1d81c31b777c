"""A build killed at any moment leaves the previous site/ whole; the next build cleans up."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import FIXTURES, SEED, copy_digest, tree_digest

from digest.cli import main

FORMATS = FIXTURES / "formats"


def descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        for task in Path(f"/proc/{stack.pop()}/task").glob("*"):
            children = [int(c) for c in (task / "children").read_text().split()]
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
    # A bigger input, so a build takes long enough to be killed in each of its stages.
    for name in ("dzdydx_arxiv-rss-filter_feed.xml", "hfnewsletter_daily_papers_2026-08-21.json"):
        shutil.copy(FORMATS / name, root / "listings" / name)
    command = [sys.executable, "-m", "digest", "build", "-q", "-C", str(root)]

    started = time.monotonic()
    subprocess.run(command, check=True)
    full = time.monotonic() - started
    new = tree_digest(root / "site")
    assert new != old

    seen = set()
    for fraction in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95):
        # Start from the old site each time, then kill a rebuild part of the way through.
        (root / "listings" / "dzdydx_arxiv-rss-filter_feed.xml").rename(tmp_path / "held.xml")
        subprocess.run(command, check=True)
        assert tree_digest(root / "site") != new
        before = tree_digest(root / "site")
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

    # The next build succeeds and leaves no staging folder or set-aside site behind.
    subprocess.run(command, check=True)
    assert tree_digest(root / "site") == new
    assert not (root / ".site.previous").exists()
    assert not (root / ".digest" / "site").exists()
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
