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

from digest.options import Option, Section, http_url, optional, whole
from digest.problems import Problems


@dataclass(frozen=True)
class ArchiveConfig:
    years: int | None = None  # None: every year
    url: str | None = None

    def first_day(self, latest: dt.date | None) -> dt.date | None:
        """The first day the site shows, for a newest listing on ``latest``."""
        if self.years is None or latest is None:
            return None
        return dt.date(max(latest.year - self.years + 1, dt.MINYEAR), 1, 1)


ARCHIVE = Section(
    "archive",
    "{years: 3}",
    (
        Option(
            "years",
            optional(whole(1, "years", 1000, " (1: this year only; omit: every year)")),
            "the years the site holds: the newest listing's and the ones before it",
            ("sift",),
            2,
        ),
        Option(
            "url",
            optional(
                http_url(
                    "the http(s) address where the earlier years are published, "
                    "e.g. https://you.github.io/digest-2020-2023/",
                    base=False,
                )
            ),
            "where the earlier years are read (linked from the archive and status pages)",
            ("pages",),
            "https://you.github.io/digest-2020-2023/",
        ),
    ),
    ArchiveConfig,
)


def parse_archive(raw: Any, problems: Problems, file: str) -> ArchiveConfig:
    return ArchiveConfig(**ARCHIVE.read(raw, problems, file).values)
