"""The package's imports point one way, as CONTRIBUTING says: ingest -> catalog -> site ->
publish, with incremental beside them. Read from the source (every import, also those
inside functions), so a new import against the rule fails here, not in a review."""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "digest"
# What each stage may import besides the shared modules at digest/'s top. incremental
# keeps what the stages make, so it may name their result types (ingest's readings,
# catalog's Catalog and ranking memory), never site or publish.
ALLOWED = {
    "ingest": set(),
    "catalog": {"ingest"},
    "site": {"ingest", "catalog", "incremental"},
    "publish": {"ingest", "catalog", "site", "incremental"},
    "incremental": {"ingest", "catalog"},
}
# The commands and the build run every stage; everything else at the top is shared by
# the stages and imports none of them.
ORCHESTRATORS = {
    "build",
    "build_command",
    "build_reading",
    "as_built",
    "commands",
    "cli",
    "__main__",
}


@functools.cache
def _modules() -> list[tuple[Path, ast.Module]]:
    """Each module of the package, parsed once for all the tests here."""
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


@functools.cache
def _imports() -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) -> where; a unit is a stage package or a top
    module."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path, tree in _modules():
        parts = path.relative_to(PACKAGE).parts
        unit = parts[0] if len(parts) > 1 else path.stem
        for node in ast.walk(tree):
            names = (
                [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                pieces = name.split(".")
                if pieces[0] != "digest" or len(pieces) < 2 or pieces[1] == unit:
                    continue
                found[(unit, pieces[1])].append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_each_stage_imports_only_the_stages_before_it() -> None:
    wrong = [
        f"{unit} imports {target} ({', '.join(where[:3])})"
        for (unit, target), where in _imports().items()
        if unit in ALLOWED and target in ALLOWED and target not in ALLOWED[unit]
    ]
    assert wrong == []


def test_the_shared_modules_import_no_stage() -> None:
    wrong = [
        f"{unit} imports {target} ({', '.join(where[:3])})"
        for (unit, target), where in _imports().items()
        if unit not in ALLOWED and unit not in ORCHESTRATORS and target in ALLOWED
    ]
    assert wrong == []


def test_there_is_no_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for unit, target in _imports():
        graph[unit].add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for step in graph[start] - seen:
            if step == goal or reaches(step, goal, seen | {step}):
                return True
        return False

    cycles = sorted(unit for unit in ALLOWED if reaches(unit, unit, set()))
    assert cycles == []


# Hashing outside incremental/, each for a reason that is not a cache key of a build.
HASHING_ELSEWHERE = {
    "catalog/relevance.py": "the ranking's day chains: compared by the walk that makes them, "
    "which incremental (importing catalog) cannot hold",
    "ingest/summaries.py": "the names of the curator's stored gists in listings/.summaries/",
    "site/feeds.py": "a paper's own second of the hour: a date, not a key",
    "model.py": "a paper's text print, hashed once a build for the topic store's keys and "
    "the ranking's day chains (a stage that cannot import incremental)",
    "paths.py": "an anchor's suffix when two papers' titles would give the same one",
    "self_wheel.py": "the wheel's RECORD of file sums, as the wheel format asks",
}


def test_cache_keys_are_made_in_incremental_only() -> None:
    """The stages give their inputs to incremental/fingerprint.py and take keys back; a
    stage that hashed for itself is how a key came to miss an input (issue 25)."""
    hashing = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path, tree in _modules()
        if "incremental" not in path.parts
        and any(
            (isinstance(node, ast.Import) and any(a.name == "hashlib" for a in node.names))
            or (isinstance(node, ast.ImportFrom) and node.module == "hashlib")
            for node in ast.walk(tree)
        )
    )
    assert hashing == sorted(HASHING_ELSEWHERE)
