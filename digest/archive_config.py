"""The ``archive:`` section of digest.yml: how many years the site holds.

    archive:
      years: 3                                    # this year and the two before it
      url: https://you.github.io/digest-2020-2023/  # where the earlier years are read

GitHub Pages publishes sites of up to 1 GB; a digest of 60 arXiv papers a weekday grows
by about 400 MB a year. With ``years: N`` the site shows the papers first listed in the
current year (of the newest listing) and the N-1 years before it; the earlier ones stay
in listings/, are counted on the status page, and drop out on the first listing of a
new year, all at once, so a day's build never re-ranks the archive for a window that
moved by a day. ``url`` (optional) is where the earlier years are published, for
example a second digest of those years' listings; the archive and status pages link it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from digest.problems import Problems, config_section

_KEYS = {"years", "url"}


@dataclass(frozen=True)
class ArchiveConfig:
    years: int | None = None  # None: every year
    url: str | None = None

    def first_day(self, latest: dt.date | None) -> dt.date | None:
        """The first day the site shows, for a newest listing on ``latest``."""
        if self.years is None or latest is None:
            return None
        return dt.date(max(latest.year - self.years + 1, dt.MINYEAR), 1, 1)


def parse_archive(raw: Any, problems: Problems, file: str) -> ArchiveConfig:
    found = config_section(raw, "archive", "{years: 3}", problems, file, _KEYS)
    if found is None:
        return ArchiveConfig()
    years = found.get("years")
    if years is not None and (
        not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 1000
    ):
        problems.error(
            file,
            "archive.years",
            "must be a whole number of years, 1 or more (1: this year only; omit: every year)",
        )
        years = None
    url = found.get("url")
    if url is not None and (
        not isinstance(url, str) or not url.strip().startswith(("https://", "http://"))
    ):
        problems.error(
            file,
            "archive.url",
            "must be the http(s) address where the earlier years are published, "
            "e.g. https://you.github.io/digest-2020-2023/",
        )
        url = None
    return ArchiveConfig(years, url.strip() if isinstance(url, str) else None)
