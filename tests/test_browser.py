"""The built site in a real browser: Debian's Chromium driven by Playwright (sync API).

Never downloads a browser: without /usr/bin/chromium the module is skipped (or fails
when ANNOTARIUM_REQUIRE_BROWSER=1). One browser serves the whole module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from sitebuild import (
    REPO,
    SEED_ARTICLE,
    build_bundled,
    serve,
)

if TYPE_CHECKING:  # the fixtures skip (or fail in CI) without Playwright
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

#: One page of each kind, relative to the site root.
PAGES: dict[str, str] = {
    "home": "index.html",
    "article": SEED_ARTICLE,
    "actor": "actors/evans-revere/index.html",
    "actors": "actors/index.html",
    "timeline": "timeline/index.html",
    "quotes": "quotes/index.html",
    "topics": "topics/index.html",
    "topic": "topics/denuclearization/index.html",
    "places": "places/index.html",
    "place": "places/singapore/index.html",
    "about": "about/index.html",
    "404": "404.html",
    "search": "search/index.html",
}
SCREENSHOT_KINDS = ("home", "article", "actor", "timeline", "quotes", "topic", "place", "actors")
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"

#: The computed properties that make a mark look marked.
MARK_STYLE_JS = """el => {
  const s = getComputedStyle(el);
  return JSON.stringify([s.backgroundColor, s.backgroundImage, s.textDecorationLine,
                         s.textDecorationStyle, s.boxShadow, s.borderBottomStyle]);
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled(tmp_path_factory.mktemp("site"))


def url(site: Path, path: str) -> str:
    return (site / path).as_uri()


def test_every_page_kind_exists(site: Path) -> None:
    missing = [path for path in PAGES.values() if not (site / path).is_file()]
    assert not missing, f"pages missing from the build: {missing}"


# a. from an actor mention to the actor, and from the actor's quote back to the passage


def test_actor_mention_and_quote_round_trip(site: Path, page: Page) -> None:
    page.goto(url(site, SEED_ARTICLE))
    mention = page.locator(
        'a[data-annotation="actor"][href*="actors/evans-revere/"], '
        'a[data-annotation="actor"][href*="actors/kim-jong-un/"]'
    ).first
    assert mention.count() == 1, "no actor mention links to Evans Revere or Kim Jong Un"
    href = mention.get_attribute("href") or ""
    expected = "Evans Revere" if "evans-revere" in href else "Kim Jong Un"
    mention.click()
    page.wait_for_load_state("load")
    assert page.url == urljoin(url(site, SEED_ARTICLE), href), page.url
    assert page.locator("h1").inner_text().strip() == expected

    quote_link = page.locator(".quote-card a.passage-link").first
    assert quote_link.count() == 1, f"the page of {expected} has no quote linking to a passage"
    target = quote_link.get_attribute("href") or ""
    quote_link.click()
    page.wait_for_load_state("load")
    article_url, fragment = urldefrag(page.url)
    assert article_url == url(site, SEED_ARTICLE), f"{target} led to {page.url}"
    assert fragment, f"the quote link {target} has no fragment"
    found = page.evaluate(
        """id => {
          const el = document.getElementById(id);
          if (!el) return null;
          return {annotation: el.getAttribute('data-annotation'),
                  target: el.matches(':target')};
        }""",
        fragment,
    )
    assert found is not None, f"#{fragment} is not an id on the article page"
    assert found["annotation"] == "quote", f"#{fragment} is a {found['annotation']!r}, not a quote"
    assert found["target"], f"#{fragment} does not match :target"
    page.wait_for_function(
        """id => {
          const r = document.getElementById(id).getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight;
        }""",
        arg=fragment,
        timeout=5000,
    )


# b. the legend's switches; and without JavaScript every mark stays visible

KIND_SELECTORS = {
    "actor": ".mark[data-annotation='actor']",
    "place": ".mark[data-annotation='place']",
    "topic": ".mark[data-annotation='topic']",
    "event": ".mark[data-annotation='event']",
    "quote": ".mark[data-annotation='quote']:not(.quote-term)",
    "term": ".mark[data-annotation='quote'].quote-term",
    "note": ".mark[data-annotation='note']",
}


def _style(page: Page, selector: str) -> str:
    return str(page.locator(f".article-body {selector}").first.evaluate(MARK_STYLE_JS))


def test_legend_switches_turn_marks_off_and_on(site: Path, page: Page) -> None:
    page.goto(url(site, SEED_ARTICLE))
    toggles = page.get_by_role("group", name="Show these marks")
    summary = page.locator("details.legend > summary")
    if summary.count() and not toggles.is_visible():
        summary.click()
    assert toggles.is_visible(), "marks.js did not reveal the legend's switches"
    boxes = toggles.get_by_role("checkbox")
    kinds = [boxes.nth(i).get_attribute("value") or "" for i in range(boxes.count())]
    assert "actor" in kinds and "quote" in kinds, f"switches: {kinds}"
    problems = []
    for kind in kinds:
        selector = KIND_SELECTORS.get(kind)
        if selector is None:
            problems.append(f"unknown kind of switch {kind!r}")
            continue
        if page.locator(f".article-body {selector}").count() == 0:
            problems.append(f"a switch for {kind!r} but no such mark in the text")
            continue
        label = toggles.locator(f"label:has(input[value='{kind}'])").inner_text().strip()
        box = toggles.get_by_role("checkbox", name=label, exact=True)
        before = _style(page, selector)
        others = {k: _style(page, s) for k, s in KIND_SELECTORS.items()
                  if k != kind and page.locator(f".article-body {s}").count()}
        box.uncheck()
        off = _style(page, selector)
        if off == before:
            problems.append(f"{kind}: switching off leaves the mark's style {before}")
        visible = page.locator(f".article-body {selector}").first.is_visible()
        if not visible:
            problems.append(f"{kind}: switching off hides the words themselves")
        for other, style in others.items():
            if _style(page, KIND_SELECTORS[other]) != style:
                problems.append(f"{kind}: switching off also changed {other} marks")
        box.check()
        back = _style(page, selector)
        if back != before:
            problems.append(f"{kind}: switching on again gives {back}, not {before}")
    assert not problems, "\n".join(problems)


def test_without_javascript_every_mark_is_visible(site: Path, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                       "height": 900})
    try:
        page = context.new_page()
        page.goto(url(site, SEED_ARTICLE))
        assert page.locator("[data-mark-toggles]").is_hidden(), "switches shown without JS"
        marks = page.locator(".article-body [data-annotation]")
        count = marks.count()
        assert count > 50, f"only {count} marks in the seed article"
        hidden = page.evaluate(
            """() => [...document.querySelectorAll('.article-body [data-annotation]')]
                 .filter(el => { const s = getComputedStyle(el); const r = el.getClientRects();
                   return s.display === 'none' || s.visibility !== 'visible'
                          || r.length === 0 || parseFloat(s.opacity) < 0.5; })
                 .map(el => el.id || el.outerHTML.slice(0, 80))"""
        )
        assert not hidden, f"marks not visible without JavaScript: {hidden[:20]}"
        assert "hide-" not in (page.locator("article").first.get_attribute("class") or "")
        styled = page.locator(".article-body .mark[data-annotation='quote']").first
        assert json.loads(styled.evaluate(MARK_STYLE_JS))[0] not in ("rgba(0, 0, 0, 0)",
                                                                     "transparent"), (
            "quotes have no highlight without JavaScript")
        body = page.locator(".article-body")
        assert body.is_visible() and len(body.inner_text()) > 2000
    finally:
        context.close()


