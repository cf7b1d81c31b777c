"""The digest's own configuration, ``digest.yml``: where listings are, topics, feeds.

Site identity (name, URL, description) lives in ``mkdocs.yml``, which the theme reads
too; keeping it in one file means the feeds and the pages can never disagree about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from digest import user_yaml
from digest.archive_config import ARCHIVE, ArchiveConfig, parse_archive
from digest.guard import check_inside, check_site_dir
from digest.model import TERM_FIELDS
from digest.options import (
    Kind,
    Option,
    Section,
    Wrong,
    field_names,
    flag,
    http_url,
    kind,
    optional,
    phrases,
    seconds,
    whole,
)
from digest.problems import DigestError, Problems
from digest.ranking_config import (
    FILTERS,
    RANKING,
    FilterConfig,
    RankingConfig,
    parse_filters,
    parse_ranking,
)
from digest.send_config import EMAIL, SEND, SendConfig, parse_send
from digest.summaries_config import SUMMARIES, SummariesConfig, parse_summaries

CONFIG_NAME = "digest.yml"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# tag: URI authorities (RFC 4151): a domain name or an e-mail address, then a year.
_AUTHORITY = re.compile(
    r"^(?:[A-Za-z0-9._%+-]+@)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    description: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fields: tuple[str, ...] = ("title", "abstract")
    # A watch list: followed authors or keywords, with a page and a feed like a topic,
    # but never the reason a paper leaves the catch-all topic.
    watch: bool = False


@dataclass(frozen=True)
class FetchConfig:
    """What ``digest fetch`` downloads, from where, and how politely."""

    huggingface: bool = True
    arxiv_categories: tuple[str, ...] = ()
    days: int = 3
    huggingface_url: str = "https://huggingface.co"
    arxiv_rss_url: str = "https://rss.arxiv.org"
    # arXiv's OAI-PMH interface, for fetching missed days (digest fetch --from/--to).
    arxiv_oai_url: str = "https://oaipmh.arxiv.org/oai"
    # bioRxiv / medRxiv: which servers, and (optionally) which of their categories.
    biorxiv_servers: tuple[str, ...] = ()
    biorxiv_categories: tuple[str, ...] = ()
    biorxiv_url: str = "https://api.biorxiv.org"
    # OpenReview venues (API v2 venue ids, e.g. ICLR.cc/2025/Conference).
    openreview_venues: tuple[str, ...] = ()
    openreview_url: str = "https://api2.openreview.net"
    timeout: float = 30.0
    attempts: int = 4
    backoff: float = 2.0
    arxiv_delay: float = 3.0
    deadline: float = 300.0  # seconds one answer may take to arrive whole
    run_deadline: float = 1800.0  # seconds the whole run may take, retries included
    max_answer_mb: int = 32  # the build refuses a listing over 32 MB


@dataclass(frozen=True)
class DigestConfig:
    root: Path
    listings: Path
    templates: Path
    content: Path
    mkdocs: Path
    site_dir: Path
    topics: tuple[Topic, ...]
    catch_all: Topic
    feed_days: int = 7
    # A feed carries the papers of the last ``feed_days`` days, at most this many: a day
    # of 700 arXiv papers must not make a 7 MB feed.
    feed_max_items: int = 500
    # ... and at most this many kilobytes: the oldest items go first. Feed readers and
    # the services that poll for them (Feedly, Inoreader) refuse or cut large feeds.
    feed_max_kb: int = 500
    # Who mints the feeds' Atom ids (``tag:<authority>,<year>:<paper>``): fixed here, the
    # ids survive a change of site_url. None: the host of site_url (as before).
    feed_id_authority: str | None = None
    # Where a day of a source other than arXiv begins for feed dates (arXiv items are
    # dated at its announcement, 20:00 US Eastern): items are dated at 02:00 there.
    feed_time_zone: str = "UTC"
    watches: tuple[Topic, ...] = ()
    fetch: FetchConfig = FetchConfig()
    # Folders outside the digest that inputs (configured folders, symlink targets) may
    # come from; nothing else outside the digest folder is ever read.
    allow_outside: tuple[Path, ...] = ()
    # Files or folders of papers the group cares about (Zotero exports, lists of ids):
    # what each day is ranked against.
    library: tuple[Path, ...] = ()
    # Each day's Recommended section and each card's related papers (``ranking:``).
    ranking: RankingConfig = field(default_factory=RankingConfig)
    # What a high-volume digest leaves out (``filters:``, ``catalog.sift``).
    filters: FilterConfig = field(default_factory=FilterConfig)
    # Which model writes the papers' gists (``summaries:``, ``digest summarize``).
    summaries: SummariesConfig = field(default_factory=SummariesConfig)
    # Where digest send delivers each settled day (``send:``).
    send: SendConfig = field(default_factory=SendConfig)
    # How many years the site holds (``archive:``).
    archive: ArchiveConfig = field(default_factory=ArchiveConfig)

    @property
    def all_topics(self) -> tuple[Topic, ...]:
        return (*self.topics, self.catch_all, *self.watches)


_WORDS = phrases("a list of words or phrases, e.g. [diffusion, LLM]")
_PATHS = phrases(f"a list of paths relative to {CONFIG_NAME}, e.g. [library]")


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise Wrong(
            f"slug {value!r} must be lowercase letters, digits and hyphens, e.g. 'language-models'"
        )
    return value


def _title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Wrong("a topic needs a title, e.g. title: Language models")
    return value.strip()


_IDENTITY = (
    Option(
        "slug",
        Kind("lowercase letters, digits and hyphens", _slug),
        "the name of its page and feed",
        ("topics",),
        "language-models",
        required=True,
    ),
    Option(
        "title",
        Kind("text", _title),
        "the name readers see",
        ("pages",),
        "Language models",
        required=True,
    ),
    Option(
        "description",
        kind("one line of text", lambda v: isinstance(v, str), lambda v: " ".join(v.split())),
        "a line under the title",
        ("pages",),
        "Pretraining, scaling and evaluation",
        default="",
    ),
)
_FIELD_LIST = field_names(
    TERM_FIELDS, "a list of words or phrases, e.g. [diffusion, LLM]", ("title", "abstract")
)
TOPIC = Section(
    "topics[]",
    "{slug: ..., title: ..., include: [...]}",
    (
        *_IDENTITY,
        Option(
            "include",
            _WORDS,
            "terms a paper matches to be on the topic (field:term, /regex/)",
            ("topics",),
            ["LLM", "title:language model"],
            default=(),
        ),
        Option(
            "exclude", _WORDS, "terms that keep a paper off it", ("topics",), ["survey"], default=()
        ),
        Option(
            "fields",
            _FIELD_LIST,
            "where bare terms look",
            ("topics",),
            ["title"],
            default=("title", "abstract"),
        ),
    ),
)
WATCH = Section(
    "watch[]",
    "{slug: ..., title: ..., authors: [...]}",
    (
        *_IDENTITY,
        Option("authors", _WORDS, "authors followed", ("topics",), ["Yann LeCun"], default=()),
        Option("keywords", _WORDS, "keywords followed", ("topics",), ["world model"], default=()),
    ),
)


def _topic(raw: Any, where: str, problems: Problems, file: str, *, catch_all: bool) -> Topic | None:
    if not isinstance(raw, dict):
        problems.error(file, where, "must be a mapping with slug, title, description")
        return None
    values, wrong = TOPIC.read(raw, problems, file, where)
    if wrong & {"slug", "title"}:
        return None
    if not catch_all and not values["include"] and "include" not in wrong:
        problems.error(file, f"{where}.include", "a topic needs at least one include term")
    if catch_all and (values["include"] or values["exclude"]):
        problems.warn(
            file, where, "the catch-all topic takes papers no rule matched; its terms are ignored"
        )
    for term in (*values["include"], *values["exclude"]):
        head, sep, rest = term.partition(":")
        if (
            sep
            and head.strip().lower() not in TERM_FIELDS
            and " " not in head
            and head.isalpha()
            and rest
            and not rest.startswith("/")
        ):
            problems.warn(
                file,
                where,
                f"term '{term}' names no field ({', '.join(TERM_FIELDS)}); it is matched as written",
            )
    return Topic(**values)


def parse_topics(
    raw: dict[str, Any], file: str, problems: Problems
) -> tuple[tuple[Topic, ...], Topic]:
    """The ``topics:`` and ``catch_all:`` of a digest.yml (or of a rules file to compare)."""
    topics: list[Topic] = []
    raw_topics = raw.get("topics") or []
    if not isinstance(raw_topics, list):
        problems.error(file, "topics", "must be a list of topics")
        raw_topics = []
    for index, entry in enumerate(raw_topics):
        topic = _topic(entry, f"topics[{index}]", problems, file, catch_all=False)
        if topic is not None:
            topics.append(topic)
    default = {"slug": "other", "title": "Other", "description": "Papers no topic rule matched."}
    catch_all = _topic(raw.get("catch_all") or default, "catch_all", problems, file, catch_all=True)
    catch_all = catch_all or Topic("other", "Other", "Papers no topic rule matched.")
    seen: set[str] = set()
    for topic in (*topics, catch_all):
        if topic.slug in seen:
            problems.error(
                file,
                "topics",
                f"slug '{topic.slug}' is used twice; slugs name pages and must be unique",
            )
        seen.add(topic.slug)
    return tuple(topics), catch_all


def parse_watches(raw: Any, file: str, problems: Problems) -> tuple[Topic, ...]:
    """``watch:``: authors and keywords a reader follows, each with its own page and feed."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.error(
            file,
            "watch",
            "must be a list, e.g. [{slug: lecun, title: Yann LeCun, authors: [Yann LeCun]}]",
        )
        return ()
    watches = []
    for index, entry in enumerate(raw):
        where = f"watch[{index}]"
        if not isinstance(entry, dict):
            problems.error(file, where, "must be a mapping with slug, title, authors or keywords")
            continue
        values, wrong = WATCH.read(entry, problems, file, where)
        authors, keywords = values["authors"], values["keywords"]
        if not authors and not keywords:
            if not wrong & {"authors", "keywords"}:
                problems.error(file, where, "a watch needs authors: or keywords: to follow")
            continue
        if wrong & {"slug", "title"}:
            continue
        include = tuple(f"authors:{a}" for a in authors) + keywords
        followed = ", ".join(authors) if authors else ", ".join(keywords)
        description = values["description"] or f"Papers {'by' if authors else 'about'} {followed}"
        watches.append(
            Topic(
                values["slug"],
                values["title"],
                description,
                include,
                (),
                ("title", "abstract", "keywords"),
                watch=True,
            )
        )
    return tuple(watches)


