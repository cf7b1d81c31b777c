"""The whole build, in stages: read everything, then write everything.

Nothing is written before every listing is read and checked; the new site is assembled
in ``.digest/`` and replaces ``site/`` only when MkDocs and Pagefind both succeeded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from digest import paths, platform
from digest.catalog.curation import CURATION_NAME, Curation, load_curation
from digest.catalog.merge import Catalog, build_catalog
from digest.catalog.rules import save_rules
from digest.config import DigestConfig, load_config
from digest.filesystem import SyncedFolder, discard, remove_quietly
from digest.guard import refusal
from digest.incremental.card_cache import CardCache
from digest.incremental.fingerprint import code_fingerprint
from digest.incremental.listing_cache import ListingCache, ListingRead
from digest.incremental.page_cache import PageCache, global_key
from digest.incremental.page_prints import PagePrints
from digest.incremental.topic_cache import TopicCache
from digest.ingest.normalize import MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS, to_paper
from digest.ingest.readers import ListingContext, ListingResult, find_listings, read_listing
from digest.model import Paper
from digest.problems import DigestError, Problems
from digest.progress import Progress, Stage
from digest.publish.mkdocs_run import (
    copy_mathjax,
    load_mkdocs_config,
    run_mkdocs,
    site_info_from,
)
from digest.publish.swap import publish, recover, refuse_foreign_site
from digest.site import escape
from digest.site.feeds import Feed, FeedWriter, rollup_rss, status_rss
from digest.site.raw_store import RawStore
from digest.site.render import (
    PagePlanner,
    SiteInfo,
    card_salt,
    make_environment,
    render_pages,
)
from digest.site.rollups import Rollup
from digest.site.search import SEARCH_DIR, SearchIndexJob
from digest.site.status import source_statuses

log = logging.getLogger("digest")
WORK_DIR = ".digest"


@dataclass
class ReadOutcome:
    config: DigestConfig
    listings: list[ListingResult]
    papers: list[Paper]
    problems: Problems
    curations: list[Curation] = field(default_factory=list)


def catalog_of(outcome: ReadOutcome, topic_cache: TopicCache | None = None) -> Catalog:
    """The catalog of everything read, with the curator's file applied; topic matches of
    unchanged papers come from ``topic_cache`` (builds) when given."""
    config = outcome.config
    return build_catalog(outcome.papers, config, outcome.curations, outcome.problems, topic_cache)


@dataclass
class BuildResult:
    outcome: ReadOutcome
    catalog: Catalog
    pages: int
    feeds: int
    seconds: float
    site_dir: Path
    stages: list[Stage]


class BuildFailed(DigestError):
    """The inputs have problems that stop the build; they are in ``problems``."""

    def __init__(self, problems: Problems, reason: str) -> None:
        super().__init__(reason)
        self.problems = problems


def read_file(context: ListingContext) -> ListingRead:
    """One listing read and made into papers, with the problems found on the way."""
    problems = Problems()
    result = read_listing(context, problems)
    papers = []
    for record in result.records:
        paper = to_paper(record)
        for name, limit, shown in (
            ("title", MAX_TITLE_CHARS, paper.title),
            ("abstract", MAX_ABSTRACT_CHARS, paper.abstract),
        ):
            written = getattr(record, name) or ""
            if len(written) > limit and shown.endswith(" […]"):
                problems.warn(
                    record.origin.file,
                    record.origin.place,
                    f"the {name} is {len(written):,} characters, over the {limit:,} shown; "
                    "cut (the paper's links lead to the whole text)",
                )
        if not paper.title:
            # Readers check for a title; one made only of control characters or
            # spaces is empty once cleaned.
            problems.warn(
                record.origin.file,
                record.origin.place,
                "the title is empty once control characters are removed; skipped",
            )
            continue
        papers.append(paper)
    days = sorted({record.listing_day for record in result.records})
    result.records = []  # converted: at 30,000 papers the raw records are 90 MB
    return ListingRead(result, papers, problems, days)


def read_everything(
    root: Path, fallback_date: dt.date | None, cache: ListingCache | None = None
) -> ReadOutcome:
    """Every listing read; with a ``cache`` (builds), files read by an earlier build with
    the same bytes are taken from it (see ``listing_cache``)."""
    config, problems = load_config(root)
    listings: list[ListingResult] = []
    papers: list[Paper] = []
    if problems.errors:
        # A folder that is not safe to read (or a config that cannot be used) stops here,
        # before any listing is opened.
        return ReadOutcome(config, listings, papers, problems)
    if not config.listings.is_dir():
        problems.error(
            str(config.listings.relative_to(config.root))
            if config.listings.is_relative_to(config.root)
            else str(config.listings),
            None,
            "listings folder not found; create it and put listing files in it",
        )
        return ReadOutcome(config, listings, papers, problems)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    for path in find_listings(config.listings):
        display = (
            path.relative_to(config.root).as_posix()
            if path.is_relative_to(config.root)
            else str(path)
        )
        refused = refusal(path, config.root, config.allow_outside)
        if refused:
            problems.error(display, None, refused)
            continue
        context = ListingContext(path, display, fallback_date)
        reading = cache.read(context, read_file) if cache else read_file(context)
        problems.extend(reading.problems)
        future = [day for day in reading.days if day > tomorrow]
        if future:
            # The clock is consulted for this warning only, never for the output.
            problems.warn(
                display,
                None,
                f"listing date {future[0].isoformat()} is in the future; check the file name or date line",
            )
        listings.append(reading.result)
        papers.extend(reading.papers)
    if not listings:
        problems.warn(
            config.listings.name, None, "no listing files; the site will have no papers yet"
        )
    refused = _check_other_inputs(config, problems)
    slugs = {topic.slug for topic in config.all_topics}
    curations = (
        [] if config.root / CURATION_NAME in refused else load_curation(config.root, slugs, problems)
    )
    return ReadOutcome(config, listings, papers, problems, curations)


def _check_other_inputs(config: DigestConfig, problems: Problems) -> set[Path]:
    """Template overrides and curation.yml are read like listings: never through a
    symlink out of the digest, never from a special file."""
    refused: set[Path] = set()
    candidates = [config.root / CURATION_NAME]
    if config.templates.is_dir():
        candidates += [
            path
            for path in sorted(config.templates.rglob("*"))
            if not (path.is_dir() and not path.is_symlink())
        ]
    for path in candidates:
        if not path.exists() and not path.is_symlink():
            continue
        reason = refusal(path, config.root, config.allow_outside)
        if reason:
            problems.error(path.relative_to(config.root).as_posix(), None, reason)
            refused.add(path)
    return refused


def check_problems(problems: Problems, strict: bool) -> None:
    if problems.errors:
        raise BuildFailed(
            problems, f"{len(problems.errors)} error(s) in the inputs; nothing was written"
        )
    if strict and problems.warnings:
        raise BuildFailed(
            problems, f"{len(problems.warnings)} warning(s) and --strict; nothing was written"
        )


@contextmanager
def work_lock(work: Path) -> Iterator[None]:
    work.mkdir(exist_ok=True)
    try:
        with platform.exclusive(work / "lock"):
            yield
    except platform.Busy as err:
        raise DigestError(
            f"another digest build is running in {work.parent}; wait for it to finish"
        ) from err


# What a build writes only for itself: on a failure (a full disk above all) it goes, so a
# failed build never keeps the space it took, nor leaves what the next one would trip on.
_SCRATCH = ("site", "search", "raw-blocks.json")


@contextmanager
def _partial_output_removed_on_failure(work: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for name in _SCRATCH:
            with contextlib.suppress(OSError):
                remove_quietly(work / name)
        for partial in work.rglob("*.partial"):
            with contextlib.suppress(OSError):
                remove_quietly(partial)
        raise


def forget_everything(work: Path) -> None:
    """``--fresh``: every cache and scratch file of earlier builds removed, under the lock."""
    with work_lock(work):
        for entry in sorted(work.iterdir()):
            if entry.name != "lock":
                discard(entry)


def _fresh(folder: Path) -> Path:
    if folder.exists():
        discard(folder)
    folder.mkdir(parents=True)
    return folder


def _copy_content(
    config: DigestConfig, docs: SyncedFolder, generated: set[str], problems: Problems
) -> list[str]:
    """Copy the hand-written pages; returns their paths for the navigation."""
    pages = []
    if not config.content.is_dir():
        return pages
    for source in sorted(config.content.rglob("*")):
        if (source.is_dir() and not source.is_symlink()) or any(
            p.startswith(".") for p in source.relative_to(config.content).parts
        ):
            continue
        relative = source.relative_to(config.content).as_posix()
        refused = refusal(source, config.root, config.allow_outside)
        if refused:
            problems.error(f"{config.content.name}/{relative}", None, refused)
            continue
        if relative in generated:
            problems.error(
                f"{config.content.name}/{relative}",
                None,
                "has the name of a page digest generates; rename the file",
            )
            continue
        docs.copy(relative, source)
        if relative.endswith(".md"):
            pages.append(relative)
    return pages


def _rollup_navigation(periods_by_kind: dict[str, list[Rollup]]) -> list[Any]:
    entries = [
        {f"This {kind}": paths.source_file(paths.latest_rollup_url(kind))}
        for kind, periods in periods_by_kind.items()
        if periods
    ]
    return [{"Top papers": entries}] if entries else []


def _navigation(
    catalog: Catalog, content_pages: list[str], rollups: dict[str, list[Rollup]]
) -> list[Any]:
    topic_pages: list[Any] = [paths.source_file(paths.TOPICS)]
    # The theme prints navigation titles as HTML: a curator's title is text.
    topic_pages += [
        {str(escape.text(t.title)): paths.source_file(paths.topic_url(t.slug))}
        for t in catalog.topics
        if not t.watch
    ]
    watching = [
        {str(escape.text(t.title)): paths.source_file(paths.topic_url(t.slug))}
        for t in catalog.topics
        if t.watch
    ]
    return [
        {"Latest": paths.source_file(paths.HOME)},
        {"Topics": topic_pages},
        *([{"Watching": watching}] if watching else []),
        {"Archive": paths.source_file(paths.ARCHIVE)},
        *_rollup_navigation(rollups),
        {"Search": paths.source_file(paths.SEARCH)},
        {"Status": paths.source_file(paths.STATUS)},
        *content_pages,
    ]


def _nav_pages(nav: Any) -> Iterator[str]:
    """The page files a navigation names, at any depth."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_pages(value)


