"""Topic rules over the whole archive: explain one paper, or diff two rule sets before
anything is published. Each build saves the rules it used in ``.digest/topics.json``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import yaml

from digest import user_yaml
from digest.catalog.topics import assign_topics, explain
from digest.config import DigestConfig, Topic, parse_topics
from digest.filesystem import write_whole
from digest.identity import arxiv_id_in, split_arxiv_id, title_key
from digest.model import Paper
from digest.paths import SAVED_RULES
from digest.problems import DigestError, Problems


def save_rules(work: Path, topics: tuple[Topic, ...], catch_all: Topic) -> None:
    data = {"topics": [asdict(t) for t in topics], "catch_all": asdict(catch_all)}
    write_whole(
        work / SAVED_RULES, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()
    )


def _topic(data: dict) -> Topic:
    return Topic(
        slug=data["slug"],
        title=data["title"],
        description=data.get("description", ""),
        include=tuple(data.get("include", ())),
        exclude=tuple(data.get("exclude", ())),
        fields=tuple(data.get("fields", ("title", "abstract"))),
    )


def load_rules(path: Path) -> tuple[tuple[Topic, ...], Topic]:
    """Rules from a saved build (``topics.json``) or from a digest.yml-like YAML file."""
    if not path.is_file():
        raise DigestError(f"{path}: not found; build once (digest build) or name a rules file")
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        try:
            data = json.loads(text)
            return tuple(_topic(t) for t in data["topics"]), _topic(data["catch_all"])
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise DigestError(
                f"{path}: damaged ({type(err).__name__}); the next digest build saves it "
                "again, or compare with a rules file: digest topics --diff RULES"
            ) from err
    problems = Problems()
    try:
        data = user_yaml.load(text)[0] or {}
    except yaml.YAMLError as err:
        place, problem = user_yaml.where_and_what(err)
        # Indented hundreds of levels deep, the error has no line to fix.
        hint = (
            "fix the line shown, or name another rules file" if place else "name another rules file"
        )
        raise DigestError(
            f"{path}: {place + ': ' if place else ''}not valid YAML ({problem}); {hint}"
        ) from err
    topics, catch_all = parse_topics(data, path.name, problems)
    if problems.errors:
        raise DigestError("; ".join(str(p) for p in problems.errors))
    return topics, catch_all


def find_paper(papers: list[Paper], wanted: str) -> Paper:
    """The paper ``wanted`` names, as a curator copies it: an arXiv id with or without
    its version, ``arXiv:2401.01234``, an arxiv.org abs or pdf link, or the exact title."""
    parsed = split_arxiv_id(wanted)
    named = parsed[0] if parsed else arxiv_id_in(wanted)
    key = f"arxiv:{named}" if named else f"title:{title_key(wanted)}"
    for paper in papers:
        if paper.key == key or f"title:{paper.title_key}" == key:
            return paper
    raise DigestError(
        f"no paper '{wanted}' in the listings; give an arXiv id or a paper's exact title"
    )


def diff_rules(
    papers: list[Paper],
    before: tuple[tuple[Topic, ...], Topic],
    after: tuple[tuple[Topic, ...], Topic],
) -> dict[str, tuple[list[Paper], list[Paper]]]:
    """Per topic slug: the papers it gains and loses going from ``before`` to ``after``."""
    changes: dict[str, tuple[list[Paper], list[Paper]]] = {}
    for paper in papers:
        old = {m.slug for m in assign_topics(paper, *before)}
        new = {m.slug for m in assign_topics(paper, *after)}
        for slug in new - old:
            changes.setdefault(slug, ([], []))[0].append(paper)
        for slug in old - new:
            changes.setdefault(slug, ([], []))[1].append(paper)
    return dict(sorted(changes.items()))


def explain_on_site(paper: Paper, curated: Paper | None, config: DigestConfig) -> list[str]:
    """Why a paper sits where it does on the site: each topic's rule, each watch list,
    then what the curator's file changed, and the topics the site shows it under.

    ``paper`` is the paper as the listings have it; ``curated`` the same paper in the
    curated catalog, or None when the curator hid it.
    """
    lines = explain(paper, config.topics, config.catch_all)
    if config.watches:
        lines += [f"watch {line}" for line in explain(paper, config.watches, config.catch_all)[:-1]]
    if curated is None:
        lines.append("hidden by the curator (curation.yml): on no page, feed or search")
        return lines
    by_rule = {match.slug for match in assign_topics(paper, config.topics, config.catch_all)}
    shown = [match.slug for match in curated.topics]
    for match in curated.topics:
        if match.field == "curator":
            lines.append(f"{match.slug}: IN, added by the curator (curation.yml)")
    for slug in sorted(by_rule - set(shown)):
        if slug != config.catch_all.slug:
            lines.append(f"{slug}: out, removed by the curator (curation.yml)")
    if curated.pinned:
        lines.append("pinned by the curator: first on its days")
    if curated.pick:
        lines.append(f"the curator's pick of the {curated.pick}")
    lines.append(f"on the site under: {', '.join(shown)}")
    return lines
