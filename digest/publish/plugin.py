"""Our one addition to MkDocs' build, registered in code (no third-party plugin): put the
raw HTML set aside by ``render.RawHtml`` back into each finished page, reuse the pages
``page_cache`` says are unchanged instead of rendering them again, and build into a folder
that holds an earlier site (``publish.spare``) without writing through any of its files."""

from __future__ import annotations

import filecmp
import functools
import os
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from digest.filesystem import link_in_place, remove_quietly
from digest.incremental.page_cache import PageCache
from digest.publish.spare import clear_way
from digest.site.raw_store import RawStore, fill_placeholders


def _unchanged() -> bool:
    return False


def _changed() -> bool:
    return True


def _differs(file: File) -> bool:
    """Whether a theme file MkDocs copies differs from the copy in the site folder: by its
    bytes, not MkDocs' file times (a copy edited in an earlier site is newer, not right)."""
    assert file.abs_src_path is not None
    destination = Path(file.abs_dest_path)
    try:
        if destination.is_symlink() or not destination.is_file():
            return True
        return not filecmp.cmp(file.abs_src_path, destination, shallow=False)
    except OSError:
        return True


_MATH = 'class="arithmatex"'


class DigestPlugin(BasePlugin):  # type: ignore[type-arg,unused-ignore]
    def __init__(
        self,
        raw: RawStore,
        pages: PageCache,
        static: dict[str, str],
        compiled: jinja2.BytecodeCache | None = None,
    ) -> None:
        """``static``: files MkDocs never sees, linked into the site by their path in it;
        ``compiled``: where the theme's templates are kept compiled."""
        super().__init__()
        self.compiled = compiled
        self.raw = raw
        self.pages = pages
        self.static = static
        self.linked: list[File] = []
        # Every file this build puts into the site folder, relative to it: what else an
        # earlier site left there is swept away (``spare.sweep``).
        self.expected: set[str] = set()
        # The raw blocks of the page being built: read in on_page_content, filled in by
        # on_post_page (read once).
        self._read: tuple[str, list[str] | None] | None = None

    def on_env(
        self, env: jinja2.Environment, /, *, config: Any, files: Files
    ) -> jinja2.Environment:
        env.bytecode_cache = self.compiled
        return env

    def on_files(self, files: Files, /, *, config: Any) -> Files:
        docs = Path(config.docs_dir)
        for file in [*files.static_pages(), *files.media_files()]:
            if file.abs_src_path and Path(file.abs_src_path).is_relative_to(docs):
                # Feeds, .bib files, MathJax: linked into the site after the build
                # instead of copied (thousands of files on a large archive).
                self.linked.append(file)
                file.is_modified = _unchanged  # type: ignore[method-assign]
            elif file.abs_src_path:
                file.is_modified = functools.partial(_differs, file)  # type: ignore[method-assign]
        for file in files.documentation_pages():
            # MkDocs' dirty build skips a page whose file says it is unchanged; here the
            # cache key decides that, not file times (the site folder holds an earlier
            # site, whose pages are newer than sources that did not change).
            file.is_modified = _changed  # type: ignore[method-assign]
            if file.src_uri not in self.pages.entries:
                continue  # a hand-written page: rendered every time
            self.pages.destinations[file.src_uri] = file.dest_uri
            if file.src_uri in self.pages.reusable:
                file.is_modified = _unchanged  # type: ignore[method-assign]
        return files

    def on_pre_page(self, page: Page, /, *, config: Any, files: Files) -> Page:
        """The page is about to be rendered: what an earlier site has at its place goes
        first (MkDocs would write through it, into a page a published site links)."""
        remove_quietly(Path(page.file.abs_dest_path))
        return page

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
        # As strings: 10,000 paper pages a build, each already in place in the site kept
        # from the build before (``publish.spare``).
        root = str(site_dir)
        linked: list[tuple[str, str]] = [
            (source, os.path.join(root, relative)) for relative, source in self.static.items()
        ]
        for file in self.linked:
            assert file.abs_src_path is not None  # only files with a source were taken
            linked.append((file.abs_src_path, file.abs_dest_path))
        for source, target in linked:
            link_in_place(source, target)  # and its folder, where missing

    def on_nav(self, nav: Any, /, *, config: Any, files: Files) -> Any:
        """Before MkDocs writes anything: what it will write, and the way cleared."""
        self.expected = {file.dest_uri for file in files if file.inclusion.is_included()}
        self.expected.update(self.static)
        for template in [*config.theme.static_templates, *config.extra_templates]:
            self.expected.add(template)
            if template == "sitemap.xml":
                self.expected.add("sitemap.xml.gz")  # MkDocs writes it beside
        clear_way(Path(config.site_dir), self.expected)
        return nav
