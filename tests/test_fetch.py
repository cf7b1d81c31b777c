"""digest fetch against a real HTTP server on 127.0.0.1 serving recorded answers (the real
samples), with injected faults: 429 with Retry-After, 500, a hang, a cut body, HTML."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest
from conftest import FIXTURES, REPO, local_server

from digest.cli import main
from digest.config import load_config
from digest.ingest.fetch import fetch

FORMATS = FIXTURES / "formats"
HF_DAY = (FORMATS / "hfnewsletter_daily_papers_2026-08-21.json").read_bytes()
RSS_DAY = (FORMATS / "rss_arxiv_org_cs.LG_2025-06-04.xml").read_bytes()
RSS_EMPTY = (FORMATS / "qhduan_cn-chat-arxiv_cs.LG_2026-08-22_EMPTY.xml").read_bytes()
TODAY = dt.date(2026, 8, 22)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    cut: bool = False  # promise the whole body in Content-Length, send half, close
    drip: float = 0.0  # seconds between bytes: a server that never quite stops sending
    endless: bool = False  # no Content-Length, and the body never ends
    declared: str | None = None  # a Content-Length of its own (a lie)
    drip_headers: float = 0.0  # seconds between the bytes of the status line and headers


class Recorded:
    """Answers per path+query, served in turn (the last one repeats); requests are kept."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.requests: list[tuple[str, str]] = []

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        recorded = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorded.requests.append((self.path, self.headers.get("User-Agent", "")))
                answers = recorded.routes.get(self.path) or [Answer(404, b"not found")]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                time.sleep(answer.delay)
                if answer.drip_headers:
                    head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"z" * 300 + b"\r\n\r\n"
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        for byte in head:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(answer.drip_headers)
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                if not answer.endless:
                    self.send_header("Content-Length", answer.declared or str(len(answer.body)))
                self.end_headers()
                # The client may have given up first (the hang past its timeout).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if answer.endless:
                        self._endless()
                    elif answer.drip:
                        self._drip(answer)
                    else:
                        self.wfile.write(
                            answer.body[: len(answer.body) // 2] if answer.cut else answer.body
                        )
                if answer.cut or answer.endless or answer.declared:
                    self.close_connection = True

            def _endless(self) -> None:
                chunk = b"[" + b" " * (1 << 16)
                started = time.monotonic()
                # Bounded so a broken client cannot keep the test server going.
                for _ in range(50_000):
                    self.wfile.write(chunk)
                    if time.monotonic() - started > 30:
                        return

            def _drip(self, answer: Answer) -> None:
                for byte in answer.body[:200]:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(answer.drip)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def server() -> Iterator[tuple[Recorded, str]]:
    recorded = Recorded()
    with local_server(recorded.handler()) as base:
        yield recorded, base


def configure(digest_dir: Path, base: str, **fetch: object) -> None:
    settings = {
        "huggingface_url": base,
        "arxiv_rss_url": base,
        "arxiv_categories": ["cs.LG", "cs.CL"],
        "days": 2,
        "timeout": 1,
        "attempts": 3,
        "backoff": 0.5,
        "arxiv_delay": 3,
        **fetch,
    }
    text = (digest_dir / "digest.yml").read_text(encoding="utf-8")
    (digest_dir / "digest.yml").write_text(
        text + "\nfetch: " + json.dumps(settings) + "\n", encoding="utf-8"
    )


def run(digest_dir: Path, **kwargs: object):
    config, problems = load_config(digest_dir)
    assert problems.items == []
    sleeps: list[float] = []
    report = fetch(config, today=TODAY, sleep=sleeps.append, **kwargs)
    return report, sleeps


def hf(day: str) -> str:
    return f"/api/daily_papers?date={day}"


def test_fetches_each_source_and_day_into_its_own_file(digest_dir: Path, server) -> None:
    recorded, base = server
    configure(digest_dir, base)
    recorded.routes = {
        hf("2026-08-21"): [Answer(body=HF_DAY)],
        hf("2026-08-22"): [Answer(body=b"[]")],
        "/rss/cs.LG": [Answer(body=RSS_DAY)],
        "/rss/cs.CL": [Answer(body=RSS_EMPTY)],
    }
    report, sleeps = run(digest_dir)
    results = [(o.source, str(o.day), o.result, o.papers) for o in report.outcomes]
    assert results == [
        ("huggingface", "2026-08-21", "new", 17),
        ("huggingface", "2026-08-22", "empty", 0),
        ("arxiv/cs.LG", "2025-06-04", "new", 4),
        ("arxiv/cs.CL", "2026-08-22", "empty", 0),
    ]
    assert (digest_dir / "listings/huggingface/2026-08-21.json").read_bytes() == HF_DAY
    assert (digest_dir / "listings/arxiv/cs.LG/2025-06-04.xml").read_bytes() == RSS_DAY
    assert not (digest_dir / "listings/huggingface/2026-08-22.json").exists()
    assert sleeps == [3.0]  # the polite pause between the two arXiv requests
    assert all(agent.startswith("paper-digest/") for _, agent in recorded.requests)
    log = json.loads((digest_dir / "listings/.fetch-log.json").read_text(encoding="utf-8"))
    assert log["huggingface"]["2026-08-21"] == {
        "fetched": "2026-08-22",
        "papers": 17,
        "result": "ok",
        "settled": False,
    }
    assert log["arxiv/cs.CL"]["2026-08-22"]["result"] == "empty"
    # The fetched files build at once.
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0


def test_a_refetch_that_brings_nothing_new_changes_no_file(digest_dir: Path, server) -> None:
    recorded, base = server
    configure(digest_dir, base, arxiv_categories=[])
    recorded.routes = {
        hf("2026-08-21"): [Answer(body=HF_DAY)],
        hf("2026-08-22"): [Answer(body=b"[]")],
    }
    run(digest_dir)
    files = {
        p: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in (digest_dir / "listings").rglob("*")
        if p.is_file()
    }
    time.sleep(0.01)
    report, _ = run(digest_dir)
    assert [o.result for o in report.outcomes] == ["unchanged", "empty"]
    assert {
        p: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in (digest_dir / "listings").rglob("*")
        if p.is_file()
    } == files


def test_429_with_retry_after_and_500_are_retried(digest_dir: Path, server) -> None:
    recorded, base = server
    configure(digest_dir, base, arxiv_categories=[], days=1)
    recorded.routes = {
        hf("2026-08-22"): [
            Answer(429, b"slow down", (("Retry-After", "7"),)),
            Answer(500, b"oops"),
            Answer(body=HF_DAY),
        ]
    }
    report, sleeps = run(digest_dir)
    assert [o.result for o in report.outcomes] == ["new"]
    assert sleeps == [7.0, 1.0]  # Retry-After honoured, then the doubled backoff


def test_faults_fail_one_source_write_nothing_and_spare_the_others(
    digest_dir: Path, server
) -> None:
    recorded, base = server
    configure(digest_dir, base, days=3)
    good = digest_dir / "listings/huggingface/2026-08-21.json"
    good.parent.mkdir(parents=True)
    good.write_bytes(HF_DAY)
    recorded.routes = {
        hf("2026-08-20"): [Answer(body=b"<!DOCTYPE html><html><body>Sign in</body></html>")],
        hf("2026-08-21"): [Answer(body=HF_DAY[:-10] + b"x" * 10, cut=True)],
        hf("2026-08-22"): [Answer(body=HF_DAY, delay=3)],  # past the 1 s timeout
        "/rss/cs.LG": [Answer(503, b"down")],
        "/rss/cs.CL": [Answer(body=RSS_DAY)],
    }
    started = time.monotonic()
    report, _ = run(digest_dir)
    assert time.monotonic() - started < 20
    errors = {(o.source, str(o.day)): o.error for o in report.failed}
    assert (
        errors[("huggingface", "2026-08-20")]
        == "an HTML page where JSON was expected (an error or login page)"
    )
    assert errors[("huggingface", "2026-08-21")] == (
        f"truncated answer ({len(HF_DAY) // 2} of {len(HF_DAY)} bytes), after 3 attempts"
    )
    assert errors[("huggingface", "2026-08-22")] == "no answer within 1 s, after 3 attempts"
    assert errors[("arxiv/cs.LG", "2026-08-22")] == "HTTP 503 Service Unavailable, after 3 attempts"
    assert [o.result for o in report.outcomes if o.source == "arxiv/cs.CL"] == ["new"]
    assert good.read_bytes() == HF_DAY  # the cut answer did not touch the good file
    leftovers = [p.name for p in (digest_dir / "listings").rglob("*.part")]
    assert leftovers == []
    assert not (digest_dir / "listings/huggingface/2026-08-20.json").exists()


def test_cli_exit_status_names_the_failed_source(
    digest_dir: Path, server, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded, base = server
    configure(digest_dir, base, arxiv_categories=["cs.LG"], days=1, arxiv_delay=0, backoff=0)
    recorded.routes = {"/rss/cs.LG": [Answer(body=RSS_DAY)], hf("2026-08-22"): [Answer(404, b"no")]}
    code = main(["fetch", "-C", str(digest_dir), "--date", "2026-08-22"])
    captured = capsys.readouterr()
    assert code == 1
    assert "huggingface 2026-08-22: FAILED: HTTP 404 Not Found" in captured.err
    assert "digest: 1 of 2 fetches failed: huggingface 2026-08-22" in captured.err
    assert (
        "arxiv/cs.LG 2025-06-04: new, 4 papers -> listings/arxiv/cs.LG/2025-06-04.xml"
        in captured.out
    )


def test_a_day_caught_while_growing_is_settled_by_a_later_fetch(digest_dir: Path, server) -> None:
    recorded, base = server
    configure(digest_dir, base, arxiv_categories=[], days=1)
    recorded.routes = {hf("2026-08-22"): [Answer(body=HF_DAY)]}
    config, _ = load_config(digest_dir)
    fetch(config, today=TODAY, sleep=lambda _: None)
    log_path = digest_dir / "listings/.fetch-log.json"
    assert json.loads(log_path.read_text())["huggingface"]["2026-08-22"]["settled"] is False
    fetch(config, today=TODAY + dt.timedelta(days=2), start=TODAY, end=TODAY, sleep=lambda _: None)
    entry = json.loads(log_path.read_text())["huggingface"]["2026-08-22"]
    assert entry == {"fetched": "2026-08-24", "papers": 17, "result": "ok", "settled": True}


def test_status_page_and_feed_tell_what_each_day_got(digest_dir: Path, server) -> None:
    from bs4 import BeautifulSoup

    recorded, base = server
    configure(digest_dir, base, arxiv_categories=["cs.LG"], days=4, backoff=0, arxiv_delay=0)
    recorded.routes = {
        hf("2026-08-19"): [Answer(body=HF_DAY)],  # a Wednesday, fetched three days later
        hf("2026-08-20"): [Answer(500, b"down")],
        hf("2026-08-21"): [Answer(body=b"[]")],
        hf("2026-08-22"): [
            Answer(body=HF_DAY.replace(b"2608.19880", b"2608.19881"))
        ],  # today: may grow
        "/rss/cs.LG": [Answer(body=RSS_DAY)],
    }
    run(digest_dir)
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0
    page = BeautifulSoup(
        (digest_dir / "site/status/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    tables = {h2.get_text(): h2.find_next("table") for h2 in page.select("h2")}
    rows = {
        tr.select("td")[0].get_text(): (
            tr.select("td")[1].get_text(),
            tr.select("td")[2].get_text(),
        )
        for tr in tables["huggingface"].select("tbody tr")
    }
    assert rows["August 22, 2026"][0] == "growing"
    assert rows["August 21, 2026"] == ("empty", "no announcement: the source listed no papers")
    assert rows["August 20, 2026"][0] == "failed"
    assert "HTTP 500" in rows["August 20, 2026"][1]
    assert rows["August 19, 2026"] == ("listed", "17 papers")
    assert rows["August 16, 2026"][0] == "weekend"
    assert rows["August 18, 2026"] == ("missing", "no listing and no fetch recorded")
    # The build right after a fetch (as in the workflow) says how that fetch went.
    summary = tables["huggingface"].find_previous("p").get_text()
    assert summary.startswith("Last fetch: ") and "failed (2026-08-20: HTTP 500" in summary
    feed = feedparser.parse((digest_dir / "site/status.xml").read_bytes())
    assert not feed.bozo
    # An item when a source's state changes, not one a day: missing from the window's
    # first weekday to the 18th, listed on the 19th, failed on the 20th, then normal (an
    # empty day, a day still growing, a weekend are all normal).
    titles = [e.title for e in feed.entries if e.title.startswith("huggingface")]
    assert titles == [
        "huggingface: back to normal (2026-08-21)",
        "huggingface: fetch failed (2026-08-20)",
        "huggingface: back to normal (2026-08-19)",
        "huggingface: a day is missing (2026-08-10)",
    ]


def test_answers_are_bounded_in_size_and_time(digest_dir: Path, server) -> None:
    """Before (issue 11): an endless body took 3 GB, Content-Length 100 GB was a MemoryError
    traceback that skipped the next source, and a byte a second hung the run forever."""
    recorded, base = server
    configure(
        digest_dir, base, days=3, deadline=2, max_answer_mb=1, backoff=0, attempts=2, arxiv_delay=0
    )
    recorded.routes = {
        hf("2026-08-20"): [Answer(endless=True)],
        hf("2026-08-21"): [Answer(body=b"[]", declared=str(100 * 1024**3))],
        hf("2026-08-22"): [Answer(body=HF_DAY, drip=0.05)],
        "/rss/cs.LG": [Answer(body=b" " * (3 * 1024 * 1024))],
        "/rss/cs.CL": [Answer(body=RSS_DAY)],
    }
    started = time.monotonic()
    report, _ = run(digest_dir)
    assert time.monotonic() - started < 20
    errors = {(o.source, str(o.day)): o.error for o in report.failed}
    assert errors == {
        ("huggingface", "2026-08-20"): "the answer grew past the 1 MB limit "
        "(fetch.max_answer_mb in digest.yml); stopped reading",
        ("huggingface", "2026-08-21"): "the answer is 102400 MB, over the 1 MB limit "
        "(fetch.max_answer_mb in digest.yml)",
        ("huggingface", "2026-08-22"): "the answer took longer than 2 s to arrive "
        "(fetch.deadline in digest.yml); stopped reading",
        ("arxiv/cs.LG", "2026-08-22"): "the answer is 3 MB, over the 1 MB limit "
        "(fetch.max_answer_mb in digest.yml)",
    }
    assert [o.result for o in report.outcomes if o.source == "arxiv/cs.CL"] == ["new"]


def test_the_whole_run_has_a_deadline(digest_dir: Path, server) -> None:
    recorded, base = server
    configure(digest_dir, base, days=3, run_deadline=1.5, timeout=1, attempts=5, backoff=0)
    recorded.routes = {
        hf(day): [Answer(body=HF_DAY, delay=2)]
        for day in ("2026-08-20", "2026-08-21", "2026-08-22")
    }
    recorded.routes["/rss/cs.LG"] = [Answer(body=RSS_DAY)]
    recorded.routes["/rss/cs.CL"] = [Answer(body=RSS_DAY)]
    started = time.monotonic()
    report, _ = run(digest_dir)
    assert time.monotonic() - started < 8
    assert len(report.failed) == 5  # every request past the deadline, none hanging
    assert all("fetch.run_deadline" in (o.error or "") for o in report.failed[1:])


def test_fetch_writes_only_what_the_build_can_read(
    digest_dir: Path, server, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before (issue 11): fetch wrote these, the workflow committed them, and every later
    build failed (the 9999-12-31 feed with an OverflowError traceback)."""
    recorded, base = server
    configure(digest_dir, base, days=2, arxiv_categories=["cs.LG"], arxiv_delay=0)
    items = json.loads(HF_DAY)
    recorded.routes = {
        hf("2026-08-21"): [Answer(body=json.dumps([*items, 42]).encode())],
        hf("2026-08-22"): [Answer(body=HF_DAY)],
        "/rss/cs.LG": [Answer(body=RSS_DAY.replace(b"Wed, 04 Jun 2025", b"Fri, 31 Dec 9999"))],
    }
    report, _ = run(digest_dir)
    errors = {(o.source, str(o.day)): o.error for o in report.failed}
    assert errors == {
        ("huggingface", "2026-08-21"): "the build could not read this answer: item 17: "
        "not a paper object (nor the repr of one); skipped; not written",
        ("arxiv/cs.LG", "2026-08-22"): "the build could not read this answer: item 1: "
        "listing date 9999-12-31 is not a plausible day of papers; fix the date in the file "
        "or its name; not written",
    }
    written = sorted(
        p.relative_to(digest_dir).as_posix() for p in (digest_dir / "listings").rglob("*.json")
    )
    assert written == ["listings/.fetch-log.json", "listings/huggingface/2026-08-22.json"]
    assert main(["check", "--strict", "-q", "-C", str(digest_dir)]) == 0
    assert main(["build", "-q", "-C", str(digest_dir)]) == 0


def test_a_server_that_drips_its_headers_cannot_hold_the_run(digest_dir: Path, server) -> None:
    """``timeout`` bounds one silence; a byte every 50 ms never trips it (issue 11)."""
    recorded, base = server
    configure(
        digest_dir, base, days=1, deadline=2, attempts=3, backoff=0, arxiv_categories=["cs.LG"]
    )
    recorded.routes = {
        hf("2026-08-22"): [Answer(drip_headers=0.05)],
        "/rss/cs.LG": [Answer(body=RSS_DAY)],
    }
    started = time.monotonic()
    report, _ = run(digest_dir)
    assert time.monotonic() - started < 10  # one attempt, cut at its deadline
    errors = {(o.source, str(o.day)): o.error for o in report.failed}
    assert errors == {
        ("huggingface", "2026-08-22"): "the answer took longer than 2 s to arrive "
        "(fetch.deadline in digest.yml); stopped reading"
    }
    assert [o.result for o in report.outcomes if o.source == "arxiv/cs.LG"] == ["new"]


def test_a_fetch_names_each_source_it_skips_and_tells_what_it_waits_for(
    digest_dir: Path, server, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded, base = server
    configure(digest_dir, base, arxiv_categories=[], days=1, backoff=2)
    recorded.routes = {hf("2026-08-22"): [Answer(503, b"busy"), Answer(body=HF_DAY)]}
    told: list[str] = []
    report, sleeps = run(digest_dir, tell=told.append)
    assert [(o.source, o.result) for o in report.outcomes] == [("huggingface", "new")]
    assert report.skipped == [
        ("arxiv", "fetch.arxiv_categories names no category"),
        ("biorxiv", "fetch.biorxiv_servers names no server"),
        ("openreview", "fetch.openreview_venues names no venue"),
    ]
    assert told == ["huggingface: fetching"] and sleeps == [2.0]
    # The command says the same: a line for each skipped source.
    recorded.routes = {hf("2026-08-22"): [Answer(body=HF_DAY)]}
    assert main(["fetch", "-C", str(digest_dir), "--date", "2026-08-22"]) == 0
    out = capsys.readouterr().out
    assert "arxiv: skipped, fetch.arxiv_categories names no category\n" in out
    assert "openreview: skipped, fetch.openreview_venues names no venue\n" in out


def test_on_a_terminal_a_fetch_says_what_it_is_doing(digest_dir: Path, server) -> None:
    """Offline, retries wait for minutes: on a terminal each source and each wait is said
    (stderr a real pseudo-terminal, the command its own process)."""
    import os
    import pty
    import subprocess
    import sys

    recorded, base = server
    configure(digest_dir, base, arxiv_categories=[], days=1, backoff=1)
    recorded.routes = {hf("2026-08-22"): [Answer(503, b"busy"), Answer(body=HF_DAY)]}
    controller, terminal = pty.openpty()
    run = subprocess.run(
        [sys.executable, "-m", "digest", "fetch", "-C", str(digest_dir), "--date", "2026-08-22"],
        stderr=terminal,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    os.close(terminal)
    said = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        said += chunk
    os.close(controller)
    assert run.returncode == 0
    lines = said.decode().replace("\r", "").splitlines()
    assert lines == [
        "digest: huggingface: fetching",
        "digest: waiting 1 s (a retry, or a pause the source asks for)",
    ]
