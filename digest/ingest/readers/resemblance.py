"""What a file no reader takes looks like, and what to do with it: JSON Lines of a shape
close to one that is read, with the keys it lacks. Said in the error instead of the list
of every reader tried."""

from __future__ import annotations

from digest.ingest.readers.common import json_lines_head

# The JSON Lines shapes that are read, by the keys each needs.
_SHAPES = {
    "daily-arXiv-ai-enhanced's lines": {"id", "title", "summary", "abs"},
    "the arXiv metadata snapshot's lines": {"id", "title", "abstract", "versions"},
}


def resemblance(text: str) -> str | None:
    """Which known format the text most resembles, with what is missing; None if none."""
    first = json_lines_head(text)
    if first is None:
        return None
    keys = ", ".join(sorted(first)[:8])
    said = f"JSON Lines (one object a line) with keys {keys}: no reader knows this shape; "
    name, needed = max(_SHAPES.items(), key=lambda shape: len(shape[1] & first.keys()))
    if not needed & first.keys():
        known = " and ".join(f"{n} ({', '.join(sorted(k))})" for n, k in _SHAPES.items())
        return said + f"the JSON Lines read are {known}"
    return (
        said + f"it comes closest to {name}, but lacks {', '.join(sorted(needed - first.keys()))}"
    )
