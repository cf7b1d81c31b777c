"""Hand-written pages (``content/``) copied into the docs folder beside the generated ones."""

from __future__ import annotations

from digest.config import DigestConfig
from digest.filesystem import SyncedFolder
from digest.guard import refusal
from digest.problems import Problems


def copy_content(
    config: DigestConfig, docs: SyncedFolder, generated: set[str], problems: Problems
) -> list[str]:
    """Copy the hand-written pages; returns their paths for the navigation."""
    pages: list[str] = []
    if not config.content.is_dir():
        return pages
    for source in sorted(config.content.rglob("*")):
        if (source.is_dir() and not source.is_symlink()) or any(
            p.startswith(".") for p in source.relative_to(config.content).parts
        ):
            continue
        relative = source.relative_to(config.content).as_posix()
        refused = refusal(source, config.root, config.allow_outside)
        if refused:
            problems.error(f"{config.content.name}/{relative}", None, refused)
            continue
        if relative in generated:
            problems.error(
                f"{config.content.name}/{relative}",
                None,
                "has the name of a page digest generates; rename the file",
            )
            continue
        docs.copy(relative, source)
        if relative.endswith(".md"):
            pages.append(relative)
    return pages
