"""How big the published site is, and when it would reach GitHub Pages' limit at the rate
it has grown: said on the status page, so a curator sees the limit coming years ahead.

The status page is rendered with a marker where the sentence goes; once the whole site is
assembled (pages, feeds, search index), the marker is replaced by the sentence. The size
is that of the assembled site, so a warm build and a cold one say the same.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from digest.filesystem import write_whole

MARKER = "<!--pd-site-size-->"
PAGES_LIMIT = 1_000_000_000  # GitHub Pages publishes sites up to 1 GB
YOUNGEST = 60  # days of listings before a growth rate means anything


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size < 10e6 else f"{size / 1e6:,.0f} MB"


def size_sentence(
    size: int, files: int, first: dt.date | None, last: dt.date | None, years: int | None = None
) -> str:
    """What the status page says of the site's size; ``years``: ``archive.years``."""
    said = (
        f"The site is {_megabytes(size)} in {files:,} files; GitHub Pages publishes sites "
        "of up to 1 GB."
    )
    if size >= PAGES_LIMIT:
        return said + (" It is over that: publish it elsewhere, or keep fewer years in this site.")
    if first is None or last is None or (last - first).days + 1 < YOUNGEST:
        return said + " Its listings are too recent to tell how fast it grows."
    days = (last - first).days + 1
    per_year = size / days * 365.25
    rate = (
        f" At the rate it grew over the {days:,} days from its first listing to its latest "
        f"(about {_megabytes(int(per_year))} a year)"
    )
    if years is not None:
        most = per_year * years
        verdict = "within the limit." if most < PAGES_LIMIT else "over the limit: keep fewer years."
        return said + (
            f"{rate}, keeping {years} year{'' if years == 1 else 's'} (archive.years) it "
            f"holds about {_megabytes(int(most))} at most: {verdict}"
        )
    reached = last + dt.timedelta(days=(PAGES_LIMIT - size) / per_year * 365.25)
    return f"{said}{rate} it would reach 1 GB in {reached.year}."


def fill_in(
    site: Path,
    status_page: str,
    first: dt.date | None,
    last: dt.date | None,
    measured: tuple[int, int],
    years: int | None = None,
) -> None:
    """Put the sentence where the status page's marker is (a new file: the page may be a
    link to a kept copy); ``measured``: the site's bytes and files (``spare.sweep``)."""
    page = site / status_page
    try:
        text = page.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    if MARKER not in text:
        return
    size, files = measured
    sentence = html.escape(size_sentence(size, files, first, last, years), quote=False)
    write_whole(page, text.replace(MARKER, sentence).encode("utf-8"))
