"""Whole-archive pages remembered by their exact inputs, for a long-running ``serve``.

The quotes index and the timeline are made from every article. A build digests them by
their views (:func:`~annotarium.render_jobs.view_digest`), which means building those
views first: about a second at 2,000 articles, on every rebuild, usually to find the
page unchanged. Under ``serve`` the previous build's inputs are still in memory, so
each such page is instead remembered with an *input key*: a tuple of exactly what the
page is made from (the articles' texts, the spans it shows, the registries, the site's
order...). When the next build's key is equal, the page is the one already written and
is carried over unbuilt.

Comparing keys is cheap because unchanged articles are the very same objects as in
the previous build (the load memo keeps them): Python compares identical objects by
identity, so only an edited article's spans are compared by value. A key that cannot
be made (no memo) simply means the page is built and digested as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from annotarium.link import LinkedArchive
    from annotarium.model import AnchoredArticle
    from annotarium.render_jobs import Page

T = TypeVar("T")


@dataclass
class PageMemo:
    """Input keys and digests of the pages of the last build (kept by ``serve``)."""

    pages: dict[str, tuple[object, str]] = field(default_factory=dict)  # path -> (key, digest)
    hits: int = 0
    # (what, slug) -> (the Article and spans objects, the value made from them)
    values: dict[tuple[str, str], tuple[object, object, Any]] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)  # see interned()

    def article_value(self, what: str, article: AnchoredArticle,
                      make: Callable[[AnchoredArticle], T]) -> T:
        """``make(article)``, kept while the article (text and metadata) and its spans are
        the same objects (``make`` must read nothing else)."""
        known = self.values.get((what, article.slug))
        if known is not None and known[0] is article.article and known[1] is article.spans:
            return known[2]
        value = make(article)
        self.values[(what, article.slug)] = (article.article, article.spans, value)
        return value

    def interned(self, name: str, value: T) -> T:
        """``value``, or the equal value remembered under ``name`` by the last build: a part
        that many keys hold is then compared by identity, not again by value each time."""
        known = self.shared.get(name)
        if known is not None and known == value:
            return known
        self.shared[name] = value
        return value

    def kept(self, path: str, key: object, previous: Mapping[str, str] | None) -> str:
        """The digest of ``path`` if the last build made it from an equal key and wrote
        that very page (its digest is the one the cache records), else ''."""
        known = self.pages.get(path)
        if known is None or previous is None or previous.get(path) != known[1]:
            return ""
        if known[0] != key:
            return ""
        self.hits += 1
        return known[1]

    def remember(self, path: str, key: object, digest: str) -> None:
        if digest:
            self.pages[path] = (key, digest)


@dataclass(frozen=True)
class Remembered:
    """The job of a page that serve's page memo may hold: ``key(memo)`` is the page's
    input key. The renderer decides in the main process, before any page is made, which
    of these are kept (so that forked workers never need the memo), and remembers the
    others' keys as their pages come back. Called directly, it simply makes the page."""

    path: str
    kind: str
    key: Callable[[PageMemo], object]
    make: Callable[[], Page]

    def __call__(self) -> Page:
        return self.make()


def articles_key(articles: Sequence[AnchoredArticle], kinds: tuple[type, ...],
                 memo: PageMemo) -> tuple[object, ...]:
    """Per article, in the site's order: its metadata, its text (which passages quote
    around the spans) and its spans of the given annotation kinds. Each article's part is
    kept in ``memo`` with the article, so that an unchanged one is the same object."""
    what = "spans " + " ".join(kind.__name__ for kind in kinds)

    def part(article: AnchoredArticle) -> tuple[object, ...]:
        return (article.slug, article.article.meta, article.article.text,
                tuple(s for s in article.spans if isinstance(s.annotation, kinds)))

    return tuple(memo.article_value(what, a, part) for a in articles)


class EntityKeys:
    """Input keys of the actor, place and topic pages, and of the later pages of long
    lists, of one build (for :class:`PageMemo`).

    Such a page is made from the registries, the site's order of articles, and each
    article that it shows or that refers to it: the article's metadata, its text and every
    span but the analyst's notes, which only the article's own page shows (the inputs of
    :class:`~annotarium.render_inputs.InputDigests`, finer by leaving the notes out).
    So a note edit keeps all those pages, unbuilt; an edited quote or mention changes the
    keys of the pages that show it."""

    def __init__(self, linked: LinkedArchive, articles: Sequence[AnchoredArticle],
                 memo: PageMemo) -> None:
        self.linked = linked
        self.index = {a.slug: i for i, a in enumerate(articles)}
        archive = linked.archive
        # made once: every page's key holds these same objects. Of the registries, what
        # pages show of entries other than their own: names, kinds, aliases, affiliations,
        # Wikidata ids, and the events (a description, or a line number moved by an edit
        # above, changes only the entry's own page)
        self.shared = memo.interned("entity pages", (
            tuple(_entry(a, "description", "source") for a in archive.actors.values()),
            tuple(_entry(p, "description") for p in archive.places.values()),
            tuple(_entry(t, "description") for t in archive.topics.values()),
            tuple(_entry(e) for e in archive.events.values()),
            archive.config, tuple(self.index)))
        self.registries = {"actor": archive.actors, "place": archive.places,
                           "topic": archive.topics}
        self.parts = {a.slug: memo.article_value("entity", a, _shown_elsewhere) for a in articles}
        self.listing: dict[tuple[str, str], list[str]] = {}
        for article in articles:
            meta = article.article.meta
            for kind, ids in (("actor", meta.actors), ("place", meta.places),
                              ("topic", meta.topics)):
                for ident in ids:
                    self.listing.setdefault((kind, ident), []).append(article.slug)
        self.appears = {ident: len(slugs) for (kind, ident), slugs
                        in linked.articles_by_entity.items() if kind == "actor"}

    def key(self, kind: str, ident: str) -> tuple[object, ...]:
        """An actor's, place's or topic's page."""
        linked = self.linked
        slugs = set(linked.articles_by_entity.get((kind, ident), ()))
        # an article that lists an actor without mentioning it still counts for co-mentions
        slugs.update(self.listing.get((kind, ident), ()))
        # an actor's network picture sizes each co-mentioned actor by its article count
        neighbours = tuple((r.id, self.appears.get(r.id, 0))
                           for r in linked.co_mentioned.get(ident, ())) \
            if kind == "actor" else ()
        own = self.registries[kind].get(ident)
        return (kind, ident, _entry(own) if own is not None else None,
                self.articles(sorted(slugs, key=self.index.__getitem__)), neighbours)

    def articles(self, slugs: Sequence[str]) -> tuple[object, ...]:
        """A page that shows these articles (or parts of them), in this order."""
        return (self.shared, tuple(self.parts[s] for s in slugs))


def _entry(entry: object, *left_out: str) -> object:
    """A registry entry's values, nested ones included (affiliations, dates), but the
    positions of its YAML (for messages only) and the fields ``left_out``."""
    if isinstance(entry, tuple):
        return tuple(_entry(item) for item in entry)
    if not hasattr(entry, "__dataclass_fields__"):
        return entry
    return tuple(_entry(getattr(entry, f.name)) for f in fields(entry)  # type: ignore[arg-type]
                 if f.name not in ("location", "alias_locations", *left_out))


def _shown_elsewhere(article: AnchoredArticle) -> tuple[object, ...]:
    """What pages other than its own may show of an article: all but the notes."""
    from annotarium.model import Note

    return (article.slug, article.article.meta, article.article.text,
            tuple(s for s in article.spans if not isinstance(s.annotation, Note)))
