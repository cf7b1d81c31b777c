"""``digest fetch --from 2026-01-05 --to 2026-01-09`` fills a missed arXiv week through
OAI-PMH, from a real HTTP server on 127.0.0.1, through 503 + Retry-After, an expired
resumptionToken, a body cut short and an HTML error page.

The answers are derived from a real one (a page of arXivRaw records harvested from
export.arxiv.org/oai2 in 2014, tests/fixtures/formats/mispy-*): every field is as arXiv
wrote it except the ids and the version dates, moved into the week under test (each date
below is chosen with the listing day it must give, worked out by hand from arXiv's
schedule). The server does not filter by set, as arXiv would; the fetcher files records
by their own categories, so it does not need to.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest
from conftest import FIXTURES
from test_fetch import Answer, configure, run, server  # noqa: F401 (the server fixture)

from digest.cli import main

RAW_PAGE = (
    FIXTURES / "formats" / "mispy-archive_arxivsync_arXivRaw_ListRecords_page-47001_first60.xml"
).read_text(encoding="utf-8")
RSS_DAY = (FIXTURES / "formats" / "rss_arxiv_org_cs.LG_2025-06-04.xml").read_bytes()
WEEK = [dt.date(2026, 1, 5) + dt.timedelta(days=n) for n in range(5)]
CATEGORIES = ["astro-ph", "hep-th", "cs.IT", "math.PR"]
ANSWERED = {"astro-ph", "hep-th", "cs.IT"}  # the math set (math.PR) answers noRecordsMatch

# (submission time in GMT, the listing day it gives), by hand from arXiv's schedule:
# deadline 14:00 Eastern (19:00 GMT in January) Monday to Friday, listing the next weekday.
MOMENTS = [
    ("Fri, 02 Jan 2026 15:00:00 GMT", dt.date(2026, 1, 5)),  # Friday morning: Monday
    ("Thu, 01 Jan 2026 20:00:00 GMT", dt.date(2026, 1, 5)),  # Thursday after the deadline: Monday
    ("Sat, 03 Jan 2026 12:00:00 GMT", dt.date(2026, 1, 6)),  # the weekend: Tuesday
    ("Mon, 05 Jan 2026 18:59:00 GMT", dt.date(2026, 1, 6)),  # a minute before Monday's deadline
    ("Mon, 05 Jan 2026 19:00:00 GMT", dt.date(2026, 1, 7)),  # on it: Wednesday
    ("Wed, 07 Jan 2026 03:00:00 GMT", dt.date(2026, 1, 8)),  # Tuesday night: Thursday
    ("Thu, 08 Jan 2026 12:00:00 GMT", dt.date(2026, 1, 9)),  # Thursday morning: Friday
    ("Fri, 09 Jan 2026 20:00:00 GMT", dt.date(2026, 1, 13)),  # after the range: not filed
]
OLD_FIRST_VERSION = "Mon, 03 Nov 2025 15:00:00 GMT"  # listed 2025-11-04, before the range
FIRST = "/oai?verb=ListRecords&metadataPrefix=arXivRaw&set={}&from=2026-01-04"


def _derived_records() -> tuple[list[str], dict[tuple[str, dt.date], list[tuple[str, str]]]]:
    """The records moved into the week, and what each (category, day) must then hold:
    (new id, new or replace)."""
    records = re.findall(r"<record>.*?</record>\n", RAW_PAGE, re.S)
    expected: dict[tuple[str, dt.date], list[tuple[str, str]]] = {}
    moved = []
    for index, record in enumerate(records):
        old_id = re.search(r"<id>(.*?)</id>", record).group(1)
        new_id = f"2601.{int(old_id.split('.')[1]):05d}"
        moment, day = MOMENTS[index % len(MOMENTS)]
        versions = re.findall(r"<version version='v\d+'>.*?</version>", record, re.S)
        if len(versions) == 1:
            dates = [moment]
        else:
            dates = (
                [OLD_FIRST_VERSION]
                + ["Mon, 10 Nov 2025 15:00:00 GMT"] * (len(versions) - 2)
                + [moment]
            )
        for version, date in zip(versions, dates, strict=True):
            record = record.replace(
                version, re.sub(r"<date>.*?</date>", f"<date>{date}</date>", version), 1
            )
        record = record.replace(old_id, new_id)
        record = re.sub(
            r"<datestamp>.*?</datestamp>", f"<datestamp>{day.isoformat()}</datestamp>", record
        )
        moved.append(record)
        categories = re.search(r"<categories>(.*?)</categories>", record).group(1).split()
        for category in set(categories) & ANSWERED:
            if day in WEEK:
                kind = "new" if len(versions) == 1 else "replace"
                expected.setdefault((category, day), []).append((new_id, kind))
    return moved, expected


def _page(records: list[str], token: str | None) -> bytes:
    head = RAW_PAGE[: RAW_PAGE.index("<record>")]
    end = (
        f"<resumptionToken cursor='0' completeListSize='60'>{token}</resumptionToken>\n"
        if token
        else ""
    )
    return (head + "".join(records) + end + "</ListRecords>\n</OAI-PMH>\n").encode()


EXPIRED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    b'<responseDate>2026-01-12T10:00:00Z</responseDate><request verb="ListRecords">http://export.arxiv.org/oai2</request>'
    b'<error code="badResumptionToken">expired</error></OAI-PMH>\n'
)
NO_RECORDS = EXPIRED.replace(
    b'code="badResumptionToken">expired', b'code="noRecordsMatch">No records match'
)
HTML_ERROR = b"<!DOCTYPE html><html><body><h1>Service temporarily overloaded</h1></body></html>"


def _serve_week(recorded) -> dict[tuple[str, dt.date], list[tuple[str, str]]]:
    records, expected = _derived_records()
    pages = [records[:20], records[20:40], records[40:]]
    one = _page(pages[0], "6960524|21")
    two = _page(pages[1], "6960524|41")
    three = _page(pages[2], None)
    recorded.routes = {
        FIRST.format("physics"): [Answer(503, b"busy", (("Retry-After", "5"),)), Answer(body=one)],
        # The token expires once (the harvest starts over); then the page is cut short once.
        "/oai?verb=ListRecords&resumptionToken=6960524%7C21": [
            Answer(body=EXPIRED),
            Answer(body=two[: len(two) // 2], declared=None),
            Answer(body=two),
        ],
        "/oai?verb=ListRecords&resumptionToken=6960524%7C41": [
            Answer(body=HTML_ERROR),
            Answer(body=three),
        ],
        FIRST.format("cs"): [Answer(body=_page(records, None))],
        FIRST.format("math"): [Answer(body=NO_RECORDS)],
    }
    return expected


def _ids(path: Path) -> list[str]:
    return re.findall(
        r"<(?:oai:)?identifier>oai:arXiv.org:(.*?)</(?:oai:)?identifier>",
        path.read_text(encoding="utf-8"),
    )


@pytest.mark.slow
def test_a_missed_week_is_filled_from_oai_pmh(digest_dir: Path, server) -> None:  # noqa: F811
    recorded, base = server
    configure(
        digest_dir,
        base,
        arxiv_oai_url=base + "/oai",
        arxiv_categories=CATEGORIES,
        huggingface=False,
    )
    expected = _serve_week(recorded)
    # Wednesday's cs.IT listing came from rss.arxiv.org on the day: it stays as it is.
    kept = digest_dir / "listings/arxiv/cs.IT/2026-01-07.xml"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(RSS_DAY)

    report, sleeps = run(digest_dir, start=WEEK[0], end=WEEK[-1])
    outcomes = {
        (o.source.removeprefix("arxiv/"), o.day): (o.result, o.papers) for o in report.outcomes
    }
    assert not report.failed
    written = 0
    for category in CATEGORIES:
        for day in WEEK:
            result, papers = outcomes[(category, day)]
            path = digest_dir / "listings/arxiv" / category / f"{day.isoformat()}.xml"
            want = sorted(expected.get((category, day), []))
            if path == kept:
                assert result == "unchanged" and path.read_bytes() == RSS_DAY
            elif want:
                assert (result, papers) == ("new", len(want)), (category, day)
                assert _ids(path) == [paper_id for paper_id, _ in want]
                written += 1
            else:
                assert (result, path.exists()) == ("empty", False), (category, day)
    assert written >= 5
    # Polite: 3 s between requests, 5 s when the server asked for them.
    assert 5.0 in sleeps and all(pause >= 3.0 for pause in sleeps)
    # Nothing else is filed: not the papers submitted after Friday's deadline (Tuesday
    # 2026-01-13's), nor the other categories' papers.
    filed = {
        i
        for path in (digest_dir / "listings/arxiv").rglob("2026-*.xml")
        if path != kept
        for i in _ids(path)
    }
    assert filed == {
        paper_id
        for (c, d), want in expected.items()
        if (c, d) != ("cs.IT", WEEK[2])
        for paper_id, _ in want
    }

    # What was filed reads as the days it is named for, replacements as such, and builds.
    assert main(["check", "-q", "-C", str(digest_dir)]) == 0
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    for (category, day), want in expected.items():
        if (category, day) == ("cs.IT", WEEK[2]):
            continue
        page = (digest_dir / "site/days" / day.isoformat() / "index.html").read_text(
            encoding="utf-8"
        )
        for paper_id, _ in want:  # new papers and replacements alike (shown by default)
            assert f"arxiv.org/abs/{paper_id}" in page, (day, paper_id)
    log = json.loads((digest_dir / "listings/.fetch-log.json").read_text(encoding="utf-8"))
    assert log["arxiv/math.PR"]["2026-01-05"]["result"] == "empty"

    # A second run writes nothing new.
    files = {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (digest_dir / "listings").rglob("*.xml")
    }
    time.sleep(0.01)
    _serve_week(recorded)
    again, _ = run(digest_dir, start=WEEK[0], end=WEEK[-1])
    assert {o.result for o in again.outcomes} <= {"unchanged", "empty"}
    assert {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (digest_dir / "listings").rglob("*.xml")
    } == files


def test_a_harvest_that_keeps_failing_fails_its_days_and_writes_nothing(
    digest_dir: Path,
    server,  # noqa: F811
) -> None:
    recorded, base = server
    configure(
        digest_dir, base, arxiv_oai_url=base + "/oai", arxiv_categories=["cs.IT"], huggingface=False
    )
    records, _ = _derived_records()
    recorded.routes = {
        FIRST.format("cs"): [Answer(body=_page(records[:20], "6960524|21"))],
        # The token expires, and again after the harvest starts over: arXiv is not answering sanely.
        "/oai?verb=ListRecords&resumptionToken=6960524%7C21": [Answer(body=EXPIRED)],
    }
    report, _ = run(digest_dir, start=WEEK[0], end=WEEK[-1])
    assert [o.result for o in report.outcomes] == ["failed"] * 5
    assert "badResumptionToken" in (report.outcomes[0].error or "")
    assert not (digest_dir / "listings/arxiv").exists()
