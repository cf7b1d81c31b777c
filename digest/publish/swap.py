"""Publish a finished site: it replaces ``site_dir`` whole, in one step where the system
can (renameat2), and only where ``site_dir`` is ours (``guard``).

Where it cannot swap in one step, it renames twice and ``recover`` puts the old site back
at the start of the next build if one stopped in between. Another file system (EXDEV)
gets a copy beside the target first; a mount point (EBUSY) gets its files replaced one by
one. A folder that cannot be removed afterwards is set aside, never fatal.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from digest import platform
from digest.filesystem import clone_or_copy, discard, remove_quietly
from digest.guard import SITE_MARKER, SITE_MARKER_TEXT, may_replace
from digest.problems import DigestError


def recover(target: Path) -> None:
    """Put back a site a build stopped between its two renames left aside (where the
    system cannot swap two folders in one step), and clear what such a build left."""
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists() and not target.exists():
        os.replace(previous, target)
    elif previous.exists():
        discard(previous)
    if target.with_name(f".{target.name}.incoming").exists():
        discard(target.with_name(f".{target.name}.incoming"))


def refuse_foreign_site(target: Path) -> None:
    """Stop before building when ``target`` holds files that no digest build wrote."""
    if not may_replace(target):
        raise DigestError(
            f"site_dir '{target}' holds files digest did not write (no {SITE_MARKER} in it); "
            "digest replaces its site folder whole, so it will not touch this one. Point "
            "site_dir in digest.yml at a new folder, or empty this one"
        )


def publish(staged: Path, target: Path) -> bool:
    """Swap the finished ``staged`` folder in as ``target``; the old site stays whole until
    then. Whether ``staged`` now holds the old site (where the two were exchanged in one
    step), to build the next site in (``publish.spare``); else it is gone."""
    refuse_foreign_site(target)
    (staged / SITE_MARKER).write_bytes(SITE_MARKER_TEXT)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and os.path.ismount(target):
        # A mount point cannot be renamed (EBUSY): its files are replaced one by one.
        _replace_contents(staged, target)
        discard(staged)
        return False
    if os.stat(staged).st_dev != os.stat(target.parent).st_dev:
        # Another file system (EXDEV): first a copy beside the target, then the swap.
        incoming = target.with_name(f".{target.name}.incoming")
        remove_quietly(incoming)
        shutil.copytree(staged, incoming, copy_function=clone_or_copy)
        discard(staged)
        _swap_in(incoming, target)
        discard(incoming)  # the old site, on the other file system
        return False
    return _swap_in(staged, target)


def _swap_in(staged: Path, target: Path) -> bool:
    if target.exists() and platform.exchange(staged, target):
        return True  # ``staged`` is the old site now
    # No atomic swap here: two renames, and ``recover`` puts the old site back if a build
    # stops between them.
    previous = target.with_name(f".{target.name}.previous")
    discard(previous)
    if target.exists():
        os.replace(target, previous)
    os.replace(staged, target)
    discard(previous)
    return False


def _replace_contents(staged: Path, target: Path) -> None:
    """Make ``target`` hold what ``staged`` holds, each file replaced whole."""
    wanted = set()
    for source in sorted(staged.rglob("*")):
        relative = source.relative_to(staged)
        wanted.add(relative)
        destination = target / relative
        if source.is_dir():
            if destination.is_symlink() or destination.is_file():
                destination.unlink()
            destination.mkdir(exist_ok=True)
            continue
        if destination.is_dir() and not destination.is_symlink():
            remove_quietly(destination)
        partial = destination.with_name(f".{destination.name}.partial")
        clone_or_copy(source, partial)
        os.replace(partial, destination)
    for path in sorted(target.rglob("*"), reverse=True):
        if path.relative_to(target) not in wanted:
            remove_quietly(path)
