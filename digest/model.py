"""The one record type the rest of the pipeline works on.

Readers produce ``Record``s (what a listing said, as it said it, with its location);
``normalize`` turns each into a ``Paper``; the catalog merges papers and assigns topics.
Everything here is frozen: the middle of the pipeline is pure functions over values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import cache
from types import MemberDescriptorType
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    Protocol,
    TypeVar,
    get_type_hints,
    overload,
)

from digest.identity import title_key


# The small values a paper holds (its origin, links, appearances, topic matches) have
# __slots__: no dictionary each, and a year of arXiv decodes 183,000 of each every build
# (msgspec gives a decoded dataclass a dictionary of its own: 100 MB more without slots).
@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from: the listing file and the place inside it."""

    file: str
    place: str


# The page a paper's abstract link leads to, named after its site.
_ABSTRACT_SITES = {
    "arxiv.org": "arXiv",
    "biorxiv.org": "bioRxiv",
    "medrxiv.org": "medRxiv",
    "openreview.net": "OpenReview",
}


def _abstract_label(url: str | None) -> str:
    host = (url or "").split("//", 1)[-1].split("/", 1)[0].lower().removeprefix("www.")
    return next(
        (
            label
            for site, label in _ABSTRACT_SITES.items()
            if host == site or host.endswith("." + site)
        ),
        "Abstract",
    )


@dataclass(frozen=True, slots=True)
class Links:
    abstract: str | None = None
    pdf: str | None = None
    code: str | None = None
    project: str | None = None
    huggingface: str | None = None

    def labelled(self) -> list[tuple[str, str]]:
        """The known links as (label, url), in the order a reader scans them."""
        candidates = [
            (_abstract_label(self.abstract), self.abstract),
            ("PDF", self.pdf),
            ("Code", self.code),
            ("Project page", self.project),
            ("Hugging Face", self.huggingface),
        ]
        return [(label, url) for label, url in candidates if url is not None]


