"""The settled catalog (``incremental.settled_catalog``): a new day of an arXiv digest
reads only its newest listings, merges them onto the papers kept from the settled ones,
and builds the site a cold build builds; anything the store cannot answer exactly (a
settled listing changed, an entry keyed by a title, a damaged store) reads every listing
again, with the same result. The suite settles every listing but the newest one
(``conftest``), so these digests of a few days have a settled part."""

from __future__ import annotations

import datetime as dt
import email.utils
import gc
import json
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import msgspec
import pytest
from conftest import copy_digest, tree_digest

from digest import build as build_module
from digest.build import build
from digest.incremental import listing_cache, settled_catalog, up_to_date
from digest.incremental.cache import BuildCache
from digest.model import Appearance, Paper, is_partly, whole

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


def _edit_a_kept_head(root: Path) -> None:
    """A kept paper's head (what is read of every paper) with another title, still a head:
    only its own CRC-32 tells."""
    store = root / ".digest" / "settled.sqlite"
    with sqlite3.connect(store) as db:
        seq, head = db.execute("SELECT seq, head FROM papers ORDER BY seq LIMIT 1").fetchone()
        values = json.loads(head)
        values[settled_catalog.HEAD.index("title")] += " edited"
        edited = json.dumps(values).encode()
        db.execute("UPDATE papers SET head = ? WHERE seq = ?", (edited, seq))
    db.close()
    up_to_date.forget(root / ".digest")


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
        (_edit_a_kept_head, True),
        (_cut_the_store_short, True),
    ],
    ids=[
        "a settled listing changed",
        "an entry keyed by its title",
        "a kept paper edited",
        "a kept paper's head edited",
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
    damaged = (_edit_a_kept_paper, _edit_a_kept_head, _cut_the_store_short)
    return None if change in damaged else change


def _capped(root: Path, per_day: int) -> Path:
    config = root / "digest.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(f"{text}\nfilters:\n  per_day: {per_day}\n  beyond_cap: list\n", "utf-8")
    return root


def test_a_new_day_reads_in_full_only_the_kept_papers_it_shows_or_merges_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A capped digest: the papers left out of settled days are read as far as the sift
    and the list beyond the cap read them (their abstracts, authors and the rest stay in
    the store), and let go of before the site is written; the site is the cold build's,
    the papers listed beyond the cap too."""
    warm = _capped(_digest(tmp_path / "warm", 6), 2)
    build(warm)
    _day(warm, 6)
    loaded: list[str] = []  # the kept papers read in full, by key
    fill = settled_catalog.KeptRest._fill

    def counted(self: settled_catalog.KeptRest, pending: dict[str, Paper]) -> None:
        loaded.extend(pending)
        fill(self, pending)

    alive: set[str] = set()  # the papers in memory as the site is written
    write_site = build_module._write_site

    def watched(*args: Any) -> Any:
        gc.unfreeze()  # what the build's first stages made is frozen (``collector``)
        alive.update(o.key for o in gc.get_objects() if type(o) is Paper)
        gc.freeze()
        return write_site(*args)

    monkeypatch.setattr(settled_catalog.KeptRest, "_fill", counted)
    monkeypatch.setattr(build_module, "_write_site", watched)
    gc.unfreeze()  # what earlier builds in this process froze and left: collected first
    gc.collect()
    result = build(warm)
    assert result.sifted is not None and result.catalog is not None
    shown = {paper.key for paper in result.catalog.papers}
    # Days 0-4 settled before (day 5 settles with this build: its papers are written to
    # the store under the lock), four new papers a day, two shown: most of the papers
    # left out were never read in full, nor kept in memory past the sift.
    settled = FIRST + dt.timedelta(days=4)
    left_out = {entry.key for entry in result.sifted.left_out if entry.day <= settled} - shown
    assert len(left_out - set(loaded)) >= 8
    assert shown <= alive and not alive & left_out
    assert not any(is_partly(paper) for paper in result.catalog.papers)  # read whole
    cold = _capped(_digest(tmp_path / "cold", 7), 2)
    build(cold)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")


def _kept_papers(tmp_path: Path) -> tuple[Path, list[Paper]]:
    root = _digest(tmp_path / "digest", 6)
    build(root)
    store = BuildCache(root).settled_catalog()
    papers = store.papers()
    assert papers
    return store.path, papers


def test_a_kept_paper_reads_as_the_paper_the_store_was_given(tmp_path: Path) -> None:
    """Read field by field, encoded (msgspec reads slots), compared: the whole paper."""
    path, papers = _kept_papers(tmp_path)
    with sqlite3.connect(path) as db:
        bodies = dict(db.execute("SELECT key, body FROM papers").fetchall())
    db.close()
    first, second = papers[0], papers[1]
    assert is_partly(first) and is_partly(second)
    assert msgspec.json.encode(whole(first)) == bodies[first.key]
    assert not is_partly(first)
    # One field read: the rest comes with it.
    assert second.authors == ("Ada Example", "Alan Example")
    assert msgspec.json.encode(second) == bodies[second.key]


def test_kept_papers_of_one_listing_share_what_its_appearances_repeat(tmp_path: Path) -> None:
    """A listing's day, source, file and announce type are one object each in the heads
    of its papers (not one copy a paper: 42 MB at a year of arXiv), the same values."""
    _, papers = _kept_papers(tmp_path)
    first_of: dict[str, Appearance] = {}
    for paper in papers:
        for appearance in paper.appearances:
            origin = appearance.origin
            first = first_of.setdefault(origin.file, appearance)
            assert appearance.day is first.day and appearance.source is first.source
            assert origin.file is first.origin.file
            if appearance.kind == first.kind:
                assert appearance.kind is first.kind
    # Days 0-4 settled, each its own listing of several papers.
    assert len(first_of) == 5 and len(papers) > len(first_of)


def test_kept_papers_read_one_by_one_past_the_bound_are_all_read_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, papers = _kept_papers(tmp_path)
    monkeypatch.setattr(settled_catalog, "ONE_BY_ONE", 2)
    queries: list[str] = []
    for paper in papers[:3]:
        rest = object.__getattribute__(paper, "_rest")
        rest.connection.set_trace_callback(queries.append)
        assert paper.abstract
    assert len([q for q in queries if q.startswith("SELECT")]) == 3
    assert not any(is_partly(paper) for paper in papers)  # the third query read them all


def test_a_kept_row_damaged_after_its_head_was_read_is_never_used(tmp_path: Path) -> None:
    """Found when the paper is first read in full: an error naming the file and the fix
    (the store is deleted: the next build reads every listing), never another paper."""
    path, papers = _kept_papers(tmp_path)
    with sqlite3.connect(path) as db:
        (body,) = db.execute("SELECT body FROM papers WHERE key = ?", (papers[0].key,)).fetchone()
        # Still a paper, its own CRC-32 right: only the one read with the head tells.
        edited = body.replace(b'"abstract":"', b'"abstract":"Edited ', 1)
        db.execute(
            "UPDATE papers SET body = ?, crc = ? WHERE key = ?",
            (edited, zlib.crc32(edited), papers[0].key),
        )
    db.close()
    rest = object.__getattribute__(papers[0], "_rest")
    assert rest.handed_out == papers
    with pytest.raises(settled_catalog.KeptPapersDamaged) as raised:
        _ = papers[0].abstract
    assert str(path) in str(raised.value) and "build again" in str(raised.value)
    assert not path.exists()
    # The papers it gave out are let go of: the build's retry holds a catalog of its own.
    assert rest.handed_out == []
