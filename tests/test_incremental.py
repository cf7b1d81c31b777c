"""Rebuilds reuse the work whose inputs did not change, and still give the cold build's bytes."""

from __future__ import annotations

import importlib.util
import json
import pickle
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from conftest import spread_digest, tree_digest
from mkdocs.config.config_options import Hooks

import digest
from digest.build import BuildResult, build, catalog_of, read_everything
from digest.cli import main
from digest.incremental import up_to_date
from digest.incremental.page_prints import PagePrints
from digest.paths import assign_anchors
from digest.site.search import plan_shards

NEW_DAY = """# Picked by hand on the Monday after the newest listing.
papers:
  - title: Sparse Autoencoders Find Zebra Features in Vision Transformers
    authors: [Ada Example, Ben Example]
    arxiv: https://arxiv.org/abs/2608.20001
    abstract: We look for zebra features and find them.
"""


def _stage(result: BuildResult, name: str) -> str:
    return next(stage.summary for stage in result.stages if stage.name == name)


def _without_the_record(root: Path) -> BuildResult:
    """A build with nothing new that does not know it (the record of the last build lost,
    as after a build killed once it published): every store is used as kept."""
    up_to_date.forget(root / ".digest")
    result = build(root)
    assert not result.up_to_date
    return result


def _bibs(result: BuildResult) -> tuple[int, int]:
    """How many .bib files the build left as they were, of how many."""
    said = _stage(result, "feeds").split(", ")[1].removesuffix(" .bib unchanged")
    kept, total = said.split(" of ")
    return int(kept), int(total)


def test_search_index_is_split_by_period_with_every_paper_once(spread_site: Path) -> None:
    bundle = spread_site / "pagefind"
    script = (bundle / "digest-shards.js").read_text(encoding="utf-8")
    # The newest week (of the newest quarter) is the primary bundle; the quarters before
    # it are grouped. The spread digest's 2026 papers are all of one week.
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
    assert [shard.name for shard in roomy] == ["2026-08-17-week", "2024-q2_2025-q1"]
    tight = plan_shards(catalog, anchors, shard_papers=max(sizes.values()))
    assert [shard.name for shard in tight] == ["2026-08-17-week", "2025-q1", "2024-q2"]
    assert [len(shard.papers) for shard in tight[1:]] == [sizes["2025-q1"], sizes["2024-q2"]]
    # The same papers in the same shard give the same key: the cached bundle is reused.
    assert roomy[0].key == tight[0].key


def test_a_new_day_reindexes_its_week_only_and_matches_a_cold_build(tmp_path: Path) -> None:
    warm = spread_digest(tmp_path / "warm")
    first = build(warm)
    assert _stage(first, "search index").endswith("in 2 shards, 0 unchanged")
    assert _bibs(first)[0] == 0

    (warm / "listings" / "2026-08-24-picks.yml").write_text(NEW_DAY, encoding="utf-8")
    second = build(warm)
    # A Monday: the new week is a shard of its own, and the week before it, now the rest
    # of August, holds the records it held: its bundle is reused, only the day is indexed.
    assert _stage(second, "search index").endswith("in 3 shards, 2 unchanged")
    script = (warm / "site/pagefind/digest-shards.js").read_text(encoding="utf-8")
    assert script == 'window.digestSearchShards = ["2026-08", "2024-q2_2025-q1"];\n'
    # A Monday: a new week, yet the menu ("This week" at a fixed URL) did not change, so
    # the pages the new day does not touch are reused.
    reused, total = (int(n) for n in _stage(second, "MkDocs").split(" pages")[0].split(" of "))
    navigation = 7 + len(second.catalog.topics)
    # Besides the menu's pages: the new day, the day before it (its "next day" link), the
    # new week and month (and their "latest" copies), the week before (its "next week"
    # link), the months of the topics the new paper is in.
    assert total - reused - navigation <= 8, (reused, total, navigation)
    # The .bib files: the new day's, and those of the new paper's topics.
    kept, bibs = _bibs(second)
    assert 2 <= bibs - kept <= 4, (kept, bibs)
    assert build(warm).up_to_date
    third = _without_the_record(warm)
    assert _stage(third, "search index").endswith("in 3 shards, 3 unchanged")
    assert _bibs(third) == (bibs, bibs)

    cold = spread_digest(tmp_path / "cold")
    (cold / "listings" / "2026-08-24-picks.yml").write_text(NEW_DAY, encoding="utf-8")
    build(cold)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")
    # Only the shards of the newest build stay cached.
    assert len([p for p in (warm / ".digest" / "search-cache").iterdir() if p.is_dir()]) == 3


