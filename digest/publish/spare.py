"""The folder a build assembles the site in is the site published before the current one,
kept after the swap and brought up to date, instead of a new folder: on the two-year
archive that is 22,000 files and 11,000 folders neither removed nor created again.

The swap (``publish.swap``) exchanges the new site with the published one, so the folder
it leaves behind is a whole earlier site. It is trusted only with a marker written after
the swap, naming the code that laid it out; the marker is removed before a build starts
changing the folder, so a build stopped anywhere leaves a folder the next one empties.
Nothing in it is written through: a file is replaced by a new one (it may be a link to a
file the published site shows), and what this build did not put there is swept away.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from digest.filesystem import discard, write_whole

MARKER = "site.spare"


def take_spare(folder: Path, staged: Path, layout: str) -> bool:
    """Before a build changes ``staged``: keep it if the last build left it whole under
    this ``layout`` (the code's fingerprint), else empty it. Whether it was kept."""
    marker = folder / MARKER
    try:
        trusted = marker.read_text(encoding="utf-8") == layout
    except (OSError, ValueError):
        trusted = False
    marker.unlink(missing_ok=True)
    trusted = trusted and staged.is_dir() and not staged.is_symlink()
    if not trusted and (staged.exists() or staged.is_symlink()):
        discard(staged)
    return trusted


def keep_spare(folder: Path, layout: str) -> None:
    """After the swap left the previous site in the build's folder: trust it next time."""
    write_whole(folder / MARKER, layout.encode("utf-8"))


def clear_way(site: Path, relative_files: set[str]) -> None:
    """Remove what stands where this build puts a folder: a file (or a link) of an
    earlier site at the place of a folder the build writes into, or of one above it."""
    folders: set[str] = set()
    for relative in relative_files:
        folder = relative.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    # Outer folders first: what stood in their place is gone before their insides are
    # looked at. One ``lstat`` a folder (a year of arXiv has 15,000 paper-page folders).
    for folder in sorted(folders):
        path = os.path.join(site, folder)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        # A file, or a link (to a folder too: the build would write where it points).
        if not S_ISDIR(mode):
            os.unlink(path)


@dataclass
class Swept:
    """What stays in a swept site: each file's ``lstat`` by its relative path (with
    ``/``), and the bytes and number of its regular files."""

    stats: dict[str, os.stat_result] = field(default_factory=dict)
    size: int = 0
    files: int = 0


def sweep(site: Path, expected: set[str]) -> Swept:
    """Remove every file under ``site`` whose path (relative, with ``/``) is not in
    ``expected``, and the folders that leaves empty; what stays."""
    swept = Swept()

    def visit(folder: str, prefix: str) -> bool:
        """Sweep ``folder``; whether it is empty now."""
        empty = True
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if visit(entry.path, relative + "/"):
                        os.rmdir(entry.path)
                    else:
                        empty = False
                elif relative in expected:
                    empty = False
                    stat = swept.stats[relative] = entry.stat(follow_symlinks=False)
                    if S_ISREG(stat.st_mode):
                        swept.size += stat.st_size
                        swept.files += 1
                else:
                    os.unlink(entry.path)
        return empty

    visit(str(site), "")
    return swept
