"""digest.yml's options, each declared once: its key, what it takes (the check and the
message a wrong value gets), its default, what it changes, an example and one line of
help. The sections' parsers read their mapping through ``Section.read``; the "did you
mean" of an unknown key and README's table of options (``reference_table``) come from
the same declarations, so a new option cannot be checked but undocumented, or
documented but unknown.

A section's defaults are its dataclass's (``target``): said once, where the code that
uses them reads them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from digest.problems import Problems, config_section

# What a change of an option makes again. The build never reads the first three: a
# rebuild after changing only them renders nothing new (tests/test_options.py builds it).
CHANGES = {
    "fetch": "the next `digest fetch`",
    "send": "the next `digest send`",
    "summarize": "the next `digest summarize`",
    "topics": "which topic each paper is on, and every page that shows it",
    "ranking": "each day's ranking, Recommended section and related papers",
    "sift": "which papers the site shows",
    "feeds": "the feeds",
    "pages": "the pages that show it",
    "folders": "where the build reads and writes",
}
OUTSIDE_THE_BUILD = frozenset({"fetch", "send", "summarize"})


# An option whose default is its section's dataclass's (dataclasses.MISSING cannot be a
# field's default: the dataclass would take it for none).
FROM_TARGET: Any = object()


class Wrong(ValueError):
    """A value an option does not take; its args are the messages said for its key."""


@dataclass(frozen=True)
class Kind:
    """What an option takes: ``takes`` says it (README's table, and the message "must be
    <takes>"); ``check`` gives the value as the code uses it, or raises Wrong."""

    takes: str
    check: Callable[[Any], Any]


def kind(
    takes: str, accepts: Callable[[Any], bool], convert: Callable[[Any], Any] = lambda v: v
) -> Kind:
    def check(value: Any) -> Any:
        if not accepts(value):
            raise Wrong(f"must be {takes}")
        return convert(value)

    return Kind(takes, check)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def whole(minimum: int, unit: str = "", maximum: int | None = None, note: str = "") -> Kind:
    """A whole number of ``unit``, ``minimum`` or more (booleans are not numbers)."""
    takes = f"a whole number{' of ' + unit if unit else ''}, {minimum} or more{note}"
    return kind(
        takes,
        lambda v: _is_int(v) and v >= minimum and (maximum is None or v <= maximum),
    )


def seconds(takes: str = "a number of seconds, 0 or more", positive: bool = False) -> Kind:
    return kind(takes, lambda v: _is_number(v) and (v > 0 if positive else v >= 0), float)


def similarity(example: str) -> Kind:
    return kind(
        f"a similarity between 0 and 1, e.g. {example}",
        lambda v: _is_number(v) and 0 <= v <= 1,
        float,
    )


def flag(takes: str = "true or false") -> Kind:
    return kind(takes, lambda v: isinstance(v, bool))


def http_url(takes: str = "an http(s) URL", base: bool = True) -> Kind:
    """An http(s) address; ``base``: one that paths are added to (its final / dropped)."""
    return kind(
        takes,
        lambda v: isinstance(v, str) and v.strip().startswith(("http://", "https://")),
        lambda v: v.strip().rstrip("/") if base else v.strip(),
    )


def optional(inner: Kind) -> Kind:
    """``inner``, or nothing (null in YAML): the option's default."""

    def check(value: Any) -> Any:
        return None if value is None else inner.check(value)

    return Kind(inner.takes, check)


def phrases(takes: str) -> Kind:
    """A list of non-empty texts; one text alone is a list of one; null is none."""

    def check(value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() for v in values
        ):
            raise Wrong(f"must be {takes}")
        return tuple(v.strip() for v in values)

    return Kind(takes, check)


def field_names(known: tuple[str, ...], takes: str, default: tuple[str, ...]) -> Kind:
    """A list of a paper's fields to look in (``title``, ``abstract``, ...)."""
    listed = phrases(takes)

    def check(value: Any) -> tuple[str, ...]:
        names = listed.check(value) or default
        wrong = [
            f"no field '{name}'; fields are: {', '.join(known)}"
            for name in names
            if name not in known
        ]
        if wrong:
            raise Wrong(*wrong)
        return names

    return Kind(f"{takes} out of {', '.join(known)}", check)


@dataclass(frozen=True)
class Option:
    key: str
    kind: Kind
    help: str
    changes: tuple[str, ...]
    example: Any  # a right value other than the default (README's table, tests)
    field: str = ""  # the target's attribute, when not the key
    default: Any = FROM_TARGET  # when the section has no target to take it from
    required: bool = False  # absent: checked as null, so its message is said

    @property
    def attribute(self) -> str:
        return self.field or self.key


class Reading(NamedTuple):
    """A section as read: each option's value (by attribute) and the keys that were wrong."""

    values: dict[str, Any]
    wrong: set[str]


@dataclass(frozen=True)
class Section:
    name: str  # "feeds"; "" for the top level; "topics[]" for each entry of a list
    example: str  # what a mapping of it looks like, for the message when it is not one
    options: tuple[Option, ...]
    target: Any = None  # the dataclass whose fields hold the values (and their defaults)
    parts: tuple[str, ...] = ()  # keys whose values are sections of their own

    def __post_init__(self) -> None:
        # A declaration that cannot work fails on import, not on a curator's digest.yml.
        for option in self.options:
            if not set(option.changes) <= set(CHANGES):
                raise ValueError(f"{option.key}: changes {option.changes} not in CHANGES")
            if not option.required and self.default(option) in (FROM_TARGET, dataclasses.MISSING):
                raise ValueError(f"{option.key}: no default (on the option or its target)")

    @property
    def keys(self) -> set[str]:
        return {option.key for option in self.options} | set(self.parts)

    def default(self, option: Option) -> Any:
        if option.default is not FROM_TARGET or self.target is None:
            return option.default
        found = next(f for f in dataclasses.fields(self.target) if f.name == option.attribute)
        if found.default_factory is not dataclasses.MISSING:
            return found.default_factory()
        return found.default

    def defaults(self) -> dict[str, Any]:
        return {o.attribute: self.default(o) for o in self.options if not o.required}

    def read(self, raw: Any, problems: Problems, file: str, where: str | None = None) -> Reading:
        """Each option's value from ``raw``; a wrong one is said (key, message) and its
        default used; an unknown key is warned about with the likely one."""
        where = self.name if where is None else where
        found = config_section(raw, where, self.example, problems, file, self.keys)
        values = self.defaults()
        wrong: set[str] = set()
        for option in self.options:
            if found is None or (option.key not in found and not option.required):
                continue
            try:
                values[option.attribute] = option.kind.check(found.get(option.key))
            except Wrong as err:
                wrong.add(option.key)
                for message in err.args:
                    problems.error(file, f"{where}.{option.key}" if where else option.key, message)
        return Reading(values, wrong)


def _shown(value: Any) -> str:
    if value is None or value == ():
        return "none"
    if isinstance(value, tuple):
        value = list(value)
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def reference_table(sections: Iterable[Section]) -> str:
    """README's table of every option: key, default, what it takes, what it changes."""
    lines = [
        "| Key | Default | What it sets | Takes | Changes |",
        "|---|---|---|---|---|",
    ]
    for section in sections:
        for option in section.options:
            key = f"{section.name}.{option.key}" if section.name else option.key
            default = "required" if option.required else _shown(section.default(option))
            changes = ", ".join(option.changes)
            cells = [f"`{key}`", default, option.help, option.kind.takes, changes]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
