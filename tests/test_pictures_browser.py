"""The pictures in a real browser: clicking a timeline mark or a network node lands on
the right page and element; screenshots at 360 and 1280 px (and in dark mode) are kept
in test-artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag

import pytest

from sitebuild import REPO, build_bundled

if TYPE_CHECKING:  # the fixtures skip (or fail in CI) without Playwright
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
PAGES = {
    "timeline": "timeline/index.html",
    "home": "index.html",
    "actor": "actors/donald-trump/index.html",
    "actors": "actors/index.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled(tmp_path_factory.mktemp("site"))


def url(site: Path, path: str) -> str:
    return (site / path).as_uri()


def test_clicking_a_timeline_mark_targets_its_event(site: Path, page: Page) -> None:
    page.goto(url(site, PAGES["timeline"]))
    mark = page.locator('#timeline--1 a.tl-mark[data-event="singapore-summit"]').first
    assert mark.count() == 1, "no mark for the Singapore summit"
    mark.click()
    page.wait_for_function("() => location.hash === '#event-singapore-summit'", timeout=3000)
    target = page.evaluate(
        """() => { const el = document.querySelector(':target');
                   return el && {tag: el.tagName, id: el.id,
                                 title: el.querySelector('.event-title').textContent}; }"""
    )
    assert target == {
        "tag": "LI",
        "id": "event-singapore-summit",
        "title": page.locator("#event-singapore-summit .event-title").inner_text(),
    }
    page.wait_for_function(
        """() => { const r = document.getElementById('event-singapore-summit')
                     .getBoundingClientRect();
                   return r.top >= -1 && r.top < window.innerHeight; }""",
        timeout=5000,
    )


def test_clicking_an_actor_timeline_mark_opens_the_timeline(site: Path, page: Page) -> None:
    page.goto(url(site, PAGES["actor"]))
    mark = page.locator('#actor--timeline a.tl-mark[data-event="hanoi-summit"]')
    mark.click()
    page.wait_for_load_state("load")
    address, fragment = urldefrag(page.url)
    assert address == url(site, PAGES["timeline"]) and fragment == "event-hanoi-summit"
    assert page.evaluate("() => document.querySelector(':target').id") == "event-hanoi-summit"


@pytest.mark.parametrize(
    ("start", "figure", "actor"),
    [
        ("actors", "actors--network", "kim-jong-un"),
        ("actor", "actor--network", "north-korea"),
    ],
)
def test_clicking_a_network_node_opens_the_actor(
    site: Path, page: Page, start: str, figure: str, actor: str
) -> None:
    page.goto(url(site, PAGES[start]))
    node = page.locator(f'#{figure} a.net-node[data-actor="{actor}"]')
    assert node.count() == 1, f"no node for {actor}"
    name = (node.get_attribute("aria-label") or "").split(":")[0]
    node.locator("circle").click()
    page.wait_for_load_state("load")
    assert page.url == url(site, f"actors/{actor}/index.html")
    assert page.locator("h1").inner_text().strip() == name


def test_marks_and_nodes_are_reachable_by_keyboard(site: Path, page: Page) -> None:
    page.goto(url(site, PAGES["actors"]))
    first = page.locator("#actors--network a.net-node").first
    first.focus()
    focused = page.evaluate(
        "() => document.activeElement.closest('a') && "
        "document.activeElement.getAttribute('data-actor')"
    )
    assert focused == first.get_attribute("data-actor")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == url(site, f"actors/{focused}/index.html")


@pytest.mark.parametrize(
    ("kind", "width", "scheme"),
    [
        (kind, width, scheme)
        for kind in PAGES
        for width, scheme in ((360, "light"), (1280, "light"), (1280, "dark"))
    ],
)
def test_picture_screenshots(
    site: Path, browser: Browser, kind: str, width: int, scheme: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"pictures-{kind}-{width}{'-dark' if scheme == 'dark' else ''}.png"
    shot.unlink(missing_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(url(site, PAGES[kind]))
        pictures = page.locator(".pictures").first
        pictures.screenshot(path=str(shot))
        sizes = page.evaluate(
            """() => ({page: document.documentElement.scrollWidth,
                       svgs: [...document.querySelectorAll('.chart-svg')].map(svg => {
                         const r = svg.getBoundingClientRect();
                         return {w: r.width, h: r.height}; })})"""
        )
    finally:
        context.close()
    assert shot.is_file() and shot.stat().st_size > 0
    assert sizes["page"] <= width + 1, f"{kind} overflows at {width}px: {sizes['page']}"
    assert sizes["svgs"] and all(s["w"] > 100 and s["h"] > 50 for s in sizes["svgs"]), sizes


def test_pictures_print_within_the_page(site: Path, page: Page) -> None:
    page.goto(url(site, PAGES["timeline"]))
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 700, "height": 900})
    box = page.evaluate(
        """() => { const r = document.querySelector('.chart-svg').getBoundingClientRect();
                   return {right: r.right, width: r.width,
                           page: document.documentElement.clientWidth}; }"""
    )
    assert box["right"] <= box["page"] + 1, f"the timeline is cut off in print: {box}"
    assert page.locator(".chart-data").first.is_hidden(), "tables are printed twice"
