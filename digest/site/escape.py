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
from collections.abc import Iterator
from functools import lru_cache

from markupsafe import Markup

from digest.ingest.normalize import clean_text, find_urls

__all__ = ["clean_text", "rich_text", "safe_url", "text"]


# A formula opens with \( \[ $$ or a $ that hugs it (pandoc's rule, so "costs $5 and $10"
# stays text) and ends at its own closer.
_OPENER = re.compile(r"\\\(|\\\[|\$\$|(?<![\\$\w])\$(?=[^\s$])")
_CLOSERS = {"\\(": "\\)", "\\[": "\\]", "$$": "$$"}
# The body of a $ formula cannot hold a $, so a failed attempt stops at the next one.
_DOLLAR = re.compile(r"\$(?P<body>[^\s$](?:[^$]*?[^\s\\$])?)\$(?![\d$])")


def math_spans(value: str) -> Iterator[tuple[int, int, str, bool]]:
    """Each formula as (start, end, body, display), in linear time.

    A regular expression with a lazy body (``\\((.+?)\\)``) rescans to the end of the
    text from every opener that has no closer: quadratic, and a listing full of ``\\(``
    took a build from 1 s to 23 s. Here an opener whose closer is nowhere further on is
    never looked for again.
    """
    if "$" not in value and "\\" not in value:
        return  # every opener holds one of the two: most abstracts have no formula
    position = 0
    unclosed: set[str] = set()
    while match := _OPENER.search(value, position):
        opener, start = match.group(), match.start()
        if opener == "$":
            dollar = _DOLLAR.match(value, start)
            if dollar is None:
                position = start + 1
                continue
            yield start, dollar.end(), dollar.group("body"), False
            position = dollar.end()
            continue
        closer = _CLOSERS[opener]
        end = -1 if opener in unclosed else value.find(closer, match.end() + 1)
        if end == -1:
            unclosed.add(opener)
            position = start + 1
            continue
        yield start, end + len(closer), value[match.end() : end], opener != "\\("
        position = end + len(closer)


def text(value: str) -> Markup:
    """Plain text for HTML: escaped, nothing recognised."""
    return Markup(html.escape(clean_text(value), quote=True))


# LaTeX that abstracts carry outside formulas, shown as the text it stands for:
# \textbf{x} -> x, \% -> %, Fig.~3 -> Fig. 3 (a no-break space).
_TEXT_MACRO = re.compile(
    r"\\(?:textbf|textit|textsc|texttt|textrm|emph|underline|url|href)\{([^{}]*)\}"
)
# The old TeX spelling: {\tt GPT-3.5}, {\sc MwpBench}.
_TEXT_SWITCH = re.compile(r"\{\\(?:tt|sc|bf|it|em|rm|sf|sl)\s+([^{}]*)\}")
_ESCAPED_SIGN = re.compile(r"\\([%&_#$])")
_TIE = re.compile(r"(?<=[\w.,)])~(?=[\w(])")


def latex_text(segment: str) -> str:
    """Text-mode LaTeX outside formulas as the text it stands for (nested up to 3 deep)."""
    if "\\" not in segment and "~" not in segment:
        return segment
    for _ in range(3):
        segment, count = _TEXT_MACRO.subn(r"\1", segment)
        segment, switches = _TEXT_SWITCH.subn(r"\1", segment)
        if not count and not switches:
            break
    return _TIE.sub("\u00a0", _ESCAPED_SIGN.sub(r"\1", segment))


def _linked(segment: str) -> str:
    segment = latex_text(segment)
    out = []
    position = 0
    for start, end, url in find_urls(segment):
        out.append(html.escape(segment[position:start], quote=True))
        out.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        position = end
    out.append(html.escape(segment[position:], quote=True))
    return "".join(out)


# LaTeX commands that a formula names only with their backslash: a formula that has
# them bare and no backslash at all lost its backslashes upstream ("$mathcal{O}(n)$"),
# and typeset it would be italic letter soup.
_BARE_MACRO = re.compile(
    r"(?<![A-Za-z])(?:math(?:cal|bb|bf|rm|it|sf|frak)|frac|sqrt|operatorname|text(?:bf|rm|it)?|"
    r"cdot|times|leq|geq|infty|alpha|beta|gamma|delta|epsilon|lambda|sigma|theta|omega|partial)"
    r"(?![A-Za-z])"
)


def mangled(body: str) -> bool:
    """A formula whose backslashes were lost: shown as text, not typeset."""
    return "\\" not in body and _BARE_MACRO.search(body) is not None


@lru_cache(maxsize=1 << 16)
def rich_text(value: str) -> Markup:
    """Abstract text for HTML: escaped, with LaTeX marked for MathJax and URLs linked."""
    value = clean_text(value)
    out = []
    position = 0
    for start, end, body, display in math_spans(value):
        if mangled(body):
            continue  # left in the text around it, shown as written
        out.append(_linked(value[position:start]))
        opener, closer = (r"\[", r"\]") if display else (r"\(", r"\)")
        out.append(f'<span class="arithmatex">{opener}{html.escape(body)}{closer}</span>')
        position = end
    out.append(_linked(value[position:]))
    return Markup("".join(out))


# A paper's links are checked on each card and page that shows it (240,000 checks in a
# cold build of the two-year archive).
@lru_cache(maxsize=1 << 16)
def safe_url(url: str | None) -> str | None:
    """Only http and https URLs are ever emitted as links."""
    if url is None:
        return None
    stripped = clean_text(url).strip()
    if re.match(r"^https?://[^\s]+$", stripped, re.IGNORECASE):
        return stripped
    return None
