"""The render stage: pages, links, the inline markup contract, escaping, templates.

Archives are built here from the model's dataclasses (no loader involved), then
anchored by hand, linked with the real link stage and rendered. Pages are read
back with a strict tree builder over :mod:`html.parser`, never with regexes.
"""

from __future__ import annotations

import itertools
import json
import posixpath
from collections import Counter
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from annotarium.dates import parse_date
from annotarium.diagnostics import Location
from annotarium.export import EXPORTS
from annotarium.link import LinkedArchive, link
from annotarium.markdown import LinkTargets, NoteRenderer
from annotarium.model import (
    Actor,
    Affiliation,
    AnchoredArchive,
    AnchoredArticle,
    Annotation,
    Archive,
    Article,
    ArticleMeta,
    ArticleText,
    Block,
    DateRef,
    Event,
    InlineMark,
    Masthead,
    Mention,
    Note,
    Place,
    PublishedDate,
    Quote,
    Selector,
    SiteConfig,
    Span,
    Topic,
)
from annotarium.render import Page, RenderOptions, render_site
from annotarium.render_article import Element, Interval, nest
from annotarium.render_templates import builtin_template_dir

HERE = Location(Path("content/test.yaml"), 1, 1)

# --- a strict HTML tree ----------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self, tag: str | None = None):
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [n for n in self.iter(tag)
                if all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v
                       for k, v in attrs.items())]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def by_id(self, ident: str) -> Node:
        found = [n for n in self.iter() if n.attrs.get("id") == ident]
        assert len(found) == 1, f"id {ident!r} found {len(found)} times"
        return found[0]

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def ancestors(self) -> list[Node]:
        result, node = [], self.parent
        while node is not None:
            result.append(node)
            node = node.parent
        return result


