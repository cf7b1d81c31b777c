"""What arXiv's feeds share: identifiers, the announcement text, category codes."""

from __future__ import annotations

import re

from digest.identity import split_arxiv_id
from digest.problems import Problems

_ABS_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(.+?)(?:\.pdf)?$", re.IGNORECASE)
_OAI = re.compile(r"^(?:oai:arXiv\.org:)+", re.IGNORECASE)
_ANNOUNCEMENT = re.compile(
    r"arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?(?P<abstract>.*)",
    re.DOTALL,
)
_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z-]+)?$")


def arxiv_id_from(value: str | None) -> str | None:
    """``http://arxiv.org/abs/1111.2011v2`` or ``oai:arXiv.org:2506.01959v1`` (even with the
    prefix doubled, as some re-published feeds have it) -> ``1111.2011v2``."""
    if not value:
        return None
    value = value.strip()
    match = _ABS_URL.search(value)
    if match:
        return match.group(1)
    stripped = _OAI.sub("", value)
    return stripped if stripped != value else None


def check_arxiv_id(raw: str | None, display: str, place: str, problems: Problems) -> str | None:
    """The id if it is an arXiv id (any version), else None with a warning: the paper is
    then kept under its title."""
    if raw is None:
        return None
    if split_arxiv_id(raw) is None:
        problems.warn(
            display,
            place,
            f"'{raw[:80]}' is not an arXiv id (like 2401.01234 or cond-mat/0412498); the paper is kept under its title",
        )
        return None
    return raw


def split_announcement(text: str) -> tuple[str | None, str | None, str]:
    """rss.arxiv.org descriptions: ``arXiv:ID Announce Type: new Abstract: ...``.

    Returns (id, announce type, abstract); text before ``arXiv:`` (a filter's note, say)
    is not part of the abstract.
    """
    match = _ANNOUNCEMENT.search(text)
    if not match:
        return None, None, text
    return match.group("id"), match.group("type").lower(), match.group("abstract")


def category_codes(values: list[str]) -> tuple[str, ...]:
    """Only real arXiv codes (cs.AI, hep-th, math.PR); free text in a category is dropped."""
    return tuple(v.strip() for v in values if v and _CATEGORY.match(v.strip()))
