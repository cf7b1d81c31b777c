"""Rebuilds reuse the work whose inputs did not change, and still give the cold build's bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES, SPREAD_LISTINGS, spread_digest, tree_digest

from digest.build import build, read_everything
from digest.catalog import build_catalog


def _stage(result, name: str) -> str:
    return next(stage.summary for stage in result.stages if stage.name == name)


def test_search_index_is_split_by_period_with_every_paper_once(spread_site: Path) -> None:
    bundle = spread_site / "pagefind"
    script = (bundle / "digest-shards.js").read_text(encoding="utf-8")
    assert script == 'window.digestSearchShards = ["2025", "2024"];\n'
    # The newest quarter is the primary bundle; older shards carry no scripts of their own.
    assert (bundle / "pagefind-ui.js").is_file()
    assert not (bundle / "2024" / "pagefind-ui.js").exists()
    assert not (bundle / "2024" / "wasm.en.pagefind").exists()
    counts = {
        shard: json.loads((bundle / shard / "pagefind-entry.json").read_text())["languages"]["en"][
            "page_count"
        ]
        for shard in ("", "2025", "2024")
    }
    outcome = read_everything(spread_site.parent, None)
    catalog = build_catalog(outcome.papers, outcome.config, outcome.curations, outcome.problems)
    by_year = {"": 0, "2025": 0, "2024": 0}
    for paper in catalog.papers:
        by_year["" if paper.first_day.year == 2026 else str(paper.first_day.year)] += 1
    assert counts == by_year
    assert all(by_year.values())


def test_a_new_day_reindexes_its_quarter_only_and_matches_a_cold_build(tmp_path: Path) -> None:
    newest = SPREAD_LISTINGS[-1]
    warm = spread_digest(tmp_path / "warm", SPREAD_LISTINGS[:-1])
    first = build(warm)
    assert _stage(first, "search index").endswith("in 2 shards, 0 unchanged")

    shutil.copy(FIXTURES / "formats" / newest, warm / "listings" / newest)
    second = build(warm)
    # Only 2026-q3 is new. The first build's newest quarter (2025-q1) is the 2025 year
    # shard now: same records, same bundle, reused; and 2024 did not change.
    assert _stage(second, "search index").endswith("in 3 shards, 2 unchanged")
    third = build(warm)
    assert _stage(third, "search index").endswith("in 3 shards, 3 unchanged")

    cold = spread_digest(tmp_path / "cold")
    build(cold)
    warm_files = tree_digest(warm / "site")
    assert warm_files == tree_digest(cold / "site")
    # Only the shards of the newest build stay cached.
    assert len(list((warm / ".digest" / "search-cache").iterdir())) == 3
