"""Stage 3: turn anchored spans into the archive's cross-link graph.

Reads an :class:`~annotarium.model.AnchoredArchive` and returns a
:class:`LinkedArchive`: for every actor, place, topic and event, the passages
that refer to it (as :class:`Passage` values with a snippet of context), the
quotes by each speaker, who is mentioned alongside whom, the reverse of every
affiliation, and the timeline in order. Rendering only reads this graph.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from annotarium.dates import DateValue
from annotarium.model import (
    AnchoredArchive,
    AnchoredArticle,
    Archive,
    DateRef,
    Event,
    Mention,
    Quote,
    Span,
)

SNIPPET_CHARS = 90


@dataclass(frozen=True, slots=True)
class Passage:
    """A span of an article seen from elsewhere: where it is and the words around it.

    The words (:attr:`before`, :attr:`text`, :attr:`after`) are cut from the article's
    text when asked for, not kept: the graph holds a passage for every span, and copies
    of their words would be a second copy of the archive's text."""

    article: AnchoredArticle
    span: Span

    @property
    def anchor(self) -> str:
        """The fragment id of the span's element on the article page."""
        return self.span.annotation.id

    def words(self) -> tuple[str, str, str]:
        """The words before the span (up to :data:`SNIPPET_CHARS`, cut at a word boundary
        and kept inside the span's block), the span's own words, and those after it."""
        return _snippet(self.article, self.span)

    @property
    def before(self) -> str:
        return self.words()[0]

    @property
    def text(self) -> str:
        return self.words()[1]

    @property
    def after(self) -> str:
        return self.words()[2]


