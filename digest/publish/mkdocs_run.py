"""Turn the generated docs folder into a site with MkDocs + Material (into ``.digest/site``;
``publish.swap`` puts it in place), and bring MathJax along."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from digest.filesystem import SyncedFolder
from digest.incremental.page_cache import PageCache
from digest.problems import DigestError
from digest.publish.plugin import DigestPlugin
from digest.site.raw_store import RawStore

THEME_OVERRIDES = resources.files("digest") / "templates" / "theme"
log = logging.getLogger("digest")


def mathjax_dir() -> Path:
    """MathJax's browser bundle, shipped by the django-static-mathjax package."""
    return Path(str(resources.files("mathjax") / "static" / "mathjax" / "es5"))


def copy_mathjax(docs: SyncedFolder) -> None:
    source = mathjax_dir()
    docs.copy("assets/mathjax/tex-chtml.js", source / "tex-chtml.js")
    fonts = source / "output" / "chtml" / "fonts" / "woff-v2"
    for font in sorted(fonts.iterdir()):
        docs.copy(f"assets/mathjax/output/chtml/fonts/woff-v2/{font.name}", font)


def load_mkdocs_config(
    config_file: Path, docs_dir: Path, site_dir: Path, strict: bool
) -> MkDocsConfig:
    try:
        config = load_config(
            config_file=str(config_file),
            docs_dir=str(docs_dir),
            site_dir=str(site_dir),
            strict=strict,
            use_directory_urls=True,
        )
    except MkDocsException as err:
        raise DigestError(f"{config_file.name}: {err}") from err
    except OSError as err:
        raise DigestError(
            f"{config_file}: cannot read ({err.strerror}); create it or set 'mkdocs:' in digest.yml"
        ) from err
    if not config.site_url:
        raise DigestError(
            f"{config_file.name}: site_url is not set; feeds need absolute links. "
            "Add e.g. site_url: https://owner.github.io/repo/"
        )
    # Day and month pages are linked from the archive and topic pages, not the navigation,
    # on purpose: MkDocs would otherwise list every one of them at each build.
    config.validation.nav.omitted_files = logging.DEBUG
    # Our overrides sit under the digest's own custom_dir and above Material itself.
    position = 1 if config.theme.custom_dir else 0
    config.theme.dirs.insert(position, str(THEME_OVERRIDES))
    for name in ("search", "material/search"):
        if name in config.plugins:
            log.warning(
                "%s: plugin 'search' builds a lunr index of the whole archive; digest uses "
                "Pagefind instead. Set 'plugins: []' to silence this",
                config_file.name,
            )
            _remove_plugin(config, name)
    return config


def _remove_plugin(config: MkDocsConfig, name: str) -> None:
    plugin = config.plugins.pop(name)
    for handlers in config.plugins.events.values():
        handlers[:] = [h for h in handlers if getattr(h, "__self__", None) is not plugin]


def site_info_from(config: MkDocsConfig) -> dict[str, Any]:
    return {
        "name": config.site_name,
        "url": config.site_url,
        "description": config.site_description or "",
        "language": config.theme.get("language") or "en",
        "copyright": config.copyright or "",
        # Material's own favicon when the theme names none: every Material site has it.
        "image": config.theme.get("logo")
        or config.theme.get("favicon")
        or "assets/images/favicon.png",
        "favicon": config.theme.get("favicon") or "assets/images/favicon.png",
    }


@contextmanager
def build_date(day: dt.date | None) -> Iterator[None]:
    """Date MkDocs' output (sitemap lastmod, gzip header) by the data, not the clock."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.combine(day or dt.date(1970, 1, 1), dt.time(0, 0), tzinfo=dt.UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


class _NoDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may show stale navigation; ours cannot (the
    navigation is in every cached page's key), and a warning fails a --strict build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def run_mkdocs(
    config: MkDocsConfig,
    nav: list[Any] | None,
    latest_day: dt.date | None,
    raw: RawStore,
    pages: PageCache,
    static: dict[str, str] | None = None,
    compiled: jinja2.BytecodeCache | None = None,
) -> set[str]:
    """Build the site with MkDocs; ``static``: files linked in as they are (by their
    path in the site); ``compiled``: where the theme's templates are kept compiled. The
    files put into ``site_dir``, relative to it."""
    if nav is not None and not config.nav:
        config.nav = nav
    plugin = DigestPlugin(raw, pages, static or {}, compiled)
    config.plugins["paper-digest"] = plugin
    quiet = _NoDirtyWarning()
    build_log = logging.getLogger("mkdocs.commands.build")
    build_log.addFilter(quiet)
    try:
        with build_date(latest_day):
            mkdocs_build(config, dirty=True)
    except (MkDocsException, SystemExit) as err:
        raise DigestError(f"MkDocs build failed: {err}") from err
    finally:
        build_log.removeFilter(quiet)
    return plugin.expected
