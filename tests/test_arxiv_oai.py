"""arXiv OAI-PMH: real answers read with every field, records placed on their
announcement day (not their datestamp), and error answers told from damage."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

from digest.ingest.arxiv_schedule import listing_day
from digest.ingest.readers import ListingContext, read_listing
from digest.ingest.readers.arxiv_oai import split_authors
from digest.problems import Problems

FORMATS = FIXTURES / "formats"
RAW_PAGE = FORMATS / "mispy-archive_arxivsync_arXivRaw_ListRecords_page-47001_first60.xml"
DUBLIN_CORE = (
    FORMATS / "AtomikLabs_aws-iac_oai_dc_ListRecords_cs_2024-01-25_trimmed5_resumptionToken.xml"
)
ARXIV_FORMAT = (
    FORMATS / "inspirehep_hepcrawl_arXiv_ListRecords_physics-hep-ex_2017-12-14_trimmed3.xml"
)
SHARED = REPO.parent / "shared" / "data" / "samples" / "arxiv-oai-pmh"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="needs ../shared/data/samples (CI has it)"
)


def read(path: Path) -> tuple[list, Problems]:
    problems = Problems()
    result = read_listing(ListingContext(path, path.name, None), problems)
    assert result.format == "arxiv-oai"
    return result.records, problems


def test_arxiv_raw_records_read_with_every_field_on_their_announcement_day() -> None:
    # A page of a whole-archive harvest made in 2014: the records' datestamps run from
    # 2008 to 2013, but each paper is listed on the day arXiv announced its version 1.
    records, problems = read(RAW_PAGE)
    assert problems.items == [] and len(records) == 60
    first = records[0]
    assert first.arxiv_id == "0801.3673"
    assert first.title == "Variational Functionals for Excited States"
    assert first.authors == ("Naoum C. Bacalis",)
    assert first.categories == ("quant-ph",)
    assert first.comment == "4 pages"
    assert first.abstract and first.abstract.startswith("Functionals that have local minima")
    # Submitted Wed 23 Jan 2008 21:06 GMT = 16:06 Eastern, after that day's deadline:
    # announced Thursday evening, in Friday's listing.
    assert first.published == dt.date(2008, 1, 23)
    assert first.listing_day == dt.date(2008, 1, 25) and first.announce_type == "new"
    # Free-text authors with affiliations become names; four versions give an update date.
    second = records[1]
    assert second.authors == ("Robert H. Brandenberger", "Keshav Dasgupta", "Anne-Christine Davis")
    assert second.updated == dt.date(2008, 9, 11) and second.listing_day == dt.date(2008, 1, 25)
    # Submitted over two days (Wednesday after the deadline, Thursday before it), all
    # announced together on Thursday evening.
    assert collections.Counter(r.published for r in records) == {
        dt.date(2008, 1, 23): 10,
        dt.date(2008, 1, 24): 50,
    }
    assert {r.listing_day for r in records} == {dt.date(2008, 1, 25)}


def test_oai_dc_and_the_arxiv_format_read_too() -> None:
    records, problems = read(DUBLIN_CORE)
    assert problems.items == [] and len(records) == 5
    liepins = records[0]
    assert liepins.authors == ("Vilnis Liepins",)  # "Liepins, Vilnis" turned round
    assert liepins.arxiv_id == "1303.2033" and liepins.comment == "32 pages, 9 figures"
    assert liepins.published == dt.date(2013, 3, 8) and liepins.updated == dt.date(2024, 1, 23)
    # The file is named for 2024-01-25 and the paper's newest version was announced that
    # day: it is listed there as a replacement, the others on their own new day.
    assert liepins.listing_day == dt.date(2024, 1, 25) and liepins.announce_type == "replace"
    hep, problems = read(ARXIV_FORMAT)
    assert problems.items == [] and len(hep) == 3
    assert hep[0].authors[:2] == ("Tyler Anderson", "Jacob Cutter")
    assert hep[0].categories == ("physics.ins-det", "hep-ex")


def test_the_datestamp_is_not_the_listing_day(tmp_path: Path) -> None:
    # The same record, untouched since announcement or re-stamped years later (a DOI
    # added): the listing day stays the announcement day either way.
    text = ARXIV_FORMAT.read_text(encoding="utf-8")
    original, restamped = tmp_path / "harvest.xml", tmp_path / "harvest-restamped.xml"
    original.write_text(text, encoding="utf-8")
    restamped.write_text(
        text.replace("<datestamp>2017-12-14</datestamp>", "<datestamp>2023-05-02</datestamp>"),
        encoding="utf-8",
    )
    before, _ = read(original)
    after, _ = read(restamped)
    assert [r.listing_day for r in before] == [r.listing_day for r in after]
    assert all(r.listing_day.year == 2017 for r in after)


def test_the_schedule_around_the_deadline_and_the_weekend() -> None:
    gmt = dt.UTC
    # 13:59 Eastern on a Monday makes that day's deadline (Tuesday's listing); 14:00 does not.
    assert listing_day(dt.datetime(2026, 1, 5, 18, 59, tzinfo=gmt)) == dt.date(2026, 1, 6)
    assert listing_day(dt.datetime(2026, 1, 5, 19, 0, tzinfo=gmt)) == dt.date(2026, 1, 7)
    # Thursday after the deadline and Friday before it are both in Monday's listing.
    assert listing_day(dt.datetime(2026, 1, 1, 20, 0, tzinfo=gmt)) == dt.date(2026, 1, 5)
    assert listing_day(dt.datetime(2026, 1, 2, 15, 0, tzinfo=gmt)) == dt.date(2026, 1, 5)
    # A Saturday submission waits for Monday's deadline: Tuesday.
    assert listing_day(dt.datetime(2026, 1, 3, 12, 0, tzinfo=gmt)) == dt.date(2026, 1, 6)
    # Summer time: 14:00 Eastern is 18:00 GMT.
    assert listing_day(dt.datetime(2025, 6, 2, 17, 59, tzinfo=gmt)) == dt.date(2025, 6, 3)
    assert listing_day(dt.datetime(2025, 6, 2, 18, 0, tzinfo=gmt)) == dt.date(2025, 6, 4)


def test_author_lists_with_affiliations_split_into_names() -> None:
    assert split_authors("A. One (MIT, Cambridge (MA)), B. Two and\n  C. Three") == (
        "A. One",
        "B. Two",
        "C. Three",
    )
    assert split_authors("A. One, B. Two, and C. Three") == ("A. One", "B. Two", "C. Three")


def test_an_oai_error_answer_is_an_error_and_no_records_match_is_an_empty_day(
    tmp_path: Path,
) -> None:
    # Written here in the OAI-PMH 2.0 shape, for the error arXiv gives an expired token.
    expired = tmp_path / "2026-01-06.xml"
    expired.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        '<responseDate>2026-01-10T10:00:00Z</responseDate><request verb="ListRecords">http://export.arxiv.org/oai2</request>'
        '<error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>\n',
        encoding="utf-8",
    )
    records, problems = read(expired)
    assert records == []
    (error,) = problems.errors
    assert error.place == "<error code=badResumptionToken>"
    assert "invalid or expired" in error.message and "digest fetch --from/--to" in error.message


@needs_shared
def test_every_real_oai_sample_reads_with_counts() -> None:
    counts = {}
    for path in sorted(SHARED.glob("*.xml")):
        records, problems = read(path)
        assert problems.items == [], path.name
        counts[path.name.split("_")[0]] = counts.get(path.name.split("_")[0], 0) + len(records)
        assert all(r.title and r.abstract and r.arxiv_id for r in records), path.name
    # noRecordsMatch is arXiv's own error answer for an empty range: zero papers, no error.
    assert counts == {
        "AtomikLabs": 5,
        "inspirehep": 3,
        "inveniosoftware": 197,
        "litpuvn": 387,
        "mispy-archive": 1000,
    }
