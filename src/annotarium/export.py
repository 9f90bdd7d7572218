"""The archive's data as files for other tools: written by every build into ``data/``.

This stage runs after ``link``, beside ``render``: it reads the
:class:`~annotarium.link.LinkedArchive` and returns :class:`ExportFile` values
(paths and bytes) that the write stage stores with the pages, in the same atomic
swap. :func:`archive_data` builds one plain-data description of the archive
(the content of ``data/archive.json``, documented by
``schemas/archive.schema.json``); every other format is a view of it, so the
CSV tables, the GraphML network, the Web Annotations and the calendar agree
with the JSON by construction. ``docs/exports.md`` documents every field.
Nothing here reads a clock: the same archive gives the same bytes.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from annotarium import __version__
from annotarium.dates import DateValue
from annotarium.edtf import to_edtf
from annotarium.link import LinkedArchive, Passage
from annotarium.model import AnchoredArticle, Annotation, DateRef, Mention, Note, Quote, Span

FORMAT_VERSION = 1

# (path, what it holds): the about page lists these, in this order.
EXPORTS: tuple[tuple[str, str], ...] = (
    (
        "data/archive.json",
        "the whole archive as one JSON document: articles and their text, "
        "every annotation with its anchor, actors, places, topics and events, cross-referenced",
    ),
    ("data/quotes.csv", "one row per quote, with speaker, kind and position"),
    ("data/mentions.csv", "one row per mention of an actor, place or topic"),
    ("data/actors.csv", "one row per actor, with counts of quotes, mentions and articles"),
    ("data/events.csv", "one row per event on the timeline, with its dates and precision"),
    (
        "data/actors.graphml",
        "the actor network: who is mentioned with whom, in how many "
        "articles (for Gephi and other graph tools)",
    ),
    (
        "data/annotations.jsonld",
        "every annotation as a W3C Web Annotation (an AnnotationCollection), for annotation tools",
    ),
    ("data/events.ics", "the dated events of the timeline as an iCalendar file"),
)


@dataclass(frozen=True)
class ExportFile:
    path: str  # relative to the site root, POSIX
    # bytes, or chunks made as they are written (an ExportStream); None: the previous
    # build's file, carried over (see ``digest``)
    content: bytes | Iterable[bytes] | None
    digest: str = ""  # a digest of what the file is made from; equal digests, equal bytes

    def written_digest(self) -> str:
        """The digest; a streamed file's is known only once its chunks have been taken."""
        return self.digest or getattr(self.content, "digest", "")


def export_files(linked: LinkedArchive, base_url: str = "") -> list[ExportFile]:
    """Every export file of the archive, in the order of :data:`EXPORTS`, as bytes."""
    return [ExportFile(f.path, b"".join(f.content) if f.content is not None  # type: ignore[arg-type]
                       and not isinstance(f.content, bytes) else f.content, f.written_digest())
            for f in iter_exports(linked, base_url)]


