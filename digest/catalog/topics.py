"""Topic rules: whole-word, case-insensitive terms matched in a paper's title and abstract.

Terms look in the title and abstract, or in the fields a topic names (``fields:``), or in
the one field a term names (``title:SLAM``); fields are title, abstract, authors,
categories (arXiv codes) and keywords (Hugging Face's ai_keywords, the curator's tags).

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
from dataclasses import dataclass
from functools import cache

from digest.config import Topic
from digest.model import TERM_FIELDS, Paper, TopicMatch, field_texts

# Letters and digits, keeping the symbols that make a name what it is: "C++", "C#" and
# ".NET" are words of their own, so the term C++ never matches "Washington D.C.". A dot
# starts a word only after a space or punctuation ("models.The" stays two plain words).
_WORD = re.compile(r"(?<![\w.])\.\w+|\w+(?:\+\+|#)?")
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
    # A multi-word term as the space-padded runs of words it matches ("language models").
    phrases: tuple[str, ...]


@cache
def compile_term(text: str) -> Term | None:
    parts = words(text)
    if not parts:
        return None
    last = plural_forms(parts[-1])
    head = tuple(parts[:-1])
    phrases = tuple(sorted(f" {' '.join(head)} {form} " for form in last)) if head else ()
    return Term(text, head, last, phrases)


class WordIndex:
    """The words of a text, so a term is found by set lookups and substring tests on the
    words joined by single spaces, not by scanning the text with a pattern per term."""

    def __init__(self, text: str) -> None:
        found = words(text)
        self.vocabulary = frozenset(found)
        self.joined = f" {' '.join(found)} "

    def contains(self, term: Term) -> bool:
        if not term.head:
            return not term.last.isdisjoint(self.vocabulary)
        return term.head[0] in self.vocabulary and any(
            phrase in self.joined for phrase in term.phrases
        )


def term_matches(term: str, text: str) -> bool:
    compiled = compile_term(term)
    return compiled is not None and WordIndex(text).contains(compiled)


def split_term(text: str) -> tuple[tuple[str, ...] | None, str]:
    """``title:SLAM`` -> ((title,), SLAM): a term may name the one field it looks in."""
    head, sep, rest = text.partition(":")
    if sep and head.strip().lower() in TERM_FIELDS and rest.strip():
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


@dataclass(frozen=True)
class CompiledTerm:
    text: str  # as the rule writes it, shown in badges and explanations
    fields: tuple[str, ...] | None  # the one field it names, or None: the topic's fields
    term: Term


@cache
def compile_terms(terms: tuple[str, ...]) -> tuple[CompiledTerm, ...]:
    """A rule's terms, split and compiled once for all papers."""
    compiled = []
    for text in terms:
        scoped, bare = split_term(text)
        term = compile_term(bare)
        if term is not None:
            compiled.append(CompiledTerm(text, scoped, term))
    return tuple(compiled)


def first_hit(
    terms: tuple[str, ...], fields: PaperFields, default_fields: tuple[str, ...]
) -> Hit | None:
    """The first term (in rule order) found in its fields, in the order the fields are named.

    Reads one rule for one paper: what ``explain`` shows, and what ``TopicMatcher``
    answers for all rules at once."""
    for compiled in compile_terms(terms):
        for name in compiled.fields or default_fields:
            if fields.index(name).contains(compiled.term):
                return Hit(compiled.text, name)
    return None


# Where a trigger word sends the matcher: (topic index, exclude term?, term order,
# field order, the term).
_Entry = tuple[int, bool, int, int, CompiledTerm]


class TopicMatcher:
    """Assigns topics to papers by looking each paper's words up in all the rules at once.

    Same answer as ``first_hit`` per topic (a property test holds them together), but a
    paper's words are intersected with every rule's trigger words in one set operation,
    and only the few terms triggered are checked: on the two-year archive 0.2 s instead
    of 0.9 s for 15 topics.
    """

    def __init__(self, topics: tuple[Topic, ...], catch_all: Topic) -> None:
        self.topics = topics
        self.catch_all = catch_all
        self.entries: dict[str, dict[str, list[_Entry]]] = {}
        for number, topic in enumerate(topics):
            for exclude, terms in ((False, topic.include), (True, topic.exclude)):
                for order, compiled in enumerate(compile_terms(terms)):
                    term = compiled.term
                    for rank, name in enumerate(compiled.fields or topic.fields):
                        by_word = self.entries.setdefault(name, {})
                        for word in {term.head[0]} if term.head else term.last:
                            by_word.setdefault(word, []).append(
                                (number, exclude, order, rank, compiled)
                            )
        self.triggers = {name: frozenset(by_word) for name, by_word in self.entries.items()}

    def __call__(self, paper: Paper) -> tuple[TopicMatch, ...]:
        texts = field_texts(paper)
        best: dict[tuple[int, bool], tuple[int, int, str, str]] = {}
        for name, by_word in self.entries.items():
            index = WordIndex(texts[name])
            for word in self.triggers[name] & index.vocabulary:
                for number, exclude, order, rank, compiled in by_word[word]:
                    found = best.get((number, exclude))
                    if found is not None and (found[0], found[1]) <= (order, rank):
                        continue
                    if compiled.term.head and not any(
                        phrase in index.joined for phrase in compiled.term.phrases
                    ):
                        continue
                    best[(number, exclude)] = (order, rank, compiled.text, name)
        matches = [
            TopicMatch(topic.slug, hit[2], hit[3])
            for number, topic in enumerate(self.topics)
            if (hit := best.get((number, False))) is not None and (number, True) not in best
        ]
        return tuple(matches) or (TopicMatch(self.catch_all.slug, None, None),)


@cache
def _matcher(topics: tuple[Topic, ...], catch_all: Topic) -> TopicMatcher:
    return TopicMatcher(topics, catch_all)


def assign_topics(
    paper: Paper, topics: tuple[Topic, ...], catch_all: Topic
) -> tuple[TopicMatch, ...]:
    return _matcher(topics, catch_all)(paper)


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
