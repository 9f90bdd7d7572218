"""Stage 4: turn the linked archive into pages (paths and bytes); write nothing.

:func:`render_site` makes every page of the site from a
:class:`~annotarium.link.LinkedArchive`: the home page, one page per article,
actor, place and topic, the indexes, the timeline, the quotes, the about and
404 pages, the static files of the templates and, when the site's address is
known, ``sitemap.xml`` and ``feed.xml``. Templates are Jinja2, searched in
:attr:`RenderOptions.template_dirs` in order, so an archive overrides any
built-in template by giving its own file the same name. Templates see the view
objects of :mod:`annotarium.render_context`; article bodies are built in
Python by :mod:`annotarium.render_article`.

Every link is relative (``../../actors/x/index.html``), so the site works from
disk as well as from a server; only ``404.html``, which a server shows at any
depth, links from the site root. The output depends on the archive only: no
clock, no randomness, every collection sorted.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from markupsafe import Markup

from annotarium import __version__
from annotarium.cache import content_digest
from annotarium.dates import parse_date
from annotarium.export import EXPORTS
from annotarium.link import LinkedArchive, Passage
from annotarium.markdown import LinkTargets, NoteRenderer, site_path
from annotarium.model import (
    ACTOR_KINDS,
    Actor,
    AnchoredArticle,
    DateRef,
    Mention,
    Quote,
)
from annotarium.render_article import InlineContext, render_article_body, separate_credit
from annotarium.render_context import (
    AboutView,
    ActorGroup,
    ActorsView,
    ActorView,
    Affiliation,
    ArticleRef,
    ArticleSummary,
    ArticleView,
    Count,
    DateView,
    Doorway,
    EntitiesView,
    EntityRef,
    EntityView,
    EventRef,
    EventView,
    HomeView,
    JsonLd,
    LegendEntry,
    NavItem,
    NotFoundView,
    Notice,
    PageMeta,
    PassageView,
    QuoteView,
    Related,
    SiteContext,
    TimelineView,
    TimelineYear,
    Urls,
    json_script,
    pretty_path,
    wikidata_url,
    xml_escape,
)
from annotarium.render_inputs import InputDigests
from annotarium.render_jobs import Page, encoded, run_jobs, view_digest
from annotarium.render_lists import ACTOR_KIND_SINGULAR, Lists, ListSpec
from annotarium.render_memo import (
    EntityKeys,
    PageMemo,
    Remembered,
    articles_key,
)
from annotarium.render_pictures import PictureCache, Pictures
from annotarium.render_search import search_page
from annotarium.render_templates import site_environment


@dataclass(frozen=True)
class RenderOptions:
    template_dirs: tuple[Path, ...]  # searched in order: the archive's own first, built-in last
    base_url: str = ""  # from config; '' = unknown
    live_reload_script: str | None = None  # when serving only: injected before </body>
    # Incremental builds: the digests of the previous build's pages, and a salt that
    # changes whenever anything besides the views can change a page (tool version,
    # templates, settings). None: render every page and compute no digests.
    previous_digests: Mapping[str, str] | None = None
    salt: str = ""
    article_inputs: Mapping[str, str] | None = None  # pages skipped unbuilt: render_inputs.py
    registry_files: str = ""  # a digest of the registry files, for the same
    search: bool = False  # the search page, and a search box on every page
    page_memo: PageMemo | None = None  # serve's memory of whole-archive pages: render_memo.py
    pictures: PictureCache | None = None  # the whole-archive pictures, by their data


def render_site(linked: LinkedArchive, options: RenderOptions) -> list[Page]:
    """Every page of the site, sorted by path."""
    return sorted(iter_pages(linked, options), key=lambda page: page.path)


def iter_pages(linked: LinkedArchive, options: RenderOptions) -> Iterator[Page]:
    """Every page of the site as it is made, in a fixed order (for writing as they come)."""
    return _SiteRenderer(linked, options).pages()


# --- constants -------------------------------------------------------------------------

LEGEND: tuple[LegendEntry, ...] = (
    LegendEntry("actor", "Actor", "A person, organisation, government, anonymous source or "
                "document named in the text. Links to everything the archive knows about them.",
                "Evans Revere"),
    LegendEntry("quote", "Quote", "Words the article quotes. The name after it links to the "
                "speaker.", "it has produced virtually nothing"),
    LegendEntry("term", "Term", "Words in quotation marks that quote nobody: a term the "
                "article holds at arm's length.", "denuclearization"),
    LegendEntry("event", "Date", "A date that refers to an event; links to the event on the "
                "timeline.", "late 2016"),
    LegendEntry("place", "Place", "A place named in the text.", "Hanoi"),
    LegendEntry("topic", "Topic", "Words that refer to a policy topic.", "sanctions relief"),
    LegendEntry("note", "Note", "An analyst's note on these words; the number leads to it, "
                "beside the text or below the paragraph.", "the Agreed Framework"),
)

ACTOR_KIND_LABELS = {"person": "People", "organisation": "Organisations",
                     "government": "Governments", "anonymous": "Anonymous sources",
                     "document": "Documents"}
COMPLETENESS_NOTICES = {
    "excerpt": ("Excerpt", "This is an excerpt: parts of the original are not included."),
    "truncated": ("Truncated", "The text breaks off before the original ends."),
    "assembled": ("Assembled", "Assembled from several copies of the original."),
}
RELATED_ACTORS = 12

NAV: tuple[tuple[str, str], ...] = (
    ("Articles", "index.html"), ("Timeline", "timeline/index.html"),
    ("Actors", "actors/index.html"), ("Quotes", "quotes/index.html"),
    ("Topics", "topics/index.html"), ("Places", "places/index.html"),
    ("About", "about/index.html"),
)


# --- the renderer --------------------------------------------------------------------


@dataclass(frozen=True)
class _ArticleStats:
    quotes: int
    terms: int
    actors: tuple[str, ...]
    places: tuple[str, ...]
    topics: tuple[str, ...]
    events: tuple[str, ...]
    notes: int


class _SiteRenderer:
    """Builds the views and renders the templates of one site; used once."""

    def __init__(self, linked: LinkedArchive, options: RenderOptions) -> None:
        self.linked = linked
        self.archive = archive = linked.anchored.archive
        self.config = archive.config
        self.options = options
        base = options.base_url.strip()
        self.base_url = base if not base or base.endswith("/") else base + "/"
        self.env = site_environment(options.template_dirs, options.salt)
        self.ld = JsonLd(archive, self.base_url)
        self.targets = LinkTargets(
            actors=frozenset(archive.actors), places=frozenset(archive.places),
            topics=frozenset(archive.topics), events=frozenset(archive.events),
            articles=frozenset(a.slug for a in linked.anchored.articles))
        self.notes = NoteRenderer(self.targets, allow_html=self.config.allow_html)
        self.articles = sorted(linked.anchored.articles, key=_article_order)
        self.article_index = {a.slug: i for i, a in enumerate(self.articles)}
        memo = options.page_memo
        self.article_refs = {a.slug: memo.article_value("ref", a, _article_ref) if memo
                             else _article_ref(a) for a in self.articles}
        self.stats = {a.slug: memo.article_value("stats", a, _stats) if memo else _stats(a)
                      for a in self.articles}
        self.cited_by: dict[str, list[Passage]] = {}
        for (slug, _), passages in linked.cited_by.items():
            self.cited_by.setdefault(slug, []).extend(passages)
        self.event_refs = {e.id: EventRef(e.id, e.title, DateView.of(e.date) if e.date else None)
                           for e in archive.events.values()}
        self.inputs = InputDigests.of(linked, self.articles, options)
        self.lists = Lists(self)
        self._entity_keys: EntityKeys | None = None  # serve's keys of entity pages
        self.pictures = Pictures(linked, options.pictures)

    # --- references ---

    def actor_ref(self, actor_id: str, detail: str = "") -> EntityRef:
        actor = self.archive.actors.get(actor_id)
        name = actor.name if actor else actor_id
        return EntityRef("actor", actor_id, name, f"actors/{actor_id}/index.html", detail)

    def place_ref(self, place_id: str) -> EntityRef:
        place = self.archive.places.get(place_id)
        return EntityRef("place", place_id, place.name if place else place_id,
                         f"places/{place_id}/index.html", (place.kind or "") if place else "")

    def topic_ref(self, topic_id: str) -> EntityRef:
        topic = self.archive.topics.get(topic_id)
        return EntityRef("topic", topic_id, topic.name if topic else topic_id,
                         f"topics/{topic_id}/index.html")

    def entity_ref(self, kind: str, ident: str) -> EntityRef:
        return {"actor": self.actor_ref, "place": self.place_ref,
                "topic": self.topic_ref}[kind](ident)

    def passage_view(self, passage: Passage) -> PassageView:
        return PassageView(self.article_refs[passage.article.slug], passage.anchor,
                           *passage.words(), passage.span.annotation.kind)

    def quote_view(self, passage: Passage, root: str) -> QuoteView:
        quote = passage.span.annotation
        assert isinstance(quote, Quote)
        speaker = self.actor_ref(quote.speaker) if quote.speaker else None
        cites = site_path(f"article:{quote.cites}", self.targets) if quote.cites else None
        note = self.notes.render(quote.note, root) if quote.note else None
        return QuoteView(quote.id, self.passage_view(passage), speaker, quote.quote_kind,
                         quote.context, note, cites)

    # --- pages ---

    def page_jobs(self) -> list[Callable[[], Page]]:
        """One job per HTML page, in the site's order; each makes its page alone."""
        jobs: list[Callable[[], Page]] = [self.home_page]
        jobs.extend(functools.partial(self.article_page, a) for a in self.articles)
        jobs.append(self.actors_page)
        jobs.extend(self.actor_job(actor) for _, actor in sorted(self.archive.actors.items()))
        for kind in ("place", "topic"):
            jobs.append(functools.partial(self.entities_page, kind))
            registry: Mapping[str, Any] = (self.archive.places if kind == "place"
                                           else self.archive.topics)
            jobs.extend(self.entity_job(kind, ident) for ident in sorted(registry))
        jobs.extend(self.lists.jobs())  # the later pages of long lists
        jobs.extend((self.timeline_job(), self.quotes_job(), self.about_page,
                     self.not_found_page))
        if self.options.search:
            jobs.append(functools.partial(search_page, self))
        return jobs

    def pages(self) -> Iterator[Page]:
        html_paths = []
        for page in self.run_page_jobs(self.page_jobs()):
            if page.kind != "404":
                html_paths.append(page.path)
            yield page
        yield from self.static_pages()
        if self.base_url:
            yield Page("sitemap.xml", self.sitemap(html_paths), "sitemap")
            yield Page("feed.xml", self.feed(), "feed")

    def site_context(self, path: str, urls: Urls | None = None) -> SiteContext:
        section = path.split("/", 1)[0] + "/" if "/" in path else path
        nav = tuple(NavItem(label, target, current=(target == path or (
            "/" in target and target.startswith(section) and section != "articles/")))
            for label, target in NAV)
        return SiteContext(
            title=self.config.title, description=self.config.description,
            language=self.config.language or "en", nav=nav,
            url=urls or Urls.relative(path), base_url=self.base_url,
            has_feed=bool(self.base_url), generator=f"Annotarium {__version__}",
            search=self.options.search)

    def render(self, template: str, meta: PageMeta, urls: Urls | None = None,
               known_digest: str = "", stream: bool = False, **views: Any) -> Page:
        digest = ""
        previous = self.options.previous_digests
        if previous is not None:  # equal views (and salt) give equal pages
            digest = view_digest(self.options.salt, template, meta, urls, views)
            unchanged = previous.get(meta.path, "").rpartition("/")[2] == digest
            digest = f"{known_digest}/{digest}" if known_digest else digest
            if unchanged:
                return Page(meta.path, None, meta.kind, digest)
        site = self.site_context(meta.path, urls)
        if self.base_url and meta.kind != "404":
            meta = _with_canonical(meta, self.base_url + pretty_path(meta.path))
        script = self.options.live_reload_script
        if stream and not script:  # made as it is written (see run_jobs)
            return Page(meta.path, encoded(self.env.get_template(template).generate(
                site=site, page=meta, **views)), meta.kind, digest)
        html = self.env.get_template(template).render(site=site, page=meta, **views)
        if script:
            head, found, tail = html.rpartition("</body>")
            html = head + script + found + tail if found else html + script
        return Page(meta.path, html.encode("utf-8"), meta.kind, digest)

    def describe(self, text: str | None, fallback: str) -> str:
        value = " ".join((text or "").split()) or fallback
        return value if len(value) <= 200 else value[:197].rsplit(" ", 1)[0] + "…"

    # home, about, 404

    def doorways(self) -> tuple[Doorway, ...]:
        archive, linked = self.archive, self.linked
        quotes = sum(s.quotes for s in self.stats.values())
        return (
            Doorway("Timeline", "timeline/index.html",
                    Count(len(archive.events), "event", "events"),
                    "Every event the articles refer to, in order, with the passages."),
            Doorway("Actors", "actors/index.html",
                    Count(len(archive.actors), "actor", "actors"),
                    "People, organisations and governments: what they said and where."),
            Doorway("Quotes", "quotes/index.html", Count(quotes, "quote", "quotes"),
                    "Every quotation, by speaker and by article."),
            Doorway("Topics", "topics/index.html",
                    Count(len(archive.topics), "topic", "topics"),
                    "The policy questions the articles return to."),
            Doorway("Places", "places/index.html",
                    Count(len(archive.places), "place", "places"),
                    "Where it happened." if linked.events_by_place or archive.places
                    else "Places named in the articles."),
        )

    def home_page(self) -> Page:
        summaries = tuple(
            ArticleSummary(self.article_refs[a.slug], a.article.meta.summary,
                           self.counts(a.slug))
            for a in self.articles)
        meta = PageMeta("index", "index.html", self.config.title,
                        self.describe(self.config.description, self.config.title),
                        json_ld=json_script(self.ld.website(self.config)))
        return self.render("index.html", meta, home=HomeView(summaries, self.doorways()),
                           pictures=self.pictures.home(meta.path))

    def counts(self, slug: str) -> tuple[Count, ...]:
        stats = self.stats[slug]
        return (Count(stats.quotes, "quote", "quotes"),
                Count(len(stats.actors), "actor", "actors"),
                Count(len(stats.events), "event", "events"))

    def about_page(self) -> Page:
        archive = self.archive
        counts = (
            Count(len(self.articles), "article", "articles"),
            Count(len(archive.actors), "actor", "actors"),
            Count(len(archive.events), "event", "events"),
            Count(sum(s.quotes for s in self.stats.values()), "quote", "quotes"),
            Count(sum(s.notes for s in self.stats.values()), "note", "notes"),
            Count(len(archive.topics), "topic", "topics"),
            Count(len(archive.places), "place", "places"),
        )
        meta = PageMeta("about", "about/index.html", "About this archive",
                        self.describe(f"How to read {self.config.title}: the marks in the "
                                      "articles, the data behind them and the tool.", ""))
        return self.render("about.html", meta,
                           about=AboutView(LEGEND, counts, __version__, EXPORTS))

    def not_found_page(self) -> Page:
        root = self.base_url or "/"
        meta = PageMeta("404", "404.html", "Page not found",
                        "This page is not in the archive.")
        return self.render("404.html", meta, Urls("404.html", root),
                           not_found=NotFoundView(self.doorways()))

    # articles

    def article_page(self, article: AnchoredArticle) -> Page:
        ref = self.article_refs[article.slug]
        path = ref.path
        known = self.inputs.article(article.slug) if self.inputs else ""
        if known and self.inputs and (kept := self.inputs.unchanged(path, known)):
            return Page(path, None, "article", kept)
        urls = Urls.relative(path)
        ctx = InlineContext(urls.root, self.archive.actors, self.archive.places,
                            self.archive.topics, self.archive.events, self.notes)
        body = render_article_body(article, ctx, self.targets)
        meta_data = article.article.meta
        text = article.article.text
        stats = self.stats[article.slug]
        notices = []
        if meta_data.completeness in COMPLETENESS_NOTICES:
            label, words = COMPLETENESS_NOTICES[meta_data.completeness]
            notices.append(Notice(label, words, "completeness"))
        if meta_data.provenance:
            notices.append(Notice("Provenance", meta_data.provenance, "provenance"))
        if meta_data.rights:
            notices.append(Notice("Rights", meta_data.rights, "rights"))
        legend = tuple(
            LegendEntry(e.kind, e.label, e.description, e.sample, e.kind in body.kinds)
            for e in LEGEND)
        cited = tuple(self.quote_view(p, urls.root)
                      for p in sorted(self.cited_by.get(article.slug, ()), key=self.passage_order))
        view = ArticleView(
            ref=ref, authors=meta_data.authors, summary=meta_data.summary,
            original_url=meta_data.url if _is_web_url(meta_data.url) else None,
            notices=tuple(notices),
            title_html=body.title if body.title is not None else Markup.escape(meta_data.title),
            title_notes=body.title_notes, caption_html=body.caption,
            caption_notes=body.caption_notes, caption_credit=separate_credit(text),
            body_html=body.body, note_count=len(body.notes), legend=legend,
            actors=tuple(sorted((self.actor_ref(a) for a in stats.actors),
                                key=lambda r: r.name.lower())),
            places=tuple(sorted((self.place_ref(p) for p in stats.places),
                                key=lambda r: r.name.lower())),
            topics=tuple(sorted((self.topic_ref(t) for t in stats.topics),
                                key=lambda r: r.name.lower())),
            events=tuple(sorted((self.event_refs[e] for e in stats.events
                                 if e in self.event_refs), key=_event_ref_order)),
            cited_by=cited, counts=self.counts(article.slug))
        description = self.describe(meta_data.summary, _article_fallback(ref))
        meta = PageMeta("article", path, meta_data.title, description, og_type="article",
                        json_ld=json_script(self.ld.article(article, view)),
                        scripts=("marks.js", "notes.js"),
                        published=ref.date.machine if ref.date else None)
        return self.render("article.html", meta, urls, known_digest=known, article=view)

    # actors

    def actors_page(self) -> Page:
        groups = []
        for kind in ACTOR_KINDS:
            members = sorted((a for a in self.archive.actors.values() if a.kind == kind),
                             key=lambda a: (a.name.lower(), a.id))
            if members:
                groups.append(ActorGroup(kind, ACTOR_KIND_LABELS[kind], tuple(
                    (self.actor_ref(a.id), self.actor_counts(a.id)) for a in members)))
        meta = PageMeta("actors", "actors/index.html", "Actors",
                        f"The {len(self.archive.actors)} people, organisations, governments, "
                        "sources and documents in the archive.")
        return self.render("actors.html", meta, pictures=self.pictures.network(meta.path),
                           actors=ActorsView(tuple(groups), len(self.archive.actors)))

    def actor_counts(self, actor_id: str) -> tuple[Count, ...]:
        linked = self.linked
        return (Count(len(linked.quotes_by_speaker.get(actor_id, ())), "quote", "quotes"),
                Count(len(linked.articles_by_entity.get(("actor", actor_id), ())),
                      "article", "articles"))

    def entity_keys(self, memo: PageMemo) -> EntityKeys:
        if self._entity_keys is None:
            self._entity_keys = EntityKeys(self.linked, self.articles, memo)
        return self._entity_keys

    def actor_job(self, actor: Actor) -> Remembered:
        return Remembered(f"actors/{actor.id}/index.html", "actor",
                          lambda memo: self.entity_keys(memo).key("actor", actor.id),
                          functools.partial(self._actor_page, actor))

    def _actor_page(self, actor: Actor) -> Page:
        linked = self.linked
        path = f"actors/{actor.id}/index.html"
        known = self.inputs.entity("actor", actor.id) if self.inputs else ""
        if known and self.inputs and (kept := self.inputs.unchanged(path, known)):
            return Page(path, None, "actor", kept)
        root = Urls.relative(path).root
        affiliations = tuple(Affiliation(self.actor_ref(a.actor), a.role)
                             for a in actor.affiliations)
        members = tuple(Affiliation(self.actor_ref(member), role) for member, role in
                        sorted(linked.affiliated_members.get(actor.id, ()),
                               key=lambda m: (self.actor_ref(m[0]).name.lower(), m[0])))
        lists = self.lists
        quotes = tuple(self.quote_view(p, root)
                       for p in lists.chunk(lists.quotes_of(actor.id), 1))
        quote_list, mention_list = ListSpec("actor", actor.id, "quotes"), ListSpec(
            "actor", actor.id, "mentions")
        related = tuple(Related(self.actor_ref(r.id), r.count)
                        for r in linked.co_mentioned.get(actor.id, ())[:RELATED_ACTORS])
        view = ActorView(
            ref=self.actor_ref(actor.id), kind=actor.kind,
            kind_label=ACTOR_KIND_SINGULAR.get(actor.kind, actor.kind),
            description=actor.description, source=actor.source,
            aliases=actor.aliases, wikidata=actor.wikidata,
            wikidata_url=wikidata_url(actor.wikidata), affiliations=affiliations,
            members=members, quotes=quotes, mentions=lists.groups("actor", actor.id, 1),
            events=tuple(self.event_refs[e] for e in linked.events_by_actor.get(actor.id, ())
                         if e in self.event_refs),
            related=related, quote_count=lists.entries(quote_list),
            mention_count=len(linked.mentions.get(("actor", actor.id), ())),
            article_count=lists.entries(mention_list),
            quote_pager=lists.pager(quote_list, 1, lists.titles(quote_list, actor.name)[1]),
            mention_pager=lists.pager(mention_list, 1,
                                      lists.titles(mention_list, actor.name)[1]))
        meta = PageMeta("actor", path, actor.name,
                        self.describe(actor.description, f"{actor.name} in the archive."),
                        og_type="profile" if actor.kind == "person" else "website",
                        json_ld=json_script(self.ld.actor(actor)))
        return self.render("actor.html", meta, known_digest=known, actor=view,
                           pictures=self.pictures.actor(actor.id, path))

    def passage_order(self, passage: Passage) -> tuple[int, int]:
        return (self.article_index.get(passage.article.slug, 0), passage.span.start)

    # places and topics

    def entities_page(self, kind: str) -> Page:
        registry: Mapping[str, Any] = (self.archive.places if kind == "place"
                                       else self.archive.topics)
        plural = "places" if kind == "place" else "topics"
        entries = []
        for ident, _ in sorted(registry.items(), key=lambda i: (i[1].name.lower(), i[0])):
            articles = len(self.linked.articles_by_entity.get((kind, ident), ()))
            events = len((self.linked.events_by_place if kind == "place"
                          else self.linked.events_by_topic).get(ident, ()))
            entries.append((self.entity_ref(kind, ident),
                            (Count(articles, "article", "articles"),
                             Count(events, "event", "events"))))
        title = plural.capitalize()
        meta = PageMeta(plural, f"{plural}/index.html", title,
                        f"The {len(registry)} {plural} the articles refer to.")
        return self.render(f"{plural}.html", meta, entities=EntitiesView(kind, tuple(entries)))

    def entity_job(self, kind: str, ident: str) -> Remembered:
        return Remembered(f"{'places' if kind == 'place' else 'topics'}/{ident}/index.html",
                          kind, lambda memo: self.entity_keys(memo).key(kind, ident),
                          functools.partial(self._entity_page, kind, ident))

    def _entity_page(self, kind: str, ident: str) -> Page:
        linked = self.linked
        entity: Any = (self.archive.places if kind == "place" else self.archive.topics)[ident]
        plural = "places" if kind == "place" else "topics"
        path = f"{plural}/{ident}/index.html"
        known = self.inputs.entity(kind, ident) if self.inputs else ""
        if known and self.inputs and (kept := self.inputs.unchanged(path, known)):
            return Page(path, None, kind, kept)
        events = (linked.events_by_place if kind == "place" else linked.events_by_topic)
        wikidata = getattr(entity, "wikidata", None)
        spec = ListSpec(kind, ident, "mentions")
        view = EntityView(
            ref=self.entity_ref(kind, ident), description=entity.description,
            aliases=entity.aliases, kind_label=getattr(entity, "kind", None),
            wikidata=wikidata, wikidata_url=wikidata_url(wikidata),
            mentions=self.lists.groups(kind, ident, 1),
            events=tuple(self.event_refs[e] for e in events.get(ident, ())
                         if e in self.event_refs),
            mention_count=len(linked.mentions.get((kind, ident), ())),
            article_count=self.lists.entries(spec),
            mention_pager=self.lists.pager(spec, 1, self.lists.titles(spec, entity.name)[1]))
        meta = PageMeta(kind, path, entity.name,
                        self.describe(entity.description, f"{entity.name} in the archive."),
                        json_ld=json_script(self.ld.entity(kind, entity)))
        return self.render(f"{kind}.html", meta, known_digest=known, entity=view)

    # timeline and quotes

    def run_page_jobs(self, jobs: list[Callable[[], Page]]) -> Iterator[Page]:
        """Run the jobs (in forked workers for large sites), pages in order. With serve's
        page memo, a :class:`Remembered` page whose input key equals the last build's is
        the page already written, and is not made; the keys are made and remembered here,
        in the main process, which keeps the memo."""
        memo, previous = self.options.page_memo, self.options.previous_digests
        if memo is None or previous is None:
            # the timeline, which grows with the archive, is written as it is made
            yield from run_jobs(jobs, {i: functools.partial(self._timeline_page, True)
                                       for i, job in enumerate(jobs)
                                       if getattr(job, "kind", "") == "timeline"})
            return
        plan: list[Page | tuple[str, object] | None] = []  # kept, or to remember, or neither
        todo: list[Callable[[], Page]] = []
        for job in jobs:
            if not isinstance(job, Remembered):
                plan.append(None)
                todo.append(job)
                continue
            inputs = (self.options.salt, job.key(memo))
            if kept := memo.kept(job.path, inputs, previous):
                plan.append(Page(job.path, None, job.kind, kept))
            else:
                plan.append((job.path, inputs))
                todo.append(job.make)
        made = run_jobs(todo)
        for item in plan:
            if isinstance(item, Page):
                yield item
                continue
            page = next(made)
            if item is not None:
                memo.remember(item[0], item[1], page.digest)
            yield page

    def timeline_job(self) -> Remembered:
        # of the registries, what pages show of entries other than their own (EntityKeys)
        return Remembered("timeline/index.html", "timeline", lambda memo: (
            self.entity_keys(memo).shared, articles_key(self.articles, (DateRef,), memo)),
            self._timeline_page)

    def _timeline_page(self, stream: bool = False) -> Page:
        years: dict[str, list[EventView]] = {}
        for entry in self.linked.timeline:
            event = entry.event
            view = EventView(
                ref=self.event_refs[event.id], description=event.description,
                actors=tuple(self.actor_ref(a) for a in event.actors),
                place=self.place_ref(event.place) if event.place else None,
                topics=tuple(self.topic_ref(t) for t in event.topics),
                passages=tuple(self.passage_view(p) for p in
                               sorted(entry.passages, key=self.passage_order)))
            key = str(event.date.year) if event.date else "Undated"
            years.setdefault(key, []).append(view)
        groups = tuple(TimelineYear(key, f"year-{key.lower()}", tuple(events),
                                    undated=key == "Undated")
                       for key, events in years.items())
        meta = PageMeta("timeline", "timeline/index.html", "Timeline",
                        f"The {len(self.linked.timeline)} events the articles refer to, "
                        "in order.")
        return self.render("timeline.html", meta, pictures=self.pictures.timeline(meta.path),
                           timeline=TimelineView(groups, len(self.linked.timeline)),
                           stream=stream)

    def quotes_job(self) -> Remembered:
        return Remembered("quotes/index.html", "quotes", lambda memo: (
            self.entity_keys(memo).shared, articles_key(self.articles, (Quote,), memo)),
            self._quotes_page)

    def _quotes_page(self) -> Page:
        view = self.lists.quotes_view("../")
        meta = PageMeta("quotes", "quotes/index.html", "Quotes",
                        f"Every quotation in the archive ({view.quote_count}), by speaker and "
                        "by article.")
        return self.render("quotes.html", meta, quotes=view)

    # static files, sitemap, feed

    def static_pages(self) -> list[Page]:
        found: dict[str, Path] = {}
        for directory in self.options.template_dirs:
            static = directory / "static"
            if not static.is_dir():
                continue
            for file in sorted(static.rglob("*")):
                relative = file.relative_to(static).as_posix()
                if file.is_file() and not any(part.startswith(".")
                                              for part in PurePosixPath(relative).parts):
                    found.setdefault(relative, file)
        previous = self.options.previous_digests or {}
        pages = []
        for name in sorted(found):
            # kept when its bytes are those the last build wrote (a build writes only
            # what changed, static files included)
            content: bytes | None = found[name].read_bytes()
            path, digest = f"static/{name}", content_digest(content)
            if previous.get(path) == digest:
                content = None
            pages.append(Page(path, content, "static", digest))
        return pages

    def sitemap(self, paths: Iterable[str]) -> bytes:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        lines.extend(f"  <url><loc>{xml_escape(self.base_url + pretty_path(path))}</loc></url>"
                     for path in sorted(paths))
        lines.append("</urlset>")
        return ("\n".join(lines) + "\n").encode("utf-8")

    def feed(self) -> bytes:
        dated = [a for a in self.articles if a.article.meta.published]
        newest = max((a.article.meta.published.date for a in dated  # type: ignore[union-attr]
                      ), default=dt.date(1970, 1, 1))

        def stamp(day: dt.date) -> str:
            return f"{day.isoformat()}T00:00:00Z"

        entries = []
        for article in self.articles:
            ref = self.article_refs[article.slug]
            url = self.base_url + pretty_path(ref.path)
            published = article.article.meta.published
            day = stamp(published.date) if published else stamp(newest)
            summary = article.article.meta.summary
            entries.append("\n".join(filter(None, (
                "  <entry>",
                f"    <title>{xml_escape(ref.title)}</title>",
                f'    <link rel="alternate" type="text/html" href="{xml_escape(url)}"/>',
                f"    <id>{xml_escape(url)}</id>",
                f"    <updated>{day}</updated>",
                f"    <published>{day}</published>" if published else "",
                *(f"    <author><name>{xml_escape(a)}</name></author>"
                  for a in article.article.meta.authors),
                f"    <summary>{xml_escape(summary)}</summary>" if summary else "",
                "  </entry>"))))
        head = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            f"  <title>{xml_escape(self.config.title)}</title>",
            f"  <subtitle>{xml_escape(self.config.description)}</subtitle>"
            if self.config.description else "",
            f'  <link rel="alternate" type="text/html" href="{xml_escape(self.base_url)}"/>',
            f'  <link rel="self" type="application/atom+xml" '
            f'href="{xml_escape(self.base_url)}feed.xml"/>',
            f"  <id>{xml_escape(self.base_url)}</id>",
            f"  <updated>{stamp(newest)}</updated>",
            f"  <author><name>{xml_escape(self.config.title)}</name></author>",
            f'  <generator version="{__version__}">Annotarium</generator>',
        ]
        return ("\n".join([*filter(None, head), *entries, "</feed>"]) + "\n").encode("utf-8")


