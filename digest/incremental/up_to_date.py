"""``.digest/up-to-date.json``: a build with nothing to do does nothing.

A build whose every input is as the last successful build read it, and whose published
site is as that build left it, would write the same site byte for byte (the output is a
function of the inputs). So it says again what that build said (its problems, its totals)
and stops: a daily run on a day without a new listing costs the hashing of its inputs,
not a build (7.7 CPU s on the two-year archive before; see bench/RESULTS.md).

The inputs are every file under the digest folder (top-level hidden entries, the site
and ``node_modules`` aside), the folders and files digest.yml names wherever they are
(listings with their hidden ledgers, templates, content, library), what mkdocs.yml
inherits, its hooks and custom_dir, the environment variables its ``!ENV`` tags read,
``.digest/last-fetch.json`` (the status page's), this package's code, every installed
distribution's version, the Python version, and ``--date``. Each file is hashed by its
bytes; a file whose size and modification time are those it had when hashed before is
taken at its earlier hash (as git's index does), unless it was hashed within a second of
its modification (a write within the same tick could keep both).

The published site is checked by the size, mode, modification and change times and inode
of each of its files, and what the build keeps for other commands (``topics.json``) by
its bytes. The record is removed when a build begins to write, and written after it
published: a build killed or failed in between leaves none, and the next one builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from stat import S_ISREG
from typing import Any

import yaml

from digest.build_report import BuildReport
from digest.config import DigestConfig, load_config
from digest.incremental.fingerprint import code_fingerprint, mkdocs_config_print
from digest.incremental.store import FileSum, read_sealed, sum_by_stat, write_sealed
from digest.ingest.fetch_log import LAST_RUN
from digest.paths import SAVED_RULES, WORK_DIR
from digest.progress import Progress

RECORD = "up-to-date.json"
# What the build keeps in .digest/ for other commands (``digest topics --diff``), which
# promise that the next build saves it again when it is damaged.
_KEPT_FOR_COMMANDS = (SAVED_RULES,)
_FORMAT = 1
_NEVER_INPUTS = frozenset({"node_modules", "__pycache__"})


@dataclass
class Inputs:
    """What the inputs are now: their key and the sums it was made of."""

    key: str
    sums: dict[str, FileSum]
    site_dir: Path  # where digest.yml publishes the site now
    root: Path  # the digest's folder, resolved: the labels of the files in it are relative

    def sha256_of(self, path: Path, stat: os.stat_result) -> str | None:
        """The file's SHA-256 as this check found it, if the file is as it was then (its
        size and modification time, the rule of this module) and was not modified
        within a second of its hashing; else None: read it."""
        where = path.resolve()
        inside = where.is_relative_to(self.root)
        known = self.sums.get(where.relative_to(self.root).as_posix() if inside else str(where))
        if known is None or known[1] == -1:
            return None
        return known[2] if (known[0], known[1]) == (stat.st_size, stat.st_mtime_ns) else None


@dataclass
class Checked:
    """The inputs as a build begins, and the report of the last build if it still holds."""

    inputs: Inputs | None  # None: the inputs could not all be read (the build will say)
    report: BuildReport | None = None  # not None: the site is up to date; nothing to do
    why: str = ""  # what makes the build build (``digest build -v`` says it)

    @property
    def site_dir(self) -> Path | None:
        """Where the up-to-date site is (the site digest.yml names), if it is."""
        return self.inputs.site_dir if self.report and self.inputs else None

    @property
    def summary(self) -> str:
        return "yes: nothing to do" if self.report else f"no: {self.why}"


def check(root: Path, fallback_date: dt.date | None) -> Checked:
    """Whether the last build's site is this build's site."""
    folder = root / WORK_DIR
    record = _read_record(folder / RECORD)
    try:
        inputs = _inputs(root, fallback_date, record.get("sums", {}) if record else {})
    except (OSError, ValueError, yaml.YAMLError, RecursionError) as err:
        return Checked(None, why=f"an input could not be read ({type(err).__name__})")
    if inputs is None:
        return Checked(None, why="digest.yml has errors")
    if record is None:
        return Checked(inputs, why="no record of a finished build")
    if record.get("key") != inputs.key:
        return Checked(inputs, why=_changed(record["sums"], inputs.sums))
    latest = record.get("latest_day")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    if not isinstance(latest, str | None) or not isinstance(record.get("site_dir"), str):
        return Checked(inputs, why="the record is not one this version wrote")
    if latest is not None and dt.date.fromisoformat(latest) > tomorrow:
        return Checked(inputs, why="a listing is dated after tomorrow")  # the clock went back
    site_dir = inputs.site_dir
    if record["site_dir"] != str(site_dir):
        # The digest was moved or copied: the record vouches for a site elsewhere.
        return Checked(inputs, why=f"the site was published to {record['site_dir']}, not here")
    if _site_print(site_dir) != record.get("site"):
        return Checked(inputs, why=f"{site_dir.name}/ is not as the last build published it")
    if _kept_print(folder) != record.get("kept"):
        return Checked(inputs, why=f"{WORK_DIR}/{_KEPT_FOR_COMMANDS[0]} changed")
    try:
        report = BuildReport.from_json(record["report"])
    except (KeyError, TypeError, ValueError):
        return Checked(inputs, why="the record is not one this version wrote")
    return Checked(inputs, report)


def check_as_stage(progress: Progress, root: Path, fallback_date: dt.date | None) -> Checked:
    """``check`` as the build's first stage: ``digest build -v`` says why it builds."""
    with progress.stage("up to date") as stage:
        checked = check(root, fallback_date)
        stage.summary = checked.summary
    return checked


