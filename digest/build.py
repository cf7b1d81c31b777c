"""The whole build, as a page of stages: read everything, then write everything.

Nothing is written before every listing is read and checked; the new site is assembled
in ``.digest/`` (``incremental.cache``) and replaces ``site_dir`` only when MkDocs and
Pagefind both succeeded (``publish.swap``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig

from digest import collector, paths, platform
from digest.as_built import sift_catalog
from digest.build_reading import merged_catalog, read_listings
from digest.build_report import BuildFailed, BuildReport, check_problems
from digest.catalog.merge import Catalog, catalog_of
from digest.catalog.rules import save_rules
from digest.catalog.shown_topics import with_topics
from digest.catalog.sift import Sifted
from digest.config import DigestConfig
from digest.filesystem import SyncedFolder, discard
from digest.guard import SITE_MARKER
from digest.incremental import up_to_date
from digest.incremental.cache import WORK_DIR, BuildCache
from digest.incremental.compiled_templates import compiled_templates
from digest.incremental.fingerprint import bibliography_key, code_fingerprint, pages_key
from digest.incremental.listing_cache import KnownSums
from digest.incremental.page_cache import PageCache
from digest.incremental.page_prints import load_template_facts, save_template_facts
from digest.incremental.ranking_memory import RankingMemoryStore
from digest.incremental.settled_catalog import KeptPapersDamaged
from digest.incremental.store import read_sums, write_sums
from digest.incremental.up_to_date import Checked
from digest.ingest.digest_reader import ReadOutcome, read_everything
from digest.model import Paper
from digest.new import PLACEHOLDER_SITE_URL
from digest.problems import DigestError, Problems, counted
from digest.progress import Progress, Stage
from digest.publish.day_message import MessageWriter
from digest.publish.mail import browser_copy
from digest.publish.mkdocs_run import copy_mathjax, load_mkdocs_config, run_mkdocs, site_info_from
from digest.publish.send import browser_copies
from digest.publish.spare import keep_spare, sweep, take_spare
from digest.publish.swap import publish, recover, refuse_foreign_site
from digest.site.cards import CardRenderer
from digest.site.content import copy_content
from digest.site.feed_list import FEEDS_OPML, TOPICS_OPML, feed_directory, opml
from digest.site.feeds import Feed, FeedWriter
from digest.site.navigation import nav_pages, navigation
from digest.site.paper_pages import theme_stylesheets, write_paper_pages
from digest.site.period_feeds import rollup_rss, status_rss
from digest.site.plan import Earlier, Page, SiteInfo, SitePlan
from digest.site.raw_store import RawStore
from digest.site.render import card_salt, make_environment, render_pages
from digest.site.search import SEARCH_DIR, SearchIndexJob
from digest.site.site_size import fill_in
from digest.site.status import source_statuses

__all__ = ["WORK_DIR", "BuildFailed", "BuildResult", "build", "catalog_of", "read_everything"]


@dataclass
class BuildResult:
    report: BuildReport  # what the build says: its problems and totals
    seconds: float
    site_dir: Path
    stages: list[Stage]
    # Nothing changed since the last build: nothing was read or written, and the
    # rest is None (``incremental.up_to_date``).
    up_to_date: bool = False
    outcome: ReadOutcome | None = None
    catalog: Catalog | None = None  # what the site shows
    pages: int = 0
    feeds: int = 0
    sifted: Sifted | None = None


@dataclass
class SiteBuild:
    """What the writing stages share: the plan of the site and where it is assembled."""

    config: DigestConfig
    mkdocs: MkDocsConfig
    language: str
    plan: SitePlan
    pages: list[Page]
    content_pages: list[str]
    nav: list[object]
    docs: SyncedFolder
    staged: Path
    # Files that go into the site as they are, never seen by MkDocs (whose walk of the
    # docs folder took 0.6 s more with the archive's 9,877 paper pages in it).
    static: SyncedFolder


def build(
    root: Path,
    *,
    strict: bool = False,
    fallback_date: dt.date | None = None,
    progress: Progress | None = None,
    fresh: bool = False,
    checked: Checked | None = None,
) -> BuildResult:
    """Build the site; ``fresh``: forget everything earlier builds kept in ``.digest/``;
    ``checked``: the inputs as the caller found them (``up_to_date.check``)."""
    progress = progress or Progress()
    started = time.perf_counter()
    cache = BuildCache(root)
    if fresh:
        cache.forget_everything()
        checked = None
    if checked is None:  # else the caller checked, and said so (``build_command``)
        checked = up_to_date.check_as_stage(progress, root, fallback_date)
    if checked.report is not None and checked.site_dir is not None:
        check_problems(checked.report.as_problems, strict)  # said again, as the build did
        return BuildResult(
            checked.report,
            time.perf_counter() - started,
            checked.site_dir,
            progress.stages,
            up_to_date=True,
        )

    try:
        return _build(root, strict, fallback_date, progress, cache, checked, started)
    finally:
        collector.thawed()


def _build(
    root: Path,
    strict: bool,
    fallback_date: dt.date | None,
    progress: Progress,
    cache: BuildCache,
    checked: Checked,
    started: float,
) -> BuildResult:
    with collector.paused():
        known = checked.inputs.sha256_of if checked.inputs is not None else None
        read_and_rank = partial(_read_and_rank, root, strict, fallback_date, progress, cache, known)
        begun = len(progress.stages)
        try:
            outcome, memory, sifted, keep_settled = read_and_rank()
        except KeptPapersDamaged:
            # A kept paper's row found damaged when first read in full (its head was
            # sound): the store is gone, and every listing is read, as with a store
            # damaged at once. Nothing is written yet.
            del progress.stages[begun:]
            outcome, memory, sifted, keep_settled = read_and_rank()
    catalog = sifted.catalog

    # Write.
    with cache.locked():
        up_to_date.forget(cache.folder)
        cache.save_readings()
        keep_settled()
        memory.save(sifted.memory)
        # The site published before the current one, to build the new one in.
        reused = take_spare(cache.folder, cache.staged_site, code_fingerprint())
        begun = len(progress.stages)
        try:
            site, sources, feeds, published = _write_site(outcome, sifted, cache, strict, progress)
        except BuildFailed:
            raise
        except (OSError, DigestError) as err:
            if not reused:
                raise
            # A file of the kept site that cannot be replaced (a folder another user owns
            # after one `sudo digest build`, one made immutable) must not stop the build:
            # it is built again in a new folder, and what cannot be removed is set aside.
            logging.getLogger("digest").warning(
                "%s: could not build in the site kept from the build before (%s); "
                "building in a new folder",
                cache.staged_site,
                err,
            )
            discard(cache.staged_site)
            del progress.stages[begun:]
            site, sources, feeds, published = _write_site(outcome, sifted, cache, strict, progress)
        pages = len(sources) + len(site.content_pages)
        lines = [outcome.totals()] + ([sifted.left_out_line()] if sifted.left_out else [])
        report = BuildReport.of(
            outcome.problems,
            lines,
            len(catalog.papers),
            len(catalog.days()),
            len(catalog.topics),
            pages,
            len(feeds),
        )
        if checked.inputs is not None:
            up_to_date.remember(
                cache.folder,
                checked.inputs,
                report,
                site.config.site_dir,
                outcome.latest_day,
                published,
            )

    return BuildResult(
        report,
        time.perf_counter() - started,
        site.config.site_dir,
        progress.stages,
        outcome=outcome,
        catalog=catalog,
        pages=pages,
        feeds=len(feeds),
        sifted=sifted,
    )


def _read_and_rank(
    root: Path,
    strict: bool,
    fallback_date: dt.date | None,
    progress: Progress,
    cache: BuildCache,
    known: KnownSums | None,
) -> tuple[ReadOutcome, RankingMemoryStore, Sifted, Callable[[], None]]:
    """Read, catalog, rank and filter, with the collector paused (``collector``);
    ``known``: the listings' sums as the up-to-date check found them. Last, what keeps
    the settled catalog (``build_reading``), to be called under the lock."""
    # Read: the stores are only read here; they are written under the lock, below.
    with progress.stage("read listings") as stage:
        listings = cache.listings(fallback_date, known)
        reading = read_listings(root, fallback_date, listings, cache.settled_catalog())
        stage.summary = f"{len(reading.outcome.listings)} files, {reading.papers_read} papers"
    check_problems(reading.outcome.problems, strict)
    with progress.stage("catalog") as stage:
        everything, matched, keep_settled = merged_catalog(reading)
        listings.settle()  # the papers are in the catalog; the store lets go of its copies
        outcome = reading.outcome
        stage.summary = f"{counted(len(everything.papers), 'paper')} on {counted(len(everything.days()), 'day')}"
        outcome.papers = []  # merged into the catalog: 100 MB at 30,000 papers
    check_problems(outcome.problems, strict)  # curation entries that match no paper
    with progress.stage("rank and filter") as stage:
        memory = cache.ranking_memory()
        sifted = sift_catalog(outcome, everything, memory.load())
        reading.store.sift_done()
        # Topics only for what the site shows (the sift reads none).
        topics = cache.topics(outcome.config)
        sifted = with_topics(sifted, outcome.config, matched, topics.matches)
        stage.summary = (
            f"{len(sifted.catalog.papers)} papers shown, {len(sifted.left_out)} left out"
        )
    check_problems(outcome.problems, strict)
    return outcome, memory, sifted, keep_settled


def _write_site(
    outcome: ReadOutcome, sifted: Sifted, cache: BuildCache, strict: bool, progress: Progress
) -> tuple[SiteBuild, dict[str, str], list[Feed], dict[str, os.stat_result] | None]:
    """Render, index and publish the site (under the lock); its plan, its pages' sources,
    its feeds, and the ``lstat`` of each published file where they are known without
    walking the site again (``up_to_date.remember``)."""
    catalog = sifted.catalog
    site = _plan_site(outcome, sifted, cache, strict)
    # Started before the pages: it is the longest stage, and Pagefind is its own
    # process, so it indexes on the other core meanwhile.
    search = SearchIndexJob(
        catalog, dict(site.plan.anchors), site.staged / SEARCH_DIR, cache.shards()
    )
    raw = RawStore(cache.raw_blocks)
    try:
        pages = cache.pages(_pages_key(site), always=_always_rendered(site))
        sources, paper_print = _render_pages(site, cache, pages, raw, progress)
        feeds = _write_feeds_and_bibliographies(site, cache, paper_print, progress)
        compiled = compiled_templates("mkdocs")
        expected = _run_mkdocs(site, pages, sources, raw, compiled, progress)
        with progress.stage("search index") as stage:
            expected.update(f"{SEARCH_DIR}/{relative}" for relative in search.wait())
            stage.summary = (
                f"{len(catalog.papers)} papers in {len(search.shards)} shards, "
                f"{search.reused} unchanged"
            )
    finally:
        search.cancel()
        raw.close()
    days = catalog.days()
    with progress.stage("publish"):
        # What an earlier site left in the folder and this build did not write.
        swept = sweep(site.staged, expected)
        status_page = paths.STATUS + "index.html"
        fill_in(
            site.staged,
            status_page,
            days[-1] if days else None,
            days[0] if days else None,
            (swept.size, swept.files),
            site.config.archive.years,
        )
        published = None
        if publish(site.staged, site.config.site_dir):
            keep_spare(cache.folder, code_fingerprint())
            # Exchanged whole, not copied: the published files are the swept ones, but
            # for the two written since. The up-to-date record is made from these.
            published = _restat(swept.stats, site.config.site_dir, [status_page, SITE_MARKER])
        save_rules(cache.folder, site.config.topics, site.config.catch_all)
    return site, sources, feeds, published


def _restat(
    stats: dict[str, os.stat_result], site: Path, changed: list[str]
) -> dict[str, os.stat_result]:
    """``stats`` with the files ``changed`` since looked at again in ``site``."""
    for relative in changed:
        try:
            stats[relative] = os.lstat(site / relative)
        except FileNotFoundError:
            stats.pop(relative, None)
    return stats


def _plan_site(outcome: ReadOutcome, sifted: Sifted, cache: BuildCache, strict: bool) -> SiteBuild:
    """Where the site goes (checked), its MkDocs configuration, its plan and navigation,
    and the hand-written pages beside the generated ones."""
    config = outcome.config
    catalog = sifted.catalog
    recover(config.site_dir)
    refuse_foreign_site(config.site_dir)
    docs = SyncedFolder(cache.docs)
    mkdocs = load_mkdocs_config(config.mkdocs, docs.root, cache.staged_site, strict)
    info = site_info_from(mkdocs)
    identity = SiteInfo(
        name=info["name"],
        url=info["url"],
        description=info["description"],
        copyright=info["copyright"],
        image=info["image"]
        if str(info["image"]).endswith((".png", ".jpg", ".jpeg", ".gif"))
        else None,
        favicon=str(info["favicon"]),
    )
    plan = SitePlan.of(
        catalog,
        identity,
        source_statuses(config.listings, catalog, config.root),
        sifted.recommended,
        related=sifted.related,
        beyond_cap=sifted.beyond_cap,
        left_out=sifted.counts_by_day(),
        earlier=_earlier(sifted, config),
    )
    pages = list(plan.pages())
    problems = Problems()
    if mkdocs.site_url == PLACEHOLDER_SITE_URL:
        problems.warn(
            config.mkdocs.name,
            "site_url",
            f"still the placeholder {PLACEHOLDER_SITE_URL}: every feed link would point "
            "there. Set it to where the site lives, e.g. https://<you>.github.io/<repo>/",
        )
    planned = {paths.source_file(page.url) for page in pages}
    content_pages = copy_content(config, docs, planned, problems)
    outcome.problems.extend(problems)
    check_problems(outcome.problems, strict)
    nav = mkdocs.nav or navigation(catalog, content_pages, dict(plan.rollups))
    return SiteBuild(
        config,
        mkdocs,
        info["language"],
        plan,
        pages,
        content_pages,
        nav,
        docs,
        cache.staged_site,
        SyncedFolder(cache.static),
    )


def _earlier(sifted: Sifted, config: DigestConfig) -> Earlier | None:
    """What the archive page says of the years before those the site holds."""
    archived = sifted.counts()["archived"]
    if sifted.first_shown is None or not archived:
        return None
    return Earlier(sifted.first_shown, archived, config.archive.url)


def _pages_key(site: SiteBuild) -> str:
    """What every page shows besides its own source (``fingerprint.pages_key``)."""
    folders = [site.config.templates, site.config.content]
    if site.mkdocs.theme.custom_dir:
        folders.append(Path(site.mkdocs.theme.custom_dir))
    root = site.config.root
    named = {
        (
            folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
        ): folder
        for folder in folders
    }
    return pages_key(site.config.mkdocs, site.mkdocs, site.nav, named)


def _always_rendered(site: SiteBuild) -> set[str]:
    """Pages in the navigation show their neighbours' titles: rendered every time."""
    return set(nav_pages(site.nav)) | set(site.content_pages)


