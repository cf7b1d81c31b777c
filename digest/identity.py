"""What makes two sightings one paper: its arXiv id (with or without a version, in any
of the ways a listing or a curator writes it), its DOI, else its title spelt the same
way. Shared by the readers, the merge, the curation and the rules."""

from __future__ import annotations

import re
import unicodedata

_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$")
_NEW_ID = r"\d{4}\.\d{4,5}(?:v\d+)?"
_OLD_ID = r"[a-z][a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
_ARXIV_ID = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf)/|arXiv[:.]\s*|10\.48550/arXiv\.)({_NEW_ID}|{_OLD_ID})",
    re.IGNORECASE,
)
_BARE_ID = re.compile(rf"^(?:{_NEW_ID}|{_OLD_ID})$")
_WORD = re.compile(r"\w+")


def title_key(title: str) -> str:
    """A key that two spellings of one title share: case, accents, punctuation ignored."""
    if title.isascii():
        # Nothing to decompose (NFKD leaves ASCII as it is): most titles, ten times faster.
        return " ".join(_WORD.findall(title.lower()))
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(letters))


def split_arxiv_id(raw: str) -> tuple[str, int | None] | None:
    """``2401.01234v2`` -> (``2401.01234``, 2); old style ``cond-mat/0412498`` too."""
    candidate = raw.strip()
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(candidate)
        if match:
            version = int(match.group(2)[1:]) if match.group(2) else None
            return match.group(1), version
    return None


def arxiv_id_in(*texts: str | None) -> str | None:
    """The versionless arXiv id named in any of ``texts`` (a bare id, an arxiv.org link,
    ``arXiv:...``, the arXiv DOI), else None."""
    for text in texts:
        if not text:
            continue
        text = text.strip()
        match = _ARXIV_ID.search(text)
        candidate = match.group(1) if match else text if _BARE_ID.match(text) else None
        if candidate:
            parsed = split_arxiv_id(candidate)
            if parsed is not None:
                return parsed[0]
    return None


def paper_key(arxiv_id: str | None, title: str, doi: str | None = None) -> str:
    """The paper's identity: its versionless arXiv id, else its DOI (lower-cased: DOIs
    ignore case), else its normalized title."""
    if arxiv_id is not None:
        return f"arxiv:{arxiv_id}"
    if doi:
        return f"doi:{doi.strip().lower()}"
    return f"title:{title_key(title)}"
