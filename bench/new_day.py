"""Benchmark: what a daily build costs on the two-year archive (b), in CPU seconds.

    python bench/new_day.py [--baseline TREE] [--runs N]

For this checkout (and, with ``--baseline``, another checkout of paper-digest, e.g. a
``git worktree`` of an earlier commit, measured in the same run on the same machine, step
by step in turn): a cold build of (b), a rebuild with nothing new (the first one finds
no kept site yet), ``--runs`` more, ``--runs`` more without the up-to-date record (the
incremental path: every store used as kept), then the day after the newest listing added (the
newest real day's papers under new ids and titles, as ``bench/run.py``'s (e)) and built,
one more with nothing new, the next morning as ``digest fetch`` leaves it: one more
day, and the day before it fetched again (upvotes grown, a paper more), and the first day
of the next month. Each figure is one whole ``python -m digest build``:
user+sys CPU seconds of the process and every process it waited for (Pagefind included,
from ``wait4``), wall seconds, and the load average before it. CPU seconds hold on a busy
machine; wall seconds do not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    ARCHIVE,
    archive_days,
    daily_items,
    make_digest,
    next_day,
    renamed,
    timed_cpu,
)

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Timing:
    cpu: float
    wall: float
    load: float


def build(code: Path, root: Path) -> Timing:
    """One ``digest build`` of ``root`` with the package of the checkout ``code``."""
    load = os.getloadavg()[0]
    wall, _, cpu = timed_cpu(
        [sys.executable, "-m", "digest", "build", "-q"],
        root,
        {**os.environ, "PYTHONPATH": str(code)},
    )
    return Timing(cpu, wall, load)


def add_next_day(root: Path, days: list[Path]) -> str:
    """The day after the newest, as tomorrow's fetch writes it: the newest real day's
    papers under new ids and titles (the same as bench/run.py's (e))."""
    return write_day(root, next_day(days), days[-1], 90000, "(next day)")


def write_day(root: Path, day: dt.date, template: Path, first_id: int, suffix: str) -> str:
    """A listing of ``day``: the papers of the real day ``template`` as new papers."""
    papers = [
        renamed(item, f"{day:%y%m}.{first_id + number}", suffix)
        for number, item in enumerate(daily_items(template))
    ]
    (root / "listings" / f"{day.isoformat()}.json").write_text(json.dumps(papers), "utf-8")
    return day.isoformat()


def fetch_again(root: Path, day: str, days: list[Path]) -> None:
    """``day`` as ``digest fetch`` finds it again the next morning (it fetches the last
    three days): every paper's upvotes grown, and one paper more, submitted late."""
    path = root / "listings" / f"{day}.json"
    papers = json.loads(path.read_text("utf-8"))
    for item in papers:
        item["paper"]["upvotes"] = (item["paper"].get("upvotes") or 0) + 3
    late = daily_items(days[-2])[0]
    papers.append(renamed(late, f"{day[2:4]}{day[5:7]}.{95000}", "(late)"))
    path.write_text(json.dumps(papers), "utf-8")


def measure(
    trees: list[tuple[str, Path]], work: Path, days: list[Path], runs: int
) -> list[tuple[str, str, Timing]]:
    """Every step for every tree in turn (cold A, cold B, nothing new A, B, ...), so that
    a machine growing busier or quieter weighs on both alike."""
    roots = {name: make_digest(work / name.replace(" ", "-"), days) for name, _ in trees}
    rows: list[tuple[str, str, Timing]] = []

    def step(label: str, *, forget: bool = False) -> None:
        for name, code in trees:
            if forget:
                (roots[name] / ".digest" / "up-to-date.json").unlink(missing_ok=True)
            rows.append((name, label, build(code, roots[name])))

    step("cold")
    step("nothing new, first (no kept site yet)")
    for run in range(runs):
        step(f"nothing new ({run + 1})")
    # What a build pays that cannot tell nothing changed (the up-to-date record lost, or
    # an input changed that shows nowhere): every store used as kept.
    for run in range(runs):
        step(f"nothing new, without the up-to-date record ({run + 1})", forget=True)
    day = ""
    for name, _ in trees:
        day = add_next_day(roots[name], days)
    step(f"+1 day ({day})")
    step("nothing new after it")
    # The next morning as it comes: a new day, and the day before it fetched again.
    later = dt.date.fromisoformat(day) + dt.timedelta(days=1)
    for name, _ in trees:
        fetch_again(roots[name], day, days)
        write_day(roots[name], later, days[-2], 80000, "(day after)")
    step(f"+1 day ({later}), {day} fetched again")
    # The first day of the next month: pages that list months change once a month.
    month = (later.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for name, _ in trees:
        write_day(roots[name], month, days[-3], 70000, "(new month)")
    step(f"+1 day ({month}), a new month")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another checkout to measure beside")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not ARCHIVE.exists():
        raise SystemExit(f"needs the archive at {ARCHIVE}")
    trees = [("this checkout", REPO)]
    if args.baseline:
        trees.insert(0, ("baseline", args.baseline.resolve()))
    with tempfile.TemporaryDirectory(prefix="new-day-") as scratch:
        work = Path(scratch)
        days = archive_days(work / "raw")
        rows = measure(trees, work, days, args.runs)
    print(
        f"\n{dt.date.today().isoformat()}, {platform.node()}: {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}\n"
    )
    print("| code | build | CPU s (user+sys) | wall s | load before |")
    print("|---|---|---|---|---|")
    for name, label, timing in rows:
        print(f"| {name} | {label} | {timing.cpu:.1f} | {timing.wall:.1f} | {timing.load:.2f} |")
    subprocess.run(["uptime"], check=False)


if __name__ == "__main__":
    main()
