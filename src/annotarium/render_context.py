"""The values templates see: one documented view object per page kind.

Every template gets ``site`` (:class:`SiteContext`: the archive's title, the
navigation and the URL helper for the page being rendered) and ``page``
(:class:`PageMeta`: title, description, canonical URL). Each page kind adds its
own view: ``article`` (:class:`ArticleView`), ``actor`` (:class:`ActorView`),
``actors`` (:class:`ActorsView`), ``quotes`` (:class:`QuotesView`),
``timeline`` (:class:`TimelineView`), ``entity`` (:class:`EntityView`, for a
place or a topic), ``entities`` (:class:`EntitiesView`), ``home``
(:class:`HomeView`) and ``about`` (:class:`AboutView`).

Views hold paths from the site root (``actors/kim-jong-un/index.html``);
templates turn them into links relative to the current page with the ``url``
filter: ``{{ ref.path | url }}`` or ``{{ passage.path | url(passage.anchor) }}``.
Strings are plain text (the templates escape them); values typed
:class:`~markupsafe.Markup` are HTML built by the renderer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from annotarium.dates import DateValue
from annotarium.model import Actor, AnchoredArticle, Archive, Event, Quote, SiteConfig

# --- the URL helper ------------------------------------------------------------------


@dataclass(frozen=True)
class Urls:
    """Links from one page to any other, relative so the site works from ``file://``.

    Directory pages are linked as ``.../index.html``, because a browser reading
    files from disk does not open a folder's ``index.html`` by itself.
    """

    page: str  # this page's path from the site root, e.g. "articles/x/index.html"
    root: str  # the prefix that leads to the site root: "", "../", "../../", or absolute

    @classmethod
    def relative(cls, page: str) -> Urls:
        return cls(page, "../" * page.count("/"))

    def __call__(self, path: str, fragment: str = "") -> str:
        """The link to ``path`` (from the site root), with an optional ``#fragment``."""
        if path == self.page and fragment:
            return f"#{fragment}"
        return f"{self.root}{path}" + (f"#{fragment}" if fragment else "")


