"""Benchmark: a build's memory after each stage (resident, and the peak so far).

    python bench/stage_memory.py DIGEST [--code TREE]

Builds ``DIGEST`` in this process with the code of this checkout (or of ``TREE``) and
prints VmRSS and VmHWM from /proc/self/status as each stage ends: where a build's peak
memory is made. Pagefind's process is not counted (``bench/run.py`` samples the tree).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_tree import digest_and_code


def _memory() -> str:
    with open("/proc/self/status", encoding="utf-8") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    rss, peak = (int(fields[name].split()[0]) // 1024 for name in ("VmRSS", "VmHWM"))
    return f"{rss:,} MB resident, {peak:,} MB peak"


def main() -> None:
    folder, _ = digest_and_code("a build's memory after each stage")
    from digest.build import build
    from digest.progress import Progress

    stage = Progress.stage

    @contextmanager
    def measured(self: Progress, name: str) -> Iterator[Any]:
        with stage(self, name) as step:
            yield step
        print(f"after {name}: {_memory()}")

    Progress.stage = measured  # type: ignore[method-assign]
    build(folder)
    print(f"at the end: {_memory()}")


if __name__ == "__main__":
    main()
