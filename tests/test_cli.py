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
        r"^86 papers, 1 day, 15 topics, 42 pages, 18 feeds in \d+\.\d s -> ", out, re.M
    ), out
    # The first build says how to look at the site; later ones do not repeat it.
    assert out.endswith("next: digest serve, then open http://localhost:8000/ to read it\n")
    assert main(["build", "-C", str(root)]) == 0
    assert "next: digest serve" not in capsys.readouterr().out


def test_quiet_build_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_digest(tmp_path / "d")
    assert main(["build", "-q", "-C", str(root)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_check_reports_each_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-C", str(REPO)]) == 0
    out = capsys.readouterr().out
    assert "listings/2025-03-11-hf-trending.txt: hf-papers-text, 86 papers" in out
    assert "1 listing (1 hf-papers-text), 86 papers read, 0 errors, 0 warnings" in out


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
        out, _ = server.communicate(timeout=10)
    # Where to look is said at once, without -v.
    assert f"at http://localhost:{port}/ (Ctrl+C to stop)" in out.decode()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, deadline: float) -> bytes:
    import time
    import urllib.request

    while True:
        try:
            with urllib.request.urlopen(url) as response:
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_rebuilds_when_a_listing_changes_and_reloads_the_page(tmp_path: Path) -> None:
    """Before (issue 12): serve built once and never again."""
    import time

    root = copy_digest(tmp_path / "digest")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "-q", "--port", str(port), "-C", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        page = f"http://127.0.0.1:{port}/days/2025-03-12/"
        home = _get(f"http://127.0.0.1:{port}/", time.monotonic() + 60)
        assert b"livereload" in home  # the browser is told to reload after a rebuild
        (root / "listings" / "2025-03-12-list.yml").write_text(
            "papers:\n  - title: A paper added while serving\n", encoding="utf-8"
        )
        body = _get(page, time.monotonic() + 60)
        assert b"A paper added while serving" in body
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_on_a_busy_port_is_one_line_naming_the_fix(built_digest: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                *("-m", "digest", "serve", "--no-build", "--port", str(port)),
                *("-C", str(built_digest)),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"digest: port {port} is in use (another digest serve?); "
        f"choose another with --port {port + 1}"
    ]


def test_options_go_before_or_after_the_command(
    built_digest: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before (issue 12): ``digest -C DIR check`` was refused, and ``check -q`` was not quiet."""
    assert main(["-C", str(built_digest), "check"]) == 0
    assert "86 papers read" in capsys.readouterr().out
    assert main(["-q", "-C", str(built_digest), "check"]) == 0
    assert main(["check", "-q", "-C", str(built_digest)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    # After the command wins over before it; neither overwrites the other with a default.
    assert main(["-C", "/nonexistent", "check", "-q", "-C", str(built_digest)]) == 0


def test_the_version_has_one_source() -> None:
    from importlib.metadata import version

    import digest

    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert not re.search(r'^version\s*=\s*"', pyproject, re.M)  # no second copy
    assert version("paper-digest") == digest.__version__


def test_explain_shows_the_curators_changes_and_watch_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before (issue 12): --explain ignored curation.yml and said the reverse of the site."""
    root = copy_digest(tmp_path / "digest")
    title = "Lossless Compression with Probabilistic Circuits"
    (root / "curation.yml").write_text(
        f'papers:\n  "{title}":\n    add_topics: [surveys]\n    remove_topics: [probabilistic]\n'
        "    pin: true\n",
        encoding="utf-8",
    )
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write(
            "\nwatch:\n  - slug: circuits\n    title: Circuits\n    keywords: [circuits]\n"
        )
    assert main(["topics", "--explain", title, "-C", str(root)]) == 0
    out = capsys.readouterr().out
    assert "  probabilistic: IN, include term 'probabilistic circuit' found in the title" in out
    assert "  watch circuits: IN, include term 'circuits' found in the title" in out
    assert "  surveys: IN, added by the curator (curation.yml)" in out
    assert "  probabilistic: out, removed by the curator (curation.yml)" in out
    assert "  pinned by the curator: first on its days" in out
    on_site = out.strip().splitlines()[-1]
    assert on_site.startswith("  on the site under: ")
    assert "surveys" in on_site and "probabilistic" not in on_site

    (root / "curation.yml").write_text(f'papers:\n  "{title}":\n    hide: true\n', encoding="utf-8")
    assert main(["topics", "--explain", title, "-C", str(root)]) == 0
    assert (
        "hidden by the curator (curation.yml): on no page, feed or search"
        in capsys.readouterr().out
    )


def test_a_placeholder_site_url_is_a_warning_and_fails_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before (issue 12): a new digest built silently with feeds pointing at the placeholder."""
    target = tmp_path / "new"
    assert main(["new", str(target)]) == 0
    assert main(["build", "-C", str(target)]) == 0
    warning = (
        "warning: mkdocs.yml: site_url: still the placeholder https://owner.github.io/repository/: "
        "every feed link would point there. Set it to where the site lives, e.g. "
        "https://<you>.github.io/<repo>/"
    )
    assert warning in capsys.readouterr().err
    assert main(["build", "--strict", "-C", str(target)]) == 1
    assert warning in capsys.readouterr().err
    assert main(["new", str(tmp_path / "set"), "--site-url", "https://lab.github.io/papers/"]) == 0
    assert main(["build", "--strict", "-q", "-C", str(tmp_path / "set")]) == 0
