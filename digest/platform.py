"""The calls that only some systems have, each with what to do where it is missing.

Linux gives a build four things: an exclusive lock on ``.digest/`` (flock), a swap of two
folders in one step (renameat2), a Pagefind child that dies with its parent (prctl), and
memory handed back to the system (malloc_trim). Elsewhere (macOS, Windows) the package
still imports and builds: the lock falls back to an exclusive lock file, the swap to two
renames with a recovery (``publish.swap.recover``), and the other two are skipped.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

try:  # POSIX
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

try:  # Windows
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

LINUX = sys.platform == "linux"


class Busy(Exception):
    """Another process holds the lock."""


def _lock(handle: IO[Any]) -> None:
    if fcntl is not None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise Busy from err
    elif msvcrt is not None:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError as err:
            raise Busy from err


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing); ``Busy`` if another
    process holds it. The lock goes with the process, however it ends."""
    with open(path, "a+") as handle:
        _lock(handle)
        yield


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE).

    False where the system or the file system has no such call; the caller then renames
    twice, with a moment in between where the target is absent.
    """
    if not LINUX:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if result != 0:
        errno = ctypes.get_errno()
        if errno in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: this file system cannot
            return False
        raise OSError(errno, os.strerror(errno), str(second))
    return True


def die_with_parent() -> None:
    """In a child process (a Popen ``preexec_fn``): be killed when the parent dies. A build
    killed with SIGKILL must not leave an orphan writing into the next build's folders."""
    if not LINUX:
        return
    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def child_setup() -> Any:
    """The ``preexec_fn`` for a helper process: ``die_with_parent`` where it exists."""
    return die_with_parent if LINUX else None


def return_free_memory() -> None:
    """Hand memory the build let go of back to the system (glibc keeps it for the process
    otherwise): the build's peak is this process and Pagefind's together."""
    if not LINUX:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def reflink(source_fd: int, target_fd: int) -> bool:
    """Share a file's extents (Btrfs, XFS); False where the file system cannot."""
    if not LINUX or fcntl is None:
        return False
    ficlone = 0x40049409
    try:
        fcntl.ioctl(target_fd, ficlone, source_fd)
    except OSError:
        return False
    return True
