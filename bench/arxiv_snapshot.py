"""Benchmark: ``digest import-snapshot`` on a 1 GB slice of the arXiv metadata snapshot.

    python bench/arxiv_snapshot.py [--gb 1.0] [--categories hep-ph]

The whole snapshot is 4.6 GB and not in the workplace; ../shared holds its first 200
lines (real). The slice is made from them: the 200 lines over and over, each copy with
new ids and its version dates moved on by a week per copy (so the papers spread over
the years, as in the real file, which is in id order), until the file reaches the size.
What is timed is the whole command: streaming the slice, choosing the papers of the
categories, filing them by announcement day. Peak RSS is of the whole process. A second
run over the same slice (nothing to write) is timed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, SHARED, timed

SAMPLE = (
    SHARED
    / "samples"
    / "arxiv-kaggle-snapshot"
    / "Sharath-1736_Embedding-VecSearch_arxiv-metadata-oai-snapshot_first200_2025-10.jsonl"
)


def _shift(created: str, weeks: int) -> str:
    moment = email.utils.parsedate_to_datetime(created) + dt.timedelta(weeks=weeks)
    return email.utils.format_datetime(moment, usegmt=True)


def make_slice(path: Path, size: int) -> int:
    lines = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    written = copies = count = 0
    with path.open("w", encoding="utf-8") as out:
        while written < size:
            for number, line in enumerate(lines):
                line = dict(line)
                line["id"] = f"{7 + copies // 10000:02d}{copies % 10000:04d}.{number:05d}"
                line["versions"] = [
                    {**v, "created": _shift(v["created"], copies)} for v in line.get("versions", [])
                ]
                text = json.dumps(line, ensure_ascii=False) + "\n"
                out.write(text)
                written += len(text.encode())
                count += 1
            copies += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=1.0)
    parser.add_argument("--categories", default="hep-ph")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="digest-bench-snapshot-"))
    try:
        snapshot = work / "arxiv-metadata-oai-snapshot.json"
        lines = make_slice(snapshot, int(args.gb * 1e9))
        root = work / "digest"
        root.mkdir()
        for name in ("mkdocs.yml",):
            shutil.copy2(REPO / name, root / name)
        shutil.copytree(REPO / "content", root / "content")
        categories = [c.strip() for c in args.categories.split(",")]
        text = (REPO / "digest.yml").read_text(encoding="utf-8")
        (root / "digest.yml").write_text(
            text + f"\nfetch: {{arxiv_categories: {json.dumps(categories)}}}\n", encoding="utf-8"
        )
        (root / "listings").mkdir()
        command = [sys.executable, "-m", "digest", "import-snapshot", "-q", str(snapshot)]
        first = timed(command, root)
        files = list((root / "listings" / "arxiv-snapshot").glob("*.jsonl"))
        taken = sum(len(path.read_bytes().splitlines()) for path in files)
        again = timed(command, root)
        size = snapshot.stat().st_size / 1e9
        print(
            f"\n{dt.date.today().isoformat()}, {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}\n"
        )
        print(
            "| slice | lines | categories | papers filed | days | wall s | peak RSS MB | again s |"
        )
        print("|---|---|---|---|---|---|---|---|")
        print(
            f"| {size:.2f} GB | {lines:,} | {', '.join(categories)} | {taken:,} | {len(files):,} | "
            f"{first[0]:.1f} | {first[1]:.0f} | {again[0]:.1f} |"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
