"""Problems found in the inputs, each tied to the file and the place it came from.

Readers and the catalog never raise on bad input: they report here and go on, so one run
shows every problem at once (like MkDocs' config validation). The CLI decides what is
fatal: errors always, warnings too under ``--strict``.
"""

from __future__ import annotations

import difflib
import errno
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Severity(Enum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    file: str
    place: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.place}" if self.place else self.file
        return f"{self.severity.value}: {where}: {self.message}"


@dataclass
class Problems:
    """Collects problems in the order they were found."""

    items: list[Problem] = field(default_factory=list)

    def warn(self, file: str, place: str | None, message: str) -> None:
        self.items.append(Problem(Severity.WARNING, file, place, message))

    def error(self, file: str, place: str | None, message: str) -> None:
        self.items.append(Problem(Severity.ERROR, file, place, message))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 listing``, ``2 listings``: a count with its noun in the right number."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


class DigestError(Exception):
    """A failure the user can fix; the CLI prints it as one line, without a traceback."""


def os_error_message(err: OSError) -> str:
    """One line for an error of the machine rather than of the inputs, with the fix."""
    where = f"{err.filename}: " if err.filename else ""
    if err.errno == errno.ENOSPC:
        return (
            f"{where}the disk is full; free some space and run again (the published site "
            "was not touched, and this run's partial files were removed)"
        )
    if err.errno in (errno.EACCES, errno.EPERM):
        return (
            f"{where}permission denied; if it belongs to another user (a build run with "
            "sudo?), give it back with chown -R, or delete .digest/ (it is only a cache)"
        )
    if err.errno == errno.EROFS:
        return f"{where}the file system is read-only; build in a writable folder"
    return f"{where}{err.strerror or err}"


def config_section(
    raw: Any, where: str, example: str, problems: Problems, file: str, keys: set[str]
) -> dict[Any, Any] | None:
    """A section of a config file as the mapping it must be (None: absent, or not a
    mapping, said with an example), each key it does not know warned about."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.error(file, where, f"must be a mapping, e.g. {where}: {example}")
        return None
    for key in sorted(set(raw) - keys, key=str):
        problems.warn(file, f"{where}.{key}" if where else str(key), unknown_key(str(key), keys))
    return raw


def unknown_key(key: str, known: set[str]) -> str:
    """The message for a key no schema has: the likely one first, then every known key."""
    close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown key; {hint}known keys: {', '.join(sorted(known))}"
