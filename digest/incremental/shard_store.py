"""Search index shards from earlier builds, each a Pagefind bundle kept under the hash of
its records (``search.Shard.key``).

A bundle is written aside, then renamed into place with a sealed list of its files and
their SHA-256; its files are made read-only, since the site hard-links them. A bundle
whose list or files do not verify is indexed again, never published.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from digest.filesystem import READ_ONLY, link_in_place, remove_quietly
from digest.incremental.store import KeptSums, read_sums, write_sums


class ShardStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.kept_sums = KeptSums(folder)

    def _bundle(self, key: str) -> Path:
        return self.folder / key

    def _sums_file(self, key: str) -> Path:
        return self.folder / f"{key}.sums"

    def _sums(self, key: str) -> dict[str, str] | None:
        return read_sums(self._sums_file(key))

    def has(self, key: str, usable: Callable[[Path], bool]) -> bool:
        """Whether the bundle is kept whole: every file listed, with its bytes and mode,
        and ``usable`` (the indexer's own check) says yes."""
        sums = self._sums(key)
        if sums is None:
            return False
        bundle = self._bundle(key)
        if any(
            self.kept_sums.sha256_of(bundle / relative, f"{key}/{relative}") != expected
            for relative, expected in sums.items()
        ):
            return False
        return usable(bundle)

    def staging(self, key: str) -> Path:
        """An empty folder to write the bundle into."""
        staging = self.folder / f"{key}.partial"
        remove_quietly(staging)
        return staging

    def commit(self, key: str, staging: Path, sums: dict[str, str]) -> None:
        """Keep the bundle written into ``staging``, whose files have these SHA-256."""
        for relative in sums:
            (staging / relative).chmod(READ_ONLY)
        # A damaged bundle of the same key may be there: it is replaced whole.
        remove_quietly(self._bundle(key))
        os.replace(staging, self._bundle(key))
        write_sums(self._sums_file(key), sums)

    def link(self, key: str, target: Path, wanted: Callable[[str], bool]) -> list[str]:
        """Link the files of a bundle that ``wanted`` takes into ``target`` (only those
        its list names: nothing else that may lie in the folder is published); the files
        linked, relative to ``target``."""
        sums = self._sums(key)
        if sums is None:
            raise OSError(f"{self._bundle(key)}: a kept search bundle changed during the build")
        # As strings: a shard is thousands of small files, each in place already in the
        # site kept from the build before (``publish.spare``).
        bundle, into = str(self._bundle(key)), str(target)
        linked = []
        for relative in sorted(sums):
            if not wanted(relative):
                continue
            link_in_place(os.path.join(bundle, relative), os.path.join(into, relative))
            linked.append(relative)
        return linked

    def prune(self, keep: set[str]) -> None:
        """Only the bundles of the newest build stay, so the cache never outgrows the site."""
        self.kept_sums.save()
        wanted = keep | {self._sums_file(key).name for key in keep} | {KeptSums.NAME}
        for entry in self.folder.iterdir():
            if entry.name not in wanted:
                remove_quietly(entry)
