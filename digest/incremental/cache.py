"""``.digest/``: the one place a build keeps anything, owned by ``BuildCache``.

Its layout, its lock (one build at a time), every store the build reads and writes, the
scratch space of one build (removed when that build fails), and ``--fresh``. Stores are
read before the lock is taken (reading is harmless) and written only under it.

    .digest/
      lock                 held by the running build
      listings/ topics/    listings read and topic matches (``KeptEntries``)
      cards/ page-prints/  paper cards and which pages need rendering
      template-facts.json  what each page template reads and includes, parsed once
      bib-prints.json      each .bib file's print, to leave unchanged ones be
      bib-entries/         each paper's BibTeX entry, under its card's print
      pages/               HTML MkDocs rendered, read-only, with their SHA-256
      search-cache/        Pagefind bundles by shard, read-only, with their SHA-256
      topics.json          the last build's topic rules, for ``digest topics --diff``
      settled.sqlite       the papers merged from the settled listings (SQLite)
      ranking.json         what the ranking and related papers worked out, by day
      ranking-days.json    (the days' part, ``ranking_memory``)
      up-to-date.json      the last build's inputs, site and report (``up_to_date``)
      paper-pages.json     the fingerprint of each paper's page, to leave unchanged ones be
      docs/                the MkDocs source folder the build writes
      static/              the paper pages, linked into the site beside MkDocs' output
      site/ site.spare     the site published before the current one, the next one is
                           built in (``publish.spare``); trusted only with its marker
      raw-blocks.json      one build's scratch (with site/, if that build fails)
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2

from digest import platform
from digest.catalog.merge import Catalog
from digest.config import DigestConfig
from digest.filesystem import discard, remove_quietly
from digest.incremental.bib_prints import BibEntries, BibliographyPrints
from digest.incremental.card_cache import CardCache
from digest.incremental.listing_cache import KnownSums, ListingCache
from digest.incremental.page_cache import PageCache
from digest.incremental.page_prints import PagePrints
from digest.incremental.ranking_memory import RankingMemoryStore
from digest.incremental.settled_catalog import SettledCatalog
from digest.incremental.shard_store import ShardStore
from digest.incremental.topic_cache import TopicCache
from digest.model import Paper
from digest.paths import SAVED_RULES, WORK_DIR
from digest.problems import DigestError

# One build's own scratch: removed when that build fails (a full disk above all), so a
# failed build never keeps the space it took, nor leaves what the next one trips on.
_SCRATCH = ("site", "search", "raw-blocks.json")


class BuildCache:
    def __init__(self, root: Path) -> None:
        self.folder = root / WORK_DIR
        self._readings: list[ListingCache | TopicCache] = []

    @property
    def docs(self) -> Path:
        return self.folder / "docs"

    @property
    def static(self) -> Path:
        return self.folder / "static"

    @property
    def staged_site(self) -> Path:
        return self.folder / "site"

    @property
    def raw_blocks(self) -> Path:
        return self.folder / "raw-blocks.json"

    @property
    def saved_rules(self) -> Path:
        return self.folder / SAVED_RULES

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lock for a build; its scratch goes if the build fails."""
        self.folder.mkdir(exist_ok=True)
        try:
            with platform.exclusive(self.folder / "lock"):
                try:
                    yield
                except BaseException:
                    self._drop_scratch()
                    raise
        except platform.Busy as err:
            raise DigestError(
                f"another digest build is running in {self.folder.parent}; wait for it to finish"
            ) from err

    def _drop_scratch(self) -> None:
        for name in _SCRATCH:
            with contextlib.suppress(OSError):
                remove_quietly(self.folder / name)
        for partial in self.folder.rglob("*.partial"):
            with contextlib.suppress(OSError):
                remove_quietly(partial)

    def forget_everything(self) -> None:
        """``--fresh``: every store and scratch file of earlier builds removed."""
        with self.locked():
            for entry in sorted(self.folder.iterdir()):
                if entry.name != "lock":
                    discard(entry)

    def fresh_folder(self, folder: Path) -> Path:
        """``folder`` (scratch) emptied for this build."""
        if folder.exists():
            discard(folder)
        folder.mkdir(parents=True)
        return folder

    # The stores, each opened once per build.

    def listings(
        self, fallback_date: dt.date | None, known: KnownSums | None = None
    ) -> ListingCache:
        store = ListingCache(self.folder / "listings", fallback_date, known)
        self._readings.append(store)
        return store

    def settled_catalog(self) -> SettledCatalog:
        """The papers of the settled listings (read before the lock, kept under it)."""
        return SettledCatalog(self.folder / "settled.sqlite")

    def topics(self, config: DigestConfig) -> TopicCache:
        store = TopicCache(self.folder / "topics", config)
        self._readings.append(store)
        return store

    def save_readings(self) -> None:
        """Keep this build's listing readings and topic matches (under the lock)."""
        for store in self._readings:
            store.save()

    def bibliography_prints(self) -> BibliographyPrints:
        return BibliographyPrints(self.folder / "bib-prints.json")

    def bib_entries(self) -> BibEntries:
        return BibEntries(self.folder / "bib-entries")

    def cards(self, salt: str) -> CardCache:
        return CardCache(self.folder / "cards", salt)

    def page_prints(
        self,
        env: jinja2.Environment,
        catalog: Catalog,
        salt: str,
        paper_print: Callable[[Paper], str],
        cached: Callable[[str, str], bool],
    ) -> PagePrints:
        return PagePrints(self.folder / "page-prints", env, catalog, salt, paper_print, cached)

    def pages(self, key: str, always: set[str]) -> PageCache:
        return PageCache(self.folder / "pages", key, always)

    @property
    def template_facts(self) -> Path:
        return self.folder / "template-facts.json"

    @property
    def paper_pages(self) -> Path:
        """The fingerprints of the paper pages the last build wrote (``site.paper_pages``)."""
        return self.folder / "paper-pages.json"

    def ranking_memory(self) -> RankingMemoryStore:
        return RankingMemoryStore(self.folder / "ranking.json")

    def shards(self) -> ShardStore:
        return ShardStore(self.folder / "search-cache")

    def __repr__(self) -> str:
        return f"BuildCache({self.folder})"
