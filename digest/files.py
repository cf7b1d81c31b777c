"""Writing the build's files without writing what is already there."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Any


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """A hard link where the file system allows, a copy elsewhere. Linked files are
    never written to again: a new version is always a new file."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


class SyncedFolder:
    """A folder rewritten by every build, where a file whose bytes did not change is left
    alone and a file the build did not write is removed: creating files is the slow part
    of writing thousands of small ones."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: set[Path] = set()
        self.folders: set[Path] = set()
        root.mkdir(parents=True, exist_ok=True)

    def write(self, relative: str, data: bytes) -> Path:
        target = self.root / relative
        self.written.add(target)
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return target
        except FileNotFoundError:
            if target.parent not in self.folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self.folders.add(target.parent)
        # A new file, never the old one rewritten: the site hard-links these files, and
        # the published site must not change under a build.
        staging = target.with_name(f".{target.name}.partial")
        staging.write_bytes(data)
        os.replace(staging, target)
        return target

    def keep(self, relative: str) -> bool:
        """Leave a file as the last build wrote it; False if it is not there."""
        target = self.root / relative
        if not target.is_file():
            return False
        self.written.add(target)
        return True

    def copy(self, relative: str, source: Path) -> Path:
        return self.write(relative, source.read_bytes())

    def remove_others(self) -> None:
        for path in sorted(self.root.rglob("*"), reverse=True):
            if path.is_file() and path not in self.written:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def load_kept(path: Path) -> dict[Any, Any]:
    """A cache file written by ``keep_file``, or nothing: a cache that is missing, cut
    short or not ours is rebuilt, never trusted and never an error."""
    try:
        with open(path, "rb") as handle:
            kept = pickle.load(handle)
    except Exception:
        return {}
    return kept if isinstance(kept, dict) else {}


def keep_file(path: Path, kept: dict[Any, Any]) -> None:
    """Write a cache file whole or not at all (written aside, then renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(staging, "wb") as handle:
        pickle.dump(dict(sorted(kept.items())), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(staging, path)
