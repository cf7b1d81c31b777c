"""``digest send``: the newest settled day, once, to every channel ``send:`` names (and,
with ``weekly: true``, the newest ended week's top papers).

Run after the build and the deploy. A day is settled when every source's fetch of it is
(the status page's notion: a Hugging Face day fetched while it was still growing is not,
until a later fetch); a digest with no fetch log has every day settled. What was sent,
for which day and channel, goes to the ledger beside the fetch log
(``listings/.send-log.json``), written after each channel: a second run sends nothing, a
failed channel is tried again by the next run, and a run killed while sending repeats at
most the one message it was sending.

A week has ended when a later day is listed (the next week's first listing), and is sent
once every listed day of it is settled. Neither notion reads the clock, so the build
publishes the browser copy of each message before ``digest send`` sends it
(``browser_copies``).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from digest.catalog.merge import Catalog
from digest.filesystem import write_atomically
from digest.ingest.fetch_log import LOG_NAME, read_log
from digest.ingest.http_client import FetchError, RetryPolicy, get
from digest.publish.chat import requests_for
from digest.publish.day_message import DayMessage, MessageWriter
from digest.publish.mail import MailError, email_message, send_mail
from digest.send_config import SECRETS, SendConfig
from digest.site.rollups import Rollup, period_end

LEDGER = ".send-log.json"


@dataclass
class SendReport:
    label: str = ""  # the day or week it is about: 2025-03-11, 2025-W11
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: str = ""  # why nothing was sent at all
    previews: list[tuple[Path, int]] = field(default_factory=list)  # --dry-run: file, bytes


def settled_days(catalog: Catalog, listings: Path) -> list[dt.date]:
    """The listed days whose every fetch is settled, newest first."""
    log = read_log(listings / LOG_NAME)
    unsettled = {day for days in log.values() for day, entry in days.items() if not entry.settled}
    return [day for day in catalog.days() if day not in unsettled]


def read_ledger(listings: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((listings / LEDGER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(day): {str(k): str(v) for k, v in channels.items()}
        for day, channels in data.items()
        if isinstance(channels, dict)
    }


def _write_ledger(listings: Path, ledger: dict[str, dict[str, str]]) -> None:
    data = json.dumps(dict(sorted(ledger.items())), indent=1, sort_keys=True) + "\n"
    write_atomically(listings / LEDGER, data.encode())


def _missing(channel: str, environment: Mapping[str, str]) -> list[str]:
    return [name for name in SECRETS[channel] if not environment.get(name, "").strip()]


def due_messages(
    config: SendConfig, catalog: Catalog, writer: MessageWriter, listings: Path
) -> tuple[list[DayMessage], str]:
    """The messages ``send:`` asks for now (the newest settled day, the newest ended and
    settled week), or why there is none."""
    days = settled_days(catalog, listings)
    if not days:
        return [], "no settled day yet (a day still being fetched is sent once it is settled)"
    due = [writer.day(days[0])] if config.daily else []
    week = ended_week(catalog, writer.weeks, set(days)) if config.weekly else None
    if week is not None:
        due.append(writer.week(week))
    if not due:
        return (
            [],
            "no week has ended since the first listed day (weekly: true sends each on the next week's first day)",
        )
    return due, ""


def ended_week(catalog: Catalog, weeks: list[Rollup], settled: set[dt.date]) -> Rollup | None:
    """The newest week with a day listed after it, if every day listed in it is settled."""
    listed = catalog.days()
    newest = listed[0] if listed else None
    for week in weeks:  # newest first
        if newest is None or period_end(week) >= newest:
            continue
        inside = [d for d in listed if week.start <= d <= period_end(week)]
        return week if all(d in settled for d in inside) else None
    return None


def send(
    config: SendConfig,
    catalog: Catalog,
    writer: MessageWriter,
    listings: Path,
    environment: Mapping[str, str],
    *,
    preview: Path | None = None,
    sleep: Callable[[float], None] | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> list[SendReport]:
    sleep = sleep or time.sleep  # looked up now, not when the module was loaded
    if not config.channels:
        return [SendReport(skipped="send: in digest.yml names no channel (email, chat)")]
    messages, why = due_messages(config, catalog, writer, listings)
    if not messages:
        return [SendReport(skipped=why)]
    return [
        _send_one(config, message, listings, environment, preview, sleep, now)
        for message in messages
    ]


def _send_one(
    config: SendConfig,
    message: DayMessage,
    listings: Path,
    environment: Mapping[str, str],
    preview: Path | None,
    sleep: Callable[[float], None],
    now: Callable[[], dt.datetime],
) -> SendReport:
    report = SendReport(label=message.label)
    if not message.papers and not config.send_empty:
        report.skipped = f"{message.label} has no papers (send_empty: true sends such days too)"
        return report
    ledger = read_ledger(listings)
    done = ledger.setdefault(message.label, {})
    policy = RetryPolicy(attempts=3, backoff=2.0, timeout=30.0, deadline=60.0, max_bytes=1 << 20)
    for channel in config.channels:
        if channel in done and preview is None:
            report.already.append(channel)
            continue
        missing = _missing(channel, environment)
        if missing and preview is None:
            report.failed.append((channel, f"{' and '.join(missing)} not set in the environment"))
            continue
        try:
            if channel == "email":
                assert config.email is not None
                mail = email_message(message, config.email)
                if preview is not None:
                    report.previews.append(
                        _keep(preview / f"email-{message.label}.eml", mail.as_bytes())
                    )
                    continue
                send_mail(
                    mail,
                    environment["DIGEST_SMTP_URL"],
                    float(environment.get("DIGEST_SMTP_TIMEOUT") or 60),
                )
            else:
                secrets = {name: environment.get(name, f"<{name}>") for name in SECRETS[channel]}
                request = requests_for(
                    channel,
                    message,
                    secrets,
                    environment.get("DIGEST_TELEGRAM_API", "https://api.telegram.org"),
                )
                if preview is not None:  # the payload, never the URL (a webhook's is its secret)
                    report.previews.append(
                        _keep(preview / f"{channel}-{message.label}.json", request.body)
                    )
                    continue
                get(
                    request.url,
                    policy,
                    sleep,
                    data=request.body,
                    headers=request.headers,
                    method=request.method,
                )
        except (MailError, FetchError) as err:
            report.failed.append((channel, str(err)))
            continue
        done[channel] = now().strftime("%Y-%m-%d %H:%M UTC")
        _write_ledger(listings, ledger)  # after each channel: a kill repeats one message at most
        report.sent.append(channel)
    return report


def browser_copies(
    config: SendConfig, catalog: Catalog, writer: MessageWriter, listings: Path
) -> list[DayMessage]:
    """The e-mails whose browser copy the site publishes: every one sent (the ledger) and
    the ones due, which ``digest send`` sends after this build is deployed."""
    if config.email is None:
        return []
    due, _ = due_messages(config, catalog, writer, listings)
    wanted = {message.label: message for message in due}
    listed = set(catalog.days())
    weeks = {week.slug: week for week in writer.weeks}
    for label, channels in read_ledger(listings).items():
        if "email" not in channels or label in wanted:
            continue
        if label in weeks:
            wanted[label] = writer.week(weeks[label])
        else:
            try:
                day = dt.date.fromisoformat(label)
            except ValueError:
                continue  # a week no longer listed
            if day in listed:
                wanted[label] = writer.day(day)
    return [wanted[label] for label in sorted(wanted)]


def _keep(path: Path, data: bytes) -> tuple[Path, int]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path, len(data)