# --- helpers -----------------------------------------------------------------------------


def _article_ref(article: AnchoredArticle) -> ArticleRef:
    """How pages link to an article: its title, path, publication and date."""
    meta = article.article.meta
    published = meta.published
    date = None
    if published is not None:
        date = DateView(_day_label(published.date), published.date.isoformat(),
                        inferred=published.inferred, reasoning=published.reasoning)
    publication = meta.publication or (article.article.text.masthead.name
                                       if article.article.text.masthead else None)
    return ArticleRef(article.slug, meta.title, f"articles/{article.slug}/index.html",
                      publication, date)


def _stats(article: AnchoredArticle) -> _ArticleStats:
    """How much of each kind is annotated in an article, in one pass over its spans."""
    quotes = terms = notes = 0
    actors: dict[str, None] = {}
    places: dict[str, None] = {}
    topics: dict[str, None] = dict.fromkeys(article.article.meta.topics)
    events: dict[str, None] = {}
    for span in article.spans:
        annotation = span.annotation
        if isinstance(annotation, Quote):
            if annotation.quote_kind == "term":
                terms += 1
            else:
                quotes += 1
            if annotation.speaker:
                actors[annotation.speaker] = None
            notes += bool(annotation.note)
        elif isinstance(annotation, Mention):
            {"actor": actors, "place": places, "topic": topics}[annotation.entity][
                annotation.ref] = None
        elif isinstance(annotation, DateRef):
            if annotation.event:
                events[annotation.event] = None
            notes += bool(annotation.note)
        elif annotation.kind == "note":
            notes += 1
    return _ArticleStats(quotes, terms, tuple(actors), tuple(places), tuple(topics),
                         tuple(events), notes)


def _article_order(article: AnchoredArticle) -> tuple[bool, int, str, str]:
    """Newest first; undated articles last; then by title."""
    published = article.article.meta.published
    ordinal = -published.date.toordinal() if published else 0
    return (published is None, ordinal, article.article.meta.title.lower(), article.slug)


def _event_ref_order(ref: EventRef) -> tuple[bool, str, str]:
    return (ref.date is None, ref.date.machine if ref.date else "", ref.title.lower())


def _day_label(day: dt.date) -> str:
    return parse_date(day.isoformat()).label


def _article_fallback(ref: ArticleRef) -> str:
    parts = [ref.title]
    if ref.publication:
        parts.append(f"— {ref.publication}")
    if ref.date:
        parts.append(f", {ref.date.label}")
    return " ".join(parts).replace(" ,", ",")


def _is_web_url(url: str | None) -> bool:
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def _with_canonical(meta: PageMeta, url: str) -> PageMeta:
    return replace(meta, canonical=url)
