"""Which pages need rendering at all: a fingerprint of everything a page template reads.

A page's Markdown and raw HTML are a function of its template (and the templates it
imports), its own context (the papers, days and topics it shows) and the few globals the
templates call. The fingerprint holds the template sources, the context written out with
each paper replaced by its card fingerprint (its fields, anchor, citation key, topic
titles), the site, the topics, the code, and, only for templates that draw a trend
chart, the catalog's counts per topic and day. A page whose fingerprint was rendered
before, and whose HTML ``page_cache`` still holds, is neither rendered nor built again:
on the 30,000-paper archive a new day renders 40 of 3,400 pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from digest.catalog.merge import Catalog
from digest.incremental.fingerprint import code_fingerprint
from digest.incremental.store import KeptEntries, read_sealed, write_sealed
from digest.incremental.typed_codec import TypedCodec
from digest.model import Paper


def template_sources(env: jinja2.Environment, name: str) -> str:
    """The sources of a template and of every template it includes, imports or extends:
    what a key must hold so that editing any of them renders again what used it. Where
    a template names another by an expression, every template the loader has is in it."""
    return _template_tree(env, name)[0]


def _template_tree(env: jinja2.Environment, name: str) -> tuple[str, set[str]]:
    """The sources of a template and every template it imports or includes, and the
    names they read from outside (globals and context)."""
    assert env.loader is not None
    sources: list[str] = []
    names: set[str] = set()
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source, _, _ = env.loader.get_source(env, current)
        sources.append(f"{current}\n{source}")
        read, referenced = _read_and_referenced(env, source)
        names |= read
        if None in referenced:
            # A name worked out while rendering ({% include card_kind ~ ".j2" %}): any
            # template may be the one, so every template's source is in the key (read,
            # not parsed: the loader also serves the theme's, written for MkDocs' Jinja),
            # and so is whatever any of them may read (the catalog's trends).
            seen.update(env.list_templates())
            for other in sorted(seen - {current}):
                other_source, _, _ = env.loader.get_source(env, other)
                sources.append(f"{other}\n{other_source}")
            names.add("trend_chart")
            break
        pending += [t for t in referenced if t is not None]
    return "\n".join(sorted(set(sources))), names


Facts = tuple[frozenset[str], tuple[str | None, ...]]
# What earlier builds found parsing each source, by a hash of the source and the code
# (``load_template_facts``): parsing the page templates anew was 0.15 CPU s a build.
_known_facts: dict[str, Facts] = {}
_used_facts: dict[str, Facts] = {}


def _read_and_referenced(env: jinja2.Environment, source: str) -> Facts:
    """What a template reads from outside, and the templates it names: parsed once per
    source (each page template includes the card's, the largest; parsing it again for
    each was 0.4 s of a build), and kept for later builds."""
    text = f"{code_fingerprint()}\n{jinja2.__version__}\n{source}"
    key = hashlib.sha256(text.encode()).hexdigest()
    facts = _known_facts.get(key)
    if facts is None:
        tree = env.parse(source)
        facts = (
            frozenset(meta.find_undeclared_variables(tree)),
            tuple(meta.find_referenced_templates(tree)),
        )
        _known_facts[key] = facts
    _used_facts[key] = facts
    return facts


def load_template_facts(path: Path) -> None:
    """Take what earlier builds found parsing templates (``save_template_facts``); a
    file missing, damaged or not of that shape is as none."""
    _used_facts.clear()
    data = read_sealed(path)
    try:
        kept = json.loads(data) if data is not None else {}
    except ValueError:
        return
    if not isinstance(kept, dict):
        return
    for key, value in kept.items():
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(name, str) for name in value[0])
            and all(isinstance(name, str | None) for name in value[1])
        ):
            _known_facts.setdefault(key, (frozenset(value[0]), tuple(value[1])))


def save_template_facts(path: Path) -> None:
    """Keep what this build found of the templates it used, and nothing older."""
    kept = {key: [sorted(read), list(named)] for key, (read, named) in _used_facts.items()}
    write_sealed(path, json.dumps(kept, sort_keys=True).encode())


_PLAIN = frozenset({str, int, float, bool, type(None), dt.date})


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


@cache
def _frozen(kind: type) -> bool:
    return bool(getattr(kind, "__dataclass_params__").frozen)  # noqa: B009


class PagePrints:
    def __init__(
        self,
        folder: Path,
        env: jinja2.Environment,
        catalog: Catalog,
        salt: str,
        paper_print: Callable[[Paper], str],
        cached: Callable[[str, str], bool],
    ) -> None:
        """``cached(page, source_hash)``: whether ``page_cache`` holds that page's HTML."""
        self.kept = KeptEntries(folder, codec=TypedCodec(dict[str, str]))  # print: source hash
        self.env = env
        self.catalog = catalog
        self.salt = salt
        self.paper_print = paper_print
        self.cached = cached
        self._tree = cache(lambda name: _template_tree(env, name))
        self._trends_text: str | None = None
        self._frozen_texts: dict[int, tuple[Any, str]] = {}
        self._paper_texts: dict[int, tuple[Paper, str]] = {}

    def _trends(self) -> str:
        """What any trend chart is drawn from: papers per topic and first day."""
        if self._trends_text is None:
            tally = Counter(
                (slug, paper.first_day)
                for paper in self.catalog.papers
                for slug in paper.topic_slugs
            )
            self._trends_text = repr((sorted(tally.items()), self.catalog.days()[:1]))
        return self._trends_text

    def _write(self, value: Any, out: list[str]) -> None:
        # The kinds almost every value is, by exact class first (a page of 300 papers is
        # thousands of values); anything else, subclasses included, takes the full walk.
        kind = value.__class__
        if kind is Paper:
            # A paper is on several pages (its day, topics, months, the top page): its
            # text made once a build, kept with the paper so that its id stays its own.
            known = self._paper_texts.get(id(value))
            if known is None:
                known = self._paper_texts[id(value)] = (value, f"P{self.paper_print(value)}")
            out.append(known[1])
        elif kind in _PLAIN:
            out.append(repr(value))
        elif kind is tuple and all(item.__class__ in _PLAIN for item in value):
            # Written whole, in C: the titles and links listed beyond a day's cap are a
            # few hundred pairs a day page (a year of arXiv: 125,000 a build).
            out.append(repr(value))
        elif kind is list or kind is tuple:
            self._write_items(value, out)
        else:
            self._write_any(value, out)

    def _write_items(self, values: list[Any] | tuple[Any, ...], out: list[str]) -> None:
        out.append("[")
        for item in values:
            self._write(item, out)
            out.append(",")
        out.append("]")

    def _write_any(self, value: Any, out: list[str]) -> None:
        if isinstance(value, Paper):
            out.append(f"P{self.paper_print(value)}")
        elif isinstance(value, (str, int, float, bool, type(None), dt.date)):
            out.append(repr(value))
        elif isinstance(value, (list, tuple)):
            self._write_items(value, out)
        elif isinstance(value, dict):
            out.append("{")
            for key in sorted(value, key=str):
                out.append(f"{key!r}:")
                self._write(value[key], out)
                out.append(",")
            out.append("}")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            if not _frozen(type(value)):
                self._write_fields(value, out)
                return
            # A frozen value (a topic, with its rules) is on hundreds of pages: written
            # out once a build. Kept with the text, so its id cannot be another's.
            kept = self._frozen_texts.get(id(value))
            if kept is None:
                part: list[str] = []
                self._write_fields(value, part)
                kept = self._frozen_texts[id(value)] = (value, "\n".join(part))
            out.append(kept[1])
        else:
            # Unknown: its repr may name its address, which only costs a render.
            out.append(repr(value))

    def _write_fields(self, value: Any, out: list[str]) -> None:
        kind: type = value.__class__
        out.append(f"{kind.__name__}(")
        for name in _field_names(kind):
            out.append(f"{name}=")
            self._write(getattr(value, name), out)
            out.append(",")
        out.append(")")

    def fingerprint(self, url: str, template: str, context: dict[str, Any]) -> str:
        sources, names = self._tree(template)
        out = [self.salt, url, sources]
        if "trend_chart" in names:
            out.append(self._trends())
        self._write(context, out)
        return hashlib.sha256("\n".join(out).encode()).hexdigest()

    def reusable(self, page: str, fingerprint: str) -> str | None:
        """The source hash of the page rendered under this fingerprint before, if its
        HTML is still cached; else None, and the page is rendered."""
        known: str | None = self.kept.get("pages", fingerprint)
        return known if known is not None and self.cached(page, known) else None

    def keep(self, fingerprint: str, source: str) -> None:
        self.kept.put("pages", fingerprint, source)

    def save(self) -> None:
        self.kept.save()
