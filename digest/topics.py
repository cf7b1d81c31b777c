"""Topic rules: whole-word, case-insensitive terms matched in a paper's title and abstract.

Terms look in the title and abstract, or in the fields a topic names (``fields:``), or in
the one field a term names (``title:SLAM``); fields are title, abstract, authors,
categories (arXiv codes) and keywords (Hugging Face's ai_keywords).

"RL" must never match inside "URL", "language model" must match "language models", and
"mixture of experts" must match "mixture-of-experts". Text is cut into words once
(letters and digits; anything else separates), and a term matches a run of whole words
whose last one may carry a regular plural. A paper with no matching topic goes to the
catch-all topic.

Word lookups instead of one regular expression per term: on the two-year archive the
regular expressions took 24 s (each scans the whole abstract); this takes well under 1 s.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from digest.config import Topic
from digest.model import Paper, TopicMatch

_WORD = re.compile(r"\w+")
_VOWELS = "aeiou"


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def plural_forms(word: str) -> frozenset[str]:
    """``word`` and its regular English plurals (agent/agents, policy/policies, box/boxes)."""
    forms = {word, word + "s", word + "es"}
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        forms.add(word[:-1] + "ies")
    return frozenset(forms)


@dataclass(frozen=True)
class Term:
    text: str
    head: tuple[str, ...]
    last: frozenset[str]


@cache
def compile_term(text: str) -> Term | None:
    parts = words(text)
    if not parts:
        return None
    return Term(text, tuple(parts[:-1]), plural_forms(parts[-1]))


class WordIndex:
    """Where each word of a text occurs, so a term is found by lookups, not by scanning."""

    def __init__(self, text: str) -> None:
        self.words = words(text)
        self.positions: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(self.words):
            self.positions[word].append(position)

    def contains(self, term: Term) -> bool:
        if not term.head:
            return any(form in self.positions for form in term.last)
        length = len(term.head)
        for start in self.positions.get(term.head[0], ()):
            end = start + length
            if (
                end < len(self.words)
                and tuple(self.words[start:end]) == term.head
                and self.words[end] in term.last
            ):
                return True
        return False


def term_matches(term: str, text: str) -> bool:
    compiled = compile_term(term)
    return compiled is not None and WordIndex(text).contains(compiled)


FIELDS = ("title", "abstract", "authors", "categories", "keywords")


def field_texts(paper: Paper) -> dict[str, str]:
    return {
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": " ; ".join(paper.authors),
        "categories": " ".join(paper.categories),
        "keywords": " ; ".join(paper.ai_keywords),
    }


def split_term(text: str) -> tuple[tuple[str, ...] | None, str]:
    """``title:SLAM`` -> ((title,), SLAM): a term may name the one field it looks in."""
    head, sep, rest = text.partition(":")
    if sep and head.strip().lower() in FIELDS and rest.strip():
        return (head.strip().lower(),), rest.strip()
    return None, text


@dataclass(frozen=True)
class Hit:
    term: str
    field: str


class PaperFields:
    """The word indexes of one paper's fields, built on first use."""

    def __init__(self, paper: Paper) -> None:
        self.texts = field_texts(paper)
        self.indexes: dict[str, WordIndex] = {}

    def index(self, name: str) -> WordIndex:
        if name not in self.indexes:
            self.indexes[name] = WordIndex(self.texts[name])
        return self.indexes[name]


def first_hit(
    terms: tuple[str, ...], fields: PaperFields, default_fields: tuple[str, ...]
) -> Hit | None:
    """The first term (in rule order) found in its fields, in the order the fields are named."""
    for text in terms:
        scoped, bare = split_term(text)
        term = compile_term(bare)
        if term is None:
            continue
        for name in scoped or default_fields:
            if fields.index(name).contains(term):
                return Hit(text, name)
    return None


def assign_topics(
    paper: Paper, topics: tuple[Topic, ...], catch_all: Topic
) -> tuple[TopicMatch, ...]:
    fields = PaperFields(paper)
    matches = []
    for topic in topics:
        hit = first_hit(topic.include, fields, topic.fields)
        if hit is None or first_hit(topic.exclude, fields, topic.fields) is not None:
            continue
        matches.append(TopicMatch(topic.slug, hit.term, hit.field))
    if not matches:
        return (TopicMatch(catch_all.slug, None, None),)
    return tuple(matches)


def explain(paper: Paper, topics: tuple[Topic, ...], catch_all: Topic) -> list[str]:
    """Why the paper is, or is not, in each topic: one line per topic."""
    fields = PaperFields(paper)
    lines = []
    matched = False
    for topic in topics:
        hit = first_hit(topic.include, fields, topic.fields)
        veto = first_hit(topic.exclude, fields, topic.fields)
        where = ", ".join(topic.fields)
        if hit and not veto:
            matched = True
            lines.append(f"{topic.slug}: IN, include term '{hit.term}' found in the {hit.field}")
        elif hit and veto:
            lines.append(
                f"{topic.slug}: out, include term '{hit.term}' found in the {hit.field} but exclude term '{veto.term}' in the {veto.field}"
            )
        else:
            lines.append(
                f"{topic.slug}: out, none of its {len(topic.include)} include terms is in the {where}"
            )
    verdict = "out, rules matched" if matched else "IN, no rule matched"
    lines.append(f"{catch_all.slug}: {verdict}")
    return lines
