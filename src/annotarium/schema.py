"""The fields of every file an analyst writes, declared once.

Each record type (an actor, a quote, the site config, ...) is a :class:`Record`
of :class:`Field` values. :func:`read_record` validates a YAML mapping against
it, reporting every missing, unknown and mistyped field with its line, and the
same declarations produce the JSON Schemas editors use for autocompletion
(:func:`json_schema`), so the documentation, the checker and the editor can
never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from annotarium.diagnostics import Diagnostics, Location, did_you_mean
from annotarium.yamlsource import YList, YMap

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 64


def slug_problem(value: str) -> str | None:
    """Why ``value`` is not a valid id, or None when it is one."""
    if not value:
        return "an id cannot be empty"
    if len(value) > SLUG_MAX:
        return f"an id has at most {SLUG_MAX} characters"
    if not SLUG_RE.fullmatch(value):  # match() would let a trailing newline through
        return (
            f"'{value}' is not a valid id: use lowercase ASCII letters, digits and single hyphens"
        )
    return None


def suggest_slug(value: str) -> str:
    """The slug an analyst probably meant: ``"Kim Jong Un"`` → ``kim-jong-un``."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:SLUG_MAX].strip("-")


@dataclass(frozen=True)
class Kind:
    """A field's type: how to check a value and how to describe it in JSON Schema."""

    name: str  # how error messages describe it: "text", "a list of ids", ...
    check: Callable[[Any], str | None]  # returns why the value is wrong, or None
    schema: dict[str, Any]


def _is_text(value: Any) -> str | None:
    if isinstance(value, str):
        return None if value.strip() else "must not be empty"
    return f"must be text, not {_describe(value)}"


