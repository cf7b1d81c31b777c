"""Every salt of the caches' keys, and the keys themselves, in one place: the stages
give their inputs (``text_key``, ``source_key``, ``records_key``), never hash.

``code_fingerprint``: this package's code and built-in templates and the renderers'
versions, so a new version of paper-digest never reuses what an older one made.
``pages_key``: what every page MkDocs renders shows besides its own source: the code,
mkdocs.yml (and what it INHERITs, and the environment variables its ``!ENV`` tags read),
the navigation, the digest's templates and content, the theme's custom_dir, and the code
MkDocs runs on every page: ``hooks:`` files, plugins and Markdown extensions (their
module files and their packages' versions). A hook that changes renders every page
again (it left day pages stale before, issue 12).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import msgspec

_PACKAGE = Path(__file__).resolve().parent.parent  # the whole digest package
_RENDERERS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")


def text_key(*parts: str) -> str:
    """The key of what was made from ``parts`` (their SHA-256, one part a line)."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def bibliography_key(paper_prints: list[str]) -> str:
    """A .bib file's key: the prints of its papers, in its order."""
    return text_key("bibliography", *paper_prints)


def content_sum(data: bytes) -> str:
    """A kept file's SHA-256, which it is checked against when it is read back."""
    return hashlib.sha256(data).hexdigest()


def source_key(markdown: bytes, blocks: bytes) -> str:
    """A page's source: its Markdown and the raw HTML blocks set aside from it."""
    return hashlib.sha256(markdown + b"\0" + blocks).hexdigest()


def records_key(salt: str, sources: Sequence[object]) -> str:
    """A search shard's key: what its records are made from, every field written out (as
    JSON, by msgspec: ``repr`` of each took 0.1 s of a build at 10,000 papers), and how
    they are made and indexed (``salt``)."""
    digest = hashlib.sha256(salt.encode())
    digest.update(msgspec.json.encode(sources))
    return digest.hexdigest()[:32]


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


def pages_key(mkdocs_file: Path, mkdocs_config: Any, nav: Any, folders: dict[str, Path]) -> str:
    """What every page shows besides its own source (see the module's docstring).
    ``folders``: by the name they go by (relative to the digest where inside it, so that a
    digest moved or restored elsewhere keeps its pages)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    _hash_config(digest, mkdocs_file, set())
    _hash_page_code(digest, mkdocs_config)
    digest.update(json.dumps(nav, sort_keys=True).encode())
    for name, folder in sorted(folders.items()):
        if folder.is_dir():
            digest.update(f"{name}\n".encode())
            hash_tree(digest, folder)
    return digest.hexdigest()


def mkdocs_config_print(mkdocs_file: Path) -> str:
    """mkdocs.yml, what it inherits and the environment variables its ``!ENV`` tags read."""
    digest = hashlib.sha256()
    _hash_config(digest, mkdocs_file, set())
    return digest.hexdigest()


_INHERIT = re.compile(r"^INHERIT:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", re.MULTILINE)
_ENV = re.compile(r"!ENV\s+\[?\s*([A-Za-z_][A-Za-z0-9_]*)")


def _hash_config(digest: Any, path: Path, seen: set[Path]) -> None:
    """mkdocs.yml's bytes, the files it inherits from, and the environment variables
    its ``!ENV`` tags read: all of it can change what every page shows."""
    if path in seen or not path.is_file():
        return
    seen.add(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    digest.update(text.encode())
    for name in sorted(set(_ENV.findall(text))):
        digest.update(f"{name}={os.environ.get(name)}".encode())
    for parent in _INHERIT.findall(text):
        _hash_config(digest, (path.parent / parent.strip()).resolve(), seen)


def _hash_page_code(digest: Any, mkdocs_config: Any) -> None:
    """The code MkDocs runs on every page besides its own and ours."""
    # MkDocs loads each hook as a module: {its path as written: the module}.
    hooks = mkdocs_config.get("hooks") or {}
    for name, module in sorted(dict(hooks).items()):
        digest.update(f"hook {name}\n".encode())
        origin = getattr(module, "__file__", None)
        if origin and os.path.isfile(origin):
            digest.update(Path(origin).read_bytes())
    modules = [type(plugin).__module__ for plugin in (mkdocs_config.plugins or {}).values()]
    modules += list(mkdocs_config.get("markdown_extensions") or [])
    for module in sorted(set(modules)):
        if isinstance(module, str):
            digest.update(_module_print(module).encode())


def modules_print(*names: str) -> str:
    """The source of these modules of the package (and their package's version): what a
    key made with them follows, without every other module's change invalidating it."""
    return "".join(_module_print(name) for name in names)


def _module_print(name: str) -> str:
    """A module's source and its package's version (a plugin, an extension)."""
    parts = [name]
    module = sys.modules.get(name)
    origin = getattr(module, "__file__", None)
    if origin is None:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
    if origin and os.path.isfile(origin):
        parts.append(hashlib.sha256(Path(origin).read_bytes()).hexdigest())
    # The package's version too: a plugin's other modules change with it.
    top = sys.modules.get(name.split(".")[0])
    parts.append(str(getattr(top, "__version__", "")))
    return " ".join(parts) + "\n"