class StrictTree(HTMLParser):
    """Builds a tree and fails on any end tag that does not close the open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


EXPORT_PATHS = {path for path, _ in EXPORTS}


def parse(html: str | bytes) -> Node:
    tree = StrictTree()
    tree.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    tree.close()
    assert tree.current is tree.root, f"<{tree.current.tag}> never closed"
    return tree.root


# --- a small archive ----------------------------------------------------------------------

def make_text(*pieces: tuple[str, str], marks: dict[int, tuple[InlineMark, ...]] | None = None,
              credit: str | None = None) -> ArticleText:
    blocks, offset = [], 0
    whole = "\n\n".join(t for _, t in pieces)
    for index, (kind, text) in enumerate(pieces):
        blocks.append(Block(kind, offset, offset + len(text), whole,  # type: ignore[arg-type]
                            tag="h1" if kind == "title" else "p",
                            marks=(marks or {}).get(index, ())))
        offset += len(text) + 2
    return ArticleText(whole, tuple(blocks), Masthead("The Daily", "The Daily", None), credit)


def span(text: ArticleText, annotation: Annotation, words: str, occurrence: int = 1) -> Span:
    start = -1
    for _ in range(occurrence):
        start = text.text.index(words, start + 1)
    return Span(annotation, start, start + len(words))


def sel(words: str) -> Selector:
    return Selector(words)


def mention(ident: str, words: str, entity: str, ref: str, auto: bool = False) -> Mention:
    return Mention(ident, sel(words), HERE, entity=entity, ref=ref, auto=auto)  # type: ignore[arg-type]


def article_one() -> AnchoredArticle:
    text = make_text(
        ("title", "Trump meets Kim at the border"),
        ("caption", "Kim Jong Un and Trump on June 30. (Kevin Lamarque Reuters)"),
        ("paragraph", "“Regardless of your views about Trump, it has produced virtually "
                      "nothing,” said Evans Revere. He spoke in late 2016 about the Agreed "
                      "Framework."),
        ("paragraph", "Talks in Hanoi on sanctions relief failed. The word “denuclearization” "
                      "means different things </script> to each side."),
        credit="Kevin Lamarque Reuters",
    )
    quote = Quote("quote-regardless", sel("Regardless"), HERE, speaker="evans-revere",
                  note="A *sharp* verdict.")
    note = Note("note-verdict", sel("Regardless"), HERE,
                body="See [Revere](actor:evans-revere), [bad](javascript:alert(1)), "
                     "[the meeting](event:dmz-meeting) and [more](article:second#quote-over).")
    framework = Note("agreed-framework", sel("the Agreed Framework"), HERE,
                     body="The 1994 **Agreed Framework**. ![a picture](http://x.test/y.png) "
                          "<script>alert(1)</script>")
    date = DateRef("date-late-2016", sel("late 2016"), HERE, date=parse_date("2016-late"),
                   event="oval-office-meeting")
    term = Quote("quote-denuclearization", sel("denuclearization"), HERE, quote_kind="term")
    spans = [
        span(text, mention("actor-kim", "Kim", "actor", "kim-jong-un", auto=True), "Kim"),
        span(text, mention("actor-kim-jong-un", "Kim Jong Un", "actor", "kim-jong-un"),
             "Kim Jong Un"),
        Span(note, text.text.index("“Regardless"),
             text.text.index("Evans Revere") + len("Evans Revere")),
        span(text, quote, "Regardless of your views about Trump, it has produced virtually "
                          "nothing"),
        span(text, mention("actor-trump-2", "Trump", "actor", "donald-trump", auto=True),
             "Trump", occurrence=3),
        span(text, mention("actor-evans-revere", "Evans Revere", "actor", "evans-revere"),
             "Evans Revere"),
        span(text, date, "late 2016"),
        span(text, framework, "the Agreed Framework"),
        span(text, mention("place-hanoi", "Hanoi", "place", "hanoi", auto=True), "Hanoi"),
        span(text, mention("topic-sanctions-relief", "sanctions relief", "topic",
                           "sanctions-relief", auto=True), "sanctions relief"),
        span(text, term, "denuclearization"),
    ]
    meta = ArticleMeta(
        title="Trump meets Kim at the border", publication="The Daily",
        published=PublishedDate(parse_date("2020-01-02").start, inferred=True,
                                reasoning="The speech it reports was on 1 January."),
        authors=("A. Writer", "B. Writer"), url="https://news.test/trump-kim",
        summary="Trump and Kim meet; nothing changes.",
        topics=("sanctions-relief",), actors=("kim-jong-un", "donald-trump", "evans-revere"),
        places=("hanoi",), completeness="excerpt", provenance="Saved from the web.")
    article = Article("first", meta, text, tuple(s.annotation for s in spans),
                      Path("seeds/first.txt"), Path("content/articles/first.yaml"))
    return AnchoredArticle(article, tuple(sorted(spans, key=lambda s: (s.start, -s.end))))


def article_two() -> AnchoredArticle:
    body = "Kim said the talks were over, see the report today."
    em_start = body.index("the talks were over")
    link_start = body.index("the report")
    marks = (InlineMark(em_start, em_start + len("the talks were over"), "em"),
             InlineMark(link_start, link_start + len("the report"), "a",
                        "https://report.test/x"),
             InlineMark(body.index("today"), body.index("today") + 5, "a", "javascript:bad()"))
    text = make_text(("title", "A second <article>"), ("paragraph", body), marks={1: marks})
    text = replace(text, masthead=None, source_format="markdown")
    note = Note("note-overlap", sel("Kim said the talks"), HERE, body="Crosses the emphasis.")
    quote = Quote("quote-over", sel("over"), HERE, speaker="kim-jong-un", quote_kind="partial",
                  cites="first#quote-regardless", context="At the border.")
    spans = [
        span(text, note, "Kim said the talks"),
        span(text, mention("actor-kim", "Kim", "actor", "kim-jong-un", auto=True), "Kim"),
        span(text, mention("report", "the report", "topic", "sanctions-relief"), "the report"),
        span(text, quote, "over"),
    ]
    meta = ArticleMeta(title="A second <article>", publication=None,
                       published=PublishedDate(parse_date("2019-07-01").start), authors=(),
                       url=None, summary=None, topics=(), actors=("kim-jong-un",), places=())
    article = Article("second", meta, text, tuple(s.annotation for s in spans),
                      Path("seeds/second.md"), Path("content/articles/second.yaml"))
    return AnchoredArticle(article, tuple(sorted(spans, key=lambda s: (s.start, -s.end))))


def make_linked(base_url: str = "", articles: tuple[AnchoredArticle, ...] | None = None
                ) -> LinkedArchive:
    actors = {
        "evans-revere": Actor("evans-revere", "Evans Revere", "person",
                              "Former Asia policy official.", ("Revere",),
                              (Affiliation("us-state-department", "former official", HERE),),
                              HERE, source="the article", wikidata="Q5415695"),
        "us-state-department": Actor("us-state-department", "U.S. Department of State",
                                     "organisation", "The foreign ministry.", (), (), HERE),
        "kim-jong-un": Actor("kim-jong-un", "Kim Jong Un", "person", "Leader.", ("Kim",), (),
                             HERE),
        "donald-trump": Actor("donald-trump", "Donald Trump", "person", "President.",
                              ("Trump",), (), HERE),
    }
    places = {"hanoi": Place("hanoi", "Hanoi", "Capital of Vietnam.", (), HERE, kind="city")}
    topics = {"sanctions-relief": Topic("sanctions-relief", "Sanctions relief",
                                        "Lifting sanctions.", ("sanctions relief",), HERE)}
    events = {
        "oval-office-meeting": Event("oval-office-meeting", "Obama–Trump meeting",
                                     parse_date("2016-late"), ("donald-trump",), None, (),
                                     "The handover warning.", HERE),
        "dmz-meeting": Event("dmz-meeting", "Meeting at the DMZ", parse_date("2019-06-30"),
                             ("donald-trump", "kim-jong-un"), "hanoi", ("sanctions-relief",),
                             "Third meeting.", HERE),
        "someday": Event("someday", "An undated event", None, (), None, (), "", HERE),
        "approx": Event("approx", "Around then", parse_date("2019-06", approximate=True), (),
                        None, (), "", HERE),
    }
    anchored_articles = articles if articles is not None else (article_one(), article_two())
    archive = Archive(Path(), SiteConfig("Test Archive", "A test archive.", base_url, "en"),
                      actors, places, topics, events,
                      tuple(a.article for a in anchored_articles))
    return link(AnchoredArchive(archive, anchored_articles))


def render(base_url: str = "", dirs: tuple[Path, ...] = (), reload: str | None = None,
           linked: LinkedArchive | None = None) -> dict[str, Page]:
    options = RenderOptions((*dirs, builtin_template_dir()), base_url, reload)
    pages = render_site(linked or make_linked(base_url), options)
    return {page.path: page for page in pages}


@pytest.fixture(scope="module")
def site() -> dict[str, Page]:
    return render()


@pytest.fixture(scope="module")
def first(site: dict[str, Page]) -> Node:
    return parse(site["articles/first/index.html"].content)


# --- the site's pages --------------------------------------------------------------------

def test_every_page_kind_is_rendered(site):
    expected = {
        "index.html", "articles/first/index.html", "articles/second/index.html",
        "actors/index.html", "actors/evans-revere/index.html", "actors/kim-jong-un/index.html",
        "places/index.html", "places/hanoi/index.html", "topics/index.html",
        "topics/sanctions-relief/index.html", "timeline/index.html", "quotes/index.html",
        "about/index.html", "404.html", "static/site.css", "static/marks.js",
    }
    assert expected <= set(site)
    assert "sitemap.xml" not in site and "feed.xml" not in site
    kinds = Counter(page.kind for page in site.values())
    assert kinds["article"] == 2 and kinds["actor"] == 4 and kinds["static"] >= 2


def test_rendering_is_deterministic():
    first_run = render(base_url="https://example.test/nk/")
    second_run = render(base_url="https://example.test/nk/")
    assert list(first_run) == list(second_run)
    assert all(first_run[p].content == second_run[p].content for p in first_run)


def html_pages(site: dict[str, Page]) -> dict[str, Node]:
    return {path: parse(page.content) for path, page in site.items() if path.endswith(".html")}


def test_pages_are_well_formed_with_unique_ids_and_one_h1(site):
    for path, tree in html_pages(site).items():
        ids = [n.attrs["id"] for n in tree.iter() if "id" in n.attrs]
        duplicates = [i for i, c in Counter(ids).items() if c > 1]
        assert not duplicates, f"{path}: duplicate ids {duplicates}"
        assert len(tree.find_all("h1")) == 1, path
        html = tree.find("html")
        assert html.attrs["lang"] == "en"
        for landmark in ("header", "nav", "main", "footer"):
            assert tree.find_all(landmark), f"{path}: no <{landmark}>"
        assert tree.find("a", class_="skip-link").attrs["href"] == "#main"
        assert tree.by_id("main").tag == "main"


def test_headings_never_skip_a_level(site):
    for path, tree in html_pages(site).items():
        levels = [int(n.tag[1]) for n in tree.iter() if n.tag in ("h1", "h2", "h3", "h4",
                                                                  "h5", "h6")]
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{path}: h{before} then h{after}"


def test_no_link_inside_a_link_and_no_block_inside_a_paragraph(site):
    for path, tree in html_pages(site).items():
        for anchor in tree.iter("a"):
            assert not any(a.tag == "a" for a in anchor.ancestors()), path
        for paragraph in tree.iter("p"):
            inner = {n.tag for n in paragraph.iter()}
            assert not inner & {"div", "aside", "p", "ul", "ol", "section", "figure"}, path


def test_every_relative_link_reaches_a_page_and_its_fragment(site):
    trees = html_pages(site)
    ids = {path: {n.attrs["id"] for n in tree.iter() if "id" in n.attrs}
           for path, tree in trees.items()}
    for path, tree in trees.items():
        if path == "404.html":
            continue
        for node in tree.iter():
            href = node.attrs.get("href") if node.tag in ("a", "link") else None
            if node.tag == "script" and "src" in node.attrs:
                href = node.attrs["src"]
            if not href or href.startswith(("http://", "https://", "mailto:")):
                continue
            assert not href.startswith("/"), f"{path}: root-relative {href}"
            target, _, fragment = href.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target)) \
                if target else path
            if resolved in EXPORT_PATHS:  # written by the export stage, beside the pages
                continue
            assert resolved in site, f"{path}: {href} → {resolved} is not a page"
            assert not target or target.endswith((".html", ".css", ".js", ".svg", ".xml")), href
            if fragment:
                assert fragment in ids[resolved], f"{path}: {href}: no #{fragment}"


def test_404_links_from_the_site_root():
    pages = render()
    tree = parse(pages["404.html"].content)
    hrefs = [a.attrs["href"] for a in tree.iter("a") if a.attrs["href"] != "#main"]
    assert hrefs and all(h.startswith("/") for h in hrefs)
    tree = parse(render(base_url="https://example.test/nk")["404.html"].content)
    assert tree.find("link", rel="stylesheet").attrs["href"] == \
        "https://example.test/nk/static/site.css"


def test_canonical_sitemap_and_feed_only_with_a_base_url(site):
    tree = parse(site["actors/evans-revere/index.html"].content)
    assert not tree.find_all("link", rel="canonical")
    assert not tree.find_all("meta", property="og:url")
    assert tree.find("meta", property="og:title").attrs["content"] == "Evans Revere"

    pages = render(base_url="https://example.test/nk/")
    tree = parse(pages["actors/evans-revere/index.html"].content)
    assert tree.find("link", rel="canonical").attrs["href"] == \
        "https://example.test/nk/actors/evans-revere/"
    sitemap = ElementTree.fromstring(pages["sitemap.xml"].content)
    locs = [el.text for el in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.test/nk/" in locs
    assert "https://example.test/nk/articles/first/" in locs
    assert not any(loc.endswith("404.html") for loc in locs)
    feed = ElementTree.fromstring(pages["feed.xml"].content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert [e.find(f"{atom}title").text for e in entries] == [
        "Trump meets Kim at the border", "A second <article>"]
    assert feed.find(f"{atom}updated").text == "2020-01-02T00:00:00Z"


def test_meta_description_on_every_page(site):
    for path, tree in html_pages(site).items():
        described = [m for m in tree.iter("meta") if m.attrs.get("name") == "description"]
        assert len(described) == 1 and described[0].attrs["content"].strip(), path
        assert tree.find("meta", property="og:type")


def test_live_reload_script_only_when_serving(site):
    assert all(b"data-reload" not in page.content for page in site.values())
    served = render(reload='<script data-reload>1</script>')
    body = served["index.html"].content.decode()
    assert body.index("<script data-reload>") < body.index("</body>")
    assert served["static/site.css"].content == site["static/site.css"].content


def test_an_archive_overrides_templates_and_static_files_by_name(tmp_path, site):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("/* mine */")
    (tmp_path / "static" / "extra.css").write_text("/* extra */")
    (tmp_path / "about.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Ours</h1>{% endblock %}')
    pages = render(dirs=(tmp_path,))
    assert pages["static/site.css"].content == b"/* mine */"
    assert pages["static/extra.css"].content == b"/* extra */"
    assert parse(pages["about/index.html"].content).find("h1").text == "Ours"
    assert pages["static/marks.js"].content == site["static/marks.js"].content


# --- the article page ------------------------------------------------------------------

def annotations(tree: Node) -> dict[str, Node]:
    return {n.attrs["id"]: n for n in tree.iter() if "data-annotation" in n.attrs
            and "id" in n.attrs}


def test_every_span_is_an_element_with_its_kind_and_id(first):
    found = annotations(first)
    assert set(found) == {a.annotation.id for a in article_one().spans}
    assert found["actor-kim"].attrs["data-annotation"] == "actor"
    assert found["place-hanoi"].attrs["data-annotation"] == "place"
    assert found["topic-sanctions-relief"].attrs["data-annotation"] == "topic"
    assert found["note-verdict"].attrs["data-annotation"] == "note"
    assert found["actor-kim"].attrs["class"].split().count("mark-auto") == 1


def test_mentions_link_to_their_pages(first):
    kim = first.by_id("actor-kim-jong-un")
    assert kim.tag == "a" and kim.attrs["href"] == "../../actors/kim-jong-un/index.html"
    assert kim.attrs["data-ref"] == "kim-jong-un"
    assert first.by_id("place-hanoi").attrs["href"] == "../../places/hanoi/index.html"
    assert first.by_id("topic-sanctions-relief").attrs["href"] == \
        "../../topics/sanctions-relief/index.html"
    assert any(n.tag == "h1" for n in first.by_id("actor-kim").ancestors())
    assert any(n.tag == "figcaption" for n in kim.ancestors())


def test_quotes_carry_their_speaker_and_nest_inside_notes(first):
    quote = first.by_id("quote-regardless")
    assert quote.tag == "span" and quote.attrs["data-speaker"] == "evans-revere"
    assert "quote-direct" in quote.attrs["class"]
    trump = first.by_id("actor-trump-2")
    chain = [n.attrs.get("id") for n in trump.ancestors()]
    assert chain.index("quote-regardless") < chain.index("note-verdict")
    speaker = quote.parent.find("sup", class_="speaker")  # type: ignore[union-attr]
    assert speaker.find("a").attrs["href"] == "../../actors/evans-revere/index.html"
    term = first.by_id("quote-denuclearization")
    assert "quote-term" in term.attrs["class"] and "data-speaker" not in term.attrs


def test_dates_link_to_the_timeline_with_a_time_element(first):
    date = first.by_id("date-late-2016")
    assert date.tag == "span" and date.attrs["data-event"] == "oval-office-meeting"
    link_node = date.find("a")
    assert link_node.attrs["href"] == "../../timeline/index.html#event-oval-office-meeting"
    time = link_node.find("time")
    assert time.attrs["datetime"] == "2016" and time.text == "late 2016"


def test_notes_have_numbered_markers_and_bodies(first):
    marker = first.by_id("note-verdict--ref")
    assert marker.tag == "a" and marker.attrs["href"] == "#note-verdict--note"
    assert marker.attrs["aria-label"].startswith("Note ")
    body = first.by_id("note-verdict--note")
    aside = next(n for n in body.ancestors() if n.tag == "aside")
    assert aside.attrs["aria-label"].startswith("Note")
    links = {a.text: a.attrs["href"] for a in body.iter("a")}
    assert links["Revere"] == "../../actors/evans-revere/index.html"
    assert links["the meeting"] == "../../timeline/index.html#event-dmz-meeting"
    assert links["more"] == "../../articles/second/index.html#quote-over"
    assert "bad" not in links and "bad" in body.text
    assert body.find("a", class_="note-back").attrs["href"] == "#note-verdict--ref"
    framework = first.by_id("agreed-framework--note")
    assert "a picture" in framework.text and not framework.find_all("img")
    assert "<script>alert(1)</script>" in framework.text  # shown as text, never as markup
    numbers = [a.text for a in first.iter("a") if a.attrs.get("role") == "doc-noteref"]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) == 3


def test_article_header_shows_inferred_date_notices_and_caption(first):
    header = first.find("header", class_="article-header")
    assert "(inferred)" in header.text
    assert "The speech it reports was on 1 January." in header.find("details").text
    assert "Excerpt" in header.find("dl").text and "Saved from the web." in header.text
    assert "A. Writer" in header.find("p", class_="byline").text
    caption = first.find("figure", class_="caption")
    assert "Kevin Lamarque Reuters" in caption.text


def test_json_ld_cannot_close_its_script_element(site):
    html = site["articles/first/index.html"].content.decode()
    tree = parse(html)
    scripts = [s for s in tree.iter("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    raw = scripts[0].text
    assert "</script" not in raw and "<" not in raw
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    quotation = data["hasPart"][0]
    assert quotation["@type"] == "Quotation"
    assert quotation["spokenByCharacter"]["name"] == "Evans Revere"
    assert {m["@type"] for m in data["mentions"]} >= {"Person", "Place", "Event"}
    second = parse(site["articles/second/index.html"].content)
    assert second.find("h1").text == "A second <article>"


def test_a_mark_crossing_an_annotation_is_split_keeping_the_id_once(site):
    tree = parse(site["articles/second/index.html"].content)
    note_pieces = [n for n in tree.iter("span") if n.attrs.get("data-annotation") == "note"]
    assert len(note_pieces) == 1  # the note is outer; the emphasis is split instead
    ems = list(tree.iter("em"))
    assert len(ems) == 2 and ems[0].text == "the talks"
    assert ems[1].text.startswith(" were over") and "id" not in ems[1].attrs
    assert any(n.attrs.get("id") == "note-overlap" for n in ems[0].ancestors())
    assert not any(n.attrs.get("id") == "note-overlap" for n in ems[1].ancestors())
    # a mention and a Markdown link over the same words: the mention is the link
    report = tree.by_id("report")
    assert report.tag == "a" and report.attrs["href"] == "../../topics/sanctions-relief/index.html"
    assert report.find("span", class_="link-text").text == "the report"
    assert not tree.find_all("a", href="javascript:bad()")
    cites = tree.find("sup", class_="cites").find("a")
    assert cites.attrs["href"] == "../../articles/first/index.html#quote-regardless"


def test_legend_toggles_are_hidden_without_javascript(first):
    toggles = first.find("fieldset", class_="mark-toggles")
    assert "hidden" in toggles.attrs
    kinds = {i.attrs["value"] for i in toggles.iter("input")}
    assert kinds == {"actor", "quote", "term", "event", "place", "topic", "note"}
    assert any(s.attrs.get("src") == "../../static/marks.js" for s in first.iter("script"))


# --- the other pages --------------------------------------------------------------------------

def test_actor_page_lists_quotes_mentions_affiliations_and_events(site):
    tree = parse(site["actors/evans-revere/index.html"].content)
    hrefs = [a.attrs["href"] for a in tree.iter("a")]
    assert "../../articles/first/index.html#quote-regardless" in hrefs
    assert "../../articles/first/index.html#actor-evans-revere" in hrefs
    assert "../../actors/us-state-department/index.html" in hrefs
    assert "https://www.wikidata.org/wiki/Q5415695" in hrefs
    assert "(Source: the article.)" in tree.text
    data = json.loads(next(s for s in tree.iter("script")
                           if s.attrs.get("type") == "application/ld+json").text)
    assert data["@type"] == "Person" and data["memberOf"][0]["name"] == \
        "U.S. Department of State"
    org = parse(site["actors/us-state-department/index.html"].content)
    assert "../../actors/evans-revere/index.html" in [a.attrs["href"] for a in org.iter("a")]
    kim = parse(site["actors/kim-jong-un/index.html"].content)
    assert "../../timeline/index.html#event-dmz-meeting" in [a.attrs["href"]
                                                             for a in kim.iter("a")]
    assert "Donald Trump" in kim.find("section", aria_labelledby="actor--related").text


def test_actors_index_groups_by_kind(site):
    tree = parse(site["actors/index.html"].content)
    assert [h.text.split(" (")[0] for h in tree.iter("h2")] == ["People", "Organisations"]


def test_timeline_is_chronological_by_year_with_undated_last(site):
    tree = parse(site["timeline/index.html"].content)
    assert [h.text for h in tree.iter("h2")] == ["2016", "2019", "Undated"]
    events = [li.attrs["id"] for li in tree.iter("li") if "event" in
              li.attrs.get("class", "").split()]
    assert events == ["event-oval-office-meeting", "event-approx", "event-dmz-meeting",
                      "event-someday"]
    approx = tree.by_id("event-approx")
    assert "around June 2019" in approx.text and "approximate" in approx.text
    assert tree.by_id("event-oval-office-meeting").find("time").attrs["datetime"] == "2016"
    passage_link = tree.by_id("event-oval-office-meeting").find("a", class_="passage-link")
    assert passage_link.attrs["href"] == "../articles/first/index.html#date-late-2016"


def test_quotes_page_has_speakers_articles_and_terms(site):
    tree = parse(site["quotes/index.html"].content)
    assert [h.text for h in tree.iter("h2")] == ["By speaker", "By article", "Terms"]
    speaker = tree.by_id("speaker-evans-revere")
    assert "virtually nothing" in speaker.text
    assert "denuclearization" in tree.by_id("terms-first").text
    assert "denuclearization" not in tree.by_id("by-article").text
    assert "Crosses" not in tree.text


def test_topic_and_place_pages_show_passages_and_events(site):
    topic = parse(site["topics/sanctions-relief/index.html"].content)
    hrefs = [a.attrs["href"] for a in topic.iter("a")]
    assert "../../articles/first/index.html#topic-sanctions-relief" in hrefs
    assert "../../timeline/index.html#event-dmz-meeting" in hrefs
    place = parse(site["places/hanoi/index.html"].content)
    assert "Events here" in place.text and "city" in place.text


def test_home_lists_articles_newest_first_with_counts(site):
    tree = parse(site["index.html"].content)
    titles = [h.text for h in tree.iter("h3")]
    assert titles == ["Trump meets Kim at the border", "A second <article>"]
    card = tree.find("li", class_="summary-card")
    assert "(inferred)" in card.text and "1 quote" in card.text and "3 actors" in card.text
    assert {a.attrs["href"] for a in tree.iter("a")} >= {
        "timeline/index.html", "actors/index.html", "quotes/index.html",
        "topics/index.html", "places/index.html"}


def test_an_empty_archive_still_renders():
    pages = render(linked=make_linked(articles=()))
    assert "index.html" in pages
    assert "No events yet." not in parse(pages["timeline/index.html"].content).text


# --- the inline renderer and the notes' Markdown -------------------------------------------------

class Tag(Element):
    def __init__(self, name: str, ident: str, rank: int = 5, link: bool = False) -> None:
        self.name, self.ident, self.rank, self.link = name, ident, rank, link

    def open(self, first, in_link):
        ident = f' id="{self.ident}"' if first else ""
        name = "span" if self.link and in_link else self.name
        return f"<{name}{ident}>", f"</{name}>", self.link and not in_link

    def trailer(self):
        return f"<sup>{self.ident}</sup>"


def test_nest_splits_partial_overlaps_and_keeps_ids_once():
    text = "abcdefghij"
    html = nest(text, [Interval(0, 6, Tag("b", "x")), Interval(3, 9, Tag("i", "y"))])
    assert html == '<b id="x">abc<i id="y">def</i></b><sup>x</sup><i>ghi</i><sup>y</sup>j'
    tree = parse(f"<p>{html}</p>")
    assert tree.find("p").text == "abcdefxghiyj"


def test_nest_puts_the_longer_interval_outside_and_never_nests_links():
    html = nest("abcdef", [Interval(1, 3, Tag("a", "inner", link=True)),
                           Interval(0, 5, Tag("a", "outer", link=True))])
    assert html == ('<a id="outer">a<span id="inner">bc</span>de</a>'
                    '<sup>inner</sup><sup>outer</sup>f')


def test_nest_escapes_text_and_handles_points():
    class Br(Element):
        def open(self, first, in_link):
            return "<br>", "", False

    html = nest("a<b\n&c", [Interval(3, 3, Br())])
    assert html == "a&lt;b<br>\n&amp;c"


def test_note_markdown_rewrites_internal_links_and_drops_the_rest():
    renderer = NoteRenderer(LinkTargets(actors=frozenset({"kim"}), places=frozenset({"p"}),
                                        topics=frozenset({"t"}), events=frozenset({"e"}),
                                        articles=frozenset({"a"})))
    tree = parse(renderer.render(
        "# Not a heading\n\n[k](actor:kim) [p](place:p) [t](topic:t) [e](event:e) "
        "[a](article:a#q-1) [x](actor:nobody) [j](javascript:alert(1)) [d](data:text/html,x) "
        "[w](https://w.test/) [m](mailto:x@w.test) <b>raw</b>", "../"))
    links = {a.text: a.attrs["href"] for a in tree.iter("a")}
    assert links == {
        "k": "../actors/kim/index.html", "p": "../places/p/index.html",
        "t": "../topics/t/index.html", "e": "../timeline/index.html#event-e",
        "a": "../articles/a/index.html#q-1", "w": "https://w.test/", "m": "mailto:x@w.test",
    }
    assert not tree.find_all("h1") and not tree.find_all("b")
    assert "<b>raw</b>" in tree.text and "# Not a heading" in tree.text


def test_notes_make_runs_that_stop_at_containers():
    pieces = ("First, with a note.", "Second.", "Third, in a list.", "Fourth, after it.")
    text = make_text(("title", "Runs"), *(("paragraph", p) for p in pieces))
    blocks = list(text.blocks)
    blocks[3] = replace(blocks[3], before="<ul><li>", after="</li></ul>", tag="")
    text = replace(text, blocks=tuple(blocks))
    note = Note("note-first", sel("First"), HERE, body="A note.")
    anchored = AnchoredArticle(
        Article("runs", ArticleMeta("Runs", None, None, (), None, None, (), (), ()), text,
                (note,), Path("seeds/runs.md"), Path("content/articles/runs.yaml")),
        (span(text, note, "First"),))
    tree = parse(render(linked=make_linked(articles=(anchored,)))["articles/runs/index.html"]
                 .content)
    run = tree.find("div", class_="block has-notes")
    assert run.attrs["style"] == "--rows: 2"
    children = [c for c in run.children if isinstance(c, Node)]
    assert [c.tag for c in children] == ["p", "aside", "p"]
    assert children[2].text == "Second."
    item = tree.find("div", class_="article-body prose").find("ul").find("li")
    assert item.text == "Third, in a list." and item.parent.tag == "ul"  # type: ignore[union-attr]
    assert item.parent.parent is not run  # type: ignore[union-attr]


def test_quotes_page_caps_groups_in_a_large_archive(monkeypatch):
    """Past QUOTES_INDEX_FULL quotes, each speaker's group shows its first quotes and links
    on (the lists by article and of terms are paged instead)."""
    import annotarium.render_lists as render_module

    full = render(base_url="")
    monkeypatch.setattr(render_module, "QUOTES_INDEX_FULL", 0)
    monkeypatch.setattr(render_module, "QUOTES_PER_GROUP", 0)
    capped = render(base_url="")
    quotes_full = parse(full["quotes/index.html"].content)
    quotes_capped = parse(capped["quotes/index.html"].content)
    shown_full = [n for n in quotes_full.iter() if n.attrs.get("data-annotation") == "quote"
                  or "quote-card" in n.attrs.get("class", "")]
    shown_capped = [n for n in quotes_capped.iter() if n.attrs.get("data-annotation") == "quote"
                    or "quote-card" in n.attrs.get("class", "")]
    assert len(shown_capped) < len(shown_full)
    more = [n for n in quotes_capped.iter() if "more" in n.attrs.get("class", "").split()]
    assert more, "a capped group links to the page with all its quotes"