def _is_slug(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be an id (text), not {_describe(value)}"
    return slug_problem(value)


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {_describe(value)}"


def _is_positive_int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return f"must be a whole number from 1, not {_describe(value)}"
    return None


def _is_date(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    return _is_text(value)


def _list_of(inner: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, str):
            return "must be a list (write [a, b] or one '- item' per line)"
        if not isinstance(value, list):
            return f"must be a list, not {_describe(value)}"
        return None  # items are checked one by one, so each error has its own line

    check.inner = inner  # type: ignore[attr-defined]
    return check


def _is_mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else f"must be a mapping of keys, not {_describe(value)}"


def _is_text_or_mapping(value: Any) -> str | None:
    if isinstance(value, dict):
        return None
    return _is_date(value)


def _is_slug_or_mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else _is_slug(value)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


_SLUG_SCHEMA = {"type": "string", "pattern": SLUG_RE.pattern, "maxLength": SLUG_MAX}
TEXT = Kind("text", _is_text, {"type": "string", "minLength": 1})
SLUG = Kind("id", _is_slug, _SLUG_SCHEMA)
BOOL = Kind("true/false", _is_bool, {"type": "boolean"})
POSITIVE = Kind("a whole number", _is_positive_int, {"type": "integer", "minimum": 1})
DATE = Kind(
    "a date",
    _is_date,
    {
        "type": ["string", "integer"],
        "description": "YYYY-MM-DD, YYYY-MM, YYYY, YYYY-H2, YYYY-late, YYYY-spring or A/B",
    },
)
TEXTS = Kind("a list of text", _list_of(_is_text), {"type": "array", "items": {"type": "string"}})
SLUGS = Kind("a list of ids", _list_of(_is_slug), {"type": "array", "items": _SLUG_SCHEMA})
MAPPING = Kind("a mapping", _is_mapping, {"type": "object"})


def enum(*choices: str) -> Kind:
    def check(value: Any) -> str | None:
        if value in choices:
            return None
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else None
        return f"must be one of {', '.join(choices)}" + (f" ({hint})" if hint else "")

    return Kind("one of " + ", ".join(choices), check, {"enum": list(choices)})


@dataclass(frozen=True)
class Field:
    kind: Kind
    doc: str
    required: bool = False
    item: Record | None = None  # for lists of mappings and nested mappings
    item_kind: Kind | None = None  # a list's items may be a scalar id or a mapping


@dataclass(frozen=True)
class Record:
    """A mapping an analyst writes, with its allowed fields."""

    name: str  # "actor", "quote", ...: used in messages
    fields: dict[str, Field]
    doc: str = ""
    extra_schema: dict[str, Any] = field(default_factory=dict)


def read_record(
    value: Any, record: Record, where: Location, diags: Diagnostics, context: str = ""
) -> dict[str, Any] | None:
    """Validate one mapping; report every problem; return the valid fields only.

    Fields with errors are left out of the result, so later checks do not
    report the same mistake twice. Returns None when ``value`` is not a mapping
    at all, or a required field is missing.
    """
    label = context or record.name
    if not isinstance(value, YMap):
        diags.error(
            where,
            f"{label} must be a mapping of keys, not {_describe(value)}",
            f"see the {record.name} example in docs/format.md",
            code="type",
        )
        return None
    result: dict[str, Any] = {}
    complete = True
    for key in value:
        if key not in record.fields:
            hint = did_you_mean(key, record.fields) or ("allowed keys: " + ", ".join(record.fields))
            diags.error(
                value.key_where(key), f"unknown key '{key}' in {label}", hint, code="unknown-key"
            )
    for name, spec in record.fields.items():
        if name not in value:
            if spec.required:
                diags.error(
                    value.location, f"{label} is missing '{name}'", spec.doc, code="missing-key"
                )
                complete = False
            continue
        raw = value[name]
        problem = spec.kind.check(raw)
        if problem:
            diags.error(value.where(name), f"'{name}' of {label} {problem}", code="type")
            if spec.required:
                complete = False
            continue
        inner = getattr(spec.kind.check, "inner", None)
        if inner is not None and isinstance(raw, YList):
            items = []
            for index, item in enumerate(raw):
                if isinstance(item, YMap) and spec.item is not None:
                    items.append(item)
                    continue
                item_problem = inner(item)
                if item_problem:
                    diags.error(
                        raw.where(index),
                        f"item {index + 1} of '{name}' in {label} {item_problem}",
                        code="type",
                    )
                else:
                    items.append(item)
            result[name] = items
        else:
            result[name] = raw
    return result if complete else None


def json_schema(record: Record, title: str, top: str = "record") -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for a record; ``top='registry'`` for id → record maps."""
    body = _record_schema(record)
    if top == "registry":
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": title,
            "type": "object",
            "propertyNames": _SLUG_SCHEMA,
            "additionalProperties": body,
        }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **body}


def _record_schema(record: Record) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, spec in record.fields.items():
        prop = dict(spec.kind.schema)
        if spec.item is not None:
            nested = _record_schema(spec.item)
            if prop.get("type") == "array":
                alternatives = [nested]
                if spec.item_kind is not None:
                    alternatives.insert(0, spec.item_kind.schema)
                prop = {
                    "type": "array",
                    "items": alternatives[0] if len(alternatives) == 1 else {"anyOf": alternatives},
                }
            else:
                prop = {"anyOf": [dict(spec.kind.schema), nested]} if spec.item_kind else nested
        prop["description"] = spec.doc
        properties[name] = prop
    schema: dict[str, Any] = {
        "type": "object",
        "description": record.doc,
        "properties": properties,
        "additionalProperties": False,
    }
    required = [n for n, s in record.fields.items() if s.required]
    if required:
        schema["required"] = required
    schema.update(record.extra_schema)
    return schema


# --- the records ------------------------------------------------------------------

ACTOR_KIND = enum("person", "organisation", "government", "anonymous", "document")
QUOTE_KIND = enum("direct", "partial", "term")
COMPLETENESS_KIND = enum("complete", "excerpt", "truncated", "assembled")

MARKDOWN_OPTIONS = Record(
    "markdown",
    {
        "allow_html": Field(
            BOOL,
            "Pass raw HTML in notes through as written (default: false, it is shown as "
            "text). Only for archives whose every author is trusted: the HTML, scripts "
            "included, reaches every page that shows the note.",
        ),
    },
    "How notes written in Markdown are rendered.",
)

CONFIG = Record(
    "annotarium.yaml",
    {
        "title": Field(TEXT, "The archive's title, shown on every page."),
        "description": Field(TEXT, "One or two sentences about the archive."),
        "base_url": Field(
            Kind(
                "a URL",
                lambda v: None if isinstance(v, str) else f"must be text, not {_describe(v)}",
                {"type": "string"},
            ),
            "The absolute URL the site is published at, ending in '/'; "
            "enables canonical links, sitemap.xml and the Atom feed.",
        ),
        "language": Field(TEXT, "The archive's language as a BCP 47 tag, e.g. 'en'."),
        "search": Field(BOOL, "Build the full-text search index and page (default: true)."),
        "page_size": Field(
            POSITIVE,
            "How many entries a page of a long list shows (default: 50): quotes on an "
            "actor's page, articles in the 'In the articles' lists and on the quotes page; "
            "the rest go on numbered pages.",
        ),
        "markdown": Field(MAPPING, "How notes written in Markdown are rendered.",
                          item=MARKDOWN_OPTIONS),
    },
    "Site settings.",
)

AFFILIATION = Record(
    "affiliation",
    {
        "actor": Field(SLUG, "The id of the actor this one belongs to.", required=True),
        "role": Field(TEXT, "The role held, e.g. 'former Asia policy official'."),
    },
)

ACTOR = Record(
    "actor",
    {
        "name": Field(TEXT, "The name as it is best known.", required=True),
        "kind": Field(
            ACTOR_KIND, "person, organisation, government, anonymous or document.", required=True
        ),
        "description": Field(TEXT, "One accurate line about who or what this is.", required=True),
        "source": Field(
            TEXT, "Where the description comes from, e.g. 'the article' when it is the only source."
        ),
        "aliases": Field(TEXTS, "Other names the texts use; matched as whole words."),
        "affiliations": Field(
            Kind("a list of affiliations", _list_of(_is_slug_or_mapping), {"type": "array"}),
            "Actors this one belongs to: an id or {actor, role}.",
            item=AFFILIATION,
            item_kind=SLUG,
        ),
        "wikidata": Field(
            Kind(
                "a Wikidata id",
                lambda v: (
                    None
                    if isinstance(v, str) and re.fullmatch(r"Q[1-9]\d*", v)
                    else "must be a Wikidata id like Q42"
                ),
                {"type": "string", "pattern": "^Q[1-9][0-9]*$"},
            ),
            "The Wikidata item, e.g. Q56226.",
        ),
    },
    "A person, organisation, government, anonymous source or document.",
)

PLACE = Record(
    "place",
    {
        "name": Field(TEXT, "The place's name.", required=True),
        "kind": Field(
            enum("city", "country", "region", "site", "body-of-water", "building"),
            "What sort of place it is.",
        ),
        "description": Field(TEXT, "One accurate line about the place.", required=True),
        "aliases": Field(TEXTS, "Other names the texts use; matched as whole words."),
        "wikidata": ACTOR.fields["wikidata"],
    },
    "A place named in the texts.",
)

TOPIC = Record(
    "topic",
    {
        "name": Field(TEXT, "The topic's name.", required=True),
        "description": Field(TEXT, "What the topic covers.", required=True),
        "aliases": Field(TEXTS, "Words that mark the topic in the texts; matched as whole words."),
    },
    "A policy topic.",
)

EVENT = Record(
    "event",
    {
        "title": Field(TEXT, "A short title for the timeline.", required=True),
        "date": Field(DATE, "When it happened (see Dates in docs/format.md).", required=True),
        "approximate": Field(BOOL, "true when the date is only approximately known."),
        "actors": Field(SLUGS, "The actors who took part."),
        "place": Field(SLUG, "Where it happened (a place id)."),
        "topics": Field(SLUGS, "Topics it concerns."),
        "description": Field(TEXT, "What happened, in a sentence or two."),
    },
    "An event on the timeline, shared by every article that mentions it.",
)

_SELECTOR_FIELDS = {
    "text": Field(
        TEXT,
        "The exact words of the article (quotes and whitespace are matched loosely).",
        required=True,
    ),
    "id": Field(SLUG, "A stable id for the permalink; made from the words when left out."),
    "prefix": Field(TEXT, "Text just before, to say which occurrence is meant."),
    "suffix": Field(TEXT, "Text just after, to say which occurrence is meant."),
    "occurrence": Field(POSITIVE, "Which occurrence is meant, counting from 1."),
    "draft": Field(BOOL, "true for an annotation drafted by a tool and not yet reviewed."),
}

QUOTE = Record(
    "quote",
    {
        **_SELECTOR_FIELDS,
        "speaker": Field(SLUG, "The actor quoted (required unless kind is 'term')."),
        "kind": Field(QUOTE_KIND, "direct (default), partial (a phrase) or term (scare quotes)."),
        "context": Field(TEXT, "When, where or to whom it was said."),
        "note": Field(TEXT, "An analyst's comment (Markdown)."),
        "cites": Field(TEXT, "The article quoted, as 'slug' or 'slug#annotation-id'."),
    },
    "Words in quotation marks.",
)

MENTION = Record(
    "mention",
    {**_SELECTOR_FIELDS, "actor": Field(SLUG, "The actor named.", required=True)},
    "A mention of an actor that the aliases do not catch.",
)
PLACE_MENTION = Record(
    "place mention", {**_SELECTOR_FIELDS, "place": Field(SLUG, "The place named.", required=True)}
)
TOPIC_MENTION = Record(
    "topic mention", {**_SELECTOR_FIELDS, "topic": Field(SLUG, "The topic.", required=True)}
)
DATE_REF = Record(
    "date",
    {
        **_SELECTOR_FIELDS,
        "date": Field(DATE, "The resolved date, at the precision the text gives.", required=True),
        "approximate": Field(BOOL, "true when the text is vague about the date."),
        "relative": Field(BOOL, "true when resolved against the publication date ('Tuesday')."),
        "event": Field(SLUG, "The event the date refers to."),
        "note": Field(TEXT, "How the date was resolved, if not obvious (Markdown)."),
    },
    "A date expression in the text.",
)
NOTE = Record(
    "note",
    {**_SELECTOR_FIELDS, "body": Field(TEXT, "The note, in Markdown.", required=True)},
    "An analyst's note anchored to a span.",
)

PUBLISHED = Record(
    "published",
    {
        "date": Field(DATE, "The day of publication, YYYY-MM-DD.", required=True),
        "inferred": Field(BOOL, "true when the text has no dateline and the date was inferred."),
        "reasoning": Field(TEXT, "How the date was established."),
    },
)

EXPORT = Record(
    "export",
    {
        "masthead_lines": Field(
            Kind(
                "a whole number",
                lambda v: (
                    None
                    if isinstance(v, int) and not isinstance(v, bool) and v >= 0
                    else "must be a whole number from 0"
                ),
                {"type": "integer", "minimum": 0},
            ),
            "How many lines at the top are the publication's masthead.",
        ),
        "headline": Field(BOOL, "Whether the first block after the masthead is the headline."),
        "caption": Field(BOOL, "Whether the block after the headline is a photo caption."),
    },
)

META_FIELDS: dict[str, Field] = {
    "title": Field(TEXT, "The headline; overrides what the loader found."),
    "publication": Field(TEXT, "The publication's name."),
    "published": Field(
        Kind(
            "a date or {date, inferred, reasoning}",
            _is_text_or_mapping,
            {"type": ["string", "object"]},
        ),
        "The publication date.",
        item=PUBLISHED,
        item_kind=DATE,
    ),
    "authors": Field(TEXTS, "The authors' names, where known."),
    "url": Field(TEXT, "Where the article was published."),
    "summary": Field(TEXT, "One or two sentences for the home page."),
    "language": Field(TEXT, "The article's language, if not the archive's."),
    "provenance": Field(TEXT, "Where the text comes from and how it was assembled."),
    "rights": Field(TEXT, "The licence or public-domain basis."),
    "completeness": Field(COMPLETENESS_KIND, "complete, excerpt, truncated or assembled."),
}

ARTICLE = Record(
    "article",
    {
        "text": Field(TEXT, "The article text, relative to the archive root.", required=True),
        **META_FIELDS,
        "topics": Field(
            Kind(
                "a list of topic ids or topic mentions",
                _list_of(_is_slug_or_mapping),
                {"type": "array"},
            ),
            "What the article is about: topic ids (their names and aliases are "
            "linked in the text) and {text, topic} mentions the aliases do not catch.",
            item=TOPIC_MENTION,
            item_kind=SLUG,
        ),
        "actors": Field(SLUGS, "Actors whose name and aliases are linked in the text."),
        "places": Field(
            Kind(
                "a list of place ids or place mentions",
                _list_of(_is_slug_or_mapping),
                {"type": "array"},
            ),
            "Places named in the article: place ids (their names and aliases are "
            "linked in the text) and {text, place} mentions the aliases do not catch.",
            item=PLACE_MENTION,
            item_kind=SLUG,
        ),
        "export": Field(MAPPING, "Overrides for plain-text exports.", item=EXPORT),
        "quotes": Field(
            Kind("a list of quotes", _list_of(_is_mapping), {"type": "array"}),
            "Every passage in quotation marks.",
            item=QUOTE,
        ),
        "mentions": Field(
            Kind("a list of mentions", _list_of(_is_mapping), {"type": "array"}),
            "Actor mentions the aliases do not catch.",
            item=MENTION,
        ),
        "dates": Field(
            Kind("a list of dates", _list_of(_is_mapping), {"type": "array"}),
            "Every date expression.",
            item=DATE_REF,
        ),
        "notes": Field(
            Kind("a list of notes", _list_of(_is_mapping), {"type": "array"}),
            "Analyst notes anchored to spans.",
            item=NOTE,
        ),
    },
    "The annotations of one article.",
)

FRONT_MATTER = Record("front matter", dict(META_FIELDS), "Metadata of a Markdown article.")

SCHEMAS: dict[str, tuple[Record, str]] = {
    "config": (CONFIG, "record"),
    "article": (ARTICLE, "record"),
    "actors": (ACTOR, "registry"),
    "places": (PLACE, "registry"),
    "topics": (TOPIC, "registry"),
    "events": (EVENT, "registry"),
}
