"""The shipped digest's output, pinned: every page's content, feed and .bib file compared
byte for byte with tests/golden/shipped. After an intended change of output:
``python tests/golden/regenerate.py``, then review the diff."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from golden.snapshot import SNAPSHOT, snapshot

pytestmark = pytest.mark.slow


def test_the_shipped_digest_matches_its_golden_snapshot(site: Path) -> None:
    built = snapshot(site)
    kept = {
        path.relative_to(SNAPSHOT).as_posix(): path.read_bytes()
        for path in sorted(SNAPSHOT.rglob("*"))
        if path.is_file()
    }
    assert sorted(built) == sorted(kept), "files added or gone: python tests/golden/regenerate.py"
    for name, data in built.items():
        if data != kept[name]:
            diff = "\n".join(
                list(
                    difflib.unified_diff(
                        kept[name].decode(errors="replace").splitlines(),
                        data.decode(errors="replace").splitlines(),
                        f"golden/{name}",
                        f"built/{name}",
                        lineterm="",
                    )
                )[:40]
            )
            pytest.fail(f"{name} changed (python tests/golden/regenerate.py if intended):\n{diff}")
