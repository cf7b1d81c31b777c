"""Feeds whose items are not papers: one item per week or month once it is over
(``top-week.xml``, ``top-month.xml``), and one per change of a source's state
(``status.xml``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urljoin

from digest import paths
from digest.model import Paper
from digest.site import escape
from digest.site.feed_list import FeedEntry
from digest.site.feed_xml import day_moment, plain_title, rss_channel, rss_item, serialize
from digest.site.plan import SiteInfo
from digest.site.rollups import Rollup, period_end
from digest.site.status import SourceStatus

_TROUBLE = {"failed", "missing"}


def status_rss(
    statuses: list[SourceStatus], entry: FeedEntry, site: SiteInfo, language: str
) -> bytes:
    """A feed of changes in each source's state, not of every day: an item when a source
    starts failing (or a weekday goes missing), and one when it is back to normal. A day
    still growing, an empty day and a weekend are normal."""
    changes: list[tuple[dt.date, str, str, str]] = []  # day, source, state, detail
    for status in statuses:
        previous = "normal"
        for seen in sorted(status.days, key=lambda d: d.day):
            if seen.state == "weekend":
                continue
            state = seen.state if seen.state in _TROUBLE else "normal"
            if state != previous:
                detail = seen.detail if state != "normal" else f"{seen.detail} (back to normal)"
                changes.append((seen.day, status.name, state, detail))
            previous = state
    changes.sort(key=lambda change: (-change[0].toordinal(), change[1]))
    rss, channel = rss_channel(
        entry.title,
        urljoin(site.url, entry.page),
        entry.channel,
        language,
        urljoin(site.url, entry.rss),
        changes[0][0] if changes else None,
        site,
    )
    for day, source, state, detail in changes:
        said = {
            "failed": "fetch failed",
            "missing": "a day is missing",
            "normal": "back to normal",
        }[state]
        rss_item(
            channel,
            title=f"{source}: {said} ({day.isoformat()})",
            link=urljoin(site.url, entry.page) + "#" + source.replace("/", "-"),
            description=detail,
            guid_text=f"status:{source}:{day.isoformat()}:{state}",
            day=day,
        )
    return serialize(rss)


def rollup_rss(
    periods: list[Rollup],
    entry: FeedEntry,
    site: SiteInfo,
    language: str,
    latest: dt.date | None,
    link_of: Callable[[Paper], str],
) -> bytes:
    """One item per week (or month) that is over: a period is over once the digest has
    a listing day after it, and its item is dated the day after its end, so it appears
    once, whole, and does not change. The period still running has a page ("so far")
    but no item. Each item links every paper."""
    kind = entry.kind
    ended = [r for r in periods if latest is not None and period_end(r) < latest]
    last = day_moment(period_end(ended[0]) + dt.timedelta(days=1)) if ended else None
    rss, channel = rss_channel(
        entry.title,
        urljoin(site.url, entry.page),
        entry.channel,
        language,
        urljoin(site.url, entry.rss),
        last,
        site,
    )
    for rollup in ended[:12]:
        label = rollup.start.isoformat() if kind == "week" else rollup.start.strftime("%B %Y")
        listed = "".join(
            f'<li><a href="{escape.text(link_of(p))}">{escape.text(plain_title(p.title))}</a></li>'
            for p in rollup.papers
        )
        rss_item(
            channel,
            title=f"Top papers of the week of {label}"
            if kind == "week"
            else f"Top papers of {label}",
            link=urljoin(site.url, paths.rollup_url(kind, rollup.slug)),
            description=f"<ol>{listed}</ol>",
            guid_text=f"top:{kind}:{rollup.slug}",
            day=day_moment(period_end(rollup) + dt.timedelta(days=1)),
        )
    return serialize(rss)
