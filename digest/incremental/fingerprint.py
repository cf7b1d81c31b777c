"""A fingerprint of this package's code and built-in templates, for the caches' keys: a
new version of paper-digest never reuses what an older one rendered."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import version
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # the whole digest package
_RENDERERS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")


def hash_tree(digest: hashlib._Hash, folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())


@cache
def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in _RENDERERS:
        digest.update(f"{name} {version(name)}\n".encode())
    hash_tree(digest, _PACKAGE)
    return digest.hexdigest()