def _changed(before: dict[str, Any], now: dict[str, FileSum]) -> str:
    """Which input files are new, changed or gone, in a few words."""
    said = [f"{label} is new" for label in sorted(now.keys() - before.keys())]
    said += [
        f"{label} changed"
        for label in sorted(now.keys() & before.keys())
        if not isinstance(before[label], list) or before[label][2:] != [now[label][2]]
    ]
    said += [f"{label} is gone" for label in sorted(before.keys() - now.keys())]
    if not said:
        return (
            "the code, an installed package, Python, --date or mkdocs.yml's inherited "
            "files or environment changed"
        )
    more = f" and {len(said) - 2} more" if len(said) > 2 else ""
    return ", ".join(said[:2]) + more


def forget(folder: Path) -> None:
    """No record vouches for the site while a build writes it."""
    (folder / RECORD).unlink(missing_ok=True)


def remember(
    folder: Path,
    inputs: Inputs,
    report: BuildReport,
    site_dir: Path,
    latest_day: dt.date | None,
    published: Mapping[str, os.stat_result] | None = None,
) -> None:
    """Keep what this build read and said, once its site is published. ``published``:
    the ``lstat`` of each of the site's files, where the build knows them as they are
    now (``site_print_of``); else the site is walked."""
    if latest_day is not None and latest_day > dt.date.today() + dt.timedelta(days=1):
        return  # its warning about a future listing depends on the day: build again
    record = {
        "format": _FORMAT,
        "key": inputs.key,
        "sums": inputs.sums,
        "site_dir": str(site_dir),
        "site": site_print_of(published) if published is not None else _site_print(site_dir),
        "kept": _kept_print(folder),
        "latest_day": latest_day.isoformat() if latest_day else None,
        "report": report.to_json(),
    }
    write_sealed(folder / RECORD, json.dumps(record, sort_keys=True).encode())


def _read_record(path: Path) -> dict[str, Any] | None:
    data = read_sealed(path)
    if data is None:
        return None
    try:
        record = json.loads(data)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("format") != _FORMAT:
        return None
    if not isinstance(record.get("sums"), dict) or not isinstance(record.get("report"), dict):
        return None
    return record


def _inputs(
    root: Path, fallback_date: dt.date | None, before: dict[str, list[Any]]
) -> Inputs | None:
    config, problems = load_config(root)
    if problems.errors:
        return None  # the build stops on them and says so
    digest = hashlib.sha256(f"paper-digest up-to-date {_FORMAT}\n".encode())
    digest.update(f"{code_fingerprint()}\n{_installed()}\n{sys.version}\n".encode())
    digest.update(f"date {fallback_date}\n".encode())
    digest.update(mkdocs_config_print(config.mkdocs).encode())
    sums: dict[str, FileSum] = {}
    now = time.time_ns()
    for label, path in sorted(_input_files(root, config).items()):
        sums[label] = _sum(path, before.get(label), now)
        digest.update(f"{label}\0{sums[label][2]}\n".encode())
    return Inputs(digest.hexdigest(), sums, config.site_dir, root.resolve())


def _sum(path: Path, before: list[Any] | None, now: int) -> FileSum:
    stat = path.stat()
    if not S_ISREG(stat.st_mode):
        # A FIFO, a device: never opened (the build refuses it with a message).
        return stat.st_size, -1, f"special {stat.st_mode:o}"
    return sum_by_stat(path, stat, before, now)


