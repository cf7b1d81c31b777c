"""A wheel of the running paper-digest, for ``digest new`` to put into the new digest.

A new digest's workflow must install the same paper-digest on a GitHub runner that
reaches nothing but the package index. No public repository or release of this version
can be assumed, so the digest carries its own copy: the package as it is installed here,
with its metadata (its dependencies, its ``digest`` command), written as a standard
wheel that pip installs from a path, taking the dependencies from the index.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import zipfile
from pathlib import Path

import digest
from digest.problems import DigestError

DISTRIBUTION = "paper-digest"
# A fixed time for every member: the same version gives the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def wheel_name() -> str:
    version = importlib.metadata.version(DISTRIBUTION)
    return f"paper_digest-{version}-py3-none-any.whl"


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _package_files() -> list[tuple[str, bytes]]:
    root = Path(digest.__file__).resolve().parent
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_dir() or "__pycache__" in relative.parts or path.suffix in (".pyc", ".pyo"):
            continue
        files.append((f"digest/{relative.as_posix()}", path.read_bytes()))
    return files


def _metadata_files() -> list[tuple[str, bytes]]:
    distribution = importlib.metadata.distribution(DISTRIBUTION)
    info = f"paper_digest-{distribution.version}.dist-info"
    # A wheel's dist-info has METADATA; an in-tree build's egg-info (what `pip install .`
    # leaves beside the source, found first from a checkout) has the same as PKG-INFO.
    metadata = distribution.read_text("METADATA") or distribution.read_text("PKG-INFO") or ""
    if "\nVersion:" not in metadata:
        raise DigestError(f"{DISTRIBUTION}'s installed metadata cannot be read; reinstall it")
    entry_points = distribution.read_text("entry_points.txt") or (
        "[console_scripts]\ndigest = digest.cli:main\n"
    )
    wheel = (
        "Wheel-Version: 1.0\nGenerator: paper-digest\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    return [
        (f"{info}/METADATA", metadata.encode("utf-8")),
        (f"{info}/WHEEL", wheel.encode()),
        (f"{info}/entry_points.txt", entry_points.encode("utf-8")),
    ]


def write_wheel(folder: Path) -> Path:
    """The wheel of the running paper-digest, written into ``folder``."""
    members = _package_files() + _metadata_files()
    info = members[-1][0].split("/", 1)[0]
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in members)
    record += f"{info}/RECORD,,\n"
    members.append((f"{info}/RECORD", record.encode()))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / wheel_name()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in members:
            entry = zipfile.ZipInfo(name, date_time=_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            wheel.writestr(entry, data)
    return target
