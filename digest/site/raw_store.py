"""The raw HTML blocks of every page (``render.RawHtml``), kept in one file for the build.

One file, not one per page: creating files is what costs on a busy disk (up to a
millisecond each here), and a page's blocks are read back once, by ``site_hooks``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_PLACEHOLDER = re.compile(r'<div data-digest-raw="(\d+)"></div>')


def placeholder(index: int) -> str:
    """What stands in the Markdown for a page's raw block number ``index``."""
    return f'<div data-digest-raw="{index}"></div>'


def fill_placeholders(html: str, blocks: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda match: blocks[int(match.group(1))], html)


class RawStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = open(path, "w+b")  # noqa: SIM115 - open for the whole build, closed by close()
        self.where: dict[str, tuple[int, int]] = {}

    def put(self, page: str, blocks: list[str]) -> bytes:
        """Keep a page's blocks; returns them encoded, for the page's cache key."""
        data = json.dumps(blocks, ensure_ascii=False).encode("utf-8")
        offset = self.handle.seek(0, 2)
        self.handle.write(data)
        self.where[page] = (offset, len(data))
        return data

    def get(self, page: str) -> list[str] | None:
        if page not in self.where:
            return None
        offset, length = self.where[page]
        self.handle.seek(offset)
        blocks: list[str] = json.loads(self.handle.read(length))
        return blocks

    def close(self) -> None:
        """Done with the blocks: the file is scratch, never kept (nor cached by CI)."""
        self.handle.close()
        self.path.unlink(missing_ok=True)
