"""``.digest/bib-prints.json``: the print of each .bib file the last build wrote, made
of the prints of its papers' cards (which hold everything an entry is made from: the
paper, its citation key, the site's name and this package's code). A .bib whose print
is unchanged is left as it is; its entries are not even made.

``.digest/bib-entries/``: each paper's entry as made before, under its card's print, in a
file per quarter of its first day. A topic's .bib holds every paper of the topic, so a
new day's paper in it wrote again thousands of entries that had not changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from digest.incremental.store import KeptEntries, read_sums, write_sums
from digest.incremental.typed_codec import TypedCodec
from digest.model import Paper
from digest.paths import quarter


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


class BibEntries:
    """Entries kept by the print of the paper's card; read only by a build that writes
    a .bib."""

    def __init__(self, folder: Path) -> None:
        self.kept = KeptEntries(folder, codec=TypedCodec(dict[str, str]))
        self.asked = False

    def entry(self, paper: Paper, printed: str, make: Callable[[], str]) -> str:
        self.asked = True
        segment = quarter(paper.first_day)
        text: str | None = self.kept.get(segment, printed)
        if text is None:
            text = make()
        self.kept.put(segment, printed, text)
        return text

    def save(self, papers: Iterable[Paper], paper_print: Callable[[Paper], str]) -> None:
        """Keep the entry of every paper of the catalog made now or before: the .bib
        left alone this time may be the next one written. Without a .bib written, the
        files stay as they are."""
        if not self.asked:
            return
        for paper in papers:
            segment, printed = quarter(paper.first_day), paper_print(paper)
            text: str | None = self.kept.get(segment, printed)
            if text is not None:
                self.kept.put(segment, printed, text)
        self.kept.save()