# c. no network: every request is for a file of the site


@pytest.mark.parametrize("kind", list(PAGES))
def test_no_network_requests(site: Path, browser: Browser, kind: str) -> None:
    context = browser.new_context()
    requested: list[str] = []

    def route(request_route):  # type: ignore[no-untyped-def]
        requested.append(request_route.request.url)
        if request_route.request.url.startswith("file://"):
            request_route.continue_()
        else:
            request_route.abort()

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(url(site, PAGES[kind]))
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.wait_for_timeout(100)
    finally:
        context.close()
    outside = sorted({u for u in requested if not u.startswith("file://")})
    assert requested, "no request seen at all"
    assert not outside, f"{kind} page asks the network for: {outside}"


# d. no console errors


@pytest.mark.parametrize("kind", list(PAGES))
def test_no_console_errors(site: Path, browser: Browser, kind: str) -> None:
    errors: list[str] = []

    def visit(address: str) -> None:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.on("console", lambda m: errors.append(
                f"console.{m.type}: {m.text} {m.location}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
            page.on("requestfailed", lambda r: errors.append(f"failed: {r.url} {r.failure}"))
            page.goto(address)
            page.wait_for_timeout(150)
        finally:
            context.close()

    if kind == "404":
        # 404.html links from the site root: a server shows it at any depth.
        with serve(site) as base:
            visit(base + PAGES[kind])
    else:
        visit(url(site, PAGES[kind]))
    assert not errors, "\n".join(errors)


# e. keyboard: the skip link comes first


@pytest.mark.parametrize("kind", ["home", "article", "actor", "timeline", "quotes"])
def test_skip_link_is_first_and_targets_main(site: Path, page: Page, kind: str) -> None:
    page.goto(url(site, PAGES[kind]))
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const el = document.activeElement;
                   const r = el.getBoundingClientRect();
                   return {tag: el.tagName, text: el.textContent.trim(),
                           href: el.getAttribute('href'),
                           visible: r.width > 0 && r.height > 0 && r.bottom > 0
                                    && r.top < window.innerHeight}; }"""
    )
    assert focused["tag"] == "A" and "skip" in focused["text"].lower(), (
        f"Tab first reaches {focused}, not the skip link")
    assert focused["visible"], "the skip link stays off screen when focused"
    href = focused["href"] or ""
    assert href.startswith("#") and len(href) > 1, f"skip link href {href!r}"
    target = page.evaluate(
        """id => { const el = document.getElementById(id);
                   return el && (el.tagName === 'MAIN' || el.getAttribute('role') === 'main'); }""",
        href[1:],
    )
    assert target, f"the skip link's target {href} is not the main landmark"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id", arg=href[1:],
        timeout=3000,
    )
    assert urlsplit(page.url).fragment == href[1:]


# f. served under a path prefix


def test_site_works_under_a_path_prefix(site: Path, page: Page,
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    import urllib.error
    import urllib.request

    www = tmp_path_factory.mktemp("www")
    (www / "some").mkdir()
    (www / "some" / "prefix").symlink_to(site, target_is_directory=True)
    bad: list[str] = []
    page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    with serve(www) as base:
        prefix = base + "some/prefix/"
        visited: list[str] = []
        response = page.goto(prefix)
        assert response is not None and response.ok
        visited.append(page.url)
        assert page.locator("h1").count() == 1
        page.locator(f'main a[href$="{SEED_ARTICLE}"]').first.click()
        page.wait_for_load_state("load")
        assert page.url == prefix + SEED_ARTICLE
        visited.append(page.url)
        page.locator('.article-body a[data-annotation="actor"]').first.click()
        page.wait_for_load_state("load")
        assert page.url.startswith(prefix + "actors/"), page.url
        assert page.locator("h1").inner_text().strip()
        visited.append(page.url)

        links: set[str] = set()
        for address in visited:
            page.goto(address)
            # resolved from the attribute: an SVG link's .href is an object, not a string
            hrefs = page.eval_on_selector_all(
                "a[href], link[href], script[src]",
                "els => els.map(e => new URL(e.getAttribute('href') ?? e.getAttribute('src'),"
                " document.baseURI).href)")
            links.update(urldefrag(h)[0] for h in hrefs if h.startswith(base))
        for link in sorted(links):
            if not link.startswith(prefix):
                bad.append(f"leaves the prefix: {link}")
                continue
            try:
                with urllib.request.urlopen(link, timeout=5) as answer:
                    if answer.status != 200:
                        bad.append(f"{answer.status} {link}")
            except urllib.error.HTTPError as error:
                bad.append(f"{error.code} {link}")
    assert len(links) > 20, f"only {len(links)} links checked"
    assert not bad, "\n".join(bad)


# g. screenshots of each kind of page, narrow and wide


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("kind", SCREENSHOT_KINDS)
def test_screenshots(site: Path, browser: Browser, kind: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{kind}-{width}.png"
    shot.unlink(missing_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(url(site, PAGES[kind]))
        page.screenshot(path=str(shot), full_page=True)
        overflow = page.evaluate(
            """limit => ({width: document.documentElement.scrollWidth,
                 culprits: [...document.querySelectorAll('body *')]
                   .filter(el => el.getBoundingClientRect().right > limit)
                   .filter(el => ![...el.children].some(
                       c => c.getBoundingClientRect().right > limit))
                   .slice(0, 8)
                   .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                        + (el.className && typeof el.className === 'string'
                           ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                        + ' right=' + Math.round(el.getBoundingClientRect().right))})""",
            width + 1,
        )
    finally:
        context.close()
    assert shot.is_file() and shot.stat().st_size > 0, f"no screenshot {shot}"
    if width == 360:
        assert overflow["width"] <= width + 1, (
            f"{kind} page overflows at {width}px: scrollWidth {overflow['width']}; "
            f"widest elements: {overflow['culprits']}")


# h. print


def test_print_marks_plain_and_notes_as_footnotes(site: Path, page: Page) -> None:
    page.goto(url(site, SEED_ARTICLE))
    page.emulate_media(media="print")
    styles = page.eval_on_selector_all(
        ".article-body .mark",
        """els => els.map(el => { const s = getComputedStyle(el);
             return {id: el.id, cls: el.className, bg: s.backgroundColor,
                     image: s.backgroundImage, line: s.textDecorationLine,
                     shadow: s.boxShadow}; })""",
    )
    assert styles, "no marks in the article"
    marked = [s for s in styles
              if s["bg"] not in ("rgba(0, 0, 0, 0)", "transparent") or s["image"] != "none"
              or s["line"] != "none" or s["shadow"] != "none"]
    assert not marked, f"{len(marked)} marks still styled in print, e.g. {marked[:3]}"
    notes = page.evaluate(
        """() => [...document.querySelectorAll('.article-body .has-notes')].map(block => {
             const aside = block.querySelector(':scope > aside.notes');
             const text = block.firstElementChild;
             const a = aside.getBoundingClientRect(), t = text.getBoundingClientRect();
             const s = getComputedStyle(aside);
             return {display: getComputedStyle(block).display, asideDisplay: s.display,
                     position: s.position, float: s.float,
                     below: a.top >= t.bottom - 1, aligned: Math.abs(a.left - t.left) < 48,
                     html: aside.outerHTML.slice(0, 60)}; })"""
    )
    assert notes, "the article has no notes"
    wrong = [n for n in notes if n["display"] == "grid" or n["asideDisplay"] == "none"
             or n["position"] not in ("static", "relative") or n["float"] != "none"
             or not n["below"] or not n["aligned"]]
    assert not wrong, f"notes not printed as footnotes below their text: {wrong[:3]}"
    assert page.locator("sup.note-ref").first.is_visible(), "note numbers hidden in print"
    assert page.locator(".site-header").is_hidden(), "the site header is printed"
