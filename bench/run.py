"""Benchmark: whole builds of real and derived archives, ours against a naive MkDocs site.

    python bench/run.py [--skip-naive] [--only seed,archive,30k]

Workloads: (a) the shipped seed; (b) the real two-year Hugging Face archive (580 days,
9,881 items); (c) 30,000 papers derived from (b): the real days three times over, shifted
in time, with distinct ids; (d) for (b) and (c) a naive baseline, the same papers as plain
per-day Markdown pages built by MkDocs + Material with its default search and full
navigation; (e) a rebuild after adding one new day to (b) and to (c).

For each: wall seconds, peak RSS of the whole process tree (sampled from /proc), pages,
site size, search index size, and the bytes a browser downloads for one query, measured
in Debian's Chromium. Prints a Markdown table to paste into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import functools
import gzip
import http.server
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
ARCHIVE = SHARED / "archive" / "hf-daily-papers-2024-2026.tar.xz"
QUERY = "diffusion"


@dataclass
class Result:
    name: str
    seconds: float
    peak_mb: float
    pages: int
    site_mb: float
    index_mb: float
    query_kb: float | None
    sort_kb: float | None = None  # the sort files a reader fetches to order results by date


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(
                next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError, StopIteration, ValueError):
            continue
    return total


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS of its process tree in MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-3000:]}")
    return seconds, peak / 1024


def code_env(code: Path) -> dict[str, str]:
    """The environment a build of the checkout ``code`` is timed in: as an installed
    package runs, with its modules' bytecode kept (a shell with PYTHONDONTWRITEBYTECODE
    set compiles 113 modules each build: 0.17 CPU s no user pays)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(code)}


def timed_cpu(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Run a command; return (wall seconds, peak RSS of its process tree in MB, CPU
    seconds: user+sys of the process and every process it waited for, from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-3000:]}")
    return seconds, peak / 1024, usage.ru_utime + usage.ru_stime


def spread(values: list[float]) -> str:
    """Rounds of one measure as table cells: their minimum, median and maximum."""
    return f"{min(values):.2f} | {statistics.median(values):.2f} | {max(values):.2f}"


def load_range(loads: list[float]) -> str:
    return f"{min(loads):.2f}-{max(loads):.2f}"


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def count_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def make_digest(root: Path, listings: list[Path]) -> Path:
    root.mkdir(parents=True)
    for name in ("digest.yml", "mkdocs.yml"):
        shutil.copy2(REPO / name, root / name)
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    (root / "listings").mkdir()
    for listing in listings:
        shutil.copy2(listing, root / "listings" / listing.name)
    return root


def archive_days(work: Path) -> list[Path]:
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(work, filter="data")
    return sorted((work / "hf-daily-papers").glob("*.json"))


def daily_items(day_file: Path) -> list[dict]:
    """The items of an archived Hugging Face day (a list or an envelope; some items are
    Python-repr strings)."""
    data = json.loads(day_file.read_text(encoding="utf-8"))
    items = data["data"] if isinstance(data, dict) else data
    return [ast.literal_eval(item) if isinstance(item, str) else item for item in items]


def renamed(item: dict, arxiv_id: str, title_suffix: str) -> dict:
    """The item as another paper: a new id and a title of its own."""
    item["paper"]["id"] = arxiv_id
    item["paper"]["title"] = f"{item['paper']['title']} {title_suffix}"
    return item


def derive_30k(days: list[Path], target: Path) -> list[Path]:
    """The real days three times over: copy k shifted by k * 820 days, ids made distinct."""
    target.mkdir(parents=True)
    span = 820
    made = []
    for copy in range(3):
        for day_file in days:
            day = dt.date.fromisoformat(day_file.stem) + dt.timedelta(days=copy * span)
            papers = daily_items(day_file)
            if copy:
                for item in papers:
                    yymm, number = item["paper"]["id"].split(".")
                    renamed(item, f"{90 + copy}{yymm[2:]}.{number}", f"({copy + 1})")
            out = target / f"{day.isoformat()}.json"
            out.write_text(json.dumps(papers), encoding="utf-8")
            made.append(out)
    return made


def naive_site(root: Path, digest_root: Path) -> Path:
    """The same papers as plain per-day Markdown, MkDocs + Material defaults."""
    sys.path.insert(0, str(REPO))
    from digest.build import read_everything
    from digest.catalog.merge import build_catalog

    outcome = read_everything(digest_root, None)
    catalog = build_catalog(outcome.papers, outcome.config)
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Papers\n", encoding="utf-8")
    for day in catalog.days():
        lines = [f"# Papers of {day.isoformat()}", ""]
        for paper in catalog.on_day(day):
            lines += [f"## {paper.title}", "", paper.abstract, ""]
        (docs / f"{day.isoformat()}.md").write_text("\n".join(lines), encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Naive digest\nsite_url: https://example.org/naive/\ntheme:\n  name: material\n",
        encoding="utf-8",
    )
    return root


# What GitHub Pages compresses on the way (text types); Pagefind's own files are
# gzip-compressed already and go as they are.
COMPRESSED_TYPES = (".html", ".css", ".js", ".json", ".xml", ".svg")


class PagesLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a site the way GitHub Pages does for what matters here: text gzip-compressed
    when the browser accepts it, everything else as it is."""

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSED_TYPES and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def browser_query_kb(site: Path, search_page: str) -> float:
    """Bytes on the wire from /pagefind/ to answer one query, in Chromium, served like
    GitHub Pages (text compressed)."""
    from playwright.sync_api import sync_playwright

    served = Path(tempfile.mkdtemp())
    (served / "repo").symlink_to(site)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(PagesLikeHandler, directory=str(served))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/repo/"
    responses = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        page.on("response", lambda response: responses.append(response))
        page.goto(base + search_page)
        page.wait_for_load_state("networkidle")
        responses.clear()  # count the query, not the page load
        page.locator("#pd-search input").fill(QUERY)
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")
        time.sleep(1)
        fetched = sum(
            r.request.sizes()["responseBodySize"] for r in responses if "/pagefind/" in r.url
        )
        browser.close()
    server.shutdown()
    return fetched / 1000


def ours(name: str, root: Path) -> Result:
    seconds, peak = timed([sys.executable, "-m", "digest", "build", "-q"], root)
    site = root / "site"
    return Result(
        name,
        seconds,
        peak,
        count_pages(site),
        folder_mb(site),
        folder_mb(site / "pagefind"),
        browser_query_kb(site, ""),
        sum(
            len(gzip.compress(path.read_bytes(), mtime=0))
            for path in site.glob("pagefind/**/pd-sort.json")
        )
        / 1000,
    )


def naive(name: str, root: Path) -> Result:
    seconds, peak = timed([sys.executable, "-m", "mkdocs", "build", "-q"], root)
    site = root / "site"
    index = site / "search" / "search_index.json"
    # The whole lunr index and its worker, gzip-compressed as GitHub Pages sends them.
    downloads = [index, *(site / "assets" / "javascripts" / "workers").glob("search*.js")]
    query_kb = sum(len(gzip.compress(path.read_bytes(), mtime=0)) for path in downloads) / 1000
    return Result(
        name,
        seconds,
        peak,
        count_pages(site),
        folder_mb(site),
        index.stat().st_size / 1e6,
        query_kb,
    )


def next_day(listings: list[Path]) -> dt.date:
    """The day after the newest listing: what tomorrow's fetch brings."""
    return max(dt.date.fromisoformat(path.stem) for path in listings) + dt.timedelta(days=1)


def add_day(root: Path, template: Path, day: dt.date) -> float:
    """Tomorrow's listing: the newest real day's papers as new papers (fresh ids and
    titles), the way a new day brings papers the archive has not seen."""
    papers = [
        renamed(item, f"{day:%y%m}.{90000 + number}", "(next day)")
        for number, item in enumerate(daily_items(template))
    ]
    (root / "listings" / f"{day.isoformat()}.json").write_text(json.dumps(papers), "utf-8")
    seconds, _ = timed([sys.executable, "-m", "digest", "build", "-q"], root)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--only", default="seed,archive,30k")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="digest-bench-"))
    results: list[Result] = []
    rebuilds: dict[str, float] = {}
    try:
        if "seed" in wanted:
            results.append(
                ours(
                    "(a) seed, 86 papers",
                    make_digest(work / "seed", list((REPO / "listings").iterdir())),
                )
            )
        days = archive_days(work / "raw")
        if "archive" in wanted:
            root = make_digest(work / "archive", days)
            results.append(ours("(b) archive, 9,881 items", root))
            if not args.skip_naive:
                results.append(naive("(d) naive (b)", naive_site(work / "naive-archive", root)))
            rebuilds["(e) (b) + one day"] = add_day(root, days[-1], next_day(days))
        if "30k" in wanted:
            derived = derive_30k(days, work / "derived")
            root = make_digest(work / "30k", derived)
            results.append(ours("(c) 3x archive, 29,643 items", root))
            if not args.skip_naive:
                results.append(naive("(d) naive (c)", naive_site(work / "naive-30k", root)))
            rebuilds["(e) (c) + one day"] = add_day(root, days[-1], next_day(derived))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"\n{dt.date.today().isoformat()}, {platform.node()}: {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}\n"
    )
    print(
        "| workload | wall s | peak RSS MB | pages | site MB | search index MB | one query KB | + sorted KB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        query = f"{r.query_kb:,.0f}" if r.query_kb is not None else "-"
        sort = f"{r.sort_kb:,.0f}" if r.sort_kb is not None else "-"
        print(
            f"| {r.name} | {r.seconds:.1f} | {r.peak_mb:,.0f} | {r.pages:,} | {r.site_mb:,.0f} | {r.index_mb:,.1f} | {query} | {sort} |"
        )
    for name, seconds in rebuilds.items():
        print(f"| {name} | {seconds:.1f} | | | | | | |")
    by_name = {r.name[:3]: r for r in results}
    for ours_key, naive_name in (("(b)", "(d) naive (b)"), ("(c)", "(d) naive (c)")):
        naive_result = next((r for r in results if r.name == naive_name), None)
        if ours_key in by_name and naive_result:
            mine = by_name[ours_key]
            print(
                f"\nnaive/ours for {ours_key}: build {naive_result.seconds / mine.seconds:.1f}x, "
                f"site {naive_result.site_mb / mine.site_mb:.1f}x, one query {naive_result.query_kb / mine.query_kb:.0f}x"
            )


if __name__ == "__main__":
    main()
