"""What the golden snapshot holds of a built site (see regenerate.py)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

SNAPSHOT = Path(__file__).resolve().parent / "shipped"


def snapshot(site: Path) -> dict[str, bytes]:
    """Each page's article (ours, not the theme's), each feed and each .bib file."""
    files: dict[str, bytes] = {}
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if not path.is_file() or relative.startswith(("assets/", "pagefind/", "search/")):
            continue
        if path.suffix == ".html":
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            article = soup.select_one("article.md-content__inner")
            if article is not None:
                files[f"pages/{relative}"] = (article.decode_contents().strip() + "\n").encode()
        elif path.suffix in (".xml", ".bib") and path.name != "sitemap.xml":
            files[relative] = path.read_bytes()
    return files
