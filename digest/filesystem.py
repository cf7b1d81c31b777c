"""How the build writes and removes files: only what changed, each file whole (written
aside, then renamed), never a half file; folders of ours removed whatever their
permission bits, and set aside with a warning where they cannot be."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from digest import platform
from digest.problems import DigestError


def write_whole(path: Path, data: bytes) -> None:
    staging = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        staging.write_bytes(data)
        os.replace(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)  # a disk that filled up keeps no leftover
        raise


class RefusedWrite(DigestError):
    """A file of the curator's that digest will not replace (a symbolic link)."""


def write_atomically(path: Path, data: bytes) -> bool:
    """Replace a file of the curator's (a listing, curation.yml, the fetch log) with
    ``data`` unless it already holds exactly that: never a half file, even after a
    power cut (written aside, flushed to disk, renamed). The file keeps its mode; a new
    one gets the umask's. A symbolic link is refused, not replaced by a file: it points
    somewhere the curator chose, and writing through it would leave the digest."""
    if path.is_symlink():
        raise RefusedWrite(
            f"{path}: a symbolic link; digest writes only regular files: put the file itself there"
        )
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


# Cached files the site links to are read-only: a script that opens a published file to
# edit it in place is refused (root aside), and every reuse checks the file's hash first.
READ_ONLY = 0o444


def link_kept(source: str | Path, target: str | Path) -> None:
    """Put a verified, read-only kept file into the site: a hard link where the file
    system allows (no bytes written), else a copy."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise  # no source, or no folder to put it in: a copy would fail the same way
    except OSError:
        shutil.copyfile(source, target)


def link_in_place(source: str | Path, target: str | Path) -> None:
    """``link_kept`` into a folder that may hold an earlier site (``publish.spare``):
    nothing to do where ``target`` is that file already; whatever else is there is removed
    first, never written through (it may be a link to a file a published site shows).
    The target's folder is made if missing."""
    try:
        if os.path.samefile(source, target):
            return
        remove_quietly(Path(target))
    except FileNotFoundError:
        pass  # nothing there yet
    try:
        link_kept(source, target)
    except FileNotFoundError:
        # Its folder is not there yet: made only then (a year of arXiv links 15,000 paper
        # pages, each in a folder of its own, almost all there from the site before).
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        link_kept(source, target)


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
        # Paths as strings, as ``os.walk`` gives them back: a new day keeps 10,000 paper
        # pages, and a ``Path`` each cost more than the check that the file is there.
        self._root = str(root)
        self.written: set[str] = set()
        self.folders: set[Path] = set()
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, relative: str) -> str:
        """Where a file goes, spelt as ``os.walk`` gives it back (``remove_others``)."""
        return os.path.normpath(os.path.join(self._root, relative))

    def write(self, relative: str, data: bytes) -> Path:
        where = self._path(relative)
        self.written.add(where)
        target = Path(where)
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
        target = self._path(relative)
        if not os.path.isfile(target):
            return False
        self.written.add(target)
        return True

    def files(self) -> dict[str, str]:
        """Each file written or kept, by its path relative to the folder (with ``/``)."""
        start = len(self._root) + 1
        return {path[start:].replace(os.sep, "/"): path for path in sorted(self.written)}

    def copy(self, relative: str, source: Path) -> Path:
        return self.write(relative, source.read_bytes())

    def remove_others(self, left: Iterable[str] | None = None) -> None:
        """Remove every file this build did not write or keep, and the folders that leaves
        empty. ``left``: the files (relative, with ``/``) the last build left here, where
        it recorded them: only those are looked at, not the whole folder (a walk of
        10,000 paper pages' folders on the two-year archive, each build); a file another
        hand put here then stays (a folder of which only what is written or kept is used)."""
        if left is not None:
            self._remove_left(left)
            return
        emptied: set[str] = set()
        for folder, folders, files in os.walk(self._root, topdown=False):
            stays = False
            for name in files:
                path = os.path.join(folder, name)
                if path in self.written:
                    stays = True
                else:
                    os.unlink(path)
            # A link to a folder is listed with the folders, and never emptied here.
            stays = stays or any(os.path.join(folder, name) not in emptied for name in folders)
            if not stays and folder != self._root:
                with contextlib.suppress(OSError):  # a file that came in meanwhile
                    os.rmdir(folder)
                    emptied.add(folder)

    def _remove_left(self, left: Iterable[str]) -> None:
        for relative in left:
            path = self._path(relative)
            if path in self.written or not path.startswith(self._root + os.sep):
                continue
            remove_quietly(Path(path))
            # And its folders, as far as that leaves them empty.
            folder = os.path.dirname(path)
            while folder != self._root:
                try:
                    os.rmdir(folder)
                except OSError:  # not empty (or gone)
                    break
                folder = os.path.dirname(folder)


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