def pretty_path(path: str) -> str:
    """The path a server shows for a page: ``actors/x/index.html`` → ``actors/x/``."""
    if path == "index.html":
        return ""
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def json_script(value: Any) -> Markup:
    """JSON safe inside ``<script>``: no annotation text can close the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=None)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return Markup(text)


# Characters XML 1.0 does not allow at all (control characters a text export may hold),
# listed rather than as the complement of the allowed ranges, which compiles 10× slower.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_escape(value: str) -> str:
    """Text safe in XML content and in a double-quoted attribute (sitemap, feed).

    Written out rather than ``xml.sax.saxutils.escape``, which would import
    ``urllib.request``, ``http.client`` and ``ssl``: a fifth of a small build's imports."""
    return (_NOT_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


# --- every page --------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    """One entry of the site navigation."""

    label: str
    path: str
    current: bool = False


@dataclass(frozen=True)
class SiteContext:
    """The archive as every page sees it, and the URL helper for the page being rendered."""

    title: str
    description: str
    language: str
    nav: tuple[NavItem, ...]
    url: Urls
    base_url: str = ""  # absolute, ending in "/"; "" when unknown
    has_feed: bool = False
    generator: str = "Annotarium"
    search: bool = False  # the site has a search page (search/index.html)

    def static(self, name: str) -> str:
        """The link to a file of ``static/``."""
        return self.url(f"static/{name}")


@dataclass(frozen=True)
class PageMeta:
    """What the ``<head>`` says about a page."""

    kind: str  # the Page kind: "article", "actor", ...
    path: str
    title: str
    description: str
    og_type: str = "website"  # "article" for articles, "profile" for people
    canonical: str | None = None  # absolute URL, only when base_url is set
    json_ld: Markup | None = None  # already escaped for <script>
    scripts: tuple[str, ...] = ()  # names in static/, loaded with defer
    published: str | None = None  # ISO date, for article:published_time


# --- references and passages ---------------------------------------------------------


@dataclass(frozen=True)
class EntityRef:
    """A link to an actor, place or topic page."""

    kind: str  # "actor" | "place" | "topic"
    id: str
    name: str
    path: str
    detail: str = ""  # a short qualifier, e.g. the actor's kind or a role


@dataclass(frozen=True)
class DateView:
    """A date as shown: ``label`` for people, ``machine`` for ``<time datetime>``."""

    label: str
    machine: str
    approximate: bool = False
    precision: str = "day"
    inferred: bool = False
    reasoning: str | None = None

    @classmethod
    def of(cls, value: DateValue) -> DateView:
        return cls(value.label, value.machine, value.approximate, value.precision)


@dataclass(frozen=True)
class ArticleRef:
    """A link to an article page, with what identifies it in a list."""

    slug: str
    title: str
    path: str
    publication: str | None
    date: DateView | None


@dataclass(frozen=True)
class PassageView:
    """Words of an article seen from another page: the span and a little context."""

    article: ArticleRef
    anchor: str  # the span's id on the article page
    before: str
    text: str
    after: str
    kind: str = ""  # the annotation kind, e.g. "quote"

    @property
    def path(self) -> str:
        return self.article.path


@dataclass(frozen=True)
class ArticlePassages:
    """The passages of one article about one thing, for the "mentioned in" lists."""

    article: ArticleRef
    passages: tuple[PassageView, ...]
    more: int = 0  # passages left out of ``passages``


@dataclass(frozen=True)
class QuoteView:
    """A quote seen from elsewhere: its words in context, who said it, what it cites."""

    id: str
    passage: PassageView
    speaker: EntityRef | None
    kind: str  # direct | partial | term
    context: str | None = None
    note: Markup | None = None
    cites: tuple[str, str] | None = None  # (path, fragment) of the quoted source


@dataclass(frozen=True)
class EventRef:
    """A link to an event on the timeline."""

    id: str
    title: str
    date: DateView | None
    path: str = "timeline/index.html"

    @property
    def anchor(self) -> str:
        return f"event-{self.id}"


@dataclass(frozen=True)
class EventView:
    """An event on the timeline, with the passages that refer to it."""

    ref: EventRef
    description: str
    actors: tuple[EntityRef, ...]
    place: EntityRef | None
    topics: tuple[EntityRef, ...]
    passages: tuple[PassageView, ...]


@dataclass(frozen=True)
class Count:
    """A labelled number, for summaries ("3 quotes")."""

    number: int
    singular: str
    plural: str

    @property
    def label(self) -> str:
        return f"{self.number} {self.singular if self.number == 1 else self.plural}"


# --- page views ------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleSummary:
    """An article in a list: its link, summary and how much is annotated in it."""

    ref: ArticleRef
    summary: str | None
    counts: tuple[Count, ...]


@dataclass(frozen=True)
class Notice:
    """A line about the text's state or origin ("Excerpt", "Assembled from several copies")."""

    label: str
    text: str
    kind: str  # "completeness" | "provenance" | "rights"


@dataclass(frozen=True)
class LegendEntry:
    """One kind of mark, for the legend and its toggles."""

    kind: str  # the data-annotation value, or "term"
    label: str
    description: str
    sample: str  # words shown in the mark's own style
    present: bool = True


@dataclass(frozen=True)
class ArticleView:
    """An article page: its metadata, its annotated text and what it refers to."""

    ref: ArticleRef
    authors: tuple[str, ...]
    summary: str | None
    original_url: str | None
    notices: tuple[Notice, ...]
    title_html: Markup
    title_notes: Markup
    caption_html: Markup | None
    caption_notes: Markup
    caption_credit: str | None
    body_html: Markup
    note_count: int
    legend: tuple[LegendEntry, ...]
    actors: tuple[EntityRef, ...]
    places: tuple[EntityRef, ...]
    topics: tuple[EntityRef, ...]
    events: tuple[EventRef, ...]
    cited_by: tuple[QuoteView, ...]
    counts: tuple[Count, ...]


@dataclass(frozen=True)
class Affiliation:
    """An actor linked to another, with the role where the data gives one."""

    actor: EntityRef
    role: str | None


@dataclass(frozen=True)
class Related:
    """An actor mentioned in the same articles, and in how many."""

    actor: EntityRef
    count: int


@dataclass(frozen=True)
class ActorView:
    """An actor's page: who they are, what they said, where they appear."""

    ref: EntityRef
    kind: str
    kind_label: str
    description: str
    source: str | None
    aliases: tuple[str, ...]
    wikidata: str | None
    wikidata_url: str | None
    affiliations: tuple[Affiliation, ...]
    members: tuple[Affiliation, ...]
    quotes: tuple[QuoteView, ...]
    mentions: tuple[ArticlePassages, ...]
    events: tuple[EventRef, ...]
    related: tuple[Related, ...]


@dataclass(frozen=True)
class ActorGroup:
    """Actors of one kind, for the actors index."""

    kind: str
    label: str
    actors: tuple[tuple[EntityRef, tuple[Count, ...]], ...]

    @property
    def anchor(self) -> str:
        return f"kind-{self.kind}"


@dataclass(frozen=True)
class ActorsView:
    groups: tuple[ActorGroup, ...]
    total: int


@dataclass(frozen=True)
class EntityView:
    """A place's or a topic's page: what it is, where it comes up, what happened there."""

    ref: EntityRef
    description: str
    aliases: tuple[str, ...]
    kind_label: str | None  # a place's kind ("city"); None for topics
    wikidata: str | None
    wikidata_url: str | None
    mentions: tuple[ArticlePassages, ...]
    events: tuple[EventRef, ...]


@dataclass(frozen=True)
class EntitiesView:
    """The index of places or of topics."""

    kind: str  # "place" | "topic"
    entries: tuple[tuple[EntityRef, tuple[Count, ...]], ...]


@dataclass(frozen=True)
class QuoteGroup:
    """Quotes under one heading: a speaker's, or an article's."""

    heading: str
    path: str  # the speaker's or article's page
    anchor: str  # the group's id on the quotes page
    quotes: tuple[QuoteView, ...]  # the ones shown: all of them, unless the archive is large
    detail: str = ""
    total: int = 0  # how many there are in all; more than shown means "see the page at path"

    @property
    def more(self) -> int:
        """How many quotes of the group are not shown here (they are at ``path``)."""
        return max(0, self.total - len(self.quotes))


@dataclass(frozen=True)
class QuotesView:
    by_speaker: tuple[QuoteGroup, ...]
    by_article: tuple[QuoteGroup, ...]
    terms: tuple[QuoteGroup, ...]
    quote_count: int
    term_count: int


@dataclass(frozen=True)
class TimelineYear:
    """The events of one year (or the undated ones), in order."""

    heading: str
    anchor: str
    events: tuple[EventView, ...]
    undated: bool = False


@dataclass(frozen=True)
class TimelineView:
    years: tuple[TimelineYear, ...]
    count: int


@dataclass(frozen=True)
class Doorway:
    """A way into the archive from the home page: a section and how much it holds."""

    label: str
    path: str
    count: Count
    description: str


@dataclass(frozen=True)
class HomeView:
    articles: tuple[ArticleSummary, ...]
    doorways: tuple[Doorway, ...]


@dataclass(frozen=True)
class AboutView:
    legend: tuple[LegendEntry, ...]
    counts: tuple[Count, ...]
    version: str
    exports: tuple[tuple[str, str], ...] = ()  # (path from the site root, what it holds)


@dataclass(frozen=True)
class NotFoundView:
    doorways: tuple[Doorway, ...] = field(default_factory=tuple)


# --- JSON-LD -------------------------------------------------------------------------

SCHEMA_TYPES = {"person": "Person", "organisation": "Organization",
                "government": "GovernmentOrganization", "anonymous": "Person",
                "document": "CreativeWork"}


def wikidata_url(qid: str | None) -> str | None:
    return f"https://www.wikidata.org/wiki/{qid}" if qid else None


class JsonLd:
    """schema.org descriptions of pages, for ``<script type="application/ld+json">``.

    URLs appear only when the site's ``base_url`` is known; everything else comes
    from the archive. Pass the result through :func:`json_script`.
    """

    def __init__(self, archive: Archive, base_url: str) -> None:
        self.archive = archive
        self.base_url = base_url

    def url_of(self, path: str, fragment: str = "") -> str | None:
        if not self.base_url:
            return None
        return self.base_url + pretty_path(path) + (f"#{fragment}" if fragment else "")

    def website(self, config: SiteConfig) -> dict[str, Any]:
        """The home page: the archive as a schema.org WebSite."""
        return _clean({"@context": "https://schema.org", "@type": "WebSite",
                       "name": config.title, "description": config.description or None,
                       "url": self.url_of("index.html"),
                       "inLanguage": config.language})

    def actor_thing(self, actor_id: str) -> dict[str, Any]:
        actor = self.archive.actors.get(actor_id)
        if actor is None:
            return {"@type": "Thing", "name": actor_id}
        return _clean({"@type": SCHEMA_TYPES.get(actor.kind, "Thing"), "name": actor.name,
                       "url": self.url_of(f"actors/{actor.id}/index.html"),
                       "sameAs": wikidata_url(actor.wikidata)})

    def event_thing(self, event: Event) -> dict[str, Any]:
        place = self.archive.places.get(event.place) if event.place else None
        return _clean({
            "@type": "Event", "name": event.title, "description": event.description or None,
            "startDate": event.date.start.isoformat() if event.date else None,
            "endDate": event.date.end.isoformat() if event.date else None,
            "location": {"@type": "Place", "name": place.name} if place else None,
            "url": self.url_of("timeline/index.html", f"event-{event.id}")})

    def article(self, article: AnchoredArticle, view: ArticleView) -> dict[str, Any]:
        meta = article.article.meta
        quotes = []
        for span in article.spans:
            quote = span.annotation
            if isinstance(quote, Quote) and quote.quote_kind != "term":
                text = article.article.text.text[span.start:span.end]
                item: dict[str, Any] = {"@type": "Quotation", "text": " ".join(text.split()),
                                        "url": self.url_of(view.ref.path, quote.id)}
                actor = self.archive.actors.get(quote.speaker or "")
                if actor is not None and actor.kind == "document":
                    item["isBasedOn"] = self.actor_thing(actor.id)
                elif actor is not None:
                    item["spokenByCharacter"] = self.actor_thing(actor.id)
                    item["creator"] = self.actor_thing(actor.id)
                quotes.append(_clean(item))
        mentions = [self.actor_thing(ref.id) for ref in view.actors]
        mentions += [_clean({"@type": "Place", "name": ref.name,
                             "url": self.url_of(ref.path)}) for ref in view.places]
        mentions += [self.event_thing(self.archive.events[e.id]) for e in view.events]
        published = meta.published
        return _clean({
            "@context": "https://schema.org", "@type": "NewsArticle",
            "headline": meta.title, "description": meta.summary,
            "datePublished": published.date.isoformat() if published else None,
            "author": [{"@type": "Person", "name": name} for name in meta.authors] or None,
            "publisher": {"@type": "Organization", "name": view.ref.publication}
            if view.ref.publication else None,
            "isBasedOn": view.original_url,
            "url": self.url_of(view.ref.path),
            "inLanguage": meta.language or self.archive.config.language,
            "about": [_clean({"@type": "Thing", "name": ref.name, "url": self.url_of(ref.path)})
                      for ref in view.topics] or None,
            "mentions": mentions or None,
            "hasPart": quotes or None,
        })

    def actor(self, actor: Actor) -> dict[str, Any]:
        thing = self.actor_thing(actor.id)
        thing["@context"] = "https://schema.org"
        thing["description"] = actor.description or None
        if actor.aliases:
            thing["alternateName"] = list(actor.aliases)
        affiliations = [self.actor_thing(a.actor) for a in actor.affiliations]
        if affiliations:
            thing["memberOf" if actor.kind == "person" else "parentOrganization"] = affiliations
        return _clean(thing)

    def entity(self, kind: str, entity: Any) -> dict[str, Any]:
        plural = "places" if kind == "place" else "topics"
        return _clean({"@context": "https://schema.org",
                       "@type": "Place" if kind == "place" else "DefinedTerm",
                       "name": entity.name, "description": entity.description or None,
                       "sameAs": wikidata_url(getattr(entity, "wikidata", None)),
                       "url": self.url_of(f"{plural}/{entity.id}/index.html")})


def _clean(value: dict[str, Any]) -> dict[str, Any]:
    """Leave out keys whose value is None, so JSON-LD holds only what the data says."""
    return {key: item for key, item in value.items() if item is not None}
