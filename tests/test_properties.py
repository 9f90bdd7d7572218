"""Property-based tests (hypothesis) on the loader, anchoring, slugs, the renderer, the
cache, the dev server's path checks and incremental builds.

Example counts are kept small and the examples derandomized, so the file runs in well
under a minute and the same examples run in CI every time; raise them locally with
``HYPOTHESIS_EXAMPLES=10`` (a multiplier) to search harder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotarium import __version__, cache
from annotarium.diagnostics import Diagnostics
from annotarium.pipeline import build_site, check_archive
from annotarium.schema import slug_problem, suggest_slug
from annotarium.serve import resolve_request_path
from annotarium.textmatch import normalize
from annotarium.yamlsource import YamlError, parse_yaml
from conftest import SAMPLE_FILES, write_archive
from htmltree import parse_file
from test_incremental import edits, tree

SCALE = int(os.environ.get("HYPOTHESIS_EXAMPLES", "1"))


def examples(count: int) -> settings:
    return settings(
        max_examples=count * SCALE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


ARTICLE = "content/articles/planet.yaml"
SAMPLE_ARTICLE = textwrap.dedent(str(SAMPLE_FILES[ARTICLE])).lstrip("\n")

# YAML-ish text: the characters that make YAML interesting, plus anything at all
yaml_text = st.one_of(
    st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"%@`#,?\n\t ab1\ufeff\r")), max_size=200),
    st.text(max_size=200),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False),
    st.text(max_size=40),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "text",
                    "speaker",
                    "kind",
                    "quotes",
                    "notes",
                    "body",
                    "dates",
                    "date",
                    "event",
                    "mentions",
                    "actor",
                    "prefix",
                    "suffix",
                    "occurrence",
                    "id",
                    "published",
                    "places",
                    "topics",
                    "actors",
                    "cites",
                    "note",
                    "export",
                    "title",
                    "x",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)


class Archive:
    """One sample archive per test, rewritten file by file for each example."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="annotarium-prop-"))
        self.root = write_archive(self.base / "archive", SAMPLE_FILES)

    def replace(self, name: str, content: str | bytes) -> None:
        path = self.root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")

    def restore(self) -> None:
        write_archive(self.root, SAMPLE_FILES)

    def close(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def archive() -> Archive:
    made = Archive()
    yield made  # type: ignore[misc]
    made.close()


# --- the loader ------------------------------------------------------------------------


@examples(150)
@given(text=yaml_text)
def test_parse_yaml_returns_a_value_or_a_located_error(text: str) -> None:
    try:
        parse_yaml(text, Path("x.yaml"))
    except YamlError as error:
        assert error.location.line >= 1 and error.message


@examples(60)
@given(
    name=st.sampled_from(
        [
            ARTICLE,
            "content/actors.yaml",
            "content/events.yaml",
            "annotarium.yaml",
            "seeds/planet.txt",
        ]
    ),
    content=st.one_of(yaml_text, st.binary(max_size=200)),
)
def test_arbitrary_files_never_crash_check(
    archive: Archive, name: str, content: str | bytes
) -> None:
    archive.restore()
    archive.replace(name, content)
    result = check_archive(archive.root)
    for item in result.diagnostics:
        assert item.message and "Traceback" not in item.message


@examples(60)
@given(value=values)
def test_arbitrary_annotation_structures_never_crash_check(archive: Archive, value: object) -> None:
    archive.restore()
    archive.replace(ARTICLE, json.dumps(value))  # JSON is YAML
    result = check_archive(archive.root)
    assert isinstance(result.diagnostics, Diagnostics)


@examples(40)
@given(
    item=st.dictionaries(
        st.sampled_from(
            ["text", "speaker", "kind", "prefix", "suffix", "occurrence", "id", "note", "context"]
        ),
        scalars,
        max_size=6,
    )
)
def test_arbitrary_quotes_never_crash_check(archive: Archive, item: dict[str, object]) -> None:
    archive.restore()
    archive.replace(ARTICLE, SAMPLE_ARTICLE + "mentions:\n  - " + json.dumps(item) + "\n")
    check_archive(archive.root)


# --- anchoring -------------------------------------------------------------------------

WORDS = [
    "talks",
    "Geneva",
    "it’s",
    "it's",
    "“ready”",
    '"ready"',
    "the",
    "of",
    "Lopez",
    "a",
    "minister,",
    "said.",
    "—",
    "2024",
    "Ana",
    "l’été",
    "naïve",
]
article_text = st.lists(
    st.lists(st.sampled_from(WORDS), min_size=3, max_size=14).map(" ".join),
    min_size=1,
    max_size=5,
).map(lambda paragraphs: "Headline of the day\n\n" + "\n\n".join(paragraphs) + "\n")


@examples(60)
@given(text=article_text, data=st.data())
def test_every_anchored_range_holds_its_text(
    archive: Archive, text: str, data: st.DataObject
) -> None:
    body = text.split("\n\n", 1)[1]
    picks = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(body) - 1), st.integers(1, 30)), min_size=1, max_size=6
        )
    )
    mentions = []
    for start, length in picks:
        exact = body[start : start + length].strip()
        if exact and "\n" not in exact:
            occurrence = data.draw(st.integers(1, 3))
            mentions.append({"text": exact, "actor": "ana-lopez", "occurrence": occurrence})
    archive.restore()
    archive.replace("seeds/planet.txt", text)
    archive.replace(
        ARTICLE,
        "text: seeds/planet.txt\ntitle: T\nactors: [ana-lopez]\n"
        "mentions: " + json.dumps(mentions) + "\n",
    )
    result = check_archive(archive.root)
    assert result.linked is not None
    for anchored in result.linked.anchored.articles:
        full = anchored.article.text.text
        for span in anchored.spans:
            exact = span.annotation.selector.exact
            assert 0 <= span.start < span.end <= len(full)
            assert normalize(full[span.start : span.end]) == normalize(exact), (
                full[span.start : span.end],
                exact,
            )


