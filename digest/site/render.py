"""Render the catalog into Markdown pages with Jinja templates.

Templates come from the digest's own ``templates/`` folder first, then the built-in ones,
file by file, so a curator overrides exactly the template they change. StrictUndefined
makes a misspelled variable fail the build instead of rendering as nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import groupby
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from digest import paths
from digest.catalog.merge import Catalog
from digest.config import Topic
from digest.filesystem import SyncedFolder
from digest.incremental.card_cache import CardCache
from digest.incremental.page_prints import PagePrints
from digest.model import Paper
from digest.problems import DigestError
from digest.site import escape
from digest.site.bibtex import Citations
from digest.site.notes import note_html
from digest.site.raw_store import RawStore, fill_placeholders, placeholder
from digest.site.rollups import rollups
from digest.site.status import WINDOW_DAYS, SourceStatus
from digest.site.trends import chart as trend_chart

BUILTIN_TEMPLATES = resources.files("digest") / "templates"

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class SiteInfo:
    name: str
    url: str
    description: str


@dataclass(frozen=True)
class Page:
    url: str
    template: str
    context: dict[str, Any]


KIND_LABELS = {
    "cross": "cross-list",
    "replace": "replaced",
    "replace-cross": "replaced cross-list",
}


def listing_kind(paper: Paper, day: dt.date) -> str | None:
    """arXiv's announce type on ``day`` when it is not plain new (cross-list, replaced)."""
    kinds = {a.kind for a in paper.appearances if a.day == day and a.kind}
    if not kinds or "new" in kinds:
        return None
    return sorted(kinds)[0] if len(kinds) == 1 else "cross"


def long_date(day: dt.date) -> str:
    # Spelled out by hand: strftime's month names follow the machine's locale, and the
    # same inputs must give the same site everywhere.
    return f"{_MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def month_name(day: dt.date) -> str:
    return f"{_MONTH_NAMES[day.month - 1]} {day.year}"


def yaml_string(value: str) -> Markup:
    """A YAML scalar for front matter: JSON strings are valid YAML double-quoted scalars.

    The text is HTML-escaped first because the theme prints front-matter titles into the
    page without escaping them.
    """
    return Markup(json.dumps(str(escape.text(value)), ensure_ascii=False))


def make_environment(override_dir: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if override_dir is not None and override_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(override_dir)))
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        rich=escape.rich_text,
        safe_url=escape.safe_url,
        long_date=long_date,
        month_name=month_name,
        yaml=yaml_string,
        note_html=note_html,
    )
    return env


class RawHtml:
    """``{% call raw_html() %}...{% endcall %}``: HTML that skips Markdown.

    The block's output is set aside and a placeholder goes into the Markdown; the MkDocs
    side puts the HTML back into the finished page (``site_hooks``). The built-in pages put
    everything below their title in one block: Python-Markdown and MkDocs each run an HTML
    parser over every raw HTML line of a page (1.2 s and 0.8 s for the two-year archive's
    pages) only to leave it as it was. A block inside a block is folded into it.
    """

    def __init__(self) -> None:
        self.chunks: list[str] = []

    def __call__(self, caller: Callable[[], str]) -> Markup:
        html = fill_placeholders(str(caller()), self.chunks)
        self.chunks.append(html)
        return Markup(placeholder(len(self.chunks) - 1))


# Stands for the way up from a page to the site root in a card rendered for every page.
# No listing text can hold it: readers drop control characters.
_ROOT_MARK = "\x00root\x00"


def _link_from_root(url: str) -> str:
    if not url or url.startswith("#"):
        raise ValueError(f"a paper card links to {url!r}; cards link to pages, not anchors")
    return _ROOT_MARK + url


