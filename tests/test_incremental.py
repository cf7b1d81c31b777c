"""Rebuilds reuse the work whose inputs did not change, and still give the cold build's bytes."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import spread_digest, tree_digest

from digest.build import BuildResult, build, catalog_of, read_everything
from digest.paths import assign_anchors
from digest.search import plan_shards

NEW_DAY = """# Picked by hand the day after the newest listing.
papers:
  - title: Sparse Autoencoders Find Zebra Features in Vision Transformers
    authors: [Ada Example, Ben Example]
    arxiv: https://arxiv.org/abs/2608.20001
    abstract: We look for zebra features and find them.
"""


def _stage(result: BuildResult, name: str) -> str:
    return next(stage.summary for stage in result.stages if stage.name == name)


def test_search_index_is_split_by_period_with_every_paper_once(spread_site: Path) -> None:
    bundle = spread_site / "pagefind"
    script = (bundle / "digest-shards.js").read_text(encoding="utf-8")
    # The newest quarter is the primary bundle; the quarters before it are grouped.
    assert script == 'window.digestSearchShards = ["2024-q2_2025-q1"];\n'
    older = bundle / "2024-q2_2025-q1"
    # Merged shards use the primary's scripts and WebAssembly.
    assert (bundle / "pagefind-ui.js").is_file()
    assert not (older / "pagefind-ui.js").exists()
    assert not (older / "wasm.en.pagefind").exists()
    counts = [
        json.loads((folder / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
        for folder in (bundle, older)
    ]
    catalog = catalog_of(read_everything(spread_site.parent, None))
    newest = sum(1 for paper in catalog.papers if paper.first_day.year == 2026)
    assert counts == [newest, len(catalog.papers) - newest]
    assert newest and counts[1]


def test_quarters_are_grouped_up_to_the_shard_size(spread_site: Path) -> None:
    catalog = catalog_of(read_everything(spread_site.parent, None))
    anchors = assign_anchors(catalog.papers)
    sizes = {
        "2024-q2": sum(1 for p in catalog.papers if p.first_day.year == 2024),
        "2025-q1": sum(1 for p in catalog.papers if p.first_day.year == 2025),
    }
    roomy = plan_shards(catalog, anchors, shard_papers=sum(sizes.values()))
    assert [shard.name for shard in roomy] == ["2026-q3", "2024-q2_2025-q1"]
    tight = plan_shards(catalog, anchors, shard_papers=max(sizes.values()))
    assert [shard.name for shard in tight] == ["2026-q3", "2025-q1", "2024-q2"]
    assert [len(shard.records) for shard in tight[1:]] == [sizes["2025-q1"], sizes["2024-q2"]]
    # The same papers in the same shard give the same key: the cached bundle is reused.
    assert roomy[0].key == tight[0].key


def test_a_new_day_reindexes_its_quarter_only_and_matches_a_cold_build(tmp_path: Path) -> None:
    warm = spread_digest(tmp_path / "warm")
    first = build(warm)
    assert _stage(first, "search index").endswith("in 2 shards, 0 unchanged")

    (warm / "listings" / "2026-08-22-picks.yml").write_text(NEW_DAY, encoding="utf-8")
    second = build(warm)
    assert _stage(second, "search index").endswith("in 2 shards, 1 unchanged")
    third = build(warm)
    assert _stage(third, "search index").endswith("in 2 shards, 2 unchanged")

    cold = spread_digest(tmp_path / "cold")
    (cold / "listings" / "2026-08-22-picks.yml").write_text(NEW_DAY, encoding="utf-8")
    build(cold)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")
    # Only the shards of the newest build stay cached.
    assert len(list((warm / ".digest" / "search-cache").iterdir())) == 2
