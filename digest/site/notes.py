"""A curator's note: Markdown for emphasis, lists, code and links, never raw HTML.

Markdown runs with its raw-HTML and entity handling removed, so ``<script>`` or ``&amp;``
in a note is text, escaped once when the HTML is written (code spans included). What
Markdown makes is kept only if it is on a short list, and links only if they are http(s).
A note Markdown cannot render whole (a typo that leaves one of its internal placeholders,
or drops words) is shown as plain text instead: a note never loses text and never leaks a
control character into a page or a feed. Part of the one escaping policy (see ``escape``).
"""

from __future__ import annotations

import html
import re

import markdown
from markupsafe import Markup

from digest.site.escape import clean_text, safe_url

_ALLOWED = {"p", "em", "strong", "code", "a", "ul", "ol", "li", "blockquote", "br", "pre"}
# Python-Markdown's placeholders for stashed pieces; one left in the output means a
# piece was lost.
_PLACEHOLDER = re.compile("[\x02\x03]")
_WORD = re.compile(r"[^\W\d_]+")


def _markdown() -> markdown.Markdown:
    renderer = markdown.Markdown()
    renderer.preprocessors.deregister("html_block")
    renderer.inlinePatterns.deregister("html")
    renderer.inlinePatterns.deregister("entity")
    renderer.postprocessors.deregister("raw_html")
    return renderer


def _words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def _plain(text: str) -> str:
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(
        f"<p>{html.escape(part, quote=False).replace(chr(10), '<br/>')}</p>" for part in paragraphs
    )


def note_html(text: str) -> Markup:
    cleaned = clean_text(text)
    rendered = _markdown().convert(cleaned)
    if _PLACEHOLDER.search(rendered):
        return Markup(_plain(cleaned))
    from bs4 import BeautifulSoup  # here: only a build with a curator's note needs it

    soup = BeautifulSoup(rendered, "html.parser")
    # A link's title is dropped on purpose, so it counts as shown.
    titles = " ".join(str(element["title"]) for element in soup.find_all(title=True))
    for element in soup.find_all(True):
        if element.name not in _ALLOWED:
            element.unwrap()
            continue
        written = element.get("href")
        href = str(written) if written is not None else None
        element.attrs = {}
        if element.name == "a":
            target = safe_url(href)
            if target is None:
                # Not a link the site makes, but the curator's words: shown as text.
                if href:
                    element.insert_after(f" ({href})")
                element.unwrap()
            else:
                element["href"] = target
                element["rel"] = "nofollow noopener"
    links = " ".join(str(a["href"]) for a in soup.find_all("a"))
    if not _words(cleaned) <= _words(f"{soup.get_text(' ')} {links} {titles}"):
        return Markup(_plain(cleaned))
    # Never a blank line: the note sits inside a raw HTML block of a Markdown page.
    return Markup(str(soup).strip().replace("\n\n", "\n"))
