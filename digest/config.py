"""The digest's own configuration, ``digest.yml``: where listings are, topics, feeds.

Site identity (name, URL, description) lives in ``mkdocs.yml``, which the theme reads
too; keeping it in one file means the feeds and the pages can never disagree about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from digest import user_yaml
from digest.archive_config import ArchiveConfig, parse_archive
from digest.guard import check_inside, check_site_dir
from digest.problems import DigestError, Problems, unknown_key
from digest.ranking_config import FilterConfig, RankingConfig, parse_filters, parse_ranking
from digest.send_config import SendConfig, parse_send
from digest.summaries_config import SummariesConfig, parse_summaries

CONFIG_NAME = "digest.yml"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOP_KEYS = {
    "listings",
    "templates",
    "content",
    "mkdocs",
    "site_dir",
    "feeds",
    "topics",
    "catch_all",
    "fetch",
    "watch",
    "allow_outside",
    "library",
    "ranking",
    "filters",
    "summaries",
    "send",
    "archive",
}
_TOPIC_KEYS = {"slug", "title", "description", "include", "exclude", "fields"}
_FIELDS = ("title", "abstract", "authors", "categories", "keywords")

_FEED_KEYS = {"days", "max_items", "max_kb", "id_authority", "time_zone"}
# tag: URI authorities (RFC 4151): a domain name or an e-mail address, then a year.
_AUTHORITY = re.compile(
    r"^(?:[A-Za-z0-9._%+-]+@)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
FEED_MAX_ITEMS = 500
FEED_MAX_KB = 500
# The fetch: keys are the fields of FetchConfig: declared once, checked from there.
_FETCH_KEYS: set[str] = set()


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


_FETCH_KEYS.update(field.name for field in fields(FetchConfig))


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
    feed_days: int
    # A feed carries the papers of the last ``feed_days`` days, at most this many: a day
    # of 700 arXiv papers must not make a 7 MB feed.
    feed_max_items: int = 500
    # ... and at most this many kilobytes: the oldest items go first. Feed readers and
    # the services that poll for them (Feedly, Inoreader) refuse or cut large feeds.
    feed_max_kb: int = FEED_MAX_KB
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


def _strings(value: Any, where: str, problems: Problems, file: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.error(file, where, "must be a list of words or phrases, e.g. [diffusion, LLM]")
        return ()
    return tuple(v.strip() for v in value)


def _identity(
    raw: dict[str, Any], where: str, problems: Problems, file: str
) -> tuple[str, str, str] | None:
    """The slug, title and description a topic or a watch list is known by."""
    slug = raw.get("slug")
    if not isinstance(slug, str) or not _SLUG.match(slug):
        problems.error(
            file,
            f"{where}.slug",
            f"slug {slug!r} must be lowercase letters, digits and hyphens, e.g. 'language-models'",
        )
        return None
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.error(file, f"{where}.title", "a topic needs a title, e.g. title: Language models")
        return None
    description = raw.get("description", "")
    if not isinstance(description, str):
        problems.error(file, f"{where}.description", "must be one line of text")
        description = ""
    return slug, title.strip(), " ".join(description.split())


def _topic(raw: Any, where: str, problems: Problems, file: str, *, catch_all: bool) -> Topic | None:
    if not isinstance(raw, dict):
        problems.error(file, where, "must be a mapping with slug, title, description")
        return None
    for key in sorted(set(raw) - _TOPIC_KEYS):
        problems.warn(file, f"{where}.{key}", unknown_key(key, _TOPIC_KEYS))
    identity = _identity(raw, where, problems, file)
    if identity is None:
        return None
    slug, title, description = identity
    include = _strings(raw.get("include"), f"{where}.include", problems, file)
    exclude = _strings(raw.get("exclude"), f"{where}.exclude", problems, file)
    if not catch_all and not include:
        problems.error(file, f"{where}.include", "a topic needs at least one include term")
    if catch_all and (include or exclude):
        problems.warn(
            file, where, "the catch-all topic takes papers no rule matched; its terms are ignored"
        )
    fields = _strings(raw.get("fields"), f"{where}.fields", problems, file) or ("title", "abstract")
    for name in fields:
        if name not in _FIELDS:
            problems.error(
                file, f"{where}.fields", f"no field '{name}'; fields are: {', '.join(_FIELDS)}"
            )
    fields = tuple(f for f in fields if f in _FIELDS) or ("title", "abstract")
    for term in (*include, *exclude):
        head, sep, rest = term.partition(":")
        if (
            sep
            and head.strip().lower() not in _FIELDS
            and " " not in head
            and head.isalpha()
            and rest
            and not rest.startswith("/")
        ):
            problems.warn(
                file,
                where,
                f"term '{term}' names no field ({', '.join(_FIELDS)}); it is matched as written",
            )
    return Topic(slug, title, description, include, exclude, fields)


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


_WATCH_KEYS = {"slug", "title", "description", "authors", "keywords"}


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
        for key in sorted(set(entry) - _WATCH_KEYS):
            problems.warn(file, f"{where}.{key}", unknown_key(key, _WATCH_KEYS))
        authors = _strings(entry.get("authors"), f"{where}.authors", problems, file)
        keywords = _strings(entry.get("keywords"), f"{where}.keywords", problems, file)
        if not authors and not keywords:
            problems.error(file, where, "a watch needs authors: or keywords: to follow")
            continue
        identity = _identity(entry, where, problems, file)
        if identity is None:
            continue
        slug, title, given = identity
        include = tuple(f"authors:{a}" for a in authors) + keywords
        followed = ", ".join(authors) if authors else ", ".join(keywords)
        description = given or f"Papers {'by' if authors else 'about'} {followed}"
        watches.append(
            Topic(
                slug,
                title,
                description,
                include,
                (),
                ("title", "abstract", "keywords"),
                watch=True,
            )
        )
    return tuple(watches)


def load_config(root: Path) -> tuple[DigestConfig, Problems]:  # noqa: C901 (one branch per section of digest.yml, each with its own message; issue 25's options declared once would table them)
    """Read ``root/digest.yml``. Raises DigestError when the file cannot be used at all."""
    path = root / CONFIG_NAME
    problems = Problems()
    if not path.is_file():
        raise DigestError(
            f"{path}: not found; run digest in a digest folder (one with {CONFIG_NAME})"
        )
    try:
        raw = user_yaml.load(path.read_text(encoding="utf-8"))[0] or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark is not None else "?"
        raise DigestError(
            f"{CONFIG_NAME}: {place}: not valid YAML ({getattr(err, 'problem', err)})"
        ) from err
    except UnicodeDecodeError as err:
        raise DigestError(f"{CONFIG_NAME}: not UTF-8 text; save it as UTF-8") from err
    if not isinstance(raw, dict):
        raise DigestError(f"{CONFIG_NAME}: must be a mapping of settings (listings:, topics:, ...)")
    for key in sorted(set(raw) - _TOP_KEYS):
        problems.warn(CONFIG_NAME, key, unknown_key(key, _TOP_KEYS))

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

    feeds = raw.get("feeds") or {}
    feed_days = 7
    feed_max_items = FEED_MAX_ITEMS
    feed_max_kb = FEED_MAX_KB
    feed_id_authority: str | None = None
    feed_time_zone = "UTC"
    if not isinstance(feeds, dict):
        problems.error(CONFIG_NAME, "feeds", "must be a mapping, e.g. feeds: {days: 7}")
    else:
        for key in sorted(set(feeds) - _FEED_KEYS):
            problems.warn(
                CONFIG_NAME,
                f"feeds.{key}",
                unknown_key(key, _FEED_KEYS),
            )
        feed_days = feeds.get("days", 7)
        if not isinstance(feed_days, int) or isinstance(feed_days, bool) or feed_days < 1:
            problems.error(CONFIG_NAME, "feeds.days", "must be a whole number of days, 1 or more")
            feed_days = 7
        feed_max_items = feeds.get("max_items", FEED_MAX_ITEMS)
        if (
            not isinstance(feed_max_items, int)
            or isinstance(feed_max_items, bool)
            or feed_max_items < 1
        ):
            problems.error(
                CONFIG_NAME, "feeds.max_items", "must be a whole number of items, 1 or more"
            )
            feed_max_items = FEED_MAX_ITEMS
        feed_max_kb = feeds.get("max_kb", FEED_MAX_KB)
        if not isinstance(feed_max_kb, int) or isinstance(feed_max_kb, bool) or feed_max_kb < 10:
            problems.error(
                CONFIG_NAME, "feeds.max_kb", "must be a whole number of kilobytes, 10 or more"
            )
            feed_max_kb = FEED_MAX_KB
        if "id_authority" in feeds:
            value = feeds["id_authority"]
            if not isinstance(value, str) or not _AUTHORITY.match(value.strip()):
                problems.error(
                    CONFIG_NAME,
                    "feeds.id_authority",
                    "must be a domain name or an e-mail address you own, e.g. example.org",
                )
            else:
                feed_id_authority = value.strip().lower()
        if "time_zone" in feeds:
            feed_time_zone = _time_zone(feeds["time_zone"], problems)

    fetch = _fetch_config(raw.get("fetch"), problems)
    ranking = parse_ranking(raw.get("ranking"), problems, CONFIG_NAME)
    filters = parse_filters(raw.get("filters"), problems, CONFIG_NAME)
    summaries = parse_summaries(raw.get("summaries"), problems, CONFIG_NAME)
    send = parse_send(raw.get("send"), problems, CONFIG_NAME)
    archive = parse_archive(raw.get("archive"), problems, CONFIG_NAME)

    def folder(key: str, default: str) -> Path:
        value = raw.get(key, default)
        if not isinstance(value, str):
            problems.error(CONFIG_NAME, key, f"must be a path relative to {CONFIG_NAME}")
            value = default
        return (root / value).resolve()

    allowed = tuple(
        (root / value).resolve()
        for value in _strings(raw.get("allow_outside"), "allow_outside", problems, CONFIG_NAME)
    )
    config = DigestConfig(
        root=root.resolve(),
        listings=folder("listings", "listings"),
        templates=folder("templates", "templates"),
        content=folder("content", "content"),
        mkdocs=folder("mkdocs", "mkdocs.yml"),
        site_dir=folder("site_dir", "site"),
        topics=topics,
        watches=watches,
        catch_all=catch_all,
        feed_days=feed_days,
        feed_max_items=feed_max_items,
        feed_max_kb=feed_max_kb,
        feed_id_authority=feed_id_authority,
        feed_time_zone=feed_time_zone,
        fetch=fetch,
        allow_outside=allowed,
        ranking=ranking,
        filters=filters,
        summaries=summaries,
        send=send,
        archive=archive,
        library=tuple(
            (root / value).resolve()
            for value in _strings(raw.get("library"), "library", problems, CONFIG_NAME)
        ),
    )
    _check_folders(config, problems)
    return config, problems


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


def _time_zone(value: Any, problems: Problems) -> str:
    if isinstance(value, str):
        try:
            ZoneInfo(value)
            return value
        except (ZoneInfoNotFoundError, ValueError):
            pass
    problems.error(
        CONFIG_NAME, "feeds.time_zone", "must be a time zone name such as UTC or Europe/Paris"
    )
    return "UTC"


def _fetch_config(raw: Any, problems: Problems) -> FetchConfig:  # noqa: C901 (one check per fetch: key, in the order README lists them)
    if raw is None:
        return FetchConfig()
    if not isinstance(raw, dict):
        problems.error(
            CONFIG_NAME, "fetch", "must be a mapping, e.g. fetch: {arxiv_categories: [cs.LG]}"
        )
        return FetchConfig()
    for key in sorted(set(raw) - _FETCH_KEYS):
        problems.warn(
            CONFIG_NAME,
            f"fetch.{key}",
            unknown_key(key, _FETCH_KEYS),
        )
    defaults = FetchConfig()
    values: dict[str, Any] = {}
    for key, kind in (
        ("huggingface", bool),
        ("days", int),
        ("attempts", int),
        ("max_answer_mb", int),
    ):
        if key in raw:
            if not isinstance(raw[key], kind) or (
                kind is int and (isinstance(raw[key], bool) or raw[key] < 1)
            ):
                problems.error(
                    CONFIG_NAME,
                    f"fetch.{key}",
                    f"must be {'true or false' if kind is bool else 'a whole number, 1 or more'}",
                )
            else:
                values[key] = raw[key]
    for key in ("timeout", "backoff", "arxiv_delay", "deadline", "run_deadline"):
        if key in raw:
            if not isinstance(raw[key], int | float) or isinstance(raw[key], bool) or raw[key] < 0:
                problems.error(
                    CONFIG_NAME, f"fetch.{key}", "must be a number of seconds, 0 or more"
                )
            else:
                values[key] = float(raw[key])
    for key in (
        "huggingface_url",
        "arxiv_rss_url",
        "arxiv_oai_url",
        "biorxiv_url",
        "openreview_url",
    ):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].startswith(("http://", "https://")):
                problems.error(CONFIG_NAME, f"fetch.{key}", "must be an http(s) URL")
            else:
                values[key] = raw[key].rstrip("/")
    if "arxiv_categories" in raw:
        categories = _strings(
            raw["arxiv_categories"], "fetch.arxiv_categories", problems, CONFIG_NAME
        )
        for category in categories:
            if not re.fullmatch(r"[a-z-]+(\.[A-Za-z-]+)?", category):
                problems.error(
                    CONFIG_NAME,
                    "fetch.arxiv_categories",
                    f"'{category}' is not an arXiv category such as cs.LG",
                )
        values["arxiv_categories"] = categories
    if "biorxiv_servers" in raw:
        servers = _strings(raw["biorxiv_servers"], "fetch.biorxiv_servers", problems, CONFIG_NAME)
        for server in servers:
            if server not in ("biorxiv", "medrxiv"):
                problems.error(
                    CONFIG_NAME, "fetch.biorxiv_servers", f"'{server}' is not biorxiv or medrxiv"
                )
        values["biorxiv_servers"] = servers
    for key in ("biorxiv_categories", "openreview_venues"):
        if key in raw:
            values[key] = _strings(raw[key], f"fetch.{key}", problems, CONFIG_NAME)
    return FetchConfig(**{**defaults.__dict__, **values})
