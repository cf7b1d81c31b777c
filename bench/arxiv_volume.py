"""Benchmark (f): a year of arXiv volume, capped per day.

    python bench/arxiv_volume.py [--days 261] [--per-day 700] [--cap 60]

A digest following a few arXiv categories gets 450-700 papers a weekday. This builds
one: every weekday of a year, an rss.arxiv.org feed of ``--per-day`` items, and a
``filters: {per_day: 60}`` cap with a real Zotero export as the library to rank by.

The items are real text in arXiv's RSS layout (tests/fixtures/formats has a real
rss.arxiv.org feed): titles, abstracts, authors and categories of the 723 arXiv items of
../shared/data/samples/rss and the 9,881 papers of the two-year archive, cycled, each
with a new id and date. Announce types follow a cs.LG day's mix (made up: about half
new, a fifth cross-lists, the rest replacements of earlier days' papers, as arXiv
announces them). Records cold build, a new day, peak memory, site size, the largest day
page and feed.xml.

    python bench/arxiv_volume.py --days N --day-rounds R [--baseline TREE]

measures instead a usual new day, R times, for this checkout (and another checkout, e.g.
a ``git worktree`` of an earlier commit, in turn): the same listings built cold and then
a first new day by each tree, so that its site and stores are kept; then, each round,
that digest copied afresh (``cp -a``), the next weekday's listing added and built. It
prints each tree's minimum, median and maximum CPU s (user+sys, Pagefind included) and
peak RSS: this machine's speed swings, and one run a figure says little.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (
    REPO,
    SHARED,
    archive_days,
    code_env,
    daily_items,
    folder_mb,
    load_range,
    make_digest,
    spread,
    timed_cpu,
)

RSS_SAMPLE = SHARED / "samples" / "rss" / "dzdydx_arxiv-rss-filter_feed.xml"
LIBRARY = SHARED / "samples" / "zotero-exports" / "ajaygunalan_AjVault_My-Library_BetterBibTeX.bib"
# Of each 10 items: 5 new, 2 cross-lists, 2 replacements, 1 replaced cross-list.
KINDS = ("new",) * 5 + ("cross",) * 2 + ("replace",) * 2 + ("replace-cross",)
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def texts() -> list[dict[str, object]]:
    """Real papers' text: the arXiv RSS sample's items, then the archive's papers."""
    pool: list[dict[str, object]] = []
    tree = ElementTree.parse(RSS_SAMPLE)
    for item in tree.iter("item"):
        description = item.findtext("description") or ""
        abstract = description.split("Abstract:", 1)[-1].strip()
        pool.append(
            {
                "title": (item.findtext("title") or "").strip(),
                "abstract": abstract,
                "authors": [a.text or "" for a in item.findall(f"{DC}creator")],
                "categories": ["cs.LG"],
            }
        )
    work = Path(tempfile.mkdtemp(prefix="digest-f-raw-"))
    try:
        for day in archive_days(work):
            for entry in daily_items(day):
                paper = entry["paper"]
                pool.append(
                    {
                        "title": " ".join(paper["title"].split()),
                        "abstract": " ".join((paper.get("summary") or "").split()),
                        "authors": [a.get("name", "") for a in paper.get("authors", [])],
                        "categories": ["cs.LG", "cs.CL"] if len(pool) % 3 else ["cs.CV"],
                    }
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return pool


def weekdays(first: dt.date, count: int) -> list[dt.date]:
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def item_xml(arxiv_id: str, kind: str, text: dict[str, object], day: dt.date) -> str:
    stamp = email.utils.format_datetime(
        dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    )
    categories = "".join(f"<category>{c}</category>" for c in text["categories"])  # type: ignore[union-attr]
    authors = ", ".join(text["authors"][:8]) or "Anonymous"  # type: ignore[index]
    return (
        f"<item><title>{escape(str(text['title']))}</title>"
        f"<link>https://arxiv.org/abs/{arxiv_id}</link>"
        f"<description>arXiv:{arxiv_id}v{2 if kind.startswith('replace') else 1} Announce Type: {kind} \n"
        f"Abstract: {escape(str(text['abstract']))}</description>"
        f'<guid isPermaLink="false">oai:arXiv.org:{arxiv_id}v1</guid>{categories}'
        f"<pubDate>{stamp}</pubDate><arxiv:announce_type>{kind}</arxiv:announce_type>"
        f"<dc:rights>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</dc:rights>"
        f"<dc:creator>{escape(authors)}</dc:creator></item>"
    )


def write_day(
    folder: Path, day: dt.date, number: int, per_day: int, pool: list[dict[str, object]]
) -> None:
    """Day ``number``: new papers get ids of their own; replacements name papers of the
    days before (the same id again, so they merge with their first sighting)."""
    items = []
    for n in range(per_day):
        kind = KINDS[n % len(KINDS)]
        if kind.startswith("replace") and number > 0:
            earlier = number - 1 - (n % min(number, 20))
            seq = (n * 7) % per_day
            owner = earlier
        else:
            seq, owner = n, number
        # A made-up month per day (50-71 are years arXiv has not reached): distinct ids.
        arxiv_id = f"{50 + owner // 12}{owner % 12 + 1:02d}.{seq:05d}"
        text = pool[(owner * per_day + seq) % len(pool)]
        items.append(item_xml(arxiv_id, kind, text, day))
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">'
        "<channel><title>cs.LG updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.LG</link>"
        "<description>cs.LG updates on the arXiv.org e-print archive.</description>"
        f"<pubDate>{email.utils.format_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(dt.timedelta(hours=-4))))}</pubDate>"
    )
    (folder / f"{day.isoformat()}-arxiv-cs.LG.xml").write_text(
        head + "".join(items) + "</channel></rss>\n", encoding="utf-8"
    )