def _authority(value: Any) -> str:
    if not isinstance(value, str) or not _AUTHORITY.match(value.strip()):
        raise Wrong("must be a domain name or an e-mail address you own, e.g. example.org")
    return value.strip().lower()


def _time_zone(value: Any) -> str:
    if isinstance(value, str):
        try:
            ZoneInfo(value)
            return value
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise Wrong("must be a time zone name such as UTC or Europe/Paris")


FEEDS = Section(
    "feeds",
    "{days: 7}",
    (
        Option(
            "days",
            whole(1, "days"),
            "the listing days a feed carries",
            ("feeds",),
            14,
            field="feed_days",
        ),
        Option(
            "max_items",
            whole(1, "items"),
            "items a feed holds at most",
            ("feeds",),
            200,
            field="feed_max_items",
        ),
        Option(
            "max_kb",
            whole(10, "kilobytes"),
            "kilobytes a feed takes at most (the oldest items go first)",
            ("feeds",),
            300,
            field="feed_max_kb",
        ),
        Option(
            "id_authority",
            optional(Kind("a domain name or an e-mail address you own", _authority)),
            "who mints the feeds' Atom ids (tag:<authority>,<year>:<paper>); null: site_url's host",
            ("feeds",),
            "example.org",
            field="feed_id_authority",
        ),
        Option(
            "time_zone",
            Kind("a time zone name such as UTC or Europe/Paris", _time_zone),
            "where a day of a source other than arXiv begins, for feed dates",
            ("feeds",),
            "Europe/Paris",
            field="feed_time_zone",
        ),
    ),
    DigestConfig,
)


