"""Where a build may read and where it may write, checked before anything is written.

A curator's one-line mistake must cost a message, not their work: ``site_dir: .`` would
otherwise have the publish step replace the digest folder (its listings and ``.git``
included) with the built site. And a listing or page that is a symlink to a file outside
the digest (``content/env.txt -> /proc/self/environ``) would publish that file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from digest.problems import Problems

# Written into every site a build publishes; a folder without it is not ours to replace.
SITE_MARKER = ".paper-digest-site"
SITE_MARKER_TEXT = b"This folder is written by paper-digest; digest build replaces it whole.\n"
# Sites published before the marker existed carry this file, which only digest writes.
_LEGACY_SIGNATURE = Path("pagefind") / "digest-shards.js"


def is_within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or lies somewhere under it (both already resolved)."""
    return path == folder or path.is_relative_to(folder)


def check_site_dir(
    site_dir: Path, root: Path, protected: dict[str, Path], file: str, problems: Problems
) -> None:
    """Refuse a ``site_dir`` that is, holds or sits inside what the build must not replace.

    ``protected``: the digest's own inputs and state by the name the curator knows them
    (``listings``, ``.git``...), all resolved.
    """
    fix = "give the site a folder of its own, e.g. site_dir: site"
    if is_within(root, site_dir):
        what = "the digest folder itself" if site_dir == root else "a folder that holds the digest"
        problems.error(
            file,
            "site_dir",
            f"'{site_dir}' is {what}; publishing would replace your listings and .git. {fix}",
        )
        return
    for name, folder in protected.items():
        if is_within(site_dir, folder):
            problems.error(
                file,
                "site_dir",
                f"'{site_dir}' is inside {name}; publishing would replace what is there. {fix}",
            )
        elif is_within(folder, site_dir):
            problems.error(
                file,
                "site_dir",
                f"'{site_dir}' holds {name}; publishing would delete it. {fix}",
            )


def check_inside(
    name: str, path: Path, root: Path, allowed: Iterable[Path], file: str, problems: Problems
) -> None:
    """A configured input folder must lie inside the digest, or be named in ``allow_outside``."""
    if is_within(path, root) or any(is_within(path, folder) for folder in allowed):
        return
    problems.error(
        file,
        name,
        f"'{path}' is outside the digest folder; move it inside, or name it under "
        "allow_outside: in digest.yml if it is meant to be read",
    )


def refusal(path: Path, root: Path, allowed: Iterable[Path]) -> str | None:
    """Why the input file ``path`` must not be read, or None when it may be.

    Symlinks are followed only to files inside the digest (or an ``allow_outside``
    folder), and only regular files are read: never a FIFO that blocks the build, a
    device, or a file of /proc.
    """
    try:
        target = path.resolve(strict=True)
        mode = os.stat(target).st_mode
    except (OSError, RuntimeError):
        return "a broken symlink or an unreadable entry; fix or remove it"
    if not (is_within(target, root) or any(is_within(target, folder) for folder in allowed)):
        return (
            f"a symlink to '{target}', outside the digest folder; copy the file in, or name "
            "its folder under allow_outside: in digest.yml"
        )
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, device or socket); digest reads only files"
    if target.is_relative_to("/proc") or target.is_relative_to("/sys"):
        return "a file of the operating system, not of the digest; remove it"
    return None


def may_replace(site_dir: Path) -> bool:
    """Whether publishing may replace ``site_dir``: it is missing, empty or ours."""
    if not site_dir.exists():
        return True
    if not site_dir.is_dir() or site_dir.is_symlink():
        return False
    if (site_dir / SITE_MARKER).is_file() or (site_dir / _LEGACY_SIGNATURE).is_file():
        return True
    return not any(site_dir.iterdir())
