"""``digest deploy``: commit ``site/`` to the gh-pages branch and push it, for those who
publish from a branch rather than with the Actions workflow (like ``mkdocs gh-deploy``).

The branch holds one commit, the site as it is now: each deploy replaces it (a
force-push) instead of adding to its history, which is how other projects' gh-pages
grew to gigabytes (every old copy of every page kept). The site's history is the
listings' history on the main branch: any day's site can be built again from it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ghp_import import GhpError, ghp_import

from digest.problems import DigestError


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    # ghp-import runs git in the current directory.
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def deploy(
    root: Path, site_dir: Path, remote: str, branch: str, message: str, push: bool = True
) -> None:
    if not (site_dir / "index.html").is_file():
        raise DigestError(f"{site_dir}: no built site to deploy; run digest build first")
    inside_git = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, text=True
    )
    if inside_git.returncode != 0:
        raise DigestError(
            f"{root}: not a git repository; run git init and add a remote, or deploy with the Actions workflow"
        )
    with _inside(root):
        try:
            ghp_import(
                str(site_dir),
                mesg=message,
                remote=remote,
                branch=branch,
                push=push,
                nojekyll=True,
                no_history=True,
                force=True,  # the new commit has no parent: the old one is replaced
            )
        except GhpError as err:
            raise DigestError(f"deploy to {remote}/{branch} failed: {err}") from err
        except subprocess.CalledProcessError as err:
            raise DigestError(
                f"deploy to {remote}/{branch} failed: git {' '.join(map(str, err.cmd[1:]))} exited with {err.returncode}"
            ) from err
