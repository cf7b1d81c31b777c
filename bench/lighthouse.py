"""Lighthouse (npm ``lighthouse``, mobile preset, Debian's headless Chromium) on a built
site: performance and accessibility of the home page, a day, a topic month and a
paper's page. Measurements to record in bench/RESULTS.md, not test assertions.

    npm install --prefix /tmp/lh lighthouse@12
    python bench/lighthouse.py SITE [--lighthouse /tmp/lh/node_modules/.bin/lighthouse]
        [--pages "" days/2026-08-21/ topics/agents-rl/2026-08/ papers/2608.19880/]

The site is served on 127.0.0.1 under the path of its site_url, as GitHub Pages serves
it, with text gzip-compressed.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

PAGES = ["", "days/2026-08-21/", "topics/agents-rl/2026-08/", "papers/2608.19880/"]
COMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")


class Gzipped(http.server.SimpleHTTPRequestHandler):
    """Text gzip-compressed, as GitHub Pages sends it."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix.lower() not in COMPRESSED or not path.is_file():
            return super().send_head()
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("--lighthouse", default="/tmp/lh/node_modules/.bin/lighthouse")
    parser.add_argument("--base", default="paper-digest", help="the site_url's path")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="digest-lh-"))
    shutil.copytree(args.site, root / args.base)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Gzipped, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{args.base}/"
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
    print("| page | performance | accessibility | best practices | SEO | bytes |")
    print("|---|---|---|---|---|---|")
    try:
        for page in args.pages:
            report = root / "report.json"
            subprocess.run(
                [
                    args.lighthouse,
                    url + page,
                    "--quiet",
                    "--output=json",
                    f"--output-path={report}",
                    "--only-categories=performance,accessibility,best-practices,seo",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                ],
                check=True,
                env=env,
            )
            data = json.loads(report.read_text(encoding="utf-8"))
            scores = {k: round(v["score"] * 100) for k, v in data["categories"].items()}
            weight = data["audits"]["total-byte-weight"]["numericValue"]
            print(
                f"| {page or 'home'} | {scores['performance']} | {scores['accessibility']} | "
                f"{scores['best-practices']} | {scores['seo']} | {weight / 1000:,.0f} KB |"
            )
            # What cost points, to act on.
            for category in ("accessibility", "performance"):
                for ref in data["categories"][category]["auditRefs"]:
                    audit = data["audits"][ref["id"]]
                    if ref["weight"] and audit["score"] is not None and audit["score"] < 0.9:
                        items = (audit.get("details") or {}).get("items") or []
                        where = [str((i.get("node") or {}).get("selector", "")) for i in items[:3]]
                        print(
                            f"    {category}: {ref['id']} ({audit['score']}) {audit.get('displayValue', '')} {where}"
                        )
    finally:
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
