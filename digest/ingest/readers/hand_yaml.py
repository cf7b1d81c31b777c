"""A hand-kept YAML list of papers a curator adds:

    date: 2025-03-12            # optional when the file name carries the date
    papers:
      - title: Attention Is All You Need
        authors: [Ashish Vaswani, Noam Shazeer]
        arxiv: 1706.03762       # an id, or an arxiv.org link
        abstract: ...           # optional
        note: Why we read it    # optional, shown with the paper
        links: [https://github.com/...]   # optional: code, project page

A bare list of papers (no ``papers:`` key) is accepted too.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import yaml

from digest.ingest.readers.arxiv_common import arxiv_id_from, check_arxiv_id
from digest.ingest.readers.common import RecordList, date_from_name
from digest.model import Record
from digest.problems import Problems, unknown_key
from digest.user_yaml import BoundedLoader, where_and_what

if TYPE_CHECKING:
    from digest.ingest.readers import ListingContext

SOURCE = "curator"
_KEYS = {"title", "authors", "arxiv", "abstract", "note", "links", "url", "published"}


class _NoAliasLoader(BoundedLoader):
    """YAML without anchors and aliases: a hand list needs none, a "billion laughs" needs them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


class _WrittenFloat(float):
    """A number as YAML read it, with the text it was written as: an unquoted
    ``arxiv: 2312.15230`` is the float 2312.1523, whose text is still the id."""

    text: str


def _float_as_written(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    number = _WrittenFloat(loader.construct_yaml_float(node))
    number.text = node.value
    return number


_NoAliasLoader.add_constructor("tag:yaml.org,2002:float", _float_as_written)


def accepts(text: str) -> bool:
    stripped = text.lstrip()
    return (
        stripped.startswith(("papers:", "- title:", "date:", "---")) or "\npapers:" in text[:2000]
    )


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str | int | float) and str(v).strip())
    return ()


def read(text: str, context: ListingContext, problems: Problems) -> list[Record]:
    display = context.display
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)
    except yaml.YAMLError as err:
        place, problem = where_and_what(err)
        problems.error(display, place, f"not valid YAML ({problem}); fix the line shown")
        return []
    day = date_from_name(context.path.name)
    if isinstance(data, dict):
        listed = data.get("date")
        if isinstance(listed, dt.date):
            day = listed
        entries = data.get("papers")
    else:
        entries = data
    day = day or context.fallback_date
    if not isinstance(entries, list):
        problems.error(
            display, None, "expected a list of papers under 'papers:' (each with at least a title)"
        )
        return []
    if day is None:
        problems.error(
            display,
            None,
            "no listing date: add 'date: YYYY-MM-DD', name the file with the day, or pass --date YYYY-MM-DD",
        )
        return []
    listed = RecordList(display, SOURCE)
    for index, entry in enumerate(entries):
        place = f"paper {index + 1}"
        if not isinstance(entry, dict):
            problems.error(
                display, place, "must be a mapping with title:, authors:, arxiv: ...; skipped"
            )
            continue
        for key in sorted(set(map(str, entry)) - _KEYS):
            problems.warn(display, f"{place}.{key}", unknown_key(key, _KEYS))
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.error(display, place, "no title; add title: to this paper")
            continue
        arxiv = entry.get("arxiv")
        arxiv_id = None
        if arxiv is not None:
            arxiv_text = (arxiv.text if isinstance(arxiv, _WrittenFloat) else str(arxiv)).strip()
            arxiv_id = check_arxiv_id(
                arxiv_id_from(arxiv_text) or arxiv_text, display, f"{place}.arxiv", problems
            )
        published = entry.get("published")
        listed.add(
            place,
            day,
            title,
            abstract=entry.get("abstract") if isinstance(entry.get("abstract"), str) else None,
            authors=_strings(entry.get("authors")),
            arxiv_id=arxiv_id,
            urls=_strings(entry.get("links")) + _strings(entry.get("url")),
            published=published if isinstance(published, dt.date) else None,
            note=entry.get("note") if isinstance(entry.get("note"), str) else None,
        )
    return listed.records
