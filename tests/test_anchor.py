"""Anchoring: typed words to exact ranges, loosely where it helps, strictly elsewhere."""

from __future__ import annotations

from pathlib import Path

from annotarium.anchor import anchor
from annotarium.diagnostics import Diagnostics
from annotarium.load import load
from annotarium.model import AnchoredArticle
from annotarium.textmatch import NormalizedText, normalize
from conftest import write_archive

TEXT = """\
Headline about 김정은 and talks

“It’s a beautiful vase,” Trump said. He met Kim Jong Un
in Singapore. Kim said the talks were “productive.”

Later, Kim said the talks were over. Talks, he said, had failed.
"""

ACTORS = """
kim-jong-un:
  name: Kim Jong Un
  kind: person
  description: Leader of North Korea.
  aliases: [Kim, 김정은]
trump:
  name: Donald Trump
  kind: person
  description: U.S. president.
  aliases: [Trump]
"""


def anchored(
    tmp_path: Path, annotations: str, actors: str = ACTORS
) -> tuple[AnchoredArticle | None, Diagnostics]:
    root = write_archive(
        tmp_path,
        {
            "seeds/a.txt": TEXT,
            "content/actors.yaml": actors,
            "content/articles/a.yaml": "text: seeds/a.txt\n" + annotations,
        },
    )
    diags = Diagnostics()
    result = anchor(load(root, diags), diags)
    return (result.articles[0] if result.articles else None), diags


def spans_of(article: AnchoredArticle, kind: str) -> list[str]:
    text = article.article.text.text
    return [text[s.start : s.end] for s in article.spans if s.annotation.kind == kind]


def test_straight_quotes_match_curly_ones(tmp_path: Path) -> None:
    article, diags = anchored(
        tmp_path,
        """
quotes:
  - text: It's a beautiful vase,
    speaker: trump
""",
    )
    assert not diags.errors, [d.format() for d in diags]
    assert article is not None
    assert spans_of(article, "quote") == ["It’s a beautiful vase,"]


def test_text_across_a_line_break(tmp_path: Path) -> None:
    article, diags = anchored(
        tmp_path,
        """
mentions:
  - text: Kim Jong Un in Singapore
    actor: kim-jong-un
""",
    )
    assert not diags.errors, [d.format() for d in diags]
    assert article is not None
    assert spans_of(article, "actor")[0] == "Kim Jong Un\nin Singapore"


def test_repeated_text_is_ambiguous_and_says_where(tmp_path: Path) -> None:
    _, diags = anchored(
        tmp_path,
        """
notes:
  - text: the talks were
    body: Which one?
""",
    )
    [error] = diags.errors
    assert error.location.line == 4
    assert "ambiguous: it occurs 2 times (line 4, line 6 of a.txt)" in error.message
    assert error.hint is not None and "prefix" in error.hint


def test_prefix_suffix_and_occurrence_choose(tmp_path: Path) -> None:
    article, diags = anchored(
        tmp_path,
        """
notes:
  - text: the talks were
    suffix: over
    body: The second.
  - text: Kim said
    prefix: Later,
    body: Later one.
  - text: Kim said
    occurrence: 1
    body: First one.
""",
    )
    assert not diags.errors, [d.format() for d in diags]
    assert article is not None
    starts = sorted(s.start for s in article.spans if s.annotation.kind == "note")
    text = article.article.text.text
    assert text.index("the talks were over") in starts
    assert text.index("Later, Kim said") + len("Later, ") in starts
    assert text.index("Kim said") in starts


def test_korean_names_anchor_and_alias_match(tmp_path: Path) -> None:
    article, diags = anchored(
        tmp_path,
        """
actors: [kim-jong-un]
mentions:
  - text: 김정은
    actor: kim-jong-un
""",
    )
    assert not diags.errors, [d.format() for d in diags]
    assert article is not None
    assert spans_of(article, "actor")[0] == "김정은"


def test_text_not_found_points_at_the_difference(tmp_path: Path) -> None:
    _, diags = anchored(
        tmp_path,
        """
quotes:
  - text: It's a beautiful jar
    speaker: trump
""",
    )
    [error] = diags.errors
    assert error.location.line == 4
    assert error.message.startswith("quote 'It's a beautiful jar' not found in a.txt (an orphan")
    assert error.hint is not None and "differs at 'jar'" in error.hint


def test_capitalisation_is_not_loosened_but_hinted(tmp_path: Path) -> None:
    _, diags = anchored(
        tmp_path,
        """
mentions:
  - text: talks, he said
    actor: trump
""",
    )
    [error] = diags.errors
    assert "not found" in error.message
    assert error.hint == "the text has it with other capitals: 'Talks, he said'"


def test_alias_mentions_longest_first_and_whole_words(tmp_path: Path) -> None:
    article, diags = anchored(tmp_path, "actors: [kim-jong-un, trump]\n")
    assert not diags.errors
    assert article is not None
    found = spans_of(article, "actor")
    assert found == ["김정은", "Trump", "Kim Jong Un", "Kim", "Kim"]
    assert all(s.annotation.auto for s in article.spans)


def test_explicit_mention_suppresses_the_alias_inside_it(tmp_path: Path) -> None:
    article, diags = anchored(
        tmp_path,
        """
actors: [kim-jong-un]
mentions:
  - text: Later, Kim
    actor: trump
""",
    )
    assert not diags.errors
    assert article is not None
    kinds = [
        (article.article.text.text[s.start : s.end], s.annotation.ref)  # type: ignore[attr-defined]
        for s in article.spans
    ]
    assert ("Later, Kim", "trump") in kinds
    assert ("Kim", "kim-jong-un") in kinds  # the other Kims are still found
    assert sum(1 for text, _ in kinds if text == "Kim") == 1


def test_crossing_annotations_are_an_error(tmp_path: Path) -> None:
    _, diags = anchored(
        tmp_path,
        """
notes:
  - text: Kim said the talks
    prefix: Singapore.
    body: a
  - text: the talks were “productive
    body: b
""",
    )
    [error] = diags.errors
    assert "overlaps" in error.message and "without containing it" in error.message


def test_nested_annotations_are_fine(tmp_path: Path) -> None:
    _, diags = anchored(
        tmp_path,
        """
actors: [kim-jong-un]
quotes:
  - text: productive.
    speaker: kim-jong-un
    kind: partial
notes:
  - text: Kim said the talks were “productive.”
    prefix: Singapore.
    body: A nested note.
""",
    )
    assert not diags.errors, [d.format() for d in diags]


def test_span_across_paragraphs_is_an_error(tmp_path: Path) -> None:
    _, diags = anchored(
        tmp_path,
        """
notes:
  - text: were “productive.” Later, Kim
    body: x
""",
    )
    [error] = diags.errors
    assert "runs across a paragraph break" in error.message


def test_normalized_text_maps_back_exactly() -> None:
    original = "a  “b”\n\n c ‘d’"
    text = NormalizedText(original)
    assert text.text == "a \"b\" c 'd'"
    needle = normalize('"b" c')
    [hit] = text.find_all(needle)
    start, end = text.span_to_original(hit, hit + len(needle))
    assert original[start:end] == "“b”\n\n c"
