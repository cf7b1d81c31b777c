"""Problems found in the inputs, each tied to the file and the place it came from.

Readers and the catalog never raise on bad input: they report here and go on, so one run
shows every problem at once (like MkDocs' config validation). The CLI decides what is
fatal: errors always, warnings too under ``--strict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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


class DigestError(Exception):
    """A failure the user can fix; the CLI prints it as one line, without a traceback."""