NEW_MONTH = """# Picked by hand on the first day of the month after the newest listing.
papers:
  - title: Diffusion Models Draw Zebras in Video
    authors: [Ada Example]
    arxiv: https://arxiv.org/abs/2609.00001
    abstract: A diffusion model for video generation, with a benchmark of zebras.
"""


def _rendered_urls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages the next build renders (the others are reused as the last build left
    them), by their Markdown source."""
    rendered: list[str] = []
    real = digest.build.render_pages

    def watched(cards, pages, docs, raw, prints=None):  # type: ignore[no-untyped-def]
        class Watched:
            def fingerprint(self, *args: object) -> str:
                return prints.fingerprint(*args)

            def reusable(self, source: str, fingerprint: str) -> str | None:
                known = prints.reusable(source, fingerprint)
                if known is None:
                    rendered.append(source)
                return known

            def keep(self, *args: object) -> None:
                prints.keep(*args)

        return real(cards, pages, docs, raw, Watched() if prints else None)

    monkeypatch.setattr(digest.build, "render_pages", watched)
    return rendered


def test_a_new_month_renders_the_month_before_it_and_no_older_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A topic's month page links its neighbours and the topic's page (which lists every
    month): a new month changes one past month's page per topic, not all of them."""
    warm = spread_digest(tmp_path / "warm")
    build(warm)
    (warm / "listings" / "2026-09-01-picks.yml").write_text(NEW_MONTH, encoding="utf-8")
    rendered = _rendered_urls(monkeypatch)
    second = build(warm)
    (paper,) = [p for p in second.catalog.papers if p.key.endswith("2609.00001")]
    assert len(paper.topics) >= 2  # the new month reaches more than one topic
    month_pages = sorted(
        source for source in rendered if source.startswith("topics/") and source.count("/") == 2
    )
    slugs = sorted({match.slug for match in paper.topics})
    expected = [f"topics/{slug}/{month}.md" for slug in slugs for month in ("2026-08", "2026-09")]
    assert month_pages == expected
    page = (warm / "site/topics" / slugs[0] / "2026-08/index.html").read_text(encoding="utf-8")
    assert 'rel="prev">Previous month: March 2025</a>' in page
    assert f'<a href="../../../topics/{slugs[0]}/#months">All months</a>' in page
    assert 'rel="next">Next month: September 2026</a>' in page

    cold = spread_digest(tmp_path / "cold")
    (cold / "listings" / "2026-09-01-picks.yml").write_text(NEW_MONTH, encoding="utf-8")
    build(cold)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")


def test_a_paper_sighted_again_leaves_its_old_quarter_indexed(tmp_path: Path) -> None:
    """A paper of 2024 listed again on a new day moves up the catalog; the shard of the
    quarters it was first listed in holds the same records and is not indexed again."""
    warm = spread_digest(tmp_path / "warm")
    build(warm)
    again = NEW_DAY + (
        '  - title: "Aya 23: Open Weight Releases to Further Multilingual Progress"\n'
        "    arxiv: https://arxiv.org/abs/2405.15032\n"
    )
    (warm / "listings" / "2026-08-24-picks.yml").write_text(again, encoding="utf-8")
    second = build(warm)
    assert second.catalog is not None
    (aya,) = [p for p in second.catalog.papers if p.key.endswith("2405.15032")]
    assert aya.last_day.isoformat() == "2026-08-24" and aya.first_day.year == 2024
    # Only the new week's shard is indexed: the 2024 paper's shard and the week before
    # hold the records they held.
    assert _stage(second, "search index").endswith("in 3 shards, 2 unchanged")

    cold = spread_digest(tmp_path / "cold")
    (cold / "listings" / "2026-08-24-picks.yml").write_text(again, encoding="utf-8")
    build(cold)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")


