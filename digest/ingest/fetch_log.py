"""The fetch log (``listings/.fetch-log.json``, committed with the listings) and the last
run (``.digest/last-fetch.json``), as typed records: ``digest fetch`` writes them, the
status page reads them, both through this module.

Whatever in a file is not of its shape (a hand edit, a merge conflict) is left out when
read, never a crash; the next fetch writes the file whole again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOG_NAME = ".fetch-log.json"
# The last run, to the minute, for the status page of the build that follows it (the
# workflow fetches and builds in one job). Not committed: it changes at every run.
LAST_RUN = Path(".digest") / "last-fetch.json"


@dataclass(frozen=True)
class DayFetch:
    """What fetching one source's day gave."""

    result: str
    """ok, empty or failed."""
    papers: int = 0
    error: str | None = None
    settled: bool = True
    """False while a Hugging Face day fetched before it was over may still grow."""
    fetched: dt.date | None = None
    """The day of the fetch that last changed this entry."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"result": self.result}
        if self.papers:
            data["papers"] = self.papers
        if self.error:
            data["error"] = self.error
        data["settled"] = self.settled
        if self.fetched is not None:
            data["fetched"] = self.fetched.isoformat()
        return data


# Per source ("huggingface", "arxiv/cs.LG"), per day.
FetchLog = dict[str, dict[dt.date, DayFetch]]


def _day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _entry(data: Any) -> DayFetch | None:
    if not isinstance(data, dict) or not isinstance(data.get("result"), str):
        return None
    papers = data.get("papers", 0)
    error = data.get("error")
    return DayFetch(
        result=data["result"],
        papers=papers if isinstance(papers, int) and not isinstance(papers, bool) else 0,
        error=str(error) if error is not None else None,
        settled=data.get("settled") is not False,
        fetched=_day(data.get("fetched")),
    )


def read_log(path: Path) -> FetchLog:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    log: FetchLog = {}
    for source, days in data.items():
        if not isinstance(days, dict):
            continue
        entries = {
            day: entry
            for text, raw in days.items()
            if (day := _day(text)) is not None and (entry := _entry(raw)) is not None
        }
        log[str(source)] = entries
    return log


def log_bytes(log: FetchLog) -> bytes:
    data = {
        source: {day.isoformat(): entry.to_json() for day, entry in sorted(days.items())}
        for source, days in log.items()
    }
    return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()


@dataclass(frozen=True)
class SourceRun:
    ok: int = 0
    failed: int = 0
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class LastRun:
    """The last ``digest fetch``: when, and per source how many days came and failed."""

    at: str
    sources: dict[str, SourceRun] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        data = {
            "at": self.at,
            "sources": {
                name: {"ok": run.ok, "failed": run.failed, "errors": list(run.errors)}
                for name, run in self.sources.items()
            },
        }
        return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()


def read_last_run(root: Path) -> LastRun | None:
    try:
        data = json.loads((root / LAST_RUN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("at"), str):
        return None
    sources = data.get("sources")
    if not isinstance(sources, dict):
        return None
    runs = {}
    for name, run in sources.items():
        if not isinstance(run, dict):
            continue
        ok, failed, errors = run.get("ok"), run.get("failed"), run.get("errors")
        runs[str(name)] = SourceRun(
            ok=ok if isinstance(ok, int) else 0,
            failed=failed if isinstance(failed, int) else 0,
            errors=tuple(map(str, errors)) if isinstance(errors, list) else (),
        )
    return LastRun(data["at"], runs)
