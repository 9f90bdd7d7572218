"""axe-core finds no serious or critical accessibility violation on any kind of page,
in light and in dark mode.

axe-core is the npm package (pinned by .ci/run): its path is ANNOTARIUM_AXE_JS, or
.ci/node_modules/axe-core/axe.min.js (``npm install --prefix .ci axe-core@4.10.3``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sitebuild import REPO, build_bundled, build_bundled_paged, chromium_browser, serve

if TYPE_CHECKING:  # the fixtures skip (or fail in CI) without Playwright
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

AXE_JS = Path(os.environ.get("ANNOTARIUM_AXE_JS")
              or REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js")

PAGES: dict[str, str] = {
    "home": "index.html",
    "article-wapo": "articles/trump-north-korea-gamble/index.html",
    "article-crs": "articles/crs-hanoi-summit/index.html",
    "article-statement": "articles/singapore-joint-statement/index.html",
    "actor": "actors/evans-revere/index.html",
    "actors": "actors/index.html",
    "quotes": "quotes/index.html",
    "timeline": "timeline/index.html",
    "topics": "topics/index.html",
    "topic": "topics/denuclearization/index.html",
    "places": "places/index.html",
    "place": "places/singapore/index.html",
    "about": "about/index.html",
    "404": "404.html",
    "search-file": "search/index.html",  # from disk: says search needs a server
    "search": "search/index.html?q=Kim&kind=quote",  # served: results and facets shown
}
SERVED = ("404", "search")
# pages of the bundled archive built with page_size: 1, whose lists take several pages
PAGED: dict[str, str] = {
    "paged-actor": "actors/donald-trump/index.html",
    "paged-quotes": "actors/donald-trump/quotes-2.html",
    "paged-articles": "places/singapore/mentions-2.html",
    "paged-quote-groups": "quotes/by-article-2.html",
    "paged-quotes-index": "quotes/index.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled_paged(tmp_path_factory.mktemp("paged"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium_browser((AXE_JS.is_file(), f"axe-core not found at {AXE_JS}: npm install "
                           "--prefix .ci axe-core@4.10.3 (or set ANNOTARIUM_AXE_JS)")) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """For 404.html, which links from the site root (a server shows it at any depth), and
    for the search page, which loads its index over HTTP."""
    with serve(site) as base:
        yield base


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", [*PAGES, *PAGED])
def test_no_serious_violations(site: Path, paged: Path, browser: Browser, server: str,
                               kind: str, scheme: str) -> None:
    if kind in PAGED:
        address = (paged / PAGED[kind]).as_uri()
    else:
        address = server + PAGES[kind] if kind in SERVED else (site / PAGES[kind]).as_uri()
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(address)
        if kind == "search":
            page.wait_for_selector(".search-result")
        page.add_script_tag(path=str(AXE_JS))
        results = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    lines = []
    for violation in serious:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} "
                     f"— {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}: {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more elements")
    if lines:
        pytest.fail(f"{PAGES.get(kind) or PAGED[kind]} ({scheme} mode):\n"
                    + "\n".join(lines), pytrace=False)
