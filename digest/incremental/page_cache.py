"""Pages MkDocs rendered before, reused when nothing they show has changed.

A page's HTML is a function of its own source (its Markdown and raw HTML blocks) and of
what every page shows (the theme, mkdocs.yml, the navigation, the templates, the code
that renders them). Both go into the page's cache key, so a cached page is reused only
where a cold build would write the same bytes; a test builds both ways and compares.
Pages in the navigation are always rendered: their neighbours' titles show on them.

On the two-year archive a new day changes about 36 of its 1,166 pages; the others are
hard-linked from ``.digest/pages/`` instead of rendered by MkDocs. Kept pages are
read-only, and their SHA-256 is kept in a sealed ``sums`` file: a page that was cut,
edited (through the site's link to it too), made unreadable or replaced does not verify,
and is rendered again, never published.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from digest.filesystem import READ_ONLY, link_in_place, link_kept
from digest.incremental.store import KeptSums, read_sums, write_sums


class PageCache:
    def __init__(self, folder: Path, key: str, always: set[str]) -> None:
        """``key``: what every page shows (``global_key``); ``always``: the pages to
        render whatever the cache holds."""
        self.folder = folder
        self.key = key
        self.always = always
        folder.mkdir(parents=True, exist_ok=True)
        self.entries: dict[str, str] = {}
        self.reusable: set[str] = set()
        self.destinations: dict[str, str] = {}
        self.verified: dict[str, bool] = {}
        self.sums = read_sums(folder / _SUMS) or {}
        self.kept_sums = KeptSums(folder)

    def _entry(self, source: str) -> str:
        return hashlib.sha256(f"{self.key} {source}".encode()).hexdigest()[:32]

    def has(self, page: str, source: str) -> bool:
        """Whether the page, with a source of this hash, can be taken from the cache."""
        if page in self.always:
            return False
        entry = self._entry(source)
        if entry not in self.verified:
            expected = self.sums.get(entry)
            self.verified[entry] = (
                expected is not None
                and self.kept_sums.sha256_of(self._path(entry), f"{entry}.html") == expected
            )
        return self.verified[entry]

    def plan(self, sources: dict[str, str]) -> None:
        """``sources``: each page's source path with the hash of its source."""
        self.entries = {page: self._entry(source) for page, source in sources.items()}
        self.reusable = {page for page, source in sources.items() if self.has(page, source)}

    def _path(self, entry: str) -> Path:
        return self.folder / f"{entry}.html"

    def place(self, page: str, target: Path) -> None:
        """Put a reused page into the site being built."""
        link_in_place(self._path(self.entries[page]), target)

    def keep(self, site_dir: Path) -> None:
        """After a build: keep what MkDocs rendered, let go of what this build did not use."""
        kept: dict[str, str] = {}
        for page, destination in self.destinations.items():
            entry = self.entries[page]
            if page in self.reusable or self.verified.get(entry):
                kept[entry] = self.sums[entry]
                continue
            rendered = site_dir / destination
            staging = self.folder / f".{entry}.partial"
            staging.unlink(missing_ok=True)
            link_kept(rendered, staging)  # the page MkDocs just wrote, read-only from now on
            staging.chmod(READ_ONLY)
            os.replace(staging, self._path(entry))
            kept[entry] = hashlib.sha256(rendered.read_bytes()).hexdigest()
            self.verified[entry] = True
        write_sums(self.folder / _SUMS, kept)
        self.kept_sums.save()
        used = {f"{entry}.html" for entry in kept} | {_SUMS, KeptSums.NAME}
        for path in self.folder.iterdir():
            if path.name not in used:
                path.unlink()


_SUMS = "sums.json"
