"""End-to-end: build the bundled archive and read the site through an HTML parser."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from annotarium.diagnostics import Diagnostics
from annotarium.load import load
from annotarium.pipeline import build_site
from conftest import REPO
from htmltree import Element, parse_file
from sitebuild import paged_archive

SEED = "trump-north-korea-gamble"


@pytest.fixture(scope="module", params=["default", "paged"])
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled archive, and a copy with ``page_size: 1``, whose lists take many pages."""
    return REPO if request.param == "default" else paged_archive(tmp_path_factory.mktemp("paged"))


@pytest.fixture(scope="module")
def site(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("site") / "build"
    result = build_site(archive, output)
    assert result.output is not None, [d.format() for d in result.check.diagnostics.errors]
    return output


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Element]:
    return {str(p.relative_to(site)): parse_file(p) for p in sorted(site.rglob("*.html"))}


def test_every_page_kind_exists(site: Path) -> None:
    for path in ("index.html", f"articles/{SEED}/index.html", "actors/index.html",
                 "actors/kim-jong-un/index.html", "quotes/index.html", "timeline/index.html",
                 "topics/index.html", "places/index.html", "about/index.html", "404.html"):
        assert (site / path).is_file(), path
    assert any(site.glob("topics/*/index.html"))
    assert any(site.glob("places/*/index.html"))


def test_each_seed_quote_is_marked_and_linked_to_its_speaker(pages: dict[str, Element]) -> None:
    diags = Diagnostics()
    archive = load(REPO, diags)
    seed = next(a for a in archive.articles if a.slug == SEED)
    expected = {a.id: a for a in seed.annotations if a.kind == "quote"}
    assert len(expected) >= 15
    page = pages[f"articles/{SEED}/index.html"]
    marked = {e.attrs["id"]: e for e in page.find_all(data_annotation="quote")}
    for quote_id, quote in expected.items():
        element = marked.get(quote_id)
        assert element is not None, f"quote {quote_id} is not marked"
        speaker = getattr(quote, "speaker", None)
        if speaker:
            assert element.attrs.get("data-speaker") == speaker
            # the speaker's link is inside the mark or in the label right after it
            label = element.next_element()
            scope = [element] + ([label] if label is not None else [])
            links = [a.attrs.get("href", "") for e in scope for a in e.find_all("a")]
            assert any(f"actors/{speaker}/" in href for href in links), (
                f"quote {quote_id} does not link to actors/{speaker}/")


def test_annotations_follow_the_markup_contract(pages: dict[str, Element]) -> None:
    kinds = {"actor", "quote", "event", "place", "topic", "note"}
    for path, page in pages.items():
        if not path.startswith("articles/"):
            continue
        ids = [e.attrs["id"] for e in page.iter() if "id" in e.attrs]
        assert len(ids) == len(set(ids)), f"duplicate ids on {path}"
        for element in page.find_all(data_annotation=None):
            assert element.attrs["data-annotation"] in kinds
            if element.attrs["data-annotation"] == "event":
                times = element.find_all("time")
                assert times and times[0].attrs.get("datetime"), path


def test_actor_pages_list_quotes_with_working_links_back(site: Path,
                                                         pages: dict[str, Element]) -> None:
    page = pages["actors/evans-revere/index.html"]
    links = [a.attrs["href"] for a in page.find_all("a", href=None)
             if f"articles/{SEED}/" in a.attrs["href"] and "#" in a.attrs["href"]]
    assert links, "Evans Revere's page links to his quote"
    article = pages[f"articles/{SEED}/index.html"]
    quote_ids = {e.attrs["id"] for e in article.find_all(data_annotation="quote",
                                                          data_speaker="evans-revere")}
    fragments = {urlsplit(link).fragment for link in links}
    assert quote_ids & fragments


def test_timeline_is_chronological(pages: dict[str, Element]) -> None:
    page = pages["timeline/index.html"]
    values = [t.attrs["datetime"] for t in page.find_all("time", datetime=None)
              if not any(a.attrs.get("data-undated") for a in t.ancestors())]
    assert len(values) >= 10
    for earlier, later in pairwise(values):
        common = min(len(earlier), len(later))
        assert earlier[:common] <= later[:common], f"{earlier} listed before {later}"


def test_every_internal_link_and_fragment_resolves(site: Path,
                                                   pages: dict[str, Element]) -> None:
    broken: list[str] = []
    for path, page in pages.items():
        base = (site / path).parent
        for element in page.iter():
            target = element.attrs.get("href") or element.attrs.get("src")
            if not target or element.tag not in ("a", "link", "script", "img", "area"):
                continue
            parts = urlsplit(target)
            if parts.scheme or target.startswith("//"):
                assert parts.scheme in ("http", "https", "mailto"), f"{path}: {target}"
                continue
            if parts.path.startswith("/"):
                # only the 404 page, served at any depth, links from the site root
                assert path == "404.html", f"{path}: root-absolute link {target}"
                resolved = (site / unquote(parts.path).lstrip("/")).resolve()
            else:
                resolved = (base / unquote(parts.path)).resolve() if parts.path else site / path
            if parts.path.endswith("/") or resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                broken.append(f"{path}: {target} (no file)")
                continue
            if not resolved.is_relative_to(site.resolve()):
                broken.append(f"{path}: {target} leaves the site")
                continue
            if parts.fragment and resolved.suffix == ".html":
                key = str(resolved.relative_to(site.resolve()))
                ids = {e.attrs["id"] for e in pages[key].iter() if "id" in e.attrs}
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path}: {target} (no #{parts.fragment})")
    assert not broken, "\n".join(broken[:40])


def test_json_ld_parses(pages: dict[str, Element]) -> None:
    page = pages[f"articles/{SEED}/index.html"]
    blocks = page.find_all("script", type="application/ld+json")
    assert blocks
    data = json.loads(blocks[0].text)
    graph = data.get("@graph", [data])
    types = {item.get("@type") for item in graph}
    assert "NewsArticle" in types or any("NewsArticle" in str(t) for t in types)
    actor = pages["actors/kim-jong-un/index.html"].find_all("script",
                                                            type="application/ld+json")
    assert actor and json.loads(actor[0].text)


def test_no_request_leaves_the_site(pages: dict[str, Element]) -> None:
    for path, page in pages.items():
        for element in page.find_all():
            if element.tag in ("script", "img", "iframe", "source", "video", "audio"):
                src = element.attrs.get("src", "")
                assert not urlsplit(src).scheme, f"{path} loads {src}"
            if element.tag == "link" and element.attrs.get("rel") in ("stylesheet", "preload",
                                                                       "icon", "modulepreload"):
                href = element.attrs.get("href", "")
                assert not urlsplit(href).scheme, f"{path} loads {href}"


def test_one_h1_landmarks_and_lang(pages: dict[str, Element]) -> None:
    for path, page in pages.items():
        assert len(page.find_all("h1")) == 1, path
        assert page.find("main") is not None, path
        html = page.find("html")
        assert html is not None and html.attrs.get("lang"), path
        levels = [int(e.tag[1]) for e in page.iter() if e.tag in
                  ("h1", "h2", "h3", "h4", "h5", "h6")]
        for previous, current in pairwise(levels):
            assert current <= previous + 1, f"{path}: h{previous} followed by h{current}"


def test_two_builds_are_byte_identical(archive: Path, site: Path, tmp_path: Path) -> None:
    second = tmp_path / "again"
    assert build_site(archive, second).output is not None
    first_files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    second_files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert first_files == second_files
    for relative in first_files:
        assert (site / relative).read_bytes() == (second / relative).read_bytes(), relative