def _input_files(root: Path, config: DigestConfig) -> dict[str, Path]:
    """Every file the build may read, by a label (its path in the digest, else absolute)."""
    root = root.resolve()
    skipped = {str(config.site_dir.resolve()), str(root / WORK_DIR)}
    found = {
        path.relative_to(root).as_posix(): path
        for path in _files(root, skipped, top_level_hidden=False)
    }
    named = [config.listings, config.templates, config.content, *config.library]
    for place in [p.resolve() for p in [*named, *_mkdocs_paths(config.mkdocs)]]:
        if _walked(place, root, skipped):
            continue
        if place.is_file():
            found.setdefault(str(place), place)
        elif place.is_dir():
            for path in _files(place, skipped, top_level_hidden=True):
                found.setdefault(str(path), path)
    last_fetch = root / LAST_RUN
    if last_fetch.is_file():
        found[LAST_RUN.as_posix()] = last_fetch
    return found


def _walked(place: Path, root: Path, skipped: set[str]) -> bool:
    """Whether the walk of the digest folder took in ``place`` already."""
    if not place.is_relative_to(root) or any(place.is_relative_to(s) for s in skipped):
        return False
    parts = place.relative_to(root).parts
    return not (parts and parts[0].startswith(".")) and not _NEVER_INPUTS.intersection(parts)


def _files(folder: Path, skipped: set[str], *, top_level_hidden: bool) -> Iterator[Path]:
    top = str(folder)
    for current, folders, names in os.walk(top):
        at_top = current == top
        folders[:] = sorted(
            name
            for name in folders
            if name not in _NEVER_INPUTS
            and os.path.join(current, name) not in skipped
            and (top_level_hidden or not at_top or not name.startswith("."))
        )
        for name in sorted(names):
            if top_level_hidden or not at_top or not name.startswith("."):
                yield Path(current, name)


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml as data, whatever its tags (``!ENV``, ``!!python/name:``) say."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_AnyTagLoader.add_multi_constructor("!", _any_tag)
_AnyTagLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def _mkdocs_paths(mkdocs_file: Path, seen: set[Path] | None = None) -> list[Path]:
    """The hooks and custom_dir mkdocs.yml (and what it inherits) name."""
    seen = seen if seen is not None else set()
    if mkdocs_file in seen or not mkdocs_file.is_file():
        return []
    seen.add(mkdocs_file)
    loaded = yaml.load(mkdocs_file.read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    if not isinstance(loaded, dict):
        return []
    here = mkdocs_file.parent
    paths = [here / str(hook) for hook in loaded.get("hooks") or [] if isinstance(hook, str)]
    theme = loaded.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        paths.append(here / theme["custom_dir"])
    if isinstance(loaded.get("INHERIT"), str):
        paths += _mkdocs_paths((here / loaded["INHERIT"]).resolve(), seen)
    return paths


@cache
def _installed() -> str:
    """Every installed distribution and its version: plugins, extensions, Pagefind,
    scikit-learn; a new version of any may change what a build makes. Told by the names
    of their metadata folders on the import path, where ``importlib.metadata`` finds
    them (``<name>-<version>.dist-info``: an install, upgrade or removal changes them),
    without reading each one's metadata (0.08 CPU s of every build, a new day's or one
    with nothing to do)."""
    found: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as entries:  # "": the current folder
                found.update(e.name for e in entries if e.name.endswith(_METADATA_FOLDERS))
        except OSError:  # a zip, a path hook, a folder gone
            continue
    return "\n".join(sorted(found))


_METADATA_FOLDERS = (".dist-info", ".egg-info")


def _kept_print(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in _KEPT_FOR_COMMANDS:
        try:
            digest.update(hashlib.sha256((folder / name).read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def _site_print(site_dir: Path) -> str | None:
    """The published site's files as the file system sees them; None: there is none."""
    if not site_dir.is_dir():
        return None
    stats: dict[str, os.stat_result] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as found:
            for entry in found:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    stats[prefix + entry.name] = entry.stat(follow_symlinks=False)

    walk(str(site_dir), "")
    return site_print_of(stats)


def site_print_of(stats: Mapping[str, os.stat_result]) -> str:
    """The print of a site whose files (not folders) have these ``lstat`` results, by
    path relative to the site with ``/``: what ``_site_print`` finds by walking the
    site, and what a build can make from the walk it did before publishing (``spare``)."""
    digest = hashlib.sha256()
    for relative in sorted(stats):
        stat = stats[relative]
        # The change time too: a chmod or a write through another link changes it,
        # and nothing can set it back.
        digest.update(
            f"{relative}\0{stat.st_size}\0{stat.st_mode}\0{stat.st_mtime_ns}\0"
            f"{stat.st_ctime_ns}\0{stat.st_ino}\n".encode()
        )
    return digest.hexdigest()
