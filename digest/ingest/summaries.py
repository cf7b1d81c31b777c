"""Generated gists, stored beside the listings (``listings/.summaries/``) and read by every
build like a listing: the build stays offline and a function of its inputs.

One file a paper, keyed by what the gist was made from: the paper, a hash of its title
and abstract, the model, the prompt's version and the language. A gist is used only
while all of those still hold, so a changed abstract, model, prompt or language asks
again (``digest summarize``), and nothing else ever does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from digest.model import Paper
from digest.summaries_config import SummariesConfig

FOLDER = ".summaries"
# Bumped whenever the prompt changes: every stored gist is then asked again.
PROMPT_VERSION = "gist-1"
MAX_GIST_CHARS = 300


@dataclass(frozen=True)
class StoredGist:
    paper: str
    text_hash: str
    model: str
    prompt: str
    language: str
    gist: str

    def holds_for(self, paper: Paper, config: SummariesConfig) -> bool:
        """Whether this gist was made from the paper as it is, as the digest asks now."""
        return (
            self.paper == paper.key
            and self.text_hash == text_hash(paper)
            and self.model == config.model
            and self.prompt == PROMPT_VERSION
            and self.language == config.language
        )


def text_hash(paper: Paper) -> str:
    return hashlib.sha256(f"{paper.title}\n{paper.abstract}".encode()).hexdigest()[:32]


def file_name(key: str) -> str:
    """A paper's file: its arXiv id where it has one (readable in a diff), else a hash."""
    if key.startswith("arxiv:") and "/" not in key:
        return f"{key.removeprefix('arxiv:')}.json"
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


def read_stored(listings: Path) -> dict[str, StoredGist]:
    """Every stored gist by paper key; a file that is not one (damaged, edited, planted)
    is left out: its paper keeps its fallback, and the next summarize run asks again."""
    folder = listings / FOLDER
    found: dict[str, StoredGist] = {}
    if not folder.is_dir() or folder.is_symlink():
        return found
    for path in sorted(folder.glob("*.json")):
        try:
            if not path.is_file() or path.is_symlink() or path.stat().st_size > 16_384:
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
            stored = StoredGist(
                **{name: str(data[name]) for name in StoredGist.__dataclass_fields__}
            )
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            continue
        if 0 < len(stored.gist) <= MAX_GIST_CHARS:
            found[stored.paper] = stored
    return found


def gist_bytes(stored: StoredGist) -> bytes:
    return (
        json.dumps(stored.__dict__, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    ).encode()
