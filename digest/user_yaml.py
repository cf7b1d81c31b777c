"""YAML written by people (digest.yml, curation.yml): loaded with aliases bounded, and
with the line of every value kept for messages.

PyYAML shares an aliased value instead of copying it, so a "billion laughs" document
loads small, but anything that walks it (our checks, ``str()`` of a term) walks every
copy: a nine-level alias bomb in digest.yml took 32 s and 3 GB before a MemoryError. The
values a document stands for are counted on its node graph first, in linear time.
"""

from __future__ import annotations

from typing import Any

import yaml

# Far above any real digest.yml (the shipped one has about 300 values).
MAX_VALUES = 100_000


class TooManyValues(yaml.YAMLError):
    def __init__(self, count: int) -> None:
        super().__init__(f"its aliases (*name) stand for over {MAX_VALUES:,} values")
        self.problem = str(self)
        self.problem_mark = None
        self.count = count


# Brackets ([ and {) nested deeper than this are refused where they open. PyYAML's
# scanner looks again at each open bracket's possible key at every token, so each token
# costs as much as the brackets around it: a line of 300 nested brackets took 30 ms, a
# file of 100 such lines 2.8 s, and a listing at its 32 MB bound would take half an hour.
# No setting or hand-kept list nests brackets a tenth as deep.
MAX_BRACKET_DEPTH = 32


class TooDeep(yaml.YAMLError):
    """Lists or mappings nested too deeply: brackets over ``MAX_BRACKET_DEPTH`` deep
    (refused at the bracket, ``mark``), or hundreds of indented levels (PyYAML's parser
    recurses). No setting of ours is more than a few levels deep."""

    def __init__(self, mark: yaml.Mark | None = None) -> None:
        super().__init__(
            f"lists or mappings nested too deeply (brackets over {MAX_BRACKET_DEPTH} deep)"
            if mark is not None
            else "lists or mappings nested too deeply (hundreds of levels)"
        )
        self.problem = str(self)
        self.problem_mark = mark


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses brackets nested over ``MAX_BRACKET_DEPTH`` deep
    where the first one too many opens (``TooDeep``, with its line)."""

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level >= MAX_BRACKET_DEPTH:
            raise TooDeep(self.get_mark())
        super().fetch_flow_collection_start(TokenClass)


def where_and_what(error: yaml.YAMLError) -> tuple[str | None, str]:
    """The place a YAML error names (``line N``, or None) and what it says is wrong, for
    a message that points the curator at the line to fix."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    place = f"line {mark.line + 1}" if mark is not None else None
    return place, str(getattr(error, "problem", None) or error)


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document stands for once every alias is expanded."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    # Children before parents, without recursion (a deep document must not overflow).
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done:
            total = 1 + sum(sizes.get(id(child), 0) for child in children)
            sizes[id(node)] = min(total, MAX_VALUES + 1)
            open_nodes.discard(id(node))
            continue
        if id(node) in open_nodes:
            return MAX_VALUES + 1  # a value that contains itself never ends
        open_nodes.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                return MAX_VALUES + 1
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class Lines:
    """The line (1-based) of a value in the document, found by its path of keys."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def of(self, *path: Any) -> int | None:
        """The line of the last key of ``path`` (or of the item, in a list)."""
        node = self.root
        line = None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if _same_key(k, step)), None)
                if pair is None:
                    return None
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    return None
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                return None
        return line


def _same_key(node: yaml.Node, key: Any) -> bool:
    """Whether the key node was read as ``key`` (a number keeps its written text)."""
    if node.value == str(key):
        return True
    if isinstance(key, int | float) and not isinstance(key, bool):
        try:
            return bool(type(key)(str(node.value).replace("_", "")) == key)
        except ValueError:
            return False
    return False


def load(text: str) -> tuple[Any, Lines]:
    """The document's data and its lines; raises ``yaml.YAMLError`` (``TooManyValues``
    for an alias bomb) like ``yaml.safe_load``."""
    loader = BoundedLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError as err:
            raise TooDeep() from err
        if node is None:
            return None, Lines(None)
        count = _expanded_size(node)
        if count > MAX_VALUES:
            raise TooManyValues(count)
        try:
            return loader.construct_document(node), Lines(node)
        except RecursionError as err:
            raise TooDeep() from err
    finally:
        loader.dispose()
