"""Benchmark: how much of a build Python's cyclic garbage collector takes, in CPU seconds.

    python bench/collector_time.py DIGEST [--code TREE]

Builds ``DIGEST`` once in this process with the code of this checkout (or of ``TREE``,
another checkout of paper-digest, e.g. a ``git worktree`` of an earlier commit) and
prints the build's CPU seconds and the collector's, by generation (time between the
collector's start and stop callbacks, and how many collections). Build a copy of the
digest with each code first, so both start from their own stores.
"""

from __future__ import annotations

import gc
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_tree import digest_and_code


def main() -> None:
    folder, _ = digest_and_code("the cyclic collector's share of a build")
    spent: dict[int, float] = {}
    count: Counter[int] = Counter()
    started = [0.0]

    def timed(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            generation = info["generation"]
            spent[generation] = spent.get(generation, 0.0) + time.process_time() - started[0]
            count[generation] += 1

    gc.callbacks.append(timed)
    from digest.build import build

    began = time.process_time()
    build(folder)
    total = time.process_time() - began
    by_generation = ", ".join(
        f"generation {g}: {spent[g]:.2f} s in {count[g]} collections" for g in sorted(spent)
    )
    print(f"build {total:.2f} CPU s; the collector {sum(spent.values()):.2f} s ({by_generation})")


if __name__ == "__main__":
    main()
