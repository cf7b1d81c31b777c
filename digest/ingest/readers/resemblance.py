"""What a file no reader takes looks like, and what to do with it: a library export put
in the listings folder, the arXiv metadata snapshot, JSON Lines of an
unknown shape. Said in the error instead of the list of every reader tried."""

from __future__ import annotations

import json
import re

from digest.ingest.readers.common import json_lines_head

_BIBTEX = re.compile(
    r"(?im)^\s*@(article|inproceedings|incollection|misc|book|online|preprint|techreport|"
    r"phdthesis|mastersthesis|unpublished|report|conference|software)\s*[{(]"
)
_RIS = re.compile(r"(?m)^TY  - ")
_LIBRARY_FIX = (
    "a library of the group's papers, not a day's listing: move it out of the listings "
    "folder and name it under library: in digest.yml (it then ranks each day)"
)


def _csl_json(text: str) -> bool:
    if not text.lstrip().startswith("["):
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and "type" in data[0]
        and ("issued" in data[0] or "author" in data[0] or "citation-key" in data[0])
    )


def resemblance(text: str) -> str | None:
    """Which known format the text most resembles, with what to do; None if none."""
    head = text.lstrip()[:20000]
    if _BIBTEX.search(head):
        return f"this is a BibTeX export, {_LIBRARY_FIX}"
    if _RIS.search(head):
        return f"this is an RIS export, {_LIBRARY_FIX}"
    if _csl_json(text):
        return f"this is a CSL JSON export, {_LIBRARY_FIX}"
    first = json_lines_head(text)
    if first is not None:
        if {"id", "abstract", "versions"} <= first.keys() or {"id", "abstract", "update_date"} <= first.keys():
            return (
                "this is the arXiv metadata snapshot (Cornell/Kaggle JSON Lines); it "
                "cannot be read as a listing yet"
            )
        keys = ", ".join(sorted(first)[:8])
        return (
            f"JSON Lines (one object a line) with keys {keys}: no reader knows this shape; "
            "daily-arXiv-ai-enhanced's lines (id, title, summary, abs) are read"
        )
    return None
