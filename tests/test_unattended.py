"""The daily run is unattended: no listing, library file, fetched answer, snapshot line or
cache file can stop it with a traceback, make it run code, or send it inside the network.

Each attack is made here, small, as the review that found it made it (a 2 KB nested JSON,
a version dated 9999-12-31, a chain of BibTeX macros, a planted pickle, a redirect to
another address of the machine, a resumptionToken that comes back): each costs one line
that names the file and place, and the rest of the run goes on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED, tree_digest
from test_arxiv_backfill import RAW_PAGE
from test_fetch import HF_DAY, RSS_DAY, TODAY, Answer, configure, hf, run, server  # noqa: F401

from digest.cli import main
from digest.incremental.data_codec import Codec, CodecError
from digest.incremental.store import read_sealed, write_sealed
from digest.ingest.readers import ListingContext, read_listing
from digest.model import Origin
from digest.problems import Problems

NESTED_JSON = "[" * 1000 + "]" * 1000  # 2 KB
NESTED_BIB = "@article{deep, title = " + "{" * 100 + "Deep" + "}" * 100 + "}\n"
MACRO_CHAIN = (
    '@string{a0 = "xxxxxxxxxx"}\n'
    + "".join(f"@string{{a{n} = a{n - 1} # a{n - 1}}}\n" for n in range(1, 40))
    + "@article{chained, title = a39}\n@article{fine, title = {A Fine Paper}}\n"
)  # under a kilobyte; bibtexparser alone grew to 3.2 GB on it


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["check", "-C", str(root)])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_a_nested_json_listing_is_one_line_and_the_others_are_read(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(SEED, digest_dir / "listings")
    (digest_dir / "listings" / "2025-03-12-nested.json").write_text(NESTED_JSON, encoding="utf-8")
    (digest_dir / "listings" / "2025-03-13-deep.bib").write_text(NESTED_BIB, encoding="utf-8")
    status, out = check(digest_dir, capsys)
    assert status == 1
    assert "Traceback" not in out
    assert (
        "error: listings/2025-03-12-nested.json: nested too deeply (brackets or braces inside "
        "each other hundreds of times); nothing of the file was read: it is damaged or not a "
        "listing, take it again from its source or remove it"
    ) in out
    assert (
        "warning: listings/2025-03-13-deep.bib: line 1: an entry whose braces are unbalanced "
        "or nested over 16 deep; skipped: check its braces"
    ) in out
    assert "listings/2025-03-11-hf-trending.txt: hf-papers-text, 86 papers" in out


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "# picks\npapers: " + "[" * 3000 + "]" * 3000 + "\n",
            "line 2: not valid YAML (lists or mappings nested too deeply (brackets over 32 deep))",
        ),
        # Nested by indentation instead, hundreds deep: PyYAML's parser recurses.
        (
            "papers:\n" + "- " * 2000 + "x\n",
            "not valid YAML (lists or mappings nested too deeply (hundreds of levels))",
        ),
    ],
)
def test_nested_yaml_in_curation_is_a_message(
    digest_dir: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    (digest_dir / "curation.yml").write_text(text)
    status, out = check(digest_dir, capsys)
    assert status == 1 and "Traceback" not in out
    assert f"error: curation.yml: {said}" in out


def test_a_hand_kept_list_of_deep_brackets_is_refused_at_its_line_and_the_rest_read(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PyYAML's scanner costs each token as many steps as the brackets open around it: a
    hand-kept list of lines nested 300 deep took 47 ms a kilobyte (a listing at its 32 MB
    bound, half an hour). Brackets over 32 deep are refused where they open."""
    shutil.copy(SEED, digest_dir / "listings")
    deep = "- title: " + "[" * 300 + "x" + "]" * 300 + "\n"
    (digest_dir / "listings" / "2025-03-12-hand.yml").write_text(
        "papers:\n- title: A fine paper\n  arxiv: 2401.01234\n" + deep * 2000, encoding="utf-8"
    )
    status, out = check(digest_dir, capsys)
    assert status == 1 and "Traceback" not in out
    assert (
        "error: listings/2025-03-12-hand.yml: line 4: not valid YAML (lists or mappings nested "
        "too deeply (brackets over 32 deep)); fix the line shown"
    ) in out
    assert "listings/2025-03-11-hf-trending.txt: hf-papers-text, 86 papers" in out
    # As deep as a real list nests, and deeper than any does, reads as before.
    (digest_dir / "listings" / "2025-03-12-hand.yml").write_text(
        "papers:\n- title: A fine paper\n  arxiv: 2401.01234\n  authors: "
        + "[" * 31
        + "Ada"
        + "]" * 31
        + "\n",
        encoding="utf-8",
    )
    status, out = check(digest_dir, capsys)
    assert "2025-03-12-hand.yml: curator-yaml, 1 paper" in out, out