@dataclass(frozen=True, slots=True)
class Related:
    id: str
    count: int


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event on the timeline, with the passages that mention it."""

    event: Event
    date: DateValue | None
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class LinkedArchive:
    anchored: AnchoredArchive
    quotes_by_speaker: dict[str, tuple[Passage, ...]]
    mentions: dict[tuple[str, str], tuple[Passage, ...]]  # (entity kind, id) -> passages
    articles_by_entity: dict[tuple[str, str], tuple[str, ...]]  # (kind, id) -> article slugs
    event_passages: dict[str, tuple[Passage, ...]]
    events_by_actor: dict[str, tuple[str, ...]]
    events_by_place: dict[str, tuple[str, ...]]
    events_by_topic: dict[str, tuple[str, ...]]
    co_mentioned: dict[str, tuple[Related, ...]]
    affiliated_members: dict[str, tuple[tuple[str, str | None], ...]]  # org -> (member, role)
    timeline: tuple[TimelineEntry, ...]
    cited_by: dict[tuple[str, str], tuple[Passage, ...]]  # (article slug, annotation id) -> quotes
    # per article, the annotations written for it (mentions found by an alias not counted)
    written: dict[str, int] = field(default_factory=dict)

    @property
    def archive(self) -> Archive:
        """The loaded archive (registries, config, articles)."""
        return self.anchored.archive


def passage(article: AnchoredArticle, span: Span) -> Passage:
    """The passage of ``span`` in ``article`` (its words are cut when asked for)."""
    return Passage(article, span)


def _snippet(article: AnchoredArticle, span: Span) -> tuple[str, str, str]:
    """Up to :data:`SNIPPET_CHARS` of context on each side of a span, cut at word
    boundaries and kept inside the span's block, and the span's words."""
    text = article.article.text
    block = text.block_at(span.start)
    lo, hi = (block.start, block.end) if block else (0, len(text.text))
    before = text.text[max(lo, span.start - SNIPPET_CHARS) : span.start]
    after = text.text[span.end : min(hi, span.end + SNIPPET_CHARS)]
    if span.start - SNIPPET_CHARS > lo and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if span.end + SNIPPET_CHARS < hi and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return _squash(before), _squash(text.text[span.start : span.end]), _squash(after)


def _squash(value: str) -> str:
    return " ".join(value.split()) if "\n" in value else value


@dataclass
class ArticleLinks:
    """What one article adds to the graph: its passages grouped by what they refer to.

    It depends on the article's text and spans alone (never on the registries), so
    it can be kept while they are unchanged: see :class:`LinkMemo`."""

    source: AnchoredArticle
    quotes: dict[str, list[Passage]] = field(default_factory=dict)  # speaker -> quotes
    cited_by: dict[tuple[str, str], list[Passage]] = field(default_factory=dict)
    mentions: dict[tuple[str, str], list[Passage]] = field(default_factory=dict)
    entities: dict[tuple[str, str], None] = field(default_factory=dict)  # in order of finding
    events: dict[str, list[Passage]] = field(default_factory=dict)  # event id -> dates
    actors: frozenset[str] = frozenset()  # listed, quoted or mentioned here
    written: int = 0  # annotations written (mentions found by an alias not counted)
    # the events registry, and the entities with its events' actors (_entity_keys)
    expanded: tuple[object, frozenset[tuple[str, str]]] | None = None
    # the pairs of those actors that are in the registry, for the co-mention counts
    pairs: tuple[tuple[str, ...], list[tuple[str, str]]] = ((), [])

    def actor_pairs(self, present: tuple[str, ...]) -> list[tuple[str, str]]:
        """Every pair of ``present`` (sorted ids), computed once per set of actors."""
        if self.pairs[0] != present:
            self.pairs = (present, [(first, second) for i, first in enumerate(present)
                                    for second in present[i + 1 :]])
        return self.pairs[1]


_FEW = 16  # articles changed since the last graph, up to which only their entries are redone

Table = dict[Any, tuple[Any, ...]]  # key -> values in the articles' order, keys sorted


@dataclass
class _Tables:
    """The graph's tables that are gathered from every article's links, with what they
    were gathered from (the articles' order and the registries that filter them).

    :meth:`updated` redoes only the entries that the changed articles had or have: each
    is gathered again from every article in order (a dictionary lookup per article), so
    an entry's values stay in the articles' order, equal to a full gathering."""

    order: tuple[str, ...]
    actors: dict[str, Any]  # the registries: only the actors' ids matter to the tables
    events: dict[str, Event]  # (which actors each event has)
    quotes: Table
    cited_by: Table
    mentions: Table
    event_passages: Table
    entity_articles: Table  # (kind, id) -> slugs
    pair_counts: Counter[tuple[str, str]]
    co_mentioned: dict[str, tuple[Related, ...]]

    @classmethod
    def gather(cls, current: Iterable[tuple[str, ArticleLinks]], archive: Archive) -> _Tables:
        """The tables from every article's links (slug, links), in the articles' order."""
        order = []
        quotes: defaultdict[str, list[Passage]] = defaultdict(list)
        mentions: defaultdict[tuple[str, str], list[Passage]] = defaultdict(list)
        entity_articles: defaultdict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        event_passages: defaultdict[str, list[Passage]] = defaultdict(list)
        cited_by: defaultdict[tuple[str, str], list[Passage]] = defaultdict(list)
        pair_counts: Counter[tuple[str, str]] = Counter()
        for slug, links in current:
            order.append(slug)
            for speaker, found in links.quotes.items():
                quotes[speaker].extend(found)
            for key, found in links.cited_by.items():
                cited_by[key].extend(found)
            for key, found in links.mentions.items():
                mentions[key].extend(found)
            for event_id, found in links.events.items():
                event_passages[event_id].extend(found)
            for key in _entity_keys(links, archive.events):
                entity_articles[key][slug] = None
            pair_counts.update(_pairs(links, archive.actors))
        return cls(tuple(order), archive.actors, archive.events, _frozen(quotes),
                   _frozen(cited_by), _frozen(mentions), _frozen(event_passages),
                   _frozen(entity_articles), pair_counts, _co_mentioned(pair_counts))

    def updated(self, changed: list[tuple[ArticleLinks, ArticleLinks]],
                current: dict[str, ArticleLinks]) -> _Tables:
        """These tables after ``changed`` articles' links (before, now) were replaced."""
        links = list(current.values())
        tables = {}
        for name in ("quotes", "cited_by", "mentions", "events"):
            keys = {key for pair in changed for side in pair for key in getattr(side, name)}
            table = dict(getattr(self, "event_passages" if name == "events" else name))
            for key in keys:
                found = tuple(p for item in links for p in getattr(item, name).get(key, ()))
                if found:
                    table[key] = found
                else:
                    table.pop(key, None)
            tables[name] = _sorted(table)
        entity_articles = dict(self.entity_articles)
        for key in {key for pair in changed for side in pair
                    for key in _entity_keys(side, self.events)}:
            found = tuple(slug for slug, item in current.items()
                          if key in _entity_keys(item, self.events))
            if found:
                entity_articles[key] = found
            else:
                entity_articles.pop(key, None)
        pair_counts, co_mentioned = self.pair_counts, self.co_mentioned
        before = [p for old, _ in changed for p in _pairs(old, self.actors)]
        after = [p for _, new in changed for p in _pairs(new, self.actors)]
        if sorted(before) != sorted(after):
            pair_counts = self.pair_counts.copy()
            pair_counts.subtract(before)
            pair_counts.update(after)
            pair_counts = +pair_counts  # drops the pairs no longer counted
            co_mentioned = _co_mentioned(pair_counts)
        return _Tables(self.order, self.actors, self.events, tables["quotes"],
                       tables["cited_by"], tables["mentions"], tables["events"],
                       _sorted(entity_articles), pair_counts, co_mentioned)


def _entity_keys(links: ArticleLinks, events: dict[str, Event]) -> frozenset[tuple[str, str]]:
    """The actors, places and topics an article refers to, and the actors of its events
    (kept on the links while the events registry is the same object)."""
    if links.expanded is not None and links.expanded[0] is events:
        return links.expanded[1]
    keys = set()
    for key in links.entities:
        if key[0] != "event":
            keys.add(key)
        elif (event := events.get(key[1])) is not None:
            keys.update(("actor", actor) for actor in event.actors)
    links.expanded = (events, frozenset(keys))
    return links.expanded[1]


def _pairs(links: ArticleLinks, actors: dict[str, Any]) -> list[tuple[str, str]]:
    return links.actor_pairs(tuple(sorted(a for a in links.actors if a in actors)))


def _frozen(table: dict) -> Table:
    return {key: tuple(value) for key, value in sorted(table.items())}


def _sorted(table: Table) -> Table:
    return dict(sorted(table.items()))


def _co_mentioned(pair_counts: Counter[tuple[str, str]]) -> dict[str, tuple[Related, ...]]:
    together: defaultdict[str, list[Related]] = defaultdict(list)
    for (first, second), count in pair_counts.items():
        together[first].append(Related(second, count))
        together[second].append(Related(first, count))
    return {k: tuple(sorted(v, key=lambda r: (-r.count, r.id)))
            for k, v in sorted(together.items())}


@dataclass
class LinkMemo:
    """Each article's :class:`ArticleLinks`, kept between builds by a long-running caller
    (``annotarium serve``): an article whose text and spans are the very objects it was
    linked from is not linked again. Its content never changes the graph, only its cost."""

    articles: dict[str, ArticleLinks] = field(default_factory=dict)
    hits: int = 0
    tables: _Tables | None = None  # the last graph's gathered tables
    updates: int = 0  # graphs made by updating the last one's tables


def article_links(article: AnchoredArticle) -> ArticleLinks:
    """The passages of one article, grouped by the actor, place, topic or event they name."""
    links = ArticleLinks(article)
    actors_here: set[str] = set(article.article.meta.actors)
    for topic in article.article.meta.topics:
        links.entities[("topic", topic)] = None
    for span in article.spans:
        annotation = span.annotation
        if isinstance(annotation, Quote):
            if annotation.speaker:
                links.quotes.setdefault(annotation.speaker, []).append(passage(article, span))
                actors_here.add(annotation.speaker)
                links.entities[("actor", annotation.speaker)] = None
            if annotation.cites:
                slug, _, target = annotation.cites.partition("#")
                links.cited_by.setdefault((slug, target), []).append(passage(article, span))
        elif isinstance(annotation, Mention):
            key = (annotation.entity, annotation.ref)
            links.written -= annotation.auto
            links.mentions.setdefault(key, []).append(passage(article, span))
            links.entities[key] = None
            if annotation.entity == "actor":
                actors_here.add(annotation.ref)
        elif isinstance(annotation, DateRef) and annotation.event:
            links.events.setdefault(annotation.event, []).append(passage(article, span))
            links.entities[("event", annotation.event)] = None  # its actors, once known
    links.actors = frozenset(actors_here)
    links.written += len(article.spans)
    return links


def link(anchored: AnchoredArchive, memo: LinkMemo | None = None) -> LinkedArchive:
    """Build the cross-link graph of an anchored archive.

    With a ``memo``, articles already linked (the same text and spans objects) are
    not linked again, and the memo is updated to the current articles; when the
    articles and registries are those of the memo's last graph, only the entries that
    the changed articles had or have are gathered again (see :class:`_Tables`)."""
    archive = anchored.archive
    if memo is None:
        # Each article's links are gathered into the tables as they are made, then
        # dropped: kept for all articles at once they would be more than the graph itself
        # (their lists of passages and pairs of actors), and the memory they freed would
        # stay scattered among the passages that live on (200 MiB at 20,000 articles).
        written: dict[str, int] = {}

        def each() -> Iterator[tuple[str, ArticleLinks]]:
            for article in anchored.articles:
                links = article_links(article)
                written[article.slug] = links.written
                yield article.slug, links
                del links

        return _graph(anchored, _Tables.gather(each(), archive), written)
    current: dict[str, ArticleLinks] = {}
    for article in anchored.articles:
        known = memo.articles.get(article.slug)
        if known is not None and known.source.article is article.article \
                and known.source.spans is article.spans:
            current[article.slug] = known
            memo.hits += 1
        else:
            current[article.slug] = article_links(article)
    order = tuple(current)
    last = memo.tables
    # an edited registry is a new object: what the tables take from it may be unchanged
    if last is not None and last.order == order \
            and (last.actors is archive.actors or last.actors.keys() == archive.actors.keys()) \
            and (last.events is archive.events or last.events == archive.events):
        changed = [(memo.articles[s], current[s]) for s in order
                   if memo.articles[s] is not current[s]]
        tables = last.updated(changed, current) if len(changed) <= _FEW else None
        memo.updates += tables is not None
    else:
        tables = None
    if tables is None:
        tables = _Tables.gather(current.items(), archive)
    memo.articles, memo.tables = current, tables
    return _graph(anchored, tables, {slug: links.written for slug, links in current.items()})


def _graph(anchored: AnchoredArchive, tables: _Tables, written: dict[str, int]
           ) -> LinkedArchive:
    """The graph from the gathered tables and the registries."""
    archive = anchored.archive
    quotes, cited_by, mentions = tables.quotes, tables.cited_by, tables.mentions
    event_passages, entity_articles = tables.event_passages, tables.entity_articles

    members: defaultdict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for actor in archive.actors.values():
        for affiliation in actor.affiliations:
            members[affiliation.actor].append((actor.id, affiliation.role))

    by_actor: defaultdict[str, list[str]] = defaultdict(list)
    by_place: defaultdict[str, list[str]] = defaultdict(list)
    by_topic: defaultdict[str, list[str]] = defaultdict(list)
    for event in sorted(archive.events.values(), key=_event_order):
        for actor in event.actors:
            by_actor[actor].append(event.id)
        if event.place:
            by_place[event.place].append(event.id)
        for topic in event.topics:
            by_topic[topic].append(event.id)

    timeline = tuple(
        TimelineEntry(event, event.date, tuple(event_passages.get(event.id, ())))
        for event in sorted(archive.events.values(), key=_event_order)
    )

    return LinkedArchive(
        anchored=anchored,
        quotes_by_speaker=quotes,
        mentions=mentions,
        articles_by_entity=entity_articles,
        event_passages=event_passages,
        events_by_actor=_frozen(by_actor),
        events_by_place=_frozen(by_place),
        events_by_topic=_frozen(by_topic),
        co_mentioned=tables.co_mentioned,
        affiliated_members={k: tuple(sorted(v)) for k, v in sorted(members.items())},
        timeline=timeline,
        cited_by=cited_by,
        written=written,
    )


_UNDATED = dt.date.max


def _event_order(event: Event) -> tuple[dt.date, dt.date, str]:
    """Chronological by first day, then last day; undated events go last, by title."""
    if event.date is None:
        return (_UNDATED, _UNDATED, event.title.lower())
    return (event.date.start, event.date.end, event.id)
