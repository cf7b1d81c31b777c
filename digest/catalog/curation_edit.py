"""``digest pick`` and ``digest note``: set fields of one paper's entry in curation.yml,
with the date, leaving the rest of the file (comments, order, other entries) as written.

The entry is found by its key as written (an arXiv id or a title). A missing entry is
added at the end of ``papers:``; an existing one has the fields replaced or added, line
by line. The result is read back with the build's own reader before it replaces the
file (atomically): an edit the reader would not take back as meant is refused with the
reason, and the file stays as it was.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from digest import user_yaml
from digest.filesystem import write_atomically
from digest.ingest.curation_file import CURATION_NAME, Curation, parse_curation
from digest.problems import DigestError, Problems

_HEADER = "# The curator's layer: see the README (curation.yml).\npapers:\n"


def _scalar(value: Any) -> str:
    """One line of YAML for a value: dates and plain words as they are, text quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}|day|week|true|false", text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _end_of_papers(rows: list[str]) -> int:
    """Where a new entry goes: after the last line of the ``papers:`` block, before the
    blank lines and the comments at the margin that follow it (a footer stays last)."""
    start = next(i for i, row in enumerate(rows) if row.startswith("papers:"))
    end = start + 1
    last = start + 1  # just after the last line that belongs to the block
    while end < len(rows):
        row = rows[end]
        if row.strip() and _indent(row) == 0:
            break  # a top-level key, or a comment at the margin
        if row.strip():
            last = end + 1
        end += 1
    return last


def _comment(row: str) -> str:
    """A comment at the end of ``row`` (``  # why``), kept when its value is replaced;
    none when the ``#`` could be inside a quoted value."""
    match = re.search(r"\s+#[^\n]*$", row)
    if match is None or row[: match.start()].count('"') % 2 or row[: match.start()].count("'") % 2:
        return ""
    return match.group(0)


def set_fields(root: Path, key: str, fields: dict[str, Any], topic_slugs: set[str]) -> Curation:
    """Set ``fields`` on the entry ``key`` of curation.yml; returns the entry as read back."""
    path = root / CURATION_NAME
    text = path.read_text(encoding="utf-8") if path.is_file() else _HEADER
    try:
        data, lines = user_yaml.load(text)
    except yaml.YAMLError as err:
        raise DigestError(f"{CURATION_NAME} is not valid YAML ({err}); fix it first") from err
    papers = data.get("papers") if isinstance(data, dict) else None
    if data is not None and not isinstance(papers, dict | None):
        raise DigestError(f"{CURATION_NAME}: 'papers:' is not a mapping; fix it first")
    rows = text.splitlines()
    line = lines.of("papers", key) if papers and key in papers else None
    if line is None:
        if data is None or "papers" not in (data or {}):
            rows += ["papers:"]
        elif not papers:
            # "papers: {}" (the empty mapping written inline): the block form, so that
            # the entry can go under it; a comment after it stays.
            rows = [
                re.sub(r"^papers:\s*\{\s*\}", "papers:", row) if row.startswith("papers:") else row
                for row in rows
            ]
        # As deep as the entries already there (two spaces in a new file).
        first = lines.of("papers", next(iter(papers))) if papers else None
        step = _indent(rows[first - 1]) if first else 2
        entry = [f"{' ' * step}{json.dumps(key, ensure_ascii=False)}:"]
        entry += [f"{' ' * step * 2}{name}: {_scalar(v)}" for name, v in fields.items()]
        end_of_block = _end_of_papers(rows)
        rows[end_of_block:end_of_block] = entry
    else:
        if not isinstance(papers[key], dict) and papers[key] is not None:  # type: ignore[index]
            raise DigestError(
                f"{CURATION_NAME} line {line}: the entry for {key} is not a mapping; edit it by hand"
            )
        start = line - 1
        if rows[start].rstrip().endswith("}"):
            raise DigestError(
                f"{CURATION_NAME} line {line}: the entry for {key} is written on one line ({{...}}); edit it by hand"
            )
        own = _indent(rows[start])
        end = start + 1
        while end < len(rows) and (not rows[end].strip() or _indent(rows[end]) > own):
            end += 1
        block = rows[start + 1 : end]
        trailing = 0  # blank lines between this entry and the next stay after it
        while block and not block[-1].strip():
            block.pop()
            trailing += 1
        inner = min((_indent(r) for r in block if r.strip()), default=own + 2)
        for name, value in fields.items():
            new = f"{' ' * inner}{name}: {_scalar(value)}"
            at = next(
                (
                    i
                    for i, r in enumerate(block)
                    if _indent(r) == inner and r.strip().startswith(f"{name}:")
                ),
                None,
            )
            if at is None:
                block.append(new)
                continue
            stop = at + 1  # the old value's own lines (a multi-line note) go with it
            while stop < len(block) and (not block[stop].strip() or _indent(block[stop]) > inner):
                stop += 1
            block[at:stop] = [new + _comment(block[at])]
        rows[start + 1 : end] = block + [""] * trailing
    result = "\n".join(rows) + "\n"
    return _check_and_write(path, result, key, fields, topic_slugs)


def _check_and_write(
    path: Path, text: str, key: str, fields: dict[str, Any], topic_slugs: set[str]
) -> Curation:
    problems = Problems()
    entry = next((c for c in parse_curation(text, topic_slugs, problems) if c.key == key), None)
    meant = entry is not None and all(
        str(getattr(entry, name)) == str(value) for name, value in fields.items()
    )
    if problems.errors or not meant:
        said = (
            "; ".join(str(p) for p in problems.errors) or "the entry did not read back as written"
        )
        raise DigestError(
            f"{CURATION_NAME} not changed: the edit would not read back as meant ({said})"
        )
    write_atomically(path, text.encode("utf-8"))
    assert entry is not None
    return entry
