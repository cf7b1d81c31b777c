"""Starting a digest, publishing it to a gh-pages branch, and the workflows that run it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import REPO, copy_digest

from digest.cli import main


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def test_new_digest_builds_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mine"
    assert (
        main(
            [
                "new",
                str(target),
                "--title",
                "Lab Papers",
                "--site-url",
                "https://lab.github.io/papers/",
            ]
        )
        == 0
    )
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/digest.yml",
        ".gitignore",
        "README.md",
        "content/about.md",
        "digest.yml",
        "listings/2025-03-11-hf-trending.txt",
        "mkdocs.yml",
        "requirements.txt",
        "templates/README.md",
        "vendor/paper_digest-0.1.0-py3-none-any.whl",
    ]
    assert "site_name: Lab Papers\n" in (target / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_url: https://lab.github.io/papers/\n" in (target / "mkdocs.yml").read_text(
        encoding="utf-8"
    )
    assert (target / "requirements.txt").read_text(encoding="utf-8") == (
        "./vendor/paper_digest-0.1.0-py3-none-any.whl\n"
    )
    assert main(["build", "-q", "-C", str(target)]) == 0
    home = (target / "site" / "index.html").read_text(encoding="utf-8")
    assert "Lab Papers" in home and "Lossless Compression with Probabilistic Circuits" in home


def test_new_refuses_to_overwrite_a_digest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine"
    assert main(["new", str(target)]) == 0
    before = (target / "digest.yml").read_bytes()
    capsys.readouterr()
    assert main(["new", str(target)]) == 1
    assert (
        f"digest: {target}: already holds a digest (digest.yml); choose a new or empty folder"
        in capsys.readouterr().err
    )
    assert (target / "digest.yml").read_bytes() == before
    other = tmp_path / "clone"
    other.mkdir()
    (other / "README.md").write_text("mine", encoding="utf-8")
    assert main(["new", str(other)]) == 1
    assert (other / "README.md").read_text(encoding="utf-8") == "mine"


def test_deploy_commits_the_site_to_gh_pages_of_a_local_bare_repository(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(remote), cwd=tmp_path)
    root = copy_digest(tmp_path / "digest")
    git("init", "-q", "-b", "main", cwd=root)
    git("config", "user.email", "curator@example.org", cwd=root)
    git("config", "user.name", "Curator", cwd=root)
    git("remote", "add", "origin", str(remote), cwd=root)
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert main(["deploy", "-q", "-C", str(root)]) == 0
    tree = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split()
    assert {
        "index.html",
        ".nojekyll",
        "feed.xml",
        "days/2025-03-11/index.html",
        "pagefind/pagefind.js",
    } <= set(tree)
    assert (
        git("log", "--format=%s", "gh-pages", cwd=remote).strip()
        == "Deploy the digest with paper-digest"
    )
    # A second deploy replaces the branch's one commit: no history of old sites piles up.
    first = git("rev-parse", "gh-pages", cwd=remote).strip()
    (root / "listings/2025-03-11-hf-trending.txt").write_text(
        (root / "listings/2025-03-11-hf-trending.txt")
        .read_text(encoding="utf-8")
        .replace("Lossless Compression", "Losless Compression"),
        encoding="utf-8",
    )
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert main(["deploy", "-q", "-C", str(root)]) == 0
    assert len(git("log", "--format=%H", "gh-pages", cwd=remote).split()) == 1
    assert git("rev-parse", "gh-pages", cwd=remote).strip() != first
    assert "Losless" in git("show", "gh-pages:index.html", cwd=remote)


def test_deploy_without_push_says_it_did_not_push(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    git("init", "-q", "-b", "main", cwd=root)
    git("config", "user.email", "curator@example.org", cwd=root)
    git("config", "user.name", "Curator", cwd=root)
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert main(["deploy", "-C", str(root), "--no-push"]) == 0
    said = capsys.readouterr().out
    assert said.endswith("to the local gh-pages branch (not pushed: --no-push)\n")
    assert "index.html" in git("ls-tree", "--name-only", "gh-pages", cwd=root)


def test_deploy_without_a_site_or_a_repository_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_digest(tmp_path / "digest")
    assert main(["deploy", "-C", str(root)]) == 1
    assert "no built site to deploy; run digest build first" in capsys.readouterr().err
    assert main(["build", "-q", "-C", str(root)]) == 0
    assert main(["deploy", "-C", str(root)]) == 1
    assert "not a git repository; run git init and add a remote" in capsys.readouterr().err


def test_the_demo_workflow_is_the_scaffolded_one_but_for_the_install_step() -> None:
    demo = (REPO / ".github/workflows/digest.yml").read_text(encoding="utf-8")
    scaffolded = (REPO / "digest/scaffold/github/workflows/digest.yml").read_text(encoding="utf-8")
    assert demo == scaffolded.replace("pip install -r requirements.txt", "pip install .")
    # The daily check stops on errors only: a warning (a curation entry for a paper not
    # listed yet) must not cost the day its deploy.
    assert "        run: digest check\n" in demo and "check --strict" not in demo
    for needed in (
        "schedule:",
        "workflow_dispatch:",
        "pull_request:",
        "cache: pip",
        "digest fetch",
        "git push",
        "digest build",
        "actions/cache@",
        "path: .digest",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
        "id-token: write",
        "pages: write",
        "name: github-pages",
        "concurrency:",
    ):
        assert needed in demo, needed


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="needs the repository's git history")
def test_a_newcomers_first_hour_from_a_clone_to_a_new_digest_installed_elsewhere(
    tmp_path: Path,
) -> None:
    """README's path, as a newcomer walks it: clone, the first set-up command as README
    writes it (its apt-get part aside: CI runs that), serve and open the site, start a
    digest with ``digest new``, then its workflow's install step in a fresh venv with
    nothing but the package index (paper-digest itself from the wheel the digest
    carries) and its build."""
    import re
    import time
    import urllib.request
    import venv

    clone = tmp_path / "paper-digest"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=300)
    readme = (clone / "README.md").read_text(encoding="utf-8")
    first = re.search(r"^apt-get .*&& \.venv/bin/digest build$", readme, re.MULTILINE)
    assert first is not None, "README's first set-up command"
    command = " && ".join(
        part for part in first.group(0).split(" && ") if not part.startswith("apt-get")
    )
    set_up = subprocess.run(
        command, shell=True, cwd=clone, capture_output=True, text=True, timeout=1200
    )
    assert set_up.returncode == 0, set_up.stderr[-3000:]
    assert (clone / "site/index.html").is_file()
    digest = clone / ".venv/bin/digest"
    # serve: it says where to look, and the page is there.
    port = _free_port()
    serving = subprocess.Popen(
        [str(digest), "serve", "--no-build", "--port", str(port)],
        cwd=clone,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert serving.stdout is not None
        said = ""
        deadline = time.monotonic() + 60
        while "http://" not in said and time.monotonic() < deadline:
            said += serving.stdout.readline()
        address = re.search(r"http://\S+", said)
        assert address is not None, said
        for _ in range(50):
            try:
                page = urllib.request.urlopen(address.group(0), timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "<title>Paper Digest</title>" in page
    finally:
        serving.terminate()
        serving.wait(timeout=30)
    # digest new, and the new digest's workflow step: pip install -r requirements.txt.
    mine = tmp_path / "lab-digest"
    made = subprocess.run(
        [str(digest), "new", str(mine), "--title", "Lab digest"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    environment = tmp_path / "runner-venv"
    venv.create(environment, with_pip=True, system_site_packages=False)
    python = environment / "bin" / "python"
    installed = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            "requirements.txt",
        ],
        cwd=mine,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    version = subprocess.run(
        [str(environment / "bin" / "digest"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert version.returncode == 0 and "0.1.0" in version.stdout + version.stderr
    built = subprocess.run(
        [str(environment / "bin" / "digest"), "build", "-C", str(mine)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    home = (mine / "site/index.html").read_text(encoding="utf-8")
    assert "<title>Lab digest</title>" in home
