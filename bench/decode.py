"""Benchmark: reading back the kept listing readings of a built digest, in CPU seconds.

    python bench/decode.py DIGEST [--code TREE]

Decodes every file of ``DIGEST/.digest/listings`` with the stores' codec of this
checkout (or of ``TREE``, another checkout of paper-digest), three times, and prints the
best: the part of every build of (f) that grows with the archive. ``json.loads`` is
timed apart, as it is the same for both.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_tree import digest_and_code


def main() -> None:
    folder, code = digest_and_code("the kept listing readings decoded")
    from digest.incremental.data_codec import Codec
    from digest.incremental.listing_cache import _KEPT_TYPES
    from digest.incremental.store import read_sealed

    codec = Codec(_KEPT_TYPES)
    files = sorted((folder / ".digest" / "listings").glob("*.json"))
    sealed = [data for data in (read_sealed(f) for f in files) if data is not None]
    started = time.process_time()
    parsed = [json.loads(data) for data in sealed]
    parsing = time.process_time() - started
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for value in parsed:
            codec._decode(value)
        best = min(best, time.process_time() - started)
    size = sum(len(data) for data in sealed) / 1e6
    print(
        f"{code}: {size:.0f} MB in {len(sealed)} files: json {parsing:.2f} s, decode {best:.2f} s"
    )


if __name__ == "__main__":
    main()
