"""Paper cards rendered by earlier builds, kept under a fingerprint of what they show.

A card is the ``paper_card`` macro's output for one paper, day and prefix; it shows the
paper's fields and topics, its anchor, citation key and BibTeX entry, with the card
template and this package's code. All of that goes into the fingerprint, so a kept card
is reused only where rendering it again would give the same text. Rendering the cards
is most of the page stage: 1.6 of 2.8 s on the two-year archive.

Cards are kept in one file per quarter (of the paper's first day): a new day adds to
the newest quarter's file and leaves the others untouched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from digest.code import code_fingerprint
from digest.files import keep_file, load_kept
from digest.model import Paper


def quarter(paper: Paper) -> str:
    day = paper.first_day
    return f"{day.year}-q{(day.month - 1) // 3 + 1}"


class CardCache:
    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = hashlib.sha256(f"{code_fingerprint()} {salt}".encode()).hexdigest()
        self.kept: dict[str, dict[str, bytes]] = {}
        self.used: dict[str, dict[str, bytes]] = {}
        self.paper_prints: dict[str, str] = {}

    def paper_print(self, paper: Paper, shown: Callable[[], str]) -> str:
        """The paper's part of its cards' fingerprints. ``shown``: what a card shows of
        the catalog besides the paper itself (anchor, citation key, topic titles)."""
        printed = self.paper_prints.get(paper.key)
        if printed is None:
            text = f"{self.salt}\n{paper!r}\n{shown()}"
            printed = hashlib.sha256(text.encode()).hexdigest()
            self.paper_prints[paper.key] = printed
        return printed

    def fingerprint(
        self, paper: Paper, shown: Callable[[], str], listed_on: object, id_prefix: str
    ) -> str:
        return f"{self.paper_print(paper, shown)} {listed_on} {id_prefix}"

    def _segment(self, name: str) -> dict[str, bytes]:
        if name not in self.kept:
            self.kept[name] = load_kept(self.folder / f"{name}.pickle")
            self.used[name] = {}
        return self.kept[name]

    def get(self, paper: Paper, key: str) -> bytes | None:
        name = quarter(paper)
        html = self._segment(name).get(key)
        if html is not None:
            self.used[name][key] = html
        return html

    def put(self, paper: Paper, key: str, html: bytes) -> None:
        name = quarter(paper)
        self._segment(name)
        self.used[name][key] = html

    def save(self) -> None:
        """Keep the cards this build showed; rewrite only the quarters that changed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, used in self.used.items():
            if used.keys() == self.kept[name].keys():
                continue
            keep_file(self.folder / f"{name}.pickle", used)
        wanted = {f"{name}.pickle" for name in self.used}
        for path in self.folder.iterdir():
            if path.name not in wanted:
                path.unlink()
