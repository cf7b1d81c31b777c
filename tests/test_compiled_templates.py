"""Templates compiled by Jinja are kept for the next build, in the user's cache folder,
and a kept entry is used only for the source, code and versions it was compiled from."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from digest.incremental import compiled_templates
from digest.incremental.compiled_templates import CompiledTemplates, user_cache_folder


class CountingEnvironment(jinja2.Environment):
    compiled: int = 0

    def compile(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        self.compiled += 1
        return super().compile(*args, **kwargs)  # type: ignore[call-overload]


def _render(folder: Path, cache: Path, extensions: tuple[str, ...] = ()) -> tuple[str, int]:
    """A fresh environment (as in a new build): what it renders, and how many templates
    it had to compile."""
    env = CountingEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)),
        bytecode_cache=CompiledTemplates(cache, "pages"),
        extensions=list(extensions),
    )
    return env.get_template("day.j2").render(day="Monday"), env.compiled


def test_a_template_is_compiled_once_and_again_when_it_changes(tmp_path: Path) -> None:
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "day.j2").write_text("Papers of {{ day }}", encoding="utf-8")
    assert _render(templates, cache) == ("Papers of Monday", 1)
    assert _render(templates, cache) == ("Papers of Monday", 0)

    (templates / "day.j2").write_text("The papers of {{ day }}", encoding="utf-8")
    assert _render(templates, cache) == ("The papers of Monday", 1)
    assert _render(templates, cache) == ("The papers of Monday", 0)


def test_an_environment_with_another_extension_compiles_its_own(tmp_path: Path) -> None:
    """The code Jinja makes depends on the environment's extensions (MkDocs adds i18n
    when Babel is installed; a plugin may add its own): an entry compiled without one is
    not used with it, and the other way round."""
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "day.j2").write_text(
        "{% for n in [1, 2, 3] %}{% if n == 2 %}{% break %}{% endif %}{{ n }}{% endfor %}"
        " papers of {{ day }}",
        encoding="utf-8",
    )
    loops = ("jinja2.ext.loopcontrols",)
    assert _render(templates, cache, loops) == ("1 papers of Monday", 1)
    assert _render(templates, cache, loops) == ("1 papers of Monday", 0)
    # Without the extension the template does not compile, as in a build from nothing.
    with pytest.raises(jinja2.TemplateSyntaxError):
        _render(templates, cache)


@pytest.mark.parametrize("damage", [b"", b"garbage", "cut"])
def test_a_damaged_entry_is_compiled_again(tmp_path: Path, damage: bytes | str) -> None:
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "day.j2").write_text("Papers of {{ day }}", encoding="utf-8")
    _render(templates, cache)
    (entry,) = (path for path in cache.rglob("*") if path.is_file())
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2] if isinstance(damage, str) else damage)

    assert _render(templates, cache) == ("Papers of Monday", 1)
    assert _render(templates, cache) == ("Papers of Monday", 0)


def test_other_code_compiles_anew_and_takes_the_old_entries_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "day.j2").write_text("Papers of {{ day }}", encoding="utf-8")
    _render(templates, cache)
    (before,) = cache.iterdir()

    # An upgrade of ours, Jinja's or MkDocs' (all in the code fingerprint).
    monkeypatch.setattr(compiled_templates, "code_fingerprint", lambda: "another version")
    assert _render(templates, cache) == ("Papers of Monday", 1)
    (after,) = cache.iterdir()
    assert after != before and after.name.startswith("pages-")


def test_an_unwritable_cache_only_means_compiling_again(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "day.j2").write_text("Papers of {{ day }}", encoding="utf-8")
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    assert _render(templates, blocked) == ("Papers of Monday", 1)
    assert _render(templates, blocked) == ("Papers of Monday", 1)


def test_the_user_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/someone")
    assert user_cache_folder() == Path("/var/cache/someone/paper-digest")
    # Relative values are to be ignored (the XDG base directory specification).
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", "/home/someone")
    assert user_cache_folder() == Path("/home/someone/.cache/paper-digest")
