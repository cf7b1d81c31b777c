"""``digest fetch``: download the day's listings into ``listings/``, as the raw answers.

One file per source per day: ``listings/huggingface/YYYY-MM-DD.json`` (api/daily_papers)
and ``listings/arxiv/<category>/YYYY-MM-DD.xml`` (rss.arxiv.org). An answer is checked
before it is written (JSON where JSON is due, an RSS channel where RSS is), written
atomically, and not written at all when the file already holds the same bytes. Each day's
outcome goes to ``listings/.fetch-log.json`` (committed with the listings), which the
status page reads; one failing source never stops the others.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from digest.config import DigestConfig
from digest.content_errors import ContentError, guarded
from digest.filesystem import RefusedWrite, write_atomically
from digest.ingest.arxiv_backfill import Harvester, day_documents, set_of
from digest.ingest.fetch_log import (
    LAST_RUN,
    LOG_NAME,
    DayFetch,
    LastRun,
    SourceRun,
    log_bytes,
    read_log,
)
from digest.ingest.http_client import FetchError, RetryPolicy, get, json_answer
from digest.ingest.paged_sources import biorxiv_day, openreview_venue, venue_file_name
from digest.ingest.readers import MAX_LISTING_BYTES, MIN_LISTING_DAY, ListingContext, read_listing
from digest.ingest.readers.common import rfc822_day
from digest.problems import Problems


@dataclass
class Outcome:
    source: str
    day: dt.date | None
    result: str  # "new", "updated", "unchanged", "empty", "failed"
    papers: int = 0
    path: Path | None = None
    error: str | None = None


@dataclass
class FetchReport:
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # source, why not fetched

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == "failed"]


def _hf_papers(body: bytes) -> int:
    """How many papers an api/daily_papers answer lists; FetchError if it is not one."""
    data = json_answer(body)
    items = data.get("data") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FetchError("JSON that is not a list of papers")
    return len(items)


def _rss_items(body: bytes) -> tuple[int, dt.date | None]:
    """(items, announcement day) of an rss.arxiv.org answer; FetchError if it is not one."""
    try:
        root = defused_fromstring(body, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException) as err:
        raise FetchError(f"not a well-formed RSS feed ({err})") from err
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise FetchError("XML that is not an RSS channel")
    items = channel.findall("item")
    day = rfc822_day(channel.findtext("pubDate")) or next(
        (rfc822_day(i.findtext("pubDate")) for i in items if i.findtext("pubDate")), None
    )
    return len(items), day


class Fetcher:
    def __init__(
        self,
        config: DigestConfig,
        today: dt.date,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.settings = config.fetch
        self.today = today
        self.sleep = sleep
        self.policy = RetryPolicy(
            self.settings.attempts,
            self.settings.backoff,
            self.settings.timeout,
            self.settings.deadline,
            min(self.settings.max_answer_mb, MAX_LISTING_BYTES // (1024 * 1024)) * 1024 * 1024,
        )
        self.run_ends = time.monotonic() + self.settings.run_deadline
        self.log_path = config.listings / LOG_NAME

    def huggingface(self, days: list[dt.date]) -> list[Outcome]:
        outcomes = []
        for day in days:
            url = f"{self.settings.huggingface_url}/api/daily_papers?date={day.isoformat()}"
            path = self.config.listings / "huggingface" / f"{day.isoformat()}.json"
            try:
                body = get(url, self.policy, self.sleep, self.run_ends)
                papers = _hf_papers(body)
                self.check_readable(body, path, day)
            except FetchError as err:
                outcomes.append(Outcome("huggingface", day, "failed", error=str(err)))
                continue
            if papers == 0:
                outcomes.append(Outcome("huggingface", day, "empty"))
                continue
            existed = path.exists()
            changed = write_atomically(path, body)
            result = "unchanged" if not changed else "updated" if existed else "new"
            outcomes.append(Outcome("huggingface", day, result, papers, path))
        return outcomes

    def arxiv(self) -> list[Outcome]:
        outcomes = []
        for index, category in enumerate(self.settings.arxiv_categories):
            if index:
                self.sleep(
                    self.settings.arxiv_delay
                )  # arXiv asks for one request at a time, slowly
            source = f"arxiv/{category}"
            try:
                body = get(
                    f"{self.settings.arxiv_rss_url}/rss/{category}",
                    self.policy,
                    self.sleep,
                    self.run_ends,
                )
                papers, day = _rss_items(body)
                day = day or self.today
                path = self.config.listings / "arxiv" / category / f"{day.isoformat()}.xml"
                if papers:
                    self.check_readable(body, path, day)
            except FetchError as err:
                outcomes.append(Outcome(source, self.today, "failed", error=str(err)))
                continue
            if papers == 0:
                outcomes.append(Outcome(source, day, "empty"))
                continue
            existed = path.exists()
            changed = write_atomically(path, body)
            result = "unchanged" if not changed else "updated" if existed else "new"
            outcomes.append(Outcome(source, day, result, papers, path))
        return outcomes

    def arxiv_backfill(self, days: list[dt.date]) -> list[Outcome]:
        """Missed arXiv days from OAI-PMH (see ``arxiv_backfill``): one harvest per set,
        then a listing per category and announcement day; days that have their
        rss.arxiv.org listing keep it."""
        harvester = Harvester(
            self.settings.arxiv_oai_url,
            self.policy,
            self.settings.arxiv_delay,
            self.sleep,
            self.run_ends,
        )
        weekdays = [day for day in days if day.weekday() < 5]  # arXiv lists nothing at weekends
        outcomes = []
        by_set: dict[str, list[str]] = {}
        for category in self.settings.arxiv_categories:
            by_set.setdefault(set_of(category), []).append(category)
        for set_spec, categories in by_set.items():
            try:
                harvest = harvester.harvest(set_spec, min(days) - dt.timedelta(days=1))
            except FetchError as err:
                outcomes += [
                    Outcome(f"arxiv/{c}", day, "failed", error=str(err))
                    for c in categories
                    for day in weekdays
                ]
                continue
            for category in categories:
                try:
                    documents = guarded(partial(day_documents, harvest, category, weekdays))
                except ContentError as err:
                    # One record that hurts the reader costs its category, not every set.
                    outcomes += [
                        Outcome(f"arxiv/{category}", day, "failed", error=f"a record {err}")
                        for day in weekdays
                    ]
                    continue
                for day in weekdays:
                    outcomes.append(self._file_day(category, day, documents.get(day)))
        return outcomes

    def _file_day(self, category: str, day: dt.date, document: tuple[bytes, int] | None) -> Outcome:
        source = f"arxiv/{category}"
        path = self.config.listings / "arxiv" / category / f"{day.isoformat()}.xml"
        if path.is_file() and b"<rss" in path.read_bytes()[:2000]:
            return Outcome(source, day, "unchanged", path=path)  # the day's own feed stays
        if document is None:
            return Outcome(source, day, "empty")
        body, papers = document
        return self._write(source, day, path, body, papers)

    def _get(self, url: str) -> bytes:
        return get(url, self.policy, self.sleep, self.run_ends)

    def _write(
        self, source: str, day: dt.date | None, path: Path, body: bytes, papers: int
    ) -> Outcome:
        """Read the answer with the build's reader, then write it unless unchanged."""
        try:
            self.check_readable(body, path, day or self.today)
        except FetchError as err:
            return Outcome(source, day, "failed", error=str(err))
        existed = path.exists()
        try:
            changed = write_atomically(path, body)
        except RefusedWrite as err:
            return Outcome(source, day, "failed", error=str(err))
        result = "unchanged" if not changed else "updated" if existed else "new"
        return Outcome(source, day, result, papers, path)

    def biorxiv(self, days: list[dt.date]) -> list[Outcome]:
        outcomes = []
        categories: tuple[str | None, ...] = self.settings.biorxiv_categories or (None,)
        for server in self.settings.biorxiv_servers:
            for category in categories:
                source = f"{server}/{category}" if category else server
                folder = (
                    self.config.listings / server / (category.replace(" ", "_") if category else "")
                )
                for day in days:
                    try:
                        body, papers = biorxiv_day(
                            self._get, self.settings.biorxiv_url, server, day, category
                        )
                    except FetchError as err:
                        outcomes.append(Outcome(source, day, "failed", error=str(err)))
                        continue
                    if not papers:
                        outcomes.append(Outcome(source, day, "empty"))
                        continue
                    outcomes.append(
                        self._write(source, day, folder / f"{day.isoformat()}.json", body, papers)
                    )
        return outcomes

    def openreview(self) -> list[Outcome]:
        outcomes = []
        for venue in self.settings.openreview_venues:
            source = f"openreview/{venue}"
            try:
                body, papers = openreview_venue(self._get, self.settings.openreview_url, venue)
            except FetchError as err:
                outcomes.append(Outcome(source, self.today, "failed", error=str(err)))
                continue
            if not papers:
                outcomes.append(Outcome(source, self.today, "empty"))
                continue
            path = self.config.listings / "openreview" / f"{venue_file_name(venue)}.json"
            outcomes.append(self._write(source, self.today, path, body, papers))
        return outcomes

    def check_readable(self, body: bytes, path: Path, day: dt.date) -> None:
        """Read the answer with the build's own reader before it is written: nothing fetch
        writes may stop a build (an item that is not a paper, a date from another era)."""
        display = path.relative_to(self.config.root).as_posix()
        with tempfile.TemporaryDirectory(prefix=".fetch-check-", dir=self.config.root) as scratch:
            candidate = Path(scratch) / path.name
            candidate.write_bytes(body)
            problems = Problems()
            result = read_listing(ListingContext(candidate, display, day), problems)
        if problems.errors:
            first = problems.errors[0]
            where = f"{first.place}: " if first.place else ""
            more = f" (and {len(problems.errors) - 1} more)" if len(problems.errors) > 1 else ""
            raise FetchError(
                f"the build could not read this answer: {where}{first.message}{more}; not written"
            )
        latest = self.today + dt.timedelta(days=1)
        for record in result.records:
            if not MIN_LISTING_DAY <= record.listing_day <= latest:
                raise FetchError(
                    f"the answer is dated {record.listing_day.isoformat()}, not a day a "
                    f"listing of {self.today.isoformat()} can have; not written"
                )

    def record(self, outcomes: list[Outcome]) -> None:
        """Add each day's outcome to the fetch log, changing the file only when a day's
        state changed (a refetch that brings nothing new leaves every file as it was)."""
        log = read_log(self.log_path)
        for outcome in outcomes:
            if outcome.day is None:
                continue
            days = log.setdefault(outcome.source, {})
            previous = days.get(outcome.day)
            if outcome.result == "failed" and previous and previous.result in {"ok", "empty"}:
                continue  # an earlier fetch got this day; a failed retry changes nothing
            # An arXiv feed is complete when announced; a Hugging Face day fetched before it
            # was over may still grow, until a fetch two days later settles it.
            settled = (
                not outcome.source.startswith("huggingface")
                or (self.today - outcome.day).days >= 2
                or bool(previous and previous.settled)
            )
            entry = DayFetch(
                result="ok" if outcome.papers else outcome.result,
                papers=outcome.papers,
                error=outcome.error,
                settled=settled,
            )
            if previous is not None and replace(previous, fetched=None) == entry:
                continue
            days[outcome.day] = replace(entry, fetched=self.today)
        write_atomically(self.log_path, log_bytes(log))


