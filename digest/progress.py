"""Per-stage progress of a build: what was done, how many, how long.

Shown on a terminal (or with -v); quiet when the output goes to a file or CI log, unless
asked. The timings are kept either way, for ``bench/`` to read.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Stage:
    name: str
    summary: str = ""
    seconds: float = 0.0


@dataclass
class Progress:
    show: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    stages: list[Stage] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[Stage]:
        """Time a stage; the body may set ``stage.summary`` ("86 papers") for the report."""
        current = Stage(name)
        live = self.show and self.stream.isatty()
        if live:
            print(f"  {name} ...", end="", flush=True, file=self.stream)
        started = time.perf_counter()
        try:
            yield current
        finally:
            current.seconds = time.perf_counter() - started
            self.stages.append(current)
            if self.show:
                detail = f": {current.summary}" if current.summary else ""
                start = "\r\033[K" if live else ""
                print(
                    f"{start}  {name}{detail} ({current.seconds:.1f} s)",
                    file=self.stream,
                    flush=True,
                )
