"""BibTeX for every paper: one entry per paper, one .bib per day and per topic.

Entries are ``@misc`` with arXiv's eprint fields (what arXiv itself exports for a
preprint). Field values are braced; the characters BibTeX or LaTeX would read as syntax
are escaped, so any title survives a round trip through a BibTeX parser. Keys are
``lastnameYEARfirstword``, made unique over the whole catalog in a fixed order.
"""

from __future__ import annotations

import re
import unicodedata

from digest.catalog.merge import Catalog
from digest.model import Paper
from digest.site.escape import safe_url

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in _SPECIALS))
_STOP = {
    "a",
    "an",
    "the",
    "on",
    "of",
    "for",
    "in",
    "to",
    "and",
    "with",
    "is",
    "are",
    "towards",
    "toward",
}


def escape_value(text: str) -> str:
    return _SPECIAL.sub(lambda m: _SPECIALS[m.group()], " ".join(text.split()))


# A word a bibliography style must not lowercase: a capital after its first letter
# (4DAnyone, LLMs, GPT-4, DeepSeek), or a digit beside a letter (S4, 3D).
_KEEP_CASE = re.compile(
    r"(?<![\w{])([^\s{}]*(?:[a-z0-9][A-Z]|[A-Z]{2}|[A-Z][0-9]|[0-9][A-Za-z])[^\s{}]*)"
)


def protected_title(text: str) -> str:
    """The title escaped, with each word whose capitals matter in braces: styles set
    titles in sentence case, and "4DAnyone" must not come out as "4danyone"."""

    def braced(match: re.Match[str]) -> str:
        word = match.group(1)
        bare = word.rstrip(":;,.!?")
        return "{" + bare + "}" + word[len(bare) :]

    return _KEEP_CASE.sub(braced, escape_value(text))


_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]")
_AND = re.compile(r"\band\b", re.IGNORECASE)


def _ascii_word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_ALPHANUMERIC.sub("", plain)


def _year(paper: Paper) -> int:
    return (paper.published or paper.first_day).year


def _base_key(paper: Paper) -> str:
    author = (
        _ascii_word(paper.authors[0].split()[-1])
        if paper.authors and paper.authors[0].split()
        else ""
    )
    # Only the words up to the first that is not a stop word: every paper's key is made
    # again by each build (a key depends on the whole catalog's).
    words = (_ascii_word(w) for w in paper.title.split())
    first = next((w for w in words if w and w not in _STOP), "paper")
    return f"{author or 'anon'}{_year(paper)}{first}"[:60]


def assign_keys(catalog: Catalog) -> dict[str, str]:
    """A unique citation key per paper key; collisions get a, b, c... in key order."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    for paper in sorted(catalog.papers, key=lambda p: (p.first_day, p.key)):
        base = candidate = _base_key(paper)
        suffix = 0
        while candidate in used:
            suffix += 1
            candidate = f"{base}{_letters(suffix)}"
        used.add(candidate)
        keys[paper.key] = candidate
    return keys


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _author(name: str) -> str:
    escaped = escape_value(name)
    # "and" separates authors in BibTeX; a name that contains the word is kept whole.
    return f"{{{escaped}}}" if _AND.search(name) else escaped


def entry(paper: Paper, key: str, site_name: str) -> str:
    fields: list[tuple[str, str]] = [
        ("title", protected_title(paper.title)),
        ("author", " and ".join(_author(a) for a in paper.authors)),
        ("year", str(_year(paper))),
    ]
    if paper.arxiv_id:
        fields += [("eprint", escape_value(paper.arxiv_id)), ("archivePrefix", "arXiv")]
        if paper.categories:
            fields.append(("primaryClass", escape_value(paper.categories[0])))
    url = safe_url(paper.links.abstract or paper.links.project or paper.links.code)
    if url:
        fields.append(("url", escape_value(url)))
    if paper.doi:
        fields.append(("doi", escape_value(paper.doi)))
    if paper.journal_ref:
        fields.append(("howpublished", escape_value(paper.journal_ref)))
    fields.append(("note", escape_value(f"Listed in {site_name} on {paper.first_day.isoformat()}")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}\n"


class Citations:
    """The catalog's citation keys and entries. Each entry is written once: a paper's
    entry shows on every card of it and in its day's and its topics' .bib files."""

    def __init__(self, catalog: Catalog, site_name: str) -> None:
        self.keys = assign_keys(catalog)
        self.site_name = site_name
        self._entries: dict[str, str] = {}

    def entry(self, paper: Paper) -> str:
        text = self._entries.get(paper.key)
        if text is None:
            text = self._entries[paper.key] = entry(paper, self.keys[paper.key], self.site_name)
        return text

    def release(self) -> None:
        """Every page and .bib is written: the entries are not needed any more."""
        self._entries.clear()
