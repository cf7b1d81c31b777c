"""One line to skim a paper by, and where to look for a paper that has no id yet."""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from urllib.parse import quote_plus

from digest.model import Paper
from digest.site.escape import math_spans

GIST_CHARS = 300  # about three lines on a phone
# A sentence ends at . ! or ? and a space before a capital or a digit, but not after an
# abbreviation that papers use mid-sentence.
# The mark is matched, not looked behind for: a look-behind is tried at every character.
_END = re.compile(r"[.!?](\s+)(?=[A-Z0-9\\$(])")
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "Fig.", "Eq.", "Sec.", "cf.", "approx.", "resp.")


def _formulas(text: str) -> tuple[list[int], list[int]]:
    """Where the text's formulas start and end, in order (they never overlap): found once
    a text, not once a candidate end (an abstract has a dozen, and finding its formulas
    is most of the work)."""
    spans = [(start, end) for start, end, _, _ in math_spans(text)]
    return [start for start, _ in spans], [end for _, end in spans]


def _inside(formulas: tuple[list[int], list[int]], position: int) -> bool:
    """Whether ``position`` is inside a formula: the last one starting before it is the
    only one that can hold it (an abstract of 1,500 formulas and as many sentence ends
    took 0.15 s, every end against every formula)."""
    starts, ends = formulas
    last = bisect_left(starts, position) - 1
    return last >= 0 and position < ends[last]


def first_sentence(text: str, limit: int = GIST_CHARS) -> str:
    """The text's first sentence, or its first ``limit`` characters cut at a word and
    marked with an ellipsis (never inside a formula)."""
    text = " ".join(text.split())
    formulas = _formulas(text)
    for match in _END.finditer(text):
        head = text[: match.start(1)]
        if head.endswith(_ABBREVIATIONS) or _inside(formulas, match.start(1)):
            continue
        if len(head) <= limit:
            return head
        break
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    while _inside(formulas, cut):
        cut = text.rfind(" ", 0, cut)
        if cut <= 0:
            return ""
    return text[:cut].rstrip(" ,;:") + " …"


# A sentence that says what the paper does ("We propose ...", "This paper introduces
# ..."), rather than the field's background that abstracts usually open with.
_CONTRIBUTION = re.compile(
    r"\b(?:we|this (?:paper|work|study|article)|our (?:method|approach|framework|work)|here,? we)\b"
    r"[^.]{0,80}?\b(?:propose[sd]?|introduce[sd]?|present[sed]*|develop[sed]*|describe[sd]?|"
    r"design(?:ed|s)?|build|construct|show|demonstrate|release|study|studies|investigate[sd]?|"
    r"formulate|derive|prove|establish|report)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """The text's sentences (not cut at abbreviations or inside formulas)."""
    text = " ".join(text.split())
    formulas = _formulas(text)
    found, start = [], 0
    for match in _END.finditer(text):
        head = text[start : match.start(1)]
        if head.endswith(_ABBREVIATIONS) or _inside(formulas, match.start(1)):
            continue
        found.append(head)
        start = match.end()
    found.append(text[start:])
    return [s for s in found if s]


# A paper's gist is on its day's card, its topic month's and its own page: worked out once.
@lru_cache(maxsize=16384)
def contribution_sentence(text: str, limit: int = GIST_CHARS) -> str:
    """The abstract's first sentence that states the contribution, if one fits in
    ``limit``; else its first sentence (``first_sentence``)."""
    for sentence in sentences(text)[:8]:
        if len(sentence) <= limit and _CONTRIBUTION.search(sentence):
            return sentence
    return first_sentence(text, limit)


def gist(paper: Paper) -> str:
    """The source's one-line summary (Hugging Face's, daily-arXiv's) or the one
    ``digest summarize`` stored, where there is one; else the abstract's sentence that
    states the contribution, else its first."""
    if paper.ai_summary:
        return paper.ai_summary
    return contribution_sentence(paper.abstract) if paper.abstract else ""


def title_searches(paper: Paper) -> list[tuple[str, str]]:
    """Searches for a paper by its title (one pasted without an id), until an id arrives."""
    query = quote_plus(paper.title)
    return [
        ("Find on arXiv", f"https://arxiv.org/search/?query={query}&searchtype=title"),
        ("Find on Hugging Face", f"https://huggingface.co/papers?q={query}"),
    ]
