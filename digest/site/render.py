"""Render the catalog into Markdown pages with Jinja templates.

Templates come from the digest's own ``templates/`` folder first, then the built-in ones,
file by file, so a curator overrides exactly the template they change. StrictUndefined
makes a misspelled variable fail the build instead of rendering as nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import jinja2
from markupsafe import Markup

from digest import paths
from digest.filesystem import SyncedFolder
from digest.incremental.fingerprint import source_key
from digest.incremental.page_prints import template_sources
from digest.problems import DigestError
from digest.site import escape
from digest.site.cards import CardRenderer
from digest.site.notes import note_html
from digest.site.page_globals import base_globals
from digest.site.plan import Page, SiteInfo
from digest.site.raw_store import RawStore, fill_placeholders, placeholder

BUILTIN_TEMPLATES = resources.files("digest") / "templates"

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def long_date(day: dt.date) -> str:
    # Spelled out by hand: strftime's month names follow the machine's locale, and the
    # same inputs must give the same site everywhere.
    return f"{_MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def month_name(day: dt.date) -> str:
    return f"{_MONTH_NAMES[day.month - 1]} {day.year}"


def yaml_string(value: str) -> Markup:
    """A YAML scalar for front matter: JSON strings are valid YAML double-quoted scalars.

    The text is HTML-escaped first because the theme prints front-matter titles into the
    page without escaping them.
    """
    return Markup(json.dumps(str(escape.text(value)), ensure_ascii=False))


def make_environment(
    override_dir: Path | None, compiled: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if override_dir is not None and override_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(override_dir)))
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=compiled,
    )
    env.filters.update(
        rich=escape.rich_text,
        safe_url=escape.safe_url,
        long_date=long_date,
        month_name=month_name,
        yaml=yaml_string,
        note_html=note_html,
    )
    return env


class RawHtml:
    """``{% call raw_html() %}...{% endcall %}``: HTML that skips Markdown.

    The block's output is set aside and a placeholder goes into the Markdown; the MkDocs
    side puts the HTML back into the finished page (``site_hooks``). The built-in pages put
    everything below their title in one block: Python-Markdown and MkDocs each run an HTML
    parser over every raw HTML line of a page (1.2 s and 0.8 s for the two-year archive's
    pages) only to leave it as it was. A block inside a block is folded into it.
    """

    def __init__(self) -> None:
        self.chunks: list[str] = []

    def __call__(self, caller: Callable[[], str]) -> Markup:
        html = fill_placeholders(str(caller()), self.chunks)
        self.chunks.append(html)
        return Markup(placeholder(len(self.chunks) - 1))


def globals_for(cards: CardRenderer, page_url: str) -> dict[str, Any]:
    """The globals of one page's rendering."""
    return {
        **base_globals(cards.plan, page_url),
        "raw_html": RawHtml(),
        "card": cards.for_page(page_url),
    }


def card_salt(env: jinja2.Environment, site: SiteInfo) -> str:
    """What every card shows besides its paper: the card template (the digest's own, if
    it has one) and the site's name (in each BibTeX note)."""
    # The card and every partial it includes: an edited include of a card override
    # published old cards until --fresh.
    return f"{site.name}\n{template_sources(env, 'partials/paper.html.j2')}"


class Prints(Protocol):
    """Which pages were rendered before (``incremental.page_prints.PagePrints``)."""

    def fingerprint(self, url: str, template: str, context: dict[str, Any]) -> str: ...

    def reusable(self, source: str, fingerprint: str) -> str | None: ...

    def keep(self, fingerprint: str, source_hash: str) -> None: ...


def render_pages(
    cards: CardRenderer,
    pages: list[Page],
    docs: SyncedFolder,
    raw: RawStore,
    prints: Prints | None = None,
) -> dict[str, str]:
    """Write the planned pages into ``docs`` and their raw HTML blocks into ``raw``;
    returns each page's source path with the hash of what it holds (``page_cache``).

    With ``prints``, a page rendered before under the same fingerprint whose HTML is
    still cached is not rendered again: its Markdown stays as written, MkDocs reuses its
    HTML."""
    sources: dict[str, str] = {}
    env = cards.env
    for page in pages:
        source = paths.source_file(page.url)
        fingerprint = None
        if prints is not None:
            fingerprint = prints.fingerprint(page.url, page.template, page.context)
            known = prints.reusable(source, fingerprint)
            if known is not None and docs.keep(source):
                sources[source] = known
                prints.keep(fingerprint, known)
                continue
        context = globals_for(cards, page.url)
        try:
            template = env.get_template(page.template)
            text = template.render(**context, **page.context)
        except jinja2.TemplateSyntaxError as err:
            raise DigestError(
                f"template {err.name or page.template}: line {err.lineno}: {err.message}; fix the template"
            ) from err
        except jinja2.TemplateError as err:
            raise DigestError(
                f"template {page.template}: {err}, while rendering {page.url or 'the home page'}; "
                "check the name in your template override"
            ) from err
        markdown = text.encode("utf-8")
        docs.write(source, markdown)
        blocks = raw.put(source, context["raw_html"].chunks)
        sources[source] = source_key(markdown, blocks)
        if prints is not None and fingerprint is not None:  # the two go together
            prints.keep(fingerprint, sources[source])
    return sources
