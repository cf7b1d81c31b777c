"""Benchmark: where a build's in-process CPU seconds go, function by function.

    python bench/function_time.py DIGEST [--code TREE]

Builds ``DIGEST`` once in this process with the code of this checkout (or of ``TREE``,
another checkout of paper-digest) and prints the CPU seconds (``time.process_time``) spent
in each of the functions below, counted once however deeply they call themselves, and
how many times each was called. Unlike cProfile it adds next to nothing to what it
measures, so the figures add up to the build's own. Add a day to the digest first (e.g.
``bench/arxiv_volume.py``'s ``write_day``) to see what a new day costs. Functions that
call each other are both counted (``read_everything`` holds the listings' decoding).
"""

from __future__ import annotations

import functools
import importlib
import sys
import time
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_tree import digest_and_code

# (module, function or Class.method): the stages, and what a new day spends most in.
TIMED = [
    ("digest.build_reading", "read_listings"),
    ("digest.ingest.digest_reader", "read_everything"),
    ("digest.incremental.settled_catalog", "SettledCatalog.papers"),
    ("digest.incremental.settled_catalog", "KeptRest.fill"),
    ("digest.incremental.data_codec", "Codec.loads"),
    ("digest.incremental.data_codec", "Codec.dumps"),
    ("digest.incremental.store", "KeptEntries.settle"),
    ("digest.build_reading", "merged_catalog"),
    ("digest.incremental.settled_catalog", "SettledCatalog.save"),
    ("digest.catalog.sift", "sift"),
    ("digest.catalog.relevance", "Ranker.__init__"),
    ("digest.catalog.relevance", "day_chains"),
    ("digest.catalog.related", "RelatedPapers.__init__"),
    ("digest.incremental.ranking_memory", "RankingMemoryStore.save"),
    ("digest.site.plan", "SitePlan.of"),
    ("digest.site.render", "render_pages"),
    ("digest.incremental.page_prints", "PagePrints.fingerprint"),
    ("digest.site.paper_pages", "write_paper_pages"),
    ("digest.site.feeds", "FeedWriter.fitted"),
    ("digest.site.bibtex", "Citations.entry"),
    ("digest.incremental.store", "KeptSums.sha256_of"),
    ("digest.incremental.shard_store", "ShardStore.has"),
    ("digest.incremental.shard_store", "ShardStore.link"),
    ("digest.filesystem", "link_in_place"),
    ("digest.publish.mkdocs_run", "run_mkdocs"),
    ("digest.incremental.up_to_date", "remember"),
]


def resolved(module_name: str, name: str) -> tuple[Any, str, Callable[..., Any]]:
    """What holds the function ``name`` (``Class.method`` or a module's function) of the
    module, its attribute there, and the function: AttributeError where the package
    renamed it."""
    owner: Any = importlib.import_module(module_name)
    *path, attribute = name.split(".")
    for part in path:
        owner = getattr(owner, part)
    return owner, attribute, getattr(owner, attribute)


def timed(module_name: str, name: str, spent: Counter[str], calls: Counter[str]) -> None:
    """Replace the function with one that adds its CPU seconds to ``spent[name]``."""
    owner, attribute, original = resolved(module_name, name)
    depth = [0]

    @functools.wraps(original)
    def measured(*args: Any, **kwargs: Any) -> Any:
        if depth[0]:
            return original(*args, **kwargs)
        depth[0] += 1
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - started
            calls[name] += 1
            depth[0] -= 1

    setattr(owner, attribute, measured)
    # Modules that imported the function by name call their own reference.
    for module in list(sys.modules.values()):
        if isinstance(owner, types.ModuleType) and getattr(module, attribute, None) is original:
            setattr(module, attribute, measured)


def main() -> None:
    folder, _ = digest_and_code("in-process CPU seconds of a build, by function")
    spent: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    from digest.cli import main as digest_main  # everything the build imports

    for module_name, name in TIMED:
        timed(module_name, name, spent, calls)
    started = time.process_time()
    status = digest_main(["build", "-q", "-C", str(folder)])
    total = time.process_time() - started
    print(f"build exit {status}: {total:.2f} CPU s in this process (children not counted)")
    print("| function | CPU s | calls |")
    print("|---|---|---|")
    for name, seconds in spent.most_common():
        print(f"| {name} | {seconds:.2f} | {calls[name]} |")


if __name__ == "__main__":
    main()