def _page_inputs(config: DigestConfig, mkdocs_config: MkDocsConfig) -> list[Path]:
    """Folders whose files can show on every page (see ``page_cache.global_key``)."""
    folders = [config.templates, config.content]
    if mkdocs_config.theme.custom_dir:
        folders.append(Path(mkdocs_config.theme.custom_dir))
    return folders


def _feed_files(
    catalog: Catalog,
    planner: PagePlanner,
    writer: FeedWriter,
    feeds: list[Feed],
    language: str,
) -> dict[str, bytes]:
    """Every file besides the pages that the site serves: feeds and bibliographies."""
    files: dict[str, bytes] = {}
    for feed in feeds:
        files[feed.rss_path] = writer.rss(feed)
        files[feed.atom_path] = writer.atom(feed)
    files[paths.STATUS_FEED] = status_rss(planner.statuses, planner.site, language)
    for kind, periods in planner.rollups.items():
        files[paths.rollup_feed(kind)] = rollup_rss(periods, kind, planner.site, language)
    for day in catalog.days():
        text = planner.citations.bibliography(catalog.on_day(day))
        files[paths.day_bib(day)] = text.encode("utf-8")
    for topic in catalog.topics:
        text = planner.citations.bibliography(catalog.in_topic(topic.slug))
        files[paths.topic_bib(topic.slug)] = text.encode("utf-8")
    return files