def _no_setup(root: Path) -> None:
    pass


def _rename_site(root: Path) -> str:
    mkdocs = root / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8")
    assert "site_name: Paper Digest" in text
    mkdocs.write_text(text.replace("site_name: Paper Digest", "site_name: Reading Group"), "utf-8")
    return "Reading Group"


def _override_card(root: Path) -> str:
    partial = root / "templates" / "partials"
    partial.mkdir(parents=True, exist_ok=True)
    card = Path(digest.__file__).parent / "templates" / "partials" / "paper.html.j2"
    text = card.read_text(encoding="utf-8")
    (partial / "paper.html.j2").write_text(
        text.replace('<p class="pd-paper__topics">', '<p class="pd-paper__topics pd-ours">'),
        encoding="utf-8",
    )
    return "pd-ours"


def _card_with_a_partial(root: Path) -> None:
    """A card override that includes a partial of the digest's own."""
    partial = root / "templates" / "partials"
    partial.mkdir(parents=True, exist_ok=True)
    card = Path(digest.__file__).parent / "templates" / "partials" / "paper.html.j2"
    text = card.read_text(encoding="utf-8")
    marker = '<p class="pd-paper__topics">'
    assert marker in text
    (partial / "paper.html.j2").write_text(
        text.replace(marker, '{% include "partials/ours.html.j2" %}' + marker), encoding="utf-8"
    )
    (partial / "ours.html.j2").write_text('<span class="pd-ours-one"></span>', encoding="utf-8")


def _card_with_a_partial_named_by_an_expression(root: Path) -> None:
    """The same, the partial's name worked out while rendering: no reading of the
    template finds it."""
    _card_with_a_partial(root)
    card = root / "templates" / "partials" / "paper.html.j2"
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace(
            '{% include "partials/ours.html.j2" %}',
            '{% include "partials/" ~ ("ours" if true else "theirs") ~ ".html.j2" %}',
        ),
        encoding="utf-8",
    )


def _edit_the_partial(root: Path) -> str:
    """Only the included partial changes: every card and paper page must show it."""
    (root / "templates" / "partials" / "ours.html.j2").write_text(
        '<span class="pd-ours-two"></span>', encoding="utf-8"
    )
    return "pd-ours-two"


