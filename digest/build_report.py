"""What ``digest build`` says when it is done: its problems and its totals.

Kept with the record of a build (``incremental.up_to_date``), so that a build with
nothing to do says again, word for word, what the build that made the site said: its
warnings above all, which ``--strict`` turns into failure every time, not only once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digest.problems import DigestError, Problem, Problems, Severity, counted


class BuildFailed(DigestError):
    """The inputs have problems that stop the build; they are in ``problems``."""

    def __init__(self, problems: Problems, reason: str) -> None:
        super().__init__(reason)
        self.problems = problems


def check_problems(problems: Problems, strict: bool) -> None:
    """Errors stop a build; warnings too under ``--strict``."""
    if problems.errors:
        raise BuildFailed(
            problems, f"{len(problems.errors)} error(s) in the inputs; nothing was written"
        )
    if strict and problems.warnings:
        raise BuildFailed(
            problems, f"{len(problems.warnings)} warning(s) and --strict; nothing was written"
        )


@dataclass(frozen=True)
class BuildReport:
    problems: tuple[Problem, ...]
    # The lines after the problems: listings read, what the filters left out.
    lines: tuple[str, ...]
    # "9,877 papers, 580 days, 15 topics, 1,167 pages, 17 feeds"
    totals: str

    @classmethod
    def of(
        cls,
        problems: Problems,
        lines: list[str],
        papers: int,
        days: int,
        topics: int,
        pages: int,
        feeds: int,
    ) -> BuildReport:
        totals = ", ".join(
            [
                counted(papers, "paper"),
                counted(days, "day"),
                counted(topics, "topic"),
                counted(pages, "page"),
                counted(feeds, "feed"),
            ]
        )
        return cls(tuple(problems.items), tuple(lines), totals)

    def to_json(self) -> dict[str, Any]:
        return {
            "problems": [[p.severity.value, p.file, p.place, p.message] for p in self.problems],
            "lines": list(self.lines),
            "totals": self.totals,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BuildReport:
        problems = tuple(
            Problem(
                Severity(severity), str(file), None if place is None else str(place), str(message)
            )
            for severity, file, place, message in data["problems"]
        )
        return cls(problems, tuple(str(line) for line in data["lines"]), str(data["totals"]))

    @property
    def as_problems(self) -> Problems:
        return Problems(list(self.problems))


def print_problems(problems: Problems, quiet: bool) -> None:
    for problem in problems.items:
        if quiet and problem.severity is not Severity.ERROR:
            continue
        print(problem, file=sys.stderr)


def print_report(report: BuildReport, seconds: float, site_dir: Path, *, up_to_date: bool) -> None:
    """The lines after the problems (which ``print_problems`` says, quiet or not)."""
    for line in report.lines:
        print(line)
    said = f"{report.totals} in {seconds:.1f} s -> {site_dir}"
    if up_to_date:
        said += " (up to date: nothing changed since the last build)"
    print(said)
