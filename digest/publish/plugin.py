"""Our one addition to MkDocs' build, registered in code (no third-party plugin): put the
raw HTML set aside by ``render.RawHtml`` back into each finished page, and reuse the
pages ``page_cache`` says are unchanged instead of rendering them again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from digest.filesystem import link_kept
from digest.incremental.page_cache import PageCache
from digest.site.raw_store import RawStore, fill_placeholders


def _unchanged() -> bool:
    return False


_MATH = 'class="arithmatex"'


class DigestPlugin(BasePlugin):  # type: ignore[type-arg,unused-ignore]
    def __init__(self, raw: RawStore, pages: PageCache) -> None:
        super().__init__()
        self.raw = raw
        self.pages = pages
        self.linked: list[File] = []
        # The raw blocks of the page being built: read in on_page_content, filled in by
        # on_post_page (read once).
        self._read: tuple[str, list[str] | None] | None = None

    def on_files(self, files: Files, /, *, config: Any) -> Files:
        docs = Path(config.docs_dir)
        for file in [*files.static_pages(), *files.media_files()]:
            if file.abs_src_path and Path(file.abs_src_path).is_relative_to(docs):
                # Feeds, .bib files, MathJax: linked into the site after the build
                # instead of copied (thousands of files on a large archive).
                self.linked.append(file)
                file.is_modified = _unchanged  # type: ignore[method-assign]
        for file in files.documentation_pages():
            if file.src_uri not in self.pages.entries:
                continue  # a hand-written page: rendered every time
            self.pages.destinations[file.src_uri] = file.dest_uri
            if file.src_uri in self.pages.reusable:
                # MkDocs' dirty build skips a page whose file says it is unchanged; here
                # the cache key decides that, not file times.
                file.is_modified = _unchanged  # type: ignore[method-assign]
        return files

    def on_page_content(self, html: str, /, *, page: Page, config: Any, files: Files) -> str:
        """Tell the theme whether the page holds a formula (``page.meta.math``): MathJax,
        1.2 MB, is loaded only where one is."""
        blocks = self.raw.get(page.file.src_uri)
        self._read = (page.file.src_uri, blocks)
        page.meta["math"] = _MATH in html or any(_MATH in block for block in blocks or [])
        return html

    def on_post_page(self, output: str, /, *, page: Page, config: Any) -> str:
        read = self._read
        blocks = (
            read[1] if read and read[0] == page.file.src_uri else self.raw.get(page.file.src_uri)
        )
        if blocks is None:
            return output
        # Replaced after the theme rendered the page, so the blocks never sit in
        # page.content, which MkDocs keeps for every page until the build ends.
        return fill_placeholders(output, blocks)

    def on_post_build(self, *, config: Any) -> None:
        site_dir = Path(config.site_dir)
        for page in self.pages.reusable:
            self.pages.place(page, site_dir / self.pages.destinations[page])
        for file in self.linked:
            target = Path(file.abs_dest_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            assert file.abs_src_path is not None  # only files with a source were taken
            link_kept(file.abs_src_path, target)