class _WorkedOutSlots:
    """Where a paper keeps what it works out once (``worked_out``): a slot for each, named
    as the property. ``Paper`` has slots and no dictionary: a decoded entry of the listing
    store held 4.9 KB, 1.6 of it the dictionary of its fields, and a year of arXiv decodes
    183,000 entries a build."""

    __slots__ = (
        # Not a worked-out property: where the rest of a partly loaded paper's fields are
        # kept (``Rest``), until one of them is first read.
        "_rest",
        "first_day",
        "identity",
        "last_day",
        "text_print",
        "title_key",
        "topic_slugs",
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Described(_WorkedOutSlots):
    """What a listing can say about a paper beyond its title, abstract and id: declared
    once, shared by ``Record`` (as the listing said it) and ``Paper`` (cleaned, merged).
    ``normalize`` and ``catalog.merge`` go through these fields one by one, each with its
    own rule (a test checks every field has one)."""

    authors: tuple[str, ...] = ()
    """Author names in the listing's order."""
    links: Links = field(default_factory=Links)
    """Links by kind (arXiv page, PDF, code, project page, Hugging Face page)."""
    published: dt.date | None = None
    """The paper's own first publication date (arXiv v1), not the day it was listed."""
    updated: dt.date | None = None
    """The date of its latest version, where the source says."""
    upvotes: int | None = None
    """Hugging Face upvotes."""
    github_stars: int | None = None
    """Stars of its code repository, where Hugging Face says."""
    categories: tuple[str, ...] = ()
    """arXiv category codes (``cs.LG``)."""
    comment: str | None = None
    """arXiv's comment field (pages, venue)."""
    journal_ref: str | None = None
    """arXiv's journal reference."""
    doi: str | None = None
    """The DOI, where the source gives one."""
    ai_summary: str | None = None
    """Hugging Face's one-line AI summary."""
    thumbnail: str | None = None
    """The source's picture of the paper (Hugging Face's social thumbnail): what a shared
    link of its page shows (og:image)."""
    ai_keywords: tuple[str, ...] = ()
    """Hugging Face's AI keywords."""
    tags: tuple[str, ...] = ()
    """The curator's own tags (a Zotero export's keywords)."""


@dataclass(frozen=True, kw_only=True)
class Record(Described):
    """One paper as a listing gave it, before any cleaning."""

    origin: Origin
    """The file and the place in it (line, item, element) the record was read from."""
    source: str
    """The kind of source: huggingface, arxiv, curator."""
    listing_day: dt.date
    """The day the listing lists the paper on (its day in the digest)."""
    rank: int
    """Its position in the listing, 1 first."""
    title: str
    """The title as written (whitespace and control characters not yet cleaned)."""
    abstract: str | None = None
    """The abstract as written, where the listing has one."""
    arxiv_id: str | None = None
    """The arXiv id, possibly with a version (``2401.01234v2``)."""
    urls: tuple[str, ...] = ()
    """Other URLs the listing gave for the paper, classified into links later."""
    announce_type: str | None = None
    """arXiv's announce type: new, cross, replace, replace-cross."""
    note: str | None = None
    """A hand-kept list's note about the paper."""


@dataclass(frozen=True, slots=True)
class Appearance:
    """One day on which one source listed the paper, and its rank there (1 = first).

    ``kind`` is arXiv's announce type where the source says it: new, cross, replace,
    replace-cross.
    """

    day: dt.date
    source: str
    rank: int
    origin: Origin
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """Why a paper sits in a topic: the term that matched and where."""

    slug: str
    term: str | None
    field: str | None


# The fields of a paper a topic or filter term can name (``title:diffusion``), and the
# only ones ``fields:`` may list.
TERM_FIELDS = ("title", "abstract", "authors", "categories", "keywords")
# What they are made of (``text_print`` stays with a paper whose others change).
_TEXT_SOURCES = frozenset({"title", "abstract", "authors", "categories", "ai_keywords", "tags"})


def field_texts(paper: Paper) -> dict[str, str]:
    """The text of each of a paper's ``TERM_FIELDS``."""
    return {
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": " ; ".join(paper.authors),
        "categories": " ".join(paper.categories),
        "keywords": " ; ".join((*paper.ai_keywords, *paper.tags)),
    }


_Value = TypeVar("_Value")


class worked_out(Generic[_Value]):
    """A property worked out once and kept in the instance's slot of the same name
    (``_WorkedOutSlots``). Once set, reading it is reading a slot, with no Python call: a
    new day of a high-volume digest reads these 700,000 times (a descriptor's ``__get__``
    in Python cost 0.3 s of it). Until then the slot is empty, and reading it falls back
    to the class's ``__getattr__`` (``_work_out``), which works the value out and keeps it.
    (``functools.cached_property`` needs an instance dictionary, which ``Paper`` has not.)
    Two threads working out one value at once (the search index's threads read papers)
    both get the same value, as they would from a paper's fields."""

    def __init__(self, func: Callable[[Any], _Value]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        slot = _member(owner.__mro__[1:], name)
        if not isinstance(slot, MemberDescriptorType):
            raise TypeError(f"{owner.__name__}.{name}: no slot {name} to keep it in")
        if "__getattr__" not in vars(owner):
            raise TypeError(f"{owner.__name__}: no __getattr__ to work out {name} with")
        _WORKERS[name] = self.func
        # Out of the class, so that the base's slot is what an instance's attribute finds.
        delattr(owner, name)

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> worked_out[_Value]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _Value: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        # Never called: the property leaves the class once named (``__set_name__``); here
        # for type checkers, which see it as a property of its value's type.
        raise AssertionError(f"{self.name} is read from its slot")


def _member(kinds: tuple[type, ...], name: str) -> Any:
    """What the first of ``kinds`` that has ``name`` holds under it (a slot's member
    descriptor), or None."""
    return next((vars(kind)[name] for kind in kinds if name in vars(kind)), None)


# What works out each property, by the name of its slot.
_WORKERS: dict[str, Callable[[Any], Any]] = {}


def _work_out(instance: object, name: str) -> Any:
    """The value of a worked-out property whose slot is empty, worked out and kept; or of
    a field a partly loaded paper has not loaded yet (``Rest``), loaded with the rest."""
    worker = _WORKERS.get(name)
    if worker is None:
        if name in _PAPER_FIELD_SET and _rest_of(instance) is not None:
            load_rest([instance])  # type: ignore[list-item]  # only a Paper has a rest
            return object.__getattribute__(instance, name)
        raise AttributeError(f"{type(instance).__name__!r} object has no attribute {name!r}")
    value = worker(instance)
    object.__setattr__(instance, name, value)  # frozen: the class's own refuses
    return value


def is_worked_out(instance: object, name: str) -> bool:
    """Whether ``instance`` has worked out (or been given) its property ``name``."""
    try:
        object.__getattribute__(instance, name)  # not __getattr__: it would work it out
    except AttributeError:
        return False
    return True


def carry(instance: object, name: str, value: object) -> None:
    """Give ``instance`` the value of its property ``name`` as worked out elsewhere (a
    kept one)."""
    object.__setattr__(instance, name, value)


@dataclass(frozen=True, kw_only=True, slots=True)
class Paper(Described):
    """One paper, cleaned once (``normalize``) and merged across every sighting of it
    (``catalog.merge``)."""

    key: str
    """Its identity: ``arxiv:<versionless id>``, else ``title:<normalized title>``."""
    title: str
    """The title, whitespace collapsed (the longest spelling of any sighting)."""
    abstract: str
    """The abstract, whitespace collapsed; empty when no source had one."""
    appearances: tuple[Appearance, ...]
    """Every day, source and file it was listed on, with its rank there."""
    arxiv_id: str | None = None
    """The versionless arXiv id."""
    version: int | None = None
    """The highest arXiv version any sighting named."""
    notes: tuple[str, ...] = ()
    """Notes from hand-kept lists."""
    topics: tuple[TopicMatch, ...] = ()
    """Its topics, each with the term that put it there (set by the catalog)."""
    curator_notes: tuple[str, ...] = ()
    """The curator's Markdown notes (curation.yml)."""
    pinned: bool = False
    """First on its days (curation.yml)."""
    pick: str | None = None
    """``day`` or ``week``: the curator's pick (curation.yml)."""
    summary_model: str | None = None
    """The model that wrote ``ai_summary`` when ``digest summarize`` did (a source's own
    summary has none): the gist is labelled with it."""
    disliked: bool = False
    """Not what the group wants (curation.yml's ``dislike``): never recommended, and papers
    close to it rank lower."""
    edited: dt.date | None = None
    """When the editor last changed its note or topics (curation.yml's ``edited``)."""
    picked: dt.date | None = None
    """When the editor picked it (curation.yml's ``picked``): its date in the picks feed."""
    id_arrived: dt.date | None = None
    """For a paper first seen without its arXiv id: the day a listing first gave it (its
    entry then shows the id's links, and its Atom ``updated`` says so)."""
    first_key: str | None = None
    """The key of its first sighting when that differs from ``key``: a paper first
    pasted without an id (``title:...``) whose arXiv id came later. Its feed guid and its
    anchor stay those of the first sighting, so subscribers and old links keep it."""

    if not TYPE_CHECKING:  # a type checker would take every misspelt name for a property

        def __getattr__(self, name: str) -> Any:
            return _work_out(self, name)

    @worked_out
    def identity(self) -> str:
        """What it was first known by: fixes its feed guid and its anchor."""
        return self.first_key or self.key

    @worked_out
    def first_day(self) -> dt.date:
        return min(a.day for a in self.appearances)

    @worked_out
    def last_day(self) -> dt.date:
        return max(a.day for a in self.appearances)

    @worked_out
    def title_key(self) -> str:
        """What two spellings of its title share (``identity.title_key``): looked up for
        every paper where a library item or a curation entry names one by title only."""
        return title_key(self.title)

    @worked_out
    def text_print(self) -> str:
        """A hash of every text a topic rule or the ranking reads of the paper (its
        ``TERM_FIELDS``), made once a build: it keys the kept topic matches and the
        ranking's day chains, which had each hashed the same texts on their own."""
        texts = field_texts(self)
        joined = "\0".join(texts[name] for name in TERM_FIELDS)  # no text holds a NUL
        return hashlib.sha256(joined.encode()).hexdigest()

    @worked_out
    def topic_slugs(self) -> tuple[str, ...]:
        """Its topics' slugs: read 100,000 times a new day of the two-year archive (page
        prints, cards, roll-ups, the search records)."""
        return tuple(t.slug for t in self.topics)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({a.source for a in self.appearances}))

    def days(self) -> list[dt.date]:
        return sorted({a.day for a in self.appearances})


_PAPER_FIELDS = tuple(item.name for item in fields(Paper))
_PAPER_FIELD_SET = frozenset(_PAPER_FIELDS)
_set_rest = _WorkedOutSlots._rest.__set__  # type: ignore[attr-defined]


class Rest(Protocol):
    """Where the fields of partly loaded papers are kept (the settled catalog: a build
    of a year of arXiv reads the titles, days and links of 130,000 kept papers and the
    rest of only the 15,000 it shows)."""

    def fill(self, papers: list[Paper]) -> None:
        """Give each of ``papers`` (partly loaded from here) every field (``give_rest``)."""


def partly(names: tuple[str, ...], values: Iterable[object], rest: Rest) -> Paper:
    """A paper holding only the values of ``names`` (fields and worked-out properties);
    its other fields are loaded from ``rest`` when one of them is first read, or by
    ``load_rest``. Whatever reads a field gets the whole paper's value; only what writes
    a paper's fields out itself (msgspec reads slots, and leaves an empty one out) must
    call ``whole`` first."""
    paper = object.__new__(Paper)
    for setter, value in zip(_slot_setters(names), values, strict=True):
        setter(paper, value)
    _set_rest(paper, rest)
    return paper


@cache
def _slot_setters(names: tuple[str, ...]) -> tuple[Callable[[Paper, object], None], ...]:
    """Each slot's own setter: what ``object.__setattr__`` finds for the name (frozen,
    Paper's own refuses), found once; a year of arXiv sets 1.4 million a build."""
    return tuple(_member(Paper.__mro__, name).__set__ for name in names)


def slot_types(names: tuple[str, ...]) -> tuple[Any, ...]:
    """The type of each slot named: a field's annotation, or what a worked-out property
    returns (for decoding the values of ``partly`` straight into their types)."""
    hints = {
        **get_type_hints(Paper),
        **{name: get_type_hints(worker)["return"] for name, worker in _WORKERS.items()},
    }
    return tuple(hints[name] for name in names)


@cache
def fields_besides(names: tuple[str, ...]) -> tuple[str, ...]:
    """The fields of a paper that ``names`` leaves out: what a paper made ``partly`` of
    them lacks."""
    return tuple(name for name in _PAPER_FIELDS if name not in names)


def _rest_of(paper: object) -> Rest | None:
    try:
        rest: Rest | None = object.__getattribute__(paper, "_rest")
    except AttributeError:  # a paper made whole
        return None
    return rest


def is_partly(paper: Paper) -> bool:
    """Whether some of ``paper``'s fields are not loaded yet (``partly``)."""
    return _rest_of(paper) is not None


def give_rest(paper: Paper, kept: Paper, missing: tuple[str, ...]) -> None:
    """Give the partly loaded ``paper`` the fields it lacks (``missing``: those
    ``fields_besides`` the ones it was made of) from ``kept``, the same paper whole.
    Its fields are set before it is marked whole, so a thread reading it meanwhile finds
    either a set field or an empty one, which waits for the ``Rest`` (one at a time)."""
    read = object.__getattribute__
    for name, setter in zip(missing, _slot_setters(missing), strict=True):
        setter(paper, read(kept, name))
    _set_rest(paper, None)


def load_rest(papers: Iterable[Paper]) -> None:
    """Every field of each of ``papers`` loaded, those from one place in one go."""
    pending: dict[int, tuple[Rest, list[Paper]]] = {}
    for paper in papers:
        rest = _rest_of(paper)
        if rest is not None:
            pending.setdefault(id(rest), (rest, []))[1].append(paper)
    for rest, group in pending.values():
        rest.fill(group)


def whole(paper: Paper) -> Paper:
    """``paper`` with every field loaded: for what reads its slots rather than its
    attributes (msgspec's encoder leaves an empty slot out of what it writes)."""
    if _rest_of(paper) is not None:
        load_rest([paper])
    return paper


# What a paper works out from its fields once (its cached properties): left behind by
# ``evolved``, but for those whose fields stay (``_CARRIED``: the fields each is made of).
_WORKED_OUT = frozenset(_WORKERS)
_CARRIED = {
    "text_print": _TEXT_SOURCES,
    "title_key": frozenset({"title"}),
    "identity": frozenset({"first_key", "key"}),
    "first_day": frozenset({"appearances"}),
    "last_day": frozenset({"appearances"}),
    "topic_slugs": frozenset({"topics"}),
}


def evolved(paper: Paper, **changes: object) -> Paper:
    """``dataclasses.replace`` without calling ``__init__`` (Paper has no
    ``__post_init__``, so the result is the same): the catalog gives each of a year of
    arXiv's 130,000 papers its topics every build, and ``replace`` took 10 µs a paper.
    What the paper worked out is carried, but for what the changed fields are made of."""
    new = object.__new__(Paper)
    setter = object.__setattr__  # frozen: Paper's own refuses
    for name in _PAPER_FIELDS:
        setter(new, name, changes[name] if name in changes else getattr(paper, name))
    read = object.__getattribute__  # not __getattr__, which would work an empty one out
    for slot in _carried(frozenset(changes)):
        try:  # noqa: SIM105 (contextlib.suppress is a context manager a slot, 3x slower)
            setter(new, slot, read(paper, slot))
        except AttributeError:  # not worked out: left so
            pass
    return new


@cache
def _carried(changed: frozenset[str]) -> tuple[str, ...]:
    """The slots of the worked-out properties that outlive a change of these fields."""
    left_behind = _left_behind(changed)
    return tuple(sorted(_WORKED_OUT - set(left_behind)))


@cache
def _left_behind(changed: frozenset[str]) -> tuple[str, ...]:
    """The worked-out properties that changing these fields leaves behind (worked out
    once for each set of fields changed: the catalog changes the topics of every paper)."""
    unknown = changed - _PAPER_FIELD_SET
    if unknown:
        raise TypeError(f"Paper has no field {sorted(unknown)[0]}")
    return tuple(
        sorted(
            name
            for name in _WORKED_OUT
            if _CARRIED.get(name) is None or not _CARRIED[name].isdisjoint(changed)
        )
    )
