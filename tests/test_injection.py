"""Injection: an archive whose every string holds XSS payloads builds a site where none runs.

Every free-text field of every file (config, registries, annotation files, a
plain-text and a Markdown article, Markdown notes) holds the payloads below;
ids are slugs, so they cannot. Every page is opened in headless Chromium with
``alert``/``confirm``/``prompt``, ``console`` and a canary variable hooked
before any page script runs: nothing may fire. The same pages are also checked
statically through a real HTML parser (no inline script but JSON-LD that
parses, no event-handler attribute, no ``javascript:``/``data:`` URL), and the
XML files parse with no element the payloads smuggled in.

A control proves the hooks see a payload that does run: with
``markdown: {allow_html: true}`` a note's raw ``<img onerror>`` fires.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotarium.pipeline import build_site
from conftest import write_archive
from htmltree import parse_file
from sitebuild import CHROMIUM, html_pages, launch_chromium, require

PAYLOADS = [
    "<script>window.__pwned='s1';alert('s1')</script>",
    "</script><script>window.__pwned='s2';alert('s2')</script>",
    '"><img src=x onerror="window.__pwned=\'s3\'">',
    "'><svg/onload=window.__pwned='s4'>",
    "<svg><script>window.__pwned='s5'</script></svg>",
    "javascript:window.__pwned='s6'",
    "data:text/html,<script>window.__pwned='s7'</script>",
    "<iframe srcdoc=\"<script>parent.__pwned='s8'</script>\"></iframe>",
    "<a href=\"javascript:window.__pwned='s9'\">click</a>",
    "\" autofocus onfocus=\"window.__pwned='s10'",
    "<details open ontoggle=\"window.__pwned='s11'\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned='s12'\">",
    "\u2028</script>\u2029<!--<script>",
    "{{ 7*7 }}{% raw %}${7*7}",
]
ALL = " ".join(PAYLOADS)

MARKDOWN_PAYLOADS = "\n\n".join(
    [
        "<script>window.__pwned='n1'</script>",
        "<img src=x onerror=\"window.__pwned='n2'\">",
        "[js](javascript:window.__pwned='n3')",
        "[js2](JaVaScRiPt:window.__pwned='n4')",
        "[js3](<javascript:window.__pwned='n5'>)",
        "[ent](jav&#x61;script:window.__pwned='n6')",
        "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0nbjcnPC9zY3JpcHQ+)",
        "<javascript:window.__pwned='n8'>",
        "![img](javascript:window.__pwned='n9')",
        "[ref][r]\n\n[r]: javascript:window.__pwned='n10'",
        "<svg onload=\"window.__pwned='n11'\">",
        "[x](https://example.org/\"onmouseover=\"window.__pwned='n12')",
        "`<script>window.__pwned='n13'</script>`",
        "<a href=\"javascript:window.__pwned='n14'\">raw</a>",
        "[vb](vbscript:msgbox('n15')) [file](file:///etc/passwd)",
    ]
)


def q(value: str) -> str:
    """A YAML scalar holding ``value`` exactly (JSON strings are YAML)."""
    return json.dumps(value)


def payload_archive(root: Path, allow_html: bool = False) -> Path:
    paragraphs = [f"Paragraph {i}: {p} said Eve Payload." for i, p in enumerate(PAYLOADS)]
    text = (
        "\n\n".join(
            [
                f"The Payload Post{PAYLOADS[0]}",
                f"Headline {PAYLOADS[0]} {PAYLOADS[2]}",
                f"A caption {PAYLOADS[3]} (Photo {PAYLOADS[0]})",
                *paragraphs,
            ]
        )
        + "\n"
    )
    markdown = (
        "---\n"
        f"title: {q('Markdown ' + ALL)}\n"
        f"publication: {q(ALL)}\n"
        "published: 2024-03-07\n"
        f"provenance: {q(ALL)}\n"
        f"rights: {q(ALL)}\n"
        "---\n"
        f"{MARKDOWN_PAYLOADS}\n\nEve Payload spoke. {PAYLOADS[1]}\n"
    )
    note_yaml = q(MARKDOWN_PAYLOADS + "\n\n" + ALL)
    quotes = "".join(
        f"  - text: {q(p)}\n    prefix: {q(f'Paragraph {i}: ')}\n    speaker: eve\n"
        f"    context: {q(ALL)}\n    note: {note_yaml}\n"
        for i, p in enumerate(PAYLOADS[:4])
    )
    files: dict[str, str | bytes] = {
        "annotarium.yaml": (
            f"title: {q('Archive ' + ALL)}\n"
            f"description: {q(ALL)}\n"
            # base_url is checked as a URL (a payload is refused: bad_input_cases)
            f"base_url: {q('https://example.org/archive/?a=1&b=2/')}\n"
            f"language: {q('en')}\n" + ("markdown:\n  allow_html: true\n" if allow_html else "")
        ),
        "seeds/payload.txt": text,
        "seeds/markdown.md": markdown,
        "content/actors.yaml": (
            "eve:\n"
            f"  name: {q('Eve ' + ALL)}\n"
            "  kind: person\n"
            f"  description: {q(ALL)}\n"
            f"  source: {q(ALL)}\n"
            f"  aliases: [{q('Eve Payload')}, {q(PAYLOADS[0])}]\n"
            "  affiliations:\n"
            f"    - actor: org\n      role: {q(ALL)}\n"
            "  wikidata: Q1\n"  # validated as a Wikidata id: no payload fits
            "org:\n"
            f"  name: {q('Org ' + ALL)}\n"
            "  kind: organisation\n"
            f"  description: {q(ALL)}\n"
        ),
        "content/places.yaml": (
            f"here:\n  name: {q('Place ' + ALL)}\n  description: {q(ALL)}\n"
            f"  aliases: [{q('Paragraph 3')}]\n"
        ),
        "content/topics.yaml": (
            f"talks:\n  name: {q('Topic ' + ALL)}\n  description: {q(ALL)}\n"
            f"  aliases: [{q('Paragraph 4')}]\n"
        ),
        "content/events.yaml": (
            f"meeting:\n  title: {q('Event ' + ALL)}\n  date: 2024-03-05\n"
            f"  description: {q(ALL)}\n  actors: [eve]\n  place: here\n  topics: [talks]\n"
        ),
        "content/articles/payload.yaml": (
            "text: seeds/payload.txt\n"
            f"publication: {q(ALL)}\n"
            f"published:\n  date: 2024-03-07\n  inferred: true\n  reasoning: {q(ALL)}\n"
            f"authors: [{q(ALL)}, {q(PAYLOADS[1])}]\n"
            f"url: {q(PAYLOADS[5])}\n"
            f"summary: {q(ALL)}\n"
            "actors: [eve, org]\nplaces: [here]\ntopics: [talks]\n"
            f"quotes:\n{quotes}"
            f"  - text: {q(PAYLOADS[4])}\n    kind: term\n"
            f"    cites: markdown\n"
            "mentions:\n"
            f"  - text: {q(PAYLOADS[6])}\n    actor: org\n"
            "dates:\n"
            f"  - text: {q(PAYLOADS[7])}\n    date: 2024-03-05\n    event: meeting\n"
            f"    note: {note_yaml}\n"
            "notes:\n"
            f"  - text: {q(PAYLOADS[8])}\n    body: {note_yaml}\n"
            f"  - text: {q(PAYLOADS[12])}\n    body: {note_yaml}\n"
        ),
        "content/articles/markdown.yaml": (
            "text: seeds/markdown.md\n"
            f"summary: {q(ALL)}\n"
            "actors: [eve]\n"
            "notes:\n"
            f"  - text: {q(PAYLOADS[1])}\n    prefix: {q('spoke. ')}\n    body: {note_yaml}\n"
        ),
    }
    return write_archive(root, files)


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("inject")
    root = payload_archive(base / "archive")
    result = build_site(root, base / "site")
    problems = [d.format() for d in result.check.diagnostics.errors] if result.check else []
    assert result.output is not None, problems
    return result.output


def test_every_payload_reaches_the_site_as_text(payload_site: Path) -> None:
    """The payloads are shown, escaped: the test would be empty if they were dropped."""
    article = parse_file(payload_site / "articles" / "payload" / "index.html")
    shown = article.text_content() if hasattr(article, "text_content") else ""
    page = (payload_site / "articles" / "payload" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=" in page
    assert "&lt;/script&gt;&lt;script&gt;" in page
    assert shown is not None
    actor = (payload_site / "actors" / "eve" / "index.html").read_text(encoding="utf-8")
    assert "Eve &lt;script&gt;" in actor


def test_pages_hold_no_live_markup_from_the_archive(payload_site: Path) -> None:
    for name in html_pages(payload_site):
        tree = parse_file(payload_site / name)
        for script in tree.find_all("script"):
            if script.attrs.get("type") == "application/ld+json":
                assert "</script" not in script.text.lower(), name
                assert json.loads(script.text), name
            else:
                assert script.attrs.get("src", "").startswith(("static/", "../")), (
                    f"{name}: a script that is not the site's own: {script.text[:80]!r}"
                )
        for element in tree.iter():
            assert element.tag not in ("iframe", "math", "img", "style", "mglyph", "x-evil"), (
                f"{name}: <{element.tag}> from the archive"
            )
            for attr, value in element.attrs.items():
                assert not attr.startswith("on"), f"{name}: event handler {attr}"
                if attr in ("href", "src", "action", "formaction", "srcdoc"):
                    lowered = "".join(value.split()).lower()
                    assert not lowered.startswith(("javascript:", "data:", "vbscript:", "file:")), (
                        f"{name}: {attr}={value!r}"
                    )
                assert attr != "autofocus", name


def test_xml_files_parse_and_carry_no_markup(payload_site: Path) -> None:
    files = sorted(payload_site.rglob("*.xml"))
    assert files, "base_url is set: sitemap.xml and feed.xml are written"
    for path in files:
        root = ET.parse(path).getroot()
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            assert local not in ("script", "img", "svg", "iframe"), path


HOOKS = """
window.__alerts = [];
window.__console = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__alerts.push(name + ":" + args.join(" ")); };
}
for (const name of ["log", "info", "warn", "error", "debug"]) {
  const real = console[name].bind(console);
  console[name] = (...args) => {
    window.__console.push(name + ":" + args.join(" "));
    real(...args);
  };
}
Object.defineProperty(window, "__pwned", {
  configurable: false,
  set(value) { window.__alerts.push("canary:" + value); },
  get() { return undefined; },
});
"""


def _run_pages(site: Path, pages: list[str]) -> tuple[list[str], list[str], int]:
    from playwright.sync_api import sync_playwright

    fired: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(java_script_enabled=True)
        context.add_init_script(HOOKS)
        page = context.new_page()
        page.on(
            "dialog", lambda dialog: (fired.append("dialog:" + dialog.message), dialog.dismiss())
        )
        page.on(
            "console",
            lambda message: (
                fired.append(f"console:{message.text}") if "pwned" in message.text else None
            ),
        )
        page.on("pageerror", lambda error: fired.append(f"pageerror:{error}"))
        current = [""]
        page.on(
            "request",
            lambda request: (
                requests.append(f"{current[0]}: {request.url}")
                if not request.url.startswith("file://")
                else None
            ),
        )
        for name in pages:
            current[0] = name
            page.goto((site / name).as_uri(), wait_until="load")
            page.wait_for_timeout(30)
            state = page.evaluate("[window.__alerts, window.__console]")
            fired.extend(f"{name}: {item}" for item in state[0])
            fired.extend(f"{name}: console {item}" for item in state[1])
            # focus and hover everything that could carry a handler
            page.evaluate("""() => { for (const el of document.querySelectorAll('*')) {
                el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
                el.dispatchEvent(new FocusEvent('focus')); } }""")
            state = page.evaluate("window.__alerts")
            fired.extend(f"{name}: after events {item}" for item in state)
        browser.close()
    return fired, requests, len(pages)


@pytest.mark.browser
def test_no_payload_runs_in_a_browser(payload_site: Path) -> None:
    require(CHROMIUM.exists(), "Chromium is not installed at /usr/bin/chromium")
    pages = html_pages(payload_site)
    fired, requests, opened = _run_pages(payload_site, pages)
    print(f"\n{opened} pages opened, {len(PAYLOADS)} + 15 Markdown payloads in every field")
    assert opened == len(pages) >= 10
    assert not fired, fired[:20]
    # 404.html links absolutely to the site's address (a server shows it at any path)
    outside = [
        r
        for r in requests
        if not r.startswith("404.html: https://example.org/archive/?a=1&b=2/static/")
    ]
    assert not outside, outside[:20]


@pytest.mark.browser
def test_the_hooks_catch_a_payload_that_runs(tmp_path: Path) -> None:
    """Control: with raw HTML allowed, a note's <img onerror> runs and the test sees it."""
    require(CHROMIUM.exists(), "Chromium is not installed at /usr/bin/chromium")
    root = payload_archive(tmp_path / "archive", allow_html=True)
    result = build_site(root, tmp_path / "site")
    assert result.output is not None
    fired, _, _ = _run_pages(result.output, ["articles/payload/index.html"])
    assert any("canary:n2" in item for item in fired), fired


def test_allow_html_is_off_by_default_and_validated(tmp_path: Path) -> None:
    from annotarium.diagnostics import Diagnostics
    from annotarium.load_registries import load_config

    (tmp_path / "annotarium.yaml").write_text("title: T\n", encoding="utf-8")
    assert load_config(tmp_path, Diagnostics()).allow_html is False
    (tmp_path / "annotarium.yaml").write_text("markdown:\n  allow_html: true\n", encoding="utf-8")
    assert load_config(tmp_path, Diagnostics()).allow_html is True
    diags = Diagnostics()
    (tmp_path / "annotarium.yaml").write_text(
        "markdown:\n  allow_htm: yes please\n", encoding="utf-8"
    )
    assert load_config(tmp_path, diags).allow_html is False
    assert [d.message for d in diags.errors] == ["unknown key 'allow_htm' in markdown"]
    diags = Diagnostics()
    (tmp_path / "annotarium.yaml").write_text("markdown:\n  allow_html: maybe\n", encoding="utf-8")
    load_config(tmp_path, diags)
    assert diags.errors and diags.errors[0].location.line == 2
