"""``digest import-snapshot FILE``: the papers of the digest's arXiv categories, out of the
Cornell/Kaggle metadata snapshot (4.6 GB, 2.7 million papers), filed by announcement day.

Nobody publishes all of arXiv, so the import is restricted: to ``fetch.arxiv_categories``
(a paper is taken when any of its categories is one of them) and to the days between
``--from`` and ``--to``. The file is streamed a line at a time, and a line is parsed
only when its text names a wanted category, so memory stays flat however large the
snapshot; the chosen lines are spooled to a staging folder per day (a day of arXiv is a
few thousand papers), then each day's file, its lines sorted by id, replaces
``listings/arxiv-snapshot/<day>.jsonl`` atomically when it differs: a second import
writes nothing. A paper goes on the day of its version 1 and, when ``--from``/``--to``
are given and a newer version was announced within them, on that day too (the reader
lists it there as replaced).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from digest.filesystem import write_atomically
from digest.ingest.readers import ListingContext, read_listing
from digest.ingest.readers.arxiv_snapshot import placement, version_moments
from digest.problems import DigestError, Problems

FOLDER = "arxiv-snapshot"
# The longest line taken: the snapshot's longest papers (huge author lists) are about
# 100 KB; a line of megabytes is damage, and would make its day's file one the build refuses.
MAX_LINE_BYTES = 1024 * 1024
_OPEN_DAYS = 64  # staging files kept open at once (the snapshot is in id order, so by month)


@dataclass
class ImportReport:
    lines: int = 0
    taken: int = 0
    damaged: list[int] = field(default_factory=list)
    days: dict[dt.date, str] = field(default_factory=dict)  # day -> new, updated, unchanged
    # Days whose file the build's reader refused (so not written), with the first reason.
    refused: dict[dt.date, str] = field(default_factory=dict)


class _Spool:
    """Append-only staging files, one per day, with a few kept open."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.open: dict[dt.date, BinaryIO] = {}

    def add(self, day: dt.date, line: bytes) -> None:
        handle = self.open.pop(day, None)
        if handle is None:
            if len(self.open) >= _OPEN_DAYS:
                oldest = next(iter(self.open))
                self.open.pop(oldest).close()
            handle = (self.folder / f"{day.isoformat()}.jsonl").open("ab")
        handle.write(line)
        self.open[day] = handle  # most recently used last

    def close(self) -> None:
        for handle in self.open.values():
            handle.close()
        self.open.clear()


def _refusal(data: bytes, staged: Path, listings: Path, day: dt.date) -> str | None:
    """Why the build would refuse this day's file, or None: read with the build's own
    reader before it is written, as fetch does, so an import never wedges a build."""
    staged.write_bytes(data)
    problems = Problems()
    read_listing(ListingContext(staged, f"{FOLDER}/{staged.name}", day), problems)
    if not problems.errors:
        return None
    first = problems.errors[0]
    return f"{first.place}: {first.message}" if first.place else first.message


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as snapshot:
        yield from snapshot


def import_snapshot(
    snapshot: Path,
    listings: Path,
    categories: tuple[str, ...],
    start: dt.date | None,
    end: dt.date | None,
) -> ImportReport:
    if not categories:
        raise DigestError(
            "digest.yml: fetch.arxiv_categories is empty; name the categories to take from the "
            "snapshot (e.g. [cs.LG, cs.CL]): nobody publishes all of arXiv"
        )
    wanted = set(categories)
    needles = [category.encode() for category in categories]
    report = ImportReport()
    target = listings / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=target))
    spool = _Spool(staging)
    try:
        for number, raw in enumerate(_lines(snapshot), 1):
            report.lines = number
            # Cheap test first: most lines name none of the categories.
            if not any(needle in raw for needle in needles):
                continue
            if len(raw) > MAX_LINE_BYTES:
                report.damaged.append(number)  # no paper's metadata is this long
                continue
            try:
                line = json.loads(raw)
            except (ValueError, RecursionError):
                report.damaged.append(number)
                continue
            if not isinstance(line, dict) or not wanted & set(
                str(line.get("categories") or "").split()
            ):
                continue
            placed = placement(version_moments(line))
            if placed is None:
                report.damaged.append(number)
                continue
            # Replacements only for a range: a whole-history import lists each paper once.
            candidates = placed if start is not None or end is not None else placed[:1]
            days = {
                day
                for day in candidates
                if (start is None or day >= start) and (end is None or day <= end)
            }
            if not days:
                continue
            report.taken += 1
            # The id, known now, goes before the line (a tab: JSON text escapes its own),
            # so the day's file is sorted without reading each line again.
            text = str(line.get("id", "")).encode() + b"\t" + raw.rstrip(b"\r\n") + b"\n"
            for day in days:
                spool.add(day, text)
        spool.close()
        for staged in sorted(staging.glob("*.jsonl")):
            day = dt.date.fromisoformat(staged.stem)
            keyed = sorted(
                entry.split(b"\t", 1) for entry in staged.read_bytes().splitlines(keepends=True)
            )
            path = target / staged.name
            data = b"".join(line for _, line in keyed)
            refused = _refusal(data, staged, listings, day)
            if refused is not None:
                report.refused[day] = refused
                continue
            existed = path.exists()
            changed = write_atomically(path, data)
            report.days[day] = "unchanged" if not changed else "updated" if existed else "new"
    finally:
        spool.close()
        shutil.rmtree(staging, ignore_errors=True)
    return report
