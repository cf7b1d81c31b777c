"""Files the build writes: only what changed, never rewritten in place; and the caches
it keeps between builds (``KeptEntries``)."""

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


class KeptEntries:
    """What earlier builds made, kept in files of a folder by segment (``<segment>.pickle``),
    each a mapping from a key (a hash of everything the entry was made from) to the entry.

    A segment is read when first asked for. ``save`` keeps exactly the entries this build
    ``put``: it rewrites only the segments whose keys changed (a new day touches one) and
    removes the files of segments it did not use. A file that is missing, cut short or
    not ours reads as empty: rebuilt, never trusted, never an error.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kept: dict[str, dict[str, Any]] = {}
        self.used: dict[str, dict[str, Any]] = {}

    def _segment(self, segment: str) -> dict[str, Any]:
        if segment not in self.kept:
            self.kept[segment] = _load(self.folder / f"{segment}.pickle")
            self.used[segment] = {}
        return self.kept[segment]

    def get(self, segment: str, key: str) -> Any | None:
        return self._segment(segment).get(key)

    def put(self, segment: str, key: str, entry: Any) -> None:
        self._segment(segment)
        self.used[segment][key] = entry

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for segment, used in self.used.items():
            if used.keys() != self.kept[segment].keys():
                _write(self.folder / f"{segment}.pickle", used)
        wanted = {f"{segment}.pickle" for segment in self.used}
        for path in self.folder.iterdir():
            if path.name not in wanted:
                path.unlink(missing_ok=True)


def _load(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            kept = pickle.load(handle)
    except Exception:
        return {}
    return kept if isinstance(kept, dict) else {}


def _write(path: Path, kept: dict[str, Any]) -> None:
    """Whole or not at all: written aside, then renamed into place."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(staging, "wb") as handle:
        pickle.dump(dict(sorted(kept.items())), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(staging, path)
