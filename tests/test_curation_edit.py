"""``digest pick`` and ``digest note`` edit one entry of curation.yml and nothing else:
comments, order and other entries stay as written, and an edit that would not read
back as meant leaves the file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.cli import main

WRITTEN = '''# Our reading group's layer.
papers:
  # The S4 paper.
  "2111.00396":
    pin: true
    note: |
      A long note,
      on two lines.
    add_topics: [reasoning]

  "Some Title We Do Not Want":
    hide: true
'''


@pytest.fixture
def curated(digest_dir: Path) -> Path:
    (digest_dir / "curation.yml").write_text(WRITTEN, encoding="utf-8")
    return digest_dir


def test_a_note_replaces_a_multi_line_one_and_keeps_everything_else(curated: Path) -> None:
    assert main(["note", "-q", "-C", str(curated), "2111.00396", 'Read it: "twice".', "--date", "2026-01-06"]) == 0
    assert (curated / "curation.yml").read_text(encoding="utf-8") == WRITTEN.replace(
        "    note: |\n      A long note,\n      on two lines.\n",
        '    note: "Read it: \\"twice\\"."\n',
    ).replace("    add_topics: [reasoning]\n", "    add_topics: [reasoning]\n    edited: 2026-01-06\n")


def test_a_pick_of_a_new_paper_is_added_at_the_end(curated: Path) -> None:
    assert main(["pick", "-q", "-C", str(curated), "2405.15738", "--week", "--date", "2026-01-05"]) == 0
    assert (curated / "curation.yml").read_text(encoding="utf-8") == WRITTEN + (
        '  "2405.15738":\n    pick: week\n    picked: 2026-01-05\n'
    )
    # Picked again, as the paper of the day: the same entry changes, no second one.
    assert main(["pick", "-q", "-C", str(curated), "2405.15738", "--date", "2026-01-07"]) == 0
    assert (curated / "curation.yml").read_text(encoding="utf-8").endswith(
        '  "2405.15738":\n    pick: day\n    picked: 2026-01-07\n'
    )


def test_a_file_that_does_not_read_is_left_as_it_is(curated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = WRITTEN + "  - not: a mapping entry\n"
    (curated / "curation.yml").write_text(broken, encoding="utf-8")
    assert main(["pick", "-C", str(curated), "2405.15738"]) == 1
    assert "curation.yml" in capsys.readouterr().err
    assert (curated / "curation.yml").read_text(encoding="utf-8") == broken


def test_an_entry_on_one_line_is_left_to_the_editor(curated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one_line = 'papers:\n  "2405.15738": {pin: true}\n'
    (curated / "curation.yml").write_text(one_line, encoding="utf-8")
    assert main(["note", "-C", str(curated), "2405.15738", "Why."]) == 1
    assert "edit it by hand" in capsys.readouterr().err
    assert (curated / "curation.yml").read_text(encoding="utf-8") == one_line


def test_without_a_curation_file_one_is_made(digest_dir: Path) -> None:
    (digest_dir / "curation.yml").unlink(missing_ok=True)
    assert main(["pick", "-q", "-C", str(digest_dir), "Attention Is All You Need", "--date", "2026-01-05"]) == 0
    text = (digest_dir / "curation.yml").read_text(encoding="utf-8")
    assert '  "Attention Is All You Need":\n    pick: day\n    picked: 2026-01-05\n' in text


def test_a_new_entry_follows_the_file_s_own_indentation(digest_dir: Path) -> None:
    (digest_dir / "curation.yml").write_text('papers:\n    "2111.00396":\n        pin: true\n', encoding="utf-8")
    assert main(["pick", "-q", "-C", str(digest_dir), "2405.15738", "--date", "2026-01-05"]) == 0
    assert (digest_dir / "curation.yml").read_text(encoding="utf-8") == (
        'papers:\n    "2111.00396":\n        pin: true\n    "2405.15738":\n        pick: day\n        picked: 2026-01-05\n'
    )


def test_an_unquoted_id_is_not_doubled_but_named(digest_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = "papers:\n  2312.15230:\n    pin: true\n"
    (digest_dir / "curation.yml").write_text(written, encoding="utf-8")
    assert main(["pick", "-C", str(digest_dir), "2312.15230"]) == 1
    assert "write it in quotes" in capsys.readouterr().err
    assert (digest_dir / "curation.yml").read_text(encoding="utf-8") == written
