"""``digest send``: the newest settled day, once, to every channel ``send:`` names.

Run after the build and the deploy. A day is settled when every source's fetch of it is
(the status page's notion: a Hugging Face day fetched while it was still growing is not,
until a later fetch); a digest with no fetch log has every day settled. What was sent,
for which day and channel, goes to the ledger beside the fetch log
(``listings/.send-log.json``), written after each channel: a second run sends nothing, a
failed channel is tried again by the next run, and a run killed while sending repeats at
most the one message it was sending.
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
from digest.publish.day_message import DayMessage
from digest.publish.mail import MailError, email_message, send_mail
from digest.send_config import SECRETS, SendConfig

LEDGER = ".send-log.json"


@dataclass
class SendReport:
    day: dt.date | None = None
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


def send(
    config: SendConfig,
    catalog: Catalog,
    message_of: Callable[[dt.date], DayMessage],
    listings: Path,
    environment: Mapping[str, str],
    *,
    preview: Path | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> SendReport:
    report = SendReport()
    if not config.channels:
        report.skipped = "send: in digest.yml names no channel (email, chat)"
        return report
    days = settled_days(catalog, listings)
    if not days:
        report.skipped = "no settled day yet (a day still being fetched is sent once it is settled)"
        return report
    day = report.day = days[0]
    message = message_of(day)
    if not message.papers and not config.send_empty:
        report.skipped = f"{day.isoformat()} has no papers (send_empty: true sends such days too)"
        return report
    ledger = read_ledger(listings)
    done = ledger.setdefault(day.isoformat(), {})
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
                        _keep(preview / f"email-{day.isoformat()}.eml", mail.as_bytes())
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
                        _keep(preview / f"{channel}-{day.isoformat()}.json", request.body)
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


def _keep(path: Path, data: bytes) -> tuple[Path, int]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path, len(data)
