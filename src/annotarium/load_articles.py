"""Read one annotation file and the article text it points at into an Article."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter

from annotarium import schema
from annotarium.articles import ExportLayout, parse_markdown, parse_text_export
from annotarium.diagnostics import Diagnostics, Location, did_you_mean
from annotarium.load_registries import UNREADABLE, Broken, date_field, read_yaml
from annotarium.model import (
    Actor,
    Annotation,
    Article,
    ArticleMeta,
    DateRef,
    Mention,
    Note,
    Place,
    PublishedDate,
    Quote,
    Selector,
    Topic,
    positions,
)
from annotarium.sources import read_text
from annotarium.yamlsource import YamlError, YList, YMap, parse_yaml

RESERVED_IDS = frozenset({"main", "content", "top", "legend", "notes", "search", "skip"})

# --- articles ---------------------------------------------------------------------


@dataclass(frozen=True)
class Registries:
    actors: dict[str, Actor]
    places: dict[str, Place]
    topics: dict[str, Topic]
    broken: Broken


def article_files(root: Path, diags: Diagnostics) -> list[tuple[Path, str]]:
    """The annotation files in ``content/articles/`` and their slugs, in order."""
    folder = root / "content" / "articles"
    if not folder.is_dir():
        return []
    files = []
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
        files.append((path, slug))
    return files


def load_article(
    root: Path, path: Path, slug: str, registries: Registries, diags: Diagnostics
) -> Article | None:
    """Read one annotation file and the text it names into an Article (None: unusable)."""
    value = read_yaml(path, root, diags)
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
    named_path = root / fields["text"]  # an absolute path stays as it is
    text_path = named_path
    with contextlib.suppress(OSError, RuntimeError):  # a loop: read_text below says so
        text_path = named_path.resolve()
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
    source = read_text(named_path, root, diags)  # problems are reported where it was named
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
                _warn_draft(fields, item, record.name, diags)
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
                _warn_draft(item_fields, item, record.name, diags)
    return result


def _warn_draft(fields: dict[str, Any], item: YMap, name: str, diags: Diagnostics) -> None:
    """A draft is a tool's guess: say so on every check until the analyst has reviewed it."""
    if fields.get("draft"):
        words = " ".join(str(fields.get("text", "")).split())
        words = words if len(words) <= 50 else words[:47] + "…"
        diags.warning(
            item.where("draft"),
            f"{name} '{words}' is a draft",
            "check it against the article, then remove 'draft: true'",
            code="draft",
        )


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
        "field_positions": positions(
            (key, *item.value_positions.get(key, item.position)) for key in item
        ),
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
        date = date_field(f.get("date"), bool(f.get("approximate")), item.where("date"), diags)
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
    for annotation in annotations:
        if annotation.id:
            continue
        words = schema.suggest_slug(" ".join(annotation.selector.exact.split()[:5]))[:40]
        base = f"{_ID_PREFIX[annotation.kind]}-{words.strip('-') or 'x'}"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken[candidate] = annotation.location
        # The annotation was made a moment ago by this module and is not shared yet:
        # setting its id in place is safe and much cheaper than dataclasses.replace.
        object.__setattr__(annotation, "id", candidate)
