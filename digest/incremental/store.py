"""What earlier builds kept under ``.digest/``, and how it proves itself before reuse.

Every file a cache keeps is sealed: a first line with the SHA-256 of the rest, or, for
files the site hard-links to (pages, search files), a read-only file whose SHA-256 is
kept in a sealed list (and checked by its stat where it is as it was when last hashed:
``KeptSums``). A file cut short, edited, unreadable or not ours reads as missing and is
rebuilt; it is never published and never fatal. The seal is a check against damage,
not against an attacker (anyone who can plant a file can seal it): so what is kept is data
only (``data_codec``), and reading a planted file can build nothing but declared data.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest.filesystem import READ_ONLY, write_whole

if TYPE_CHECKING:
    from digest.incremental.data_codec import Codec
    from digest.incremental.typed_codec import TypedCodec

_SEAL = b"paper-digest-sealed "


def seal(data: bytes) -> bytes:
    return _SEAL + hashlib.sha256(data).hexdigest().encode() + b"\n" + data


def unseal(sealed: bytes) -> bytes | None:
    """The data a sealed file holds, or None if it is damaged or not sealed by us."""
    view = unsealed_view(sealed)
    return None if view is None else view.tobytes()


def unsealed_view(sealed: bytes) -> memoryview | None:
    """``unseal`` without copying the data (the listing store reads 400 MB a build)."""
    end = sealed.find(b"\n")
    if end < 0 or not sealed.startswith(_SEAL):
        return None
    data = memoryview(sealed)[end + 1 :]
    if sealed[len(_SEAL) : end] != hashlib.sha256(data).hexdigest().encode():
        return None
    return data


def read_sealed(path: Path) -> bytes | None:
    view = read_sealed_view(path)
    return None if view is None else view.tobytes()


def read_sealed_view(path: Path) -> memoryview | None:
    """``read_sealed`` without copying the data (``unsealed_view``)."""
    try:
        return unsealed_view(path.read_bytes())
    except OSError:  # missing, unreadable (mode 000), a folder where a file was
        return None


def write_sealed(path: Path, data: bytes) -> None:
    """Whole or not at all: written aside, then renamed into place."""
    write_whole(path, seal(data))


def read_sums(path: Path) -> dict[str, str] | None:
    """A sealed list of names and their SHA-256 (``write_sums``); None if it is missing,
    damaged or not of that shape."""
    sealed = read_sealed(path)
    try:
        sums = json.loads(sealed) if sealed is not None else None
    except ValueError:
        return None
    if not isinstance(sums, dict) or not all(isinstance(v, str) for v in sums.values()):
        return None
    return sums


def write_sums(path: Path, sums: dict[str, str]) -> None:
    write_sealed(path, json.dumps(sums, sort_keys=True).encode())


# Hashed again next time whatever its stat says: modified this close to its hashing (a
# write within the same clock tick could keep its size and time).
_RACY_NS = 1_000_000_000

# A file's sum as last hashed: size, modification time (ns; -1: hash again), SHA-256.
FileSum = tuple[int, int, str]


def sum_by_stat(path: Path, stat: os.stat_result, before: Any, now: int) -> FileSum:
    """The file's sum: ``before`` (an earlier ``FileSum``, as kept in JSON) where its
    size and modification time are still those, else its bytes hashed now. A sum made
    within a second of the file's modification records no time: it is never taken
    again (as git's index treats a racily clean file)."""
    if (
        isinstance(before, list | tuple)
        and len(before) == 3
        and before[0] == stat.st_size
        and before[1] == stat.st_mtime_ns
        and isinstance(before[2], str)
    ):
        return stat.st_size, stat.st_mtime_ns, before[2]
    with path.open("rb") as file:
        sha = hashlib.file_digest(file, "sha256").hexdigest()
    settled = now - stat.st_mtime_ns > _RACY_NS
    return stat.st_size, stat.st_mtime_ns if settled else -1, sha


class KeptSums:
    """The SHA-256 of the read-only files a store keeps (pages, search bundles), each
    remembered with the size and modification time the file had when hashed, in a
    sealed file of the store's folder. A file that still has both is taken at that hash
    without reading it, by the rule the up-to-date check takes its inputs by
    (``sum_by_stat``); one modified within a second of its hashing is hashed again.
    (Reading and hashing 11,000 kept files was 0.3 CPU s of a new day on the two-year
    archive.) A write through the site's link to a kept file changes its time, so it is
    still found; a write that sets the time back on purpose is not. The inode is not
    compared: a digest copied with its times kept (``cp -a``, a CI cache restored) is
    still known."""

    NAME = "kept-sums.json"

    def __init__(self, folder: Path) -> None:
        self.file = folder / self.NAME
        known = read_sealed(self.file)
        try:
            loaded = json.loads(known) if known is not None else {}
        except ValueError:
            loaded = {}
        self.known: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        self.asked: dict[str, FileSum] = {}
        self._now = time.time_ns()

    def sha256_of(self, path: Path, name: str) -> str | None:
        """The SHA-256 of the kept file ``path`` (``name``: its place in the store), or
        None when it is not as the build left it: missing, unreadable, or no longer
        read-only (someone changed its mode, as in chmod 000)."""
        try:
            stat = path.stat()
            if stat.st_mode & 0o777 != READ_ONLY:
                return None
            summed = sum_by_stat(path, stat, self.known.get(name), self._now)
        except OSError:
            return None
        self.asked[name] = summed
        return summed[2]

    def save(self) -> None:
        """Keep the sums of the files asked for in this build, and no others."""
        write_sealed(self.file, json.dumps(self.asked, sort_keys=True).encode())


class KeptEntries:
    """What earlier builds made, kept in files of a folder by segment (``<segment>.json``),
    each a mapping from a key (a hash of everything the entry was made from) to the entry.

    A segment is read when first asked for. ``save`` keeps exactly the entries this build
    ``put``: it rewrites only the segments whose keys changed (a new day touches one) and
    removes the files of segments it did not use. A file that is missing, cut short or
    not ours reads as empty: rebuilt, never trusted, never an error.
    """

    def __init__(
        self, folder: Path, types: tuple[type, ...] = (), codec: TypedCodec | None = None
    ) -> None:
        """``types``: the dataclasses and enums the entries are made of; ``codec``: a
        typed codec for a segment instead (the mapping of keys to entries of one type)."""
        # Loaded with the first store (NumPy, SciPy): a build with nothing to do reads
        # only sealed JSON (``up_to_date``).
        from digest.incremental.data_codec import Codec

        self.folder = folder
        self.codec: Codec | TypedCodec = codec if codec is not None else Codec(types)
        self.kept: dict[str, dict[str, Any]] = {}
        self.used: dict[str, dict[str, Any]] = {}
        # Entries kept as they are without being read (``retain``), by segment.
        self.retained: dict[str, set[str]] = {}
        # After ``settle``: the segments to write (encoded), and every segment in use.
        self.settled: dict[str, bytes] | None = None
        self.in_use: set[str] = set()

    def _segment(self, segment: str) -> dict[str, Any]:
        if self.settled is not None:
            # A segment loaded again would be kept empty: the store has let go of its entries.
            raise RuntimeError("the store was settled: its entries are no longer held")
        if segment not in self.kept:
            self.kept[segment] = _load(self.folder / f"{segment}.json", self.codec)
            self.used[segment] = {}
            for key in self.retained.get(segment, ()):
                self._keep(segment, key)
        return self.kept[segment]

    def _keep(self, segment: str, key: str) -> None:
        entry = self.kept[segment].get(key)
        if entry is not None:
            self.used[segment][key] = entry

    def get(self, segment: str, key: str) -> Any | None:
        return self._segment(segment).get(key)

    def put(self, segment: str, key: str, entry: Any) -> None:
        self._segment(segment)
        self.used[segment][key] = entry

    def retain(self, segment: str, key: str) -> None:
        """Keep the entry ``key`` as it is without reading it: its segment's file is left
        as it is unless another of its entries is asked for (then the segment is read,
        and the entry kept from it). A file that holds more than the retained entries
        keeps them too, until a build reads it."""
        self.retained.setdefault(segment, set()).add(key)
        if segment in self.kept:
            self._keep(segment, key)

    def settle(self) -> None:
        """Encode now what ``save`` will write, and let go of every entry read: the
        build holds what it needs. (A build's listing readings are a third of its
        memory: at 64 weekdays of arXiv, 250 of 800 MB, kept until saved under the lock.)"""
        self.settled = {
            segment: _encoded(used, self.codec)
            for segment, used in self.used.items()
            if used.keys() != self.kept[segment].keys()
        }
        self.in_use = set(self.used) | set(self.retained)
        self.kept.clear()
        self.used.clear()

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for segment, used in self.used.items():
            if used.keys() != self.kept[segment].keys():
                _write(self.folder / f"{segment}.json", used, self.codec)
        for segment, data in (self.settled or {}).items():
            write_sealed(self.folder / f"{segment}.json", data)
        wanted = {f"{segment}.json" for segment in [*self.used, *self.in_use, *self.retained]}
        for path in self.folder.iterdir():
            if path.name not in wanted:
                path.unlink(missing_ok=True)


def _load(path: Path, codec: Codec | TypedCodec) -> dict[str, Any]:
    from digest.incremental.data_codec import CodecError

    data = read_sealed_view(path)
    if data is None:
        return {}
    try:
        kept = codec.loads(data)
    except CodecError:
        return {}
    return kept if isinstance(kept, dict) else {}


def _encoded(kept: dict[str, Any], codec: Codec | TypedCodec) -> bytes:
    return codec.dumps(dict(sorted(kept.items())))


def _write(path: Path, kept: dict[str, Any], codec: Codec | TypedCodec) -> None:
    write_sealed(path, _encoded(kept, codec))
