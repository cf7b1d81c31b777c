"""A page per paper, ``papers/<anchor>/``: the whole card with its abstract open, every
day and source it was seen on, and what a shared link and a reference manager read
(Open Graph and Twitter tags, the Highwire ``citation_*`` tags Zotero and Google
Scholar read, JSON-LD ``ScholarlyArticle``).

Thousands of them: they are plain HTML written beside the Markdown sources (MkDocs
copies them as they are), in a lean shell styled by the theme's own stylesheets,
not Markdown pages (MkDocs and Material would add a second per paper to the build
and 15 KB of navigation to each).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from digest import paths
from digest.filesystem import SyncedFolder
from digest.incremental.fingerprint import text_key
from digest.incremental.page_prints import template_sources
from digest.model import Paper
from digest.site import escape
from digest.site.cards import CardRenderer
from digest.site.gist import gist
from digest.site.page_globals import base_globals

TEMPLATE = "pages/paper.html.j2"


def theme_stylesheets(theme_dirs: list[str]) -> list[str]:
    """Material's stylesheets by their hashed names (``assets/stylesheets/main.<hash>.min.css``)."""
    found: list[str] = []
    for folder in theme_dirs:
        sheets = Path(folder) / "assets" / "stylesheets"
        for prefix in ("main.", "palette."):
            match = sorted(sheets.glob(f"{prefix}*.min.css"))
            if match and not any(name.startswith(f"assets/stylesheets/{prefix}") for name in found):
                found.append(f"assets/stylesheets/{match[0].name}")
    return found


def structured_data(paper: Paper, url: str, site_name: str, description: str) -> Markup:
    """JSON-LD ``ScholarlyArticle``, escaped for a <script> element; ``description``:
    the paper's gist."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title[:110],
        "name": paper.title,
        "url": url,
        "author": [{"@type": "Person", "name": name} for name in paper.authors],
        "datePublished": (paper.published or paper.first_day).isoformat(),
        "isPartOf": {"@type": "WebSite", "name": site_name},
    }
    # The gist, not the abstract: the page shows that, and thousands of pages would
    # carry it twice.
    if description:
        data["description"] = description
    if paper.arxiv_id:
        data["identifier"] = f"arXiv:{paper.arxiv_id}"
        data["sameAs"] = f"https://arxiv.org/abs/{paper.arxiv_id}"
    if paper.doi:
        data["sameAs"] = [data.get("sameAs"), f"https://doi.org/{paper.doi}"]
        data["sameAs"] = [v for v in data["sameAs"] if v]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # Nothing in the text can end the script element or open a comment in it.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _write_alias(
    paper: Paper,
    url: str,
    taken: set[str],
    docs: SyncedFolder,
    prints: dict[str, str],
    kept: dict[str, str],
    salt: str,
) -> int:
    """A paper first seen without an id keeps its page at its first anchor; the page at
    its arXiv id (``papers/2111.11632/``, the address people build by hand) sends there."""
    alias = paths.id_anchor(paper)
    alias_url = paths.paper_page_url(alias) if alias else None
    if alias_url is None or alias_url in taken:
        return 0
    target = f"../{url.removeprefix('papers/')}"
    title = escape.text(paper.title)
    html = (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="{target}"><meta http-equiv="refresh" content="0; url={target}">'
        f'</head><body><p>This paper\'s page: <a href="{target}">{title}</a></p></body></html>\n'
    )
    fingerprint = text_key(salt, html)
    prints[alias_url] = fingerprint
    if kept.get(alias_url) == fingerprint and docs.keep(f"{alias_url}index.html"):
        return 0
    docs.write(f"{alias_url}index.html", html.encode("utf-8"))
    return 1


def write_paper_pages(
    cards: CardRenderer,
    env: jinja2.Environment,
    docs: SyncedFolder,
    stylesheets: list[str],
    kept: dict[str, str] | None = None,
    salt: str = "",
) -> tuple[int, dict[str, str]]:
    """Every paper's page into ``docs``; returns how many were rendered, and each page's
    fingerprint. ``kept``: the fingerprints of the last build's pages: a page whose
    fingerprint is the same (the paper, what its card shows, the template, the site)
    and whose file is still there is left as it is (a new day renders its own papers')."""
    source = template_sources(env, TEMPLATE)  # and everything it includes or imports
    salt = text_key(salt, source, str(stylesheets), repr(cards.plan.site))
    kept = kept or {}
    prints: dict[str, str] = {}
    plan = cards.plan
    template = env.get_template(TEMPLATE)
    # Every paper page is two folders deep: one set of globals and one card renderer
    # serve them all (links depend only on the depth).
    shared = base_globals(plan, paths.paper_page_url("x"))
    card_for = cards.for_page(paths.paper_page_url("x"))
    count = 0
    taken = {paths.paper_page_url(anchor) for anchor in plan.anchors.values()}
    for paper in plan.catalog.papers:
        url = paths.paper_page_url(plan.anchors[paper.key])
        count += _write_alias(paper, url, taken, docs, prints, kept, salt)
        fingerprint = text_key(salt, cards.paper_print(paper))
        prints[url] = fingerprint
        if kept.get(url) == fingerprint and docs.keep(f"{url}index.html"):
            continue
        # The card its first day's page showed: already rendered, and kept.
        card = card_for(paper, paper.first_day)
        # The abstract open: on its own page a paper is read, not skimmed.
        opened = str(card).replace(
            '<details class="pd-paper__more">', '<details class="pd-paper__more" open>', 1
        )
        absolute = plan.site.url.rstrip("/") + "/" + url
        gist_text = gist(paper)
        context = {
            **shared,
            "card_html": Markup(opened),
            "paper": paper,
            "page_url": url,
            "absolute_url": absolute,
            "gist_text": gist_text,
            "stylesheets": stylesheets,
            "structured_data": structured_data(paper, absolute, plan.site.name, gist_text),
        }
        html = template.render(**context)
        docs.write(f"{url}index.html", html.encode("utf-8"))
        count += 1
    return count, prints
