"""A store's entries as JSON of one declared type, decoded by msgspec into that type.

The listing store holds every paper a digest ever read (a year of arXiv at 700 a day is
183,000 papers, 350 MB), and each build reads it whole. ``data_codec`` builds its values
in Python, a call per value; msgspec decodes JSON straight into the declared dataclasses
in C: 0.5 CPU s where ``data_codec`` took 2.5 for half that year
(``bench/store_decoding.py``; ``bench/RESULTS.md``, fourteenth session).

Same promise as ``data_codec``: reading a kept file builds declared data and calls no
code of its classes. msgspec sets a dataclass's fields without ``__init__`` but would
call ``__post_init__``, so a type that has one is refused here, when the store is made.
A file of another shape, or whose values are not of the declared types, is
``CodecError``: the store rebuilds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from digest.incremental.data_codec import CodecError


class TypedCodec:
    """Encodes and decodes values of ``kind`` (a type msgspec knows: dataclasses,
    lists, tuples, dicts, dates, enums, unions with None)."""

    def __init__(self, kind: Any, enc_hook: Callable[[Any], Any] | None = None) -> None:
        """``enc_hook``: what to write for a value msgspec does not know (a NumPy number)."""
        for declared in _dataclasses_in(msgspec.inspect.type_info(kind)):
            if hasattr(declared, "__post_init__"):
                raise TypeError(f"{declared.__name__} runs __post_init__ when decoded")
        self._encoder = msgspec.json.Encoder(enc_hook=enc_hook)
        self._decoder = msgspec.json.Decoder(kind)

    def dumps(self, value: Any) -> bytes:
        return self._encoder.encode(value)

    def loads(self, data: bytes | memoryview) -> Any:
        try:
            return self._decoder.decode(data)
        except (msgspec.DecodeError, RecursionError, OverflowError, ValueError) as err:
            # DecodeError: not JSON, or not of the declared types (ValidationError).
            raise CodecError(f"not a kept value: {err}") from err


def _dataclasses_in(info: msgspec.inspect.Type) -> set[type]:
    """Every dataclass a value of this type may hold, however deep."""
    found: set[type] = set()
    pending = [info]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, msgspec.inspect.DataclassType):
            found.add(node.cls)
            pending.extend(field.type for field in node.fields)
        for name in ("item_type", "key_type", "value_type"):
            child = getattr(node, name, None)
            if isinstance(child, msgspec.inspect.Type):
                pending.append(child)
        for name in ("item_types", "types"):
            children = getattr(node, name, None)
            if isinstance(children, tuple):
                pending.extend(c for c in children if isinstance(c, msgspec.inspect.Type))
    return found
