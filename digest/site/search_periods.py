"""The newest quarter of the search index in parts that change at different speeds.

A shard is indexed again whenever one of its papers changes, and Pagefind indexes a
shard whole: the newest quarter as one shard cost every new day a quarter's papers
(about 1,200 on the two-year Hugging Face archive, 3,900 on a 60-a-day arXiv digest, 2-9
CPU s). Split in three, a new day re-indexes its week; a new week, the rest of its
month; a new month, the rest of its quarter. Every shard costs a query its own small
index chunk (one more shard: 237 -> 248 KB a query on that archive), so there are three
at most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from digest import paths

Item = TypeVar("Item")


def newest_quarter_parts(
    items: list[Item], first_day: Callable[[Item], dt.date]
) -> list[tuple[str, list[Item]]]:
    """The newest quarter's items (those of one quarter) as (name, items) parts, newest
    first, empty parts left out: the week of the newest first day (from the quarter's
    start if the week began before it), the month before that week, and the quarter
    before that month. Items keep their order within a part."""
    newest = max(first_day(item) for item in items)
    quarter_start = paths.quarter_start(newest)
    week_start = max(paths.week_start(newest), quarter_start)
    month_start = min(newest.replace(day=1), week_start)
    bounds = [
        (f"{week_start.isoformat()}-week", week_start, dt.date.max),
        (month_start.strftime("%Y-%m"), month_start, week_start),
        (paths.quarter(newest), quarter_start, month_start),
    ]
    parts = [
        (name, [item for item in items if start <= first_day(item) < end])
        for name, start, end in bounds
    ]
    return [(name, part) for name, part in parts if part]
