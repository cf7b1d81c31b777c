"""Files the build writes: only what changed, never rewritten in place; and the caches
it keeps between builds (``KeptEntries``, sealed files).

Every file a cache keeps is sealed: a first line with the SHA-256 of the rest. A file cut
short, edited, unreadable or not ours reads as missing and is rebuilt; it is never
published and never fatal. And the site never shares an inode with the cache: a script
that edits a published file cannot change what the next build reuses.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

from digest import platform

_SEAL = b"paper-digest-sealed "


def seal(data: bytes) -> bytes:
    return _SEAL + hashlib.sha256(data).hexdigest().encode() + b"\n" + data


def unseal(sealed: bytes) -> bytes | None:
    """The data a sealed file holds, or None if it is damaged or not sealed by us."""
    head, newline, data = sealed.partition(b"\n")
    if not newline or not head.startswith(_SEAL):
        return None
    if head[len(_SEAL) :] != hashlib.sha256(data).hexdigest().encode():
        return None
    return data


def read_sealed(path: Path) -> bytes | None:
    try:
        return unseal(path.read_bytes())
    except OSError:  # missing, unreadable (mode 000), a folder where a file was
        return None


def write_sealed(path: Path, data: bytes) -> None:
    """Whole or not at all: written aside, then renamed into place."""
    write_whole(path, seal(data))


def write_whole(path: Path, data: bytes) -> None:
    staging = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        staging.write_bytes(data)
        os.replace(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)  # a disk that filled up keeps no leftover
        raise


# Cached files the site links to are read-only: a script that opens a published file to
# edit it in place is refused (root aside), and every reuse checks the file's hash first.
READ_ONLY = 0o444


def sha256_of(path: Path) -> str | None:
    """The SHA-256 of a kept file, or None when it is not as the build left it: missing,
    unreadable, or no longer read-only (someone changed its mode, as in chmod 000)."""
    try:
        if path.stat().st_mode & 0o777 != READ_ONLY:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def link_kept(source: str | Path, target: str | Path) -> None:
    """Put a verified, read-only kept file into the site: a hard link where the file
    system allows (no bytes written), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def clone_or_copy(source: str | Path, target: str | Path) -> None:
    """A copy with an inode of its own: a reflink where the file system shares extents
    (Btrfs, XFS: no extra space until one side changes), else a plain copy."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        if not platform.reflink(src.fileno(), dst.fileno()):
            shutil.copyfileobj(src, dst, 1 << 20)


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
        except OSError:
            pass  # unreadable: written anew below
        # A new file, never the old one rewritten: a build killed halfway leaves the
        # last whole version.
        write_whole(target, data)
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
    data = read_sealed(path)
    if data is None:
        return {}
    try:
        kept = pickle.loads(data)
    except Exception:
        return {}
    return kept if isinstance(kept, dict) else {}


def _write(path: Path, kept: dict[str, Any]) -> None:
    write_sealed(path, pickle.dumps(dict(sorted(kept.items())), protocol=pickle.HIGHEST_PROTOCOL))


def remove_quietly(path: Path) -> None:
    """Remove a file or folder of ours, whatever its permission bits."""
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, onerror=_make_writable_and_retry)
        else:
            path.unlink()


def discard(path: Path) -> None:
    """Remove a folder of ours that is done with (an old site); one that cannot be removed
    (a file made immutable, a folder of another user's) is renamed out of the way with a
    warning instead: it must never stop this build, nor the next one."""
    try:
        remove_quietly(path)
    except OSError as err:
        if ".stuck-" not in path.name:
            aside = path.with_name(f"{path.name}.stuck-{os.getpid()}")
            with contextlib.suppress(OSError):
                os.replace(path, aside)
                path = aside
        logging.getLogger("digest").warning(
            "%s: could not be removed (%s); remove it by hand", path, err.strerror or err
        )


def _make_writable_and_retry(function: Any, path: str, _info: Any) -> None:
    parent = os.path.dirname(path)
    with contextlib.suppress(OSError):
        os.chmod(parent, 0o755)
        os.chmod(path, 0o755)
    function(path)
