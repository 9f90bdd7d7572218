"""Analysts' notes, from Markdown to safe HTML with the archive's own links.

Note bodies (and quotes' and dates' ``note``) are CommonMark with raw HTML
switched off (``markdown: {allow_html: true}`` in ``annotarium.yaml`` switches
it on, for archives whose authors are all trusted). Links may use the
archive's schemes (``actor:ID``, ``place:ID``, ``topic:ID``, ``event:ID``,
``article:SLUG`` and ``article:SLUG#annotation-id``); they become relative site
URLs. ``http(s):``, ``mailto:`` and same-page ``#fragment`` links are kept;
every other link (``javascript:``, ``data:``, relative paths that mean nothing
on a generated site) keeps its words and loses its target. Images become their
alt text: a site makes no network requests.
Headings become paragraphs, so a note never breaks the page's heading order.

A body is parsed once and its HTML kept with a placeholder for the path to the
site root; :meth:`NoteRenderer.render` fills in the prefix for the page that
shows it, so the same note costs one parse however many pages show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# A NUL byte cannot survive markdown-it's input normalisation (it becomes U+FFFD),
# so this placeholder can only come from the resolver below.
ROOT = "\x00root\x00"

INTERNAL_SCHEMES = ("actor", "place", "topic", "event", "article")
_EXTERNAL_PREFIXES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class LinkTargets:
    """The ids a note may link to; a link to anything else keeps its words only."""

    actors: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()


def site_path(href: str, targets: LinkTargets) -> tuple[str, str] | None:
    """``actor:kim-jong-un`` → ``("actors/kim-jong-un/index.html", "")``; ``None`` if unknown.

    The second item is the fragment (without ``#``). Used for notes and for
    links in Markdown article texts alike.
    """
    scheme, colon, rest = href.partition(":")
    if not colon:
        return None
    scheme = scheme.strip().lower()
    ident, _, fragment = rest.strip().partition("#")
    if scheme == "actor" and ident in targets.actors:
        return f"actors/{ident}/index.html", ""
    if scheme == "place" and ident in targets.places:
        return f"places/{ident}/index.html", ""
    if scheme == "topic" and ident in targets.topics:
        return f"topics/{ident}/index.html", ""
    if scheme == "event" and ident in targets.events:
        return "timeline/index.html", f"event-{ident}"
    if scheme == "article" and ident in targets.articles:
        return f"articles/{ident}/index.html", fragment
    return None


def resolve_href(href: str, targets: LinkTargets) -> str | None:
    """The href a link should get in the site, with :data:`ROOT` for the site root.

    ``None`` means: drop the link, keep its words.
    """
    href = href.strip()
    lowered = href.lower()
    if lowered.startswith(_EXTERNAL_PREFIXES):
        return href
    if href.startswith("#") and len(href) > 1:
        return href
    target = site_path(href, targets)
    if target is None:
        return None
    path, fragment = target
    return ROOT + path + (f"#{fragment}" if fragment else "")


class NoteRenderer:
    """Renders note Markdown to HTML for any page, parsing each distinct body once."""

    def __init__(self, targets: LinkTargets, allow_html: bool = False) -> None:
        self.targets = targets
        # Raw HTML is shown as text unless the archive opts in (markdown.allow_html):
        # then it is passed through unchanged, scripts and all.
        self._md = MarkdownIt("commonmark", {"html": allow_html})
        self._md.disable(["heading", "lheading"])
        self._md.validateLink = _allow_all  # our own pass below decides, scheme by scheme
        self._cache: dict[str, str] = {}

    def render(self, source: str, root: str) -> Markup:
        """Block HTML (paragraphs, lists, ...) for a page whose path to the site root is
        ``root`` (``""``, ``"../"``, ``"../../"`` or an absolute prefix)."""
        html = self._cache.get(source)
        if html is None:
            html = self._cache[source] = self._render(source)
        return Markup(html.replace(ROOT, root))

    def render_inline(self, source: str, root: str) -> Markup:
        """Like :meth:`render`, without the wrapping paragraph of a one-paragraph body."""
        html = str(self.render(source, root)).strip()
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)

    def _render(self, source: str) -> str:
        plain = plain_paragraph(source)
        if plain is not None:
            return plain
        tokens = self._md.parse(source)
        for token in tokens:
            if token.type == "inline" and token.children:
                token.children = _rewrite_inline(token.children, self.targets)
        return self._md.renderer.render(tokens, self._md.options, {})


# What makes a body more than plain words: a character one of the commonmark preset's
# inline rules acts on (escapes, code, emphasis, links and images, autolinks and HTML,
# entities), or one markdown-it normalises or reads as indentation (tab, CR, NUL, VT, FF).
_NOT_PLAIN = re.compile(r"[\\`*_\[\]<&\t\r\x00\x0b\x0c]")


def plain_paragraph(source: str) -> str | None:
    """markdown-it's HTML for a body of plain words (one paragraph of its escaped text),
    without parsing it; None for any other body. Many notes are plain words, and parsing
    notes was a twentieth of a cold build's time.

    Plain: no character of :data:`_NOT_PLAIN`, and every line non-empty, with no
    whitespace at either end (so no blank line, indented code or hard break) and
    starting with a letter (so that no line can open a block: a list, a quote, a fence,
    a rule, HTML). tests/test_properties.py compares it with markdown-it."""
    body = source.rstrip("\n")
    if not body or _NOT_PLAIN.search(body):
        return None
    for line in body.split("\n"):
        if not line or not line[0].isalpha() or line != line.strip():
            return None
    return "<p>" + body.replace(">", "&gt;").replace('"', "&quot;") + "</p>\n"


def _allow_all(url: str) -> bool:
    return True


def _rewrite_inline(children: list[Token], targets: LinkTargets) -> list[Token]:
    """Resolve or drop each link; turn images into their alt text."""
    result: list[Token] = []
    dropped: list[bool] = []  # one per open link: was its opening dropped?
    for child in children:
        if child.type == "link_open":
            href = resolve_href(str(child.attrGet("href") or ""), targets)
            dropped.append(href is None)
            if href is None:
                continue
            child.attrs = {"href": href}
            if not href.startswith((ROOT, "#")):
                child.attrSet("class", "external")
        elif child.type == "link_close":
            if dropped and dropped.pop():
                continue
        elif child.type == "image":
            text = Token("text", "", 0)
            text.content = child.content
            child = text
        result.append(child)
    return result