def _render_pages(
    site: SiteBuild, cache: BuildCache, pages: PageCache, raw: RawStore, progress: Progress
) -> tuple[dict[str, str], Callable[[Paper], str]]:
    """Every page's Markdown source (by URL), and each paper's print (what its card and
    BibTeX entry are made from)."""
    with progress.stage("pages") as stage:
        load_template_facts(cache.template_facts)
        env = make_environment(site.config.templates, compiled_templates("pages"))
        salt = card_salt(env, site.plan.site)
        card_store = cache.cards(salt)
        cards = CardRenderer(site.plan, env, card_store)
        prints = cache.page_prints(
            env,
            site.plan.catalog,
            f"{code_fingerprint()}\n{salt}\n{site.plan.site!r}\n{site.plan.catalog.topics!r}",
            cards.paper_print,
            pages.has,
        )
        sources = render_pages(cards, site.pages, site.docs, raw, prints)
        kept_pages = cache.paper_pages
        kept = read_sums(kept_pages) or {}
        # The pages are rewritten in place in .digest/static: until this build saves its
        # own, no sums may vouch for them (a build killed halfway left pages of its
        # catalog under the previous build's sums, and the next build kept them).
        kept_pages.unlink(missing_ok=True)
        papers, page_prints = write_paper_pages(
            cards,
            env,
            site.static,
            theme_stylesheets(list(site.mkdocs.theme.dirs)),
            kept,
            code_fingerprint(),
        )
        # The last build's paper pages are the files it left there (its sums say which).
        site.static.remove_others([f"{url}index.html" for url in kept] if kept else None)
        write_sums(kept_pages, page_prints)
        prints.save()
        save_template_facts(cache.template_facts)
        card_store.save()
        cards.release()
        platform.return_free_memory()
        stage.summary = (
            f"{len(sources)} pages, {len(raw.where)} rendered; "
            f"{len(page_prints)} paper pages, {papers} rendered"
        )
    return sources, cards.paper_print


