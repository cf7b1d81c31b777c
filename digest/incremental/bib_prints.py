"""``.digest/bib-prints.json``: the print of each .bib file the last build wrote, made
of the prints of its papers' cards (which hold everything an entry is made from: the
paper, its citation key, the site's name and this package's code). A .bib whose print
is unchanged is left as it is; its entries are not even made.
"""

from __future__ import annotations

from pathlib import Path

from digest.incremental.store import read_sums, write_sums


class BibliographyPrints:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.before = read_sums(path) or {}
        # Until this build saves its own, no print vouches for a .bib: a build killed
        # while rewriting them leaves files the earlier prints do not describe.
        path.unlink(missing_ok=True)
        self.now: dict[str, str] = {}

    def unchanged(self, relative: str, key: str) -> bool:
        return self.before.get(relative) == key

    def put(self, relative: str, key: str) -> None:
        self.now[relative] = key

    def save(self) -> None:
        write_sums(self.path, self.now)
