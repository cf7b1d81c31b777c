"""Benchmark: how reading a listing scales when a real sample is made large.

    python bench/input_scaling.py [--mb 3] [--slow 2.0]

For every sample of ``../shared/data/samples`` (each format we read), two listings of
about ``--mb`` MB are made and read with ``read_listing``, in CPU seconds: the sample with
its middle third repeated ("tiled": many entries of the real shape), and the sample with
one of its lines repeated (the same line thousands of times: what a broken export or a
made-up file holds). A reading slower than ``--slow`` CPU s per MB is marked: reading is
linear in the file for every format but BibTeX (bibtexparser takes seconds per thousand
entries; its bounds are in README), so a mark elsewhere is a quadratic path to look at.
This is how the quadratic joining of BibTeX entry heads was found (44 s for 2.3 MB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from digest.ingest.readers import ListingContext, read_listing
from digest.problems import Problems

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "samples"
# The repository's own samples too (formats ../shared has none of: pasted text, hand lists).
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "formats"
DAY = dt.date(2025, 3, 11)


def variants(text: str, size: int, pick: random.Random) -> dict[str, str]:
    """The sample grown to about ``size`` characters, two ways."""
    first, last = len(text) // 3, 2 * len(text) // 3
    middle = text[first:last]
    grown = {"tiled": text[:first] + middle * max(1, size // max(1, len(middle))) + text[last:]}
    lines = [line for line in text.splitlines() if len(line) > 20]
    if lines:
        line = pick.choice(lines) + "\n"
        grown["one line"] = text[:first] + line * (size // len(line)) + text[last:]
    return grown


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=3.0)
    parser.add_argument("--slow", type=float, default=2.0, help="CPU s per MB to mark")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        raise SystemExit(f"needs the samples at {SAMPLES}")
    pick = random.Random(3)  # the same lines every run
    print("| sample | grown | MB | CPU s | |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="input-scaling-") as scratch:
        found = [*SAMPLES.rglob("*"), *FIXTURES.glob("*")]
        for sample in sorted(p for p in found if p.is_file()):
            data = sample.read_bytes()
            if sample.suffix == ".md" or not 200 <= len(data) <= 4_000_000:
                continue
            text = data.decode("utf-8", "replace")
            for kind, body in variants(text, int(args.mb * 1_000_000), pick).items():
                path = Path(scratch) / f"{DAY.isoformat()}-{sample.name}"
                path.write_text(body, encoding="utf-8")
                started = time.process_time()
                read_listing(ListingContext(path, path.name, DAY), Problems())
                seconds = time.process_time() - started
                megabytes = len(body.encode()) / 1e6
                mark = "slow" if seconds / megabytes > args.slow else ""
                name = sample.relative_to(
                    SAMPLES if sample.is_relative_to(SAMPLES) else FIXTURES.parent
                )
                print(f"| {name} | {kind} | {megabytes:.1f} | {seconds:.2f} | {mark} |", flush=True)


if __name__ == "__main__":
    main()
