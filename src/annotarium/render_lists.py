"""Long lists, page by page: an actor's quotes, the articles that refer to an actor, a
place or a topic, and the quotes page's lists by article and of terms.

A list shows ``page_size`` entries a page (``annotarium.yaml``, 50 by default): quotes
in an actor's list of quotes, articles in the others. Its first page is its section of
the owner's page (``actors/<id>/index.html#actor--quotes``); page *n* ≥ 2 is a page of
its own, a file beside it, ``<owner's folder>/<list>-<n>.html``:

* ``actors/<id>/quotes-<n>.html`` and ``actors/<id>/mentions-<n>.html``;
* ``places/<id>/mentions-<n>.html`` and ``topics/<id>/mentions-<n>.html``;
* ``quotes/by-article-<n>.html`` and ``quotes/terms-<n>.html``.

Files rather than folders of their own (``…/quotes/page/2/index.html``): a large archive
has thousands of these pages, and every folder costs the writer, which swaps in a new
tree on each build, about as much again as a page.

Each later page is made by a job of its own, and an incremental build skips it unbuilt
when the articles it shows did not change
(:meth:`~annotarium.render_inputs.InputDigests.list_page`), so that an edit re-renders
the pages that show the edited article, not the whole list.

Entries keep the site's order: articles newest first, an article's words in the
order of its text. The lists of articles are cut between articles, never inside one,
so that adding or removing a passage in an article that is already listed shifts no
page; editing a note or a quote's words changes only the pages that show its article.
Adding an article, or one that newly refers to the thing, shifts the pages after it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotarium.link import Passage, passage
from annotarium.model import Quote
from annotarium.render_context import (
    ArticlePassages,
    ListPageView,
    PageLink,
    PageMeta,
    Pager,
    QuoteGroup,
    QuotesView,
)
from annotarium.render_jobs import Page
from annotarium.render_memo import Remembered

if TYPE_CHECKING:
    from annotarium.render import _SiteRenderer
    from annotarium.render_memo import PageMemo

PASSAGES_PER_ARTICLE = 3  # on entity pages, per article; the rest are counted
QUOTES_INDEX_FULL = 1000  # up to this many quotes, the quotes page lists every one by speaker
QUOTES_PER_GROUP = 5  # beyond it, each speaker's first quotes, and a link to the rest
PAGER_AROUND = 2  # page links either side of the current one; then the first and the last

ACTOR_KIND_SINGULAR = {"person": "Person", "organisation": "Organisation",
                       "government": "Government", "anonymous": "Anonymous source",
                       "document": "Document"}
OWNER_FOLDERS = {"actor": "actors", "place": "places", "topic": "topics"}


@dataclass(frozen=True)
class ListSpec:
    """One long list: whose it is and which of its lists."""

    owner: str  # "actor" | "place" | "topic" | "quotes"
    ident: str  # the actor's, place's or topic's id; "" for the quotes page
    key: str  # "quotes" | "mentions" | "by-article" | "terms"

    @property
    def owner_path(self) -> str:
        if self.owner == "quotes":
            return "quotes/index.html"
        return f"{OWNER_FOLDERS[self.owner]}/{self.ident}/index.html"

    @property
    def fragment(self) -> str:
        """The id of the list's section on the first page."""
        if self.owner == "quotes":
            return self.key
        return f"{'actor' if self.owner == 'actor' else 'entity'}--{self.key}"

    def path(self, number: int) -> str:
        """The path of page ``number`` (from 1) of the list."""
        if number == 1:
            return self.owner_path
        folder = self.owner_path[: -len("index.html")]
        return f"{folder}{self.key}-{number}.html"


