"""arXiv's announcement schedule: on which listing day a submission appears.

arXiv takes submissions until 14:00 US Eastern, Monday to Friday, and announces what came
in since the previous deadline at 20:00 Eastern, Sunday to Thursday. The listing that
announcement starts is dated the next weekday ("new submissions for Tuesday"), which is
also the UTC date of the announcement, the day rss.arxiv.org and OAI-PMH datestamps give.
So a submission's listing day is the weekday after the first deadline it made.

arXiv's few holidays (a handful of days a year, announced on its site) are not known
here: a paper submitted before one is placed on the day the usual schedule gives.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from digest.content_errors import plausible

EASTERN = ZoneInfo("America/New_York")
DEADLINE = dt.time(14, 0)


def _next_weekday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _deadline_day(day: dt.date, after_deadline: bool) -> dt.date:
    """The weekday whose 14:00 deadline a submission on ``day`` made."""
    if day.weekday() >= 5 or after_deadline:
        return _next_weekday(day)
    return day


def listing_day(submitted: dt.datetime) -> dt.date:
    """The listing day of a submission made at ``submitted`` (an aware time); a time
    outside the dates readers take (``plausible``) is a ValueError, never an overflow."""
    if plausible(submitted.date()) is None:
        raise ValueError(f"a submission time in the year {submitted.year}")
    local = submitted.astimezone(EASTERN)
    return _next_weekday(_deadline_day(local.date(), local.time() >= DEADLINE))


def listing_days_of_date(submitted: dt.date) -> tuple[dt.date, dt.date]:
    """The two listing days a submission known only by its (Eastern) date can have:
    made before that day's deadline, or after it."""
    return (
        _next_weekday(_deadline_day(submitted, False)),
        _next_weekday(_deadline_day(submitted, True)),
    )


def listed_as(new: dt.date, newest: dt.date, named_day: dt.date | None) -> tuple[dt.date, str]:
    """Where a harvested paper goes, and as what: on its version 1's day, as new; in a
    file named for the day its newest version was announced (as ``digest fetch --from``
    and ``digest import-snapshot`` write them), on that day, as a replacement."""
    if named_day is not None and named_day != new and newest == named_day:
        return named_day, "replace"
    return new, "new"
