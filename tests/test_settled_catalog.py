"""The settled catalog (``incremental.settled_catalog``): a new day of an arXiv digest
reads only its newest listings, merges them onto the papers kept from the settled ones,
and builds the site a cold build builds; anything the store cannot answer exactly (a
settled listing changed, an entry keyed by a title, a damaged store) reads every listing
again, with the same result. The suite settles every listing but the newest one
(``conftest``), so these digests of a few days have a settled part."""

from __future__ import annotations

import datetime as dt
import email.utils
import sqlite3
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import copy_digest, tree_digest

from digest.build import build
from digest.incremental import listing_cache, up_to_date
from digest.incremental.cache import BuildCache

FIRST = dt.date(2025, 6, 2)  # a Monday

WORDS = [
    "diffusion",
    "transformer",
    "graph",
    "agent",
    "reasoning",
    "benchmark",
    "scaling",
    "retrieval",
    "vision",
    "language",
    "policy",
    "reward",
    "sparse",
    "attention",
    "kernel",
    "memory",
    "robust",
    "privacy",
    "federated",
]


def _item(arxiv_id: str, version: int, kind: str, day: dt.date, words: int) -> str:
    """An item in rss.arxiv.org's layout (tests/fixtures/formats has a real feed)."""
    stamp = email.utils.format_datetime(
        dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    )
    seed = sum(map(ord, arxiv_id))
    title = " ".join(WORDS[(seed + n) % len(WORDS)] for n in range(6)).capitalize()
    abstract = " ".join(WORDS[(seed * 7 + n) % len(WORDS)] for n in range(words))
    return (
        f"<item><title>{escape(title)}</title><link>https://arxiv.org/abs/{arxiv_id}</link>"
        f"<description>arXiv:{arxiv_id}v{version} Announce Type: {kind} \n"
        f"Abstract: {escape(abstract)}.</description>"
        f'<guid isPermaLink="false">oai:arXiv.org:{arxiv_id}v{version}</guid>'
        f"<category>cs.LG</category><pubDate>{stamp}</pubDate>"
        f"<arxiv:announce_type>{kind}</arxiv:announce_type>"
        f"<dc:creator>Ada Example, Alan Example</dc:creator></item>"
    )


def _day(root: Path, number: int, *, replaced_words: int = 30) -> Path:
    """Day ``number``'s feed: four new papers, and replacements of papers of the day
    before and of three days before, their abstracts longer (the merge takes the longest)."""
    day = FIRST + dt.timedelta(days=number)
    items = [_item(f"2506.{number:03d}{k}", 1, "new", day, 20) for k in range(4)]
    for earlier in (number - 1, number - 3):
        if earlier >= 0:
            items.append(_item(f"2506.{earlier:03d}1", 2, "replace", day, replaced_words))
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
        f"<title>cs.LG updates on arXiv.org</title>{''.join(items)}</channel></rss>\n"
    )
    path = root / "listings" / f"{day.isoformat()}-arxiv-cs.LG.xml"
    path.write_text(feed, encoding="utf-8")
    return path


def _digest(root: Path, days: int) -> Path:
    copy_digest(root, listings=False)
    for number in range(days):
        _day(root, number)
    return root


def _listings_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The listings each build reads through the listing store (not answered from the
    settled catalog), by name."""
    names: list[str] = []
    read = listing_cache.ListingCache.read

    def counted(self: listing_cache.ListingCache, context: object, *args: object) -> object:
        names.append(context.display)  # type: ignore[attr-defined]
        return read(self, context, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(listing_cache.ListingCache, "read", counted)
    return names


def _settled(root: Path) -> list[str]:
    return [listing.display for listing in BuildCache(root).settled_catalog().listings]


def _cold_site(root: Path, days: int, change: Callable[[Path], object] | None) -> dict[str, str]:
    cold = _digest(root, days)
    if change is not None:
        change(cold)
    build(cold)
    return tree_digest(cold / "site")


def test_a_new_day_is_merged_onto_the_settled_papers_as_a_cold_build_merges_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm = _digest(tmp_path / "warm", 6)
    build(warm)
    names = sorted(p.relative_to(warm).as_posix() for p in (warm / "listings").iterdir())
    assert _settled(warm) == names[:-1]  # every listing but the newest

    read = _listings_read(monkeypatch)
    _day(warm, 6)  # replaces a paper of day 5 and one of day 3, both settled
    build(warm)
    # The newest listing of the build before and the new one; the five settled ones are
    # answered from the store, their entries never decoded.
    new = f"listings/{(FIRST + dt.timedelta(days=6)).isoformat()}-arxiv-cs.LG.xml"
    assert read == [*names[-1:], new]
    assert len(_settled(warm)) == 6
    assert tree_digest(warm / "site") == _cold_site(tmp_path / "cold", 7, None)


def _edit_a_settled_listing(root: Path) -> None:
    _day(root, 2, replaced_words=45)  # day 2 again: its replacements longer


def _add_a_hand_kept_title(root: Path) -> None:
    # A title alone may join the paper of any listing that has it (merged whole).
    (root / "listings" / "2025-06-09-picks.yml").write_text(
        "papers:\n  - title: A paper pasted by its title alone\n", encoding="utf-8"
    )


def _edit_a_kept_paper(root: Path) -> None:
    """A kept paper's title changed in its row, still JSON of a paper: only the row's
    CRC-32 tells."""
    store = root / ".digest" / "settled.sqlite"
    with sqlite3.connect(store) as db:
        seq, body = db.execute("SELECT seq, body FROM papers ORDER BY seq LIMIT 1").fetchone()
        edited = body.replace(b'"title":"', b'"title":"Edited ', 1)
        assert edited != body
        db.execute("UPDATE papers SET body = ? WHERE seq = ?", (edited, seq))
    db.close()
    up_to_date.forget(root / ".digest")  # the inputs are as they were: build all the same


def _cut_the_store_short(root: Path) -> None:
    store = root / ".digest" / "settled.sqlite"
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 3])
    up_to_date.forget(root / ".digest")


@pytest.mark.parametrize(
    ("change", "settles_again"),
    [
        (_edit_a_settled_listing, True),
        (_add_a_hand_kept_title, False),
        (_edit_a_kept_paper, True),
        (_cut_the_store_short, True),
    ],
    ids=[
        "a settled listing changed",
        "an entry keyed by its title",
        "a kept paper edited",
        "the store cut short",
    ],
)
def test_what_the_settled_catalog_cannot_answer_is_read_again_whole(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path], None],
    settles_again: bool,
) -> None:
    """Every listing read again and merged whole: the cold build's site; the store made
    afresh, or none where an entry is keyed by a title (merged whole from then on)."""
    warm = _digest(tmp_path / "warm", 6)
    build(warm)
    assert _settled(warm)
    read = _listings_read(monkeypatch)
    change(warm)
    build(warm)
    listings = sorted((warm / "listings").iterdir())
    assert set(read) == {p.relative_to(warm).as_posix() for p in listings}
    assert tree_digest(warm / "site") == _cold_site(tmp_path / "cold", 6, change_cold(change))
    if settles_again:
        assert len(_settled(warm)) == len(listings) - 1
    else:
        assert not (warm / ".digest" / "settled.sqlite").exists()
        read.clear()
        _day(warm, 7)
        build(warm)
        assert len(read) == len(listings) + 1  # merged whole: no store to answer from


def change_cold(change: Callable[[Path], None]) -> Callable[[Path], None] | None:
    """What a cold build's digest needs to hold what the changed warm one holds (a
    damaged store is nothing a cold build has)."""
    return None if change in (_edit_a_kept_paper, _cut_the_store_short) else change
