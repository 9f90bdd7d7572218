"""Checks across files: every id named must exist; unreferenced entries are warned about."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from annotarium.diagnostics import Diagnostics, Location, did_you_mean
from annotarium.load_registries import Broken
from annotarium.model import (
    Archive,
    Article,
    DateRef,
    Mention,
    Note,
    Quote,
)

# --- references between files ---------------------------------------------------


def check_references(archive: Archive, diags: Diagnostics, broken: Broken | None = None) -> None:
    """Every id an entry or annotation names must exist; say what was probably meant."""
    broken = broken or Broken()
    kinds = {
        id(archive.actors): "actor",
        id(archive.places): "place",
        id(archive.topics): "topic",
        id(archive.events): "event",
    }

    def need(ref: str | None, table: dict[str, Any], what: str, where: Location) -> None:
        if ref is not None and ref not in table and (kinds.get(id(table), what), ref) not in broken:
            diags.error(
                where, f"unknown {what} '{ref}'", did_you_mean(ref, table), code="unknown-id"
            )

    for actor in archive.actors.values():
        for affiliation in actor.affiliations:
            need(affiliation.actor, archive.actors, "actor", affiliation.location)
            if affiliation.actor == actor.id:
                diags.error(
                    affiliation.location,
                    f"'{actor.id}' cannot be affiliated with itself",
                    code="invalid",
                )
    for event in archive.events.values():
        for actor_id in event.actors:
            need(actor_id, archive.actors, "actor", event.location)
        need(event.place, archive.places, "place", event.location)
        for topic in event.topics:
            need(topic, archive.topics, "topic", event.location)

    slugs = {article.slug: article for article in archive.articles}
    _check_shared_texts(archive, diags)
    for article in archive.articles:
        for annotation in article.annotations:
            where = annotation.location
            if isinstance(annotation, Quote):
                need(annotation.speaker, archive.actors, "speaker", annotation.where("speaker"))
                if annotation.cites:
                    _check_cites(annotation, slugs, diags)
            elif isinstance(annotation, Mention):
                table = {"actor": archive.actors, "place": archive.places, "topic": archive.topics}[
                    annotation.entity
                ]
                need(annotation.ref, table, annotation.entity, annotation.where(annotation.entity))
            elif isinstance(annotation, DateRef):
                need(annotation.event, archive.events, "event", annotation.where("event"))
                _check_weekday(annotation, article, diags)
            if isinstance(annotation, Note | Quote):
                body = annotation.body if isinstance(annotation, Note) else annotation.note
                _check_note_links(body or "", archive, slugs, where, diags)


def warn_unreferenced(archive: Archive, diags: Diagnostics) -> None:
    """A registry entry that nothing refers to is probably a leftover or a typo'd id."""
    used: set[tuple[str, str]] = set()
    for actor in archive.actors.values():
        used.update(("actor", a.actor) for a in actor.affiliations)
    for event in archive.events.values():
        used.update(("actor", a) for a in event.actors)
        used.update(("topic", t) for t in event.topics)
        if event.place:
            used.add(("place", event.place))
    for article in archive.articles:
        used.update(("actor", a) for a in article.meta.actors)
        used.update(("place", p) for p in article.meta.places)
        used.update(("topic", t) for t in article.meta.topics)
        for annotation in article.annotations:
            if isinstance(annotation, Quote) and annotation.speaker:
                used.add(("actor", annotation.speaker))
            elif isinstance(annotation, Mention):
                used.add((annotation.entity, annotation.ref))
            elif isinstance(annotation, DateRef) and annotation.event:
                used.add(("event", annotation.event))
            body = (
                annotation.body
                if isinstance(annotation, Note)
                else getattr(annotation, "note", None)
            )
            for match in _NOTE_LINK.finditer(body or ""):
                used.add((match.group(1), match.group(2).partition("#")[0]))
    for kind, table in (
        ("actor", archive.actors),
        ("place", archive.places),
        ("topic", archive.topics),
        ("event", archive.events),
    ):
        for entry_id, entry in table.items():
            if (kind, entry_id) not in used:
                diags.warning(
                    entry.location,
                    f"{kind} '{entry_id}' is not referenced anywhere",
                    f"list it in an article, or remove it from {kind}s.yaml",
                    code="unreferenced",
                )


def _check_shared_texts(archive: Archive, diags: Diagnostics) -> None:
    """Two annotation files for one text would publish the same article twice."""
    first: dict[Path, Article] = {}
    for article in sorted(archive.articles, key=lambda a: a.slug):
        other = first.setdefault(article.source_path, article)
        if other is not article:
            diags.error(
                Location(article.annotation_path, 1, 1),
                f"article '{article.slug}' annotates the same text as article '{other.slug}' "
                f"({article.source_path.name})",
                f"an article text has one annotation file; merge the two into "
                f"{other.annotation_path.name}",
                code="duplicate-id",
            )


def _check_cites(quote: Quote, slugs: dict[str, Article], diags: Diagnostics) -> None:
    """``cites: slug#id`` must name an article and, after '#', one of its annotations."""
    assert quote.cites is not None
    slug, _, target = quote.cites.partition("#")
    where = quote.where("cites")
    if slug not in slugs:
        diags.error(
            where,
            f"'cites' names an unknown article '{slug}'",
            did_you_mean(slug, slugs),
            code="unknown-id",
        )
        return
    ids = [a.id for a in slugs[slug].annotations]
    if target and target not in ids:
        diags.error(
            where,
            f"article '{slug}' has no annotation '{target}'",
            did_you_mean(target, ids),
            code="unknown-id",
        )


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _check_weekday(ref: DateRef, article: Article, diags: Diagnostics) -> None:
    """'Tuesday' resolved to a Wednesday is a slip worth catching."""
    words = ref.selector.exact.lower().split()
    named = [w for w in _WEEKDAYS if w in words]
    if not named or ref.date is None or ref.date.precision != "day":
        return
    actual = _WEEKDAYS[ref.date.start.weekday()]
    if actual != named[0]:
        diags.error(
            ref.where("date"),
            f"'{ref.selector.exact}' is resolved to {ref.date.raw}, which is a {actual.title()}",
            "check the date",
            code="date",
        )
    published = article.meta.published
    if (
        ref.relative
        and published
        and not (dt.timedelta(0) <= published.date - ref.date.start <= dt.timedelta(days=7))
    ):
        diags.warning(
            ref.location,
            f"'{ref.selector.exact}' resolves to {ref.date.raw}, more "
            f"than a week before the publication date {published.date}",
            code="date",
        )


_NOTE_LINK = re.compile(r"\]\(\s*<?(actor|place|topic|event|article):([^)\s>]*)")


def _check_note_links(
    body: str, archive: Archive, slugs: dict[str, Article], where: Location, diags: Diagnostics
) -> None:
    tables = {
        "actor": archive.actors,
        "place": archive.places,
        "topic": archive.topics,
        "event": archive.events,
        "article": slugs,
    }
    for match in _NOTE_LINK.finditer(body):
        scheme, ref = match.group(1), match.group(2)
        target = ref.partition("#")[0]
        if target not in tables[scheme]:
            diags.error(
                where,
                f"a link in the note points at an unknown {scheme} '{target}'",
                did_you_mean(target, tables[scheme]),
                code="unknown-id",
            )
