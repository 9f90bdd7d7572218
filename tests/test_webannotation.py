"""data/annotations.jsonld against the W3C Web Annotation Data Model's requirements.

Each check cites the section of https://www.w3.org/TR/annotation-model/ whose MUST
(or SHOULD, where Annotarium promises it) it tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from annotarium.pipeline import build_site
from conftest import REPO, SAMPLE_FILES, write_archive

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
BASE = "https://example.org/nk/"
# 3.3.5 Motivation and Purpose: the 13 motivations of the vocabulary
MOTIVATIONS = {"assessing", "bookmarking", "classifying", "commenting", "describing",
               "editing", "highlighting", "identifying", "linking", "moderating",
               "questioning", "replying", "tagging"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled archive built with and without a base URL."""
    root = tmp_path_factory.mktemp("webanno")
    sites = {}
    for name, base in (("absolute", BASE), ("relative", "")):
        result = build_site(REPO, root / name, base_url=base)
        assert result.output is not None
        sites[name] = result.output
    return sites


def load(site: Path) -> dict[str, Any]:
    return json.loads((site / "data" / "annotations.jsonld").read_text(encoding="utf-8"))


def texts(site: Path) -> dict[str, str]:
    data = json.loads((site / "data" / "archive.json").read_text(encoding="utf-8"))
    return {a["slug"]: a["text"] for a in data["articles"]}


def annotations(collection: dict[str, Any]) -> list[dict[str, Any]]:
    page = collection["first"]
    items = list(page["items"])
    while isinstance(page.get("next"), dict):
        page = page["next"]
        items.extend(page["items"])
    return items


def is_iri(value: Any, base: str) -> bool:
    """An absolute IRI, or with no base URL a relative reference that resolves to one."""
    if not isinstance(value, str) or not value or any(c in value for c in ' <>"{}|\\^`'):
        return False
    if base:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    resolved = urljoin("https://host.example/site/data/annotations.jsonld", value)
    return urlsplit(resolved).scheme == "https"


def one_or_more(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("variant", ["absolute", "relative"])
def test_collection_and_page_structure(built: dict[str, Path], variant: str) -> None:
    collection = load(built[variant])
    base = BASE if variant == "absolute" else ""
    # 3.1: @context MUST include anno.jsonld; a single value MUST be a string
    assert collection["@context"] == ANNO_CONTEXT
    # 5.1 Annotation Collection: id an IRI, type includes AnnotationCollection
    assert is_iri(collection["id"], base)
    assert "AnnotationCollection" in one_or_more(collection["type"])
    assert isinstance(collection["label"], str) and collection["label"]
    # total: a non-negative integer, the number of annotations in all pages
    items = annotations(collection)
    assert isinstance(collection["total"], int) and collection["total"] == len(items) > 0
    # 5.2 Annotation Page: id, type AnnotationPage, items (MUST), partOf, startIndex
    page = collection["first"]
    assert is_iri(page["id"], base) and "AnnotationPage" in one_or_more(page["type"])
    assert isinstance(page["items"], list)
    assert page["partOf"] == collection["id"]
    assert isinstance(page["startIndex"], int) and page["startIndex"] >= 0
    last = collection["last"]
    assert (last if isinstance(last, str) else last["id"]) == page["id"]
    if base:
        assert collection["id"] == BASE + "data/annotations.jsonld"


@pytest.mark.parametrize("variant", ["absolute", "relative"])
def test_every_annotation_meets_the_model(built: dict[str, Path], variant: str) -> None:
    site = built[variant]
    base = BASE if variant == "absolute" else ""
    articles = texts(site)
    ids = set()
    for annotation in annotations(load(site)):
        # 3.1 Annotations: exactly one IRI id, type Annotation, one or more targets
        assert is_iri(annotation["id"], base), annotation["id"]
        assert annotation["id"] not in ids
        ids.add(annotation["id"])
        assert "Annotation" in one_or_more(annotation["type"])
        assert "@context" not in annotation  # embedded: the collection's context applies
        assert annotation["motivation"] in MOTIVATIONS
        targets = one_or_more(annotation["target"])
        assert targets
        for body in one_or_more(annotation.get("body", [])):
            check_body(body, base)
        for target in targets:
            check_target(target, base, articles)


def check_body(body: dict[str, Any], base: str) -> None:
    # 3.3.5: a purpose comes from the Motivation vocabulary
    assert body["purpose"] in MOTIVATIONS
    if body["type"] == "TextualBody":
        # 3.2.4 Embedded Textual Body: exactly one value, a string; format a media type
        assert isinstance(body["value"], str)
        assert body.get("format", "text/plain") in ("text/plain", "text/markdown")
        assert "source" not in body
    else:
        # 4 Specific Resources: exactly one source, an IRI
        assert body["type"] == "SpecificResource"
        assert is_iri(body["source"], base) or body["source"].startswith("http://www.wikidata")


def check_target(target: dict[str, Any], base: str, articles: dict[str, str]) -> None:
    assert target["type"] == "SpecificResource"
    source = target["source"]
    assert is_iri(source, base)
    slug = source.rstrip("/").rsplit("/", 1)[-1]
    text = articles[slug]
    selectors = {s["type"]: s for s in one_or_more(target["selector"])}
    assert set(selectors) == {"TextQuoteSelector", "TextPositionSelector"}
    quote, position = selectors["TextQuoteSelector"], selectors["TextPositionSelector"]
    # 4.2.4 Text Quote Selector: exactly one exact; at most one prefix and suffix, strings
    assert isinstance(quote["exact"], str) and quote["exact"]
    assert all(isinstance(quote.get(k, ""), str) for k in ("prefix", "suffix"))
    # 4.2.5 Text Position Selector: start and end, non-negative integers, start <= end
    start, end = position["start"], position["end"]
    assert all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (start, end))
    assert start <= end <= len(text)
    # the two selectors select the same words of the article text
    assert text[start:end] == quote["exact"]
    # and the quote selector alone finds them: prefix + exact + suffix occurs once, there
    whole = quote["prefix"] + quote["exact"] + quote["suffix"]
    first = text.find(whole)
    assert first == start - len(quote["prefix"])
    assert text.find(whole, first + 1) == -1