class PagePlanner:
    """Decides which pages exist and what each one shows; renders nothing itself."""

    def __init__(
        self, catalog: Catalog, site: SiteInfo, statuses: list[SourceStatus] | None = None
    ) -> None:
        self.catalog = catalog
        self.site = site
        self.statuses = statuses or []
        self.anchors = paths.assign_anchors(catalog.papers)
        self.citations = Citations(catalog, site.name)
        self.env: jinja2.Environment | None = None
        self._cards: dict[tuple[str, dt.date | None, str], bytes] = {}
        self._paper_card: Any = None
        self.card_cache: CardCache | None = None
        self._charts: dict[tuple[tuple[str, ...], str], Markup] = {}
        self.rollups = {kind: rollups(catalog, kind) for kind in ("week", "month")}
        self.days = catalog.days()

    def _counts(self, papers: list[Paper]) -> list[tuple[Topic, int]]:
        tally = Counter(slug for paper in papers for slug in paper.topic_slugs)
        return [(t, tally[t.slug]) for t in self.catalog.topics if tally[t.slug]]

    def pages(self) -> Iterator[Page]:
        latest = self.days[0] if self.days else None
        latest_papers = self.catalog.on_day(latest) if latest else []
        yield Page(
            paths.HOME,
            "pages/home.md.j2",
            {
                "day": latest,
                "papers": latest_papers,
                "counts": self._counts(latest_papers),
                "picks": self.current_picks(),
                "topics_for_trend": [t for t in self.catalog.topics if not t.watch],
            },
        )
        for index, day in enumerate(self.days):
            papers = self.catalog.on_day(day)
            yield Page(
                paths.day_url(day),
                "pages/day.md.j2",
                {
                    "day": day,
                    "papers": papers,
                    "counts": self._counts(papers),
                    "newer": self.days[index - 1] if index > 0 else None,
                    "older": self.days[index + 1] if index + 1 < len(self.days) else None,
                },
            )
        for topic in self.catalog.topics:
            yield from self._topic_pages(topic)
        yield Page(
            paths.TOPICS, "pages/topics.md.j2", {"counts": self._counts(list(self.catalog.papers))}
        )
        months = [
            (month, [(day, len(self.catalog.on_day(day))) for day in group])
            for month, group in groupby(self.days, key=lambda d: d.replace(day=1))
        ]
        yield Page(paths.ARCHIVE, "pages/archive.md.j2", {"months": months})
        yield Page(paths.SEARCH, "pages/search.md.j2", {"total": len(self.catalog.papers)})
        for kind in ("week", "month"):
            periods = self.rollups[kind]
            for index, rollup in enumerate(periods):
                context = {
                    "rollup": rollup,
                    "newer": periods[index - 1] if index > 0 else None,
                    "older": periods[index + 1] if index + 1 < len(periods) else None,
                }
                if index == 0:
                    yield Page(paths.latest_rollup_url(kind), "pages/rollup.md.j2", context)
                yield Page(paths.rollup_url(kind, rollup.slug), "pages/rollup.md.j2", context)
        yield Page(
            paths.STATUS, "pages/status.md.j2", {"sources": self.statuses, "window": WINDOW_DAYS}
        )

    def current_picks(self) -> list[Paper]:
        """Papers of the day listed on the latest day, and papers of the week of its week."""
        if not self.days:
            return []
        latest = self.days[0]
        week = {latest - dt.timedelta(days=n) for n in range(7)}
        picks = [
            p
            for p in self.catalog.papers
            if (p.pick == "day" and latest in p.days())
            or (p.pick == "week" and week & set(p.days()))
        ]
        return sorted(picks, key=lambda p: (p.pick != "day", -p.first_day.toordinal(), p.key))

    def _topic_pages(self, topic: Topic) -> Iterator[Page]:
        """A page per month of the topic, and the topic's own page showing the latest month.

        Months keep pages small however large the archive grows; a month's URL never moves.
        """
        papers = self.catalog.in_topic(topic.slug)
        by_month = [
            (month, list(group))
            for month, group in groupby(papers, key=lambda p: p.last_day.replace(day=1))
        ]
        months = [(month, len(group)) for month, group in by_month]
        if not by_month:
            by_month = [(None, [])]
        for index, (month, month_papers) in enumerate(by_month):
            by_day = [
                (day, list(group)) for day, group in groupby(month_papers, key=lambda p: p.last_day)
            ]
            if index == 0:
                yield Page(
                    paths.topic_url(topic.slug),
                    "pages/topic.md.j2",
                    {
                        "topic": topic,
                        "total": len(papers),
                        "month": month,
                        "months": months,
                        "papers": month_papers,
                        "by_day": by_day,
                    },
                )
            if month is not None:
                # Given no totals or counts: they change every day, and the pages of all
                # past months would have to be rendered again with them.
                yield Page(
                    paths.topic_url(topic.slug, month),
                    "pages/topic_month.md.j2",
                    {
                        "topic": topic,
                        "month": month,
                        "months": [other for other, _ in months],
                        "papers": month_papers,
                        "by_day": by_day,
                    },
                )

    def globals_for(self, page_url: str) -> dict[str, Any]:
        def link(url: str) -> str:
            return paths.relative(page_url, url)

        anchor: Callable[[Paper], str] = lambda paper: self.anchors[paper.key]  # noqa: E731
        return {
            "site": self.site,
            "page_url": page_url,
            "link": link,
            "anchor": anchor,
            "paper_url": lambda paper: paths.paper_url(paper, self.anchors[paper.key]),
            "day_url": paths.day_url,
            "topic_url": paths.topic_url,
            "topic_feed": paths.topic_feed,
            "topic_of": self.catalog.topic,
            "topics_url": paths.TOPICS,
            "archive_url": paths.ARCHIVE,
            "search_url": paths.SEARCH,
            "feed_url": paths.FEED_RSS,
            "status_url": paths.STATUS,
            "status_feed": paths.STATUS_FEED,
            "picks_feed": paths.PICKS_FEED,
            "bibtex": lambda paper: self.citations.entry(paper).strip(),
            "day_bib": paths.day_bib,
            "rollup_url": paths.rollup_url,
            "rollup_feed": paths.rollup_feed,
            "trend_chart": self._trend_chart,
            "topic_bib": paths.topic_bib,
            "listing_kind": listing_kind,
            "kind_label": KIND_LABELS.get,
            "raw_html": RawHtml(),
            "card": self._card_function(page_url),
        }

    def _trend_chart(self, topics: list[Topic], chart_id: str) -> Markup:
        """The same chart on a topic's page and on each of its months: drawn once."""
        key = (tuple(t.slug for t in topics), chart_id)
        if key not in self._charts:
            self._charts[key] = trend_chart(self.catalog, topics, chart_id)
        return self._charts[key]

    def _card_function(self, page_url: str) -> Callable[..., Markup]:
        """``card(paper, listed_on, id_prefix)``: the ``paper_card`` macro, rendered once per
        paper, day and prefix and reused on every page that shows it (its day, its topics,
        its months, the top-of pages). Its links are rendered from the site root behind a
        marker, which becomes the page's way up to the root: the only thing that differs
        between two pages showing the same card."""
        up = "../" * page_url.count("/")

        def card(paper: Paper, listed_on: dt.date | None = None, id_prefix: str = "") -> Markup:
            key = (paper.key, listed_on, id_prefix)
            kept = self._cards.get(key)
            if kept is None:
                # Kept as UTF-8: a str with one character beyond Latin-1 (a dash, a
                # Greek letter) takes 2 or 4 bytes a character; at 30,000 papers the
                # cards kept as str held 300 MB.
                kept = self._cards[key] = self._render_card(paper, listed_on, id_prefix)
            return Markup(kept.decode().replace(_ROOT_MARK, up))

        return card

    def release_cards(self) -> None:
        """Let go of the cards once every page is written: at 30,000 papers they hold
        150 MB that MkDocs, running next beside Pagefind, can use."""
        self._cards.clear()
        self.card_cache = None

    def _shown(self, paper: Paper) -> str:
        """What a card shows of the catalog besides the paper: anchor, citation key, the
        titles of its topics."""
        return "\n".join(
            [
                self.anchors[paper.key],
                self.citations.keys[paper.key],
                *(self.catalog.topic(slug).title for slug in paper.topic_slugs),
            ]
        )

    def paper_print(self, paper: Paper) -> str:
        assert self.card_cache is not None, "the build sets the card cache"
        return self.card_cache.paper_print(paper, lambda: self._shown(paper))

    def _render_card(self, paper: Paper, listed_on: dt.date | None, id_prefix: str) -> bytes:
        """The card from an earlier build if one shows exactly this, else rendered now."""

        def render() -> bytes:
            return str(self._card_macro()(paper, listed_on, id_prefix)).encode()

        if self.card_cache is None:
            return render()
        return self.card_cache.card(paper, lambda: self._shown(paper), listed_on, id_prefix, render)

    def _card_macro(self) -> Any:
        if self._paper_card is None:
            assert self.env is not None, "render_pages sets the environment"
            template = self.env.get_template("partials/paper.html.j2")
            module_globals = self.globals_for("")
            module_globals["link"] = _link_from_root
            self._paper_card = template.make_module(module_globals).paper_card
        return self._paper_card


