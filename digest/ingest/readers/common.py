"""Small helpers the readers share: dates, safe XML, listing days from file names."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from digest.content_errors import plausible
from digest.model import Origin, Record
from digest.problems import Problems

# The fix every reader names when a listing gives no day of its own.
NO_DATE = "no listing date: name the file with the day (YYYY-MM-DD) or pass --date YYYY-MM-DD"

DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def date_from_name(name: str) -> dt.date | None:
    """The YYYY-MM-DD in a file name, if it is a real date."""
    match = DATE_IN_NAME.search(name)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def iso_day(value: object) -> dt.date | None:
    """The calendar day of an ISO 8601 timestamp as written (``2024-05-24T17:34:15Z``)."""
    if not isinstance(value, str):
        return None
    match = _ISO_DAY.match(value)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def rfc822_day(value: str | None) -> dt.date | None:
    """The calendar day of an RFC 822 date as written (``Wed, 04 Jun 2025 00:00:00 -0400``)."""
    if not value:
        return None
    try:
        # A listing day as written, 9999 too: the reader's caller reports it by name.
        return email.utils.parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def given_name_first(name: str) -> str:
    """``Vaswani, Ashish`` (as BibTeX, RIS and oai_dc write names) -> ``Ashish Vaswani``;
    a name without a comma stays as it is."""
    family, comma, given = name.strip().partition(",")
    return f"{given.strip()} {family.strip()}".strip() if comma else family.strip()


def rfc822_moment(value: object) -> dt.datetime | None:
    """An RFC 822 time (``Mon, 2 Apr 2007 19:18:42 GMT``) as an aware datetime (UTC when
    it names no zone), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if plausible(moment.date()) is None:
        return None  # the year 9999: a time zone or the next weekday would overflow
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_xml(text: str, display: str, problems: Problems) -> ET.Element | None:
    """Parse XML refusing DTDs and entities: a listing never needs them, an attack does."""
    try:
        return defused_fromstring(text.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException:
        problems.error(
            display,
            None,
            "XML with a DOCTYPE or entity declarations is refused (they can expand without "
            "bound or fetch files); save the feed as the server sent it, without a DOCTYPE",
        )
    except ET.ParseError as err:
        line, column = err.position
        problems.error(
            display,
            f"line {line}, column {column}",
            f"not well-formed XML ({_reason(err)}); the file is damaged or truncated, fetch it again",
        )
    return None


def _reason(err: ET.ParseError) -> str:
    return str(err).split(":")[0]


def child_text(element: ET.Element, path: str) -> str | None:
    """The stripped text of the first element at ``path``, or None when empty or absent."""
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def first_line_object(text: str) -> dict[str, Any] | None:
    """The JSON object written whole on the text's first line, if there is one."""
    first = text.lstrip().partition("\n")[0]
    if not first.startswith("{"):
        return None
    try:
        value = json.loads(first)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def json_lines_head(text: str) -> dict[str, Any] | None:
    """The first line's object when the text is JSON Lines (a whole object on its first
    line and more lines after it), not one JSON document; None otherwise."""
    if not text.lstrip().partition("\n")[2].strip():
        return None
    return first_line_object(text)


@dataclass
class RecordList:
    """The records of one listing, in its order: each made with the file it came from, its
    place there (line, item, element), its source and its rank (1 first)."""

    display: str
    source: str
    records: list[Record] = field(default_factory=list)

    def add(
        self, place: str, day: dt.date, title: str, *, source: str | None = None, **described: Any
    ) -> Record:
        record = Record(
            origin=Origin(self.display, place),
            source=source or self.source,
            listing_day=day,
            rank=len(self.records) + 1,
            title=title,
            **described,
        )
        self.records.append(record)
        return record
