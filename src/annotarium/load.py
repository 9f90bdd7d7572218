"""Stage 1: read an archive from disk into an :class:`~annotarium.model.Archive`.

Reads ``annotarium.yaml``, the four registries, every annotation file in
``content/articles/`` and the article texts they point at; validates every
field and every reference between files; never writes anything. Problems go
to a :class:`~annotarium.diagnostics.Diagnostics`, so a broken file costs one
error and the rest of the archive is still checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter

from annotarium import schema
from annotarium.articles import ExportLayout, parse_markdown, parse_text_export
from annotarium.dates import DateSyntaxError, DateValue, parse_date
from annotarium.diagnostics import Diagnostics, Location, did_you_mean
from annotarium.model import (
    Actor,
    Affiliation,
    Annotation,
    Archive,
    Article,
    ArticleMeta,
    DateRef,
    Event,
    Mention,
    Note,
    Place,
    PublishedDate,
    Quote,
    Selector,
    SiteConfig,
    Topic,
)
from annotarium.sources import read_text
from annotarium.yamlsource import YamlError, YList, YMap, parse_yaml

CONFIG_FILE = "annotarium.yaml"
REGISTRIES = ("actors", "places", "topics", "events")
RESERVED_IDS = frozenset({"main", "content", "top", "legend", "notes", "search", "skip"})


def archive_paths(root: Path) -> list[Path]:
    """Every input file of an archive that ``load`` reads (for caches and watchers)."""
    content = root / "content"
    paths = [root / CONFIG_FILE, *(content / f"{name}.yaml" for name in REGISTRIES)]
    if (content / "articles").is_dir():
        paths.extend(sorted((content / "articles").glob("*.yaml")))
    return [p for p in paths if p.exists()]


def load(root: Path, diags: Diagnostics) -> Archive:
    """Read and validate the archive at ``root``."""
    root = root.resolve()
    config = _load_config(root, diags)
    broken = Broken()
    actors = _load_registry(root, "actors", schema.ACTOR, _make_actor, diags, broken)
    places = _load_registry(root, "places", schema.PLACE, _make_place, diags, broken)
    topics = _load_registry(root, "topics", schema.TOPIC, _make_topic, diags, broken)
    events = _load_registry(root, "events", schema.EVENT, _make_event, diags, broken)
    articles = _load_articles(root, _Registries(actors, places, topics, broken), diags)
    archive = Archive(
        root,
        config,
        actors,
        places,
        topics,
        events,
        tuple(articles),
        template_dirs=((root / "templates",) if (root / "templates").is_dir() else ()),
    )
    check_references(archive, diags, broken)
    warn_unreferenced(archive, diags)
    return archive


# --- files ------------------------------------------------------------------------


class _Unreadable:
    """Marks a file whose problem was already reported (unlike an empty file)."""


UNREADABLE = _Unreadable()


def _read_yaml(path: Path, root: Path, diags: Diagnostics) -> YMap | YList | Any:
    """The file's YAML value; None for an empty file; UNREADABLE after reporting why."""
    text = read_text(path, root, diags)
    if text is None:
        return UNREADABLE
    try:
        return parse_yaml(text, path).value
    except YamlError as exc:
        diags.error(exc.location, exc.message, exc.hint, code="yaml")
        return UNREADABLE


def _load_config(root: Path, diags: Diagnostics) -> SiteConfig:
    path = root / CONFIG_FILE
    if not path.exists():
        return SiteConfig(path=None)
    value = _read_yaml(path, root, diags)
    if value is None or value is UNREADABLE:
        return SiteConfig(path=path)
    fields = (
        schema.read_record(
            value, schema.CONFIG, Location(path, 1, 1), diags, "the site configuration"
        )
        or {}
    )
    base_url = fields.get("base_url", "") or ""
    if base_url and not re.match(r"^https?://[^\s/]+", base_url):
        diags.error(
            value.where("base_url"),
            f"base_url '{base_url}' is not an absolute http(s) URL",
            "write it like https://example.org/archive/",
            code="config",
        )
        base_url = ""
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    return SiteConfig(
        title=fields.get("title", SiteConfig.title),
        description=fields.get("description", ""),
        base_url=base_url,
        language=fields.get("language", "en"),
        path=path,
    )