def iter_exports(linked: LinkedArchive, base_url: str = "") -> Iterator[ExportFile]:
    """The export files one at a time, so that each can be written and freed before the
    next is made (on a 2,000-article archive they are 120 MB). This is a clean build's
    view of :class:`annotarium.export_cache.ExportRun`, which also reuses the previous
    build's files."""
    from annotarium.export_cache import ExportRun

    return ExportRun(linked, base_url).files()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The exports allocate millions of small acyclic objects while the whole linked archive
    is alive; the cyclic garbage collector would walk all of it again and again (over a
    third of the export's time on a 2,000-article archive) and can find nothing to free."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def json_lines(value: dict[str, Any], lists: tuple[str, ...] = ()) -> bytes:
    """Compact JSON (the C encoder: fast on large archives) with each item of the top-level
    ``lists`` on a line of its own, so the files diff and grep well."""
    return ("{" + json_members(value, lists) + "}\n").encode("utf-8")


def json_members(value: dict[str, Any], lists: tuple[str, ...] = ()) -> str:
    """The members of :func:`json_lines`' object, without its braces: a piece of it."""
    encode = compact_json
    parts = []
    for key, item in value.items():
        if key in lists and isinstance(item, list) and item:
            inner = ",\n".join([encode(element) for element in item])
            parts.append(f"{encode(key)}:[\n{inner}\n]")
        else:
            parts.append(f"{encode(key)}:{encode(item)}")
    return ",\n".join(parts)


# --- the data model -------------------------------------------------------------------


def page_of(kind: str, ident: str) -> str:
    """The page of an article, actor, place or topic, from the site root."""
    folder = {"article": "articles", "actor": "actors", "place": "places", "topic": "topics"}[kind]
    return f"{folder}/{ident}/index.html"


def event_page(event_id: str) -> str:
    return f"timeline/index.html#event-{event_id}"


ARCHIVE_LISTS = ("articles", "annotations", "actors", "places", "topics", "events")


def annotation_ref(slug: str, annotation_id: str) -> str:
    """How the export names an annotation: ``article-slug#annotation-id``."""
    return f"{slug}#{annotation_id}"


def date_data(date: DateValue | None) -> dict[str, Any] | None:
    if date is None:
        return None
    return {
        "value": date.raw,
        "iso": to_edtf(date),
        "start": date.start.isoformat(),
        "end": date.end.isoformat(),
        "precision": date.precision,
        "approximate": date.approximate,
        "label": date.label,
    }


def archive_data(linked: LinkedArchive, base_url: str = "") -> dict[str, Any]:
    """The archive as plain data: what ``data/archive.json`` holds, sorted and stable."""
    articles, annotations = [], []
    for article in sorted(linked.anchored.articles, key=lambda a: a.slug):
        record, items = article_records(article)
        articles.append(record)
        annotations.extend(items)
    return {**head_data(linked, base_url), "articles": articles, "annotations": annotations,
            **registry_data(linked)}


def site_base(base_url: str) -> str:
    """The base URL as the exports write it: '' or ending in '/'."""
    base = base_url.strip()
    return base + "/" if base and not base.endswith("/") else base


def head_data(linked: LinkedArchive, base_url: str = "") -> dict[str, Any]:
    """The first members of ``archive.json``: the format, the tool, the site."""
    config = linked.archive.config
    return {
        "format": "annotarium-archive",
        "format_version": FORMAT_VERSION,
        "generator": f"Annotarium {__version__}",
        "site": {
            "title": config.title,
            "description": config.description,
            "base_url": site_base(base_url),
            "language": config.language,
        },
    }


def article_records(article: AnchoredArticle) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One article's share of ``archive.json``: its entry and its annotations (in order);
    a function of the article alone."""
    return article_entry(article), annotation_records(article)


def article_entry(article: AnchoredArticle) -> dict[str, Any]:
    """An article's entry in ``archive.json``'s ``articles``."""
    return _article_data(article)


def annotation_records(article: AnchoredArticle, kinds: type | tuple[type, ...] = Annotation,
                       auto: bool = True) -> list[dict[str, Any]]:
    """An article's records in ``archive.json``'s ``annotations``, in order; only those of
    annotations of the given ``kinds`` (classes), and without alias mentions unless
    ``auto``. They are made for each export that shows them rather than kept: on a large
    archive they would be a few times the size of the archive's text."""
    text = article.article.text.text
    return [_annotation_data(article.slug, text, span) for span in article.spans
            if isinstance(span.annotation, kinds)
            and (auto or not getattr(span.annotation, "auto", False))]


def registry_data(linked: LinkedArchive, counted: bool = False) -> dict[str, Any]:
    """The last members of ``archive.json``: actors, places, topics and events, each with
    the annotations and articles that refer to it.

    With ``counted``, an entity's ``quotes`` and ``mentions`` are the linked archive's own
    passages instead of their references (``slug#id`` strings, sorted): the same counts,
    for the files that only count them (the tables, the network, the calendar), without
    a string for each of the archive's hundreds of thousands of references."""
    return {name: list(records) for name, records in registry_lists(linked, counted)}


def registry_lists(linked: LinkedArchive, counted: bool = False
                   ) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """:func:`registry_data`'s lists, each as its records made one at a time, so that
    ``archive.json`` can be written entity by entity (see :func:`registry_chunks`)."""
    yield "actors", _actor_records(linked, counted)
    yield "places", _entity_records(linked, "place", counted)
    yield "topics", _entity_records(linked, "topic", counted)
    yield "events", _event_records(linked, counted)


def registry_chunks(linked: LinkedArchive) -> Iterator[bytes]:
    """The bytes of ``archive.json``'s registry members (as :func:`json_members` writes
    ``registry_data(linked)`` with :data:`ARCHIVE_LISTS` one item a line), an entity at a
    time: the whole part is never in memory (on a 20,000-article archive it is hundreds
    of megabytes as data)."""
    encode = compact_json
    for index, (name, records) in enumerate(registry_lists(linked)):
        head = ("" if index == 0 else ",\n") + encode(name) + ":"
        first = True
        for record in records:
            yield ((head + "[\n") if first else ",\n").encode("utf-8")
            yield encode(record).encode("utf-8")
            first = False
        yield (head + "[]").encode("utf-8") if first else b"\n]"


def _refs(passages: Iterable[Passage], counted: bool) -> list[Any]:
    if counted:
        return list(passages)
    return sorted([f"{p.article.article.slug}#{p.span.annotation.id}" for p in passages])


def _actor_records(linked: LinkedArchive, counted: bool) -> Iterator[dict[str, Any]]:
    for actor_id, actor in sorted(linked.archive.actors.items()):
        yield {
            "id": actor_id,
            "name": actor.name,
            "kind": actor.kind,
            "description": actor.description,
            "source": actor.source,
            "aliases": list(actor.aliases),
            "affiliations": [{"actor": a.actor, "role": a.role} for a in actor.affiliations],
            "members": [
                {"actor": m, "role": r} for m, r in linked.affiliated_members.get(actor_id, ())
            ],
            "wikidata": actor.wikidata,
            "page": page_of("actor", actor_id),
            "quotes": _refs(linked.quotes_by_speaker.get(actor_id, ()), counted),
            "mentions": _refs(linked.mentions.get(("actor", actor_id), ()), counted),
            "articles": sorted(linked.articles_by_entity.get(("actor", actor_id), ())),
            "events": list(linked.events_by_actor.get(actor_id, ())),
            "co_mentioned": sorted(
                ({"actor": r.id, "count": r.count} for r in linked.co_mentioned.get(actor_id, ())),
                key=lambda r: r["actor"],
            ),
        }


def _entity_records(linked: LinkedArchive, kind: str, counted: bool
                    ) -> Iterator[dict[str, Any]]:
    """The places' or the topics' records."""
    archive = linked.archive
    table = archive.places if kind == "place" else archive.topics
    events = linked.events_by_place if kind == "place" else linked.events_by_topic
    for ident, entity in sorted(table.items()):
        record: dict[str, Any] = {"id": ident, "name": entity.name}
        if kind == "place":
            record["kind"] = entity.kind  # type: ignore[union-attr]
        record["description"] = entity.description
        record["aliases"] = list(entity.aliases)
        if kind == "place":
            record["wikidata"] = entity.wikidata  # type: ignore[union-attr]
        record.update(
            page=page_of(kind, ident),
            mentions=_refs(linked.mentions.get((kind, ident), ()), counted),
            articles=sorted(linked.articles_by_entity.get((kind, ident), ())),
            events=list(events.get(ident, ())),
        )
        yield record


def _event_records(linked: LinkedArchive, counted: bool) -> Iterator[dict[str, Any]]:
    for entry in linked.timeline:  # in timeline order: by date, undated last
        event = entry.event
        yield {
            "id": event.id,
            "title": event.title,
            "date": date_data(event.date),
            "actors": list(event.actors),
            "place": event.place,
            "topics": list(event.topics),
            "description": event.description,
            "page": event_page(event.id),
            "mentions": _refs(entry.passages, counted),
            "articles": sorted({p.article.slug for p in entry.passages}),
        }


def _article_data(anchored: AnchoredArticle) -> dict[str, Any]:
    article = anchored.article
    meta = article.meta
    published = meta.published
    return {
        "slug": article.slug,
        "title": meta.title,
        "publication": meta.publication
        or (article.text.masthead.name if article.text.masthead else None),
        "published": {
            "date": published.date.isoformat(),
            "inferred": published.inferred,
            "reasoning": published.reasoning,
        }
        if published
        else None,
        "authors": list(meta.authors),
        "url": meta.url,
        "summary": meta.summary,
        "provenance": meta.provenance,
        "rights": meta.rights,
        "completeness": meta.completeness,
        "language": meta.language,
        "page": page_of("article", article.slug),
        "actors": list(meta.actors),
        "places": list(meta.places),
        "topics": list(meta.topics),
        "annotations": len(anchored.spans),
        "text": article.text.text,
    }


def _annotation_data(slug: str, text: str, span: Span) -> dict[str, Any]:
    annotation: Annotation = span.annotation
    record: dict[str, Any] = {
        "article": slug,
        "id": annotation.id,
        "kind": annotation.kind,
        "anchor": {"start": span.start, "end": span.end, "exact": text[span.start : span.end]},
        "draft": annotation.draft,
    }
    if isinstance(annotation, Mention):
        record["entity_id"] = annotation.ref
        record["auto"] = annotation.auto
    elif isinstance(annotation, Quote):
        cited = None
        if annotation.cites:
            target, _, fragment = annotation.cites.partition("#")
            cited = {"article": target, "annotation": fragment or None}
        record.update(
            speaker=annotation.speaker,
            quote_kind=annotation.quote_kind,
            context=annotation.context,
            note=annotation.note,
            cites=cited,
        )
    elif isinstance(annotation, DateRef):
        record.update(
            date=date_data(annotation.date),
            event=annotation.event,
            relative=annotation.relative,
            note=annotation.note,
        )
    elif isinstance(annotation, Note):
        record["body"] = annotation.body
    return record