def _write_feeds_and_bibliographies(
    site: SiteBuild, cache: BuildCache, paper_print: Callable[[Paper], str], progress: Progress
) -> list[Feed]:
    with progress.stage("feeds") as stage:
        plan = site.plan
        writer = FeedWriter(
            plan.catalog,
            plan.site,
            dict(plan.anchors),
            site.language,
            site.config.feed_id_authority,
            site.config.feed_time_zone,
        )
        feeds = writer.feeds(
            site.config.feed_days, site.config.feed_max_items, site.plan.recommended
        )
        count = 0
        budget = site.config.feed_max_kb * 1000
        for feed in feeds:
            site.docs.write(feed.rss_path, writer.fitted(feed, writer.rss, budget))
            site.docs.write(feed.atom_path, writer.fitted(feed, writer.atom, budget))
            count += 2
        # Every kind's feed is written, an empty one too (the Feeds page lists those with
        # periods).
        named = {
            e.kind: e
            for e in feed_directory(
                plan.catalog, plan.site, bool(plan.recommended), list(plan.rollups)
            )
        }
        status = named["status"]
        site.docs.write(
            status.rss, status_rss(list(plan.statuses), status, plan.site, site.language)
        )
        latest = plan.days[0] if plan.days else None
        for kind, periods in plan.rollups.items():
            entry = named[kind]
            site.docs.write(
                entry.rss,
                rollup_rss(periods, entry, plan.site, site.language, latest, writer.paper_link),
            )
        directory = plan.feed_directory()
        site.docs.write(FEEDS_OPML, opml(directory, f"{plan.site.name}: every feed", plan.site))
        topics = [entry for entry in directory if entry.group in ("topic", "watch")]
        site.docs.write(TOPICS_OPML, opml(topics, f"{plan.site.name}: topic feeds", plan.site))
        bibliographies = [(paths.day_bib(day), plan.catalog.on_day(day)) for day in plan.days]
        bibliographies += [
            (paths.topic_bib(topic.slug), plan.catalog.in_topic(topic.slug))
            for topic in plan.catalog.topics
        ]
        kept_bibs = _write_bibliographies(site, cache, bibliographies, paper_print)
        count += 1 + len(plan.rollups) + len(bibliographies)
        count += _write_browser_copies(site)
        copy_mathjax(site.docs)
        site.docs.remove_others()
        stage.summary = f"{count} files, {kept_bibs} of {len(bibliographies)} .bib unchanged"
        plan.citations.release()  # 40 MB at 30,000 papers
        platform.return_free_memory()
    return feeds


