"""Read the site configuration and the four shared registries (actors, places, topics, events)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from annotarium import schema
from annotarium.dates import DateSyntaxError, DateValue, parse_date
from annotarium.diagnostics import Diagnostics, Location
from annotarium.model import (
    Actor,
    Affiliation,
    Event,
    Place,
    SiteConfig,
    Topic,
)
from annotarium.sources import read_text
from annotarium.yamlsource import YamlError, YList, YMap, parse_yaml

# --- files ------------------------------------------------------------------------

CONFIG_FILE = "annotarium.yaml"


class _Unreadable:
    """Marks a file whose problem was already reported (unlike an empty file)."""


UNREADABLE = _Unreadable()


def read_yaml(path: Path, root: Path, diags: Diagnostics) -> YMap | YList | Any:
    """The file's YAML value; None for an empty file; UNREADABLE after reporting why."""
    text = read_text(path, root, diags)
    if text is None:
        return UNREADABLE
    try:
        return parse_yaml(text, path).value
    except YamlError as exc:
        diags.error(exc.location, exc.message, exc.hint, code="yaml")
        return UNREADABLE


def valid_base_url(url: str) -> bool:
    """An absolute http(s) URL with nothing that could break out of an attribute."""
    return re.fullmatch(r"https?://[^\s/\"'<>\\]+(/[^\s\"'<>\\]*)?", url) is not None


def load_config(root: Path, diags: Diagnostics) -> SiteConfig:
    path = root / CONFIG_FILE
    if not path.exists():
        return SiteConfig(path=None)
    value = read_yaml(path, root, diags)
    if value is None or value is UNREADABLE:
        return SiteConfig(path=path)
    fields = (
        schema.read_record(
            value, schema.CONFIG, Location(path, 1, 1), diags, "the site configuration"
        )
        or {}
    )
    base_url = fields.get("base_url", "") or ""
    if base_url and not valid_base_url(base_url):
        diags.error(
            value.where("base_url"),
            f"base_url '{base_url}' is not an absolute http(s) URL",
            "write it like https://example.org/archive/",
            code="config",
        )
        base_url = ""
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    markdown: dict[str, Any] = {}
    if "markdown" in fields:
        markdown = schema.read_record(fields["markdown"], schema.MARKDOWN_OPTIONS,
                                      value.where("markdown"), diags, "markdown") or {}
    return SiteConfig(
        title=fields.get("title", SiteConfig.title),
        description=fields.get("description", ""),
        base_url=base_url,
        language=fields.get("language", "en"),
        search=fields.get("search", True),
        path=path,
        allow_html=bool(markdown.get("allow_html", False)),
        page_size=fields.get("page_size", SiteConfig.page_size),
    )


class Broken:
    """Ids whose entries exist but could not be read, so that references to them are not
    reported again as unknown: one mistake, one message."""

    def __init__(self) -> None:
        self.ids: set[tuple[str, str]] = set()
        self.registries: set[str] = set()  # kinds whose whole file could not be read

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key[0] in self.registries or key in self.ids


def load_registry(
    root: Path, name: str, record: schema.Record, make: Any, diags: Diagnostics, broken: Broken
) -> dict[str, Any]:
    path = root / "content" / f"{name}.yaml"
    if not path.exists():
        return {}
    kind = record.name
    value = read_yaml(path, root, diags)
    if value is None:
        diags.warning(Location(path, 1, 1), f"{name}.yaml is empty",
                      f"add its {record.name}s, or remove the file", code="empty")
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


def make_actor(
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


def make_place(
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


def make_topic(
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


def make_event(
    key: str, fields: dict[str, Any], item: YMap, where: Location, diags: Diagnostics
) -> Event | None:
    date = date_field(
        fields.get("date"), bool(fields.get("approximate")), item.where("date"), diags
    )
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


def date_field(
    raw: Any, approximate: bool, where: Location, diags: Diagnostics
) -> DateValue | None:
    if raw is None:
        return None
    try:
        return parse_date(raw, approximate)
    except DateSyntaxError as exc:
        diags.error(where, str(exc), exc.hint, code="date")
        return None
