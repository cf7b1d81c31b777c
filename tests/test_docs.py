"""Documentation that cannot drift from the code: the template API and the layout."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

import digest
from digest.catalog.merge import Catalog
from digest.config import Topic
from digest.site.cards import CardRenderer
from digest.site.plan import SiteInfo, SitePlan
from digest.site.render import globals_for, make_environment

TEMPLATES_README = (REPO / "templates" / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
PACKAGE = Path(digest.__file__).parent


def _documented(name: str) -> bool:
    return re.search(rf"`{re.escape(name)}[`(]", TEMPLATES_README) is not None


def test_every_template_global_and_filter_is_documented() -> None:
    env = make_environment(None)
    other = Topic("other", "Other", "Papers no topic rule matched.")
    plan = SitePlan.of(Catalog(papers=(), topics=(other,)), SiteInfo("D", "https://x.org/", ""))
    names = set(globals_for(CardRenderer(plan, env), ""))
    missing = sorted(name for name in names if not _documented(name))
    assert missing == [], f"templates/README.md does not document the globals {missing}"
    ours = {"rich", "safe_url", "long_date", "month_name", "yaml", "note_html"}
    assert ours <= set(env.filters)
    assert sorted(name for name in ours if not _documented(name)) == []


def test_every_built_in_template_is_listed() -> None:
    templates = sorted(
        path.relative_to(PACKAGE / "templates").as_posix()
        for folder in ("pages", "partials")
        for path in (PACKAGE / "templates" / folder).glob("*.j2")
    )
    assert len(templates) == 14
    assert [name for name in templates if f"`{name}`" not in TEMPLATES_README] == []


def test_every_module_of_the_package_is_in_contributing() -> None:
    modules = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py") and "scaffold" not in path.parts
    )
    missing = [m for m in modules if Path(m).stem not in CONTRIBUTING]
    assert missing == [], f"CONTRIBUTING.md's layout does not name {missing}"


def test_every_command_s_help_says_what_it_does() -> None:
    import argparse

    from digest.cli import _parser

    parser = _parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [
        name
        for name, command in commands.choices.items()
        if not (command.description or "").strip()
    ]
    assert missing == []
    assert (
        commands.choices["send"]
        .format_help()
        .split("\n\n")[1]
        .startswith("Send the newest settled day")
    )


def test_what_contributing_tells_to_edit_exists() -> None:
    """Every file and function the "How to add" and layout sections send a contributor
    to is there (a rename that leaves the guide behind fails here)."""
    import re

    guide = CONTRIBUTING.split("## Which way imports point", 1)[1]
    files = set(re.findall(r"`((?:[\w/]+/)?\w+\.py)`", guide))
    missing = [
        name
        for name in sorted(files)
        if not (PACKAGE / name).is_file()
        and not (REPO / name).is_file()
        and not list(PACKAGE.rglob(name))
    ]
    assert missing == []
    folders = set(re.findall(r"`(digest/[\w/]+/)`", guide))
    assert [f for f in sorted(folders) if not (REPO / f).is_dir()] == []
    modules = {path.stem: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}
    classes = {
        name: text for text in modules.values() for name in re.findall(r"^class (\w+)", text, re.M)
    }
    # `module.function` and `Class.method` it names: the function in that module, the
    # method in that class's module; a `Class` alone: defined somewhere.
    dotted = re.findall(r"`([A-Za-z_]\w*)\.([a-z_]\w*)`", guide)
    unknown = [
        f"{owner}.{name}"
        for owner, name in dotted
        if name not in {"py", "yml", "md", "json", "mjs", "j2"}
        and not re.search(
            rf"^\s*(def|class) {name}\b|^{name} =",
            classes.get(owner) or modules.get(owner, ""),
            re.M,
        )
    ]
    unknown += [c for c in re.findall(r"`([A-Z][a-z]\w*)`", guide) if c not in classes]
    assert unknown == []


def test_each_command_says_what_its_date_means() -> None:
    from digest.cli import _parser

    def date_help(command: str) -> str:
        import argparse

        parser = _parser()
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        action = next(a for a in commands.choices[command]._actions if "--date" in a.option_strings)
        return str(action.help)

    assert (
        date_help("build") == "the listing date (YYYY-MM-DD) of listings whose file name has none"
    )
    assert date_help("fetch").startswith("the day to fetch")
    assert date_help("pick").startswith("the day of the pick")
    assert date_help("note").startswith("the day of the note")