def _categories(value: Any) -> tuple[str, ...]:
    categories = phrases("a list of arXiv categories, e.g. [cs.LG, cs.CL]").check(value)
    wrong = [
        f"'{category}' is not an arXiv category such as cs.LG"
        for category in categories
        if not re.fullmatch(r"[a-z-]+(\.[A-Za-z-]+)?", category)
    ]
    if wrong:
        raise Wrong(*wrong)
    return categories


def _servers(value: Any) -> tuple[str, ...]:
    servers = _WORDS.check(value)
    wrong = [f"'{s}' is not biorxiv or medrxiv" for s in servers if s not in ("biorxiv", "medrxiv")]
    if wrong:
        raise Wrong(*wrong)
    return servers


_COUNT = whole(1)
_SECONDS = seconds()
_URL = http_url()
FETCH = Section(
    "fetch",
    "{arxiv_categories: [cs.LG]}",
    (
        Option("huggingface", flag(), "Hugging Face's daily papers are fetched", ("fetch",), False),
        Option(
            "arxiv_categories",
            Kind("a list of arXiv categories, e.g. [cs.LG, cs.CL]", _categories),
            "the arXiv categories fetched each weekday",
            ("fetch",),
            ["cs.LG", "cs.CL"],
        ),
        Option(
            "days",
            _COUNT,
            "the days back each fetch looks (missed days are caught up)",
            ("fetch",),
            5,
        ),
        Option(
            "huggingface_url",
            _URL,
            "Hugging Face's address (a mirror, a test server)",
            ("fetch",),
            "https://hf-mirror.example.org",
        ),
        Option(
            "arxiv_rss_url",
            _URL,
            "arXiv's RSS address",
            ("fetch",),
            "https://rss.arxiv.example.org",
        ),
        Option(
            "arxiv_oai_url",
            _URL,
            "arXiv's OAI-PMH address (digest fetch --from/--to)",
            ("fetch",),
            "https://oaipmh.arxiv.example.org/oai",
        ),
        Option(
            "biorxiv_servers",
            Kind("a list of biorxiv, medrxiv", _servers),
            "bioRxiv / medRxiv servers fetched",
            ("fetch",),
            ["biorxiv"],
        ),
        Option(
            "biorxiv_categories",
            _WORDS,
            "their categories (none: all)",
            ("fetch",),
            ["neuroscience"],
        ),
        Option(
            "biorxiv_url",
            _URL,
            "bioRxiv's API address",
            ("fetch",),
            "https://api.biorxiv.example.org",
        ),
        Option(
            "openreview_venues",
            _WORDS,
            "OpenReview venues fetched (API v2 venue ids)",
            ("fetch",),
            ["ICLR.cc/2025/Conference"],
        ),
        Option(
            "openreview_url",
            _URL,
            "OpenReview's API address",
            ("fetch",),
            "https://api2.openreview.example.org",
        ),
        Option("timeout", _SECONDS, "seconds a server may stay silent", ("fetch",), 60),
        Option(
            "attempts", _COUNT, "tries of each request (429 and 5xx are retried)", ("fetch",), 6
        ),
        Option(
            "backoff", _SECONDS, "seconds before the first retry, doubled each time", ("fetch",), 5
        ),
        Option(
            "arxiv_delay",
            _SECONDS,
            "seconds between arXiv requests (3 at least, as arXiv asks)",
            ("fetch",),
            5,
        ),
        Option(
            "deadline", _SECONDS, "seconds one answer may take to arrive whole", ("fetch",), 600
        ),
        Option(
            "run_deadline",
            _SECONDS,
            "seconds the whole run may take, retries included",
            ("fetch",),
            3600,
        ),
        Option(
            "max_answer_mb",
            _COUNT,
            "megabytes a listing may take (the build refuses more)",
            ("fetch",),
            64,
        ),
    ),
    FetchConfig,
)