def days_to_fetch(
    today: dt.date, count: int, start: dt.date | None, end: dt.date | None
) -> list[dt.date]:
    if start is not None or end is not None:
        first = start or end
        last = end or start
        assert first is not None and last is not None
        if first > last:
            first, last = last, first
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    # The last few days, so a day first fetched while it was still growing is refreshed.
    return [today - dt.timedelta(days=n) for n in range(count - 1, -1, -1)]


def fetch(
    config: DigestConfig,
    *,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    sources: set[str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: dt.datetime | None = None,
    backfill: bool | None = None,
    tell: Callable[[str], None] | None = None,
) -> FetchReport:
    """``backfill``: arXiv days from OAI-PMH rather than today's RSS feed; by default
    when a range is given (``digest fetch --from/--to``; ``--date`` alone keeps RSS).
    ``tell``: said as each source starts (on a terminal, so a slow fetch is not silent)."""
    fetcher = Fetcher(config, today, sleep)
    report = FetchReport()
    days = days_to_fetch(today, config.fetch.days, start, end)
    harvest = backfill if backfill is not None else (start is not None or end is not None)
    settings = config.fetch
    # Each source, what it fetches, and why it is not fetched when it is not.
    runs: list[tuple[str, str, Callable[[], list[Outcome]]]] = [
        (
            "huggingface",
            "" if settings.huggingface else "fetch.huggingface is false",
            lambda: fetcher.huggingface(days),
        ),
        (
            "arxiv",
            "" if settings.arxiv_categories else "fetch.arxiv_categories names no category",
            (lambda: fetcher.arxiv_backfill(days)) if harvest else fetcher.arxiv,
        ),
        (
            "biorxiv",
            "" if settings.biorxiv_servers else "fetch.biorxiv_servers names no server",
            lambda: fetcher.biorxiv(days),
        ),
        (
            "openreview",
            "" if settings.openreview_venues else "fetch.openreview_venues names no venue",
            fetcher.openreview,
        ),
    ]
    for name, why_not, run in runs:
        if sources is not None and name not in sources:
            continue  # not asked for (--source)
        if why_not:
            report.skipped.append((name, why_not))
            continue
        if tell is not None:
            tell(f"{name}: fetching")
        report.outcomes += _one_source(name, today, run)
    fetcher.record(report.outcomes)
    _record_run(config, report, now or dt.datetime.now(dt.UTC))
    return report


def _one_source(name: str, today: dt.date, run: Callable[[], list[Outcome]]) -> list[Outcome]:
    """One source's outcomes; whatever an answer makes fail on the way (a parser's
    recursion, a date past 9999) fails this source only: the others still run and the
    fetch log is written."""
    try:
        return guarded(run)
    except ContentError as err:
        return [
            Outcome(
                name, today, "failed", error=f"an answer {err}; nothing more of {name} was fetched"
            )
        ]


def _record_run(config: DigestConfig, report: FetchReport, now: dt.datetime) -> None:
    runs: dict[str, SourceRun] = {}
    for outcome in report.outcomes:
        run = runs.get(outcome.source, SourceRun())
        if outcome.result == "failed":
            run = replace(
                run,
                failed=run.failed + 1,
                errors=(*run.errors, f"{outcome.day}: {outcome.error}"),
            )
        else:
            run = replace(run, ok=run.ok + 1)
        runs[outcome.source] = run
    last = LastRun(now.strftime("%Y-%m-%d %H:%M UTC"), runs)
    write_atomically(config.root / LAST_RUN, last.to_bytes())
