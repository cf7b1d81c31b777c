"""A build with nothing to do does nothing, says what the last build said, and is never
taken for one when an input or the published site changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_digest, tree_digest

from digest.build import BuildFailed, build
from digest.cli import main
from digest.incremental import up_to_date
from digest.incremental.store import read_sealed
from digest.incremental.up_to_date import RECORD, forget
from digest.new import PLACEHOLDER_SITE_URL

_MORE = """papers:
  - title: Zebra Features in Sparse Autoencoders
    arxiv: https://arxiv.org/abs/2608.20001
    abstract: We look for zebra features.
"""


def _digest(target: Path) -> Path:
    root = copy_digest(target)
    (root / "listings" / "2025-03-12-picks.yml").write_text(_MORE, encoding="utf-8")
    return root


def _said(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_rebuild_with_nothing_new_does_nothing_and_says_what_the_build_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _digest(tmp_path / "digest")
    mkdocs = root / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8")
    mkdocs.write_text(
        re.sub(r"^site_url:.*$", f"site_url: {PLACEHOLDER_SITE_URL}", text, flags=re.M),
        encoding="utf-8",
    )
    code, out, err = _said(capsys, ["build", "-C", str(root)])
    assert code == 0
    assert "still the placeholder" in err
    site = tree_digest(root / "site")
    stats = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()}

    again, out_again, err_again = _said(capsys, ["build", "-C", str(root)])
    assert again == 0
    assert err_again == err  # the warnings, word for word
    first_lines, again_lines = out.splitlines(), out_again.splitlines()
    assert again_lines[:-1] == first_lines[: len(again_lines) - 1]
    assert again_lines[-1].endswith("(up to date: nothing changed since the last build)")
    assert again_lines[-1].split(" in ")[0] == first_lines[len(again_lines) - 1].split(" in ")[0]
    # Nothing was written: the same files, untouched.
    assert tree_digest(root / "site") == site
    assert {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()} == stats

    # --strict fails on the warning each time, not only when the site was made.
    strict, _, err_strict = _said(capsys, ["build", "--strict", "-C", str(root)])
    assert strict == 1
    assert "still the placeholder" in err_strict
    assert "warning(s) and --strict" in err_strict
    with pytest.raises(BuildFailed):
        build(root, strict=True)


def _edit_listing(root: Path, tmp: Path) -> None:
    path = root / "listings" / "2025-03-12-picks.yml"
    path.write_text(_MORE.replace("zebra features.", "zebra and okapi features."), "utf-8")


def _ledger_in_listings(root: Path, tmp: Path) -> None:
    # A hidden file of the listings folder: digest send's ledger (the e-mails' browser
    # copies) and the fetch log live there.
    (root / "listings" / ".fetch-log.json").write_text("{}", encoding="utf-8")


def _last_fetch(root: Path, tmp: Path) -> None:
    (root / ".digest" / "last-fetch.json").write_text('{"at": "x"}', encoding="utf-8")


def _template_override(root: Path, tmp: Path) -> None:
    (root / "templates" / "extra.html").write_text("<p>new</p>", encoding="utf-8")


def _mkdocs_environment(root: Path, tmp: Path) -> None:
    os.environ["DIGEST_TEST_COPYRIGHT"] = "changed"


def _library_outside(root: Path, tmp: Path) -> None:
    (tmp / "outside" / "library.txt").write_text("2608.20001\n2503.00002\n", encoding="utf-8")


def _hook_outside(root: Path, tmp: Path) -> None:
    (tmp / "outside" / "hook.py").write_text("# changed\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (_edit_listing, "listings/2025-03-12-picks.yml changed"),
        (_ledger_in_listings, "listings/.fetch-log.json is new"),
        (_last_fetch, ".digest/last-fetch.json is new"),
        (_template_override, "templates/extra.html is new"),
        (_mkdocs_environment, "mkdocs.yml's inherited files or environment changed"),
        (_library_outside, "outside/library.txt changed"),
        (_hook_outside, "outside/hook.py changed"),
    ],
)
def test_a_changed_input_is_built_and_named(
    tmp_path: Path,
    change: Callable[[Path, Path], None],
    why: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = _digest(tmp_path / "digest")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "library.txt").write_text("2608.20001\n", encoding="utf-8")
    (outside / "hook.py").write_text("# a hook\n", encoding="utf-8")
    monkeypatch.setenv("DIGEST_TEST_COPYRIGHT", "first")
    config = (root / "digest.yml").read_text(encoding="utf-8")
    (root / "digest.yml").write_text(
        f"{config}\nallow_outside: [{outside}]\nlibrary: [{outside / 'library.txt'}]\n",
        encoding="utf-8",
    )
    mkdocs = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        f"{mkdocs}\ncopyright: !ENV [DIGEST_TEST_COPYRIGHT]\nhooks:\n  - {outside / 'hook.py'}\n",
        encoding="utf-8",
    )
    first = build(root)
    assert not first.up_to_date
    assert first.report.problems == ()
    assert build(root).up_to_date

    change(root, tmp_path)
    again = build(root)
    assert not again.up_to_date, change.__name__
    # digest build -v says why it builds.
    said = next(stage.summary for stage in again.stages if stage.name == "up to date")
    assert said.startswith("no: ") and said.endswith(why), said
    assert build(root).up_to_date  # and recorded again


def test_a_damaged_site_is_built_again(tmp_path: Path) -> None:
    root = _digest(tmp_path / "digest")
    build(root)
    whole = tree_digest(root / "site")
    (root / "site" / "days" / "2025-03-12" / "index.html").unlink()
    assert not build(root).up_to_date
    assert tree_digest(root / "site") == whole
    page = root / "site" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    assert not build(root).up_to_date
    assert tree_digest(root / "site") == whole
    shutil.rmtree(root / "site")
    assert not build(root).up_to_date
    assert tree_digest(root / "site") == whole


def test_a_listing_rewritten_within_its_timestamp_is_hashed_again(tmp_path: Path) -> None:
    """A file changed with the same size and modification time as when it was hashed
    (a write within the same clock tick) is not taken at its old hash."""
    root = _digest(tmp_path / "digest")
    path = root / "listings" / "2025-03-12-picks.yml"
    path.write_text(_MORE, encoding="utf-8")  # hashed at once by the build below
    build(root)
    stat = path.stat()
    path.write_text(_MORE.replace("zebra", "okapi"), encoding="utf-8")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert not build(root).up_to_date
    assert "okapi" in (root / "site" / "days" / "2025-03-12" / "index.html").read_text("utf-8")


def test_a_failed_build_leaves_the_record_of_the_site_it_did_not_replace(tmp_path: Path) -> None:
    root = _digest(tmp_path / "digest")
    build(root)
    whole = tree_digest(root / "site")
    listing = root / "listings" / "2025-03-12-picks.yml"
    listing.write_text("papers: [", encoding="utf-8")  # an error: nothing is written
    with pytest.raises(BuildFailed):
        build(root)
    assert tree_digest(root / "site") == whole
    listing.write_text(_MORE, encoding="utf-8")  # as the site was made from
    assert build(root).up_to_date
    assert tree_digest(root / "site") == whole


def test_fresh_and_a_missing_record_build(tmp_path: Path) -> None:
    root = _digest(tmp_path / "digest")
    build(root)
    whole = tree_digest(root / "site")
    assert not build(root, fresh=True).up_to_date
    (root / ".digest" / RECORD).unlink()
    assert not build(root).up_to_date
    (root / ".digest" / RECORD).write_bytes(b"not a record")
    assert not build(root).up_to_date
    assert tree_digest(root / "site") == whole


def test_a_listing_dated_in_the_future_warns_on_every_build(tmp_path: Path) -> None:
    root = _digest(tmp_path / "digest")
    soon = dt.date.today() + dt.timedelta(days=5)
    (root / "listings" / f"{soon.isoformat()}-picks.yml").write_text(
        _MORE.replace("2608.20001", "2608.20002"), encoding="utf-8"
    )
    first = build(root)
    again = build(root)
    assert not again.up_to_date  # the warning depends on today's date
    for result in (first, again):
        assert any("in the future" in p.message for p in result.report.problems)


def test_a_copied_digest_builds_its_own_site_from_the_kept_pages(tmp_path: Path) -> None:
    """The record names where its site was published: a copy of the digest elsewhere
    (its site gone) is built, not taken for the original, and renders no more than the
    original does with nothing new (no cache key holds the digest's place)."""
    root = _digest(tmp_path / "digest")
    build(root)
    whole = tree_digest(root / "site")
    copy = tmp_path / "elsewhere" / "digest"
    shutil.copytree(root, copy, symlinks=True)
    shutil.rmtree(copy / "site")
    moved = build(copy)
    assert not moved.up_to_date
    assert tree_digest(copy / "site") == whole
    assert build(copy).up_to_date

    forget(root / ".digest")
    in_place = build(root)  # every store used as kept: only the navigation's pages rendered
    said = {stage.name: stage.summary for stage in moved.stages}
    assert said["up to date"] == f"no: the site was published to {root / 'site'}, not here"
    for stage in in_place.stages:
        if stage.name in ("pages", "feeds", "MkDocs", "search index"):
            assert said[stage.name] == stage.summary
    assert re.search(r"\d+ paper pages, 0 rendered", said["pages"]), said


def test_the_check_hands_the_build_each_listings_sum_while_the_file_is_as_it_was(
    tmp_path: Path,
) -> None:
    """The listing store keys readings by the check's sums: each listing of the digest
    has its SHA-256 there, the one its bytes give; a listing edited since, or modified
    within a second of its hashing, has none (the build reads it)."""
    root = _digest(tmp_path / "d")
    listings = sorted(p for p in (root / "listings").iterdir() if p.is_file())
    old = dt.datetime(2025, 3, 12).timestamp()
    for path in listings:
        os.utime(path, (old, old))  # settled: hashed long after its last change
    inputs = up_to_date.check(root, None).inputs
    assert inputs is not None and len(listings) >= 2
    for path in listings:
        assert inputs.sha256_of(path, path.stat()) == hashlib.sha256(path.read_bytes()).hexdigest()
    edited, fresh = listings[0], listings[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(edited, (old + 5, old + 5))
    assert inputs.sha256_of(edited, edited.stat()) is None
    fresh.touch()  # modified now: the check below hashes it within the same second
    again = up_to_date.check(root, None).inputs
    assert again is not None and again.sha256_of(fresh, fresh.stat()) is None
    assert again.sha256_of(edited, edited.stat()) == hashlib.sha256(edited.read_bytes()).hexdigest()


def test_a_build_records_the_site_it_published_without_walking_it_again(tmp_path: Path) -> None:
    """Where publishing exchanged the folders whole, the record's print of the site is
    made from the walk before publishing (and the two files written after it): it must
    be the print a walk of the published site makes, or the next build is not skipped."""
    root = _digest(tmp_path / "digest")
    build(root)
    for words in ("zebra and okapi features.", "okapi features."):
        listing = root / "listings" / "2025-03-12-picks.yml"
        listing.write_text(_MORE.replace("zebra features.", words), encoding="utf-8")
        assert not build(root).up_to_date
        # Exchanged, not renamed twice or copied: the old site is kept to build in.
        assert (root / ".digest" / "site.spare").is_file()
        record = json.loads(read_sealed(root / ".digest" / RECORD) or b"{}")
        assert record["site"] == up_to_date._site_print(root / "site")
        assert build(root).up_to_date


def test_a_package_installed_upgraded_or_removed_builds_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin or extension of another version may make another site: what is
    installed on the import path is an input (told by its metadata folders' names)."""
    root = _digest(tmp_path / "digest")
    packages = tmp_path / "site-packages"
    (packages / "mkdocs_extra_plugin-1.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(packages))
    monkeypatch.setattr(up_to_date, "_installed", up_to_date._installed.__wrapped__)
    build(root)
    assert build(root).up_to_date
    for change in (
        lambda: (packages / "mkdocs_extra_plugin-1.0.dist-info").rename(
            packages / "mkdocs_extra_plugin-1.1.dist-info"
        ),
        lambda: (packages / "another_extension-0.3.dist-info").mkdir(),
        lambda: (packages / "mkdocs_extra_plugin-1.1.dist-info").rmdir(),
    ):
        change()
        again = build(root)
        assert not again.up_to_date
        said = next(stage.summary for stage in again.stages if stage.name == "up to date")
        assert "an installed package" in said, said
        assert build(root).up_to_date
