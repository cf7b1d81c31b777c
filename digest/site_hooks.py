"""Our one addition to MkDocs' build, registered in code (no third-party plugin): put the
paper cards set aside by ``render.RawHtml`` back into each finished page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

_PLACEHOLDER = re.compile(r'<div data-digest-raw="(\d+)"></div>')


class RawHtmlPlugin(BasePlugin):  # type: ignore[type-arg]
    def __init__(self, raw_dir: Path) -> None:
        super().__init__()
        self.raw_dir = raw_dir

    def on_post_page(self, output: str, /, *, page: Page, config: Any) -> str:
        raw = self.raw_dir / f"{page.file.src_uri}.json"
        if not raw.is_file():
            return output
        chunks = json.loads(raw.read_text(encoding="utf-8"))
        # Replaced after the theme rendered the page, so the cards never sit in
        # page.content, which MkDocs keeps for every page until the build ends.
        return _PLACEHOLDER.sub(lambda match: chunks[int(match.group(1))], output)
