"""The text of a Hugging Face papers page, as a browser copies it.

Shape (see listings/2025-03-11-hf-trending.txt): page chrome ("new", "Subscribe", ...), a
date line such as ``Mar 11``, then for each paper a title line and an abstract line. Blank
lines between them are optional. The page shows no year, so the year comes from the file
name's YYYY-MM-DD or from ``--date``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from digest.ingest.readers.common import DATE_IN_NAME, RecordList, date_from_name
from digest.ingest.readers.resemblance import resemblance
from digest.model import Record
from digest.problems import Problems

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "huggingface"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DATE_LINE = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?$")

# Titles on these pages stay under 300 characters; abstracts run longer. Used only to spot
# a title whose abstract line is missing, so one gap does not shift every later pair.
_LONGEST_TITLE = 300


_LINE_END = re.compile(r"\r\n|\n|\r")


def accepts(text: str) -> bool:
    """Anything that is not JSON, markup or a library export (a .bib or .ris file would
    otherwise be read as pasted text, and fail for want of a date line)."""
    first = text.lstrip()[:1]
    return first not in {"{", "[", "<"} and resemblance(text) is None


def _date_line(line: str) -> tuple[int, int, int | None] | None:
    match = _DATE_LINE.match(line)
    if not match or match.group(1).lower() not in _MONTHS:
        return None
    year = int(match.group(3)) if match.group(3) else None
    return _MONTHS[match.group(1).lower()], int(match.group(2)), year


def _resolve_day(month: int, day: int, reference: dt.date) -> dt.date | None:
    """The date with this month and day nearest to ``reference`` (a page of Dec 31 saved
    in a file named for Jan 1 is from the year before)."""
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs((d - reference).days))


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    # Lines end at \n, \r\n or a lone \r only: str.splitlines() also breaks at \x0b, \x0c,
    # \x1c-\x1e, \x85, \u2028 and \u2029, which pasted text carries inside a title or an
    # abstract; those are spaces here (str.split() collapses them).
    lines = [(number, " ".join(raw.split())) for number, raw in enumerate(_LINE_END.split(text), 1)]
    lines = [(number, line) for number, line in lines if line]
    display = context.display

    date_index = next((i for i, (_, line) in enumerate(lines) if _date_line(line)), None)
    if date_index is None:
        problems.error(
            display,
            "line 1",
            "no date line (such as 'Mar 11') before the papers; paste the page from its date "
            "heading down, or add the date line above the first title",
        )
        return []
    date_line_number, date_text = lines[date_index]
    month, day, year_on_page = _date_line(date_text)  # type: ignore[misc]

    if year_on_page is not None:
        reference: dt.date | None = dt.date(year_on_page, 1, 1)
        listing_day = _valid_date(year_on_page, month, day)
    else:
        reference = date_from_name(context.path.name) or context.fallback_date
        bad_name = DATE_IN_NAME.search(context.path.name)
        if reference is None and bad_name:
            problems.error(
                display,
                None,
                f"the file name's date {bad_name.group()} does not exist; rename the file with the listing's real date",
            )
            return []
        if reference is None:
            problems.error(
                display,
                f"line {date_line_number}",
                f"the date line '{date_text}' has no year; name the file with the date "
                "(e.g. 2025-03-11-hf-papers.txt) or pass --date YYYY-MM-DD",
            )
            return []
        listing_day = _resolve_day(month, day, reference)
    if listing_day is None:
        problems.error(
            display,
            f"line {date_line_number}",
            f"'{date_text}' is not a date that exists; correct the date line",
        )
        return []

    body = lines[date_index + 1 :]
    listed = RecordList(display, SOURCE)
    index = 0
    while index < len(body):
        number, title = body[index]
        if len(title) > _LONGEST_TITLE:
            problems.warn(
                display,
                f"line {number}",
                "a paragraph where a title was expected; skipped. Each paper must be a title "
                "line followed by its abstract line",
            )
            index += 1
            continue
        following = body[index + 1] if index + 1 < len(body) else None
        after = body[index + 2] if index + 2 < len(body) else None
        missing_abstract = following is None or (
            len(following[1]) <= _LONGEST_TITLE
            and after is not None
            and len(after[1]) > _LONGEST_TITLE
        )
        abstract = None
        if missing_abstract:
            problems.warn(
                display,
                f"line {number}",
                f"title '{_shorten(title)}' has no abstract line after it; published without "
                "an abstract. Paste the abstract on the line after the title",
            )
            index += 1
        else:
            abstract = following[1]  # type: ignore[index]
            index += 2
        listed.add(
            f"line {number}",
            listing_day,
            title,
            abstract=abstract,
        )
    if not listed.records:
        problems.warn(display, f"line {date_line_number}", "no papers after the date line")
    return listed.records


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