class Broken:
    """Ids whose entries exist but could not be read, so that references to them are not
    reported again as unknown: one mistake, one message."""

    def __init__(self) -> None:
        self.ids: set[tuple[str, str]] = set()
        self.registries: set[str] = set()  # kinds whose whole file could not be read

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key[0] in self.registries or key in self.ids


def _load_registry(
    root: Path, name: str, record: schema.Record, make: Any, diags: Diagnostics, broken: Broken
) -> dict[str, Any]:
    path = root / "content" / f"{name}.yaml"
    if not path.exists():
        return {}
    kind = record.name
    value = _read_yaml(path, root, diags)
    if value is None:
        return {}
    if value is UNREADABLE:
        broken.registries.add(kind)
        return {}
    if not isinstance(value, YMap):
        diags.error(
            Location(path, 1, 1),
            f"{name}.yaml must map ids to {record.name}s",
            f"see content/{name}.yaml in docs/format.md",
            code="type",
        )
        broken.registries.add(kind)
        return {}
    entries: dict[str, Any] = {}
    for key, item in value.items():
        where = value.key_where(key)
        problem = schema.slug_problem(key)
        if problem:
            diags.error(where, problem, f"try '{schema.suggest_slug(key)}'", code="bad-id")
            broken.ids.add((kind, key))
            continue
        fields = schema.read_record(item, record, where, diags, f"{record.name} '{key}'")
        entry = make(key, fields, item, where, diags) if fields is not None else None
        if entry is None:
            broken.ids.add((kind, key))
        else:
            entries[key] = entry
    return entries


def _names(fields: dict[str, Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.strip() for a in fields.get("aliases", ()) if a.strip()))


def _alias_locations(item: YMap, where: Location) -> tuple[Location, ...]:
    """Where each alias was written, in the order of :func:`_names` (deduplicated)."""
    raw = item.get("aliases")
    if not isinstance(raw, YList):
        return ()
    seen: dict[str, Location] = {}
    for index, alias in enumerate(raw):
        if isinstance(alias, str) and alias.strip():
            seen.setdefault(alias.strip(), raw.where(index))
    return tuple(seen.values())


def _make_actor(
    key: str, fields: dict[str, Any], item: YMap, where: Location, diags: Diagnostics
) -> Actor:
    affiliations = []
    raw = item.get("affiliations")
    for index, entry in enumerate(fields.get("affiliations", ())):
        where = raw.where(index) if isinstance(raw, YList) else item.location
        if isinstance(entry, YMap):
            sub = schema.read_record(
                entry, schema.AFFILIATION, where, diags, f"an affiliation of '{key}'"
            )
            if sub:
                affiliations.append(
                    Affiliation(sub["actor"], sub.get("role"), entry.where("actor"))
                )
        else:
            affiliations.append(Affiliation(entry, None, where))
    return Actor(
        key,
        fields["name"].strip(),
        fields["kind"],
        fields["description"].strip(),
        _names(fields),
        tuple(affiliations),
        where,
        fields.get("source"),
        fields.get("wikidata"),
        _alias_locations(item, where),
    )


def _make_place(
    key: str, fields: dict[str, Any], item: YMap, where: Location, diags: Diagnostics
) -> Place:
    return Place(
        key,
        fields["name"].strip(),
        fields["description"].strip(),
        _names(fields),
        where,
        fields.get("kind"),
        fields.get("wikidata"),
        _alias_locations(item, where),
    )


def _make_topic(
    key: str, fields: dict[str, Any], item: YMap, where: Location, diags: Diagnostics
) -> Topic:
    return Topic(
        key,
        fields["name"].strip(),
        fields["description"].strip(),
        _names(fields),
        where,
        _alias_locations(item, where),
    )


def _make_event(
    key: str, fields: dict[str, Any], item: YMap, where: Location, diags: Diagnostics
) -> Event | None:
    date = _date(fields.get("date"), bool(fields.get("approximate")), item.where("date"), diags)
    return Event(
        key,
        fields["title"].strip(),
        date,
        tuple(fields.get("actors", ())),
        fields.get("place"),
        tuple(fields.get("topics", ())),
        (fields.get("description") or "").strip(),
        where,
    )


def _date(raw: Any, approximate: bool, where: Location, diags: Diagnostics) -> DateValue | None:
    if raw is None:
        return None
    try:
        return parse_date(raw, approximate)
    except DateSyntaxError as exc:
        diags.error(where, str(exc), exc.hint, code="date")
        return None