_PATH = kind(f"a path relative to {CONFIG_NAME}", lambda v: isinstance(v, str))
TOP = Section(
    "",
    "{listings: listings, topics: [...]}",
    (
        Option(
            "listings", _PATH, "the folder of listings", ("folders",), "papers", default="listings"
        ),
        Option(
            "templates",
            _PATH,
            "the folder of template overrides",
            ("folders",),
            "theme",
            default="templates",
        ),
        Option(
            "content",
            _PATH,
            "the folder of hand-written pages",
            ("folders",),
            "pages",
            default="content",
        ),
        Option(
            "mkdocs", _PATH, "MkDocs' configuration", ("folders",), "site.yml", default="mkdocs.yml"
        ),
        Option(
            "site_dir", _PATH, "where the site is written", ("folders",), "public", default="site"
        ),
        Option(
            "allow_outside",
            _PATHS,
            "folders outside the digest that inputs may come from",
            ("folders",),
            ["../shared-listings"],
            default=(),
        ),
        Option(
            "library",
            _PATHS,
            "files or folders of the group's papers (Zotero exports, lists of ids) each day is ranked against",
            ("ranking",),
            ["library"],
            default=(),
        ),
    ),
    None,
    parts=(
        "topics",
        "catch_all",
        "watch",
        "feeds",
        "fetch",
        "ranking",
        "filters",
        "summaries",
        "send",
        "archive",
    ),
)