def _theme_folder(root: Path) -> None:
    mkdocs = root / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8")
    assert "\n  name: material\n" in text
    mkdocs.write_text(
        text.replace("\n  name: material\n", "\n  name: material\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    (root / "overrides" / "partials").mkdir(parents=True)
    _footer(root, "Printed by the lab")


def _footer(root: Path, text: str) -> str:
    footer = f'<div class="md-copyright">{text}</div>\n'
    (root / "overrides" / "partials" / "copyright.html").write_text(footer, encoding="utf-8")
    return text


def _annotate_and_rename_topic(root: Path) -> str:
    curation = root / "curation.yml"
    text = curation.read_text(encoding="utf-8")
    note = "Read this one before Thursday."
    old = 'note: "The **S4** paper'
    assert old in text
    curation.write_text(text.replace(old, f'note: "{note} The **S4** paper'), encoding="utf-8")
    digest_yml = root / "digest.yml"
    text = digest_yml.read_text(encoding="utf-8")
    assert "title: Reasoning & math" in text
    digest_yml.write_text(text.replace("title: Reasoning & math", "title: Reasoning"), "utf-8")
    return note


def _reslug_topic(root: Path) -> str:
    """A topic's slug renamed, its title kept: the search page's topic narrowing (each
    shard's pd-sort.json) must follow, though no search record changes."""
    digest_yml = root / "digest.yml"
    text = digest_yml.read_text(encoding="utf-8")
    assert "  - slug: efficiency\n" in text
    digest_yml.write_text(
        text.replace("  - slug: efficiency\n", "  - slug: efficient-ml\n"), "utf-8"
    )
    return "topics/efficient-ml/"


def _retitle_in_listing(root: Path) -> str:
    """A listing edited in place: same name, new bytes."""
    listing = root / "listings" / "hfnewsletter_daily_papers_2024-05-27.json"
    text = listing.read_text(encoding="utf-8")
    assert "Grokked Transformers" in text
    listing.write_text(text.replace("Grokked Transformers", "Grokked Zebras"), encoding="utf-8")
    return "Grokked Zebras"


def _widen_a_topic(root: Path) -> str:
    """A rule gains a term: papers whose text did not change move into the topic."""
    digest_yml = root / "digest.yml"
    text = digest_yml.read_text(encoding="utf-8")
    old = "include: [reasoning, mathematical reasoning,"
    assert old in text
    digest_yml.write_text(
        text.replace(old, "include: [grokked, reasoning, mathematical reasoning,"), "utf-8"
    )
    return 'title="matched “grokked” in the title"'


def _inherit_base(root: Path) -> None:
    mkdocs = root / "mkdocs.yml"
    mkdocs.write_text("INHERIT: base.yml\n" + mkdocs.read_text(encoding="utf-8"), "utf-8")
    _author(root, "The lab")


def _author(root: Path, name: str) -> str:
    (root / "base.yml").write_text(f"site_author: {name}\n", encoding="utf-8")
    return f'<meta name="author" content="{name}">'


def _add_to_mkdocs_yml(root: Path, lines: str) -> None:
    mkdocs = root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8") + f"\n{lines}\n", encoding="utf-8")


def _hook(root: Path) -> None:
    _add_to_mkdocs_yml(root, "hooks:\n  - hooks/stamp.py")
    (root / "hooks").mkdir()
    _stamp_hook(root, "MARK-ONE")


def _stamp_hook(root: Path, mark: str) -> str:
    """A MkDocs hook that stamps every page (before issue 12, day pages kept MARK-ONE)."""
    # MkDocs keeps each hook module it loaded for the rest of the process; a new process
    # (every real build) loads the file as it is now.
    Hooks._load_hook.cache_clear()
    _rewrite_module(
        root / "hooks" / "stamp.py",
        f"def on_post_page(output, page, config):\n"
        f"    return output.replace('</body>', '<p>{mark}</p></body>')\n",
    )
    return mark


def _rewrite_module(path: Path, source: str) -> None:
    """The module's new source, and no bytecode of its old one: the marks are of one
    length, and a rewrite within the second of the last compile keeps the mtime and size
    Python checks its cached bytecode by (a new process, long after, would not meet it)."""
    bytecode = Path(importlib.util.cache_from_source(str(path)))
    bytecode.unlink(missing_ok=True)
    path.write_text(source, encoding="utf-8")


def _extension(root: Path) -> None:
    _add_to_mkdocs_yml(root, "markdown_extensions:\n  - digest_test_stamp")
    _stamp_extension(root, "EXT-ONE")


def _stamp_extension(root: Path, mark: str) -> str:
    """A Markdown extension (loaded by module name, like any installed one)."""
    sys.modules.pop("digest_test_stamp", None)  # a new process would load the new code
    _rewrite_module(
        root / "digest_test_stamp.py",
        "from markdown.extensions import Extension\n"
        "from markdown.postprocessors import Postprocessor\n\n"
        "class Stamp(Postprocessor):\n"
        f"    def run(self, text):\n        return text + '<p>{mark}</p>'\n\n"
        "class StampExtension(Extension):\n"
        "    def extendMarkdown(self, md):\n"
        "        md.postprocessors.register(Stamp(md), 'digest_test_stamp', 1)\n\n"
        "def makeExtension(**kwargs):\n    return StampExtension(**kwargs)\n",
    )
    return mark


def _library(root: Path) -> None:
    with open(root / "digest.yml", "a", encoding="utf-8") as handle:
        handle.write("\nlibrary: [library]\n")
    (root / "library").mkdir()
    _read_also(root, "Grokked Transformers are Implicit Reasoners")


def _read_also(root: Path, title: str) -> str:
    """The group's library gains a paper: each day's Recommended section may change."""
    with open(root / "library" / "list.txt", "a", encoding="utf-8") as handle:
        handle.write(f"{title}\n")
    return "pd-recommended"


def _dislike_one(root: Path) -> str:
    """The curator turns a paper down: it and papers like it rank lower on every day."""
    assert main(["dislike", "-q", "-C", str(root), "2405.15071"]) == 0  # Grokked Transformers
    return "pd-recommended"


@pytest.fixture
def importable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm and the cold digest folders on sys.path, for the extension case."""
    monkeypatch.syspath_prepend(str(tmp_path / "warm"))


@pytest.mark.parametrize(
    ("setup", "change"),
    [
        (_no_setup, _rename_site),
        (_no_setup, _override_card),
        # A partial the card override includes: the card and paper-page keys follow it.
        (_card_with_a_partial, _edit_the_partial),
        (_card_with_a_partial_named_by_an_expression, _edit_the_partial),
        # What a card shows besides its paper: the curator's note, a topic's title.
        (_no_setup, _annotate_and_rename_topic),
        (_no_setup, _retitle_in_listing),
        (_no_setup, _widen_a_topic),
        (_no_setup, _reslug_topic),
        # A file of the theme's custom_dir: it changes no page's source, only the theme.
        (_theme_folder, lambda root: _footer(root, "Kept by the reading group")),
        # A file mkdocs.yml inherits from: the author every page's head names.
        (_inherit_base, lambda root: _author(root, "The reading group")),
        # The code MkDocs runs on every page: a hooks: file, a Markdown extension.
        (_hook, lambda root: _stamp_hook(root, "MARK-TWO")),
        (_extension, lambda root: _stamp_extension(root, "EXT-TWO")),
        # The curator's library: what each day recommends.
        (_library, lambda root: _read_also(root, "Mixture of experts")),
        # The curator's dislike: negative evidence for every day's ranking.
        (_library, _dislike_one),
    ],
    ids=[
        "mkdocs.yml",
        "card template",
        "card's included partial",
        "card's partial named by an expression",
        "curation and topic title",
        "listing edited",
        "topic rule",
        "topic slug",
        "theme custom_dir",
        "INHERIT file",
        "hooks file",
        "markdown extension",
        "library",
        "dislike",
    ],
)
def test_a_config_theme_or_template_change_renders_every_page_again(
    tmp_path: Path,
    setup: Callable[[Path], None],
    change: Callable[[Path], str],
    importable: None,
) -> None:
    """What shows on every page is in every page's cache key: nothing stale survives."""
    warm = spread_digest(tmp_path / "warm")
    setup(warm)
    build(warm)
    build(warm)  # the change below is built in the site kept from this one's predecessor
    mark = change(warm)
    again = build(warm)
    if setup is not _library and change not in (
        _annotate_and_rename_topic,
        _retitle_in_listing,
        _widen_a_topic,
        _reslug_topic,
    ):
        assert _stage(again, "MkDocs").startswith("0 of ")
    cold = spread_digest(tmp_path / "cold")
    setup(cold)
    change(cold)
    if (cold / "digest_test_stamp.py").exists():
        sys.modules.pop("digest_test_stamp", None)  # the same code as the warm build's
    build(cold)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")
    day = "2025-03-11" if change is _annotate_and_rename_topic else "2024-05-27"
    page = (warm / "site" / "days" / day / "index.html").read_text(encoding="utf-8")
    assert mark in page


def _fetch_again(root: Path) -> str:
    """The newest day as ``digest fetch`` finds it again the next morning: every paper's
    upvotes grown, and one paper more, submitted late."""
    listing = root / "listings" / "hfnewsletter_daily_papers_2026-08-21.json"
    items = json.loads(listing.read_text(encoding="utf-8"))
    for item in items:
        item["paper"]["upvotes"] += 5
    late = json.loads(json.dumps(items[0]))
    late["paper"]["id"] = "2608.29999"
    late["paper"]["title"] = late["title"] = "Zebra Agents Submitted Late"
    listing.write_text(json.dumps([*items, late]), encoding="utf-8")
    return "Zebra Agents Submitted Late"


def test_a_day_fetched_again_ranks_and_relates_as_a_cold_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walks resume from before the day that changed (``walk_steps``), with the
    library's ranking and the related papers, and the site is a cold build's."""
    from digest.catalog import related, relevance, walk_steps

    warm = spread_digest(tmp_path / "warm")
    _library(warm)
    build(warm)
    mark = _fetch_again(warm)
    resumed: list[tuple[str, tuple[int, int] | None, int]] = []

    def watched(walk: str) -> Callable[..., object]:
        def resume_point(chains: list[str], *args: object) -> object:
            found = walk_steps.resume_point(chains, *args)
            resumed.append((walk, found and (found[0], len(found[1])), len(chains)))
            return found

        return resume_point

    monkeypatch.setattr(relevance, "resume_point", watched("ranking"))
    monkeypatch.setattr(related, "resume_point", watched("related"))
    build(warm)
    # Both took up the last build's walk from before its newest day, stepping back one.
    assert sorted(resumed) == [("ranking", (3, 1), 4), ("related", (3, 1), 4)]
    monkeypatch.undo()
    cold = spread_digest(tmp_path / "cold")
    _library(cold)
    _fetch_again(cold)
    build(cold)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")
    page = (warm / "site" / "days" / "2026-08-21" / "index.html").read_text(encoding="utf-8")
    assert mark in page and "pd-recommended" in page


def test_an_unchanged_rebuild_renders_only_the_navigation_pages(tmp_path: Path) -> None:
    root = spread_digest(tmp_path / "digest")
    first = build(root)
    before = tree_digest(root / "site")
    assert build(root).up_to_date
    again = _without_the_record(root)
    # The menu: home, the topics' index, every topic and watch list, archive, this week,
    # this month, search, saved, feeds, status. Their neighbours' titles show on them, so
    # they are always rendered; nothing else is, and no paper's own page.
    navigation = 9 + len(again.catalog.topics)
    total = again.pages - 1  # the hand-written About page is not a generated one
    papers = len(again.catalog.papers)
    assert (
        _stage(first, "pages")
        == f"{total} pages, {total} rendered; {papers} paper pages, {papers} rendered"
    )
    assert (
        _stage(again, "pages")
        == f"{total} pages, {navigation} rendered; {papers} paper pages, 0 rendered"
    )
    assert _stage(again, "MkDocs") == f"{total - navigation} of {total} pages unchanged"
    assert _stage(first, "MkDocs") == f"0 of {total} pages unchanged"
    assert tree_digest(root / "site") == before


def test_a_page_that_draws_a_trend_chart_depends_on_the_whole_catalog(tmp_path: Path) -> None:
    """Page fingerprints hold the catalog's counts only for templates (or the templates
    they import) that call trend_chart: other pages are reused while the archive grows."""
    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "plain.md.j2": "{{ day }}",
                "charted.md.j2": '{% import "chart.j2" as c %}{{ day }}{{ c.draw() }}',
                "chart.j2": "{% macro draw() %}{{ trend_chart([], 'x') }}{% endmacro %}",
            }
        )
    )
    root = spread_digest(tmp_path / "digest")
    small = catalog_of(read_everything(root, None))
    (root / "listings" / "2026-08-24-picks.yml").write_text(NEW_DAY, encoding="utf-8")
    grown = catalog_of(read_everything(root, None))

    def print_of(catalog: object, template: str) -> str:
        prints = PagePrints(
            tmp_path / "prints", env, catalog, "salt", lambda paper: paper.key, lambda *_: True
        )
        return prints.fingerprint("days/x/", template, {"day": "2025-03-11"})

    assert print_of(small, "plain.md.j2") == print_of(grown, "plain.md.j2")
    assert print_of(small, "charted.md.j2") != print_of(grown, "charted.md.j2")


def test_damaged_caches_are_rebuilt_not_trusted(tmp_path: Path) -> None:
    """A cache file cut short (a full disk, a killed copy) or not ours is read as empty:
    the build succeeds and gives the cold build's bytes."""
    warm = spread_digest(tmp_path / "warm")
    build(warm)
    work = warm / ".digest"
    damaged = [
        *sorted((work / "topics").iterdir())[:1],
        *sorted((work / "page-prints").iterdir())[:1],
        *sorted((work / "cards").iterdir())[:1],
        *sorted((work / "listings").iterdir())[:1],
    ]
    for path in damaged:
        data = path.read_bytes()
        assert len(data) > 10, path
        path.write_bytes(data[: len(data) // 2])
    newest_matches = sorted((work / "topics").iterdir())[-1]
    assert newest_matches != damaged[0]  # topic matches are kept by quarter
    newest_matches.write_bytes(pickle.dumps(["not", "a", "cache"]))
    again = _without_the_record(warm)
    assert _stage(again, "read listings").endswith("papers")
    cold = spread_digest(tmp_path / "cold")
    build(cold)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")


def test_the_site_kept_from_the_build_before_is_brought_up_to_date_never_written_through(
    tmp_path: Path,
) -> None:
    """A build assembles the new site in the one published before the current one
    (``publish.spare``): whatever that folder holds, damaged or not, the result is the
    cold build's bytes, and the published site it shares files with is never changed."""
    warm = spread_digest(tmp_path / "warm")
    build(warm)
    (warm / "listings" / "2026-08-24-picks.yml").write_text(NEW_DAY, encoding="utf-8")
    build(warm)  # published; the first site is kept in .digest/site
    kept = warm / ".digest" / "site"
    assert (warm / ".digest" / "site.spare").is_file()
    published = tree_digest(warm / "site")
    # What may happen to a kept folder: a stray file and folder, a theme file edited (newer
    # than MkDocs' source: its file times would keep it), a page turned into a folder, a
    # feed removed, a folder turned into a file.
    (kept / "stray.html").write_text("not ours", encoding="utf-8")
    (kept / "days" / "stray" / "deep").mkdir(parents=True)
    (kept / "days" / "stray" / "deep" / "index.html").write_text("old", encoding="utf-8")
    stylesheet = next((kept / "assets" / "stylesheets").glob("main.*.min.css"))
    stylesheet.write_text("body { display: none }", encoding="utf-8")
    about = kept / "about" / "index.html"
    about.unlink()
    about.mkdir()
    (kept / "feed.xml").unlink()
    day = kept / "days" / "2024-05-27"
    shutil.rmtree(day)
    day.write_text("a file where a folder goes", encoding="utf-8")
    # The folder of every paper's page (which holds only folders) a link to a copy
    # elsewhere: the build must not write where it points.
    elsewhere = tmp_path / "elsewhere"
    shutil.move(kept / "papers", elsewhere)
    next(elsewhere.glob("*/index.html")).unlink()  # the build would put it back there
    outside = tree_digest(elsewhere)
    (kept / "papers").symlink_to(elsewhere, target_is_directory=True)
    _retitle_in_listing(warm)
    build(warm)
    assert tree_digest(elsewhere) == outside
    # The site published before this build was swapped out whole, not written through:
    # it is now the kept folder, byte for byte as it was published.
    assert tree_digest(kept) == published

    cold = spread_digest(tmp_path / "cold")
    (cold / "listings" / "2026-08-24-picks.yml").write_text(NEW_DAY, encoding="utf-8")
    _retitle_in_listing(cold)
    build(cold)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")

    # A kept folder without its marker (a build stopped while changing it) is not trusted.
    (warm / ".digest" / "site.spare").unlink()
    (kept / "stray.html").write_text("not ours", encoding="utf-8")
    build(warm)
    assert tree_digest(warm / "site") == tree_digest(cold / "site")