# --- slugs -----------------------------------------------------------------------------


@examples(300)
@given(value=st.text(max_size=100))
def test_suggested_slugs_are_valid_and_checks_never_raise(value: str) -> None:
    problem = slug_problem(value)
    suggestion = suggest_slug(value)
    assert suggestion == "" or slug_problem(suggestion) is None
    if problem is None:  # a valid id is a path segment that cannot go anywhere else
        assert "/" not in value and "\\" not in value and value not in (".", "..")
        assert value == value.strip() and value.isascii() and value == value.lower()
        assert suggest_slug(value) == value


# --- the renderer ----------------------------------------------------------------------

# pieces of note bodies: words, the characters Markdown reads, and the line starts it
# reads as blocks; "wordy" bodies start with a word and use pieces that a plain body
# may hold, or that make it plain no more at a line's start, so that both are common
word = st.sampled_from(["Kim", "talks", "été", "Ōno"])
wordy_piece = st.one_of(word, word, st.sampled_from([
    " ", "\n", '"', "'", ">", "(", ")", ":", ".", "!", "-", "- ", "~", "|", "#", "=", "+",
    "2019.", "1. ", "---", "\u00a0", "%", "{", "}", "@", "$",
    "*", "_", "[", "]", "&", "&amp;", "<", "`", "\\", "<b>", "*Kim*", "_Kim_", "**Kim**",
    "[Kim](actor:kim)", "`Kim`", "\\*",
]))
note_piece = st.sampled_from([
    "Kim", "talks", " ", "  ", "\n", "\n\n", "\n ", " \n", "\t", '"', ">", "> ", "* ",
    "#", "=", "*", "_", "[", "]", "&", "&amp;", "<", "\\", "`", "http://x.org",
])
note_body = st.one_of(
    st.tuples(word, st.lists(wordy_piece, max_size=16)).map(lambda t: t[0] + "".join(t[1])),
    st.lists(note_piece, min_size=1, max_size=12).map("".join),
)


def markdown_it_html(body: str, allow_html: bool = False) -> str:
    from annotarium.markdown import LinkTargets, NoteRenderer

    md = NoteRenderer(LinkTargets(), allow_html=allow_html)._md  # the parser, unskipped
    return md.renderer.render(md.parse(body), md.options, {})


@examples(400)
@given(body=note_body)
def test_plain_note_bodies_render_as_markdown_it_would(body: str) -> None:
    from annotarium.markdown import plain_paragraph

    plain = plain_paragraph(body)
    if plain is not None:
        assert plain == markdown_it_html(body) == markdown_it_html(body, allow_html=True)