def card_salt(env: jinja2.Environment, site: SiteInfo) -> str:
    """What every card shows besides its paper: the card template (the digest's own, if
    it has one) and the site's name (in each BibTeX note)."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, "partials/paper.html.j2")
    return f"{site.name}\n{source}"


def render_pages(
    planner: PagePlanner,
    pages: list[Page],
    env: jinja2.Environment,
    docs: SyncedFolder,
    raw: RawStore,
    prints: PagePrints | None = None,
) -> dict[str, str]:
    """Write the planned pages into ``docs`` and their raw HTML blocks into ``raw``;
    returns each page's source path with the hash of what it holds (``page_cache``).

    With ``prints``, a page rendered before under the same fingerprint whose HTML is
    still cached is not rendered again: its Markdown stays as written, MkDocs reuses its
    HTML."""
    sources: dict[str, str] = {}
    planner.env = env
    for page in pages:
        source = paths.source_file(page.url)
        fingerprint = None
        if prints is not None:
            fingerprint = prints.fingerprint(page.url, page.template, page.context)
            known = prints.reusable(source, fingerprint)
            if known is not None and docs.keep(source):
                sources[source] = known
                prints.keep(fingerprint, known)
                continue
        context = planner.globals_for(page.url)
        try:
            template = env.get_template(page.template)
            text = template.render(**context, **page.context)
        except jinja2.TemplateSyntaxError as err:
            raise DigestError(
                f"template {err.name or page.template}: line {err.lineno}: {err.message}; fix the template"
            ) from err
        except jinja2.TemplateError as err:
            raise DigestError(
                f"template {page.template}: {err}, while rendering {page.url or 'the home page'}; "
                "check the name in your template override"
            ) from err
        markdown = text.encode("utf-8")
        docs.write(source, markdown)
        blocks = raw.put(source, context["raw_html"].chunks)
        sources[source] = hashlib.sha256(markdown + b"\0" + blocks).hexdigest()
        if prints is not None and fingerprint is not None:  # the two go together
            prints.keep(fingerprint, sources[source])
    return sources
