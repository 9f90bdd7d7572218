"""Stage 5 (optional, between render and write): the archive's search records, in shards.

Search runs in the reader's browser with Pagefind (see :mod:`annotarium.search_pagefind`),
over an index made at build time from *records*: one per article, quote, note,
actor and event, each with the text it is found by, the link to the exact spot
(``articles/<slug>/index.html#<annotation id>``, the markup contract's permalink),
what the result list shows (``meta``) and the facets it can be narrowed by
(``filters``: kind, speaker, actor, topic, article, year).

Pagefind cannot add to or remove from an index, so the records are split into
*shards*, each indexed on its own into ``pagefind/`` (actors and events: the
primary bundle, which also holds Pagefind's script) or ``pagefind/a<NN>/`` (the
articles whose slug hashes to that shard, with their quotes and notes). The
search page merges the shards (Pagefind's ``mergeIndex``). A shard's digest covers
what its records are made from (see :func:`plan_shards`), so an edit re-indexes only
the shards it touches. A small archive (at most ``SINGLE_BUNDLE_ARTICLES`` articles)
has its articles in the primary bundle and no article shard: indexing all of it again
takes less than a second Pagefind process and bundle cost (issue 4: start-up time).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from annotarium.link import LinkedArchive
from annotarium.model import AnchoredArticle, Archive, DateRef, Mention, Note, Quote, Span

BUNDLE = "pagefind"  # the primary bundle's folder in the site
ARTICLES_PER_SHARD = 64
MAX_SHARDS = 64
# an archive of at most this many articles is indexed as one bundle (no article shards)
SINGLE_BUNDLE_ARTICLES = 8
TITLE_CHARS = 140


@dataclass(frozen=True)
class SearchRecord:
    """One result of a search: a Pagefind custom record."""

    url: str  # relative to the site root, with the fragment: "articles/x/index.html#quote-y"
    content: str  # the words it is found by
    meta: tuple[tuple[str, str], ...]  # shown in the results: title, kind, detail, ...
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # facet -> values

    def to_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "content": self.content,
            "meta": dict(self.meta),
            "filters": {k: list(v) for k, v in self.filters},
        }


@dataclass(frozen=True)
class SearchShard:
    """Records indexed together into one Pagefind bundle at ``folder`` in the site."""

    folder: str  # "pagefind" (primary) or "pagefind/a07"
    primary: bool  # actors and events; else the articles in ``slugs``
    slugs: tuple[str, ...]
    digest: str  # equal digests give equal bundles


# The tool's own code: records depend on how articles are loaded and anchored, not only on
# their files, so a changed Annotarium (even at the same version) re-indexes everything.
_CODE = hashlib.blake2b(
    b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py"))), digest_size=8
).hexdigest()


def shard_count(articles: int) -> int:
    """How many article shards: a power of two, about ``ARTICLES_PER_SHARD`` articles each.

    A power of two keeps most articles in their shard's sibling when the count
    doubles; it changes only when the archive grows or shrinks past a boundary."""
    count = 1
    while count * ARTICLES_PER_SHARD < articles and count < MAX_SHARDS:
        count *= 2
    return count


def shard_of(slug: str, shards: int) -> int:
    """The article shard a slug belongs to: stable across builds and machines."""
    digest = hashlib.blake2b(slug.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def plan_shards(
    linked: LinkedArchive, salt: str, article_keys: Mapping[str, str] | None = None,
    made: dict[str, list[SearchRecord]] | None = None,
) -> tuple[SearchShard, ...]:
    """Every shard of the archive's search index, in a fixed order, with its digest.

    ``salt`` stands for everything besides the records that changes an index
    (Pagefind's version, the language). The primary shard's digest is made from its
    records (actors and events: few, and quick to make). An article shard's digest is
    made from ``article_keys`` (slug → a digest of the article's annotation file and
    text) and the names and aliases of the registries, which is all its records
    depend on, so that its records are made only when it has to be indexed; without
    a key for each of its articles, from its records. An archive of at most
    ``SINGLE_BUNDLE_ARTICLES`` articles has one shard, the primary, which holds its
    articles too (its digest made from its records). The records made for a digest are
    put in ``made`` (by folder), when given, so that indexing need not make them again."""
    slugs_all = sorted(a.slug for a in linked.anchored.articles)
    plans: list[tuple[str, bool, tuple[str, ...]]]
    if len(slugs_all) <= SINGLE_BUNDLE_ARTICLES:
        plans = [(BUNDLE, True, tuple(slugs_all))]
    else:
        count = shard_count(len(slugs_all))
        groups: list[list[str]] = [[] for _ in range(count)]
        for slug in slugs_all:
            groups[shard_of(slug, count)].append(slug)
        width = len(str(count - 1))
        plans = [(BUNDLE, True, ())]
        plans.extend((f"{BUNDLE}/a{i:0{width}d}", False, tuple(g)) for i, g in enumerate(groups))
    names = _names(linked.archive)
    articles: dict[str, AnchoredArticle] | None = None
    shards = []
    for folder, primary, slugs in plans:
        head = [folder, salt, _CODE]
        keys = article_keys or {}
        if not primary and article_keys is not None and all(slug in keys for slug in slugs):
            parts: list[object] = [*head, names, [[slug, keys[slug]] for slug in slugs]]
        else:
            shard = SearchShard(folder, primary, slugs, "")
            if articles is None and slugs:
                articles = article_map(linked)
            records = shard_records(shard, linked, articles)
            if made is not None:
                made[folder] = records
            parts = [*head, [r.to_json() for r in records]]
        payload = json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        digest = hashlib.blake2b(payload, digest_size=16).hexdigest()
        shards.append(SearchShard(folder, primary, slugs, digest))
    return tuple(shards)


def _names(archive: Archive) -> list[object]:
    """What an article's records take from the registries: every actor's, place's and
    topic's id, name and aliases (the names shown, and the mentions found by them)."""
    return [
        [[ident, entry.name, list(entry.aliases)] for ident, entry in sorted(registry.items())]
        for registry in (archive.actors, archive.places, archive.topics)
    ]


def shard_records(shard: SearchShard, linked: LinkedArchive,
                  articles: Mapping[str, AnchoredArticle] | None = None) -> list[SearchRecord]:
    """The records of one shard, in a fixed order. ``articles`` maps slugs to the linked
    archive's articles: pass it when making several shards' records (made for each shard,
    it would be a pass over the whole archive per shard of 64 articles)."""
    archive = linked.archive
    records = [*_actor_records(archive), *_event_records(archive)] if shard.primary else []
    if shard.slugs:
        if articles is None:
            articles = article_map(linked)
        records.extend(r for slug in shard.slugs
                       for r in _article_records(articles[slug], archive))
    return records


def article_map(linked: LinkedArchive) -> dict[str, AnchoredArticle]:
    """The linked archive's articles by slug, for :func:`shard_records`."""
    return {a.slug: a for a in linked.anchored.articles}


# --- records ---------------------------------------------------------------------------


def _record(
    url: str,
    content: str,
    kind: str,
    title: str,
    detail: str = "",
    filters: dict[str, set[str] | list[str]] | None = None,
) -> SearchRecord:
    meta = {"title": _clip(title), "kind": kind}
    if detail:
        meta["detail"] = detail
    facets: dict[str, tuple[str, ...]] = {"kind": (kind,)}
    for key, values in (filters or {}).items():
        cleaned = tuple(sorted({v for v in values if v}))
        if cleaned:
            facets[key] = cleaned
    return SearchRecord(
        url, _squash(content), tuple(sorted(meta.items())), tuple(sorted(facets.items()))
    )


def _article_records(anchored: AnchoredArticle, archive: Archive) -> list[SearchRecord]:
    article = anchored.article
    meta = article.meta
    page = f"articles/{article.slug}/index.html"
    text = article.text.text
    year = str(meta.published.date.year) if meta.published else ""
    topics = {archive.topics[t].name for t in meta.topics if t in archive.topics}
    actors = {archive.actors[a].name for a in meta.actors if a in archive.actors}
    mentioned: dict[str, set[str]] = {"actor": set(), "topic": set()}
    for span in anchored.spans:
        note = span.annotation
        if isinstance(note, Mention) and note.entity in mentioned:
            registry = archive.actors if note.entity == "actor" else archive.topics
            if note.ref in registry:
                mentioned[note.entity].add(registry[note.ref].name)
    topics |= mentioned["topic"]
    date = meta.published.date.isoformat() if meta.published else ""
    detail = " · ".join(part for part in (meta.publication or "", date) if part)
    common = {"article": [meta.title], "year": [year], "topic": sorted(topics)}
    records = [
        _record(
            page,
            text,
            "article",
            meta.title,
            detail,
            {**common, "actor": sorted(actors | mentioned["actor"])},
        )
    ]
    for span in anchored.spans:
        annotation = span.annotation
        words = text[span.start : span.end]
        if not isinstance(annotation, Quote | Note) and not (
            isinstance(annotation, DateRef) and annotation.note
        ):
            continue
        url = f"{page}#{annotation.id}"
        inner = _actors_within(anchored, span, archive)
        if isinstance(annotation, Quote):
            speaker = archive.actors.get(annotation.speaker or "")
            name = speaker.name if speaker else ""
            content = " ".join(
                p
                for p in (words, name, annotation.context or "", _plain(annotation.note or ""))
                if p
            )
            label = f"{name}, in {meta.title}" if name else f"Term, in {meta.title}"
            records.append(
                _record(
                    url,
                    content,
                    "quote",
                    f"“{words}”",
                    label,
                    {**common, "speaker": [name], "actor": sorted(inner | {name})},
                )
            )
        elif isinstance(annotation, Note) or (isinstance(annotation, DateRef) and annotation.note):
            # a note, or a date's own note
            body = annotation.body if isinstance(annotation, Note) else annotation.note
            content = f"{words} {_plain(body)}"
            records.append(
                _record(
                    url,
                    content,
                    "note",
                    f"Note on “{words}”",
                    f"in {meta.title}",
                    {**common, "actor": sorted(inner)},
                )
            )
    return records


def _actors_within(anchored: AnchoredArticle, outer: Span, archive: Archive) -> set[str]:
    """The names of the actors mentioned inside a span (a quote, a note)."""
    spans = anchored.spans  # sorted by (start, -end)
    names = set()
    index = bisect.bisect_left(spans, outer.start, key=lambda s: s.start)
    for span in spans[index:]:
        if span.start >= outer.end:
            break
        annotation = span.annotation
        if (
            span.end <= outer.end
            and isinstance(annotation, Mention)
            and annotation.entity == "actor"
            and annotation.ref in archive.actors
        ):
            names.add(archive.actors[annotation.ref].name)
    return names


def _actor_records(archive: Archive) -> list[SearchRecord]:
    records = []
    for ident, actor in sorted(archive.actors.items()):
        roles = []
        for affiliation in actor.affiliations:
            other = archive.actors.get(affiliation.actor)
            if other:
                roles.append(
                    f"{affiliation.role}, {other.name}" if affiliation.role else other.name
                )
        content = " ".join([actor.name, *actor.aliases, actor.description, *roles])
        detail = " · ".join([actor.kind.capitalize(), *roles[:1]])
        records.append(
            _record(
                f"actors/{ident}/index.html",
                content,
                "actor",
                actor.name,
                detail,
                {"actor": [actor.name]},
            )
        )
    return records


def _event_records(archive: Archive) -> list[SearchRecord]:
    records = []
    for ident, event in sorted(archive.events.items()):
        label = event.date.label if event.date else ""
        actors = [archive.actors[a].name for a in event.actors if a in archive.actors]
        topics = [archive.topics[t].name for t in event.topics if t in archive.topics]
        place = archive.places[event.place].name if event.place in archive.places else ""
        content = " ".join([event.title, label, event.description, *actors, place, *topics])
        years = {str(event.date.start.year)} if event.date else set()
        records.append(
            _record(
                f"timeline/index.html#event-{ident}",
                content,
                "event",
                event.title,
                label or "Undated",
                {"actor": actors, "topic": topics, "year": years},
            )
        )
    return records


# --- text ------------------------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`#>]+")


def _plain(markdown: str) -> str:
    """The words of a note's Markdown: links keep their words, markup signs go."""
    return _MARKUP.sub("", _LINK.sub(r"\1", markdown))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _clip(text: str) -> str:
    text = _squash(text)
    if len(text) <= TITLE_CHARS:
        return text
    cut = text[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…" + ("”" if text.endswith("”") else "")
