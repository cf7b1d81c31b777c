"""Time of the ranking and the related papers on the real archive, cold and for a new day.

    python bench/rank_timing.py [CODE_ROOT]

The archive (9,881 items) with a library of five subjects (the newest 10 to 60 papers of
each from before 2026, by their Hugging Face keywords); keywords and AI summaries are
removed from the papers first, as in bench/eval_relevance.py. CODE_ROOT (default: this
checkout) is the paper-digest whose ``digest`` package is timed: give the folder of
another checkout (``git worktree add ../old <commit>``) to time it in the same run, on
the same machine. Prints wall and CPU (user+sys) seconds of each step.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CODE = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE.parent
sys.path.insert(0, str(CODE))
sys.path.insert(0, str(HERE))

import run as bench_run  # noqa: E402

from digest.catalog.merge import Catalog, catalog_of  # noqa: E402
from digest.catalog.related import RelatedPapers  # noqa: E402
from digest.catalog.relevance import Ranker  # noqa: E402
from digest.catalog.terms import TermCounts  # noqa: E402
from digest.ingest.digest_reader import read_everything  # noqa: E402
from digest.ingest.library import LibraryItem  # noqa: E402

# The same five subjects as eval_relevance.py's (b); not imported from it, since importing
# it puts this checkout's digest first on sys.path, and CODE_ROOT may be another's.
MIXED = (
    ("speculative decoding", 10),
    ("gaussian splatting", 40),
    ("mixture-of-experts", 55),
    ("direct preference optimization", 49),
    ("video generation", 60),
)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, step: Callable[[], Any]) -> Any:
    started_cpu, started = cpu(), time.perf_counter()
    result = step()
    print(
        f"{label}: {time.perf_counter() - started:.2f} s wall, {cpu() - started_cpu:.2f} s CPU",
        flush=True,
    )
    return result


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="digest-rank-timing-"))
    root = bench_run.make_digest(work / "archive", bench_run.archive_days(work / "raw"))
    labelled = catalog_of(read_everything(root, None))
    catalog = Catalog(
        tuple(replace(p, ai_keywords=(), ai_summary=None) for p in labelled.papers), labelled.topics
    )
    ordered = sorted(labelled.papers, key=lambda p: (p.first_day, p.key))
    before = [p for p in ordered if p.first_day.year < 2026]
    library = []
    for subject, size in MIXED:
        about = [p for p in before if any(subject in k.lower() for k in p.ai_keywords)][-size:]
        name = subject.replace(" ", "-")
        library += [LibraryItem(p.title, p.abstract, place=f"{name}.bib: {p.key}") for p in about]
    last = max(p.first_day for p in ordered)
    older = Catalog(tuple(p for p in catalog.papers if p.first_day < last), catalog.topics)
    print(f"{CODE}: {len(catalog.papers):,} papers, library of {len(library)}")
    counts = TermCounts()
    ranked = timed(
        "rank, cold, the archive but its last day",
        lambda: Ranker(older, library, recommend=5, counts=counts),
    )
    related = timed(
        "related, cold, the archive but its last day",
        lambda: RelatedPapers(counts, older.papers, 3),
    )
    counts = TermCounts()
    timed(
        "rank, cold, the whole archive",
        lambda: Ranker(catalog, library, recommend=5, counts=counts),
    )
    timed("related, cold, the whole archive", lambda: RelatedPapers(counts, catalog.papers, 3))
    counts = TermCounts()
    timed(
        "rank, the last day from memory",
        lambda: Ranker(catalog, library, recommend=5, counts=counts, memory=ranked.memory),
    )
    timed(
        "related, the last day from memory",
        lambda: RelatedPapers(counts, catalog.papers, 3, related.memory),
    )


if __name__ == "__main__":
    main()
