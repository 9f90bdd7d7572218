"""The search page (``search/index.html``): the form, the facets and where results go.

The page is plain HTML that works without JavaScript as far as it can: its form
is an ordinary GET form, and the search box on every other page submits to it.
``static/search.js`` does the searching, with the Pagefind index that the search
stage writes into ``pagefind/`` (see :mod:`annotarium.search`); on ``file://``,
where browsers do not let a page load the index, it says so and points to
``annotarium serve``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotarium.render_context import PageMeta

if TYPE_CHECKING:
    from annotarium.render import Page, _SiteRenderer

SEARCH_PATH = "search/index.html"


@dataclass(frozen=True)
class Facet:
    """A Pagefind filter the results can be narrowed by: its key and its label."""

    key: str
    label: str


@dataclass(frozen=True)
class SearchView:
    facets: tuple[Facet, ...]
    bundle: str  # the primary Pagefind bundle's folder, from the site root
    kinds: tuple[tuple[str, str], ...]  # kind -> label, for the results


FACETS = (
    Facet("kind", "Kind"),
    Facet("speaker", "Speaker"),
    Facet("actor", "Actor"),
    Facet("topic", "Topic"),
    Facet("article", "Article"),
    Facet("year", "Year"),
)
KIND_LABELS = (
    ("article", "Article"),
    ("quote", "Quote"),
    ("note", "Note"),
    ("actor", "Actor"),
    ("event", "Event"),
)


def search_page(renderer: _SiteRenderer) -> Page:
    """The search page of the site."""
    meta = PageMeta(
        "search",
        SEARCH_PATH,
        "Search",
        f"Search the articles, quotes, notes, actors and events of {renderer.config.title}.",
        scripts=("search.js",),
    )
    return renderer.render("search.html", meta, search=SearchView(FACETS, "pagefind/", KIND_LABELS))
