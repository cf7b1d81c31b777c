"""Kept listing readings: a new day, and the days fetched again with it, rewrite the
file of their week; the files of other weeks stay as they were."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import SEED

from digest.incremental.listing_cache import ListingCache
from digest.ingest.digest_reader import read_file
from digest.ingest.readers import ListingContext
from digest.model import is_worked_out


def _read_all(listings: Path, store: Path) -> int:
    """Read every listing through a cache kept in ``store``; how many were read anew."""
    cache = ListingCache(store, None)
    fresh = 0

    def counted(context: ListingContext):  # type: ignore[no-untyped-def]
        nonlocal fresh
        fresh += 1
        return read_file(context)

    for path in sorted(listings.iterdir()):
        cache.read(ListingContext(path, f"listings/{path.name}", None), counted)
    cache.settle()
    cache.save()
    return fresh


def _files(store: Path) -> dict[str, int]:
    return {path.name: path.stat().st_ino for path in store.iterdir()}


def test_a_new_day_rewrites_its_weeks_file_only(tmp_path: Path) -> None:
    listings, store = tmp_path / "listings", tmp_path / "store"
    listings.mkdir()
    # 2026-08-10 is a Monday (ISO week 33); 08-17 and 08-18 are week 34.
    for name in ["2026-08-10-hf.txt", "2026-08-17-hf.txt", "2026-08-18-hf.txt", "picks.txt"]:
        shutil.copy(SEED, listings / name)
    assert _read_all(listings, store) == 4
    first = _files(store)
    assert {"2026-w33.json", "2026-w34.json"} <= set(first) and len(first) == 3  # + picks'

    # The morning: a new day, and the day before it fetched again with one more line.
    shutil.copy(SEED, listings / "2026-08-19-hf.txt")
    again = listings / "2026-08-18-hf.txt"
    again.write_text(again.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _read_all(listings, store) == 2
    second = _files(store)
    assert set(second) == set(first)
    changed = {name for name in second if second[name] != first[name]}
    assert changed == {"2026-w34.json"}  # written aside and renamed: a new inode

    assert _read_all(listings, store) == 0  # all kept
    assert _files(store) == second  # and nothing rewritten


def test_a_kept_reading_gives_each_paper_the_prints_its_texts_make(tmp_path: Path) -> None:
    """The catalog and the ranking key papers by the prints a kept reading carries: they
    are those the papers' own texts give, paper by paper."""
    listings, store = tmp_path / "listings", tmp_path / "store"
    listings.mkdir()
    shutil.copy(SEED, listings / "2026-08-10-hf.txt")
    _read_all(listings, store)
    context = ListingContext(listings / "2026-08-10-hf.txt", "listings/2026-08-10-hf.txt", None)
    kept = ListingCache(store, None).read(context, lambda _: pytest.fail("read again"))
    fresh = read_file(context)
    assert len(kept.papers) == len(fresh.papers) > 20
    for held, made in zip(kept.papers, fresh.papers, strict=True):
        assert is_worked_out(held, "text_print") and is_worked_out(held, "title_key")  # carried
        assert held == made
        assert (held.text_print, held.title_key) == (made.text_print, made.title_key)


def test_a_listing_the_up_to_date_check_hashed_is_not_hashed_again(tmp_path: Path) -> None:
    """The build hands the check's sums to the store: a listing whose sum it has is keyed
    by that sum, the same key its bytes give, and one it has no sum for is read."""
    listings, store = tmp_path / "listings", tmp_path / "store"
    listings.mkdir()
    path = listings / "2026-08-10-hf.txt"
    shutil.copy(SEED, path)
    _read_all(listings, store)
    context = ListingContext(path, "listings/2026-08-10-hf.txt", None)
    asked: list[Path] = []

    def known(where: Path, stat: os.stat_result) -> str | None:
        asked.append(where)
        assert stat.st_size == path.stat().st_size
        return hashlib.sha256(path.read_bytes()).hexdigest()

    kept = ListingCache(store, None, known).read(context, lambda _: pytest.fail("read again"))
    assert asked == [path] and len(kept.papers) > 20
    # A sum that is not the file's is a key of its own: the file is read, never mistaken.
    read_anew: list[str] = []
    again = ListingCache(store, None, lambda *_: "0" * 64).read(
        context, lambda c: read_anew.append(c.display) or read_file(c)
    )
    assert read_anew == ["listings/2026-08-10-hf.txt"] and again.papers == kept.papers
