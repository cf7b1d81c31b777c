"""Python's cyclic garbage collector, paused while a build reads, merges and ranks.

Those stages make millions of small objects that live until the build ends (the stores'
JSON, then papers, tuples and dataclasses) and almost none that form cycles, which
reference counting cannot free. The collector, which runs every few hundred new objects,
walks everything made so far again and again: parsing the kept readings of 64 weekdays
of arXiv (89 MB of JSON) took 1.8-3.0 CPU s with it running and 0.4 s without, and it
was 2.5 of the 10.4 CPU s of that digest's new day. What those stages made is then
frozen (``gc.freeze``), so the collections of the stages after them (rendering, MkDocs,
which do make cycles) no longer walk it, and given back at the end of the build so a
long-running ``digest serve`` can free it. Parsing a listing file makes cycles too: a
file read anew (not from the store) is parsed with the collector on (``running``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside; what was made inside is left out of later ones."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def thawed() -> None:
    """What ``paused`` froze is collected again (at the end of a build)."""
    gc.unfreeze()


@contextmanager
def running() -> Iterator[None]:
    """The collector on again inside ``paused``, for work that does make cycles: parsing a
    listing file (a cold build of 63 weekdays of arXiv held 260 MB more without it)."""
    paused_here = not gc.isenabled()
    if paused_here:
        # What was made so far is set aside first: the collections below walk only what
        # the work makes (at 64 weekdays, walking the readings already decoded made the
        # collector 0.3 s of a new day's 7).
        gc.freeze()
        gc.enable()
    try:
        yield
    finally:
        if paused_here:
            gc.collect()  # the cycles the work left, before pausing again
            gc.disable()
