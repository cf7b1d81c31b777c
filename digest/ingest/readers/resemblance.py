"""What a file no reader takes looks like, and what to do with it: the arXiv metadata
snapshot, JSON Lines of an
unknown shape. Said in the error instead of the list of every reader tried."""

from __future__ import annotations

from digest.ingest.readers.common import json_lines_head


def resemblance(text: str) -> str | None:
    """Which known format the text most resembles, with what to do; None if none."""
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
