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
of the next month. With ``--day-rounds N``, then N rounds of a usual new day: each tree's
digest as the steps left it (its site kept, every store warm) copied afresh (``cp -a``,
hard links kept), the day after its newest added and built, the trees in turn; the
minimum, median and maximum of each tree's rounds are printed too (this machine's speed
swings: one run a row says little). Each figure is one whole ``python -m digest build``:
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
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    ARCHIVE,
    archive_days,
    code_env,
    daily_items,
    load_range,
    make_digest,
    next_day,
    renamed,
    spread,
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
        code_env(code),
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


def day_rounds(
    trees: list[tuple[str, Path]], roots: dict[str, Path], days: list[Path], rounds: int
) -> dict[str, list[Timing]]:
    """A usual new day, ``rounds`` times a tree, in turn, each on a fresh copy."""
    newest = max(
        dt.date.fromisoformat(p.name[:10]) for p in roots[trees[0][0]].glob("listings/*.json")
    )
    timings: dict[str, list[Timing]] = {name: [] for name, _ in trees}
    for _ in range(rounds):
        for name, code in trees:
            copy = roots[name].with_name(roots[name].name + "-round")
            shutil.rmtree(copy, ignore_errors=True)
            subprocess.run(["cp", "-a", str(roots[name]), str(copy)], check=True)
            write_day(copy, newest + dt.timedelta(days=1), days[-4], 60000, "(a usual day)")
            timings[name].append(build(code, copy))
    return timings


def measure(
    trees: list[tuple[str, Path]], work: Path, days: list[Path], runs: int, rounds: int = 0
) -> tuple[list[tuple[str, str, Timing]], dict[str, list[Timing]]]:
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
    return rows, day_rounds(trees, roots, days, rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another checkout to measure beside")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--day-rounds", type=int, default=0, help="usual new days, in turn")
    args = parser.parse_args()
    if not ARCHIVE.exists():
        raise SystemExit(f"needs the archive at {ARCHIVE}")
    trees = [("this checkout", REPO)]
    if args.baseline:
        trees.insert(0, ("baseline", args.baseline.resolve()))
    with tempfile.TemporaryDirectory(prefix="new-day-") as scratch:
        work = Path(scratch)
        days = archive_days(work / "raw")
        rows, rounds = measure(trees, work, days, args.runs, args.day_rounds)
    print(
        f"\n{dt.date.today().isoformat()}, {platform.node()}: {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}\n"
    )
    print("| code | build | CPU s (user+sys) | wall s | load before |")
    print("|---|---|---|---|---|")
    for name, label, timing in rows:
        print(f"| {name} | {label} | {timing.cpu:.1f} | {timing.wall:.1f} | {timing.load:.2f} |")
    if args.day_rounds:
        print("\n| code | a usual new day, rounds | CPU s min | median | max | load before |")
        print("|---|---|---|---|---|---|")
        for name, timings in rounds.items():
            cpu = [t.cpu for t in timings]
            print(
                f"| {name} | {len(cpu)} | {spread(cpu)} | {load_range([t.load for t in timings])} |"
            )
    subprocess.run(["uptime"], check=False)


if __name__ == "__main__":
    main()
