"""The command line: what it prints, and documentation that cannot drift from it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_digest

from digest.cli import _parser, main


def test_build_reports_papers_days_topics_pages_and_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "d")
    assert main(["build", "-C", str(root)]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"^86 papers, 1 days, 15 topics, 40 pages, 17 feeds in \d+\.\d s -> ", out, re.M
    ), out


def test_quiet_build_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_digest(tmp_path / "d")
    assert main(["build", "-q", "-C", str(root)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_check_reports_each_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-C", str(REPO)]) == 0
    out = capsys.readouterr().out
    assert "listings/2025-03-11-hf-trending.txt: hf-papers-text, 86 papers" in out
    assert "1 listings (1 hf-papers-text), 86 papers read, 0 errors, 0 warnings" in out


def test_python_dash_m_digest_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "digest", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("paper-digest ")


def test_every_command_and_option_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parser = _parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert f"digest {name}" in readme, f"README does not document 'digest {name}'"
        for action in sub._actions:
            long_options = [
                o for o in action.option_strings if o.startswith("--") and o != "--help"
            ]
            for option in long_options:
                assert option in readme, f"README does not document {option} of digest {name}"


def test_readme_set_up_is_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Set up\n.*?```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, commands
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    # CI runs both set-up commands as they are written, the test command included.
    assert commands[0] in ci and commands[1] in ci


def test_serve_serves_the_built_site(built_digest: Path) -> None:
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "digest",
            "serve",
            "--no-build",
            "--port",
            str(port),
            "-C",
            str(built_digest),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.xml") as response:
                    body = response.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert body.startswith(b"<?xml")
    finally:
        server.terminate()
        server.wait(timeout=10)
