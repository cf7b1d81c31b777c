"""Paper cards: the ``paper_card`` macro rendered once per paper, day and prefix and
reused on every page that shows it (its day, its topics, its months, the top-of pages),
and across builds through a card store (``incremental.card_cache``) when given one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import jinja2
from markupsafe import Markup

from digest.model import Paper
from digest.site.page_globals import base_globals
from digest.site.plan import SitePlan

if TYPE_CHECKING:
    from digest.incremental.card_cache import PaperPrints


class CardStore(Protocol):
    """Cards kept across builds (``incremental.card_cache.CardCache``)."""

    @property
    def paper_print(self) -> PaperPrints:
        """Each paper's print, made once a build."""
        ...

    def card(
        self,
        paper: Paper,
        shown: Callable[[], str],
        listed_on: object,
        id_prefix: str,
        render: Callable[[], bytes],
    ) -> bytes: ...


# Stands for the way up from a page to the site root in a card rendered for every page.
# No listing text can hold it: readers drop control characters.
_ROOT_MARK = "\x00root\x00"


def _link_from_root(url: str) -> str:
    if not url or url.startswith("#"):
        raise ValueError(f"a paper card links to {url!r}; cards link to pages, not anchors")
    return _ROOT_MARK + url


class CardRenderer:
    def __init__(
        self, plan: SitePlan, env: jinja2.Environment, store: CardStore | None = None
    ) -> None:
        self.plan = plan
        self.env = env
        self.store = store
        self._cards: dict[tuple[str, dt.date | None, str, bool], bytes] = {}
        self._paper_card: Any = None
        # Kept after the cards are let go: the .bib files are keyed by the prints.
        self._printer = store.paper_print if store is not None else None

    def for_page(self, page_url: str) -> Callable[..., Markup]:
        """``card(paper, listed_on, id_prefix)``: the ``paper_card`` macro, rendered once per
        paper, day and prefix and reused on every page that shows it (its day, its topics,
        its months, the top-of pages). Its links are rendered from the site root behind a
        marker, which becomes the page's way up to the root: the only thing that differs
        between two pages showing the same card."""
        up = "../" * page_url.count("/")

        def card(
            paper: Paper, listed_on: dt.date | None = None, id_prefix: str = "", brief: bool = False
        ) -> Markup:
            key = (paper.key, listed_on, id_prefix, brief)
            kept = self._cards.get(key)
            if kept is None:
                # Kept as UTF-8: a str with one character beyond Latin-1 (a dash, a
                # Greek letter) takes 2 or 4 bytes a character; at 30,000 papers the
                # cards kept as str held 300 MB.
                kept = self._cards[key] = self._render_card(paper, listed_on, id_prefix, brief)
            return Markup(kept.decode().replace(_ROOT_MARK, up))

        return card

    def release(self) -> None:
        """Let go of the cards once every page is written: at 30,000 papers they hold
        150 MB that MkDocs, running next beside Pagefind, can use."""
        self._cards.clear()
        self.store = None

    def _shown(self, paper: Paper) -> str:
        """What a card shows of the catalog besides the paper: anchor, citation key, the
        titles of its topics, and the titles and places of its related papers."""
        return "\n".join(
            [
                self.plan.anchors[paper.key],
                self.plan.citations.keys[paper.key],
                *(self.plan.catalog.topic(slug).title for slug in paper.topic_slugs),
                *(
                    f"{other.title}\t{other.first_day}\t{self.plan.anchors[other.key]}"
                    for other in self.plan.related_to(paper)
                ),
            ]
        )

    def paper_print(self, paper: Paper) -> str:
        """The paper's part of the fingerprints of its cards and of the pages showing it."""
        printer = self._printer
        if printer is None:  # no store at all: the whole text stands for its print
            return repr(paper) + self._shown(paper)
        # Looked up before a closure is made: a build asks 130,000 times at 10,000 papers
        # (every page, card and .bib that shows one).
        printed = printer.made.get(paper.key)
        return printed if printed is not None else printer(paper, lambda: self._shown(paper))

    def _render_card(
        self, paper: Paper, listed_on: dt.date | None, id_prefix: str, brief: bool
    ) -> bytes:
        """The card from an earlier build if one shows exactly this, else rendered now."""

        def render() -> bytes:
            return str(self._card_macro()(paper, listed_on, id_prefix, brief)).encode()

        if self.store is None:
            return render()
        variant = f"{id_prefix}\tbrief" if brief else id_prefix
        return self.store.card(paper, lambda: self._shown(paper), listed_on, variant, render)

    def _card_macro(self) -> Any:
        if self._paper_card is None:
            template = self.env.get_template("partials/paper.html.j2")
            module_globals = base_globals(self.plan, "")
            module_globals["link"] = _link_from_root
            self._paper_card = getattr(template.make_module(module_globals), "paper_card")  # noqa: B009
        return self._paper_card
