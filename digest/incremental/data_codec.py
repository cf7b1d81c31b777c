"""What the stores keep, written as JSON: data that can only ever be read back as data.

``.digest/`` is restored from a shared cache (actions/cache) in a job that may push, so
whoever can write that cache can plant any file in it. A pickle runs whatever callable it
names when it is loaded; this format names only the dataclasses a store declares, and
reading one back sets their fields and calls nothing of theirs. A file that names
anything else, or is not of this shape, is ``CodecError``: the store rebuilds it.

Values are JSON arrays tagged by their first element (plain strings, numbers, booleans
and null stand for themselves):

- ``["l", ...]`` list, ``["t", ...]`` tuple, ``["s", ...]`` frozenset (sorted by JSON),
  ``["d", k1, v1, k2, v2, ...]`` dict (keys of any kind here),
- ``["D", "2025-03-11"]`` date, ``["b", base64]`` bytes, ``["f", "nan"]`` a float JSON
  cannot hold, ``["E", "Severity", value]`` an enum member,
- ``["C", "Paper", field1, field2, ...]`` a declared dataclass, fields in order,
- ``["n", dtype, shape, base64]`` a NumPy array of numbers (``["N", dtype, shape, i]``:
  the ``i``-th of the arrays kept beside the JSON, with ``dumps_apart``),
- ``["S", shape, data, indices, indptr]`` a SciPy CSR matrix.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import enum
import functools
import json
import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from scipy import sparse

# Only number arrays: an object array would hold arbitrary values.
_NUMBER_KINDS = frozenset("biuf")
# JSON values that stand for themselves: taken as they are, without a call per value.
_PLAIN = frozenset({str, int, float, bool, type(None)})


class CodecError(ValueError):
    """Not a file this format wrote, or one naming a type it was not given."""


class Codec:
    """Encodes and decodes values built of the given dataclasses and enums."""

    def __init__(self, types: Iterable[type]) -> None:
        self.types: dict[str, type] = {}
        for kind in types:
            if not (dataclasses.is_dataclass(kind) or issubclass(kind, enum.Enum)):
                raise TypeError(f"{kind.__name__}: only dataclasses and enums are kept")
            self.types[kind.__qualname__] = kind
        self.fields = {
            name: tuple(f.name for f in dataclasses.fields(kind))
            for name, kind in self.types.items()
            if dataclasses.is_dataclass(kind)
        }
        # Dataclasses with __slots__ (the small values a paper holds: ``model``), which
        # have no dictionary to fill.
        self._slotted = {kind for kind in self.types.values() if "__slots__" in vars(kind)}
        # The arrays kept beside the JSON (``dumps_apart``, ``loads_apart``), else None.
        self._apart: list[Any] | None = None

    def _with_apart(self, arrays: list[Any]) -> Codec:
        """This codec for one call that keeps arrays apart (a copy: two threads may use
        the same codec)."""
        worker = copy.copy(self)
        worker.__dict__.pop("_by_tag", None)  # bound to the original
        worker._apart = arrays
        return worker

    # Encoding ----------------------------------------------------------------------------

    def dumps(self, value: Any) -> bytes:
        return json.dumps(self._encode(value), ensure_ascii=False, separators=(",", ":")).encode()

    def dumps_apart(self, value: Any) -> tuple[bytes, list[memoryview]]:
        """The JSON, and each NumPy array's bytes apart from it (written as they are: the
        related papers' vectors are most of the ranking memory, 14 MB at the two-year
        archive, and base64 in JSON took longer to write and read than the rest)."""
        arrays: list[Any] = []
        return self._with_apart(arrays).dumps(value), arrays

    def loads_apart(self, data: bytes | memoryview, arrays: list[memoryview]) -> Any:
        """What ``dumps_apart`` wrote, given its arrays' bytes."""
        return self._with_apart(arrays).loads(data)

    def _encode(self, value: Any) -> Any:  # noqa: C901 (one branch per kind of value a store may keep: the whole format in one place)
        if value is None or isinstance(value, bool | int | str):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else ["f", repr(value)]
        kind = type(value)
        if kind is list:
            return ["l", *(self._encode(v) for v in value)]
        if kind is tuple:
            return ["t", *(self._encode(v) for v in value)]
        if kind is dict:
            out: list[Any] = ["d"]
            for key, item in value.items():
                out += (self._encode(key), self._encode(item))
            return out
        if kind in (set, frozenset):
            items = [self._encode(v) for v in value]
            return ["s", *sorted(items, key=lambda v: json.dumps(v, sort_keys=True))]
        if kind is dt.date:
            return ["D", value.isoformat()]
        if kind is bytes:
            return ["b", base64.b64encode(value).decode()]
        if isinstance(value, enum.Enum):
            self._declared(kind)
            return ["E", kind.__qualname__, self._encode(value.value)]
        if dataclasses.is_dataclass(value):
            self._declared(kind)
            name = kind.__qualname__
            return ["C", name, *(self._encode(getattr(value, f)) for f in self.fields[name])]
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in _NUMBER_KINDS:
                raise TypeError(f"a NumPy array of {value.dtype} is not kept")
            data = np.ascontiguousarray(value)
            if self._apart is not None:
                self._apart.append(data.reshape(-1).view(np.uint8).data)
                return ["N", data.dtype.str, list(data.shape), len(self._apart) - 1]
            return [
                "n",
                data.dtype.str,
                list(data.shape),
                base64.b64encode(data.tobytes()).decode(),
            ]
        if isinstance(value, np.generic):
            return self._encode(value.item())
        if sparse.issparse(value):
            csr = sparse.csr_matrix(value)
            return [
                "S",
                list(csr.shape),
                *(self._encode(a) for a in (csr.data, csr.indices, csr.indptr)),
            ]
        raise TypeError(f"{kind.__name__} is not a kind of value the stores keep")

    def _declared(self, kind: type) -> None:
        if self.types.get(kind.__qualname__) is not kind:
            raise TypeError(f"{kind.__qualname__} is not declared to this store")

    # Decoding ----------------------------------------------------------------------------

    def loads(self, data: bytes | memoryview) -> Any:
        try:
            return self._decode(
                json.loads(data.tobytes() if isinstance(data, memoryview) else data)
            )
        except CodecError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError) as err:
            raise CodecError(f"not a kept value: {err}") from err

    def _decode(self, value: Any) -> Any:
        if value.__class__ is not list:
            if isinstance(value, dict | list):  # a dict, or a subclass a hook could make
                raise CodecError("a JSON object where a tagged value belongs")
            return value
        if not value or value[0].__class__ is not str:
            raise CodecError("an untagged array")
        # One method per tag, looked up once: the stores decode millions of values (a
        # year of arXiv is 90,000 records of some 20 fields each).
        decode = self._by_tag.get(value[0])
        if decode is None:
            raise CodecError(f"unknown tag {value[0]!r}")
        return decode(value)

    def _values(self, items: list[Any]) -> list[Any]:
        decode = self._decode
        return [item if item.__class__ in _PLAIN else decode(item) for item in items]

    def _list(self, value: list[Any]) -> list[Any]:
        return self._values(value[1:])

    def _tuple(self, value: list[Any]) -> tuple[Any, ...]:
        return tuple(self._values(value[1:]))

    def _frozenset(self, value: list[Any]) -> frozenset[Any]:
        return frozenset(self._values(value[1:]))

    def _dict(self, value: list[Any]) -> dict[Any, Any]:
        if len(value) % 2 == 0:
            raise CodecError("a mapping with a key and no value")
        decode = self._decode
        return {decode(value[i]): decode(value[i + 1]) for i in range(1, len(value), 2)}

    def _date(self, value: list[Any]) -> dt.date:
        return dt.date.fromisoformat(value[1])

    def _bytes(self, value: list[Any]) -> bytes:
        return base64.b64decode(value[1], validate=True)

    def _float(self, value: list[Any]) -> float:
        if value[1] not in ("nan", "inf", "-inf"):
            raise CodecError("a float that is not nan or inf")
        return float(value[1])

    def _enum(self, value: list[Any]) -> Any:
        kind = self._type(value[1])
        if not issubclass(kind, enum.Enum):
            raise CodecError(f"{value[1]} is not an enum")
        return kind(self._decode(value[2]))

    def _array(self, value: list[Any]) -> Any:
        dtype = np.dtype(str(value[1]))
        if dtype.kind not in _NUMBER_KINDS:
            raise CodecError(f"a NumPy array of {dtype}")
        raw = base64.b64decode(value[3], validate=True)
        return np.frombuffer(raw, dtype=dtype).reshape([int(n) for n in value[2]]).copy()

    def _array_apart(self, value: list[Any]) -> Any:
        dtype = np.dtype(str(value[1]))
        index = value[3]
        if dtype.kind not in _NUMBER_KINDS:
            raise CodecError(f"a NumPy array of {dtype}")
        if self._apart is None or index.__class__ is not int or not 0 <= index < len(self._apart):
            raise CodecError("an array kept apart, without its bytes")
        raw = self._apart[index]
        return np.frombuffer(raw, dtype=dtype).reshape([int(n) for n in value[2]]).copy()

    def _sparse(self, value: list[Any]) -> Any:
        shape = tuple(int(n) for n in value[1])
        arrays = [self._decode(a) for a in value[2:5]]
        if len(arrays) != 3 or not all(isinstance(a, np.ndarray) for a in arrays):
            raise CodecError("a sparse matrix without its arrays")
        return sparse.csr_matrix(tuple(arrays), shape=shape)

    @functools.cached_property
    def _by_tag(self) -> dict[str, Callable[[list[Any]], Any]]:
        return {
            "C": self._dataclass,
            "t": self._tuple,
            "l": self._list,
            "D": self._date,
            "d": self._dict,
            "s": self._frozenset,
            "b": self._bytes,
            "f": self._float,
            "E": self._enum,
            "n": self._array,
            "N": self._array_apart,
            "S": self._sparse,
        }

    def _type(self, name: object) -> type:
        kind = self.types.get(name) if isinstance(name, str) else None
        if kind is None:
            raise CodecError(f"{name!r} is not a type this store keeps")
        return kind

    def _dataclass(self, value: list[Any]) -> Any:
        kind = self._type(value[1])
        names = self.fields.get(kind.__qualname__)
        if names is None or len(value) != len(names) + 2:
            raise CodecError(f"{kind.__qualname__} written with other fields")
        # Fields are set as written, without __init__ or __post_init__: what the object
        # was when kept, and no code of the class runs on data from the cache (the
        # instance's own dictionary, as a frozen dataclass's __init__ sets it).
        instance: Any = object.__new__(kind)
        values = zip(names, self._values(value[2:]), strict=True)
        if kind in self._slotted:  # no dictionary: each field set as __init__ would
            for name, item in values:
                object.__setattr__(instance, name, item)
        else:
            instance.__dict__.update(values)
        return instance
