"""``digest send`` to a real SMTP server (aiosmtpd, with STARTTLS and AUTH, its
certificate made here) and to chat receivers on 127.0.0.1 that check each service's
payload: the day arrives once, with every link absolute; faults cost one line, leave the
ledger as it was, and never show a secret."""

from __future__ import annotations

import asyncio
import email
import http.server
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, SEED, local_server

from digest.cli import main

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd is a test extra: pip install '.[test]'")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

PASSWORD = "pa55-THIS-IS-SECRET"
WEBHOOK_SECRET = "T000/B000/XXXX-THIS-IS-SECRET"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip(
            "openssl not installed (apt-get install openssl; .ci/run does): it makes the SMTP server's certificate"
        )
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refuse: int | None = None  # answer DATA with this code
        self.stall = False  # keep the message and hold the answer back while True

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return f"{self.refuse} mailbox unavailable"
        self.messages.append(envelope.original_content or envelope.content)
        while self.stall:
            await asyncio.sleep(0.05)
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def smtp(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Mailbox, int]]:
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    controller.start()
    # The client trusts the test's own certificate as its CA, as OpenSSL reads it.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    yield box, port
    controller.stop()


class Receivers:
    """Chat services on 127.0.0.1: each request kept as (method, path, headers, body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], dict]] = []
        self.status = 200
        self.base = ""

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        receivers = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _take(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receivers.requests.append((self.command, self.path, dict(self.headers), body))
                answer = b'{"ok": true, "event_id": "$1"}'
                self.send_response(receivers.status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_PUT = _take

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def chats(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receivers]:
    receivers = Receivers()
    with local_server(receivers.handler()) as base:
        receivers.base = base
        monkeypatch.setenv("DIGEST_SLACK_WEBHOOK", f"{base}/services/{WEBHOOK_SECRET}")
        monkeypatch.setenv("DIGEST_DISCORD_WEBHOOK", f"{base}/api/webhooks/1/{WEBHOOK_SECRET}")
        monkeypatch.setenv("DIGEST_MATRIX_HOMESERVER", base)
        monkeypatch.setenv("DIGEST_MATRIX_TOKEN", "syt_THIS-IS-SECRET")
        monkeypatch.setenv("DIGEST_MATRIX_ROOM", "!room:example.org")
        monkeypatch.setenv("DIGEST_TELEGRAM_API", base)
        monkeypatch.setenv("DIGEST_TELEGRAM_BOT_TOKEN", "123:THIS-IS-SECRET")
        monkeypatch.setenv("DIGEST_TELEGRAM_CHAT_ID", "-100123")
        yield receivers


HOSTILE_NOTE = '<script>alert("x")</script> @everyone [click](javascript:alert(1)) **bold**'


def _digest(digest_dir: Path, send: str) -> Path:
    shutil.copy(SEED, digest_dir / "listings")
    (digest_dir / "curation.yml").write_text(
        'papers:\n  "Lossless Compression with Probabilistic Circuits":\n    pick: day\n'
        f"    note: {json.dumps(HOSTILE_NOTE)}\n",
        encoding="utf-8",
    )
    with open(digest_dir / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write(f"\nsend: {send}\n")
    return digest_dir


EMAIL = '{email: {to: [group@example.org], from: "Lab digest <digest@example.org>", list_id: group.example.org}}'


def test_the_day_arrives_once_by_email_with_text_and_html_parts(
    digest_dir: Path, smtp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    box, port = smtp
    root = _digest(digest_dir, EMAIL)
    monkeypatch.setenv(
        "DIGEST_SMTP_URL", f"smtp://digest%40example.org:{PASSWORD}@localhost:{port}"
    )
    assert main(["send", "-C", str(root)]) == 0
    assert capsys.readouterr().out == "2025-03-11: sent to email\n"
    assert len(box.messages) == 1
    message = email.message_from_bytes(box.messages[0], policy=policy.default)
    assert message["Subject"] == "Paper Digest: papers of March 11, 2025"
    assert message["List-Id"] == "Paper Digest <group.example.org>"
    assert message["List-Unsubscribe"]
    text = message.get_body(("plain",)).get_content()
    markup = message.get_body(("html",)).get_content()
    assert "Lossless Compression with Probabilistic Circuits" in text
    assert len(markup.encode()) < 100 * 1024
    page = BeautifulSoup(markup, "html.parser")
    hrefs = [a["href"] for a in page.find_all("a")]
    assert len(hrefs) >= 87 and all(
        h.startswith("https://paper-digest.github.io/paper-digest/") for h in hrefs
    )
    assert page.find("style") is None and page.find(style=True) is not None  # CSS inlined
    assert page.find("script") is None and '<script>alert("x")</script>' in page.get_text()
    # Exactly once: the next run sends nothing.
    assert main(["send", "-C", str(root)]) == 0
    assert capsys.readouterr().out == "2025-03-11: already sent to email\n"
    assert len(box.messages) == 1
    ledger = json.loads((root / "listings/.send-log.json").read_text(encoding="utf-8"))
    assert list(ledger) == ["2025-03-11"] and list(ledger["2025-03-11"]) == ["email"]


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("down", "cannot reach the SMTP server at localhost:{port} (ConnectionRefusedError)"),
        (
            "password",
            "the SMTP server refused the user name or password (it closed the connection)",
        ),
        ("refused", "the SMTP server answered 550 mailbox unavailable"),
        ("hang", "no answer from the SMTP server at localhost:{port} within 0.3 s"),
    ],
)
def test_an_email_fault_is_one_line_and_the_next_run_sends_the_day_once(
    digest_dir: Path,
    smtp,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    said: str,
) -> None:
    box, port = smtp
    root = _digest(digest_dir, EMAIL)
    password, target = PASSWORD, port
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # the test server's own chatter
    # A third of a second for the hang (said as such), the usual for the rest.
    monkeypatch.setenv("DIGEST_SMTP_TIMEOUT", "0.3" if fault in ("hang", "password") else "2")
    silent = None
    if fault == "down":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            target = probe.getsockname()[1]
    elif fault == "password":
        password = "wrong-" + PASSWORD
    elif fault == "refused":
        box.refuse = 550
    elif fault == "hang":
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        target = silent.getsockname()[1]
    monkeypatch.setenv("DIGEST_SMTP_URL", f"smtp://digest:{password}@localhost:{target}")
    assert main(["send", "-C", str(root)]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        f"digest: 2025-03-11 to email: {said.format(port=target)}; not sent, the next run tries again\n"
    )
    assert PASSWORD not in captured.out + captured.err
    assert not (root / "listings/.send-log.json").exists()
    if silent is not None:
        silent.close()
    # Back to a working server: the day goes out, once.
    box.refuse = None
    monkeypatch.setenv("DIGEST_SMTP_URL", f"smtp://digest:{PASSWORD}@localhost:{port}")
    assert main(["send", "-C", str(root)]) == 0
    assert main(["send", "-C", str(root)]) == 0
    assert len(box.messages) == 1


def test_each_chat_gets_its_own_payload_within_its_limits(
    digest_dir: Path, chats: Receivers, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _digest(digest_dir, "{chat: [slack, discord, matrix, telegram]}")
    assert main(["send", "-C", str(root)]) == 0
    out = capsys.readouterr()
    assert out.out == "2025-03-11: sent to slack, discord, matrix, telegram\n"
    assert "THIS-IS-SECRET" not in out.out + out.err
    by_path = {
        path.split("/")[1] if not path.startswith("/_matrix") else "matrix": (
            method,
            path,
            headers,
            body,
        )
        for method, path, headers, body in chats.requests
    }
    method, path, _, slack = by_path["services"]
    assert method == "POST" and path == f"/services/{WEBHOOK_SECRET}"
    assert slack["text"] == slack["blocks"][0]["text"]["text"] and len(slack["text"]) <= 3000
    assert (
        "<https://paper-digest.github.io/paper-digest/papers/lossless-compression-with-probabilistic-circuits/|Lossless Compression with Probabilistic Circuits>"
        in slack["text"]
    )
    assert "&lt;script&gt;" in slack["text"] and "<script>" not in slack["text"]
    _, _, _, discord = by_path["api"]
    assert len(discord["content"]) <= 2000 and discord["allowed_mentions"] == {"parse": []}
    assert "\\@everyone" in discord["content"]
    method, path, headers, matrix = by_path["matrix"]
    assert method == "PUT"
    assert (
        path
        == "/_matrix/client/v3/rooms/%21room%3Aexample.org/send/m.room.message/digest-2025-03-11"
    )
    assert headers["Authorization"] == "Bearer syt_THIS-IS-SECRET"
    assert matrix["msgtype"] == "m.text" and matrix["format"] == "org.matrix.custom.html"
    assert "&lt;script&gt;" in matrix["formatted_body"] and "<script>" in matrix["body"]
    _, path, _, telegram = by_path["bot123:THIS-IS-SECRET"]
    assert path == "/bot123:THIS-IS-SECRET/sendMessage"
    assert telegram["chat_id"] == "-100123" and telegram["parse_mode"] == "HTML"
    assert len(telegram["text"]) <= 4096 and "&lt;script&gt;" in telegram["text"]
    # Exactly once.
    assert main(["send", "-C", str(root)]) == 0
    assert len(chats.requests) == 4


def test_a_chat_that_fails_is_tried_again_and_the_others_are_not_repeated(
    digest_dir: Path,
    chats: Receivers,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = _digest(digest_dir, "{chat: [slack, discord]}")
    monkeypatch.setenv("DIGEST_DISCORD_WEBHOOK", "http://127.0.0.1:1/api/webhooks/1/x")
    monkeypatch.setattr("digest.publish.send.time.sleep", lambda seconds: None)  # backoff
    assert main(["send", "-C", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("digest: 2025-03-11 to discord: cannot connect (")
    assert "THIS-IS-SECRET" not in err
    ledger = json.loads((root / "listings/.send-log.json").read_text(encoding="utf-8"))
    assert list(ledger["2025-03-11"]) == ["slack"]
    # Discord reachable again: only discord is sent.
    monkeypatch.setenv("DIGEST_DISCORD_WEBHOOK", f"{chats.base}/api/webhooks/1/{WEBHOOK_SECRET}")
    assert main(["send", "-C", str(root)]) == 0
    assert [path.split("/")[1] for _, path, _, _ in chats.requests] == ["services", "api"]


def test_dry_run_writes_the_messages_and_sends_nothing(
    digest_dir: Path, chats: Receivers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = _digest(digest_dir, "{chat: [slack, telegram], " + EMAIL[1:])
    out = tmp_path / "preview"
    assert main(["send", "-C", str(root), "--dry-run", str(out)]) == 0
    assert chats.requests == []
    assert sorted(p.name for p in out.iterdir()) == [
        "email-2025-03-11.eml",
        "slack-2025-03-11.json",
        "telegram-2025-03-11.json",
    ]
    assert "THIS-IS-SECRET" not in "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in out.iterdir()
    )
    assert not (root / "listings/.send-log.json").exists()


def test_an_unsettled_day_waits(
    digest_dir: Path, chats: Receivers, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _digest(digest_dir, "{chat: [slack]}")
    (root / "listings/.fetch-log.json").write_text(
        '{"huggingface": {"2025-03-11": {"result": "ok", "papers": 86, "fetched": "2025-03-11", "settled": false}}}',
        encoding="utf-8",
    )
    assert main(["send", "-C", str(root)]) == 0
    assert "nothing sent: no settled day yet" in capsys.readouterr().out
    assert chats.requests == []


def _smtp_url(port: int) -> str:
    return f"smtp://digest%40example.org:{PASSWORD}@localhost:{port}"


def _received(box: Mailbox) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(m, policy=policy.default) for m in box.messages]  # type: ignore[misc]


def test_a_week_goes_out_once_when_the_next_week_is_listed_and_settled(
    digest_dir: Path, smtp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    box, port = smtp
    root = _digest(digest_dir, EMAIL[:-1] + ", weekly: true}")
    later = "hfnewsletter_daily_papers_2026-08-21.json"
    shutil.copy(FIXTURES / "formats" / later, root / "listings" / later)
    monkeypatch.setenv("DIGEST_SMTP_URL", _smtp_url(port))
    # The week of March 10, 2025 has ended (a later day is listed) but one of its days is
    # still being fetched: only the newest day goes out.
    log = root / "listings/.fetch-log.json"
    log.write_text(
        '{"huggingface": {"2025-03-11": {"result": "ok", "papers": 86, "fetched": "2025-03-11", "settled": false}}}',
        encoding="utf-8",
    )
    assert main(["send", "-C", str(root)]) == 0
    assert capsys.readouterr().out == "2026-08-21: sent to email\n"
    log.write_text(log.read_text(encoding="utf-8").replace("false", "true"), encoding="utf-8")
    assert main(["send", "-C", str(root)]) == 0
    assert capsys.readouterr().out == (
        "2026-08-21: already sent to email\n2025-W11: sent to email\n"
    )
    day, week = _received(box)
    assert week["Subject"] == "Paper Digest: papers of the week of March 10, 2025"
    assert day["Message-ID"] != week["Message-ID"]
    page = BeautifulSoup(week.get_body(("html",)).get_content(), "html.parser")
    headings = [h.get_text() for h in page.find_all("h2")]
    assert headings == ["Editor's picks", "Recommended for the group", "Top papers of the week"]
    assert "The week's top 20 of 86 papers." in page.get_text()
    links = {a.get_text(): a["href"] for a in page.find_all("a")}
    site = "https://paper-digest.github.io/paper-digest/"
    assert links["Read on the site"] == site + "top/week/2025-W11/"
    assert links["View in a browser"] == site + "email/2025-W11.html"
    top = page.find("h2", string="Top papers of the week").find_all_next("a", class_="title")
    assert len(top) == 20
    text = week.get_body(("plain",)).get_content()
    assert (
        "TOP PAPERS OF THE WEEK" in text and f"View in a browser: {site}email/2025-W11.html" in text
    )
    # Once.
    assert main(["send", "-C", str(root)]) == 0
    assert len(box.messages) == 2
    ledger = json.loads((root / "listings/.send-log.json").read_text(encoding="utf-8"))
    assert sorted(ledger) == ["2025-W11", "2026-08-21"]


def test_a_send_killed_while_the_server_holds_the_message_repeats_only_that_message(
    digest_dir: Path, smtp, chats: Receivers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented bound: a kill after the server took the message and before it said
    so repeats that one message on the next run; nothing else is sent twice or lost."""
    box, port = smtp
    root = _digest(digest_dir, "{chat: [slack], " + EMAIL[1:])
    monkeypatch.setenv("DIGEST_SMTP_URL", _smtp_url(port))
    box.stall = True
    run = subprocess.Popen(
        [sys.executable, "-m", "digest", "send", "-q", "-C", str(root)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not box.messages and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    assert len(box.messages) == 1, "the message never reached the server"
    run.send_signal(signal.SIGKILL)
    run.wait()
    box.stall = False
    assert not (root / "listings/.send-log.json").exists()  # nothing recorded as sent
    assert chats.requests == []
    assert main(["send", "-q", "-C", str(root)]) == 0
    assert main(["send", "-q", "-C", str(root)]) == 0
    first, again = _received(box)
    assert len(box.messages) == 2 and first["Subject"] == again["Subject"]
    assert first.get_body(("plain",)).get_content() == again.get_body(("plain",)).get_content()
    assert len(chats.requests) == 1
    ledger = json.loads((root / "listings/.send-log.json").read_text(encoding="utf-8"))
    assert sorted(ledger["2025-03-11"]) == ["email", "slack"]


@pytest.mark.slow
def test_the_site_publishes_each_email_in_a_browser_copy(
    digest_dir: Path, smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    box, port = smtp
    root = _digest(digest_dir, EMAIL)
    assert main(["build", "-q", "-C", str(root)]) == 0
    copy = root / "site/email/2025-03-11.html"
    assert copy.is_file()  # published before digest send sends it
    monkeypatch.setenv("DIGEST_SMTP_URL", _smtp_url(port))
    assert main(["send", "-q", "-C", str(root)]) == 0
    sent = _received(box)[0].get_body(("html",)).get_content()
    view = BeautifulSoup(sent, "html.parser").find("a", string="View in a browser")["href"]
    assert view == "https://paper-digest.github.io/paper-digest/email/2025-03-11.html"
    page = BeautifulSoup(copy.read_text(encoding="utf-8"), "html.parser")
    assert page.find("a", string="View in a browser") is None  # no link to itself
    sent_page = BeautifulSoup(sent, "html.parser")
    assert [a["href"] for a in page.find_all("a", class_="title")] == [
        a["href"] for a in sent_page.find_all("a", class_="title")
    ]
    # A later day: its copy joins, and the sent day's stays (its link is in inboxes).
    later = "hfnewsletter_daily_papers_2026-08-21.json"
    shutil.copy(FIXTURES / "formats" / later, root / "listings" / later)
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert sorted(p.name for p in (root / "site/email").iterdir()) == [
        "2025-03-11.html",
        "2026-08-21.html",
    ]


@pytest.mark.slow
@pytest.mark.browser
def test_the_email_reads_in_chromium_on_a_phone_and_a_laptop(
    digest_dir: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    root = _digest(digest_dir, EMAIL)
    out = tmp_path / "preview"
    assert main(["send", "-q", "-C", str(root), "--dry-run", str(out)]) == 0
    message = email.message_from_bytes(
        (out / "email-2025-03-11.eml").read_bytes(), policy=policy.default
    )
    page_file = tmp_path / "email.html"
    page_file.write_text(message.get_body(("html",)).get_content(), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in (390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 844})
            page.goto(page_file.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            size = page.locator("p.gist").first.evaluate(
                "e => parseFloat(getComputedStyle(e).fontSize)"
            )
            assert size >= 14
            # Nothing is fetched: an e-mail shows as it is, with no request of its own.
            page.close()
        browser.close()


def test_send_options_are_checked_where_they_are_written() -> None:
    from digest.problems import Problems
    from digest.send_config import parse_send

    problems = Problems()
    config = parse_send(
        {"chat": ["slack"], "weekly": "yes", "daily": False}, problems, "digest.yml"
    )
    assert [(p.place, p.message) for p in problems.errors] == [
        ("send.weekly", "must be true or false")
    ]
    assert [(p.place, p.message) for p in problems.warnings] == [
        ("send", "daily and weekly are both false: nothing will be sent")
    ]
    assert (config.daily, config.weekly) == (False, False)


ARCHIVE = (
    Path(__file__).resolve().parents[2] / "shared/data/archive/hf-daily-papers-2024-2026.tar.xz"
)


@pytest.mark.slow
@pytest.mark.skipif(not ARCHIVE.is_file(), reason="needs ../shared's archive (CI has it)")
def test_the_archives_largest_day_fits_under_gmails_clipping_size(
    digest_dir: Path, tmp_path: Path
) -> None:
    import tarfile

    with tarfile.open(ARCHIVE) as tar:
        largest = max((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.size)
        tar.extractall(tmp_path / "raw", members=[largest], filter="data")
    shutil.rmtree(digest_dir / "listings")
    (digest_dir / "listings").mkdir()
    day_file = next((tmp_path / "raw").rglob("*.json"))
    shutil.copy(day_file, digest_dir / "listings" / day_file.name)
    (digest_dir / "curation.yml").unlink(missing_ok=True)
    with open(digest_dir / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write(f"\nsend: {EMAIL}\n")
    out = tmp_path / "preview"
    assert main(["send", "-q", "-C", str(digest_dir), "--dry-run", str(out)]) == 0
    (eml,) = out.iterdir()
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    markup = message.get_body(("html",)).get_content()
    assert len(markup.encode()) < 100 * 1024
    page = BeautifulSoup(markup, "html.parser")
    titles = page.select("a.title")
    lead = page.select_one("p.lead").get_text()
    count = int(lead.split(" papers", 1)[0])
    assert count == 50 and len(titles) == count  # every paper
    assert all(
        a["href"].startswith("https://paper-digest.github.io/paper-digest/")
        for a in page.find_all("a")
    )


def test_a_day_too_large_for_gmail_lists_its_papers_by_title() -> None:
    import datetime as dt

    from digest.publish.day_message import DayMessage, PaperLine
    from digest.publish.mail import email_message
    from digest.send_config import EmailConfig

    site = "https://lab.example.org/digest/"
    papers = tuple(
        PaperLine(
            title=f"Paper {n} on a long subject",
            url=f"{site}papers/{n}/",
            authors="Ada Lovelace, Alan Turing, Grace Hopper et al.",
            gist="One sentence that says what the paper found, as a gist does. " * 4,
        )
        for n in range(600)
    )
    day = DayMessage(
        "Lab", site, dt.date(2026, 3, 2), f"{site}days/2026-03-02/", (), (), (), papers
    )
    mail = email_message(day, EmailConfig(("group@example.org",), "lab@example.org"))
    markup = mail.get_body(("html",)).get_content()
    assert len(markup.encode()) < 100 * 1024
    page = BeautifulSoup(markup, "html.parser")
    # As many titles as fit, in the day's order, then the day page for the others.
    shown = page.select("a.title")
    assert 300 < len(shown) < 600 and page.select("p.gist") == []
    assert [a.get_text() for a in shown] == [
        f"Paper {n} on a long subject" for n in range(len(shown))
    ]
    more = page.find("a", string="the day on the site")
    assert more["href"] == f"{site}days/2026-03-02/"
    assert more.parent.get_text() == f"And {600 - len(shown)} more papers: the day on the site."
    text = mail.get_body(("plain",)).get_content()
    assert f"And {600 - len(shown)} more papers: {site}days/2026-03-02/" in text
    assert "One sentence" not in text
