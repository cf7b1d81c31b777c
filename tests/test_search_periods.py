"""The newest quarter's search shards: which part each day's papers fall in, and which
parts a new day, week, month or quarter changes (a changed part is indexed again)."""

from __future__ import annotations

import datetime as dt

from digest.site.search_periods import newest_quarter_parts


def _parts(*days: str) -> dict[str, list[str]]:
    """Papers named by their first day; one per day."""
    items = [dt.date.fromisoformat(day) for day in days]
    return {
        name: [day.isoformat() for day in part]
        for name, part in newest_quarter_parts(items, lambda day: day)
    }


def test_the_newest_week_the_rest_of_its_month_and_the_quarter_before() -> None:
    # Thursday 2026-08-20: its week began on Monday the 17th.
    assert _parts(
        "2026-07-01", "2026-07-31", "2026-08-03", "2026-08-14", "2026-08-17", "2026-08-20"
    ) == {
        "2026-08-17-week": ["2026-08-17", "2026-08-20"],
        "2026-08": ["2026-08-03", "2026-08-14"],
        "2026-q3": ["2026-07-01", "2026-07-31"],
    }


def test_a_new_day_of_the_week_changes_the_week_only() -> None:
    before = _parts("2026-07-06", "2026-08-04", "2026-08-17", "2026-08-18")
    after = _parts("2026-07-06", "2026-08-04", "2026-08-17", "2026-08-18", "2026-08-19")
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"2026-08-17-week"}


def test_a_new_week_moves_the_last_one_into_its_month_and_leaves_the_quarter() -> None:
    before = _parts("2026-07-06", "2026-08-04", "2026-08-17", "2026-08-21")
    after = _parts("2026-07-06", "2026-08-04", "2026-08-17", "2026-08-21", "2026-08-24")
    assert after["2026-08-24-week"] == ["2026-08-24"]
    assert after["2026-08"] == ["2026-08-04", "2026-08-17", "2026-08-21"]
    assert after["2026-q3"] == before["2026-q3"] == ["2026-07-06"]


def test_a_week_that_began_last_month_leaves_this_month_empty() -> None:
    # Wednesday 2026-09-02: the week began on Monday 2026-08-31, in August.
    assert _parts("2026-07-06", "2026-08-12", "2026-08-31", "2026-09-02") == {
        "2026-08-31-week": ["2026-08-31", "2026-09-02"],
        "2026-q3": ["2026-07-06", "2026-08-12"],
    }


def test_a_week_never_reaches_back_into_the_quarter_before() -> None:
    # Thursday 2026-10-01 begins a quarter; its week began on Monday 2026-09-28. The
    # items given are the newest quarter's only, so the week starts with the quarter.
    assert _parts("2026-10-01", "2026-10-02") == {"2026-10-01-week": ["2026-10-01", "2026-10-02"]}