def build(
    root: Path,
    *,
    strict: bool = False,
    fallback_date: dt.date | None = None,
    progress: Progress | None = None,
    fresh: bool = False,
) -> BuildResult:
    """Build the site; ``fresh``: forget everything earlier builds kept in ``.digest/``."""
    progress = progress or Progress()
    started = time.perf_counter()
    work = root / WORK_DIR
    if fresh:
        forget_everything(work)
    # The caches are only read here; they are written under the work lock, below.
    listing_cache = ListingCache(work / "listings", fallback_date)
    with progress.stage("read listings") as stage:
        outcome = read_everything(root, fallback_date, listing_cache)
        stage.summary = f"{len(outcome.listings)} files, {len(outcome.papers)} papers"
    check_problems(outcome.problems, strict)
    config = outcome.config
    with progress.stage("catalog") as stage:
        topic_cache = TopicCache(work / "topics", outcome.config)
        catalog = catalog_of(outcome, topic_cache)
        stage.summary = f"{len(catalog.papers)} papers on {len(catalog.days())} days"
        # The catalog holds the merged papers; the sightings they came from are done with
        # (at 30,000 papers, 100 MB while Pagefind needs memory).
        outcome.papers = []
    check_problems(outcome.problems, strict)  # curation entries that match no paper

    with work_lock(work), _partial_output_removed_on_failure(work):
        listing_cache.save()
        topic_cache.save()
        recover(config.site_dir)
        refuse_foreign_site(config.site_dir)
        docs = SyncedFolder(work / "docs")
        staged_site = work / "site"
        if staged_site.exists():
            discard(staged_site)
        mkdocs_config = load_mkdocs_config(config.mkdocs, docs.root, staged_site, strict)
        info = site_info_from(mkdocs_config)
        site = SiteInfo(name=info["name"], url=info["url"], description=info["description"])
        statuses = source_statuses(config.listings, catalog, config.root)
        planner = PagePlanner(catalog, site, statuses)

        content_problems = Problems()
        pages = list(planner.pages())
        planned = {paths.source_file(page.url) for page in pages}
        content_pages = _copy_content(config, docs, planned, content_problems)
        outcome.problems.extend(content_problems)
        check_problems(outcome.problems, strict)

        # Started before the pages: it is the longest stage, and Pagefind is its own
        # process, so it indexes on the other core meanwhile.
        search_dir = _fresh(work / "search") / SEARCH_DIR
        search_job = SearchIndexJob(catalog, planner.anchors, search_dir, work / "search-cache")
        raw = RawStore(work / "raw-blocks.json")
        try:
            nav = mkdocs_config.nav or _navigation(catalog, content_pages, planner.rollups)
            page_cache = PageCache(
                work / "pages",
                global_key(config.mkdocs, nav, _page_inputs(config, mkdocs_config)),
                always=set(_nav_pages(nav)) | set(content_pages),
            )
            with progress.stage("pages") as stage:
                env = make_environment(config.templates)
                cards = card_salt(env, site)
                planner.card_cache = CardCache(work / "cards", cards)
                prints = PagePrints(
                    work / "page-prints",
                    env,
                    catalog,
                    f"{code_fingerprint()}\n{cards}\n{site!r}\n{catalog.topics!r}",
                    planner.paper_print,
                    page_cache.has,
                )
                sources = render_pages(planner, pages, env, docs, raw, prints)
                prints.save()
                planner.card_cache.save()
                planner.release_cards()
                platform.return_free_memory()
                stage.summary = f"{len(sources)} pages, {len(raw.where)} rendered"
            with progress.stage("feeds") as stage:
                writer = FeedWriter(catalog, site, planner.anchors, info["language"])
                feeds = writer.feeds(config.feed_days)
                files = _feed_files(catalog, planner, writer, feeds, info["language"])
                for relative, data in files.items():
                    docs.write(relative, data)
                copy_mathjax(docs)
                docs.remove_others()
                stage.summary = f"{len(files)} files"
                del files  # written: 40 MB at 30,000 papers
                planner.citations.release()
                platform.return_free_memory()
            with progress.stage("MkDocs") as stage:
                days = catalog.days()
                latest = days[0] if days else None
                page_cache.plan(sources)
                run_mkdocs(mkdocs_config, nav, latest, raw, page_cache)
                page_cache.keep(staged_site)
                stage.summary = f"{len(page_cache.reusable)} of {len(sources)} pages unchanged"
            with progress.stage("search index") as stage:
                os.replace(search_job.wait(), staged_site / SEARCH_DIR)
                stage.summary = (
                    f"{len(catalog.papers)} papers in {len(search_job.shards)} shards, "
                    f"{search_job.reused} unchanged"
                )
        finally:
            search_job.cancel()
            raw.close()
        with progress.stage("publish"):
            publish(staged_site, config.site_dir)
            save_rules(work, config.topics, config.catch_all)

    return BuildResult(
        outcome=outcome,
        catalog=catalog,
        pages=len(sources) + len(content_pages),
        feeds=len(feeds),
        seconds=time.perf_counter() - started,
        site_dir=config.site_dir,
        stages=progress.stages,
    )
