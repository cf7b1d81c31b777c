"""The ``digest`` command. It only adapts arguments and turns failures into messages."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from digest import __version__, collector
from digest.new import PLACEHOLDER_SITE_URL
from digest.problems import DigestError, os_error_message


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; use YYYY-MM-DD") from err


# What --date means, command by command.
LISTING_DATE = "the listing date (YYYY-MM-DD) of listings whose file name has none"
DATE_HELP = {
    "fetch": "the day to fetch (YYYY-MM-DD; default: the last fetch.days days)",
    "pick": "the day of the pick (YYYY-MM-DD; default: today), its date in picks.xml",
    "note": "the day of the note (YYYY-MM-DD; default: today): moves the feeds' <updated>",
    "dislike": "not used: a dislike is not dated",
}


def _common_options(
    parser: argparse.ArgumentParser, default: object, date_help: str = LISTING_DATE
) -> None:
    """The options every command takes, before the command (``digest -C DIR check``) or
    after it. After it they are ``argparse.SUPPRESS``ed unless given, so they never
    overwrite what was given before the command."""
    parser.add_argument(
        "-C",
        "--dir",
        type=Path,
        default=Path(".") if default is None else default,
        help="the digest folder (default: current)",
    )
    noise = parser.add_mutually_exclusive_group()
    flag = False if default is None else default
    noise.add_argument("-q", "--quiet", action="store_true", default=flag, help="print only errors")
    noise.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=flag,
        help="print every stage and MkDocs' messages",
    )
    parser.add_argument(
        "--strict", action="store_true", default=flag, help="treat warnings as errors"
    )
    parser.add_argument(
        "--date",
        type=_date,
        default=None if default is None else default,
        help=date_help,
    )


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    _common_options(common, argparse.SUPPRESS)
    # The same options, with --date said as the command means it.
    dated = {}
    for name, help_text in DATE_HELP.items():
        dated[name] = argparse.ArgumentParser(add_help=False)
        _common_options(dated[name], argparse.SUPPRESS, help_text)

    parser = argparse.ArgumentParser(
        prog="digest", description="Build a research-paper digest site."
    )
    parser.add_argument("--version", action="version", version=f"paper-digest {__version__}")
    _common_options(parser, None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_command = commands.add_parser(
        "build",
        parents=[common],
        help="read listings, write the site to site/ with feeds and search",
    )
    build_command.add_argument(
        "--fresh",
        action="store_true",
        help="ignore everything earlier builds kept in .digest/ and build from scratch",
    )
    serve = commands.add_parser(
        "serve", parents=[common], help="build, then serve site/ on localhost"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument(
        "--bind",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0: every network)",
    )
    serve.add_argument("--no-build", action="store_true", help="serve the existing site/ as it is")
    commands.add_parser(
        "check",
        parents=[common],
        help="read every listing and report its format, papers and problems",
    )
    fetch_command = commands.add_parser(
        "fetch",
        parents=[dated["fetch"]],
        help="download the latest listings (Hugging Face, arXiv, bioRxiv/medRxiv, OpenReview) into listings/",
    )
    fetch_command.add_argument(
        "--from", dest="start", type=_date, help="first day of a range to fetch (YYYY-MM-DD)"
    )
    fetch_command.add_argument(
        "--to", dest="end", type=_date, help="last day of a range to fetch (YYYY-MM-DD)"
    )
    fetch_command.add_argument(
        "--source",
        choices=["huggingface", "arxiv", "biorxiv", "openreview"],
        action="append",
        help="fetch only this source (repeatable)",
    )
    pick = commands.add_parser(
        "pick",
        parents=[dated["pick"]],
        help="make a paper the editor's pick of the day (or --week), dated, in curation.yml",
    )
    pick.add_argument("paper", help="the paper's arXiv id, or its exact title")
    pick.add_argument("--week", action="store_true", help="pick of the week, not of the day")
    note = commands.add_parser(
        "note",
        parents=[dated["note"]],
        help="set the editor's note on a paper, dated, in curation.yml",
    )
    note.add_argument("paper", help="the paper's arXiv id, or its exact title")
    note.add_argument("text", help="the note (Markdown)")
    summarize_command = commands.add_parser(
        "summarize",
        parents=[common],
        help="ask the model of summaries: in digest.yml for a one-sentence gist of each shown paper that has none, stored in listings/.summaries/",
    )
    summarize_command.add_argument(
        "--dry-run",
        action="store_true",
        help="list the papers that would be asked, and the tokens, and ask nothing",
    )
    send_command = commands.add_parser(
        "send",
        parents=[common],
        help="send the newest settled day (and the newest ended week with weekly: true), once, by e-mail and to the chats named under send: in digest.yml",
    )
    send_command.add_argument(
        "--dry-run",
        type=Path,
        metavar="DIR",
        help="write the messages (an .eml, the chat payloads) into DIR and send nothing",
    )
    dislike = commands.add_parser(
        "dislike",
        parents=[dated["dislike"]],
        help="mark a paper as not for the group in curation.yml: never recommended, and papers like it rank lower",
    )
    dislike.add_argument("paper", help="the paper's arXiv id, or its exact title")
    snapshot = commands.add_parser(
        "import-snapshot",
        parents=[common],
        help="file the papers of fetch.arxiv_categories from the arXiv metadata snapshot by day",
    )
    snapshot.add_argument(
        "snapshot", type=Path, help="arxiv-metadata-oai-snapshot.json (Cornell/Kaggle)"
    )
    snapshot.add_argument(
        "--from", dest="start", type=_date, help="first announcement day to take (YYYY-MM-DD)"
    )
    snapshot.add_argument(
        "--to", dest="end", type=_date, help="last announcement day to take (YYYY-MM-DD)"
    )
    new = commands.add_parser("new", help="start a new digest in DIR that builds at once")
    new.add_argument(
        "target", metavar="DIR", type=Path, help="the folder to create (must not hold a digest)"
    )
    new.add_argument(
        "--title", default="Paper Digest", help="the site's name (default: Paper Digest)"
    )
    new.add_argument(
        "--site-url",
        default=PLACEHOLDER_SITE_URL,
        help="where the site will live, e.g. https://owner.github.io/repo/",
    )
    deploy_command = commands.add_parser(
        "deploy", parents=[common], help="commit site/ to the gh-pages branch and push it"
    )
    deploy_command.add_argument(
        "--remote", default="origin", help="git remote to push to (default: origin)"
    )
    deploy_command.add_argument(
        "--branch", default="gh-pages", help="branch to publish (default: gh-pages)"
    )
    deploy_command.add_argument(
        "--no-push", action="store_true", help="commit to the branch, do not push"
    )
    topics = commands.add_parser(
        "topics",
        parents=[common],
        help="explain a paper's topics, or diff topic rules over the archive",
    )
    what = topics.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--explain",
        metavar="PAPER",
        help="an arXiv id or exact title: why it is or is not in each topic",
    )
    what.add_argument(
        "--diff",
        metavar="RULES",
        nargs="?",
        const="",
        help="papers each topic gains and loses: the last build's rules (or a RULES file) against digest.yml",
    )
    topics.add_argument(
        "--all", action="store_true", help="with --diff, list every paper, not the first 10"
    )
    rank = commands.add_parser(
        "rank",
        parents=[common],
        help="rank a day's papers by relevance to the library, or explain one paper's score",
    )
    which = rank.add_mutually_exclusive_group()
    which.add_argument(
        "--day",
        type=_date,
        metavar="DATE",
        help="list the day's papers, best first (default: the latest listed day)",
    )
    which.add_argument(
        "--explain",
        metavar="PAPER",
        help="an arXiv id or exact title: its score, closest library papers and terms",
    )
    rank.add_argument("--json", action="store_true", help="print JSON, for other tools")
    # Each command's own --help opens with what it does (its line in digest --help).
    for action in commands._choices_actions:
        command = commands.choices[action.dest]
        if command.description is None and action.help:
            command.description = action.help[0].upper() + action.help[1:] + "."
    return parser


def _setup_logging(quiet: bool, verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(name)s: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("digest").setLevel(
        logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    )
    logging.getLogger("mkdocs").setLevel(
        logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _setup_logging(getattr(args, "quiet", False), getattr(args, "verbose", False))
    try:
        # Loaded once a command is chosen: --version and --help stay instant, and a build
        # with nothing to do answers before the build's modules are loaded (so `build`
        # is not in HANDLERS, which imports them all).
        if args.command == "build":
            from digest.build_command import run_build

            return run_build(args)
        from digest.commands import HANDLERS

        if args.command == "serve":  # builds again and again: each build pauses its own
            return HANDLERS[args.command](args)
        # One pass over the digest's data, as a build's first stages (``collector``).
        with collector.paused():
            return HANDLERS[args.command](args)
    except DigestError as err:
        print(f"digest: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"digest: {os_error_message(err)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("digest: interrupted; site/ was left as it was", file=sys.stderr)
        return 130
    finally:
        collector.thawed()
