"""Search in a real browser: Debian's Chromium driven by Playwright, the site served over
HTTP under a path prefix (Pagefind loads its index with fetch, which file:// forbids)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from annotarium import search_pagefind
from sitebuild import SEED_ARTICLE, build_bundled, serve

if TYPE_CHECKING:  # the fixtures skip (or fail in CI) without Playwright
    from playwright.sync_api import Browser, Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not search_pagefind.pagefind_available(), reason="pagefind[bin] is not installed"
    ),
]

REVERE_QUOTE = "quote-regardless-of-your-views-about"

#: What the landing page says about the element the URL's fragment names.
TARGET_JS = """() => {
  const id = decodeURIComponent(location.hash.slice(1));
  const el = document.getElementById(id);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {id, annotation: el.getAttribute('data-annotation'),
          speaker: el.getAttribute('data-speaker'), text: el.textContent,
          target: el.matches(':target')};
}"""
IN_VIEW_JS = """() => {
  const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight;
}"""


@pytest.fixture(scope="module", params=["one bundle", "sharded"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled archive as built (small: one Pagefind bundle), and built as a large
    archive is, with article shards that the search page merges (mergeIndex)."""
    if request.param == "one bundle":
        return build_bundled(tmp_path_factory.mktemp("site"))
    from annotarium.pipeline import build_site
    from conftest import REPO

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("annotarium.search.SINGLE_BUNDLE_ARTICLES", 0)
        result = build_site(REPO, tmp_path_factory.mktemp("sharded") / "site")
    assert result.output is not None
    assert (result.output / "pagefind" / "shards.json").read_text() == '{"shards": ["a0"]}'
    return result.output


@pytest.fixture(scope="module")
def prefix(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site served at http://127.0.0.1:PORT/some/prefix/."""
    www = tmp_path_factory.mktemp("www")
    (www / "some").mkdir()
    (www / "some" / "prefix").symlink_to(site, target_is_directory=True)
    with serve(www) as base:
        yield base + "some/prefix/"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    yield tab
    context.close()
    assert not errors, "\n".join(errors)


def _search_from_the_header(page: Page, prefix: str, words: str) -> None:
    """Type into the search box of an article page and submit it, as a reader would."""
    page.goto(prefix + SEED_ARTICLE)
    box = page.get_by_role("searchbox", name="Search the archive")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url("**/search/index.html?q=*")
    assert parse_qs(urlsplit(page.url).query)["q"] == [words]
    page.wait_for_selector(".search-result")


def test_a_speakers_words_lead_to_the_quote_in_the_article(page: Page, prefix: str) -> None:
    _search_from_the_header(page, prefix, "produced virtually nothing")
    assert page.url.startswith(prefix + "search/index.html")
    result = page.locator(".search-result").first
    assert result.locator(".search-kind").inner_text().strip().lower() == "quote"
    assert "Evans Revere" in result.locator(".search-detail").inner_text()
    assert page.locator(".search-result mark").count() > 0  # the words found, marked
    result.locator("a").click()
    page.wait_for_load_state("load")
    assert page.url == f"{prefix}{SEED_ARTICLE}#{REVERE_QUOTE}"
    target = page.evaluate(TARGET_JS)
    assert target is not None, "no element has the id the result links to"
    assert target["annotation"] == "quote" and target["speaker"] == "evans-revere"
    assert "produced virtually nothing" in target["text"]
    assert target["target"], "the quote does not match :target"
    page.wait_for_function(IN_VIEW_JS, timeout=5000)  # scrolled into view


def test_an_actor_is_found_by_name_and_opens_their_page(page: Page, prefix: str) -> None:
    _search_from_the_header(page, prefix, "Evans Revere")
    actor = page.locator(".search-result-actor").first
    assert actor.locator(".search-kind").inner_text().strip().lower() == "actor"
    actor.locator("a").click()
    page.wait_for_load_state("load")
    assert page.url == prefix + "actors/evans-revere/index.html"
    assert "Evans Revere" in page.locator("h1").inner_text()


def test_a_note_result_lands_on_the_annotated_words(page: Page, prefix: str) -> None:
    page.goto(prefix + "search/index.html?q=Agreed%20Framework&kind=note")
    page.wait_for_selector(".search-result")
    kinds = {k.strip().lower() for k in page.locator(".search-kind").all_inner_texts()}
    assert kinds == {"note"}
    page.locator(".search-result a").first.click()
    page.wait_for_load_state("load")
    target = page.evaluate(TARGET_JS)
    assert target is not None and target["annotation"] == "note", page.url
    assert target["target"]
    page.wait_for_function(IN_VIEW_JS, timeout=5000)


def test_facets_narrow_the_results_and_stay_in_the_address(page: Page, prefix: str) -> None:
    page.goto(prefix + "search/index.html?q=Kim")
    page.wait_for_selector(".search-result")
    before = page.locator("#search--status").inner_text()
    speaker = page.get_by_label("Speaker")
    options = speaker.locator("option").all_inner_texts()
    assert any(o.startswith("Kim Jong Un (") for o in options), options
    speaker.select_option("Kim Jong Un")
    page.wait_for_function(
        "before => document.getElementById('search--status').textContent !== before", arg=before
    )
    page.wait_for_selector(".search-result")
    kinds = {k.strip().lower() for k in page.locator(".search-kind").all_inner_texts()}
    assert kinds == {"quote"}
    assert parse_qs(urlsplit(page.url).query)["speaker"] == ["Kim Jong Un"]
    for detail in page.locator(".search-detail").all_inner_texts():
        assert detail.startswith("Kim Jong Un")
    for name in ("Kind", "Actor", "Topic", "Article", "Year"):
        assert page.get_by_label(name).count() == 1


def test_from_disk_the_search_page_says_to_serve_the_site(site: Path, browser: Browser) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((site / "search" / "index.html").as_uri() + "?q=Kim")
        status = page.locator("#search--status")
        page.wait_for_function("() => document.getElementById('search--status').textContent")
        assert "annotarium serve" in status.inner_text()
        assert page.locator("#search--q").is_disabled()
    finally:
        context.close()
