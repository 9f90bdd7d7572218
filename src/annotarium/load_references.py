"""Checks across files: every id named must exist; unreferenced entries are warned about."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotarium.diagnostics import Diagnostic, Diagnostics, Location, did_you_mean
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


@dataclass
class ReferenceMemo:
    """Each article's reference checks and the ids it uses, kept between builds by a
    long-running caller (``annotarium serve``). An article's entry stands while it is
    the very :class:`Article` object it was made from and the ids it could name (every
    registry's, every article's slug, the broken entries) are those it was checked
    against. It changes what is computed, never what is reported."""

    names: str = ""
    articles: dict[str, tuple[Article, list[Diagnostic], frozenset[tuple[str, str]]]] = field(
        default_factory=dict)
    hits: int = 0


def check_references(archive: Archive, diags: Diagnostics, broken: Broken | None = None,
                     memo: ReferenceMemo | None = None) -> frozenset[tuple[str, str]]:
    """Every id an entry or annotation names must exist; say what was probably meant.

    Returns the (kind, id) pairs that the articles refer to, for
    :func:`warn_unreferenced`. ``memo`` (see :class:`ReferenceMemo`) spares
    re-checking unchanged articles."""
    broken = broken or Broken()
    kinds = {
        id(archive.actors): "actor",
        id(archive.places): "place",
        id(archive.topics): "topic",
        id(archive.events): "event",
    }

    def need(ref: str | None, table: dict[str, Any], what: str, where: Location,
             into: Diagnostics = diags) -> None:
        if ref is not None and ref not in table and (kinds.get(id(table), what), ref) not in broken:
            into.error(
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
    memo = memo if memo is not None else ReferenceMemo()
    names = _names_digest(archive, slugs, broken)
    if memo.names != names:
        memo.names, memo.articles = names, {}
    current: dict[str, tuple[Article, list[Diagnostic], frozenset[tuple[str, str]]]] = {}
    for article in archive.articles:
        known = memo.articles.get(article.slug)
        # a quote that cites another article depends on that article's annotations too
        if known is not None and known[0] is article and \
                not any(isinstance(a, Quote) and a.cites for a in article.annotations):
            memo.hits += 1
        else:
            found = Diagnostics()
            _check_article(article, archive, slugs, found, need)
            known = (article, found.items, _used_by(article))
        current[article.slug] = known
        diags.extend(known[1])
    memo.articles = current
    return frozenset().union(*(used for _, _, used in current.values()))


def _names_digest(archive: Archive, slugs: dict[str, Article], broken: Broken) -> str:
    """A digest of every id an annotation may name, and of the entries that are broken."""
    parts = (sorted(archive.actors), sorted(archive.places), sorted(archive.topics),
             sorted(archive.events), sorted(slugs), sorted(broken.ids),
             sorted(broken.registries))
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _check_article(article: Article, archive: Archive, slugs: dict[str, Article],
                   diags: Diagnostics, need: Callable[..., None]) -> None:
    """The references of one article's annotations."""
    for annotation in article.annotations:
        where = annotation.location
        if isinstance(annotation, Quote):
            need(annotation.speaker, archive.actors, "speaker", annotation.where("speaker"),
                 diags)
            if annotation.cites:
                _check_cites(annotation, slugs, diags)
        elif isinstance(annotation, Mention):
            table = {"actor": archive.actors, "place": archive.places, "topic": archive.topics}[
                annotation.entity
            ]
            need(annotation.ref, table, annotation.entity, annotation.where(annotation.entity),
                 diags)
        elif isinstance(annotation, DateRef):
            need(annotation.event, archive.events, "event", annotation.where("event"), diags)
            _check_weekday(annotation, article, diags)
        if isinstance(annotation, Note | Quote):
            body = annotation.body if isinstance(annotation, Note) else annotation.note
            _check_note_links(body or "", archive, slugs, where, diags)


def _used_by(article: Article) -> frozenset[tuple[str, str]]:
    """The (kind, id) pairs that one article refers to."""
    used: set[tuple[str, str]] = set()
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
    return frozenset(used)


def warn_unreferenced(archive: Archive, diags: Diagnostics,
                      by_articles: frozenset[tuple[str, str]] | None = None) -> None:
    """A registry entry that nothing refers to is probably a leftover or a typo'd id.
    ``by_articles``: what the articles refer to, when the caller already knows."""
    used: set[tuple[str, str]] = set()
    for actor in archive.actors.values():
        used.update(("actor", a.actor) for a in actor.affiliations)
    for event in archive.events.values():
        used.update(("actor", a) for a in event.actors)
        used.update(("topic", t) for t in event.topics)
        if event.place:
            used.add(("place", event.place))
    if by_articles is None:
        by_articles = frozenset().union(*(_used_by(a) for a in archive.articles))
    used |= by_articles
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
