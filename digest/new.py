"""``digest new DIR``: a digest that builds at once, ready to publish from GitHub."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from digest.problems import DigestError

SCAFFOLD = resources.files("digest") / "scaffold"
# Where a new digest's site lives until its curator says: the build warns while it is.
PLACEHOLDER_SITE_URL = "https://owner.github.io/repository/"
# Package data cannot carry dot-files reliably, so these are stored without their dot.
_DOTTED = {"gitignore": ".gitignore", "github": ".github"}
# The workflow installs the copy of paper-digest the digest carries (self_wheel): it needs
# nothing but the package index, whatever repository or release exists or not.
VENDOR = "vendor"


def _files(folder: resources.abc.Traversable, prefix: str = "") -> list[tuple[str, bytes]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        name = _DOTTED.get(entry.name, entry.name) if not prefix else entry.name
        relative = f"{prefix}{name}"
        if entry.is_dir():
            found += _files(entry, relative + "/")
        else:
            found.append((relative, entry.read_bytes()))
    return found


def _yaml_scalar(value: str) -> str:
    """``value`` as one YAML scalar on one line, quoted only where YAML needs it."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 16)
    return dumped.removesuffix("\n...\n").strip()


def scaffold(target: Path, title: str, site_url: str) -> list[str]:
    """Write a new digest into ``target``; returns the files written.

    Refuses a folder that already holds a digest; never overwrites any file.
    """
    # Here, not at the top: every command imports this module for its placeholder URL,
    # and the wheel's imports (importlib.metadata, email) cost 0.03 s of each start.
    from digest import self_wheel

    if (target / "digest.yml").exists():
        raise DigestError(
            f"{target}: already holds a digest (digest.yml); choose a new or empty folder"
        )
    planned = _files(SCAFFOLD)
    clashes = [name for name, _ in planned if (target / name).exists()]
    if clashes:
        raise DigestError(
            f"{target}: {', '.join(clashes)} already exist; choose a new or empty folder"
        )
    if not site_url.startswith(("http://", "https://")) or not site_url.endswith("/"):
        raise DigestError(
            f"--site-url {site_url!r} must be an http(s) URL ending in '/', e.g. https://owner.github.io/repo/"
        )
    title = " ".join(title.split()) or "Paper digest"
    written = []
    for name, data in planned:
        if name.endswith((".yml", ".md", ".txt")):
            text = data.decode("utf-8")
            if name.endswith(".yml"):
                # Through the YAML emitter: a title such as "Research: weekly" stays a title.
                text = text.replace("__TITLE__", _yaml_scalar(title))
                text = text.replace("__SITE_URL__", _yaml_scalar(site_url))
                text = text.replace(
                    "__ID_AUTHORITY__", _yaml_scalar(urlsplit(site_url).hostname or "localhost")
                )
            else:
                text = text.replace("__TITLE__", title)
                text = text.replace("__SITE_URL__", site_url)
            text = text.replace("__REQUIREMENT__", f"./{VENDOR}/{self_wheel.wheel_name()}")
            data = text.encode("utf-8")
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(name)
    wheel = self_wheel.write_wheel(target / VENDOR)
    written.append(wheel.relative_to(target).as_posix())
    return written