def configure(root: Path, cap: int) -> None:
    (root / "library").mkdir()
    shutil.copy2(LIBRARY, root / "library" / LIBRARY.name)
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write(f"\nlibrary: [library]\nfilters: {{per_day: {cap}}}\n")


def largest(site: Path, pattern: str) -> tuple[str, int]:
    sizes = [(str(p.relative_to(site)), p.stat().st_size) for p in site.glob(pattern)]
    return max(sizes, key=lambda pair: pair[1])


def usual_days(args: argparse.Namespace, pool: list[dict[str, object]]) -> None:
    """A usual new day, ``--day-rounds`` times a tree, the trees in turn."""
    trees = [("this checkout", REPO)]
    if args.baseline:
        trees.insert(0, ("baseline", args.baseline.resolve()))
    command = [sys.executable, "-m", "digest", "build", "-q"]
    envs = {name: code_env(code) for name, code in trees}
    days = weekdays(dt.date(2025, 1, 6), args.days + 2)
    timings: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in trees}
    with tempfile.TemporaryDirectory(prefix="digest-bench-f-rounds-") as scratch:
        work = Path(scratch)
        source = make_digest(work / "listed", [])
        configure(source, args.cap)
        for number, day in enumerate(days[:-2]):
            write_day(source / "listings", day, number, args.per_day, pool)
        roots = {}
        for name, _ in trees:
            root = roots[name] = work / name.replace(" ", "-")
            subprocess.run(["cp", "-a", str(source), str(root)], check=True)
            timed_cpu(command, root, envs[name])  # cold
            write_day(root / "listings", days[-2], args.days, args.per_day, pool)
            timed_cpu(command, root, envs[name])  # a first new day: its site is kept
        for _ in range(args.day_rounds):
            for name, _ in trees:
                copy = work / "round"
                shutil.rmtree(copy, ignore_errors=True)
                subprocess.run(["cp", "-a", str(roots[name]), str(copy)], check=True)
                write_day(copy / "listings", days[-1], args.days + 1, args.per_day, pool)
                load = os.getloadavg()[0]
                _, peak, cpu = timed_cpu(command, copy, envs[name])
                timings[name].append((cpu, peak, load))
    print(
        f"\n{dt.date.today().isoformat()}: workload (f), a usual new day after {args.days} "
        f"weekdays x {args.per_day} arXiv items, cap {args.cap} a day\n"
    )
    print("| code | rounds | CPU s min | median | max | peak RSS, median | load before |")
    print("|---|---|---|---|---|---|---|")
    for name, rows in timings.items():
        peak = statistics.median(row[1] for row in rows)
        print(
            f"| {name} | {len(rows)} | {spread([row[0] for row in rows])} | {peak:,.0f} MB | "
            f"{load_range([row[2] for row in rows])} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=261, help="weekdays (a year: 261)")
    parser.add_argument("--per-day", type=int, default=700)
    parser.add_argument("--cap", type=int, default=60)
    parser.add_argument("--day-rounds", type=int, default=0, help="usual new days, in turn")
    parser.add_argument("--baseline", type=Path, help="another checkout, with --day-rounds")
    args = parser.parse_args()
    pool = texts()
    if args.day_rounds:
        usual_days(args, pool)
        return
    work = Path(tempfile.mkdtemp(prefix="digest-bench-f-"))
    try:
        root = make_digest(work / "f", [])
        configure(root, args.cap)
        days = weekdays(dt.date(2025, 1, 6), args.days + 1)
        for number, day in enumerate(days[:-1]):
            write_day(root / "listings", day, number, args.per_day, pool)
        command = [sys.executable, "-m", "digest", "build", "-q"]
        loads = [os.getloadavg()[0]]
        cold, peak, cold_cpu = timed_cpu(command, root)
        site = root / "site"
        site_mb = folder_mb(site)
        day_page = largest(site, "days/*/index.html")
        feed = (site / "feed.xml").stat().st_size
        write_day(root / "listings", days[-1], args.days, args.per_day, pool)
        loads.append(os.getloadavg()[0])
        new_day, new_peak, new_cpu = timed_cpu(command, root)
        loads.append(os.getloadavg()[0])
        unchanged, _, unchanged_cpu = timed_cpu(command, root)
        loads.append(os.getloadavg()[0])
        new_page = (site / "days" / days[-1].isoformat() / "index.html").stat().st_size
        status = (site / "status" / "index.html").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    items = args.days * args.per_day
    print(
        f"\n{dt.date.today().isoformat()}: workload (f), {args.days} weekdays x {args.per_day} "
        f"arXiv items = {items:,}, cap {args.cap} a day\n"
    )
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| cold build | {cold:.1f} s wall, {cold_cpu:.1f} CPU s | |")
    print(f"| peak RSS, cold | {peak:,.0f} MB | |")
    print(f"| new day | {new_day:.1f} s wall, {new_cpu:.1f} CPU s | <= 8 CPU s |")
    print(f"| nothing new after it | {unchanged:.1f} s wall, {unchanged_cpu:.1f} CPU s | |")
    print(f"| peak RSS, new day | {new_peak:,.0f} MB | |")
    print(f"| site | {site_mb:,.0f} MB | |")
    print(f"| largest day page | {day_page[1] / 1000:,.0f} KB ({day_page[0]}) | <= 400 KB |")
    print(f"| the new day's page | {new_page / 1000:,.0f} KB | <= 400 KB |")
    print(f"| feed.xml | {feed / 1000:,.0f} KB | <= 500 KB |")
    print(f"| status page names the cap | {'beyond the per-day cap' in status} | |")
    print(f"| load average before each build | {', '.join(f'{load:.2f}' for load in loads)} | |")
    print(
        json.dumps({"cold": cold, "cold_cpu": cold_cpu, "new_day": new_day, "new_cpu": new_cpu}),
        file=sys.stderr,
    )


if __name__ == "__main__":
    if not RSS_SAMPLE.is_file():
        sys.exit(f"needs ../shared/data (not found: {RSS_SAMPLE})")
    _ = REPO
    main()
