"""The package on systems other than Linux: the Linux-only calls (renameat2, prctl,
malloc_trim, FICLONE) made unavailable, and fcntl missing as on Windows.

Before (issue 12): build.py imported fcntl unconditionally, so the package could not be
imported on Windows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_digest, tree_digest

from digest import platform
from digest.cli import main


def test_the_seed_builds_without_the_linux_only_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linux = copy_digest(tmp_path / "linux")
    assert main(["build", "-q", "-C", str(linux)]) == 0

    monkeypatch.setattr(platform, "LINUX", False)
    elsewhere = copy_digest(tmp_path / "elsewhere")
    for _ in range(2):  # a first build, then one that replaces the site by two renames
        assert main(["build", "-q", "-C", str(elsewhere)]) == 0
        assert tree_digest(elsewhere / "site") == tree_digest(linux / "site")
    assert not (elsewhere / ".site.previous").exists()


def test_two_builds_at_once_are_refused_with_the_portable_lock(tmp_path: Path) -> None:
    root = copy_digest(tmp_path / "digest")
    (root / ".digest").mkdir()
    with platform.exclusive(root / ".digest" / "lock"):
        held = subprocess.run(
            [sys.executable, "-m", "digest", "build", "-q", "-C", str(root)],
            capture_output=True,
            text=True,
        )
    assert held.returncode == 1
    assert f"another digest build is running in {root}; wait for it to finish" in held.stderr


def test_every_module_imports_where_fcntl_does_not_exist() -> None:
    script = (
        "import sys, pkgutil, importlib\n"
        "sys.modules['fcntl'] = None  # as on Windows: importing it raises ImportError\n"
        "import digest\n"
        "names = [m.name for m in pkgutil.walk_packages(digest.__path__, 'digest.')]\n"
        "for name in names:\n"
        "    if name != 'digest.__main__':\n"
        "        importlib.import_module(name)\n"
        "from digest import platform\n"
        "assert platform.fcntl is None\n"
        "print(len(names))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 40
