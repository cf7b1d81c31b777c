"""Bad listings: a message naming the file, the line and the fix; nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEED, tree_digest

from digest.cli import main


def build(root: Path, *extra: str) -> int:
    return main(["build", "-C", str(root), *extra])


def test_no_date_line_and_no_date_in_the_name(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (digest_dir / "listings" / "trending.txt").write_text(
        "Some title\nSome abstract.\n", encoding="utf-8"
    )
    assert build(digest_dir) == 1
    err = capsys.readouterr().err
    assert (
        "error: listings/trending.txt: line 1: no date line (such as 'Mar 11') before the papers; "
        "paste the page from its date heading down, or add the date line above the first title"
    ) in err
    assert not (digest_dir / "site").exists()


def test_date_line_without_a_year_names_both_fixes(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (digest_dir / "listings" / "trending.txt").write_text(
        "new\n\nMar 11\n\nA title\n\nAn abstract.\n", encoding="utf-8"
    )
    assert build(digest_dir) == 1
    err = capsys.readouterr().err
    assert (
        "error: listings/trending.txt: line 3: the date line 'Mar 11' has no year; name the file with "
        "the date (e.g. 2025-03-11-hf-papers.txt) or pass --date YYYY-MM-DD"
    ) in err
    # The second fix works.
    assert build(digest_dir, "--date", "2025-03-11") == 0


def test_title_without_abstract_is_a_warning_and_fails_under_strict(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (digest_dir / "listings" / "2025-03-11-hf.txt").write_text(
        "Mar 11\n\nA lonely title\n", encoding="utf-8"
    )
    assert build(digest_dir, "--strict") == 1
    err = capsys.readouterr().err
    expected = (
        "warning: listings/2025-03-11-hf.txt: line 3: title 'A lonely title' has no abstract line "
        "after it; published without an abstract. Paste the abstract on the line after the title"
    )
    assert expected in err
    assert "1 warning(s) and --strict; nothing was written" in err
    assert not (digest_dir / "site").exists()
    # Without --strict the paper is published, and the warning still shows.
    assert build(digest_dir) == 0
    assert expected in capsys.readouterr().err
    day = (digest_dir / "site" / "days" / "2025-03-11" / "index.html").read_text(encoding="utf-8")
    assert "A lonely title" in day


def test_empty_file(digest_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (digest_dir / "listings" / "2025-03-12-hf.txt").write_text("\n  \n", encoding="utf-8")
    assert build(digest_dir) == 1
    assert (
        "error: listings/2025-03-12-hf.txt: empty file; delete it or paste the listing into it"
        in capsys.readouterr().err
    )


def test_not_utf8(digest_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (digest_dir / "listings" / "2025-03-11-hf.txt").write_bytes(
        "Mar 11\nCaf\u00e9 title\nAbstract.\n".encode("latin-1")
    )
    assert build(digest_dir) == 1
    assert (
        "error: listings/2025-03-11-hf.txt: line 2: not UTF-8 text (byte 0xe9); save the file as UTF-8"
        in capsys.readouterr().err
    )


def test_binary_file(digest_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (digest_dir / "listings" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert build(digest_dir) == 1
    assert (
        "error: listings/image.png: binary file, not a listing; remove it from the listings folder"
        in capsys.readouterr().err
    )


def test_a_failed_build_leaves_the_previous_site_as_it_was(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (digest_dir / "listings" / SEED.name).write_bytes(SEED.read_bytes())
    assert build(digest_dir, "-q") == 0
    before = tree_digest(digest_dir / "site")
    (digest_dir / "listings" / "2025-03-12-hf.txt").write_text("", encoding="utf-8")
    assert build(digest_dir) == 1
    assert tree_digest(digest_dir / "site") == before
    # A template error fails after reading, in the middle of writing: still nothing changes.
    (digest_dir / "listings" / "2025-03-12-hf.txt").unlink()
    override = digest_dir / "templates" / "pages"
    override.mkdir(parents=True)
    (override / "day.md.j2").write_text("{{ no_such_variable }}\n", encoding="utf-8")
    assert build(digest_dir) == 1
    assert "'no_such_variable' is undefined" in capsys.readouterr().err
    assert tree_digest(digest_dir / "site") == before


def test_missing_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(tmp_path) == 1
    err = capsys.readouterr().err
    assert "digest.yml: not found; run digest in a digest folder (one with digest.yml)" in err
    assert "Traceback" not in err


def test_topic_rule_errors_are_collected(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (digest_dir / "digest.yml").write_text(
        "topics:\n"
        "  - slug: Bad Slug\n    title: Bad\n    include: [x]\n"
        "  - slug: empty\n    title: Empty\n"
        "  - slug: ok\n    title: OK\n    include: [y]\n    colour: red\n",
        encoding="utf-8",
    )
    assert build(digest_dir) == 1
    err = capsys.readouterr().err
    assert (
        "error: digest.yml: topics[0].slug: slug 'Bad Slug' must be lowercase letters, digits and "
        "hyphens, e.g. 'language-models'"
    ) in err
    assert "error: digest.yml: topics[1].include: a topic needs at least one include term" in err
    assert (
        "warning: digest.yml: topics[2].colour: unknown key; known keys: description, exclude, fields, "
        "include, slug, title"
    ) in err
