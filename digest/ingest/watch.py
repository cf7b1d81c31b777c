"""What ``digest serve`` watches: every input a build reads."""

from __future__ import annotations

from pathlib import Path

from digest.config import CONFIG_NAME, DigestConfig
from digest.ingest.curation_file import CURATION_NAME


def watched_inputs(config: DigestConfig) -> list[Path]:
    """The listings, content and templates folders, digest.yml, curation.yml,
    mkdocs.yml and the library's files, where they exist."""
    candidates = [
        config.listings,
        config.content,
        config.templates,
        config.root / CONFIG_NAME,
        config.root / CURATION_NAME,
        config.mkdocs,
        *config.library,
    ]
    return [path for path in candidates if path.exists()]