# --- articles ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Registries:
    actors: dict[str, Actor]
    places: dict[str, Place]
    topics: dict[str, Topic]
    broken: Broken


def _load_articles(root: Path, registries: _Registries, diags: Diagnostics) -> list[Article]:
    folder = root / "content" / "articles"
    if not folder.is_dir():
        return []
    articles = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".yml":
            diags.error(
                Location(path),
                "annotation files end in .yaml",
                f"rename it to {path.stem}.yaml",
                code="file-name",
            )
            continue
        if path.suffix != ".yaml" or path.name.startswith("."):
            continue
        slug = path.stem
        problem = schema.slug_problem(slug)
        if problem:
            diags.error(
                Location(path),
                f"the file name must be the article's slug: {problem}",
                f"rename it to {schema.suggest_slug(slug) or 'article'}.yaml",
                code="bad-id",
            )
            continue
        article = _load_article(root, path, slug, registries, diags)
        if article is not None:
            articles.append(article)
    return articles


def _load_article(
    root: Path, path: Path, slug: str, registries: _Registries, diags: Diagnostics
) -> Article | None:
    value = _read_yaml(path, root, diags)
    if value is UNREADABLE:
        return None
    if value is None:
        diags.error(
            Location(path, 1, 1),
            "the annotation file is empty",
            "it needs at least 'text: seeds/<file>'",
            code="empty",
        )
        return None
    fields = schema.read_record(
        value, schema.ARTICLE, Location(path, 1, 1), diags, f"article '{slug}'"
    )
    if fields is None:
        return None
    text_path = (
        (root / fields["text"]).resolve()
        if not Path(fields["text"]).is_absolute()
        else Path(fields["text"])
    )
    where_text = value.where("text")
    if not text_path.exists():
        hint = None
        folder = (root / fields["text"]).parent
        if folder.is_dir():
            hint = did_you_mean(Path(fields["text"]).name, [p.name for p in folder.iterdir()])
        diags.error(
            where_text,
            f"the article text '{fields['text']}' does not exist",
            hint,
            code="missing-file",
        )
        return None
    before = len(diags.errors)
    source = read_text(text_path, root, diags)
    if source is None:
        if len(diags.errors) > before:  # point the user at the line that names the file too
            diags.error(
                where_text, f"cannot use the article text '{fields['text']}'", code="missing-file"
            )
        return None

    meta_fields: dict[str, Any] = {}
    meta_where: dict[str, Location] = {}
    is_markdown = text_path.suffix.lower() in (".md", ".markdown")
    body = source
    body_line = 1
    if is_markdown:
        body, body_line = _front_matter(text_path, source, meta_fields, meta_where, diags)
    for key in schema.META_FIELDS:
        if key in fields:
            meta_fields[key] = fields[key]
            meta_where[key] = value.where(key)

    export = ExportLayout()
    if "export" in fields:
        sub = (
            schema.read_record(
                fields["export"], schema.EXPORT, value.where("export"), diags, "export"
            )
            or {}
        )
        export = ExportLayout(sub.get("masthead_lines"), sub.get("headline"), sub.get("caption"))

    if is_markdown:
        title = meta_fields.get("title")
        if not title:
            diags.error(
                Location(text_path, 1, 1),
                "a Markdown article needs a 'title'",
                "add 'title:' to its front matter or to its annotation file",
                code="missing-key",
            )
            title = slug
        text = parse_markdown(body, title.strip(), body_line)
    else:
        text = parse_text_export(source, export)
        if text.title_block is None and not meta_fields.get("title"):
            diags.error(
                where_text,
                "no headline found in the text",
                "set 'title:' in the annotation file",
                code="missing-key",
            )

    publication = meta_fields.get("publication") or (text.masthead.name if text.masthead else None)
    title = meta_fields.get("title") or (text.title_block.text if text.title_block else slug)
    published = _published(meta_fields.get("published"), meta_where.get("published"), diags)
    topics, topic_mentions = _ids_and_mentions(
        fields.get("topics", ()), value, "topics", "topic", schema.TOPIC_MENTION, diags
    )
    places, place_mentions = _ids_and_mentions(
        fields.get("places", ()), value, "places", "place", schema.PLACE_MENTION, diags
    )
    _check_listed(value, "actors", registries.actors, "actor", registries.broken, diags)
    _check_listed(value, "places", registries.places, "place", registries.broken, diags)
    _check_listed(value, "topics", registries.topics, "topic", registries.broken, diags)
    meta = ArticleMeta(
        title=" ".join(title.split()),
        publication=publication,
        published=published,
        authors=tuple(meta_fields.get("authors", ())),
        url=meta_fields.get("url"),
        summary=(meta_fields.get("summary") or "").strip() or None,
        topics=topics,
        actors=tuple(dict.fromkeys(fields.get("actors", ()))),
        places=places,
        provenance=(meta_fields.get("provenance") or "").strip() or None,
        rights=(meta_fields.get("rights") or "").strip() or None,
        completeness=meta_fields.get("completeness", "complete"),
        language=meta_fields.get("language"),
    )
    annotations = _annotations(value, fields, path, diags) + place_mentions + topic_mentions
    _assign_ids(annotations, diags)
    return Article(slug, meta, text, tuple(annotations), text_path, path)


