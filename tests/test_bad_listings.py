"""Damaged and hostile listings in every format: a clear problem naming the file, no crash,
no hang, and the build never half-written."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import FIXTURES

from digest.cli import main
from digest.ingest.readers import ListingContext, read_listing
from digest.problems import Problems

FORMATS = FIXTURES / "formats"


def problems_for(path: Path) -> list[str]:
    problems = Problems()
    read_listing(ListingContext(path, path.name, None), problems)
    return [str(p) for p in problems.items]


def test_truncated_json(tmp_path: Path) -> None:
    data = (FORMATS / "hfnewsletter_daily_papers_2024-05-27.json").read_bytes()
    truncated = tmp_path / "2024-05-27-hf.json"
    truncated.write_bytes(data[: len(data) // 2])
    (problem,) = problems_for(truncated)
    assert re.fullmatch(
        r"error: 2024-05-27-hf\.json: line \d+, column \d+: not valid JSON \(.+\); "
        r"the file is damaged or truncated, fetch it again",
        problem,
    ), problem


def test_html_that_is_not_a_listing(tmp_path: Path) -> None:
    page = tmp_path / "2025-06-04-page.html"
    page.write_text(
        "<!doctype html><html><body><h1>Login</h1><p>Please sign in.</p></body></html>",
        encoding="utf-8",
    )
    (problem,) = problems_for(page)
    assert problem.startswith(
        "error: 2025-06-04-page.html: no reader accepts this file; tried: arxiv-snapshot-jsonl ("
    )
    assert "hf-papers-text (text of a Hugging Face papers page copied from a browser)" in problem


def test_hugging_face_page_without_papers(tmp_path: Path) -> None:
    page = tmp_path / "2025-06-04-hf.html"
    page.write_text(
        '<!doctype html><html><body><div data-target="DailyPapers" data-props="{}"></div></body></html>',
        encoding="utf-8",
    )
    assert problems_for(page) == [
        "warning: 2025-06-04-hf.html: DailyPapers element: its data-props hold no paper list; reading the paper cards instead",
        "error: 2025-06-04-hf.html: an HTML page with no Hugging Face papers in it (no DailyPapers data, no paper cards); save the page from huggingface.co/papers",
    ]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title></item></channel></rss>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&secret;</title></entry></feed>
"""


@pytest.mark.parametrize(
    "text", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"]
)
def test_xml_with_a_doctype_is_refused_quickly(tmp_path: Path, text: str) -> None:
    listing = tmp_path / "2025-06-04-feed.xml"
    listing.write_text(text, encoding="utf-8")
    started = time.monotonic()
    found = problems_for(listing)
    assert time.monotonic() - started < 5  # a guard against a hang, not a benchmark
    assert found == [
        "error: 2025-06-04-feed.xml: XML with a DOCTYPE or entity declarations is refused (they can "
        "expand without bound or fetch files); save the feed as the server sent it, without a DOCTYPE"
    ]


def test_malformed_xml_names_line_and_column(tmp_path: Path) -> None:
    listing = tmp_path / "2025-06-04-feed.xml"
    listing.write_text(
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>x</item>\n',
        encoding="utf-8",
    )
    (problem,) = problems_for(listing)
    assert problem.startswith("error: 2025-06-04-feed.xml: line 2, column ")
    assert problem.endswith("the file is damaged or truncated, fetch it again")


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "2025-06-04-huge.json"
    with huge.open("wb") as handle:
        handle.write(b"[" + b" " * (50 * 1024 * 1024) + b"]")
    assert problems_for(huge) == [
        "error: 2025-06-04-huge.json: file is 50 MB, over the 32 MB a listing may have; split it by day"
    ]


def test_utf16_with_bom_is_read_and_latin1_is_reported(tmp_path: Path) -> None:
    utf16 = tmp_path / "2025-03-11-hf.txt"
    utf16.write_bytes("Mar 11\nA title\nAn abstract.\n".encode("utf-16"))
    assert problems_for(utf16) == []
    latin = tmp_path / "2025-03-12-hf.json"
    latin.write_bytes('[{"paper": {"id": "2401.00001", "title": "Caf\u00e9"}}]'.encode("latin-1"))
    assert problems_for(latin) == [
        "error: 2025-03-12-hf.json: line 1: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    ]


def test_json_items_that_are_not_papers_are_reported_by_index(tmp_path: Path) -> None:
    listing = tmp_path / "2025-03-11-hf.json"
    listing.write_text(
        '[{"paper": {"id": "2401.00001", "title": "Fine"}}, 7, "{not python}", {"paper": {"id": "2401.00002"}}]',
        encoding="utf-8",
    )
    assert problems_for(listing) == [
        "error: 2025-03-11-hf.json: item 1: not a paper object (nor the repr of one); skipped",
        "error: 2025-03-11-hf.json: item 2: not a paper object (nor the repr of one); skipped",
        "warning: 2025-03-11-hf.json: item 3: no title; skipped",
    ]


def test_check_prints_each_file_and_fails_on_an_error(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listings = digest_dir / "listings"
    shutil.copy(FORMATS / "rss_arxiv_org_cs.LG_2025-06-04.xml", listings / "rss.xml")
    shutil.copy(FORMATS / "arxiv_api_error_400.xml", listings / "2025-06-04-api.xml")
    assert main(["check", "-C", str(digest_dir)]) == 1
    captured = capsys.readouterr()
    assert "listings/rss.xml: arxiv-rss, 4 papers" in captured.out
    assert "listings/2025-06-04-api.xml: arxiv-atom, 0 papers" in captured.out
    assert (
        "2 listings (1 arxiv-atom, 1 arxiv-rss), 4 papers read, 1 error, 0 warnings" in captured.out
    )
    assert "error: listings/2025-06-04-api.xml: arXiv answered with an error" in captured.err
    # build refuses the same inputs, and writes nothing
    assert main(["build", "-C", str(digest_dir)]) == 1
    assert not (digest_dir / "site").exists()


def test_a_title_of_only_control_characters_is_skipped_with_a_warning(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = digest_dir / "listings" / "2025-03-11-hf.json"
    listing.write_text(
        '[{"paper": {"id": "2401.00001", "title": "\\u0001\\u0002", "summary": "x"}}]',
        encoding="utf-8",
    )
    assert main(["build", "-C", str(digest_dir), "--strict"]) == 1
    assert (
        "warning: listings/2025-03-11-hf.json: item 0: the title is empty once control characters are removed; skipped"
        in capsys.readouterr().err
    )
