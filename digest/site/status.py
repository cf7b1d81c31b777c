"""Freshness as an output: for each source, its last fetch and the recent days of its
schedule, each with what happened (listed, weekend, no announcement, fetch failed, not
fetched yet, or fetched while it may still grow). Built from the fetch log that
``digest fetch`` keeps in ``listings/``, never from the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from digest.catalog.merge import Catalog
from digest.ingest.fetch_log import LOG_NAME, DayFetch, LastRun, read_last_run, read_log

WINDOW_DAYS = 14


@dataclass(frozen=True)
class DayStatus:
    day: dt.date
    state: str  # listed, growing, weekend, empty, failed, missing
    detail: str

    @property
    def is_problem(self) -> bool:
        return self.state in {"failed", "missing", "growing"}


@dataclass(frozen=True)
class SourceStatus:
    name: str
    last_fetch: dt.date | None
    days: list[DayStatus]
    last_run: str | None = None  # "2026-11-26 06:17 UTC: ok" from this build's own fetch


def _listed_days(catalog: Catalog, source: str) -> dict[dt.date, int]:
    family = source.split("/")[0]
    counts: dict[dt.date, int] = {}
    for paper in catalog.papers:
        for appearance in paper.appearances:
            if appearance.source == family:
                counts[appearance.day] = counts.get(appearance.day, 0) + 1
    return counts


def _state(day: dt.date, entry: DayFetch | None, listed: int) -> DayStatus:
    if listed and entry is not None and not entry.settled:
        return DayStatus(
            day,
            "growing",
            f"{listed} papers; fetched on {entry.fetched}, the day may still grow until a later fetch settles it",
        )
    if listed:
        return DayStatus(day, "listed", f"{listed} papers")
    if entry is not None and entry.result == "failed":
        return DayStatus(day, "failed", f"fetch failed: {entry.error or 'unknown error'}")
    if entry is not None and entry.result == "empty":
        return DayStatus(day, "empty", "no announcement: the source listed no papers")
    if day.weekday() >= 5:
        return DayStatus(day, "weekend", "weekend: no announcement expected")
    return DayStatus(day, "missing", "no listing and no fetch recorded")


def _run_summary(run: LastRun | None, source: str) -> str | None:
    if run is None or source not in run.sources:
        return None
    entry = run.sources[source]
    if entry.failed:
        return f"{run.at}: failed ({'; '.join(entry.errors) or 'see the fetch log'})"
    return f"{run.at}: ok"


def source_statuses(
    listings: Path, catalog: Catalog, root: Path | None = None
) -> list[SourceStatus]:
    log = read_log(listings / LOG_NAME)
    run = read_last_run(root) if root is not None else None
    if not log:
        return []
    fetched = [e.fetched for days in log.values() for e in days.values() if e.fetched]
    listed_days = catalog.days()
    anchor = max(fetched + listed_days[:1], default=None)
    if anchor is None:
        return []
    window = [anchor - dt.timedelta(days=n) for n in range(WINDOW_DAYS)]
    statuses = []
    for source in sorted(log):
        entries = log[source]
        listed = _listed_days(catalog, source)
        # The last fetch that brought papers: a failed or empty one brought nothing.
        last = max(
            (e.fetched for e in entries.values() if e.fetched and e.result == "ok"), default=None
        )
        days = [_state(day, entries.get(day), listed.get(day, 0)) for day in window]
        statuses.append(SourceStatus(source, last, days, _run_summary(run, source)))
    return statuses
