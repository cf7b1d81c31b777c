"""The site's navigation menu, made from the catalog when mkdocs.yml has no ``nav:``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from digest import paths
from digest.catalog.merge import Catalog
from digest.site import escape
from digest.site.rollups import Rollup


def rollup_navigation(periods_by_kind: dict[str, list[Rollup]]) -> list[Any]:
    entries = [
        {f"This {kind}": paths.source_file(paths.latest_rollup_url(kind))}
        for kind, periods in periods_by_kind.items()
        if periods
    ]
    return [{"Top papers": entries}] if entries else []


def navigation(
    catalog: Catalog, content_pages: list[str], rollups: dict[str, list[Rollup]]
) -> list[Any]:
    topic_pages: list[Any] = [paths.source_file(paths.TOPICS)]
    # The theme prints navigation titles as HTML: a curator's title is text.
    topic_pages += [
        {str(escape.text(t.title)): paths.source_file(paths.topic_url(t.slug))}
        for t in catalog.topics
        if not t.watch
    ]
    watching = [
        {str(escape.text(t.title)): paths.source_file(paths.topic_url(t.slug))}
        for t in catalog.topics
        if t.watch
    ]
    return [
        {"Latest": paths.source_file(paths.HOME)},
        {"Topics": topic_pages},
        *([{"Watching": watching}] if watching else []),
        {"Archive": paths.source_file(paths.ARCHIVE)},
        *rollup_navigation(rollups),
        {"Search": paths.source_file(paths.SEARCH)},
        {"Saved": paths.source_file(paths.SAVED)},
        {"Feeds": paths.source_file(paths.FEEDS)},
        {"Status": paths.source_file(paths.STATUS)},
        *content_pages,
    ]


def nav_pages(nav: Any) -> Iterator[str]:
    """The page files a navigation names, at any depth."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from nav_pages(value)
