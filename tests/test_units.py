"""Unit tests of the pieces between reading and rendering: config, curation, BibTeX keys,
roll-ups and source status. Fast tier: no site is built."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest

from digest.catalog.curation import apply_curation
from digest.catalog.merge import Catalog
from digest.config import Topic, load_config
from digest.filesystem import SyncedFolder
from digest.ingest.curation_file import Curation, load_curation
from digest.model import Appearance, Origin, Paper, TopicMatch, evolved, is_worked_out
from digest.problems import DigestError, Problems
from digest.site.bibtex import assign_keys
from digest.site.rollups import rollups
from digest.site.search import spaced_compounds
from digest.site.status import source_statuses

OTHER = Topic("other", "Other", "Papers no topic rule matched.")
DAY = dt.date(2025, 3, 11)  # a Tuesday


def paper(
    key: str,
    title: str,
    *,
    day: dt.date = DAY,
    rank: int = 1,
    upvotes: int | None = None,
    authors: tuple[str, ...] = ("Ada Lovelace",),
    source: str = "huggingface",
) -> Paper:
    return Paper(
        key=key,
        title=title,
        abstract="",
        appearances=(Appearance(day, source, rank, Origin("l.json", f"item {rank}")),),
        authors=authors,
        upvotes=upvotes,
        published=day,
        topics=(TopicMatch("other", None, None),),
    )


def config_of(tmp_path: Path, text: str) -> tuple[object, Problems]:
    (tmp_path / "digest.yml").write_text(text, encoding="utf-8")
    (tmp_path / "listings").mkdir(exist_ok=True)
    return load_config(tmp_path)


# config


def test_config_reads_topics_and_suggests_the_key_meant(tmp_path: Path) -> None:
    config, problems = config_of(
        tmp_path,
        "topics:\n  - slug: rl\n    title: RL\n    includes: [agent]\n    include: [agent]\n"
        "feeds:\n  dayz: 3\n",
    )
    assert [t.slug for t in config.topics] == ["rl"]  # type: ignore[attr-defined]
    assert [str(p) for p in problems.items] == [
        "warning: digest.yml: topics[0].includes: unknown key; did you mean 'include'? known "
        "keys: description, exclude, fields, include, slug, title",
        "warning: digest.yml: feeds.dayz: unknown key; did you mean 'days'? known keys: days, "
        "id_authority, max_items, max_kb, time_zone",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "feeds: {days: 0}\n",
            "error: digest.yml: feeds.days: must be a whole number of days, 1 or more",
        ),
        (
            "feeds: {max_items: 0}\n",
            "error: digest.yml: feeds.max_items: must be a whole number of items, 1 or more",
        ),
        (
            "feeds: {max_kb: 5}\n",
            "error: digest.yml: feeds.max_kb: must be a whole number of kilobytes, 10 or more",
        ),
        (
            "ranking: {recommended: -1}\n",
            "error: digest.yml: ranking.recommended: must be a whole number of papers, 0 or more",
        ),
        (
            "fetch: {timeout: -1}\n",
            "error: digest.yml: fetch.timeout: must be a number of seconds, 0 or more",
        ),
        (
            "fetch: {max_answer_mb: yes}\n",
            "error: digest.yml: fetch.max_answer_mb: must be a whole number, 1 or more",
        ),
        (
            "topics:\n  - slug: Bad Slug\n    title: X\n    include: [x]\n",
            "error: digest.yml: topics[0].slug: slug 'Bad Slug' must be lowercase letters, digits and hyphens, e.g. 'language-models'",
        ),
    ],
)
def test_config_values_of_the_wrong_kind_are_errors(
    tmp_path: Path, text: str, message: str
) -> None:
    _, problems = config_of(tmp_path, text)
    assert message in [str(p) for p in problems.errors]


def test_a_config_that_is_not_a_mapping_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(DigestError, match=re.escape("digest.yml: must be a mapping of settings")):
        config_of(tmp_path, "- a list\n")


# curation


def test_curation_pins_hides_and_retopics(tmp_path: Path) -> None:
    (tmp_path / "curation.yml").write_text(
        'papers:\n  "2501.00001":\n    pin: true\n    add_topics: [rl]\n'
        '  "A Hidden Paper":\n    hide: true\n',
        encoding="utf-8",
    )
    problems = Problems()
    curations = load_curation(tmp_path, {"rl", "other"}, problems)
    assert problems.items == []
    papers = [paper("arxiv:2501.00001", "Kept"), paper("title:a hidden paper", "A Hidden Paper")]
    curated = apply_curation(papers, curations, "other", problems)
    assert [p.key for p in curated] == ["arxiv:2501.00001"]
    assert curated[0].pinned
    # The curator's topic replaces the catch-all, and says who put it there.
    assert curated[0].topics == (TopicMatch("rl", None, "curator"),)


def test_a_curation_entry_that_matches_nothing_is_a_warning() -> None:
    problems = Problems()
    apply_curation(
        [paper("arxiv:1", "One")],
        [Curation("2501.99999", "line 2: papers.2501.99999")],
        "other",
        problems,
    )
    assert [str(p) for p in problems.items] == [
        "warning: curation.yml: line 2: papers.2501.99999: matches no paper in the listings; "
        "check the arXiv id or title"
    ]


# BibTeX keys


def test_citation_keys_are_lastname_year_word_and_unique() -> None:
    papers = (
        paper("arxiv:1", "Attention is all you need", rank=1, authors=("Ashish Vaswani",)),
        paper("arxiv:2", "Attention again", rank=2, authors=("Ashish Vaswani",)),
        paper("arxiv:3", "The Ñandú Model", rank=3, authors=("José Núñez",)),
    )
    keys = assign_keys(Catalog(papers=papers, topics=(OTHER,)))
    assert keys["arxiv:1"] == "vaswani2025attention"
    assert keys["arxiv:2"] != keys["arxiv:1"] and keys["arxiv:2"].startswith("vaswani2025attention")
    assert keys["arxiv:3"] == "nunez2025nandu"


# roll-ups


def test_a_week_ranks_picks_then_upvotes_then_listing_order() -> None:
    monday = dt.date(2025, 3, 10)
    papers = (
        paper("arxiv:1", "Few votes", day=monday, rank=1, upvotes=3),
        paper("arxiv:2", "Many votes", day=monday, rank=2, upvotes=90),
        paper("arxiv:3", "No votes, listed first", day=DAY, rank=1),
        paper("arxiv:4", "Next week", day=dt.date(2025, 3, 17), rank=1, upvotes=1),
    )
    weeks = rollups(Catalog(papers=papers, topics=(OTHER,)), "week")
    assert [w.slug for w in weeks] == ["2025-W12", "2025-W11"]  # newest first
    assert [p.key for p in weeks[1].papers] == ["arxiv:2", "arxiv:1", "arxiv:3"]


# source status


def test_each_day_of_a_source_says_what_its_fetch_got(tmp_path: Path) -> None:
    log = {
        "huggingface": {
            "2025-03-11": {"result": "ok", "papers": 1, "settled": False, "fetched": "2025-03-11"},
            "2025-03-10": {
                "result": "failed",
                "error": "HTTP 503",
                "settled": True,
                "fetched": "2025-03-11",
            },
            "2025-03-07": {"result": "empty", "settled": True, "fetched": "2025-03-11"},
        }
    }
    (tmp_path / ".fetch-log.json").write_text(json.dumps(log), encoding="utf-8")
    catalog = Catalog(papers=(paper("arxiv:1", "Listed"),), topics=(OTHER,))
    (status,) = source_statuses(tmp_path, catalog)
    states = {day.day.isoformat(): day.state for day in status.days}
    assert states["2025-03-11"] == "growing"
    assert states["2025-03-10"] == "failed"
    assert states["2025-03-09"] == "weekend"
    assert states["2025-03-07"] == "empty"
    assert states["2025-03-06"] == "missing"
    assert status.last_fetch == DAY


def test_the_year_a_site_reaches_github_pages_limit() -> None:
    import datetime as dt

    from digest.site.site_size import size_sentence

    first, last = dt.date(2024, 1, 1), dt.date(2025, 8, 2)  # 580 days of listings
    said = size_sentence(250_000_000, 22_005, first, last)
    assert said == (
        "The site is 250 MB in 22,005 files; GitHub Pages publishes sites of up to 1 GB. "
        "At the rate it grew over the 580 days from its first listing to its latest (about "
        "157 MB a year) it would reach 1 GB in 2030."
    )
    assert size_sentence(9_800_000, 364, last, last).endswith(
        "too recent to tell how fast it grows."
    )
    assert "It is over that" in size_sentence(1_200_000_000, 90_000, first, last)
    # With archive.years: the size the kept years come to, not a year it reaches 1 GB.
    assert size_sentence(250_000_000, 22_005, first, last, years=2).endswith(
        "(about 157 MB a year), keeping 2 years (archive.years) it holds about 315 MB at "
        "most: within the limit."
    )
    assert size_sentence(250_000_000, 22_005, first, last, years=7).endswith(
        "keeping 7 years (archive.years) it holds about 1,102 MB at most: over the limit: "
        "keep fewer years."
    )


@pytest.mark.parametrize("day", [dt.date(2025, 1, 14), dt.date(2025, 7, 15)])  # EST, EDT
def test_a_days_arxiv_and_hugging_face_items_are_never_dated_alike(day: dt.date) -> None:
    """arXiv announces at 20:00 US Eastern the evening before (00:00 or 01:00 UTC); the
    other sources' items sit in the hour before 02:00 of their day: the two hours never
    meet, so a digest of both never dates two items alike (the validator warns)."""
    from digest.site.feeds import announced

    arxiv = {announced(paper(f"a{n}", "A", day=day, source="arxiv"), "UTC", n) for n in range(3600)}
    other = {announced(paper(f"h{n}", "H", day=day), "UTC", n) for n in range(3600)}
    assert not arxiv & other
    assert max(other) == dt.datetime.combine(day, dt.time(2), tzinfo=dt.UTC)
    assert min(other).date() == day


def test_hyphenated_compounds_are_indexed_again_with_spaces_each_once() -> None:
    text = (
        "Mixture-of-Experts meets state-space models; a mixture-of-experts layer, "
        "GPT-4o and x-ray-based pre- and post-training, not 2-3 or - alone."
    )
    assert spaced_compounds(text) == (
        "mixture of experts state space gpt 4o x ray based post training 2 3"
    )


def test_a_template_named_by_an_expression_puts_every_template_in_the_key() -> None:
    from digest.incremental.page_prints import template_sources

    templates = {
        "card.j2": '{% include "parts/" ~ kind ~ ".j2" %}',
        "parts/a.j2": "A",
        "parts/b.j2": "B",
        "plain.j2": '{% include "parts/a.j2" %}',
    }

    def sources(name: str, edited: dict[str, str]) -> str:
        env = jinja2.Environment(loader=jinja2.DictLoader({**templates, **edited}))
        return template_sources(env, name)

    # Named in the template: only what it includes.
    assert sources("plain.j2", {}) != sources("plain.j2", {"parts/a.j2": "A2"})
    assert sources("plain.j2", {}) == sources("plain.j2", {"parts/b.j2": "B2"})
    # Named by an expression: any template may be the one.
    assert sources("card.j2", {}) != sources("card.j2", {"parts/b.j2": "B2"})


def test_two_spellings_of_a_title_share_its_key_accents_or_not() -> None:
    from digest.identity import title_key

    assert (
        title_key("Café: A ﬁne-Tuning Study")
        == title_key("CAFE -- a fine tuning study")
        == ("cafe a fine tuning study")
    )
    assert title_key("Straße") == title_key("STRASSE") == "strasse"
    assert title_key("Attention Is All You Need!") == "attention is all you need"
    assert title_key("") == ""


def test_a_settled_store_writes_what_it_would_have_and_holds_nothing(tmp_path: Path) -> None:
    """``KeptEntries.settle`` (a build's listing readings, let go once read) writes the
    same files as a store saved as it was, rewrites only the segments that changed, and
    refuses to be used after (an entry put would not be kept, a segment read again would
    be saved empty)."""
    from digest.incremental.store import KeptEntries

    def stored(folder: Path) -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}

    first = KeptEntries(tmp_path / "kept")
    first.put("a", "k1", ("one", 1))
    first.put("b", "k2", ["two"])
    first.put("gone", "k3", None)
    first.save()

    results = {}
    for way in ("saved", "settled"):
        folder = tmp_path / way
        shutil.copytree(tmp_path / "kept", folder)
        store = KeptEntries(folder)
        assert store.get("a", "k1") == ("one", 1)
        store.put("a", "k1", store.get("a", "k1"))  # as it was
        store.put("b", "k2", store.get("b", "k2"))
        store.put("b", "k4", {"new": dt.date(2025, 3, 11)})  # segment b changed
        a_before = (folder / "a.json").stat().st_mtime_ns
        if way == "settled":
            store.settle()
            assert not store.kept and not store.used
            with pytest.raises(RuntimeError):
                store.put("b", "k5", 5)
            with pytest.raises(RuntimeError):  # a segment loaded again would be kept empty
                store.get("a", "k1")
        store.save()
        assert (folder / "a.json").stat().st_mtime_ns == a_before  # not rewritten
        assert not (folder / "gone.json").exists()  # a segment no longer used
        results[way] = stored(folder)
    assert results["settled"] == results["saved"]
    again = KeptEntries(tmp_path / "settled")
    assert again.get("b", "k4") == {"new": dt.date(2025, 3, 11)}
    assert again.get("a", "k1") == ("one", 1)


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Attention Is Not All You Need"},
        {"abstract": "We show otherwise."},
        {"authors": ("Alan Turing",)},
        {"categories": ("cs.LG",)},
        {"ai_keywords": ("attention",)},
        {"tags": ("transformers",)},
    ],
)
def test_a_papers_text_print_follows_every_text_a_rule_or_the_ranking_reads(
    change: dict[str, object],
) -> None:
    """The print keys the kept topic matches and the ranking's day chains: a paper kept
    through ``evolved`` with other fields changed keeps it, one whose text changed has
    the print a paper made afresh from that text has."""
    first = paper("2501.00001", "Attention Is All You Need")
    printed, titled = first.text_print, first.title_key
    kept = evolved(first, topics=(), upvotes=7)
    assert (kept.text_print, kept.title_key) == (printed, titled)
    changed = evolved(first, **change)
    assert changed.text_print != printed
    afresh = replace(first, **change)
    assert changed.text_print == afresh.text_print
    assert changed.title_key == afresh.title_key
    assert (changed.title_key == titled) == ("title" not in change)


def test_a_synced_folder_removes_what_the_build_left_and_the_folders_it_empties(
    tmp_path: Path,
) -> None:
    """The docs and paper-page folders keep what a build wrote or kept; everything else
    goes, and every folder left empty by it, but never a folder with a file that stays,
    the folder itself, or what a link to a folder points at."""
    root = tmp_path / "docs"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.md").write_text("not ours", encoding="utf-8")
    earlier = SyncedFolder(root)
    for relative in ["days/a/index.md", "days/b/index.md", "old/deep/er/page.md", "top.md"]:
        earlier.write(relative, b"earlier")
    (root / "days" / "linked").symlink_to(elsewhere, target_is_directory=True)
    (root / "empty" / "nested").mkdir(parents=True)

    build = SyncedFolder(root)
    build.write("days/a/index.md", b"again")
    assert build.keep("top.md") and not build.keep("gone.md")
    build.remove_others()

    left = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    assert left == ["days", "days/a", "days/a/index.md", "days/linked", "top.md"]
    assert (elsewhere / "keep.md").is_file() and root.is_dir()
    assert set(build.files()) == {"days/a/index.md", "top.md"}


def test_a_synced_folder_told_what_the_last_build_left_removes_those_without_a_walk(
    tmp_path: Path,
) -> None:
    """Given the files the last build left (its record), only those it did not write
    again go, with the folders that empties; nothing else in the folder is looked at."""
    root = tmp_path / "static"
    earlier = SyncedFolder(root)
    recorded = ["papers/a/index.html", "papers/b/index.html", "papers/c/deep/index.html"]
    for relative in recorded:
        earlier.write(relative, b"earlier")
    (root / "papers" / "b" / "note.txt").write_text("put here by hand", encoding="utf-8")

    build = SyncedFolder(root)
    assert build.keep("papers/a/index.html")
    build.write("papers/d/index.html", b"new")
    (tmp_path / "outside.html").write_text("not in the folder", encoding="utf-8")
    build.remove_others([*recorded, "../outside.html", "papers/never-there/index.html"])

    left = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    assert left == [
        "papers",
        "papers/a",
        "papers/a/index.html",
        "papers/b",
        "papers/b/note.txt",
        "papers/d",
        "papers/d/index.html",
    ]
    assert set(build.files()) == {"papers/a/index.html", "papers/d/index.html"}
    assert (tmp_path / "outside.html").is_file()


def test_what_templates_read_and_include_is_kept_and_parsed_again_only_when_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's fingerprint holds the sources of every template it includes, found by
    parsing them; what the parse found is kept by a hash of the source, so the next
    build parses only a template that changed."""
    from digest.incremental import page_prints
    from digest.site.render import BUILTIN_TEMPLATES, make_environment

    kept = tmp_path / "template-facts.json"
    page_prints.load_template_facts(kept)  # none yet
    env = make_environment(None, None)
    day = page_prints.template_sources(env, "pages/day.md.j2")
    assert "partials/paper.html.j2" in day  # the card it includes
    page_prints.save_template_facts(kept)

    # The next build (a new process: nothing held but what was kept) parses nothing.
    monkeypatch.setattr(page_prints, "_known_facts", {})
    page_prints.load_template_facts(kept)

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(jinja2.Environment, "parse", parse)
    assert page_prints.template_sources(make_environment(None, None), "pages/day.md.j2") == day

    # An edited card (a digest's own) is parsed: what it includes may have changed.
    overrides = tmp_path / "templates" / "partials"
    overrides.mkdir(parents=True)
    card = (BUILTIN_TEMPLATES / "partials" / "paper.html.j2").read_text("utf-8")
    (overrides / "paper.html.j2").write_text(card + "\n{# edited #}\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed again"):
        page_prints.template_sources(
            make_environment(tmp_path / "templates", None), "pages/day.md.j2"
        )


def test_what_a_paper_works_out_follows_the_fields_it_is_made_of() -> None:
    """A paper's first and last day and its identity are worked out once; ``evolved``
    carries them over while their fields stay, and a paper with new sightings or a new
    key has them worked out afresh."""
    first = paper("2501.00001", "Attention Is All You Need", day=dt.date(2025, 3, 11))
    assert (first.first_day, first.last_day, first.identity) == (
        dt.date(2025, 3, 11),
        dt.date(2025, 3, 11),
        first.key,
    )
    kept = evolved(first, topics=(), upvotes=7)
    assert all(  # not worked out again
        is_worked_out(kept, name) for name in ("first_day", "last_day", "identity")
    )
    later = Appearance(dt.date(2025, 3, 14), "hf", 2, Origin("m.json", "item 2"))
    earlier = Appearance(dt.date(2025, 3, 2), "hf", 5, Origin("k.json", "item 5"))
    sighted = evolved(kept, appearances=(*kept.appearances, later, earlier))
    assert (sighted.first_day, sighted.last_day) == (dt.date(2025, 3, 2), dt.date(2025, 3, 14))
    # Its topics' slugs follow its topics: kept while they stay, new with new ones.
    topical = evolved(first, topics=(TopicMatch("agents", "agent", "title"),))
    assert topical.topic_slugs == ("agents",)
    assert evolved(topical, upvotes=9).topic_slugs == ("agents",)
    retopic = (TopicMatch("vision", "image", "abstract"), TopicMatch("agents", "agent", "title"))
    assert evolved(topical, topics=retopic).topic_slugs == ("vision", "agents")
    renamed = evolved(kept, key="doi:10.1000/x", first_key=None)
    assert renamed.identity == "doi:10.1000/x"
    assert evolved(renamed, first_key=first.key).identity == first.key
