"""What each ``digest`` command does, from its parsed arguments (``cli`` parses them).

Imported only once a command is chosen: ``digest --version`` and ``--help`` never load
MkDocs, scikit-learn or the build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import functools
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from digest.as_built import read_as_built, sift_catalog
from digest.build import WORK_DIR, catalog_of, read_everything
from digest.build_command import run_build
from digest.build_report import print_problems
from digest.catalog.curation_edit import set_fields
from digest.catalog.merge import group_sightings, merge
from digest.catalog.rank_query import RankQuery
from digest.catalog.relevance import CLOSEST, usable_items
from digest.catalog.rules import SAVED_RULES, diff_rules, explain_on_site, find_paper, load_rules
from digest.catalog.summarize import request_body, summarize
from digest.config import DigestConfig, load_config
from digest.incremental.cache import BuildCache
from digest.ingest.fetch import fetch
from digest.ingest.snapshot_import import import_snapshot
from digest.ingest.summaries import FOLDER
from digest.ingest.watch import watched_inputs
from digest.model import Paper
from digest.new import scaffold
from digest.problems import DigestError, counted
from digest.publish.day_message import MessageWriter
from digest.publish.deploy import deploy
from digest.publish.mkdocs_run import load_mkdocs_config, site_info_from
from digest.publish.send import send


def _check(args: argparse.Namespace) -> int:
    outcome = read_everything(args.dir, args.date)
    catalog = catalog_of(outcome)  # reports curation entries that match no paper
    sifted = None
    if (
        outcome.config.filters.active or outcome.config.archive.years
    ) and not outcome.problems.errors:
        # Reading the last build's memory is harmless; nothing is written.
        memory = BuildCache(args.dir).ranking_memory().load()
        sifted = sift_catalog(outcome, catalog, memory)
    if not args.quiet:
        for listing in outcome.listings:
            said = counted(listing.unique, "paper")
            if listing.unique != listing.read:  # daily-arXiv's JSON Lines repeat papers
                said = f"{counted(listing.read, 'entry', 'entries')}, {said}"
            print(f"{listing.display}: {listing.format or 'unreadable'}, {said}")
    print_problems(outcome.problems, args.quiet)
    if not args.quiet:
        print(outcome.totals())
        if outcome.config.library:
            files = len({item.place.split(": ", 1)[0] for item in outcome.library})
            usable = len(usable_items(outcome.library, catalog))
            print(
                f"library: {counted(len(outcome.library), 'paper')} from {counted(files, 'file')}, "
                f"{usable} usable (the others have no abstract and are not in the listings)"
            )
        if sifted is not None:
            print(sifted.left_out_line())
    failed = outcome.problems.errors or (args.strict and outcome.problems.warnings)
    return 1 if failed else 0


def _summarize(args: argparse.Namespace) -> int:
    built = read_as_built(args.dir, args.date)
    outcome = built.outcome
    if outcome.problems.errors:
        print_problems(outcome.problems, args.quiet)
        return 1
    config = outcome.config.summaries
    if not config.enabled:
        print(
            "digest: no model to ask; name one in digest.yml, e.g. summaries: {base_url: "
            "https://api.openai.com/v1, model: gpt-4o-mini} (see README, Summaries)",
            file=sys.stderr,
        )
        return 1
    shown = built.sifted.catalog
    show = not args.quiet and sys.stderr.isatty()
    report = summarize(
        shown,
        config,
        outcome.config.listings,
        dry_run=args.dry_run,
        progress=(lambda line: print(f"\r{line[:70]:<70}", end="", file=sys.stderr))
        if show
        else None,
    )
    if show:
        print(file=sys.stderr)
    by_key = {paper.key: paper for paper in shown.papers}
    if args.dry_run:
        tokens = sum(
            (len(str(request_body(by_key[key], config)["messages"])) // 4) + 60
            for key in report.asked
        )
        for key in report.asked:
            print(f"{by_key[key].arxiv_id or key}  {by_key[key].title}")
        print(
            f"would ask {config.model} about {counted(len(report.asked), 'paper')} "
            f"(about {tokens:,} tokens in and out)"
            + (
                f"; {counted(report.waiting, 'more paper')} wait for the next runs"
                if report.waiting
                else ""
            )
        )
        return 0
    for key, why in report.refused:
        print(
            f"{by_key[key].arxiv_id or by_key[key].title}: refused {why}; it keeps its fallback gist",
            file=sys.stderr,
        )
    for key, why in report.failed:
        print(
            f"{by_key[key].arxiv_id or by_key[key].title}: {why}; asked again next run",
            file=sys.stderr,
        )
    if not args.quiet:
        print(
            f"{counted(report.stored, 'gist')} stored in listings/{FOLDER}/ from "
            f"{counted(len(report.asked), 'request')} to {config.model}"
            + (
                f"; {counted(report.waiting, 'paper')} left for the next runs"
                if report.waiting
                else ""
            )
        )
    return 1 if report.failed and not report.stored else 0


def _send(args: argparse.Namespace) -> int:
    built = read_as_built(args.dir, None)
    if built.outcome.problems.errors:
        print_problems(built.outcome.problems, args.quiet)
        return 1
    config = built.outcome.config
    sifted = built.sifted
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "docs").mkdir()
        info = site_info_from(
            load_mkdocs_config(config.mkdocs, Path(scratch) / "docs", Path(scratch) / "site", False)
        )

    writer = MessageWriter(sifted.catalog, sifted.recommended, info["name"], info["url"])
    reports = send(
        config.send, sifted.catalog, writer, config.listings, os.environ, preview=args.dry_run
    )
    for report in reports:
        if report.skipped:
            print(f"digest: nothing sent: {report.skipped}")
            continue
        for path, size in report.previews:
            print(f"{path}: {size / 1024:.1f} KB")
        for channel, why in report.failed:
            print(
                f"digest: {report.label} to {channel}: {why}; not sent, the next run tries again",
                file=sys.stderr,
            )
        if not args.quiet and not report.previews:
            said = [f"sent to {', '.join(report.sent)}"] if report.sent else []
            said += [f"already sent to {', '.join(report.already)}"] if report.already else []
            print(f"{report.label}: {'; '.join(said) or 'sent nowhere'}")
    return 1 if any(report.failed for report in reports) else 0


def _rebuild(args: argparse.Namespace) -> None:
    """A rebuild while serving: its problems are printed, and serving goes on."""
    run_build(args)


def _serve(args: argparse.Namespace) -> int:
    """Build, serve the site, and rebuild (incrementally) when an input changes; the
    page in the browser reloads itself (MkDocs' livereload server)."""
    if not args.no_build and run_build(args) != 0:
        return 1
    config, _ = load_config(args.dir)
    site = config.site_dir
    if not site.is_dir():
        print(f"digest: {site} does not exist; run digest build first", file=sys.stderr)
        return 1
    server = LiveReloadServer(
        builder=functools.partial(_rebuild, args),
        host=args.bind,
        port=args.port,
        root=str(site),
    )
    shown = "localhost" if args.bind in ("127.0.0.1", "::1") else args.bind
    print(f"Serving {site} at http://{shown}:{args.port}/ (Ctrl+C to stop)", flush=True)
    if not args.no_build:
        for path in watched_inputs(config):
            server.watch(str(path))
    try:
        server.serve()
    except OSError as err:
        if err.errno != errno.EADDRINUSE:
            raise
        print(
            f"digest: port {args.port} is in use (another digest serve?); "
            f"choose another with --port {args.port + 1}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def _config(args: argparse.Namespace) -> DigestConfig | None:
    """digest.yml with its problems printed; None when an error makes it unusable."""
    config, problems = load_config(args.dir)
    print_problems(problems, args.quiet)
    return None if problems.errors else config


def _fetch(args: argparse.Namespace) -> int:
    config = _config(args)
    if config is None:
        return 1
    if args.source and "arxiv" in args.source and not config.fetch.arxiv_categories:
        print(
            "digest: --source arxiv, but fetch.arxiv_categories in digest.yml names no "
            "category; add some, e.g. arxiv_categories: [cs.LG, cs.CL]",
            file=sys.stderr,
        )
        return 1
    start = args.start or args.date
    end = args.end or args.date
    # The clock decides which days are due; it never reaches the site.
    today = dt.datetime.now(dt.UTC).date()
    # On a terminal, a fetch says what it is doing: offline, retries wait for minutes.
    live = not args.quiet and sys.stderr.isatty()

    def tell(line: str) -> None:
        print(f"digest: {line}", file=sys.stderr, flush=True)

    def waiting(seconds: float) -> None:
        tell(f"waiting {seconds:.0f} s (a retry, or a pause the source asks for)")
        time.sleep(seconds)

    report = fetch(
        config,
        today=today,
        start=start,
        end=end,
        sources=set(args.source) if args.source else None,
        backfill=args.start is not None or args.end is not None,  # --from/--to: OAI-PMH
        sleep=waiting if live else time.sleep,
        tell=tell if live else None,
    )
    if not args.quiet:
        for source, why in report.skipped:
            print(f"{source}: skipped, {why}")
    for outcome in report.outcomes:
        day = outcome.day.isoformat() if outcome.day else "?"
        if outcome.result == "failed":
            print(f"{outcome.source} {day}: FAILED: {outcome.error}", file=sys.stderr)
        elif not args.quiet:
            where = f" -> {outcome.path.relative_to(config.root)}" if outcome.path else ""
            count = f", {outcome.papers} papers" if outcome.papers else ""
            print(f"{outcome.source} {day}: {outcome.result}{count}{where}")
    if report.failed:
        names = ", ".join(f"{o.source} {o.day}" for o in report.failed)
        print(
            f"digest: {len(report.failed)} of {len(report.outcomes)} fetches failed: {names}",
            file=sys.stderr,
        )
        return 1
    return 0


def _curate(args: argparse.Namespace, fields: dict[str, object]) -> int:
    config = _config(args)
    if config is None:
        return 1
    # The paper is found first, as --explain finds it (the last build's readings make it
    # quick): a typo, or an id that is not listed, is refused here rather than written as
    # a key that matches nothing and fails the next strict check of the daily run.
    built = read_as_built(args.dir, None)
    outcome = built.outcome
    papers = list(built.catalog.papers)
    paper = find_paper(papers, args.paper)
    # The entry the file already has for the paper (by its id or its title), else a new
    # one under its arXiv id (or exact title).
    key = next(
        (c.key for c in outcome.curations if _names(papers, c.key) is paper),
        paper.arxiv_id or paper.title,
    )
    slugs = {t.slug for t in (*config.topics, *config.watches, config.catch_all)}
    entry = set_fields(config.root, key, fields, slugs)
    if not args.quiet:
        said = ", ".join(f"{name}: {getattr(entry, name)}" for name in fields)
        print(f"curation.yml: {entry.key}: {said}")
    return 0


def _names(papers: list[Paper], key: str) -> Paper | None:
    try:
        return find_paper(papers, key)
    except DigestError:
        return None


def _pick(args: argparse.Namespace) -> int:
    # The clock is read here, by the curator's command, and written into the file:
    # builds read the date from curation.yml and stay a function of their inputs.
    when = args.date or dt.datetime.now(dt.UTC).date()  # --date D: another day
    return _curate(args, {"pick": "week" if args.week else "day", "picked": when.isoformat()})


def _note(args: argparse.Namespace) -> int:
    if not args.text.strip():
        raise DigestError(
            "an empty note says nothing; give the note's text in quotes (to take a note "
            "away, delete its note: line from curation.yml)"
        )
    when = args.date or dt.datetime.now(dt.UTC).date()
    return _curate(args, {"note": args.text, "edited": when.isoformat()})


def _dislike(args: argparse.Namespace) -> int:
    return _curate(args, {"dislike": True})


def _import_snapshot(args: argparse.Namespace) -> int:
    config = _config(args)
    if config is None:
        return 1
    if not args.snapshot.is_file():
        print(
            f"digest: {args.snapshot}: no such file; give the path of arxiv-metadata-oai-snapshot.json",
            file=sys.stderr,
        )
        return 1
    report = import_snapshot(
        args.snapshot, config.listings, config.fetch.arxiv_categories, args.start, args.end
    )
    for line in report.damaged[:10]:
        print(
            f"{args.snapshot}: line {line}: not a paper the import can read (damaged JSON or no versions); skipped",
            file=sys.stderr,
        )
    for day, reason in sorted(report.refused.items()):
        print(
            f"listings/arxiv-snapshot/{day.isoformat()}.jsonl: not written, the build could not read it: {reason}",
            file=sys.stderr,
        )
    if not args.quiet:
        changed = sum(1 for result in report.days.values() if result != "unchanged")
        print(
            f"{report.taken} papers of {', '.join(config.fetch.arxiv_categories)} from {report.lines} lines, "
            f"on {len(report.days)} days ({changed} written, the others unchanged) in listings/arxiv-snapshot/"
        )
    return 1 if report.refused or (report.damaged and args.strict) else 0


def _new(args: argparse.Namespace) -> int:
    written = scaffold(args.target, args.title, args.site_url)
    print(f"Created a digest in {args.target} ({len(written)} files). Next:")
    print(f"  cd {args.target} && digest build    # then digest serve to preview")
    print(
        "  set site_url in mkdocs.yml, push to GitHub, and choose Settings > Pages > GitHub Actions"
    )
    return 0


def _deploy(args: argparse.Namespace) -> int:
    config = _config(args)
    if config is None:
        return 1
    deploy(
        config.root,
        config.site_dir,
        args.remote,
        args.branch,
        "Deploy the digest with paper-digest",
        push=not args.no_push,
    )
    if not args.quiet:
        where = (
            f"{args.remote}/{args.branch}"
            if not args.no_push
            else f"the local {args.branch} branch (not pushed: --no-push)"
        )
        print(f"Deployed {config.site_dir} to {where}")
    return 0


def _topics(args: argparse.Namespace) -> int:
    outcome = read_everything(args.dir, args.date)
    if outcome.problems.errors:
        print_problems(outcome.problems, args.quiet)
        return 1
    config = outcome.config
    papers = [merge(group) for group in group_sightings(outcome.papers)]
    if args.explain is not None:
        paper = find_paper(papers, args.explain)
        curated = {p.key: p for p in catalog_of(outcome).papers}.get(paper.key)
        print(f"{paper.title} ({paper.arxiv_id or 'no arXiv id'})")
        for line in explain_on_site(paper, curated, config):
            print(f"  {line}")
        return 0
    before_path = Path(args.diff) if args.diff else config.root / WORK_DIR / SAVED_RULES
    before = load_rules(before_path)
    changes = diff_rules(papers, before, (config.topics, config.catch_all))
    if not changes:
        print(
            f"No paper changes topic: digest.yml files {len(papers)} papers as {before_path.name} does."
        )
        return 0
    for slug, (gained, lost) in changes.items():
        print(f"{slug}: +{len(gained)} -{len(lost)}")
        for sign, group in (("+", gained), ("-", lost)):
            shown = group if args.all else group[:10]
            for paper in shown:
                print(f"  {sign} {paper.arxiv_id or '(no id)'}  {paper.title}")
            if len(group) > len(shown):
                print(f"  {sign} ... and {len(group) - len(shown)} more (--all lists them)")
    return 0


def _rank(args: argparse.Namespace) -> int:
    built = read_as_built(args.dir, args.date)
    print_problems(built.outcome.problems, args.quiet)
    if built.outcome.problems.errors:
        return 1
    config = built.outcome.config
    # The last build's memory holds the ranking of what it showed; with filters, this
    # ranks every paper read, so it is worked out afresh.
    memory = built.ranking_memory() if not config.filters.active else None
    query = RankQuery(built.catalog, built.outcome.library, config.ranking, memory)
    if args.explain is not None:
        paper, reason = query.explain(args.explain)
        if args.json:
            print(json.dumps(query.as_json(paper, reason), ensure_ascii=False, indent=1))
            return 0
        print(f"{paper.title} ({query.name(paper)})")
        closeness = "close enough" if query.close_enough(reason) else "not close enough"
        print(
            f"  score {reason.score:.4f} for the interest {reason.interest or '?'}: {closeness} "
            f"to recommend (ranking.min_score {query.threshold:g}; the mean similarity to its "
            "nearest library papers and to the interest as a whole)"
        )
        print(f"  closest of the library ({CLOSEST} at most):")
        for near in reason.closest:
            print(f"  {near.similarity:.4f}  {near.title}  [{near.place}]")
        print(f"  terms: {', '.join(reason.terms) or 'none in common'}")
        return 0
    ranked = query.day(args.day)
    if args.json:
        rows = [query.as_json(p, query.ranker.explain(p)) for _, p in ranked]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for score, paper in ranked:
        print(f"{score:.4f}  {query.name(paper)}  {paper.title}")
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "serve": _serve,
    "check": _check,
    "fetch": _fetch,
    "import-snapshot": _import_snapshot,
    "pick": _pick,
    "note": _note,
    "dislike": _dislike,
    "new": _new,
    "deploy": _deploy,
    "topics": _topics,
    "rank": _rank,
    "summarize": _summarize,
    "send": _send,
}
