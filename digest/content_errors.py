"""Failures that content causes, told as a problem rather than a traceback.

Parsers are written for real files; a file made to hurt them (brackets nested a thousand
deep, a date in the year 9999, a BibTeX macro that doubles forty times) makes them raise
``RecursionError``, ``OverflowError``, ``MemoryError`` or a parser's own error. Every
place that parses something a stranger wrote (a listing, a library file, a fetched
answer, a line of the snapshot) runs it through ``guarded``, so such a file costs one
line naming it, and the rest of the run goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# The dates any reader takes from content. Dates outside these are typing mistakes or
# attacks (9999-12-31); arithmetic on them (the next weekday, a time zone) overflows.
EARLIEST_DATE = dt.date(1000, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


def plausible(day: dt.date | None) -> dt.date | None:
    """``day`` when it is inside the range a reader takes, else None."""
    if day is None or not EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return day


def describe(error: BaseException) -> str:
    """What went wrong, in words that point at the content rather than the code."""
    if isinstance(error, RecursionError):
        return "nested too deeply (brackets or braces inside each other hundreds of times)"
    if isinstance(error, OverflowError):
        return "holds a number or date too large to be real"
    if isinstance(error, MemoryError):
        return "needs more memory than any real file of its kind"
    text = " ".join(str(error).split())[:200]
    return f"could not be parsed ({type(error).__name__}{': ' + text if text else ''})"


class ContentError(Exception):
    """Content that a parser could not take; ``str()`` says why in one line."""


def guarded(call: Callable[[], T]) -> T:
    """``call()``, with any failure the content caused raised as ``ContentError``.

    Everything but an interrupt is the content's fault from the curator's side: the
    message names the exception, so a bug of ours is still reported in full words."""
    try:
        return call()
    except ContentError:
        raise
    except Exception as err:
        raise ContentError(describe(err)) from err