def test_typical_plain_notes_skip_the_parser() -> None:
    from annotarium.markdown import plain_paragraph

    for body in ("Trump later said the letter was \"beautiful\".\n",
                 "The summit ended early:\nno agreement (see CRS) > expected.\n"):
        assert plain_paragraph(body) == markdown_it_html(body)
    for body in ("See [Kim](actor:kim-jong-un).", "- a list", "Two\n\nparagraphs",
                 "**bold**", "1. first", "a  \nhard break", "    code", ""):
        assert plain_paragraph(body) is None


MARKER = "<x-evil a=1>"
hostile = st.lists(
    st.sampled_from([*"<>&\"'`=/ \\:;aj{}%", "javascript:", "</script>", MARKER]),
    min_size=1,
    max_size=30,
).map("".join)


@examples(12)
@given(name=hostile, description=hostile, note=hostile, title=hostile)
def test_every_string_that_reaches_a_page_is_escaped(
    archive: Archive, name: str, description: str, note: str, title: str
) -> None:
    archive.restore()
    archive.replace("annotarium.yaml", "title: " + json.dumps(title + MARKER) + "\n")
    actors = textwrap.dedent(str(SAMPLE_FILES["content/actors.yaml"])).lstrip("\n")
    archive.replace(
        "content/actors.yaml",
        actors.replace("name: Ana Lopez", "name: " + json.dumps(name + MARKER)).replace(
            "description: Foreign minister of Ruritania.",
            "description: " + json.dumps(description + MARKER),
        ),
    )
    archive.replace(
        ARTICLE,
        SAMPLE_ARTICLE.replace(
            "body: The talks had paused for a month.", "body: " + json.dumps(note + MARKER)
        ),
    )
    output = archive.base / "site"
    result = build_site(archive.root, output, clean=True)
    assert result.output is not None, [d.format() for d in result.check.diagnostics.errors]
    for page in sorted(output.rglob("*.html")):
        parsed = parse_file(page)
        for element in parsed.iter():
            assert element.tag != "x-evil", page
            assert "a" not in element.attrs or element.tag == "a", page
            for attr, value in element.attrs.items():
                assert not attr.startswith("on"), page
                if attr in ("href", "src", "action", "formaction"):
                    assert not value.lower().lstrip().startswith("javascript:"), page
            if element.tag == "script" and element.attrs.get("type") == "application/ld+json":
                json.loads(element.text)
            elif element.tag == "script":
                assert element.attrs.get("src"), page


# --- the cache and the dev server --------------------------------------------------------


@examples(200)
@given(data=st.one_of(st.binary(max_size=300), values.map(lambda v: json.dumps(v).encode())))
def test_read_cache_never_raises(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / cache.CACHE_FILE).write_bytes(data)
        assert cache.read_cache(Path(folder), __version__) is None or data.startswith(b"{")


@examples(300)
@given(
    path=st.lists(
        st.sampled_from([*"/.%2e5cCfF\\~:0a", "%252e", "..", "%c0%ae", "%00", "a/", "../", "%2f"]),
        max_size=25,
    ).map("".join)
)
def test_request_paths_never_leave_the_site(path: str) -> None:
    root = Path(tempfile.gettempdir()) / "annotarium-prop-site" / "site"
    (root / "a").mkdir(parents=True, exist_ok=True)
    resolved = resolve_request_path(root, "/" + path)
    if resolved is not None:
        assert resolved == root.resolve() / "index.html" or root.resolve() in resolved.parents


# --- incremental builds ----------------------------------------------------------------


@pytest.mark.slow
@examples(6)
@given(steps=st.lists(st.integers(0, 11), min_size=1, max_size=4), seed=st.integers(0, 99))
def test_incremental_equals_clean_for_any_edit_sequence(
    archive: Archive, steps: list[int], seed: int
) -> None:
    import random

    shutil.rmtree(archive.root)
    archive.root = write_archive(archive.base / "archive", SAMPLE_FILES)
    incremental = archive.base / "incremental"
    shutil.rmtree(incremental, ignore_errors=True)
    assert build_site(archive.root, incremental).output is not None
    choices = edits(archive.root, random.Random(seed))
    for index in steps:
        choices[index]()
        result = build_site(archive.root, incremental)
        clean = archive.base / "clean"
        expected = build_site(archive.root, clean, clean=True)
        assert (result.output is None) == (expected.output is None)
        if expected.output is not None:
            assert tree(incremental) == tree(clean), [choices[i].__name__ for i in steps]
        shutil.rmtree(clean, ignore_errors=True)