def load_config(root: Path) -> tuple[DigestConfig, Problems]:
    """Read ``root/digest.yml``. Raises DigestError when the file cannot be used at all."""
    path = root / CONFIG_NAME
    problems = Problems()
    raw = _read_mapping(path)
    top = TOP.read(raw, problems, CONFIG_NAME).values
    topics, catch_all = parse_topics(raw, CONFIG_NAME, problems)
    watches = parse_watches(raw.get("watch"), CONFIG_NAME, problems)
    taken = {t.slug for t in (*topics, catch_all)}
    for watch in watches:
        if watch.slug in taken:
            problems.error(
                CONFIG_NAME,
                "watch",
                f"slug '{watch.slug}' is also a topic's; slugs name pages and must be unique",
            )
        taken.add(watch.slug)

    def inside(value: str) -> Path:
        return (root / value).resolve()

    config = DigestConfig(
        root=root.resolve(),
        listings=inside(top["listings"]),
        templates=inside(top["templates"]),
        content=inside(top["content"]),
        mkdocs=inside(top["mkdocs"]),
        site_dir=inside(top["site_dir"]),
        topics=topics,
        watches=watches,
        catch_all=catch_all,
        **FEEDS.read(raw.get("feeds"), problems, CONFIG_NAME).values,
        fetch=FetchConfig(**FETCH.read(raw.get("fetch"), problems, CONFIG_NAME).values),
        allow_outside=tuple(inside(value) for value in top["allow_outside"]),
        library=tuple(inside(value) for value in top["library"]),
        ranking=parse_ranking(raw.get("ranking"), problems, CONFIG_NAME),
        filters=parse_filters(raw.get("filters"), problems, CONFIG_NAME),
        summaries=parse_summaries(raw.get("summaries"), problems, CONFIG_NAME),
        send=parse_send(raw.get("send"), problems, CONFIG_NAME),
        archive=parse_archive(raw.get("archive"), problems, CONFIG_NAME),
    )
    _check_folders(config, problems)
    return config, problems


def _read_mapping(path: Path) -> dict[Any, Any]:
    if not path.is_file():
        raise DigestError(
            f"{path}: not found; run digest in a digest folder (one with {CONFIG_NAME})"
        )
    try:
        raw = user_yaml.load(path.read_text(encoding="utf-8"))[0] or {}
    except yaml.YAMLError as err:
        place, problem = user_yaml.where_and_what(err)
        raise DigestError(f"{CONFIG_NAME}: {place or '?'}: not valid YAML ({problem})") from err
    except UnicodeDecodeError as err:
        raise DigestError(f"{CONFIG_NAME}: not UTF-8 text; save it as UTF-8") from err
    if not isinstance(raw, dict):
        raise DigestError(f"{CONFIG_NAME}: must be a mapping of settings (listings:, topics:, ...)")
    return raw


def _check_folders(config: DigestConfig, problems: Problems) -> None:
    """Every configured folder checked before anything is read or written (see ``guard``)."""
    inputs = {
        "listings": config.listings,
        "content": config.content,
        "templates": config.templates,
        "mkdocs": config.mkdocs,
    }
    for key, path in inputs.items():
        check_inside(key, path, config.root, config.allow_outside, CONFIG_NAME, problems)
    for path in config.library:
        check_inside("library", path, config.root, config.allow_outside, CONFIG_NAME, problems)
    protected = {
        **{f"the {key} folder" if key != "mkdocs" else key: path for key, path in inputs.items()},
        ".git": config.root / ".git",
        ".digest (the build's own state)": config.root / ".digest",
        CONFIG_NAME: config.root / CONFIG_NAME,
        "curation.yml": config.root / "curation.yml",
    }
    check_site_dir(config.site_dir, config.root, protected, CONFIG_NAME, problems)


# Every section of digest.yml, in the order README's table lists them.
SECTIONS = (TOP, TOPIC, WATCH, FEEDS, FETCH, RANKING, FILTERS, SUMMARIES, SEND, EMAIL, ARCHIVE)
