"""bioRxiv/medRxiv and OpenReview: their answers read with every field, fetched from a
real HTTP server on 127.0.0.1 (paging, faults), and papers without an arXiv id merged by
DOI, with their arXiv twin when it names the DOI.

The served bioRxiv answers are built from real records (../shared/data/samples, copied
to tests/fixtures/formats): the ``collection`` records as medrxivr saved them, wrapped in
the ``messages`` block api.biorxiv.org sends (its documented shape: status, interval,
cursor, count, count_new_papers, total). OpenReview: real API v1 notes of a NeurIPS 2018
workshop from ../shared (their repository states no licence, so they are not copied
here), the same notes in API v2's shape (each content field as ``{"value": ...}``), and
for the fetch, two notes written here by hand in that shape.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO
from test_fetch import Answer, configure, run, server  # noqa: F401 (the server fixture)

from digest.catalog.merge import group_sightings, merge
from digest.ingest.normalize import to_paper
from digest.ingest.readers import ListingContext, read_listing
from digest.model import Origin, Record
from digest.problems import Problems

FORMATS = FIXTURES / "formats"
BIORXIV = (
    FORMATS
    / "thegraphnetwork-literev_es-journals_DERIVED_biorxiv-details-collection_2013-01-01_2013-11-07.json"
)
MEDRXIV = (
    FORMATS
    / "thegraphnetwork-literev_es-journals_DERIVED_medrxiv-details-collection_2019-01-01_2019-06-25.json"
)
OPENREVIEW_V1 = (
    REPO.parent
    / "shared/data/samples/openreview-api/ErikBird_OpenReviewCrawler_example_output_API-v1-notes_NIPS2018-workshop.json"
)
HAND_MADE_NOTES = [
    {
        "id": f"note{number}",
        "forum": f"note{number}",
        "cdate": 1727740800000,
        "pdate": 1727740800000,
        "invitations": ["ICLR.cc/2025/Conference/-/Submission"],
        "content": {
            "title": {"value": title},
            "authors": {"value": ["Ada Lovelace", "Alan Turing"]},
            "abstract": {"value": "We study a question."},
            "keywords": {"value": ["pruning"]},
            "venue": {"value": "ICLR 2025 Poster"},
            "pdf": {"value": f"/pdf/{number}.pdf"},
        },
    }
    for number, title in ((1, "Pruning at initialization"), (2, "Sparse training, revisited"))
]


def read(path: Path, fallback: dt.date | None = None) -> tuple[list[Record], Problems, str | None]:
    problems = Problems()
    result = read_listing(ListingContext(path, path.name, fallback), problems)
    return result.records, problems, result.format


def _answer(records: list[dict], day: str, cursor: int = 0, total: int | None = None) -> bytes:
    message = {
        "status": "ok",
        "category": "all",
        "interval": f"{day}:{day}",
        "funder": "all",
        "cursor": cursor,
        "count": len(records),
        "count_new_papers": str(len(records)),
        "total": str(total if total is not None else len(records)),
    }
    return json.dumps({"messages": [message], "collection": records}).encode()


def _v2(notes: list[dict]) -> list[dict]:
    wrapped = []
    for note in notes:
        note = copy.deepcopy(note)
        note["content"] = {name: {"value": value} for name, value in note["content"].items()}
        note["pdate"] = note["cdate"]
        wrapped.append(note)
    return wrapped


def test_biorxiv_and_medrxiv_records_read_with_doi_version_and_journal_doi() -> None:
    records, problems, form = read(BIORXIV)
    assert form == "biorxiv-api" and problems.items == [] and len(records) == 8
    first = records[0]
    assert first.source == "biorxiv" and first.listing_day == dt.date(2013, 11, 7)
    assert first.doi == "10.1101/000109" and first.announce_type == "new"
    assert first.authors[:2] == ("Yaniv Brandvain", "Amanda M Kenney")
    assert first.journal_ref == "doi:10.1371/journal.pgen.1004410"  # published in PLoS Genetics
    assert first.tags == ("Evolutionary Biology",)
    assert first.links.abstract == "https://www.biorxiv.org/content/10.1101/000109v1"
    assert first.links.labelled()[0][0] == "bioRxiv"  # the card's link says where it goes
    assert sum(1 for r in records if r.journal_ref) == 7  # one says "NA": not published
    medrxiv, problems, _ = read(MEDRXIV)
    assert (
        problems.items == [] and len(medrxiv) == 18 and {r.source for r in medrxiv} == {"medrxiv"}
    )
    assert medrxiv[0].links.abstract.startswith("https://www.medrxiv.org/content/10.1101/19000109v")


@pytest.mark.skipif(not OPENREVIEW_V1.is_file(), reason="needs ../shared/data/samples (CI has it)")
def test_openreview_notes_read_in_api_v1_and_v2_shapes(tmp_path: Path) -> None:
    records, problems, form = read(OPENREVIEW_V1)
    assert form == "openreview-api" and problems.items == [] and len(records) == 2
    dropout = records[0]
    assert dropout.title == "Targeted Dropout" and dropout.authors[-1] == "Geoffrey E. Hinton"
    assert dropout.listing_day == dt.date(2018, 10, 20)  # its cdate: 1540035843524 ms
    assert dropout.journal_ref == "decision: accept"  # from the Decision note among its replies
    assert dropout.links.abstract == "https://openreview.net/forum?id=HkghWScuoQ"
    assert dropout.links.labelled()[0][0] == "OpenReview"
    assert (
        dropout.links.pdf
        == "https://openreview.net/pdf/1e9b22c08d7651c60362b60af660c1f92d304b7c.pdf"
    )
    pruning = records[1]
    assert pruning.tags[:2] == ("Network Pruning", "Network Compression")
    assert pruning.ai_summary and pruning.ai_summary.startswith("In network pruning, fine-tuning")
    notes = json.loads(OPENREVIEW_V1.read_text(encoding="utf-8"))[0]["submissions"]
    v2 = tmp_path / "venue.json"
    v2.write_text(json.dumps({"notes": _v2(notes), "count": len(notes)}), encoding="utf-8")
    again, problems, form = read(v2)
    assert form == "openreview-api" and problems.items == []
    assert [(r.title, r.authors, r.listing_day, r.tags) for r in again] == [
        (r.title, r.authors, r.listing_day, r.tags) for r in records
    ]


def test_a_biorxiv_week_is_fetched_page_by_page_through_faults(digest_dir: Path, server) -> None:  # noqa: F811
    recorded, base = server
    configure(
        digest_dir,
        base,
        huggingface=False,
        arxiv_categories=[],
        biorxiv_servers=["biorxiv"],
        biorxiv_url=base,
    )
    collection = json.loads(BIORXIV.read_text(encoding="utf-8"))
    day = "2013-11-07"
    recorded.routes = {
        # 100 a page in real life; the server here pages by 5, with a 503 and a cut answer.
        f"/details/biorxiv/{day}/{day}/0": [
            Answer(503, b"busy", (("Retry-After", "2"),)),
            Answer(body=_answer(collection[:5], day, 0, 8)),
        ],
        f"/details/biorxiv/{day}/{day}/5": [Answer(body=_answer(collection[5:], day, 5, 8))],
        "/details/biorxiv/2013-11-08/2013-11-08/0": [
            Answer(
                body=json.dumps(
                    {"messages": [{"status": "no posts found"}], "collection": []}
                ).encode()
            )
        ],
        "/details/biorxiv/2013-11-09/2013-11-09/0": [
            Answer(body=b'{"messages": [{"status": "ok", "total": "3"')
        ],
    }
    report, sleeps = run(digest_dir, start=dt.date(2013, 11, 7), end=dt.date(2013, 11, 9))
    assert [(o.source, str(o.day), o.result, o.papers) for o in report.outcomes] == [
        ("biorxiv", "2013-11-07", "new", 8),
        ("biorxiv", "2013-11-08", "empty", 0),
        ("biorxiv", "2013-11-09", "failed", 0),
    ]
    assert "cut or damaged" in report.outcomes[2].error
    assert 2.0 in sleeps
    written = digest_dir / "listings/biorxiv/2013-11-07.json"
    records, problems, _ = read(written)
    assert problems.items == [] and [r.doi for r in records] == [item["doi"] for item in collection]
    assert not (digest_dir / "listings/biorxiv/2013-11-09.json").exists()


def test_an_openreview_venue_is_fetched_once_and_a_refetch_writes_nothing(
    digest_dir: Path,
    server,  # noqa: F811
) -> None:
    recorded, base = server
    venue = "NIPS.cc/2018/Workshop/CDNNRIA"
    configure(
        digest_dir,
        base,
        huggingface=False,
        arxiv_categories=[],
        openreview_venues=[venue],
        openreview_url=base,
    )
    notes = HAND_MADE_NOTES
    path = "/notes?content.venueid=NIPS.cc%2F2018%2FWorkshop%2FCDNNRIA&details=replies&limit=1000&offset=0"
    recorded.routes = {
        path: [
            Answer(body=b"<!DOCTYPE html><html>Bad gateway</html>"),
            Answer(body=json.dumps({"notes": notes, "count": 2}).encode()),
        ]
    }
    report, _ = run(digest_dir, sources={"openreview"})
    assert [(o.source, o.result, o.papers) for o in report.outcomes] == [
        ("openreview/" + venue, "failed", 0)
    ]
    assert "HTML page" in report.outcomes[0].error
    report, _ = run(digest_dir, sources={"openreview"})
    assert [(o.result, o.papers) for o in report.outcomes] == [("new", 2)]
    written = digest_dir / "listings/openreview/NIPS.cc-2018-Workshop-CDNNRIA.json"
    records, problems, _ = read(written)
    assert problems.items == [] and [r.journal_ref for r in records] == ["ICLR 2025 Poster"] * 2
    assert {r.listing_day for r in records} == {dt.date(2024, 10, 1)}  # their pdate
    before = written.stat().st_mtime_ns
    report, _ = run(digest_dir, sources={"openreview"})
    assert [o.result for o in report.outcomes] == [
        "unchanged"
    ] and written.stat().st_mtime_ns == before


def _record(
    source: str, title: str, day: int, arxiv_id: str | None = None, doi: str | None = None
) -> Record:
    return Record(
        origin=Origin(f"{source}.json", "item 1"),
        source=source,
        listing_day=dt.date(2026, 3, day),
        rank=1,
        title=title,
        arxiv_id=arxiv_id,
        doi=doi,
    )


def test_papers_without_an_arxiv_id_merge_by_doi_and_join_their_arxiv_twin() -> None:
    sightings = [
        to_paper(_record("biorxiv", "Cell atlas of the fly", 2, doi="10.1101/2026.03.01.123456")),
        to_paper(
            _record(
                "curator",
                "Cell Atlas of the Fly (preprint)",
                3,
                doi="10.1101/2026.03.01.123456".upper(),
            )
        ),
        # The arXiv twin names the bioRxiv DOI: one paper, keyed on its arXiv id.
        to_paper(
            _record(
                "arxiv",
                "A cell atlas of the fly",
                4,
                arxiv_id="2603.01234",
                doi="10.1101/2026.03.01.123456",
            )
        ),
        # Another paper with another DOI stays apart.
        to_paper(_record("biorxiv", "Cell atlas of the worm", 2, doi="10.1101/2026.03.01.999999")),
    ]
    assert sightings[0].key == sightings[1].key == "doi:10.1101/2026.03.01.123456"
    groups = group_sightings(sightings)
    assert sorted(len(g) for g in groups) == [1, 3]
    fly = merge(next(g for g in groups if len(g) == 3))
    assert fly.key == "arxiv:2603.01234" and fly.arxiv_id == "2603.01234"
    assert [a.source for a in fly.appearances] == ["biorxiv", "curator", "arxiv"]
