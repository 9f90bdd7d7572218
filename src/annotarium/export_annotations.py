"""Every annotation as a W3C Web Annotation, in one AnnotationCollection.

The collection embeds a single AnnotationPage (its ``first`` and ``last``)
holding one Annotation per annotation an analyst wrote (the mentions found by
alias are left out: they are derived, and ``archive.json`` has them). Each
target is the article's page with two equivalent selectors: a
TextQuoteSelector (the exact words and up to 32 characters before and after)
and a TextPositionSelector (code-point offsets in the article text the anchors
use, see docs/format.md). Bodies say what the annotation claims, each with its
``purpose``; a ``tagging`` body names Annotarium's kind of annotation, so that
``annotarium import`` can read the collection back.

With a ``base_url``, every IRI is absolute. Without one, IRIs are relative
references (``../articles/slug/``), which JSON-LD resolves against the address
the file is read from: they become absolute wherever the site is published.
"""

from __future__ import annotations

import json
from typing import Any

from annotarium.export import compact_json, event_page, page_of

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32  # prefix and suffix length, as in the Hypothesis client
COLLECTION_PATH = "data/annotations.jsonld"
KIND_TAGS = {"direct": "quote", "partial": "partial-quote", "term": "term"}
MOTIVATIONS = {
    "quote": "classifying",
    "actor": "identifying",
    "place": "identifying",
    "topic": "identifying",
    "event": "describing",
    "note": "commenting",
}


