"""A curator's note: Markdown for emphasis, lists and links, never raw HTML.

The note is HTML-escaped before Markdown sees it, so any tag in it shows as text; what
Markdown then makes is kept only if it is on a short list, and links only if they are
http(s). Part of the one escaping policy (see ``escape``).
"""

from __future__ import annotations

import html

import markdown
from bs4 import BeautifulSoup
from markupsafe import Markup

from digest.escape import clean_text, safe_url

_ALLOWED = {"p", "em", "strong", "code", "a", "ul", "ol", "li", "blockquote", "br", "pre"}


def note_html(text: str) -> Markup:
    rendered = markdown.markdown(html.escape(clean_text(text), quote=False))
    soup = BeautifulSoup(rendered, "html.parser")
    for element in soup.find_all(True):
        if element.name not in _ALLOWED:
            element.unwrap()
            continue
        href = element.get("href")
        element.attrs = {}
        if element.name == "a":
            if safe_url(href) is None:
                element.unwrap()
            else:
                element["href"] = safe_url(href)
                element["rel"] = "nofollow noopener"
    # Never a blank line: the note sits inside a raw HTML block of a Markdown page.
    return Markup(str(soup).strip().replace("\n\n", "\n"))