def _peak_child_mb(args: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    done = subprocess.run(
        [sys.executable, "-m", "digest", *args], capture_output=True, text=True, timeout=300
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # The largest child so far (this one, unless an earlier child was larger: then the
    # bound is checked against more than this run, never less).
    return done, peak / 1024


def test_a_macro_chain_in_bibtex_stays_small_and_the_rest_is_read(digest_dir: Path) -> None:
    (digest_dir / "listings" / "2025-03-12-picks.bib").write_text(MACRO_CHAIN, encoding="utf-8")
    done, peak_mb = _peak_child_mb(["check", "-C", str(digest_dir)])
    assert "Traceback" not in done.stderr
    assert peak_mb < 1024
    out = done.stdout + done.stderr
    assert (
        "warning: listings/2025-03-12-picks.bib: line 11: @string a10 stands for 11,264 "
        "characters once expanded, over the 10,000 a macro may; read as empty"
    ) in out
    assert "listings/2025-03-12-picks.bib: zotero, 1 paper" in out  # the fine one


def test_an_unclosed_bibtex_entry_is_named_and_the_entries_after_it_read(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "@article{one, title = {First}}\n"
        "@article{broken, title = {" + "x" * 5_000_000 + "\n"
        "@article{two, title = {Second}}\n"
    )
    (digest_dir / "listings" / "2025-03-12-picks.bib").write_text(text, encoding="utf-8")
    status, out = check(digest_dir, capsys)
    assert (
        "warning: listings/2025-03-12-picks.bib: line 2: an entry that never closes (a missing "
        "'}'), or over 200,000 characters; skipped: check its braces"
    ) in out
    assert "listings/2025-03-12-picks.bib: zotero, 2 papers" in out
    assert status == 0


def test_entry_heads_that_never_close_are_joined_by_their_bound_and_said(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line that opens an entry and never closes it, thousands of times over (one line
    of a real export, repeated): lines are joined to the entry before them up to its
    bound of 200,000 characters, and each joined entry is skipped as one, named by its
    first line; the entries after them are read. Joining counted each entry's braces
    again at every line joined (44 CPU s for 2.3 MB; now 0.15 s, bench/RESULTS.md)."""
    head = "@inproceedings{lvOrthoticBodyweightSupport2015,\n"  # zjiefu's BetterBibLaTeX
    lines_per_entry = 200_000 // len(head) + 1  # joined while under the bound
    text = (
        "@article{one, title = {First}}\n"
        + head * (2 * lines_per_entry)
        + "@article{two, title = {Second}}\n@article{three, title = {Third}}\n"
    )
    (digest_dir / "listings" / "2025-03-12-picks.bib").write_text(text, encoding="utf-8")
    status, out = check(digest_dir, capsys)
    said = "an entry whose braces are unbalanced or nested over 16 deep; skipped: check its braces"
    assert [line for line in out.splitlines() if said in line] == [
        f"warning: listings/2025-03-12-picks.bib: line {2 + n * lines_per_entry}: {said}"
        for n in range(2)
    ]
    assert "listings/2025-03-12-picks.bib: zotero, 3 papers" in out
    assert status == 0


def test_too_many_bibtex_entries_are_cut_and_said(tmp_path: Path) -> None:
    from digest.ingest.bibtex_bounds import MAX_ENTRIES, bounded_bibtex

    text = "".join(f"@article{{k{n}, title = {{Paper {n}}}}}\n" for n in range(MAX_ENTRIES + 5))
    problems = Problems()
    kept = bounded_bibtex(text, "big.bib", problems)
    assert kept.count("@article") == MAX_ENTRIES
    assert [str(p) for p in problems.items] == [
        f"warning: big.bib: line {MAX_ENTRIES + 1}: over {MAX_ENTRIES:,} entries; the 5 from "
        "here on are not read: split the file"
    ]


def _oai_with_a_version_in_9999(tmp_path: Path) -> Path:
    first = RAW_PAGE.index("<date>")
    end = RAW_PAGE.index("</date>", first)
    text = RAW_PAGE[:first] + "<date>Fri, 31 Dec 9999 23:59:59 GMT" + RAW_PAGE[end:]
    path = tmp_path / "2014-01-16-oai.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_version_dated_9999_neither_crashes_nor_places_a_paper_in_9999(tmp_path: Path) -> None:
    path = _oai_with_a_version_in_9999(tmp_path)
    problems = Problems()
    result = read_listing(ListingContext(path, path.name, None), problems)
    assert result.format == "arxiv-oai"
    assert len(result.records) >= 59  # the record's other versions still place it
    assert all(r.listing_day.year < 2100 for r in result.records)
    assert not [p for p in problems.errors if "9999" in p.message]


def test_snapshot_lines_dated_9999_or_nested_are_named_and_the_rest_filed(
    digest_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_arxiv_snapshot import MONDAY, _digest, line

    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(
        line("2601.00001", "cs.LG", MONDAY)
        + line("2601.00002", "cs.LG", "Fri, 31 Dec 9999 23:59:59 GMT")
        + '["cs.LG", '
        + "[" * 5000
        + "]" * 5000
        + "]\n"
        + "[[[ cs.LG\n"
        + '{"id": "2601.00009", "categories": "cs.LG", "abstract": "'
        + "x" * (50 << 20)
        + '"}\n'
        + line("2601.00003", "cs.LG", MONDAY),
        encoding="utf-8",
    )
    root = _digest(digest_dir, "[cs.LG]")
    assert main(["import-snapshot", "-C", str(root), str(snapshot)]) == 0
    err = capsys.readouterr().err
    for number in (2, 3, 4, 5):
        assert (
            f"{snapshot}: line {number}: not a paper the import can read (damaged JSON or no "
            "versions); skipped"
        ) in err
    day = root / "listings/arxiv-snapshot/2026-01-06.jsonl"
    ids = [json.loads(text)["id"] for text in day.read_text(encoding="utf-8").splitlines()]
    assert ids == ["2601.00001", "2601.00003"]
    assert main(["check", "-q", "-C", str(root)]) == 0


def test_import_writes_no_day_file_the_build_would_refuse(
    digest_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_arxiv_snapshot import MONDAY, _digest, line

    # 40 papers of 0.9 MB each: every line is within bounds, their day is not.
    big = "y" * (900 << 10)
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(
        "".join(line(f"2601.{n:05d}", "cs.LG", MONDAY, title=f"T{n} {big}") for n in range(40)),
        encoding="utf-8",
    )
    root = _digest(digest_dir, "[cs.LG]")
    assert main(["import-snapshot", "-C", str(root), str(snapshot)]) == 1
    err = capsys.readouterr().err
    assert (
        "listings/arxiv-snapshot/2026-01-06.jsonl: not written, the build could not read it: "
        "file is 35 MB, over the 32 MB a listing may have; split it by day"
    ) in err
    assert not (root / "listings/arxiv-snapshot/2026-01-06.jsonl").exists()
    assert main(["check", "-q", "-C", str(root)]) == 0


def test_a_nested_answer_fails_its_source_and_the_others_run(digest_dir: Path, server) -> None:  # noqa: F811
    recorded, base = server
    configure(digest_dir, base, days=1, arxiv_categories=["cs.LG"])
    recorded.routes = {
        hf("2026-08-22"): [Answer(body=NESTED_JSON.encode())],
        "/rss/cs.LG": [Answer(body=RSS_DAY)],
    }
    report, _ = run(digest_dir)
    outcomes = {o.source: (o.result, o.error) for o in report.outcomes}
    assert outcomes["huggingface"] == (
        "failed",
        "JSON nested hundreds deep: not an answer of this source; not written",
    )
    assert outcomes["arxiv/cs.LG"][0] == "new"
    log = json.loads((digest_dir / "listings/.fetch-log.json").read_text(encoding="utf-8"))
    assert log["huggingface"]["2026-08-22"]["result"] == "failed"
    assert not (digest_dir / "listings/huggingface").exists()


@pytest.mark.parametrize(
    ("location", "refusal"),
    [
        (
            "http://127.0.0.2:{port}/api",
            "redirected to 127.0.0.2, another site than 127.0.0.1; not followed (point the source's URL in digest.yml at where it moved, if it did)",
        ),
        (
            "http://169.254.169.254/latest/meta-data/",
            "redirected to 169.254.169.254, another site than 127.0.0.1; not followed (point the source's URL in digest.yml at where it moved, if it did)",
        ),
        ("ftp://127.0.0.1/papers.json", "redirected to a ftp: address; not followed"),
        ("http://127.0.0.1:1/api", "redirected to port 1 of 127.0.0.1; not followed"),
    ],
)
def test_redirects_stay_where_fetch_was_pointed(
    digest_dir: Path,
    server,  # noqa: F811
    location: str,
    refusal: str,
) -> None:
    recorded, base = server
    port = base.rsplit(":", 1)[1]
    configure(digest_dir, base, days=1, arxiv_categories=[])
    recorded.routes = {
        hf("2026-08-22"): [Answer(302, b"", (("Location", location.format(port=port)),))],
    }
    report, _ = run(digest_dir)
    assert [(o.result, o.error) for o in report.outcomes] == [("failed", refusal)]
    assert len(recorded.requests) == 1  # refused at once, not retried
    assert not (digest_dir / "listings/huggingface").exists()


def test_a_redirect_on_the_same_host_is_followed(digest_dir: Path, server) -> None:  # noqa: F811
    recorded, base = server
    configure(digest_dir, base, days=1, arxiv_categories=[])
    recorded.routes = {
        hf("2026-08-22"): [Answer(301, b"", (("Location", f"{base}/moved"),))],
        "/moved": [Answer(body=HF_DAY)],
    }
    report, _ = run(digest_dir)
    assert [o.result for o in report.outcomes] == ["new"]


def test_a_redirect_loop_ends_after_a_few_hops(digest_dir: Path, server) -> None:  # noqa: F811
    recorded, base = server
    configure(digest_dir, base, days=1, arxiv_categories=[])
    recorded.routes = {
        hf("2026-08-22"): [Answer(302, b"", (("Location", f"{base}/a"),))],
        "/a": [Answer(302, b"", (("Location", f"{base}/b"),))],
        "/b": [Answer(302, b"", (("Location", f"{base}/a"),))],
    }
    report, _ = run(digest_dir)
    assert [(o.result, o.error) for o in report.outcomes] == [
        ("failed", "more than 4 redirects; not followed")
    ]
    assert len(recorded.requests) <= 6


OAI_HEAD = RAW_PAGE[: RAW_PAGE.index("<record>")]
FIRST_CS_PAGE = "/oai?verb=ListRecords&metadataPrefix=arXivRaw&set=cs&from=2026-01-04"


def _harvest_cs(digest_dir: Path, base: str) -> None:
    """A digest that backfills cs.IT from the test server's OAI-PMH, without pauses."""
    configure(
        digest_dir,
        base,
        arxiv_oai_url=base + "/oai",
        arxiv_categories=["cs.IT"],
        huggingface=False,
        arxiv_delay=0,
    )


def test_a_resumption_token_seen_before_ends_the_harvest(digest_dir: Path, server) -> None:  # noqa: F811
    recorded, base = server
    _harvest_cs(digest_dir, base)
    page = (
        OAI_HEAD
        + "<resumptionToken cursor='0'>same|1</resumptionToken>\n</ListRecords>\n</OAI-PMH>\n"
    ).encode()
    recorded.routes = {
        FIRST_CS_PAGE: [Answer(body=page)],
        "/oai?verb=ListRecords&resumptionToken=same%7C1": [Answer(body=page)],
    }
    report, _ = run(digest_dir, start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 9))
    assert {o.error for o in report.outcomes} == {
        "the resumptionToken 'same|1' came back a second time after 2 pages; the harvest of cs stopped there"
    }
    assert len(recorded.requests) == 2


def test_a_dtd_in_an_oai_answer_is_refused_at_once(digest_dir: Path, server) -> None:  # noqa: F811
    recorded, base = server
    _harvest_cs(digest_dir, base)
    evil = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">&a;</OAI-PMH>\n'
    recorded.routes = {FIRST_CS_PAGE: [Answer(body=evil)]}
    report, _ = run(digest_dir, start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 9))
    errors = {o.error for o in report.outcomes}
    assert errors == {
        f"an answer with a DOCTYPE or entity declarations from {base}{FIRST_CS_PAGE}; refused (they "
        "can expand without bound or read files), not asked again"
    }
    assert len(recorded.requests) == 1


class _Planted:
    """What an attacker pickles: loading it runs a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


@pytest.mark.slow
def test_a_planted_cache_file_is_rebuilt_never_run(tmp_path: Path) -> None:
    from conftest import copy_digest

    warm = copy_digest(tmp_path / "warm")
    assert main(["build", "-q", "-C", str(warm)]) == 0
    marker = tmp_path / "ran"
    kept = warm / ".digest"
    planted = [
        kept / "ranking.json",
        kept / "ranking-days.json",
        *sorted((kept / "listings").iterdir())[:1],
        *sorted((kept / "topics").iterdir())[:1],
    ]
    assert all(read_sealed(path) is not None for path in planted)  # the stores are there
    for path in planted:
        write_sealed(path, pickle.dumps(_Planted(marker)))  # sealed, as anyone can
    # And a file of the ranking memory's format (a line of lengths, then the JSON) naming
    # a callable rather than a kept type.
    text = json.dumps(["C", "posix.system", f"touch {marker}"]).encode()
    write_sealed(kept / "ranking.json", b"%d\n%s" % (len(text), text))
    assert main(["build", "-q", "-C", str(warm)]) == 0
    assert not marker.exists()
    cold = copy_digest(tmp_path / "cold")
    assert main(["build", "-q", "-C", str(cold)]) == 0
    assert tree_digest(warm / "site") == tree_digest(cold / "site")


def test_the_codec_reads_back_only_declared_types() -> None:
    codec = Codec((Origin,))
    value = {
        "a": (Origin("f", "line 1"), dt.date(2025, 3, 11), b"\x00", frozenset({1}), [1.5, None])
    }
    assert codec.loads(codec.dumps(value)) == value
    for planted in (
        b'["C", "Paper", "x"]',  # a type this store does not keep
        b'["C", "Origin", "f"]',  # fields missing
        b'["n", "|O", [1], "AA=="]',  # an object array
        b'{"__reduce__": 1}',
        # Inside a value: a JSON object, an empty or untagged array, an unknown tag.
        b'["t", {"0": 1}]',
        b'["t", []]',
        b'["l", [["t"], 1]]',
        b'["t", ["zz", 1]]',
        b'["t", ' * 3000 + b'"x"' + b"]" * 3000,
        b"[" * 5000 + b"]" * 5000,
        pickle.dumps(_Planted(Path("/nonexistent"))),
    ):
        with pytest.raises(CodecError):
            codec.loads(planted)


def test_the_listing_store_reads_back_only_papers_and_runs_no_code() -> None:
    from dataclasses import FrozenInstanceError, dataclass, field

    from digest.incremental.listing_cache import KeptReading
    from digest.incremental.typed_codec import TypedCodec
    from digest.model import Appearance, Links, Paper

    codec = TypedCodec(dict[str, KeptReading])
    origin = Origin("listings/2025-03-11.md", "line 4")
    paper = Paper(
        key="arxiv:2503.01234",
        title="A title",
        abstract="An abstract.",
        appearances=(Appearance(dt.date(2025, 3, 11), "hand", 1, origin),),
        authors=("A. Author",),
        links=Links(abstract="https://arxiv.org/abs/2503.01234"),
        published=dt.date(2025, 3, 10),
    )
    value = {"k": KeptReading("listings/2025-03-11.md", "markdown", 1, 1, [paper])}
    back = codec.loads(codec.dumps(value))
    assert back == value
    assert back["k"].papers[0].appearances[0].day == dt.date(2025, 3, 11)
    with pytest.raises(FrozenInstanceError):
        back["k"].papers[0].title = "changed"  # type: ignore[misc]
    for planted in (
        b'{"k": {"display": 1}}',  # a field of another type
        b'{"k": {"display": "x", "papers": [{"key": "k"}]}}',  # a paper without its fields
        b'{"k": {"display": "x", "days": ["2025-13-45"]}}',
        b'{"k": ["C", "posix.system", "touch /tmp/x"]}',
        b'{"k": ' * 3000 + b"1" + b"}" * 3000,
        b"[" * 5000 + b"]" * 5000,
        pickle.dumps(_Planted(Path("/nonexistent"))),
    ):
        with pytest.raises(CodecError):
            codec.loads(planted)

    @dataclass
    class Runs:
        items: list[int] = field(default_factory=list)

        def __post_init__(self) -> None:
            raise AssertionError("ran")

    with pytest.raises(TypeError, match="__post_init__"):
        TypedCodec(dict[str, list[Runs]])


def test_pick_keeps_the_files_mode_and_refuses_a_symlink(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (digest_dir / "listings" / "2025-03-12-reading.yml").write_text(
        'date: 2025-03-12\npapers:\n  - title: A paper\n    arxiv: "2503.07536"\n', encoding="utf-8"
    )
    curation = digest_dir / "curation.yml"
    curation.write_text('papers:\n  "2503.07536":\n    pin: true\n', encoding="utf-8")
    curation.chmod(0o664)
    assert main(["pick", "-q", "-C", str(digest_dir), "2503.07536", "--date", "2025-03-12"]) == 0
    assert curation.stat().st_mode & 0o777 == 0o664
    elsewhere = digest_dir / "kept-curation.yml"
    curation.rename(elsewhere)
    curation.symlink_to(elsewhere.name)
    before = elsewhere.read_bytes()
    assert main(["note", "-C", str(digest_dir), "2503.07536", "Read it."]) == 1
    assert (
        "a symbolic link; digest writes only regular files: put the file itself there"
        in capsys.readouterr().err
    )
    assert curation.is_symlink() and elsewhere.read_bytes() == before


def test_a_nested_library_file_is_one_line(tmp_path: Path) -> None:
    from digest.ingest.library import read_library

    path = tmp_path / "group.json"
    path.write_text(NESTED_JSON, encoding="utf-8")
    problems = Problems()
    assert read_library(path, "library/group.json", problems) == []
    assert [str(p) for p in problems.items] == [
        "error: library/group.json: nested too deeply (brackets or braces inside each other "
        "hundreds of times); nothing of the library file was read: export it again from "
        "Zotero, or remove it"
    ]


def test_the_status_page_never_calls_a_failed_fetch_new(tmp_path: Path) -> None:
    """Before: the newest fetch date over every log entry, failed ones included."""
    from digest.catalog.merge import Catalog
    from digest.site.status import source_statuses

    listings = tmp_path / "listings"
    listings.mkdir()
    (listings / ".fetch-log.json").write_text(
        json.dumps(
            {
                "huggingface": {
                    "2026-08-20": {"result": "ok", "papers": 17, "fetched": "2026-08-20"},
                    "2026-08-21": {
                        "result": "failed",
                        "papers": 0,
                        "fetched": "2026-08-22",
                        "error": "HTTP 503",
                    },
                    "2026-08-22": {"result": "empty", "papers": 0, "fetched": "2026-08-22"},
                }
            }
        ),
        encoding="utf-8",
    )
    (status,) = source_statuses(listings, Catalog((), ()))
    assert status.last_fetch == dt.date(2026, 8, 20)


def test_fetch_of_arxiv_without_categories_says_so(
    digest_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fetch", "-C", str(digest_dir), "--source", "arxiv"]) == 1
    assert capsys.readouterr().err == (
        "digest: --source arxiv, but fetch.arxiv_categories in digest.yml names no category; "
        "add some, e.g. arxiv_categories: [cs.LG, cs.CL]\n"
    )
