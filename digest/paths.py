"""Every output path and URL comes from here, so pages, feeds and search agree on them.

URLs are relative to the site root and end in ``/`` for pages (MkDocs directory URLs).
Links inside generated HTML are made relative to the page they are on, so the site works
at any sub-path (``https://owner.github.io/repo/``) without knowing it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
import unicodedata

from digest.model import Paper

# Where a build keeps what it made, in the digest folder (``incremental.cache``).
WORK_DIR = ".digest"
# The topic rules the last build used, in WORK_DIR (``digest topics --diff``).
SAVED_RULES = "topics.json"

HOME = ""
TOPICS = "topics/"
ARCHIVE = "archive/"
SEARCH = "search/"
STATUS = "status/"
SAVED = "saved/"
FEEDS = "feeds/"
STATUS_FEED = "status.xml"
PICKS_FEED = "picks.xml"
RECOMMENDED_FEED = "recommended.xml"
FEED_RSS = "feed.xml"
FEED_ATOM = "atom.xml"


def day_url(day: dt.date) -> str:
    return f"days/{day.isoformat()}/"


def email_page(label: str) -> str:
    """The browser copy of the e-mail ``digest send`` sends for a day or a week (its label,
    2025-03-11 or 2025-W11): the link "View in a browser" of every message."""
    return f"email/{label}.html"


def topic_url(slug: str, month: dt.date | None = None) -> str:
    """A topic's page (its latest month), or the page of one of its months."""
    if month is None:
        return f"topics/{slug}/"
    return f"topics/{slug}/{month.strftime('%Y-%m')}/"


def topic_feed(slug: str, name: str = FEED_RSS) -> str:
    """``feed-<slug>.xml`` / ``atom-<slug>.xml`` at the site root, beside the main feeds.

    At the root on purpose: Material fetches ``sitemap.xml`` next to every
    ``<link rel="alternate">`` (it takes them for language versions of the site), so a
    feed advertised from a sub-folder costs every reader a request that ends in a 404.
    """
    return f"{name.removesuffix('.xml')}-{slug}.xml"


def source_file(url: str) -> str:
    """The Markdown file in the docs folder that MkDocs turns into the page at ``url``."""
    if url == "":
        return "index.md"
    stem = url.rstrip("/")
    return f"{stem}/index.md" if stem in {"topics", "archive", "search", "status"} else f"{stem}.md"


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url`` (both site-root relative).

    Up to the site root, then down: not always the shortest path, but the same for every
    page at one depth, so a paper's card is rendered once per depth and reused.
    """
    depth = (
        from_url.count("/")
        if from_url.endswith("/")
        else posixpath.dirname(from_url).count("/") + 1
    )
    if from_url == "":
        depth = 0
    link = "../" * depth + to_url
    return link if link and not link.startswith("#") else f"./{link}"


def slugify(text: str, limit: int = 64) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "paper"


def _base_anchor(paper: Paper) -> str:
    """From what the paper was first known by (``Paper.identity``): a paper first pasted
    without an id keeps its title's anchor when its arXiv id arrives."""
    identity = paper.identity
    if identity.startswith("arxiv:") and paper.arxiv_id is not None:
        return paper.arxiv_id.replace("/", "-")
    if identity.startswith("doi:"):
        return slugify(identity.replace(":", " "), limit=120)  # doi-10-1101-000109
    return slugify(paper.title)


def id_anchor(paper: Paper) -> str | None:
    """The arXiv id's anchor, where it is not the paper's own (``_base_anchor``): links
    made from the id (``#2111.11632``) find the card too."""
    if paper.arxiv_id is None or paper.identity.startswith("arxiv:"):
        return None
    return paper.arxiv_id.replace("/", "-")


def assign_anchors(papers: tuple[Paper, ...]) -> dict[str, str]:
    """A stable, unique anchor per paper key.

    The arXiv id when there is one, else the title's slug. When two papers share a slug,
    the one listed first keeps it and the others get a suffix from their key's hash, so
    an anchor once published does not move when a later paper collides with it.
    """
    anchors: dict[str, str] = {}
    taken: set[str] = set()
    for paper in sorted(papers, key=lambda p: (p.first_day, p.key)):
        anchor = _base_anchor(paper)
        if anchor in taken:
            anchor = f"{anchor}-{hashlib.sha1(paper.key.encode()).hexdigest()[:8]}"
        taken.add(anchor)
        anchors[paper.key] = anchor
    return anchors


def paper_url(paper: Paper, anchor: str) -> str:
    """A paper's permanent home: its anchor on the page of the day it first appeared."""
    return f"{day_url(paper.first_day)}#{anchor}"


def paper_page_url(anchor: str) -> str:
    """A paper's own page, to share and cite: ``papers/<anchor>/``."""
    return f"papers/{anchor}/"


def day_bib(day: dt.date) -> str:
    return f"bib/days/{day.isoformat()}.bib"


def topic_bib(slug: str) -> str:
    return f"bib/topics/{slug}.bib"


def rollup_url(kind: str, slug: str) -> str:
    return f"top/{kind}/{slug}/"


def quarter(day: dt.date) -> str:
    """``2026-q3``: names search shards and the card cache's files."""
    return f"{day.year}-q{(day.month - 1) // 3 + 1}"


def week_start(day: dt.date) -> dt.date:
    """The Monday of the day's week: the periods of roll-ups, trends and search shards."""
    return day - dt.timedelta(days=day.weekday())


def quarter_start(day: dt.date) -> dt.date:
    """The first day of the day's quarter (``quarter``)."""
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def latest_rollup_url(kind: str) -> str:
    """The newest week's (or month's) top papers at a URL that never moves: the
    navigation links here, so a new week changes one page, not every page's menu."""
    return f"top/{kind}/"


def rollup_feed(kind: str) -> str:
    return f"top-{kind}.xml"