def _check_listed(
    value: YMap, key: str, table: dict[str, Any], what: str, broken: Broken, diags: Diagnostics
) -> None:
    """Ids listed at the top of an annotation file must exist (reported at their item)."""
    items = value.get(key)
    if not isinstance(items, YList):
        return
    for index, item in enumerate(items):
        if (
            isinstance(item, str)
            and not schema.slug_problem(item)
            and item not in table
            and (what, item) not in broken
        ):
            diags.error(
                items.where(index),
                f"unknown {what} '{item}'",
                did_you_mean(item, table),
                code="unknown-id",
            )


def _front_matter(
    path: Path, source: str, meta: dict[str, Any], where: dict[str, Location], diags: Diagnostics
) -> tuple[str, int]:
    """Split the front matter off a Markdown article and validate it; return the body."""
    handler = frontmatter.YAMLHandler()
    if not handler.detect(source):
        return source, 1
    try:
        raw, body = handler.split(source)
    except ValueError:
        return source, 1
    offset = source.index(raw) if raw else 0
    first_line = source.count("\n", 0, offset)  # lines before the front matter's first line
    try:
        document = parse_yaml("\n" * first_line + raw, path)
    except YamlError as exc:
        diags.error(exc.location, exc.message, exc.hint, code="yaml")
        return body, source.count("\n", 0, len(source) - len(body)) + 1
    if document.value is not None:
        fields = (
            schema.read_record(
                document.value, schema.FRONT_MATTER, Location(path, 1, 1), diags, "the front matter"
            )
            or {}
        )
        meta.update(fields)
        if isinstance(document.value, YMap):
            where.update({k: document.value.where(k) for k in fields})
    return body, source.count("\n", 0, len(source) - len(body)) + 1


def _published(raw: Any, where: Location | None, diags: Diagnostics) -> PublishedDate | None:
    if raw is None:
        return None
    where = where or Location(Path("?"))
    inferred, reasoning = False, None
    if isinstance(raw, YMap):
        fields = schema.read_record(raw, schema.PUBLISHED, where, diags, "published")
        if not fields:
            return None
        where = raw.where("date")
        raw, inferred, reasoning = (
            fields["date"],
            fields.get("inferred", False),
            fields.get("reasoning"),
        )
    try:
        value = dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        diags.error(
            where,
            f"the publication date '{raw}' is not a day (YYYY-MM-DD)",
            "give the day; if it is inferred, say so with 'inferred: true'",
            code="date",
        )
        return None
    return PublishedDate(value, bool(inferred), reasoning.strip() if reasoning else None)


def _ids_and_mentions(
    items: Iterable[Any],
    value: YMap,
    key: str,
    entity: str,
    record: schema.Record,
    diags: Diagnostics,
) -> tuple[tuple[str, ...], list[Annotation]]:
    ids: dict[str, None] = {}
    mentions: list[Annotation] = []
    raw = value.get(key)
    for index, item in enumerate(items):
        if isinstance(item, YMap):
            where = raw.where(index) if isinstance(raw, YList) else value.location
            fields = schema.read_record(item, record, where, diags, f"a {entity} mention")
            if fields:
                mentions.append(
                    Mention(
                        fields.get("id", ""),
                        _selector(fields),
                        where,
                        bool(fields.get("draft")),
                        entity=entity,  # type: ignore[arg-type]
                        ref=fields[entity],
                    )
                )
                ids[fields[entity]] = None
        else:
            ids[item] = None
    return tuple(ids), mentions