def test_bodies_carry_speaker_date_note_and_links(built: dict[str, Path]) -> None:
    items = annotations(load(built["absolute"]))
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        tag = next(b["value"] for b in item["body"] if b["purpose"] == "tagging")
        by_tag.setdefault(tag, []).append(item)
    quote = by_tag["quote"][0]
    assert quote["motivation"] == "classifying"
    speaker = [b for b in quote["body"] if b["purpose"] == "identifying"]
    assert len(speaker) == 1 and speaker[0]["source"].startswith(BASE + "actors/")
    date = by_tag["date"][0]
    values = [b["value"] for b in date["body"]
              if b["type"] == "TextualBody" and b["purpose"] == "describing"]
    assert values and values[0][:4].isdigit()
    note = by_tag["note"][0]
    comment = next(b for b in note["body"] if b["purpose"] == "commenting")
    assert comment["format"] == "text/markdown" and comment["value"]
    mention = by_tag["actor"][0]
    assert any(b["source"].startswith(BASE + "actors/")
               for b in mention["body"] if b["type"] == "SpecificResource")


def test_alias_mentions_are_not_exported(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    out = tmp_path / "out"
    assert build_site(root, out).output is not None
    items = annotations(load(out))
    archive = json.loads((out / "data" / "archive.json").read_text(encoding="utf-8"))
    explicit = [a for a in archive["annotations"] if not a.get("auto")]
    assert len(items) == len(explicit) == 5


def test_every_quote_selector_re_anchors_to_the_same_range(built: dict[str, Path]) -> None:
    """Anchored by Annotarium's own anchor stage (as `annotarium import` does), each
    TextQuoteSelector lands on its TextPositionSelector's range."""
    from dataclasses import replace

    from annotarium.anchor import anchor_article
    from annotarium.diagnostics import Diagnostics, Location
    from annotarium.load import load as load_archive
    from annotarium.model import Note, Selector

    diags = Diagnostics()
    archive = load_archive(REPO, diags)
    articles = {a.slug: a for a in archive.articles}
    wanted: dict[str, dict[str, tuple[int, int]]] = {}
    selectors: dict[str, list[Note]] = {}
    for item in annotations(json.loads((built["absolute"] / "data" / "annotations.jsonld")
                                       .read_text(encoding="utf-8"))):
        slug = item["target"]["source"].rstrip("/").rsplit("/", 1)[-1]
        found = {s["type"]: s for s in item["target"]["selector"]}
        quote, position = found["TextQuoteSelector"], found["TextPositionSelector"]
        ident = f"n{len(selectors.get(slug, []))}"
        selectors.setdefault(slug, []).append(Note(
            ident, Selector(quote["exact"], quote["prefix"], quote["suffix"]),
            Location(articles[slug].annotation_path), body="x"))
        wanted.setdefault(slug, {})[ident] = (position["start"], position["end"])
    for slug, notes in selectors.items():
        problems = Diagnostics()
        spans, _ = anchor_article(replace(articles[slug], annotations=tuple(notes)),
                                  archive, problems)
        got = {s.annotation.id: (s.start, s.end) for s in spans if s.annotation.id in wanted[slug]}
        assert got == wanted[slug], [d.format() for d in problems.errors][:3]
