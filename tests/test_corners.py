"""Slow and silent corners (issue 11, case 7), each of which failed before:
math markup took quadratic time, wrong-typed curation values were ignored or a traceback,
a YAML alias bomb took 32 s and 3 GB, ``C++`` matched "Washington D.C.", a 10 MB note made
a 247 MB site, and a listing dated 9999-12-31 ended in an OverflowError traceback.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import copy_digest, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.catalog.topics import term_matches
from digest.cli import main
from digest.site.escape import math_spans

# The readable definition math_spans must agree with: a formula is the shortest text
# between an opener and its closer ($ ... $ only where the dollars hug the formula).
READABLE_MATH = re.compile(
    r"\\\((?P<inline>.+?)\\\)"
    r"|\\\[(?P<display>.+?)\\\]"
    r"|\$\$(?P<ddisplay>.+?)\$\$"
    r"|(?<![\\$\w])\$(?P<dollar>[^\s$](?:[^$]*?[^\s\\$])?)\$(?![\d$])",
    re.DOTALL,
)


def _readable(value: str) -> list[tuple[int, int, str, bool]]:
    spans = []
    for match in READABLE_MATH.finditer(value):
        body = next(group for group in match.groups() if group is not None)
        display = match.group("display") is not None or match.group("ddisplay") is not None
        spans.append((match.start(), match.end(), body, display))
    return spans


@settings(max_examples=examples(500), deadline=None)
@given(
    st.lists(
        st.sampled_from(["\\(", "\\)", "\\[", "\\]", "$", "$$", "a", " ", "\\", "1", "x y"]),
        max_size=30,
    ).map("".join)
)
def test_math_spans_agree_with_the_readable_definition(value: str) -> None:
    assert list(math_spans(value)) == _readable(value)


def _readable_sentences(text: str) -> list[str]:
    """Sentences by their definition, read plainly: split at whitespace after . ! or ?
    before a capital, a digit, a backslash, $ or (, unless the text so far ends with an
    abbreviation or the split is inside a formula."""
    from digest.site.gist import _ABBREVIATIONS

    text = " ".join(text.split())
    formulas = [(start, end) for start, end, _, _ in math_spans(text)]
    found, start = [], 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z0-9\\$(])", text):
        head = text[start : match.start()]
        if head.endswith(_ABBREVIATIONS) or any(a < match.start() < b for a, b in formulas):
            continue
        found.append(head)
        start = match.end()
    found.append(text[start:])
    return [s for s in found if s]


@settings(max_examples=examples(500), deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "$",
                "$$",
                "\\(",
                "\\)",
                "\\[",
                "\\]",
                ". ",
                "! ",
                "? ",
                "A",
                "b",
                " ",
                "1",
                "e.g. ",
                "(",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_sentences_agree_with_the_readable_definition(text: str) -> None:
    """The gist's sentences find each text's formulas once and look each end up among
    them by bisection; the plain definition checks every end against every formula."""
    from digest.site.gist import sentences

    assert sentences(text) == _readable_sentences(text)


def test_math_spans_of_a_megabyte_of_openers_are_found_at_all() -> None:
    # Not a timing assertion (bench/RESULTS.md has the figure): the quadratic version
    # did not finish this in minutes; here it returns, with nothing to typeset.
    value = "\\(" * 500_000
    assert list(math_spans(value)) == []
    assert list(math_spans(value + "x\\)")) == [(0, len(value) + 3, value[2:] + "x", False)]


@pytest.mark.parametrize(
    ("value", "shown"),
    [('"true"', "'true'"), ("1", "1"), ('"yes"', "'yes'"), ("[true]", "[True]")],
)
def test_a_hide_that_is_not_true_or_false_is_an_error_with_its_line(
    tmp_path: Path, value: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    (root / "curation.yml").write_text(
        f'papers:\n  "Lossless Compression with Probabilistic Circuits":\n    hide: {value}\n',
        encoding="utf-8",
    )
    assert main(["build", "-q", "-C", str(root)]) == 1
    err = capsys.readouterr().err
    assert (
        "error: curation.yml: line 3: papers.Lossless Compression with Probabilistic "
        f"Circuits.hide: must be true or false, not {shown}; e.g. hide: true"
    ) in err
    assert "Traceback" not in err


def test_a_pick_that_is_a_list_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    (root / "curation.yml").write_text(
        'papers:\n  "Lossless Compression with Probabilistic Circuits":\n    pick: [day]\n',
        encoding="utf-8",
    )
    assert main(["build", "-q", "-C", str(root)]) == 1
    assert (
        "error: curation.yml: line 3: papers.Lossless Compression with Probabilistic "
        "Circuits.pick: must be day or week, not ['day']; e.g. pick: day"
    ) in capsys.readouterr().err


def test_an_unquoted_id_in_curation_is_an_error_naming_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    (root / "curation.yml").write_text("papers:\n  2312.15230:\n    pin: true\n", encoding="utf-8")
    assert main(["check", "-q", "-C", str(root)]) == 1
    assert (
        "error: curation.yml: line 2: papers.2312.1523: YAML reads this id as the number "
        '2312.1523; write it in quotes, e.g. "2312.15230":'
    ) in capsys.readouterr().err


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("file", ["digest.yml", "curation.yml"])
def test_a_yaml_alias_bomb_is_refused_at_once(
    tmp_path: Path, file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    with open(root / file, "a", encoding="utf-8") as handle:
        handle.write("\n" + _alias_bomb())
    started = time.monotonic()
    assert main(["check", "-q", "-C", str(root)]) == 1
    assert time.monotonic() - started < 30  # was 32 s and 3 GB, then a MemoryError
    err = capsys.readouterr().err
    assert "its aliases (*name) stand for over 100,000 values" in err
    assert "Traceback" not in err


def test_terms_with_symbols_match_literally() -> None:
    assert not term_matches("C++", "a survey held in Washington D.C. last year")
    assert term_matches("C++", "kernels written in C++ and CUDA")
    assert term_matches("C#", "a C# library")
    assert not term_matches("C", "a C# library")
    assert term_matches(".NET", "ported to the .NET runtime")
    assert term_matches("transformer", "strong models.Transformers are")
    assert not term_matches("RL", "the URL")


@pytest.mark.slow
def test_a_huge_note_and_abstract_are_reported_and_cut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest", listings=False)
    (root / "listings" / "2025-03-12-list.yml").write_text(
        f"papers:\n  - title: A paper with a runaway abstract\n    abstract: {'word ' * 200_000}\n",
        encoding="utf-8",
    )
    (root / "curation.yml").write_text(
        f'papers:\n  "A paper with a runaway abstract":\n    note: "{"note " * 2_000_000}"\n',
        encoding="utf-8",
    )
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert main(["check", "-C", str(root)]) == 0
    err = capsys.readouterr().err
    assert (
        "warning: listings/2025-03-12-list.yml: paper 1: the abstract is 999,999 characters, "
        "over the 20,000 shown; cut (the paper's links lead to the whole text)"
    ) in err
    assert (
        "warning: curation.yml: line 3: papers.A paper with a runaway abstract.note: the note "
        "is 10,000,000 characters; the first 5,000 are shown"
    ) in err
    size = sum(path.stat().st_size for path in (root / "site").rglob("*") if path.is_file())
    assert size < 20 * 1024 * 1024  # was 247 MB for a 10 MB note


def test_a_listing_dated_in_the_year_9999_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest", listings=False)
    (root / "listings" / "list.yml").write_text(
        "date: 9999-12-31\npapers:\n  - title: From the far future\n", encoding="utf-8"
    )
    assert main(["build", "-q", "-C", str(root)]) == 1
    err = capsys.readouterr().err
    assert (
        "error: listings/list.yml: paper 1: listing date 9999-12-31 is not a plausible day "
        "of papers; fix the date in the file or its name"
    ) in err
    assert "Traceback" not in err
