"""Reading ``curation.yml``, the curator's layer: it pins, hides, re-topics, annotates and
picks papers (``catalog.curation`` applies it).

    papers:
      "2405.15738":                 # an arXiv id, or a paper's exact title
        pin: true                   # first on its day
        hide: true                  # gone from pages, feeds, search and citations
        dislike: true               # not for the group: never recommended, like papers rank lower
        add_topics: [reasoning]
        remove_topics: [other]
        note: "**Why read it**: ..."   # Markdown, shown above the abstract and in feeds
        pick: day                   # paper of the day (or: week), on the home page
        picked: 2026-01-05          # when: its date in picks.xml (digest pick writes both)
        edited: 2026-01-06          # when the note or topics last changed: moves the
                                    # feeds' Atom <updated> (digest note writes it)

The file is read at every build, so it survives every fetch. An entry that matches no
paper, an unknown key or an unknown topic is reported, never ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from digest import user_yaml
from digest.problems import Problems, unknown_key

CURATION_NAME = "curation.yml"
_KEYS = {
    "pin",
    "hide",
    "dislike",
    "add_topics",
    "remove_topics",
    "note",
    "pick",
    "picked",
    "edited",
}
_PICKS = {"day", "week"}
# A note is a few sentences; a 10 MB one made a 247 MB site (it shows on every page of
# the paper and in every feed).
MAX_NOTE_CHARS = 5_000


@dataclass(frozen=True)
class Curation:
    key: str  # the entry as written, for messages
    where: str = ""  # its line and path in curation.yml, for messages
    pin: bool = False
    hide: bool = False
    dislike: bool = False
    add_topics: tuple[str, ...] = ()
    remove_topics: tuple[str, ...] = ()
    note: str | None = None
    pick: str | None = None
    picked: dt.date | None = None
    edited: dt.date | None = None


def _day(value: Any, place: str, problems: Problems) -> dt.date | None:
    """A date as YAML reads it (``2026-01-05`` unquoted is a date) or as ISO text."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.error(CURATION_NAME, place, f"must be a date such as 2026-01-05, not {value!r}")
    return None


def _topics(value: Any, place: str, problems: Problems, known: set[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.error(CURATION_NAME, place, "must be a list of topic slugs, e.g. [reasoning]")
        return ()
    for slug in values:
        if slug not in known:
            problems.error(
                CURATION_NAME, place, f"no topic '{slug}'; topics are: {', '.join(sorted(known))}"
            )
    return tuple(v for v in values if v in known)


def load_curation(root: Path, topic_slugs: set[str], problems: Problems) -> list[Curation]:
    path = root / CURATION_NAME
    if not path.is_file():
        return []
    return parse_curation(path.read_text(encoding="utf-8"), topic_slugs, problems)


def parse_curation(text: str, topic_slugs: set[str], problems: Problems) -> list[Curation]:
    try:
        raw, lines = user_yaml.load(text)
        raw = raw or {}
    except yaml.YAMLError as err:
        line, problem = user_yaml.where_and_what(err)
        problems.error(CURATION_NAME, line, f"not valid YAML ({problem})")
        return []
    entries = raw.get("papers") if isinstance(raw, dict) else None
    if entries is None and (raw == {} or (isinstance(raw, dict) and "papers" in raw)):
        return []  # an empty file, comments only, or "papers:" with nothing under it yet
    if not isinstance(entries, dict):
        problems.error(
            CURATION_NAME,
            None,
            "expected 'papers:' mapping arXiv ids or titles to what to do with them",
        )
        return []
    curations = []
    for key, settings in entries.items():

        def place(*field: str, key: Any = key) -> str:
            line = lines.of("papers", key, *field)
            path = ".".join(["papers", str(key), *field])
            return f"line {line}: {path}" if line else path

        if isinstance(key, int | float) and not isinstance(key, bool):
            # YAML reads 2312.15230 as the number 2312.1523: another paper's id.
            problems.error(
                CURATION_NAME,
                place(),
                f'YAML reads this id as the number {key!r}; write it in quotes, e.g. "2312.15230":',
            )
            continue
        if not isinstance(settings, dict):
            problems.error(CURATION_NAME, place(), "must be a mapping such as {pin: true}")
            continue
        for unknown in sorted(set(map(str, settings)) - _KEYS):
            problems.warn(
                CURATION_NAME,
                place(unknown),
                unknown_key(unknown, _KEYS),
            )
        pick = settings.get("pick")
        if pick is not None and (not isinstance(pick, str) or pick not in _PICKS):
            problems.error(
                CURATION_NAME, place("pick"), f"must be day or week, not {pick!r}; e.g. pick: day"
            )
            pick = None
        switches = {}
        for switch in ("pin", "hide", "dislike"):
            value = settings.get(switch, False)
            if not isinstance(value, bool):
                problems.error(
                    CURATION_NAME,
                    place(switch),
                    f"must be true or false, not {value!r}; e.g. {switch}: true",
                )
            switches[switch] = value is True
        note = settings.get("note")
        if note is not None and not isinstance(note, str):
            problems.error(
                CURATION_NAME,
                place("note"),
                "must be text; put it in quotes if it looks like a number or a list",
            )
            note = None
        if isinstance(note, str) and len(note) > MAX_NOTE_CHARS:
            problems.warn(
                CURATION_NAME,
                place("note"),
                f"the note is {len(note):,} characters; the first {MAX_NOTE_CHARS:,} are shown",
            )
            note = note[:MAX_NOTE_CHARS] + " …"
        curations.append(
            Curation(
                key=str(key),
                where=place(),
                pin=switches["pin"],
                hide=switches["hide"],
                dislike=switches["dislike"],
                add_topics=_topics(
                    settings.get("add_topics"), place("add_topics"), problems, topic_slugs
                ),
                remove_topics=_topics(
                    settings.get("remove_topics"), place("remove_topics"), problems, topic_slugs
                ),
                note=note if isinstance(note, str) and note.strip() else None,
                pick=pick,
                picked=_day(settings.get("picked"), place("picked"), problems),
                edited=_day(settings.get("edited"), place("edited"), problems),
            )
        )
    return curations
