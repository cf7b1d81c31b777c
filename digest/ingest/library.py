"""The curator's library: the papers the group already cares about, read from the files
``library:`` in digest.yml names. It is what each day is ranked against (``catalog.relevance``).

Formats, told from the content: Zotero's own BibTeX and Better BibTeX / BibLaTeX, CSL-JSON
(Zotero's and Better CSL JSON), RIS, and a plain list (one arXiv id, arxiv.org link or
title a line; ``#`` starts a comment). Read with the same care as listings: every entry
that cannot be used is reported with its place, ids stay strings, and an arXiv id is
found wherever exports put it: ``eprint``, ``doi = 10.48550/arXiv.*``, an arxiv.org
``url``, ``journal = {arXiv preprint arXiv:...}``, ``number = {arXiv:...}``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from digest.config import DigestConfig
from digest.content_errors import ContentError, guarded, plausible
from digest.guard import refusal
from digest.identity import arxiv_id_in
from digest.ingest.bibtex_bounds import MAX_BIBTEX_BYTES, bounded_bibtex
from digest.ingest.normalize import collapse_whitespace
from digest.ingest.readers import MAX_LISTING_BYTES, decode
from digest.ingest.readers.common import given_name_first
from digest.problems import Problems

# LaTeX a BibTeX title or abstract carries: braces that protect case, a few macros.
_TEX_BRACES = re.compile(r"[{}]")
_TEX_MACRO = re.compile(r"\\(?:emph|textit|textbf|textsc|mathrm|text)\s*")


@dataclass(frozen=True)
class LibraryItem:
    """One paper of the library: what the ranking reads of it, and where it came from."""

    title: str
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    arxiv_id: str | None = None
    """Versionless."""
    doi: str | None = None
    """Lower-cased."""
    place: str = ""
    """``library/group.bib: entry vaswani2017attention``: for messages and explanations."""
    authors: tuple[str, ...] = ()
    """Given name first (``Ashish Vaswani``)."""
    note: str | None = None
    """The curator's note on the item (Zotero notes, as BibTeX ``annote`` or RIS ``N1``)."""
    url: str | None = None
    published: dt.date | None = None
    """The item's own date, where the export gives a whole one."""

    @property
    def text(self) -> str:
        return " ".join([self.title, self.abstract, *self.keywords])


def _plain(text: str | None) -> str:
    if not text:
        return ""
    return collapse_whitespace(_TEX_BRACES.sub("", _TEX_MACRO.sub("", text)))


def _person(name: str) -> str:
    """``Vaswani, {Ashish}`` -> ``Ashish Vaswani``: TeX braces off, given name first."""
    return given_name_first(_plain(name))


def _bibtex_authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    names = re.split(r"\s+and\s+(?![^{]*\})", value)
    return tuple(name for name in (_person(n) for n in names) if name and name.lower() != "others")


def _note(value: str | None) -> str | None:
    """A Zotero note is HTML; the digest shows its text."""
    if not value or not value.strip():
        return None
    if "<" in value:
        from bs4 import BeautifulSoup  # here: a build whose library is kept reads no note

        soup = BeautifulSoup(value, "html.parser")
        for line_break in soup.find_all("br"):
            line_break.replace_with("\n")
        for block in soup.find_all(["p", "div", "li", "h1", "h2", "h3"]):
            block.append("\n")  # paragraphs apart, inline tags (<b>) not
        value = soup.get_text("")
    return collapse_whitespace(_plain(value)) or None


def _date(year: object, month: object = None, day: object = None) -> dt.date | None:
    """A whole date, or None: a year or a month alone is not a day, and a made-up
    1 January would show as the paper's date."""
    if not (year and month and day):
        return None
    try:
        return plausible(dt.date(int(str(year)[:4]), int(str(month)), int(str(day))))
    except (TypeError, ValueError, OverflowError):
        return None


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _bibtex_date(entry: dict[str, str]) -> dt.date | None:
    written = entry.get("date", "")
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", written)
    if match:
        return _date(*match.groups())
    month = entry.get("month", "").strip().lower()[:3]
    return _date(entry.get("year"), _MONTHS.get(month) or (month if month.isdigit() else None))


