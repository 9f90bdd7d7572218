"""Reading W3C Web Annotations, and Hypothesis's exports of them, into plain values.

Accepted shapes: one Annotation; a list of them; an AnnotationPage or an
AnnotationCollection whose pages are embedded (``first``, then ``next``); the
Hypothesis client's export (``{"annotations": [...]}``) and its API's search
result (``{"rows": [...]}``), where an annotation has ``text``, ``tags`` and
``target[].selector[]``. What each annotation says is kept as :class:`Incoming`;
what cannot be read is returned as a reason, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_SITE_PAGE = re.compile(
    r"(?:^|/)(articles|actors|places|topics)/([a-z0-9]+(?:-[a-z0-9]+)*)/(?:index\.html)?"
    r"(?:#(.*))?$"
)
_EVENT = re.compile(r"(?:^|/)timeline/(?:index\.html)?#event-([a-z0-9]+(?:-[a-z0-9]+)*)$")
_FOLDER_KIND = {"articles": "article", "actors": "actor", "places": "place", "topics": "topic"}


@dataclass
class Incoming:
    """One annotation as read: its selectors and what its bodies say."""

    label: str  # how messages name it: "annotation 3 (id ...)"
    ident: str | None = None  # the Annotarium id, when the annotation came from an export
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    motivation: tuple[str, ...] = ()
    tags: list[str] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (purpose, value)
    links: list[tuple[str, str, str, str]] = field(default_factory=list)  # purpose, kind, id, #
    reply: bool = False
    article: str | None = None  # the Annotarium article its target is, if it is one


def _many(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(value: dict[str, Any]) -> set[str]:
    return {str(t) for t in _many(value.get("type") or value.get("@type"))}


def flatten(document: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The annotation objects of a document, and why any part of it could not be read."""
    found: list[dict[str, Any]] = []
    problems: list[str] = []

    def page(value: Any) -> None:
        depth = 0
        while isinstance(value, dict) and depth < 100_000:
            found.extend(a for a in _many(value.get("items")) if isinstance(a, dict))
            value = value.get("next")
            depth += 1
        if isinstance(value, str):
            problems.append(
                f"the page {value} is not embedded in the file (download it and import it too)"
            )

    if isinstance(document, list):
        for item in document:
            if isinstance(item, dict) and "AnnotationPage" in _types(item):
                page(item)
            elif isinstance(item, dict):
                found.append(item)
        return found, problems
    if not isinstance(document, dict):
        return [], ["the file holds neither an annotation nor a list of them"]
    types = _types(document)
    if "AnnotationCollection" in types:
        first = document.get("first")
        if isinstance(first, str):
            problems.append(f"the collection's first page {first} is not embedded in the file")
        page(first)
    elif "AnnotationPage" in types:
        page(document)
    elif isinstance(document.get("annotations"), list):  # Hypothesis client export
        found.extend(a for a in document["annotations"] if isinstance(a, dict))
    elif isinstance(document.get("rows"), list):  # Hypothesis API search result
        found.extend(a for a in document["rows"] if isinstance(a, dict))
    else:
        found.append(document)
    return found, problems


def site_link(iri: str) -> tuple[str, str, str] | None:
    """(kind, id, fragment) when an IRI points at an Annotarium page: an article, actor,
    place or topic page, or an event on the timeline."""
    event = _EVENT.search(iri)
    if event:
        return "event", event[1], ""
    page = _SITE_PAGE.search(iri)
    if page:
        return _FOLDER_KIND[page[1]], page[2], page[3] or ""
    return None


def read_annotation(value: dict[str, Any], index: int) -> Incoming:
    """What one annotation object says (selectors, tags, texts, links)."""
    ident = value.get("id") or value.get("@id")
    label = f"annotation {index}" + (f" ({ident})" if isinstance(ident, str) else "")
    item = Incoming(label)
    if isinstance(ident, str) and "#" in ident:
        fragment = ident.rsplit("#", 1)[1]
        if "/" in fragment:
            item.ident = fragment.rsplit("/", 1)[1] or None
    item.motivation = tuple(str(m) for m in _many(value.get("motivation")))
    item.reply = bool(value.get("references")) or "replying" in item.motivation
    # Hypothesis: text and tags
    if isinstance(value.get("text"), str) and value["text"].strip():
        item.texts.append(("commenting", value["text"]))
    item.tags.extend(str(t) for t in _many(value.get("tags")) if isinstance(t, str))
    if isinstance(value.get("bodyValue"), str):
        item.texts.append(("commenting", value["bodyValue"]))
    default_purpose = item.motivation[0] if len(item.motivation) == 1 else "commenting"
    for body in _many(value.get("body")):
        _read_body(body, default_purpose, item)
    for target in _many(value.get("target")):
        source = target.get("source") if isinstance(target, dict) else target
        link = site_link(source) if isinstance(source, str) else None
        if link and link[0] == "article":
            item.article = link[1]
        if isinstance(target, dict):
            for selector in _many(target.get("selector")):
                _read_selector(selector, item)
        if item.exact is not None:
            break
    return item


def _read_body(body: Any, default_purpose: str, item: Incoming) -> None:
    if isinstance(body, str):
        link = site_link(body)
        if link:
            item.links.append((default_purpose, *link))
        return
    if not isinstance(body, dict):
        return
    purposes = [str(p) for p in _many(body.get("purpose"))] or [default_purpose]
    if "TextualBody" in _types(body) or "value" in body:
        text = body.get("value")
        if not isinstance(text, str):
            return
        for purpose in purposes:
            if purpose == "tagging":
                item.tags.append(text)
            else:
                item.texts.append((purpose, text))
        return
    source = body.get("source") or body.get("id")
    if isinstance(source, str):
        link = site_link(source)
        if link:
            item.links.extend((purpose, *link) for purpose in purposes)


def _read_selector(selector: Any, item: Incoming) -> None:
    if not isinstance(selector, dict):
        return
    kind = selector.get("type")
    if kind == "TextQuoteSelector" and isinstance(selector.get("exact"), str):
        item.exact = selector["exact"]
        item.prefix = selector.get("prefix") if isinstance(selector.get("prefix"), str) else None
        item.suffix = selector.get("suffix") if isinstance(selector.get("suffix"), str) else None
    elif kind == "TextPositionSelector":
        start, end = selector.get("start"), selector.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end:
            item.start, item.end = start, end
    for refined in _many(selector.get("refinedBy")):
        _read_selector(refined, item)
