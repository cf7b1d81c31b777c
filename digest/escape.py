"""The one escaping policy: paper text is data, and every output shows it as text.

Pages are Markdown, but paper text never passes through Markdown: it is HTML-escaped and
placed inside raw HTML blocks, which Markdown leaves alone. So ``**bold**``, ``<script>``
and ``{{ jinja }}`` in an abstract all show literally. Two things are recognised in the
text: LaTeX spans, wrapped for the typesetter exactly as pymdownx.arithmatex (generic mode)
wraps them, and http(s) URLs, which become links. Nothing else ever becomes markup.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markupsafe import Markup

from digest.normalize import clean_text, find_urls

__all__ = ["clean_text", "rich_text", "safe_url", "text"]


# \( ... \), \[ ... \], $$ ... $$, and $ ... $ where the dollar signs hug the formula
# (pandoc's rule, so "costs $5 and $10" stays text).
_MATH = re.compile(
    r"\\\((?P<inline>.+?)\\\)"
    r"|\\\[(?P<display>.+?)\\\]"
    r"|\$\$(?P<ddisplay>.+?)\$\$"
    r"|(?<![\\$\w])\$(?P<dollar>[^\s$](?:[^$]*?[^\s\\$])?)\$(?![\d$])",
    re.DOTALL,
)


def text(value: str) -> Markup:
    """Plain text for HTML: escaped, nothing recognised."""
    return Markup(html.escape(clean_text(value), quote=True))


def _linked(segment: str) -> str:
    out = []
    position = 0
    for start, end, url in find_urls(segment):
        out.append(html.escape(segment[position:start], quote=True))
        out.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        position = end
    out.append(html.escape(segment[position:], quote=True))
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def rich_text(value: str) -> Markup:
    """Abstract text for HTML: escaped, with LaTeX marked for MathJax and URLs linked."""
    value = clean_text(value)
    out = []
    position = 0
    for match in _MATH.finditer(value):
        out.append(_linked(value[position : match.start()]))
        if match.group("inline") is not None:
            body, opener, closer, tag = match.group("inline"), r"\(", r"\)", "span"
        elif match.group("dollar") is not None:
            body, opener, closer, tag = match.group("dollar"), r"\(", r"\)", "span"
        else:
            body = match.group("display") or match.group("ddisplay")
            opener, closer, tag = r"\[", r"\]", "span"
        out.append(f'<{tag} class="arithmatex">{opener}{html.escape(body)}{closer}</{tag}>')
        position = match.end()
    out.append(_linked(value[position:]))
    return Markup("".join(out))


def safe_url(url: str | None) -> str | None:
    """Only http and https URLs are ever emitted as links."""
    if url is None:
        return None
    stripped = clean_text(url).strip()
    if re.match(r"^https?://[^\s]+$", stripped, re.IGNORECASE):
        return stripped
    return None
