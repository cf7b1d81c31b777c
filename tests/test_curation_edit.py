"""``digest pick`` and ``digest note`` edit one entry of curation.yml and nothing else:
comments, order and other entries stay as written, and an edit that would not read
back as meant leaves the file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.cli import main

WRITTEN = """# Our reading group's layer.
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
"""


# The papers the entries name, listed: pick and note refuse a paper the listings lack.
LISTED = """date: 2025-03-11
papers:
  - title: Efficiently Modeling Long Sequences with Structured State Spaces
    arxiv: "2111.00396"
  - title: "SimPO: Simple Preference Optimization with a Reference-Free Reward"
    arxiv: "2405.15738"
  - title: A paper whose id YAML reads as a number
    arxiv: "2312.15230"
  - title: Attention Is All You Need
  - title: Some Title We Do Not Want
"""


@pytest.fixture
def listed(digest_dir: Path) -> Path:
    (digest_dir / "listings" / "2025-03-11-reading.yml").write_text(LISTED, encoding="utf-8")
    return digest_dir


@pytest.fixture
def curated(listed: Path) -> Path:
    (listed / "curation.yml").write_text(WRITTEN, encoding="utf-8")
    return listed


def test_a_note_replaces_a_multi_line_one_and_keeps_everything_else(curated: Path) -> None:
    assert (
        main(
            [
                "note",
                "-q",
                "-C",
                str(curated),
                "2111.00396",
                'Read it: "twice".',
                "--date",
                "2026-01-06",
            ]
        )
        == 0
    )
    assert (curated / "curation.yml").read_text(encoding="utf-8") == WRITTEN.replace(
        "    note: |\n      A long note,\n      on two lines.\n",
        '    note: "Read it: \\"twice\\"."\n',
    ).replace(
        "    add_topics: [reasoning]\n", "    add_topics: [reasoning]\n    edited: 2026-01-06\n"
    )


def test_a_pick_of_a_new_paper_is_added_at_the_end(curated: Path) -> None:
    assert (
        main(["pick", "-q", "-C", str(curated), "2405.15738", "--week", "--date", "2026-01-05"])
        == 0
    )
    assert (curated / "curation.yml").read_text(encoding="utf-8") == WRITTEN + (
        '  "2405.15738":\n    pick: week\n    picked: 2026-01-05\n'
    )
    # Picked again, as the paper of the day: the same entry changes, no second one.
    assert main(["pick", "-q", "-C", str(curated), "2405.15738", "--date", "2026-01-07"]) == 0
    assert (
        (curated / "curation.yml")
        .read_text(encoding="utf-8")
        .endswith('  "2405.15738":\n    pick: day\n    picked: 2026-01-07\n')
    )


def test_a_file_that_does_not_read_is_left_as_it_is(
    curated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = WRITTEN + "  - not: a mapping entry\n"
    (curated / "curation.yml").write_text(broken, encoding="utf-8")
    assert main(["pick", "-C", str(curated), "2405.15738"]) == 1
    assert "curation.yml" in capsys.readouterr().err
    assert (curated / "curation.yml").read_text(encoding="utf-8") == broken


def test_an_entry_on_one_line_is_left_to_the_editor(
    curated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_line = 'papers:\n  "2405.15738": {pin: true}\n'
    (curated / "curation.yml").write_text(one_line, encoding="utf-8")
    assert main(["note", "-C", str(curated), "2405.15738", "Why."]) == 1
    assert "edit it by hand" in capsys.readouterr().err
    assert (curated / "curation.yml").read_text(encoding="utf-8") == one_line


def test_without_a_curation_file_one_is_made(listed: Path) -> None:
    digest_dir = listed
    (digest_dir / "curation.yml").unlink(missing_ok=True)
    assert (
        main(
            [
                "pick",
                "-q",
                "-C",
                str(digest_dir),
                "Attention Is All You Need",
                "--date",
                "2026-01-05",
            ]
        )
        == 0
    )
    text = (digest_dir / "curation.yml").read_text(encoding="utf-8")
    assert '  "Attention Is All You Need":\n    pick: day\n    picked: 2026-01-05\n' in text


def test_a_new_entry_follows_the_file_s_own_indentation(listed: Path) -> None:
    digest_dir = listed
    (digest_dir / "curation.yml").write_text(
        'papers:\n    "2111.00396":\n        pin: true\n', encoding="utf-8"
    )
    assert main(["pick", "-q", "-C", str(digest_dir), "2405.15738", "--date", "2026-01-05"]) == 0
    assert (digest_dir / "curation.yml").read_text(encoding="utf-8") == (
        'papers:\n    "2111.00396":\n        pin: true\n    "2405.15738":\n        pick: day\n        picked: 2026-01-05\n'
    )


def test_an_unquoted_id_is_not_doubled_but_named(
    listed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest_dir = listed
    written = "papers:\n  2312.15230:\n    pin: true\n"
    (digest_dir / "curation.yml").write_text(written, encoding="utf-8")
    assert main(["pick", "-C", str(digest_dir), "2312.15230"]) == 1
    assert "write it in quotes" in capsys.readouterr().err
    assert (digest_dir / "curation.yml").read_text(encoding="utf-8") == written


@pytest.mark.parametrize(
    "written",
    [
        "2405.15738v2",
        "arXiv:2405.15738",
        "https://arxiv.org/abs/2405.15738v2",
        "https://arxiv.org/pdf/2405.15738",
    ],
)
def test_a_paper_is_named_as_a_curator_copies_it(listed: Path, written: str) -> None:
    (listed / "curation.yml").unlink(missing_ok=True)
    assert main(["pick", "-q", "-C", str(listed), written, "--date", "2026-01-05"]) == 0
    text = (listed / "curation.yml").read_text(encoding="utf-8")
    assert '  "2405.15738":\n    pick: day\n    picked: 2026-01-05\n' in text


@pytest.mark.parametrize("written", ["2699.99999", "arXiv:2608.19880", "A Title Nobody Listed"])
def test_an_unknown_paper_is_refused_and_the_file_left_alone(
    curated: Path, written: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["pick", written], ["note", written, "Why."], ["dislike", written]):
        assert main([command[0], "-C", str(curated), *command[1:]]) == 1
        assert capsys.readouterr().err == (
            f"digest: no paper '{written}' in the listings; give an arXiv id or a paper's exact title\n"
        )
    assert (curated / "curation.yml").read_text(encoding="utf-8") == WRITTEN


def test_an_entry_kept_under_a_title_is_edited_there(listed: Path) -> None:
    (listed / "curation.yml").write_text(
        'papers:\n  "Efficiently Modeling Long Sequences with Structured State Spaces":\n    pin: true\n',
        encoding="utf-8",
    )
    assert main(["pick", "-q", "-C", str(listed), "2111.00396", "--date", "2026-01-05"]) == 0
    assert (listed / "curation.yml").read_text(encoding="utf-8") == (
        'papers:\n  "Efficiently Modeling Long Sequences with Structured State Spaces":\n'
        "    pin: true\n    pick: day\n    picked: 2026-01-05\n"
    )


@pytest.mark.parametrize(
    ("written", "after"),
    [
        ("papers: {}\n", "papers:\n"),
        ("papers: {}  # none yet\n", "papers:  # none yet\n"),
        ("papers:\n", "papers:\n"),
        ("", "papers:\n"),
        ("\n", "\npapers:\n"),
        ("# Our picks.\n", "# Our picks.\npapers:\n"),
    ],
)
def test_an_empty_curation_file_builds_and_takes_a_pick(
    listed: Path, written: str, after: str
) -> None:
    (listed / "curation.yml").write_text(written, encoding="utf-8")
    assert main(["check", "--strict", "-q", "-C", str(listed)]) == 0
    assert main(["pick", "-q", "-C", str(listed), "2405.15738", "--date", "2026-01-05"]) == 0
    assert (listed / "curation.yml").read_text(encoding="utf-8") == (
        after + '  "2405.15738":\n    pick: day\n    picked: 2026-01-05\n'
    )


def test_an_empty_note_is_refused_with_what_to_do(
    curated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["note", "-C", str(curated), "2111.00396", " "]) == 1
    assert capsys.readouterr().err == (
        "digest: an empty note says nothing; give the note's text in quotes (to take a note "
        "away, delete its note: line from curation.yml)\n"
    )
    assert (curated / "curation.yml").read_text(encoding="utf-8") == WRITTEN


def test_a_footer_comment_stays_last_and_a_replaced_line_keeps_its_comment(
    listed: Path,
) -> None:
    (listed / "curation.yml").write_text(
        'papers:\n  "2111.00396":\n    pick: day  # for Thursday\n    picked: 2026-01-05\n'
        "\n# Entries above; digest pick adds its own.\n",
        encoding="utf-8",
    )
    assert main(["pick", "-q", "-C", str(listed), "2405.15738", "--date", "2026-01-06"]) == 0
    assert (
        main(["pick", "-q", "-C", str(listed), "2111.00396", "--week", "--date", "2026-01-07"]) == 0
    )
    assert (listed / "curation.yml").read_text(encoding="utf-8") == (
        'papers:\n  "2111.00396":\n    pick: week  # for Thursday\n    picked: 2026-01-07\n'
        '  "2405.15738":\n    pick: day\n    picked: 2026-01-06\n'
        "\n# Entries above; digest pick adds its own.\n"
    )
