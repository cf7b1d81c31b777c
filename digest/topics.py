"""Topic rules: whole-word, case-insensitive terms matched in a paper's title and abstract.

"RL" must never match inside "URL", and "language model" must match "language models":
each term becomes a regular expression bounded by non-word characters whose last word
also accepts its plural. A paper with no matching topic goes to the catch-all topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from digest.config import Topic
from digest.model import Paper, TopicMatch

_VOWELS = "aeiou"


def _plural_forms(word: str) -> str:
    """A regex for ``word`` and its regular English plural."""
    escaped = re.escape(word)
    lower = word.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in _VOWELS:
        return f"(?:{escaped}|{re.escape(word[:-1])}ies)"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return f"{escaped}(?:es)?"
    return f"{escaped}(?:s|es)?"


@cache
def term_pattern(term: str) -> re.Pattern[str]:
    words = term.split()
    # Hyphen or space between the words of a phrase: "mixture of experts" and
    # "mixture-of-experts" are one term.
    parts = [re.escape(w) for w in words[:-1]] + [_plural_forms(words[-1])]
    body = r"[\s\-]+".join(parts)
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    term: str
    field: str


def first_hit(terms: tuple[str, ...], fields: list[tuple[str, str]]) -> Hit | None:
    """The first term (in rule order) found in any field, titles checked before abstracts."""
    for term in terms:
        pattern = term_pattern(term)
        for name, text in fields:
            if pattern.search(text):
                return Hit(term, name)
    return None


def assign_topics(
    paper: Paper, topics: tuple[Topic, ...], catch_all: Topic
) -> tuple[TopicMatch, ...]:
    fields = [("title", paper.title), ("abstract", paper.abstract)]
    matches = []
    for topic in topics:
        hit = first_hit(topic.include, fields)
        if hit is None or first_hit(topic.exclude, fields) is not None:
            continue
        matches.append(TopicMatch(topic.slug, hit.term, hit.field))
    if not matches:
        return (TopicMatch(catch_all.slug, None, None),)
    return tuple(matches)
