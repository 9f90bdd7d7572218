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
from dataclasses import dataclass, field

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
    # the pairs of those actors that are in the registry, for the co-mention counts
    pairs: tuple[tuple[str, ...], list[tuple[str, str]]] = ((), [])

    def actor_pairs(self, present: tuple[str, ...]) -> list[tuple[str, str]]:
        """Every pair of ``present`` (sorted ids), computed once per set of actors."""
        if self.pairs[0] != present:
            self.pairs = (present, [(first, second) for i, first in enumerate(present)
                                    for second in present[i + 1 :]])
        return self.pairs[1]


@dataclass
class LinkMemo:
    """Each article's :class:`ArticleLinks`, kept between builds by a long-running caller
    (``annotarium serve``): an article whose text and spans are the very objects it was
    linked from is not linked again. Its content never changes the graph, only its cost."""

    articles: dict[str, ArticleLinks] = field(default_factory=dict)
    hits: int = 0


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
            links.mentions.setdefault(key, []).append(passage(article, span))
            links.entities[key] = None
            if annotation.entity == "actor":
                actors_here.add(annotation.ref)
        elif isinstance(annotation, DateRef) and annotation.event:
            links.events.setdefault(annotation.event, []).append(passage(article, span))
            links.entities[("event", annotation.event)] = None  # its actors, once known
    links.actors = frozenset(actors_here)
    return links


def link(anchored: AnchoredArchive, memo: LinkMemo | None = None) -> LinkedArchive:
    """Build the cross-link graph of an anchored archive.

    With a ``memo``, articles already linked (the same text and spans objects) are
    not linked again, and the memo is updated to the current articles."""
    archive = anchored.archive
    quotes: defaultdict[str, list[Passage]] = defaultdict(list)
    mentions: defaultdict[tuple[str, str], list[Passage]] = defaultdict(list)
    entity_articles: defaultdict[tuple[str, str], dict[str, None]] = defaultdict(dict)
    event_passages: defaultdict[str, list[Passage]] = defaultdict(list)
    cited_by: defaultdict[tuple[str, str], list[Passage]] = defaultdict(list)
    pair_counts: Counter[tuple[str, str]] = Counter()
    current: dict[str, ArticleLinks] = {}

    for article in anchored.articles:
        known = memo.articles.get(article.slug) if memo is not None else None
        if known is not None and known.source.article is article.article \
                and known.source.spans is article.spans:
            links = known
            memo.hits += 1  # type: ignore[union-attr]
        else:
            links = article_links(article)
        current[article.slug] = links
        for speaker, found in links.quotes.items():
            quotes[speaker].extend(found)
        for key, found in links.cited_by.items():
            cited_by[key].extend(found)
        for key, found in links.mentions.items():
            mentions[key].extend(found)
        for event_id, found in links.events.items():
            event_passages[event_id].extend(found)
        for key in links.entities:
            if key[0] != "event":
                entity_articles[key][article.slug] = None
                continue
            event = archive.events.get(key[1])
            if event:
                for actor in event.actors:
                    entity_articles[("actor", actor)][article.slug] = None
        pair_counts.update(links.actor_pairs(
            tuple(sorted(a for a in links.actors if a in archive.actors))))
    if memo is not None:
        memo.articles = current

    co_mentioned: defaultdict[str, list[Related]] = defaultdict(list)
    for (first, second), count in pair_counts.items():
        co_mentioned[first].append(Related(second, count))
        co_mentioned[second].append(Related(first, count))

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

    def frozen(table: dict) -> dict:
        return {key: tuple(value) for key, value in sorted(table.items())}

    return LinkedArchive(
        anchored=anchored,
        quotes_by_speaker=frozen(quotes),
        mentions=frozen(mentions),
        articles_by_entity={k: tuple(v) for k, v in sorted(entity_articles.items())},
        event_passages=frozen(event_passages),
        events_by_actor=frozen(by_actor),
        events_by_place=frozen(by_place),
        events_by_topic=frozen(by_topic),
        co_mentioned={
            k: tuple(sorted(v, key=lambda r: (-r.count, r.id)))
            for k, v in sorted(co_mentioned.items())
        },
        affiliated_members={k: tuple(sorted(v)) for k, v in sorted(members.items())},
        timeline=timeline,
        cited_by=frozen(cited_by),
    )


_UNDATED = dt.date.max


def _event_order(event: Event) -> tuple[dt.date, dt.date, str]:
    """Chronological by first day, then last day; undated events go last, by title."""
    if event.date is None:
        return (_UNDATED, _UNDATED, event.title.lower())
    return (event.date.start, event.date.end, event.id)
