"""Benchmark: decoding a digest's listing store, msgspec's typed decoding against
``data_codec``'s tagged JSON, on the same readings.

    python bench/store_decoding.py DIGEST [--weeks N]

DIGEST is a digest folder built at least once (its ``.digest/listings``), e.g. workload
(f) kept by ``bench/arxiv_volume.py``'s steps. Each of the first ``--weeks`` segment
files (all by default) is read back as the build reads it, then encoded again with
``data_codec`` for the same values; both are decoded with the collector paused, as in a
build. Prints CPU seconds and the memory the decoded values hold (tracemalloc).
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from digest.incremental.data_codec import Codec
from digest.incremental.listing_cache import KeptReading
from digest.incremental.store import unsealed_view
from digest.incremental.typed_codec import TypedCodec
from digest.ingest.library import LibraryItem
from digest.model import Appearance, Links, Origin, Paper, TopicMatch
from digest.problems import Problem, Severity


def measured(decode: Callable[[Any], Any], data: list[Any]) -> tuple[float, float]:
    """CPU seconds to decode every segment, and MB the decoded values hold."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        decoded = [decode(item) for item in data]
        seconds = time.process_time() - started
        del decoded
        tracemalloc.start()
        held = [decode(item) for item in data]
        size = tracemalloc.get_traced_memory()[0] / 1e6
        tracemalloc.stop()
        del held
    finally:
        gc.enable()
    return seconds, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("digest", type=Path)
    parser.add_argument("--weeks", type=int, default=0, help="the first N segments (0: all)")
    args = parser.parse_args()
    files = sorted((args.digest / ".digest" / "listings").glob("*.json"))
    if args.weeks:
        files = files[: args.weeks]
    typed = TypedCodec(dict[str, KeptReading])
    tagged = Codec(
        (KeptReading, Paper, Origin, Links, Appearance, TopicMatch, Problem, Severity, LibraryItem)
    )
    views = [view for view in (unsealed_view(f.read_bytes()) for f in files) if view is not None]
    typed_data = [bytes(view) for view in views]
    tagged_data = [tagged.dumps(typed.loads(data)) for data in typed_data]
    papers = sum(len(r.papers) for data in typed_data for r in typed.loads(data).values())
    print(f"{len(files)} segments, {papers:,} papers")
    print("| codec | MB on disk | decode, CPU s | held, MB |")
    print("|---|---|---|---|")
    for name, codec, data in (
        ("data_codec (tagged JSON)", tagged, tagged_data),
        ("typed_codec (msgspec)", typed, typed_data),
    ):
        seconds, size = measured(codec.loads, data)
        on_disk = sum(len(d) for d in data) / 1e6
        print(f"| {name} | {on_disk:,.0f} | {seconds:.2f} | {size:,.0f} |")


if __name__ == "__main__":
    main()
