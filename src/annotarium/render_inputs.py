"""Digests of what a page is made from, so that an unchanged page is skipped unbuilt.

An incremental build skips a page whose digest equals the previous build's. For
most pages that digest is of the page's view (:func:`~annotarium.render_jobs.view_digest`),
which means building the view, and for an article page that is most of the work of
rendering it. Article, actor, place and topic pages are instead digested by their
*inputs*, which are known before any view is built:

* an article page: its article's inputs (annotation file, text, the registry names
  its load read: see :mod:`annotarium.memo`), the articles whose quotes cite it
  (with their place in the site's order), the set of article slugs, and of the
  registries what links, marks and JSON-LD show (names, kinds, Wikidata ids, events);
* an actor, place or topic page: the registry files, the site's article order, and
  the inputs of every article that refers to it (mentions, quotes, listing, events);
  for an actor, also the article counts of the actors mentioned with it (its network
  picture sizes them by it);
* page 2 and on of a long list (:mod:`annotarium.render_lists`): the articles it
  shows, its place in the list, and the names and ids the article pages also use.

Each digest also takes the build's salt (tool version, templates, configuration,
settings). A page whose inputs are unknown (an article without a memo entry) gets
no input digest and falls back to its view digest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from annotarium.render_jobs import inputs_digest

if TYPE_CHECKING:
    from annotarium.link import LinkedArchive
    from annotarium.model import AnchoredArticle
    from annotarium.render import RenderOptions


class InputDigests:
    """Input digests of the pages of one build (see the module's description)."""

    def __init__(self, linked: LinkedArchive, articles: Sequence[AnchoredArticle],
                 article_inputs: Mapping[str, str], registry_files: str, salt: str,
                 previous: Mapping[str, str]) -> None:
        self.linked = linked
        self.previous = previous
        self.inputs = article_inputs
        self.salt = salt
        self.registry_files = registry_files
        self.index = {a.slug: i for i, a in enumerate(articles)}
        self.complete = all(a.slug in article_inputs for a in articles)
        self._shared: str | None = None
        self._order: str | None = None
        self._listing: dict[str, dict[str, list[str]]] | None = None
        self._cited_by: dict[str, list[str]] | None = None

    @classmethod
    def of(cls, linked: LinkedArchive, articles: Sequence[AnchoredArticle],
           options: RenderOptions) -> InputDigests | None:
        """The input digests for an incremental build with article inputs, else None."""
        if options.article_inputs is None or options.previous_digests is None:
            return None
        return cls(linked, articles, options.article_inputs, options.registry_files,
                   options.salt, options.previous_digests)

    def unchanged(self, path: str, digest: str) -> str:
        """The digest recorded for ``path`` if the previous build made it from the same
        inputs, else ''. A page's recorded digest is ``INPUTS/VIEW`` when it has both: a
        page whose inputs changed is built, and still kept when its view did not."""
        recorded = self.previous.get(path, "")
        return recorded if recorded.partition("/")[0] == digest else ""

    # --- article pages ---

    def article(self, slug: str) -> str:
        """The input digest of an article page ('' when unknown)."""
        if not self.complete or slug not in self.inputs:
            return ""
        if self._cited_by is None:
            self._cited_by = {}
            for (cited, _), passages in self.linked.cited_by.items():
                self._cited_by.setdefault(cited, []).extend(p.article.slug for p in passages)
        citing = sorted((self.index.get(s, -1), self.inputs[s])
                        for s in self._cited_by.get(slug, ()))
        return inputs_digest(self.salt, ("article.html", self.inputs[slug], self.shared(),
                                         tuple(citing)))

    def shared(self) -> str:
        """What every article page may show of the rest of the archive: the slugs (links to
        articles) and, of the registries, what links, marks and JSON-LD use (names, kinds,
        Wikidata ids, the events); not descriptions or affiliations, which only the
        registries' own pages show."""
        if self._shared is None:
            archive = self.linked.archive
            self._shared = inputs_digest("", (
                tuple(sorted(self.inputs)),
                tuple((a.id, a.name, a.kind, a.wikidata or "")
                      for _, a in sorted(archive.actors.items())),
                tuple((p.id, p.name, p.kind or "", p.wikidata or "")
                      for _, p in sorted(archive.places.items())),
                tuple((t.id, t.name) for _, t in sorted(archive.topics.items())),
                tuple(repr((e.id, e.title, e.date, e.actors, e.place, e.topics, e.description))
                      for _, e in sorted(archive.events.items()))))
        return self._shared

    # --- actor, place and topic pages ---

    def entity(self, kind: str, ident: str) -> str:
        """The input digest of an actor, place or topic page ('' when unknown)."""
        if not self.complete or not self.registry_files:
            return ""
        slugs = set(self.linked.articles_by_entity.get((kind, ident), ()))
        # an article that lists an actor without mentioning it still counts for co-mentions
        slugs.update(self.listing(kind).get(ident, ()))
        refs = tuple(sorted((self.index.get(s, -1), s, self.inputs.get(s, "")) for s in slugs))
        # an actor's network picture sizes each co-mentioned actor by its article count
        neighbours = tuple((r.id, len(self.linked.articles_by_entity.get(("actor", r.id), ())))
                           for r in self.linked.co_mentioned.get(ident, ())) \
            if kind == "actor" else ()
        return inputs_digest(self.salt, (f"{kind}.html", ident, self.registry_files,
                                         self.order(), refs, neighbours))

    # --- the later pages of long lists ---

    def list_page(self, which: tuple[str, str, str], number: int, count: int,
                  slugs: Sequence[str], offset: int) -> str:
        """The input digest of page ``number`` (≥ 2) of a long list (``which``: owner kind,
        id, list; see :mod:`annotarium.render_lists`): only the articles the page shows,
        in order, with ``offset``, how many of the first one's entries earlier pages
        hold; the number of pages (its pager); and what :meth:`shared` covers (the names
        in its links). Not the other articles of the list, nor the registries'
        descriptions, which only the first page shows ('' when unknown)."""
        if not self.complete or any(s not in self.inputs for s in slugs):
            return ""
        return inputs_digest(self.salt, ("list.html", which, number, count, offset,
                                         self.shared(),
                                         tuple((s, self.inputs[s]) for s in slugs)))

    def listing(self, kind: str) -> dict[str, list[str]]:
        """Entity id -> slugs of the articles that list it at the top of their file."""
        if self._listing is None:
            self._listing = {"actor": {}, "place": {}, "topic": {}}
            for article in self.linked.anchored.articles:
                meta = article.article.meta
                for key, ids in (("actor", meta.actors), ("place", meta.places),
                                 ("topic", meta.topics)):
                    for ident in ids:
                        self._listing[key].setdefault(ident, []).append(article.slug)
        return self._listing.get(kind, {})

    def order(self) -> str:
        """The site's article order (which orders passages and groups on every page)."""
        if self._order is None:
            self._order = inputs_digest("", tuple(sorted(self.index.items(),
                                                         key=lambda item: item[1])))
        return self._order