def _doi(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip().lower().removeprefix("https://doi.org/").removeprefix("doi:")
    return text or None


def detect(text: str) -> str | None:
    """The library format of ``text``: bibtex, csl-json, ris or list (None: empty)."""
    stripped = text.lstrip()
    if not stripped:
        return None
    if stripped.startswith("@") or re.search(r"^\s*@[a-zA-Z]+\s*\{", text, re.M):
        return "bibtex"
    if stripped.startswith(("[", "{")):
        return "csl-json"
    if re.match(r"TY  - ", stripped):
        return "ris"
    return "list"


def read_library_text(text: str, display: str, problems: Problems) -> list[LibraryItem]:
    form = detect(text)
    if form is None:
        problems.warn(display, None, "empty library file; it adds no papers")
        return []
    read = {"bibtex": _bibtex, "csl-json": _csl_json, "ris": _ris, "list": _plain_list}[form]
    found = Problems()
    try:
        items = guarded(lambda: list(read(text, display, found)))
    except ContentError as err:
        problems.error(
            display,
            None,
            f"{err}; nothing of the library file was read: export it again from Zotero, or remove it",
        )
        return []
    problems.extend(found)
    return items


def _bibtex(text: str, display: str, problems: Problems) -> Iterator[LibraryItem]:
    size = len(text.encode("utf-8"))
    if size > MAX_BIBTEX_BYTES:
        problems.error(
            display,
            None,
            f"a BibTeX file of {size / (1024 * 1024):.0f} MB, over the "
            f"{MAX_BIBTEX_BYTES // (1024 * 1024)} MB read (bibtexparser takes minutes on "
            "more); export the collection in parts, or as CSL JSON",
        )
        return
    # Imported here, as the HTML parser above: a build reads a library file only when it
    # changed, and the two are a fifth of a second of every build's start.
    import bibtexparser
    from bibtexparser.bparser import BibTexParser

    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    parser.expect_multiple_parse = False
    database = bibtexparser.loads(bounded_bibtex(text, display, problems), parser=parser)
    for entry in database.entries:
        key = entry.get("ID", "?")
        place = f"entry {key}"
        title = _plain(entry.get("title"))
        if not title:
            problems.warn(display, place, "no title; not in the library")
            continue
        prefix = (entry.get("archiveprefix") or entry.get("eprinttype") or "").lower()
        eprint = entry.get("eprint") if prefix in ("", "arxiv") else None
        # Some exports of arXiv preprints say only "journal = {arXiv [cs.CL]}" and put
        # the bare id in another field (isbn, number).
        venue = " ".join(entry.get(name, "") for name in ("journal", "journaltitle", "publisher"))
        bare = [entry.get("isbn"), entry.get("number")] if "arxiv" in venue.lower() else []
        yield LibraryItem(
            title=title,
            abstract=_plain(entry.get("abstract")),
            keywords=tuple(
                k.strip() for k in re.split(r"[,;]", entry.get("keywords", "")) if k.strip()
            ),
            arxiv_id=arxiv_id_in(
                eprint,
                entry.get("doi"),
                entry.get("url"),
                entry.get("howpublished"),
                entry.get("journal"),
                entry.get("journaltitle"),
                entry.get("number"),
                entry.get("note"),
                *bare,
            ),
            doi=_doi(entry.get("doi")),
            place=f"{display}: {place}",
            authors=_bibtex_authors(entry.get("author")),
            note=_note(entry.get("annote") or entry.get("annotation")),
            url=entry.get("url"),
            published=_bibtex_date(entry),
        )


def _csl_authors(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = []
    for person in value:
        if isinstance(person, dict):
            name = person.get("literal") or " ".join(
                str(person[part]) for part in ("given", "family") if person.get(part)
            )
            if name:
                names.append(collapse_whitespace(str(name)))
    return tuple(names)


def _csl_date(value: object) -> dt.date | None:
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        return _date(*parts[0][:3])
    return None


def _csl_json(text: str, display: str, problems: Problems) -> Iterator[LibraryItem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        problems.error(
            display,
            f"line {err.lineno}",
            f"not valid JSON ({err.msg}); export the library again as CSL JSON",
        )
        return
    items = (
        data if isinstance(data, list) else data.get("items") if isinstance(data, dict) else None
    )
    if not isinstance(items, list):
        problems.error(display, None, "expected a CSL JSON list of items; export it again")
        return
    for index, item in enumerate(items):
        place = f"item {index}"
        if not isinstance(item, dict):
            problems.warn(display, place, "not an item; not in the library")
            continue
        title = _plain(item.get("title") if isinstance(item.get("title"), str) else None)
        if not title:
            problems.warn(display, place, "no title; not in the library")
            continue
        keyword = item.get("keyword")
        fields = [item.get(name) for name in ("number", "DOI", "URL", "container-title", "note")]
        yield LibraryItem(
            title=title,
            abstract=_plain(
                item.get("abstract") if isinstance(item.get("abstract"), str) else None
            ),
            keywords=tuple(k.strip() for k in keyword.split(",") if k.strip())
            if isinstance(keyword, str)
            else (),
            arxiv_id=arxiv_id_in(*(str(f) for f in fields if isinstance(f, str | int))),
            doi=_doi(item.get("DOI") if isinstance(item.get("DOI"), str) else None),
            place=f"{display}: {place} ({item.get('id', '?')})",
            authors=_csl_authors(item.get("author")),
            url=item.get("URL") if isinstance(item.get("URL"), str) else None,
            published=_csl_date(item.get("issued")),
        )


def _ris(text: str, display: str, problems: Problems) -> Iterator[LibraryItem]:
    record: dict[str, list[str]] = {}
    start = 1
    for number, line in enumerate(text.splitlines(), 1):
        tag, sep, value = line.partition("  - ")
        if not sep:
            continue
        tag = tag.strip()
        if tag == "TY":
            record, start = {}, number
        elif tag == "ER":
            item = _ris_item(record, f"line {start}", display, problems)
            if item is not None:
                yield item
            record = {}
            continue
        record.setdefault(tag, []).append(value.strip())


def _ris_item(
    record: dict[str, list[str]], place: str, display: str, problems: Problems
) -> LibraryItem | None:
    def first(*tags: str) -> str | None:
        return next((record[t][0] for t in tags if record.get(t)), None)

    title = _plain(first("TI", "T1", "CT"))
    if not title:
        problems.warn(display, place, "no title (TI); not in the library")
        return None
    urls = record.get("UR", []) + record.get("L1", [])
    return LibraryItem(
        title=title,
        abstract=_plain(first("AB", "N2")),
        keywords=tuple(record.get("KW", [])),
        arxiv_id=arxiv_id_in(first("DO"), *urls, first("T2", "JO"), first("M1", "N1")),
        doi=_doi(first("DO")),
        place=f"{display}: {place}",
        authors=tuple(
            _person(name) for name in record.get("AU", []) + record.get("A1", []) if name.strip()
        ),
        note=_note(" ".join(record.get("N1", []))),
        url=urls[0] if urls else None,
        published=_ris_date(first("DA", "PY", "Y1")),
    )


def _ris_date(value: str | None) -> dt.date | None:
    """RIS dates: ``2020``, ``2020/05/01``, ``2020///``."""
    if not value:
        return None
    parts = [part for part in re.split(r"[/-]", value.strip()) if part.strip()]
    return _date(*parts[:3]) if parts else None


def _plain_list(text: str, display: str, problems: Problems) -> Iterator[LibraryItem]:
    for number, line in enumerate(text.splitlines(), 1):
        entry = (
            line.split("#", 1)[0].strip() if not line.lstrip().startswith("http") else line.strip()
        )
        if not entry:
            continue
        arxiv_id = arxiv_id_in(entry)
        yield LibraryItem(
            title="" if arxiv_id else collapse_whitespace(entry),
            arxiv_id=arxiv_id,
            place=f"{display}: line {number}",
        )


def library_files(paths: Iterable[Path]) -> list[Path]:
    """The files the ``library:`` setting names: files as they are, folders' files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if not (p.is_dir() and not p.is_symlink())
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


def read_library(path: Path, display: str, problems: Problems) -> list[LibraryItem]:
    """One library file; problems go to ``problems`` with the file and place."""
    try:
        size = path.stat().st_size
    except OSError:
        problems.error(display, None, "not found; fix library: in digest.yml")
        return []
    if size > MAX_LISTING_BYTES:
        problems.error(display, None, f"file is {size // (1024 * 1024)} MB; split the library")
        return []
    text = decode(path.read_bytes(), display, problems)
    return [] if text is None else read_library_text(text, display, problems)


# Reads one library file: (path, display, problems) -> items.
ReadLibrary = Callable[[Path, str, Problems], list[LibraryItem]]


def read_library_of(
    config: DigestConfig,
    problems: Problems,
    remembered: Callable[[Path, str, Problems, ReadLibrary], list[LibraryItem]] | None = None,
) -> list[LibraryItem]:
    """Every library file digest.yml's ``library:`` names, read like listings: only from
    inside the digest, only regular files. ``remembered`` (builds: the listing store)
    gives what an earlier build read from a file with the same bytes: a 700 KB BibTeX
    export takes bibtexparser 4.5 s."""
    items: list[LibraryItem] = []
    for path in config.library:
        if not path.exists():
            problems.error(
                _display(path, config.root), None, "not found; fix library: in digest.yml"
            )
    for path in library_files(p for p in config.library if p.exists()):
        display = _display(path, config.root)
        refused = refusal(path, config.root, config.allow_outside)
        if refused:
            problems.error(display, None, refused)
            continue
        if remembered is None:
            items += read_library(path, display, problems)
        else:
            items += remembered(path, display, problems, read_library)
    return items


def _display(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