class Iris:
    """IRIs of the site's resources, absolute under a base URL, else relative to data/."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url

    def site(self, path: str) -> str:
        page, hash_, fragment = path.partition("#")
        if page.endswith("index.html"):
            page = page[: -len("index.html")]
        return (self.base or "../") + page + hash_ + fragment

    @property
    def collection(self) -> str:
        return (self.base + COLLECTION_PATH) if self.base else "annotations.jsonld"

    def annotation(self, slug: str, annotation_id: str) -> str:
        return f"{self.collection}#{slug}/{annotation_id}"


def _tag(value: str) -> dict[str, Any]:
    return {"type": "TextualBody", "purpose": "tagging", "value": value}


def _text(value: str, purpose: str, language: str, markdown: bool = False) -> dict[str, Any]:
    return {
        "type": "TextualBody",
        "purpose": purpose,
        "value": value,
        "format": "text/markdown" if markdown else "text/plain",
        "language": language,
    }


def _link(source: str, purpose: str) -> dict[str, Any]:
    return {"type": "SpecificResource", "source": source, "purpose": purpose}


def annotations_jsonld(data: dict[str, Any]) -> dict[str, Any]:
    """The AnnotationCollection of every explicit annotation in ``data`` (archive_data)."""
    return json.loads(annotations_bytes(data))


def annotations_bytes(data: dict[str, Any]) -> bytes:
    """The collection as compact JSON, one annotation per line."""
    site = data["site"]
    wikidata = wikidata_ids(data)
    texts = {article["slug"]: article["text"] for article in data["articles"]}
    items = [line for article in data["articles"] for line in [annotation_lines(
        [i for i in data["annotations"] if i["article"] == article["slug"]],
        texts[article["slug"]], site["base_url"], site["language"], wikidata)] if line]
    total = sum(1 for item in data["annotations"] if not item.get("auto"))
    head, tail = collection_frame(site["title"], site["base_url"], total)
    body = b",\n".join(items)
    return head + body + tail


def wikidata_ids(data: dict[str, Any]) -> dict[tuple[str, str], str | None]:
    """(kind, id) -> Wikidata id of every actor, place and topic in ``data``."""
    return {
        (kind, entry["id"]): entry.get("wikidata")
        for kind, table in (("actor", "actors"), ("place", "places"), ("topic", "topics"))
        for entry in data[table]
    }


def collection_frame(title: str, base_url: str, total: int) -> tuple[bytes, bytes]:
    """What comes before and after the annotations (one per line, joined by ``,\n``) in
    ``annotations.jsonld``: the collection, and its one page up to ``"items":[``."""
    iris = Iris(base_url)
    page_id = f"{iris.collection}#page-1"
    collection = {
        "@context": ANNO_CONTEXT,
        "id": iris.collection,
        "type": "AnnotationCollection",
        "label": f"Annotations of {title}",
        "total": total,
        "last": page_id,
    }
    page = {"id": page_id, "type": "AnnotationPage", "partOf": iris.collection, "startIndex": 0}
    dump = compact_json
    head = ",\n".join(f"{dump(k)}:{dump(v)}" for k, v in collection.items())
    page_head = ",".join(f"{dump(k)}:{dump(v)}" for k, v in page.items())
    return (f'{{{head},\n"first":{{{page_head},"items":[\n'.encode(), b"\n]}}\n")


def annotation_lines(items: list[dict[str, Any]], text: str, base_url: str,
                     language: str | None, wikidata: dict[tuple[str, str], str | None]
                     ) -> bytes:
    """One article's annotations (``archive.json``'s records of it, with its ``text``) as
    Web Annotations, one per line joined by ``,\n``; the mentions found by alias are
    left out."""
    iris = Iris(base_url)
    lang = language or "en"
    return ",\n".join([compact_json(_annotation(item, iris, lang, wikidata, text))
                        for item in items if not item.get("auto")]).encode()


def _annotation(
    item: dict[str, Any],
    iris: Iris,
    language: str,
    wikidata: dict[tuple[str, str], str | None],
    text: str,
) -> dict[str, Any]:
    kind = item["kind"]
    bodies: list[dict[str, Any]] = []
    if kind == "quote":
        bodies.append(_tag(KIND_TAGS[item["quote_kind"]]))
        if item["speaker"]:
            bodies.append(_link(iris.site(page_of("actor", item["speaker"])), "identifying"))
        if item["context"]:
            bodies.append(_text(item["context"], "describing", language))
        if item["cites"]:
            cited = item["cites"]
            path = page_of("article", cited["article"])
            if cited["annotation"]:
                path += f"#{cited['annotation']}"
            bodies.append(_link(iris.site(path), "linking"))
        if item["note"]:
            bodies.append(_text(item["note"], "commenting", language, markdown=True))
    elif kind in ("actor", "place", "topic"):
        bodies.append(_tag(kind))
        bodies.append(_link(iris.site(page_of(kind, item["entity_id"])), "identifying"))
        known = wikidata.get((kind, item["entity_id"]))
        if known:
            bodies.append(_link(f"http://www.wikidata.org/entity/{known}", "identifying"))
    elif kind == "event":
        bodies.append(_tag("date"))
        if item["date"]:
            bodies.append(
                {
                    "type": "TextualBody",
                    "purpose": "describing",
                    "value": item["date"]["iso"],
                    "format": "text/plain",
                }
            )
        if item["event"]:
            bodies.append(_link(iris.site(event_page(item["event"])), "identifying"))
        if item["note"]:
            bodies.append(_text(item["note"], "commenting", language, markdown=True))
    else:
        bodies.append(_tag("note"))
        bodies.append(_text(item["body"], "commenting", language, markdown=True))
    anchor = item["anchor"]
    return {
        "id": iris.annotation(item["article"], item["id"]),
        "type": "Annotation",
        "motivation": MOTIVATIONS[kind],
        "body": bodies,
        "target": {
            "type": "SpecificResource",
            "source": iris.site(page_of("article", item["article"])),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": anchor["exact"],
                    "prefix": text[max(0, anchor["start"] - CONTEXT_CHARS) : anchor["start"]],
                    "suffix": text[anchor["end"] : anchor["end"] + CONTEXT_CHARS],
                },
                {"type": "TextPositionSelector", "start": anchor["start"], "end": anchor["end"]},
            ],
        },
    }
