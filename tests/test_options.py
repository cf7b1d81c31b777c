"""digest.yml's options are declared once (``digest.options``): the checks, the messages,
the "did you mean", README's table and what a change of each makes again all come from
the declarations, and these tests hold the declarations to what the code does.

``python tests/test_options.py`` writes README's table of options again.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from digest.config import SECTIONS, load_config
from digest.options import CHANGES, OUTSIDE_THE_BUILD, Option, Section, reference_table

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
_TABLE = re.compile(r"(<!-- options: written by .*? -->\n)(.*?)(<!-- options: end -->)", re.S)
# Sections read from a mapping of digest.yml (topics[] and watch[] are entries of lists).
MAPPED = [s for s in SECTIONS if not s.name.endswith("[]")]


def _readme_with_table() -> str:
    text = README.read_text(encoding="utf-8")
    return _TABLE.sub(lambda m: m[1] + reference_table(SECTIONS) + m[3], text)


def _place(section: Section, option: Option) -> str:
    return f"{section.name}.{option.key}" if section.name else option.key


def _nested(section: Section, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` placed where the section is in digest.yml (send.email under send)."""
    tree: dict[str, Any] = values
    for part in reversed([p for p in section.name.split(".") if p]):
        tree = {part: tree}
    return tree


def _merge(into: dict[str, Any], tree: dict[str, Any]) -> None:
    for key, value in tree.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _stage(result: Any, name: str) -> str:
    return str(next(stage.summary for stage in result.stages if stage.name == name))


def _write_config(root: Path, tree: dict[str, Any]) -> None:
    (root / "digest.yml").write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")


def test_readme_lists_every_option_as_declared() -> None:
    assert README.read_text(encoding="utf-8") == _readme_with_table(), (
        "README's table of options is not the declarations': run python tests/test_options.py"
    )


def test_every_option_says_what_it_changes_and_has_a_right_example() -> None:
    for section in SECTIONS:
        for option in section.options:
            assert option.changes and set(option.changes) <= set(CHANGES), option.key
            assert option.help and option.kind.takes, option.key
            assert option.kind.check(option.example) != section.default(option), option.key


def test_each_example_is_taken_as_it_is_declared(tmp_path: Path) -> None:
    """A digest.yml with every option of every section at its example loads without a
    problem, and each value lands where its declaration says."""
    tree: dict[str, Any] = {}
    for section in MAPPED:
        examples = {o.key: o.example for o in section.options}
        _merge(tree, _nested(section, examples))
    tree["library"] = tree["allow_outside"] = []  # examples name folders not made here
    _write_config(tmp_path, tree)
    for folder in ("papers", "theme", "pages"):
        (tmp_path / folder).mkdir()
    config, problems = load_config(tmp_path)
    assert problems.items == []
    assert config.feed_days == 14 and config.feed_time_zone == "Europe/Paris"
    assert config.fetch.arxiv_categories == ("cs.LG", "cs.CL") and config.fetch.timeout == 60.0
    assert config.ranking.min_score == 0.2 and config.filters.beyond_cap == "omit"
    assert config.summaries.enabled and config.summaries.api_key_env == "DEEPSEEK_API_KEY"
    assert config.send.email is not None and config.send.email.sender.startswith("Lab digest")
    assert config.send.chat == ("slack",) and config.archive.years == 2
    assert config.listings == (tmp_path / "papers").resolve()
    assert config.site_dir == (tmp_path / "public").resolve()


@pytest.mark.parametrize("section", MAPPED, ids=lambda s: s.name or "top level")
def test_a_wrong_value_of_any_option_is_one_error_at_its_key(
    tmp_path: Path, section: Section
) -> None:
    """A mapping where a value goes is taken by no option: each says so at its own key,
    with what it takes, and the rest of the file still loads."""
    base: dict[str, Any] = {"send": {"email": {"to": "a@example.org", "from": "b@example.org"}}}
    for option in section.options:
        tree = yaml.safe_load(yaml.safe_dump(base))
        _merge(tree, _nested(section, {option.key: {"wrong": 1}}))
        _write_config(tmp_path, tree)
        config, problems = load_config(tmp_path)
        said = [(p.place, p.message) for p in problems.items]
        assert len(said) == 1 and said[0][0] == _place(section, option), said
        assert config.topics == () and config.catch_all.slug == "other"


@pytest.mark.parametrize("section", MAPPED, ids=lambda s: s.name or "top level")
def test_a_misspelt_key_of_any_section_names_the_right_one(
    tmp_path: Path, section: Section
) -> None:
    for option in section.options:
        misspelt = option.key[:-1] + "x" + option.key[-1]
        tree: dict[str, Any] = {"send": {"email": {"to": "a@example.org", "from": "b@x.org"}}}
        _merge(tree, _nested(section, {misspelt: 1}))
        _write_config(tmp_path, tree)
        _, problems = load_config(tmp_path)
        [warning] = problems.items
        assert warning.place == (f"{section.name}.{misspelt}" if section.name else misspelt)
        assert f"did you mean '{option.key}'?" in warning.message


def test_a_misspelt_chat_service_names_the_right_one(tmp_path: Path) -> None:
    _write_config(tmp_path, {"send": {"chat": ["Slak", "discord"]}})
    _, problems = load_config(tmp_path)
    [error] = problems.items
    assert error.place == "send.chat"
    assert error.message == (
        "unknown service 'Slak'; did you mean 'slack'? known: slack, discord, matrix, telegram"
    )


@pytest.mark.slow
def test_options_outside_the_build_change_nothing_it_makes(tmp_path: Path) -> None:
    """Every option declared to change only fetch, send or summarize, set to its example:
    the next build renders no page again and publishes the same site byte for byte."""
    from conftest import spread_digest, tree_digest

    from digest.build import build
    from digest.incremental import up_to_date

    root = spread_digest(tmp_path / "digest")
    tree = yaml.safe_load((root / "digest.yml").read_text(encoding="utf-8"))
    for section in MAPPED:  # a section with keys it needs (send.email) is there before
        _merge(tree, _nested(section, {o.key: o.example for o in section.options if o.required}))
    _write_config(root, tree)
    build(root)
    up_to_date.forget(root / ".digest")  # else it does nothing at all (``up_to_date``)
    unchanged = build(root)  # what a build with nothing new renders (the navigation)
    before = tree_digest(root / "site")
    changed = []
    for section in MAPPED:
        outside = {o.key: o.example for o in section.options if set(o.changes) <= OUTSIDE_THE_BUILD}
        if outside:
            _merge(tree, _nested(section, outside))
            changed += [_place(section, o) for o in section.options if o.key in outside]
    assert len(changed) >= 20  # fetch's 18, send.chat, summaries' max_per_run ...
    _write_config(root, tree)
    again = build(root)
    assert again.outcome.problems.items == []
    assert _stage(again, "pages") == _stage(unchanged, "pages")
    assert _stage(again, "pages").endswith("paper pages, 0 rendered")
    assert tree_digest(root / "site") == before


if __name__ == "__main__":
    README.write_text(_readme_with_table(), encoding="utf-8")
    sys.exit(0)