def page_count(entries: int, size: int) -> int:
    """How many pages ``entries`` take (at least one, the owner's page)."""
    return max(1, -(-entries // size))


def pager_numbers(number: int, count: int) -> list[int]:
    """The pages a pager links to, seen from page ``number`` of ``count``: the first, the
    last and :data:`PAGER_AROUND` either side of this one, with 0 for a gap of more than
    one page, so that a pager stays small however long the list: ``pager_numbers(6, 20)``
    is ``[1, 0, 4, 5, 6, 7, 8, 0, 20]``."""
    shown = sorted({1, count, *range(max(1, number - PAGER_AROUND),
                                     min(count, number + PAGER_AROUND) + 1)})
    numbers: list[int] = []
    for previous, n in zip([0, *shown], shown, strict=False):
        if n - previous > 1:
            numbers.append(previous + 1 if n - previous == 2 else 0)  # no gap for one page
        numbers.append(n)
    return numbers


class Lists:
    """The long lists of one site: their entries in order, their pages and pagers. One per
    renderer; what it computes for a list is kept for the list's other pages."""

    def __init__(self, renderer: _SiteRenderer) -> None:
        self.r = renderer
        self.size = renderer.config.page_size
        self._quotes: dict[str, list[Passage]] = {}
        self._articles: dict[tuple[str, str], list[str]] = {}
        self._passages: dict[tuple[str, str], dict[str, list[Passage]]] = {}
        self._counts: dict[ListSpec, int] = {}
        self._quoting: dict[str, list[str]] = {}  # "by-article"/"terms" -> slugs, in order

    # --- the entries of each list, in order ---

    def quotes_of(self, actor_id: str) -> list[Passage]:
        """An actor's quotes in the site's order."""
        if actor_id not in self._quotes:
            self._quotes[actor_id] = sorted(self.r.linked.quotes_by_speaker.get(actor_id, ()),
                                            key=self.r.passage_order)
        return self._quotes[actor_id]

    def articles_of(self, kind: str, ident: str) -> list[str]:
        """The slugs of the articles that refer to a thing, in the site's order: those that
        name it, and those that refer to it otherwise (a quote, an event, the list at the
        top of the file), which the link stage's ``articles_by_entity`` holds too."""
        key = (kind, ident)
        if key not in self._articles:
            index = self.r.article_index
            self._articles[key] = sorted(
                (s for s in self.r.linked.articles_by_entity.get(key, ()) if s in index),
                key=index.__getitem__)
        return self._articles[key]

    def passages_in(self, kind: str, ident: str) -> dict[str, list[Passage]]:
        """The passages that name a thing, by article (only for the pages that show them:
        which articles a page holds is known without them). Only the last thing's are kept:
        its pages are made one after the other, and kept for every thing they would be a
        second copy of the graph's mentions in each render worker (80 MiB at 20,000
        articles)."""
        key = (kind, ident)
        if key not in self._passages:
            by_slug: dict[str, list[Passage]] = {}
            for item in self.r.linked.mentions.get(key, ()):
                by_slug.setdefault(item.article.slug, []).append(item)
            self._passages = {key: by_slug}
        return self._passages[key]

    def quoting(self, key: str) -> list[str]:
        """The slugs of the articles with quotes (``key`` "by-article") or terms ("terms"),
        in the site's order, from the renderer's per-article counts: a page of the list
        looks only at its own articles' spans."""
        if key not in self._quoting:
            stats = self.r.stats
            self._quoting[key] = [a.slug for a in self.r.articles
                                  if (stats[a.slug].terms if key == "terms"
                                      else stats[a.slug].quotes)]
        return self._quoting[key]

    def entries(self, spec: ListSpec) -> int:
        """How many entries a list has, without building it (for its number of pages)."""
        if spec.owner == "quotes":
            if spec not in self._counts:
                stats = self.r.stats.values()
                self._counts[spec] = sum(1 for s in stats
                                         if (s.terms if spec.key == "terms" else s.quotes))
            return self._counts[spec]
        if spec.key == "quotes":
            return len(self.r.linked.quotes_by_speaker.get(spec.ident, ()))
        return len(self.articles_of(spec.owner, spec.ident))

    def pages(self, spec: ListSpec) -> int:
        return page_count(self.entries(spec), self.size)

    def chunk(self, items: Sequence, number: int) -> Sequence:
        return items[(number - 1) * self.size : number * self.size]

    # --- views of one page of a list ---

    def groups(self, kind: str, ident: str, number: int) -> tuple[ArticlePassages, ...]:
        """Page ``number`` of the articles that refer to a thing, with a few passages each."""
        by_slug = self.passages_in(kind, ident)
        result = []
        for slug in self.chunk(self.articles_of(kind, ident), number):
            items = by_slug.get(slug, [])
            shown = tuple(self.r.passage_view(p) for p in items[:PASSAGES_PER_ARTICLE])
            result.append(ArticlePassages(self.r.article_refs[slug], shown,
                                          max(0, len(items) - PASSAGES_PER_ARTICLE)))
        return tuple(result)

    def quote_groups(self, key: str, number: int, root: str) -> tuple[QuoteGroup, ...]:
        """Page ``number`` of the quotes page's list by article (``key`` "by-article") or
        of terms ("terms")."""
        terms = key == "terms"
        result = []
        for slug in self.chunk(self.quoting(key), number):
            article = self.r.articles[self.r.article_index[slug]]
            spans = [s for s in article.spans if isinstance(s.annotation, Quote)
                     and (s.annotation.quote_kind == "term") == terms]
            ref = self.r.article_refs[article.slug]
            views = tuple(self.r.quote_view(passage(article, s), root) for s in spans)
            anchor = f"{'terms' if key == 'terms' else 'article'}-{article.slug}"
            result.append(QuoteGroup(ref.title, ref.path, anchor, views, ref.publication or "",
                                     len(spans)))
        return tuple(result)

    def pager(self, spec: ListSpec, number: int, label: str) -> Pager | None:
        """The links between the pages of a list, seen from page ``number``; None when the
        list fits on one page."""
        count = self.pages(spec)
        if count <= 1:
            return None

        def link(n: int) -> PageLink:
            return PageLink(n, spec.path(n), spec.fragment if n == 1 else "", n == number)

        links = tuple(link(n) if n else PageLink(0, None) for n in pager_numbers(number, count))
        return Pager(label, number, count, links,
                     link(number - 1) if number > 1 else None,
                     link(number + 1) if number < count else None)

    # --- the later pages ---

    def specs(self) -> list[ListSpec]:
        """Every long list of the site, in the order of their owners' pages."""
        archive = self.r.archive
        specs = []
        for actor_id in sorted(archive.actors):
            specs += [ListSpec("actor", actor_id, "quotes"), ListSpec("actor", actor_id,
                                                                        "mentions")]
        specs += [ListSpec("place", i, "mentions") for i in sorted(archive.places)]
        specs += [ListSpec("topic", i, "mentions") for i in sorted(archive.topics)]
        return [*specs, ListSpec("quotes", "", "by-article"), ListSpec("quotes", "", "terms")]

    def jobs(self) -> list[Callable[[], Page]]:
        """One job for each page after the first of every long list."""
        return [self.later_job(spec, number)
                for spec in self.specs() for number in range(2, self.pages(spec) + 1)]

    def later_job(self, spec: ListSpec, number: int) -> Remembered:
        """The job of page ``number`` ≥ 2 of a list."""
        return Remembered(spec.path(number), "list",
                          lambda memo: self.input_key(memo, spec, number),
                          functools.partial(self._later_page, spec, number))

    def _later_page(self, spec: ListSpec, number: int) -> Page:
        path = spec.path(number)
        known = self.input_digest(spec, number)
        if known and self.r.inputs and (kept := self.r.inputs.unchanged(path, known)):
            return Page(path, None, "list", kept)
        root = "../" * path.count("/")
        owner, kicker = self.owner_names(spec)
        title, label = self.titles(spec, owner)
        pager = self.pager(spec, number, label)
        assert pager is not None
        if spec.owner == "quotes":
            view = ListPageView(owner, spec.owner_path, kicker, title, "quote-groups", pager,
                                quote_groups=self.quote_groups(spec.key, number, root),
                                terms=spec.key == "terms")
        elif spec.key == "quotes":
            view = ListPageView(owner, spec.owner_path, kicker, title, "quotes", pager,
                                quotes=tuple(self.r.quote_view(p, root) for p in
                                             self.chunk(self.quotes_of(spec.ident), number)))
        else:
            view = ListPageView(owner, spec.owner_path, kicker, title, "groups", pager,
                                groups=self.groups(spec.owner, spec.ident, number))
        meta = PageMeta("list", path, f"{title}, page {number} of {pager.count}",
                        f"{title}: page {number} of {pager.count}.")
        return self.r.render("list.html", meta, known_digest=known, listing=view)

    def owner_names(self, spec: ListSpec) -> tuple[str, str]:
        """The name of a list's owner, and the kind of page it is ("Person", "Place")."""
        if spec.owner == "quotes":
            return "Quotes", "Quotes"
        if spec.owner == "actor":
            actor = self.r.archive.actors.get(spec.ident)
            kind = actor.kind if actor else ""
            return self.r.actor_ref(spec.ident).name, ACTOR_KIND_SINGULAR.get(kind, kind)
        return self.r.entity_ref(spec.owner, spec.ident).name, spec.owner.capitalize()

    @staticmethod
    def titles(spec: ListSpec, owner: str) -> tuple[str, str]:
        """A list's title, and the name of its pages' navigation."""
        if spec.owner == "quotes":
            return (("Terms", "Pages of terms") if spec.key == "terms"
                    else ("Quotes by article", "Pages of quotes by article"))
        if spec.key == "quotes":
            return f"Quotes by {owner}", f"Pages of quotes by {owner}"
        return f"{owner} in the articles", f"Pages of articles that refer to {owner}"

    def page_articles(self, spec: ListSpec, number: int) -> tuple[list[str], int]:
        """The articles page ``number`` ≥ 2 shows, in order, and for quotes how many of the
        first one's entries earlier pages hold."""
        offset = 0
        if spec.owner == "quotes":
            slugs = list(self.chunk(self.quoting(spec.key), number))
        elif spec.key == "quotes":
            quotes = self.quotes_of(spec.ident)
            start = (number - 1) * self.size
            chunk = quotes[start : start + self.size]
            slugs = list(dict.fromkeys(p.article.slug for p in chunk))
            while start - offset > 0 and quotes[start - offset - 1].article.slug == slugs[0]:
                offset += 1
        else:
            slugs = list(self.chunk(self.articles_of(spec.owner, spec.ident), number))
        return slugs, offset

    def input_digest(self, spec: ListSpec, number: int) -> str:
        """The input digest of page ``number`` ≥ 2: the articles it shows, and for quotes
        where the page starts in its first article ('' when unknown)."""
        inputs = self.r.inputs
        if inputs is None:
            return ""
        slugs, offset = self.page_articles(spec, number)
        return inputs.list_page((spec.owner, spec.ident, spec.key), number, self.pages(spec),
                                slugs, offset)

    def input_key(self, memo: PageMemo, spec: ListSpec, number: int) -> tuple[object, ...]:
        """The input key of page ``number`` ≥ 2 for serve's page memo (see
        :class:`~annotarium.render_memo.EntityKeys`)."""
        slugs, offset = self.page_articles(spec, number)
        return (spec, number, self.pages(spec), offset,
                self.r.entity_keys(memo).articles(slugs))

    # --- the first page of the quotes page's lists ---

    def quotes_view(self, root: str) -> QuotesView:
        """The quotes page: every speaker's quotes (the first few of each when the archive
        has more than :data:`QUOTES_INDEX_FULL`), and the first page of quotes by article
        and of terms."""
        r = self.r
        total = sum(len(v) for v in r.linked.quotes_by_speaker.values())
        cap = None if total <= QUOTES_INDEX_FULL else QUOTES_PER_GROUP
        by_speaker = []
        for speaker in sorted(r.linked.quotes_by_speaker,
                              key=lambda s: (r.actor_ref(s).name.lower(), s)):
            said = [p for p in self.quotes_of(speaker)
                    if getattr(p.span.annotation, "quote_kind", "") != "term"]
            if said:
                ref = r.actor_ref(speaker)
                actor = r.archive.actors.get(speaker)
                by_speaker.append(QuoteGroup(
                    ref.name, ref.path, f"speaker-{speaker}",
                    tuple(r.quote_view(p, root) for p in said[:cap]),
                    ACTOR_KIND_SINGULAR.get(actor.kind, "") if actor else "", len(said)))
        stats = r.stats.values()
        by_article = ListSpec("quotes", "", "by-article")
        terms = ListSpec("quotes", "", "terms")
        return QuotesView(
            tuple(by_speaker), self.quote_groups("by-article", 1, root),
            self.quote_groups("terms", 1, root),
            sum(s.quotes for s in stats), sum(s.terms for s in stats),
            article_pager=self.pager(by_article, 1, self.titles(by_article, "")[1]),
            term_pager=self.pager(terms, 1, self.titles(terms, "")[1]),
            article_total=len(self.quoting("by-article")),
            term_article_total=len(self.quoting("terms")))
