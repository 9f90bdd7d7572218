"""The loader: plain-text exports (the seed's shape), Markdown articles, metadata."""

from __future__ import annotations

import hashlib
from pathlib import Path

from annotarium.articles import ExportLayout, parse_markdown, parse_text_export, split_masthead
from conftest import REPO, SAMPLE_TEXT

SEED = REPO / "seeds" / "wapo-2020-trump-north-korea-gamble.txt"
SEED_SHA256 = "2fab9fcc65f5eedde1294401ca2dd0dda0b51b90197fd5769d634f307d92156b"


def test_seed_is_byte_identical_to_its_source() -> None:
    """Annotations anchor to the seed's exact text: it must never change by accident."""
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_seed_masthead_is_metadata_not_text() -> None:
    text = parse_text_export(SEED.read_text(encoding="utf-8"))
    assert text.masthead is not None
    assert text.masthead.name == "The Washington Post"
    assert text.masthead.tagline == "Democracy Dies in Darkness"
    assert "Democracy Dies" not in text.text


def test_seed_headline_caption_and_paragraphs() -> None:
    text = parse_text_export(SEED.read_text(encoding="utf-8"))
    title, caption = text.title_block, text.caption_block
    assert title is not None and title.text.startswith("Trump upended three decades")
    assert title.source_line == 3
    assert caption is not None and caption.text.startswith("President Trump meets with")
    assert text.caption_credit == "Kevin Lamarque Reuters"
    body = text.body_blocks
    assert len(body) == 24  # 27 non-empty lines: masthead, headline, caption, 24 paragraphs
    assert body[0].text.startswith("President Trump’s decision to engage")
    assert body[-1].text.endswith("is going to shake that loose.”")
    assert all(b.kind == "paragraph" for b in body)


def test_blocks_are_joined_by_blank_lines_and_offsets_match() -> None:
    text = parse_text_export(SEED.read_text(encoding="utf-8"))
    for block in text.blocks:
        assert text.text[block.start : block.end] == block.text
    assert text.text == "\n\n".join(b.text for b in text.blocks)


def test_other_publication_same_shape() -> None:
    text = parse_text_export(SAMPLE_TEXT)
    assert text.masthead is not None and text.masthead.name == "The Daily Planet"
    assert text.masthead.tagline == "Truth Since 1938"
    assert text.title_block is not None
    assert text.title_block.text == "Leaders meet in Geneva as talks resume"
    assert text.caption_credit == "Jane Doe Planet Wire"
    assert len(text.body_blocks) == 3


def test_text_without_masthead_or_caption() -> None:
    text = parse_text_export("Headline here\n\nFirst paragraph.\n\nSecond paragraph.\n")
    assert text.masthead is None
    assert text.title_block is not None and text.title_block.text == "Headline here"
    assert text.caption_block is None
    assert [b.text for b in text.body_blocks] == ["First paragraph.", "Second paragraph."]


def test_layout_overrides_what_the_loader_infers() -> None:
    source = "Masthead\n\nHeadline\n\nA photo (Credit)\n\nBody.\n"
    inferred = parse_text_export(source)
    assert inferred.caption_block is not None
    overridden = parse_text_export(source, ExportLayout(masthead_lines=0, caption=False))
    assert overridden.masthead is None
    assert overridden.title_block is not None and overridden.title_block.text == "Masthead"
    assert overridden.caption_block is None


def test_crlf_export_reads_like_lf() -> None:
    lf = parse_text_export(SAMPLE_TEXT)
    crlf = parse_text_export(SAMPLE_TEXT.replace("\n", "\r\n"))
    assert crlf.text == lf.text


def test_masthead_without_glue_keeps_the_whole_line() -> None:
    assert split_masthead("Reuters").name == "Reuters"
    assert split_masthead("Reuters").tagline is None
    assert split_masthead("McClatchy DC").tagline is None


def test_markdown_article_blocks_and_marks() -> None:
    body = "## Overview\n\nOn *February* 27 they met.\n\n- **Definition:** the two\nsides.\n"
    text = parse_markdown(body, "The summit", first_line=5)
    kinds = [(b.kind, b.tag) for b in text.blocks]
    assert kinds == [("title", "h1"), ("heading", "h2"), ("paragraph", "p"), ("paragraph", "")]
    assert text.blocks[2].marks[0].tag == "em"
    assert (
        text.blocks[2].text[slice(*(lambda m: (m.start, m.end))(text.blocks[2].marks[0]))]
        == "February"
    )
    assert text.blocks[3].before == "<ul><li>" and text.blocks[3].after == "</li></ul>"
    assert text.blocks[2].source_line == 7
    assert "**" not in text.text and "*February*" not in text.text


def test_markdown_unsafe_links_are_dropped() -> None:
    text = parse_markdown("[click](javascript:alert(1)) and [ok](https://example.org)", "T")
    hrefs = [m.href for b in text.blocks for m in b.marks if m.tag == "a"]
    assert hrefs == ["https://example.org"]


def test_loads_markdown_article_with_front_matter(tmp_path: Path) -> None:
    from annotarium.diagnostics import Diagnostics
    from annotarium.load import load
    from conftest import write_archive

    root = write_archive(
        tmp_path,
        {
            "seeds/statement.md": """
            ---
            title: A joint statement
            publication: The White House
            published: 2018-06-12
            completeness: assembled
            provenance: Assembled from two copies.
            ---
            The two leaders met in Singapore.

            1. First point.
            2. Second point.
        """,
            "content/articles/statement.yaml": "text: seeds/statement.md\nsummary: A statement.\n",
        },
    )
    diags = Diagnostics()
    archive = load(root, diags)
    assert not diags.errors, [d.format() for d in diags]
    article = archive.articles[0]
    assert article.meta.title == "A joint statement"
    assert article.meta.publication == "The White House"
    assert article.meta.published is not None and str(article.meta.published.date) == "2018-06-12"
    assert article.meta.completeness == "assembled"
    assert article.meta.summary == "A statement."
    assert article.text.source_format == "markdown"
    assert [b.text for b in article.text.body_blocks][-1] == "Second point."
    assert article.text.body_blocks[0].source_line == 8


def test_bundled_archive_loads_all_three_articles() -> None:
    from annotarium.diagnostics import Diagnostics
    from annotarium.load import load

    diags = Diagnostics()
    archive = load(REPO, diags)
    slugs = {a.slug for a in archive.articles}
    assert {"trump-north-korea-gamble", "singapore-joint-statement", "crs-hanoi-summit"} <= slugs
    seed = next(a for a in archive.articles if a.slug == "trump-north-korea-gamble")
    assert seed.meta.publication == "The Washington Post"
    assert seed.meta.published is not None and seed.meta.published.inferred
    assert seed.meta.published.reasoning
