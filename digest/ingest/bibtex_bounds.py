"""BibTeX within bounds, before bibtexparser sees it.

bibtexparser 1.x reads what a real export holds (a few thousand entries, braces a few
deep) well, but a made-up file hurts it: braces nested a hundred deep overflow its
recursion, ``@string`` macros that each repeat the one before (``b = a # a``) grow to
gigabytes in under a kilobyte, and an entry that never closes costs minutes before it is
dropped without a word. So each entry is found here first, in one linear pass, and only
the entries within bounds go on; every one left out is reported with its line.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from digest.problems import Problems

MAX_BIBTEX_BYTES = 8 * 1024 * 1024  # a 10,000-item Zotero library is about 6 MB
MAX_ENTRIES = 20_000
MAX_DEPTH = 16  # a title protects its capitals two or three braces deep
MAX_ENTRY_CHARS = 200_000  # an entry with a long abstract is about 5,000
MAX_MACRO_CHARS = 10_000  # what one @string may stand for once expanded
MAX_EXPANDED_CHARS = 32 * 1024 * 1024  # all the file's entries with their macros expanded

# An entry starts at a line whose first non-space character is @ (every exporter writes
# them so); a line inside a field that starts with @ is joined back by brace balance.
_ENTRY_START = re.compile(r"^[ \t]*@", re.M)
_BRACE = re.compile(r"[{}]")
_STRING_HEAD = re.compile(r"\s*@\s*string\s*[{(]\s*([^=\s]+)\s*=", re.I)
_MACRO_NAME = re.compile(r"[A-Za-z_][\w:.+/'-]*")


@dataclass
class _Chunk:
    line: int
    text: str


def _depths(text: str, depth: int = 0) -> tuple[int, int]:
    """(depth at the end, deepest) of the text's braces, from ``depth`` at its start; a
    closing brace too many ends the count there, as deeper than allowed."""
    deepest = depth
    for match in _BRACE.finditer(text):
        depth += 1 if match.group() == "{" else -1
        if depth < 0:
            return depth, MAX_DEPTH + 1
        deepest = max(deepest, depth)
    return depth, deepest


def _chunks(text: str) -> tuple[str, list[_Chunk]]:
    """(what comes before the first entry, the entries), each entry with its first line."""
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    if not starts:
        return text, []
    chunks: list[_Chunk] = []
    line = text.count("\n", 0, starts[0]) + 1
    # The entry being joined: its first line, its pieces, their length, and the depth of
    # its braces so far (each piece counted once: a file of entries that never close
    # joined up to MAX_ENTRY_CHARS each, and counting the whole entry again at each piece
    # took 44 s for 2.3 MB).
    pending: tuple[int, list[str]] | None = None
    size = depth = 0
    bounds = [*starts, len(text)]
    for begin, end in itertools.pairwise(bounds):
        piece = text[begin:end]
        if pending is not None and size < MAX_ENTRY_CHARS:
            pending[1].append(piece)  # a field's line that starts with @: still the entry
            size += len(piece)
        else:
            if pending is not None:
                chunks.append(_Chunk(pending[0], "".join(pending[1])))
            pending, size, depth = (line, [piece]), len(piece), 0
        line += piece.count("\n")
        depth = _depths(piece, depth)[0]
        if depth <= 0:
            chunks.append(_Chunk(pending[0], "".join(pending[1])))
            pending = None
    if pending is not None:
        chunks.append(_Chunk(pending[0], "".join(pending[1])))
    return text[: starts[0]], chunks


def _literal_size(value: str, macros: dict[str, int]) -> int:
    """How long a field value (``"a" # name # {b}``) is once its macros are expanded."""
    size, index = 0, 0
    while index < len(value):
        char = value[index]
        if char in " \t\r\n#,":
            index += 1
        elif char == "{":
            depth, start = 0, index
            while index < len(value):
                depth += {"{": 1, "}": -1}.get(value[index], 0)
                index += 1
                if depth == 0:
                    break
            size += index - start
        elif char == '"':
            end = value.find('"', index + 1)
            end = len(value) if end < 0 else end
            size += end - index
            index = end + 1
        else:
            match = _MACRO_NAME.match(value, index)
            if match is None:
                index += 1
                continue
            name = match.group().lower()
            size += macros.get(name, len(name))
            index = match.end()
    return size


def bounded_bibtex(text: str, display: str, problems: Problems) -> str:
    """The entries of ``text`` that bibtexparser can read within bounds, as BibTeX; the
    others reported (warnings: the rest of the file is still read)."""
    preamble, chunks = _chunks(text)
    kept = [preamble if "{" not in preamble else ""]
    macros: dict[str, int] = {}
    expanded = 0
    entries = 0
    for number, chunk in enumerate(chunks):
        place = f"line {chunk.line}"
        end_depth, deepest = _depths(chunk.text)
        if entries >= MAX_ENTRIES:
            problems.warn(
                display,
                place,
                f"over {MAX_ENTRIES:,} entries; the {len(chunks) - number:,} from here on "
                "are not read: split the file",
            )
            break
        if deepest > MAX_DEPTH:
            problems.warn(
                display,
                place,
                f"an entry whose braces are unbalanced or nested over {MAX_DEPTH} deep; "
                "skipped: check its braces",
            )
            continue
        if end_depth > 0 or len(chunk.text) > MAX_ENTRY_CHARS:
            problems.warn(
                display,
                place,
                "an entry that never closes (a missing '}'), or over "
                f"{MAX_ENTRY_CHARS:,} characters; skipped: check its braces",
            )
            continue
        head = _STRING_HEAD.match(chunk.text)
        if head is not None:
            body = chunk.text[head.end() :].rstrip().rstrip("})").rstrip()
            size = _literal_size(body, macros)
            if size > MAX_MACRO_CHARS:
                problems.warn(
                    display,
                    place,
                    f"@string {head.group(1)} stands for {size:,} characters once expanded, "
                    f"over the {MAX_MACRO_CHARS:,} a macro may; read as empty",
                )
                # Still defined (as nothing): the entries that use it are read, not
                # refused for naming an unknown macro.
                kept.append(f"@string{{{head.group(1)} = {{}}}}\n")
                macros[head.group(1).lower()] = 0
                continue
            macros[head.group(1).lower()] = size
            kept.append(chunk.text)
            continue
        # An entry's values refer to macros at most once per name or '#': a bound on
        # what expanding it can cost, before bibtexparser does.
        references = chunk.text.count("#") + chunk.text.count("=")
        cost = len(chunk.text) + references * (max(macros.values()) if macros else 0)
        if expanded + cost > MAX_EXPANDED_CHARS:
            problems.warn(
                display,
                place,
                "the entries' @string macros expand past "
                f"{MAX_EXPANDED_CHARS // (1024 * 1024)} MB; this entry and the rest are "
                "not read: use fewer or shorter macros",
            )
            break
        expanded += cost
        entries += 1
        kept.append(chunk.text)
    return "".join(kept)
