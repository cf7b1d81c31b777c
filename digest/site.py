"""Turn the generated docs folder into site/ with MkDocs + Material, and publish it
atomically: the new site is built beside the old one and swapped in only when complete.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from digest.files import SyncedFolder, clone_or_copy, discard, remove_quietly
from digest.guard import SITE_MARKER, SITE_MARKER_TEXT, may_replace
from digest.page_cache import PageCache
from digest.problems import DigestError
from digest.raw_store import RawStore
from digest.site_hooks import DigestPlugin

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
) -> None:
    if nav is not None and not config.nav:
        config.nav = nav
    config.plugins["paper-digest"] = DigestPlugin(raw, pages)
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


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE).

    Returns False where the system has no such call; the caller then falls back to two
    renames, with a moment in between where ``site/`` is absent.
    """
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if result != 0:
        errno = ctypes.get_errno()
        if errno in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: this filesystem cannot
            return False
        raise OSError(errno, os.strerror(errno), str(second))
    return True


def recover(target: Path) -> None:
    """Put back a site a build stopped between its two renames left aside (where the
    system cannot swap two folders in one step), and clear what such a build left."""
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists() and not target.exists():
        os.replace(previous, target)
    elif previous.exists():
        discard(previous)
    if target.with_name(f".{target.name}.incoming").exists():
        discard(target.with_name(f".{target.name}.incoming"))


def refuse_foreign_site(target: Path) -> None:
    """Stop before building when ``target`` holds files that no digest build wrote."""
    if not may_replace(target):
        raise DigestError(
            f"site_dir '{target}' holds files digest did not write (no {SITE_MARKER} in it); "
            "digest replaces its site folder whole, so it will not touch this one. Point "
            "site_dir in digest.yml at a new folder, or empty this one"
        )


def publish(staged: Path, target: Path) -> None:
    """Swap the finished ``staged`` folder in as ``target``; the old site stays whole until then."""
    refuse_foreign_site(target)
    (staged / SITE_MARKER).write_bytes(SITE_MARKER_TEXT)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and os.path.ismount(target):
        # A mount point cannot be renamed (EBUSY): its files are replaced one by one.
        _replace_contents(staged, target)
        discard(staged)
        return
    if os.stat(staged).st_dev != os.stat(target.parent).st_dev:
        # Another file system (EXDEV): first a copy beside the target, then the swap.
        incoming = target.with_name(f".{target.name}.incoming")
        remove_quietly(incoming)
        shutil.copytree(staged, incoming, copy_function=clone_or_copy)
        discard(staged)
        staged = incoming
    _swap_in(staged, target)


def _swap_in(staged: Path, target: Path) -> None:
    if target.exists() and _exchange(staged, target):
        discard(staged)  # now the old site
        return
    # No atomic swap here: two renames, and ``recover`` puts the old site back if a build
    # stops between them.
    previous = target.with_name(f".{target.name}.previous")
    discard(previous)
    if target.exists():
        os.replace(target, previous)
    os.replace(staged, target)
    discard(previous)


def _replace_contents(staged: Path, target: Path) -> None:
    """Make ``target`` hold what ``staged`` holds, each file replaced whole."""
    wanted = set()
    for source in sorted(staged.rglob("*")):
        relative = source.relative_to(staged)
        wanted.add(relative)
        destination = target / relative
        if source.is_dir():
            if destination.is_symlink() or destination.is_file():
                destination.unlink()
            destination.mkdir(exist_ok=True)
            continue
        if destination.is_dir() and not destination.is_symlink():
            remove_quietly(destination)
        partial = destination.with_name(f".{destination.name}.partial")
        clone_or_copy(source, partial)
        os.replace(partial, destination)
    for path in sorted(target.rglob("*"), reverse=True):
        if path.relative_to(target) not in wanted:
            remove_quietly(path)
