"""Benchmark: math markup at its worst, the figure issue 11 asks for (no timed test).

    python bench/math_markup.py

1. ``escape.rich_text`` on an abstract of 1 MB of ``\\(`` (openers without a closer, the
   worst case of the old regular expression, which rescanned to the end from each one).
2. A whole ``digest build`` of the shipped seed plus a 160 KB hand-kept listing whose
   abstracts are full of ``\\(`` (the listing that took the seed from 1.2 s to 22.6 s).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from digest.site.escape import rich_text  # noqa: E402


def one_megabyte() -> float:
    text = "\\(" * (512 * 1024)
    started = time.perf_counter()
    rich_text(text)
    return time.perf_counter() - started


def seed_with_math_listing() -> float:
    work = Path(tempfile.mkdtemp(prefix="digest-math-"))
    try:
        root = work / "digest"
        root.mkdir()
        for name in ("digest.yml", "mkdocs.yml", "content", "templates", "listings"):
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, root / name)
            else:
                shutil.copy2(source, root / name)
        soup = "a \\( b " * 200
        papers = "".join(
            f"  - title: Formula soup {n}\n    abstract: '{soup}'\n" for n in range(100)
        )
        (root / "listings" / "2025-03-12-math.yml").write_text(f"papers:\n{papers}")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "digest", "build", "-q", "-C", str(root)], check=True)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(f"rich_text, 1 MB of \\(: {one_megabyte():.2f} s")
    print(f"digest build, seed + 160 KB listing of \\(: {seed_with_math_listing():.1f} s")