def _write_bibliographies(
    site: SiteBuild,
    cache: BuildCache,
    bibliographies: list[tuple[str, list[Paper]]],
    paper_print: Callable[[Paper], str],
) -> int:
    """Each day's and topic's .bib; one whose papers' prints are those of the .bib the
    last build wrote is left as it is, its entries not even made (0.7 s on the archive).
    How many were left."""
    kept = cache.bibliography_prints()
    entries = cache.bib_entries()
    citations = site.plan.citations
    left = 0
    for relative, papers in bibliographies:
        key = bibliography_key([paper_print(p) for p in papers])
        if kept.unchanged(relative, key) and site.docs.keep(relative):
            left += 1
        else:
            text = "\n".join(
                entries.entry(p, paper_print(p), partial(citations.entry, p)) for p in papers
            )
            site.docs.write(relative, text.encode("utf-8"))
        kept.put(relative, key)
    entries.save(site.plan.catalog.papers, paper_print)
    kept.save()
    return left


def _write_browser_copies(site: SiteBuild) -> int:
    """Each e-mail ``digest send`` sent or is about to send, as a page of the site (the
    message's "View in a browser" link)."""
    plan = site.plan
    writer = MessageWriter(
        plan.catalog,
        plan.recommended,
        plan.site.name,
        plan.site.url,
        dict(plan.anchors),
        list(plan.rollups["week"]),
    )
    copies = browser_copies(site.config.send, plan.catalog, writer, site.config.listings)
    for message in copies:
        site.docs.write(paths.email_page(message.label), browser_copy(message))
    return len(copies)


def _run_mkdocs(
    site: SiteBuild,
    pages: PageCache,
    sources: dict[str, str],
    raw: RawStore,
    compiled: jinja2.BytecodeCache | None,
    progress: Progress,
) -> set[str]:
    """Render the site into ``site.staged``; the files it put there, relative to it."""
    with progress.stage("MkDocs") as stage:
        latest = site.plan.days[0] if site.plan.days else None
        pages.plan(sources)
        static = site.static.files()
        expected = run_mkdocs(site.mkdocs, site.nav, latest, raw, pages, static, compiled)
        pages.keep(site.staged)
        stage.summary = f"{len(pages.reusable)} of {len(sources)} pages unchanged"
    return expected
