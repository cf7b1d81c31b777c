"""Regenerate the golden snapshot of the shipped digest: python tests/golden/regenerate.py

The snapshot is what paper-digest itself generates for the shipped digest: every page's
content (the article, without the theme around it), every feed and every .bib file.
``tests/test_golden.py`` builds the shipped digest and compares each file byte for byte;
after an intended change of output, run this and review the diff before committing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from conftest import copy_digest  # noqa: E402

from digest.cli import main  # noqa: E402
from golden.snapshot import SNAPSHOT, snapshot  # noqa: E402


def regenerate() -> int:
    with tempfile.TemporaryDirectory() as work:
        root = copy_digest(Path(work) / "digest")
        if main(["build", "-q", "-C", str(root)]) != 0:
            return 1
        files = snapshot(root / "site")
    shutil.rmtree(SNAPSHOT, ignore_errors=True)
    for relative, data in files.items():
        target = SNAPSHOT / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"{len(files)} files in {SNAPSHOT.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
