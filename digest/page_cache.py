"""Pages MkDocs rendered before, reused when nothing they show has changed.

A page's HTML is a function of its own source (its Markdown and raw HTML blocks) and of
what every page shows (the theme, mkdocs.yml, the navigation, the templates, the code
that renders them). Both go into the page's cache key, so a cached page is reused only
where a cold build would write the same bytes; a test builds both ways and compares.
Pages in the navigation are always rendered: their neighbours' titles show on them.

On the two-year archive a new day changes about 36 of its 1,166 pages; the others are
copied from ``.digest/pages/`` instead of rendered by MkDocs. Each kept page is sealed
(``files.seal``): one that does not verify is rendered again, never published.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from digest.code import code_fingerprint, hash_tree
from digest.files import read_sealed, write_sealed
from digest.problems import DigestError


def global_key(mkdocs_file: Path, nav: Any, folders: list[Path]) -> str:
    """What every page shows besides its own source: renderer versions, this package's
    code and built-in templates and theme, mkdocs.yml, the navigation, and the given
    folders (the digest's templates, hand-written content, the theme's custom_dir)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    _hash_config(digest, mkdocs_file, set())
    digest.update(json.dumps(nav, sort_keys=True).encode())
    for folder in folders:
        if folder.is_dir():
            digest.update(str(folder).encode())
            hash_tree(digest, folder)
    return digest.hexdigest()


_INHERIT = re.compile(r"^INHERIT:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", re.MULTILINE)
_ENV = re.compile(r"!ENV\s+\[?\s*([A-Za-z_][A-Za-z0-9_]*)")


def _hash_config(digest: Any, path: Path, seen: set[Path]) -> None:
    """mkdocs.yml's bytes, the files it inherits from, and the environment variables
    its ``!ENV`` tags read: all of it can change what every page shows."""
    if path in seen or not path.is_file():
        return
    seen.add(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    digest.update(text.encode())
    for name in sorted(set(_ENV.findall(text))):
        digest.update(f"{name}={os.environ.get(name)}".encode())
    for parent in _INHERIT.findall(text):
        _hash_config(digest, (path.parent / parent.strip()).resolve(), seen)


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

    def _entry(self, source: str) -> str:
        return hashlib.sha256(f"{self.key} {source}".encode()).hexdigest()[:32]

    def has(self, page: str, source: str) -> bool:
        """Whether the page, with a source of this hash, can be taken from the cache."""
        if page in self.always:
            return False
        entry = self._entry(source)
        if entry not in self.verified:
            self.verified[entry] = read_sealed(self._path(entry)) is not None
        return self.verified[entry]

    def plan(self, sources: dict[str, str]) -> None:
        """``sources``: each page's source path with the hash of its source."""
        self.entries = {page: self._entry(source) for page, source in sources.items()}
        self.reusable = {page for page, source in sources.items() if self.has(page, source)}

    def _path(self, entry: str) -> Path:
        return self.folder / f"{entry}.html"

    def place(self, page: str, target: Path) -> None:
        """Put a reused page into the site being built: a copy, so the site and the
        cache never share a file."""
        data = read_sealed(self._path(self.entries[page]))
        if data is None:
            raise DigestError(
                f"{self.folder}: a cached page changed while this build ran; run the build again"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def keep(self, site_dir: Path) -> None:
        """After a build: keep what MkDocs rendered, let go of what this build did not use."""
        for page, destination in self.destinations.items():
            entry = self.entries[page]
            if page in self.reusable or self.verified.get(entry):
                continue
            write_sealed(self._path(entry), (site_dir / destination).read_bytes())
        used = {f"{entry}.html" for entry in self.entries.values()}
        for path in self.folder.iterdir():
            if path.name not in used:
                path.unlink()