def _selector(fields: dict[str, Any]) -> Selector:
    return Selector(
        fields["text"], fields.get("prefix"), fields.get("suffix"), fields.get("occurrence")
    )


def _annotations(
    value: YMap, fields: dict[str, Any], path: Path, diags: Diagnostics
) -> list[Annotation]:
    result: list[Annotation] = []
    sections = (
        ("quotes", schema.QUOTE),
        ("mentions", schema.MENTION),
        ("dates", schema.DATE_REF),
        ("notes", schema.NOTE),
    )
    for key, record in sections:
        raw = value.get(key)
        for index, item in enumerate(fields.get(key, ())):
            where = raw.where(index) if isinstance(raw, YList) else value.location
            item_fields = schema.read_record(
                item, record, where, diags, _item_label(record.name, index, item)
            )
            if item_fields is None:
                continue
            annotation = _annotation(key, item_fields, item, where, diags)
            if annotation is not None:
                result.append(annotation)
    return result


def _item_label(name: str, index: int, item: Any) -> str:
    """How messages name a list item: by its words when it has them."""
    text = item.get("text") if isinstance(item, dict) else None
    if isinstance(text, str) and text.strip():
        words = " ".join(text.split())
        return f"{name} '{words[:40]}{'…' if len(words) > 40 else ''}'"
    return f"{name} {index + 1}"


def _annotation(
    section: str, f: dict[str, Any], item: YMap, where: Location, diags: Diagnostics
) -> Annotation | None:
    common = {
        "id": f.get("id", ""),
        "selector": _selector(f),
        "location": where,
        "draft": bool(f.get("draft")),
        "field_locations": tuple((key, item.where(key)) for key in item),
    }
    if section == "quotes":
        kind = f.get("kind", "direct")
        speaker = f.get("speaker")
        if kind != "term" and speaker is None:
            diags.error(
                where,
                "a quote needs a 'speaker'",
                "give the actor id, or 'kind: term' when the quotation marks quote nobody",
                code="missing-key",
            )
        if kind == "term" and speaker is not None:
            diags.error(
                item.where("speaker"),
                "a term quotes nobody, so it has no speaker",
                "use 'kind: partial' for a phrase someone said",
                code="invalid",
            )
        return Quote(
            **common,
            speaker=speaker,
            quote_kind=kind,
            context=f.get("context"),
            note=f.get("note"),
            cites=f.get("cites"),
        )
    if section == "mentions":
        return Mention(**common, entity="actor", ref=f["actor"])
    if section == "dates":
        date = _date(f.get("date"), bool(f.get("approximate")), item.where("date"), diags)
        return DateRef(
            **common,
            date=date,
            event=f.get("event"),
            relative=bool(f.get("relative")),
            note=f.get("note"),
        )
    return Note(**common, body=f["body"])


_ID_PREFIX = {
    "quote": "quote",
    "event": "date",
    "note": "note",
    "actor": "mention",
    "place": "mention",
    "topic": "mention",
}


def _assign_ids(annotations: list[Annotation], diags: Diagnostics) -> None:
    """Give every annotation a unique id: its own, or one made from its kind and words."""
    taken: dict[str, Location] = {}
    for annotation in annotations:
        if annotation.id:
            if annotation.id in RESERVED_IDS:
                diags.error(
                    annotation.location,
                    f"the id '{annotation.id}' is reserved for the page itself",
                    f"try '{annotation.id}-1'",
                    code="bad-id",
                )
            elif annotation.id in taken:
                diags.error(
                    annotation.location,
                    f"duplicate id '{annotation.id}'",
                    f"it is already used on line {taken[annotation.id].line}",
                    code="duplicate-id",
                )
            taken.setdefault(annotation.id, annotation.location)
    for index, annotation in enumerate(annotations):
        if annotation.id:
            continue
        words = schema.suggest_slug(" ".join(annotation.selector.exact.split()[:5]))[:40]
        base = f"{_ID_PREFIX[annotation.kind]}-{words.strip('-') or 'x'}"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken[candidate] = annotation.location
        annotations[index] = _with_id(annotation, candidate)


def _with_id(annotation: Annotation, new_id: str) -> Annotation:
    import dataclasses

    return dataclasses.replace(annotation, id=new_id)


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
