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

import msgspec

from digest.incremental.fingerprint import code_fingerprint
from digest.incremental.store import KeptEntries
from digest.incremental.typed_codec import TypedCodec
from digest.model import Paper, whole
from digest.paths import quarter


class PaperPrints:
    """Each paper's part of its cards' fingerprints, made once a build. It outlives the
    cards: the .bib files and their entries are kept under these prints."""

    def __init__(self, salt: str) -> None:
        self.salt = salt
        self.made: dict[str, str] = {}

    def __call__(self, paper: Paper, shown: Callable[[], str]) -> str:
        """``shown``: what a card shows of the catalog besides the paper itself (anchor,
        citation key, topic titles)."""
        printed = self.made.get(paper.key)
        if printed is None:
            digest = hashlib.sha256(f"{self.salt}\n".encode())
            digest.update(_written(paper))
            digest.update(f"\n{shown()}".encode())
            printed = self.made[paper.key] = digest.hexdigest()
        return printed


_ENCODER = msgspec.json.Encoder()


def _written(paper: Paper) -> bytes:
    """Every field of the paper, however deep, as JSON: msgspec writes it in C, in 60% of
    the time ``repr`` took (10,000 papers a build at the two-year archive)."""
    try:
        return _ENCODER.encode(whole(paper))
    except (TypeError, ValueError):  # a value JSON cannot hold: its repr says it all
        return repr(paper).encode()


class CardCache:
    def __init__(self, folder: Path, salt: str) -> None:
        # Decoded by msgspec (a high-volume digest loads its newest quarter's 4,000 cards
        # a build, 0.1 s through ``data_codec``'s base64 in Python).
        self.kept = KeptEntries(folder, codec=TypedCodec(dict[str, bytes]))
        self.paper_print = PaperPrints(
            hashlib.sha256(f"{code_fingerprint()} {salt}".encode()).hexdigest()
        )

    def card(
        self,
        paper: Paper,
        shown: Callable[[], str],
        listed_on: object,
        id_prefix: str,
        render: Callable[[], bytes],
    ) -> bytes:
        """The card kept under its fingerprint, or ``render()``'s, kept for next time."""
        segment = quarter(paper.first_day)
        key = f"{self.paper_print(paper, shown)} {listed_on} {id_prefix}"
        html = self.kept.get(segment, key)
        if html is None:
            html = render()
        self.kept.put(segment, key, html)
        return html

    def save(self) -> None:
        """Keep the cards this build showed; rewrite only the quarters that changed."""
        self.kept.save()
