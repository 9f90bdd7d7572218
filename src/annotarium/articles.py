"""Read article texts: plain-text exports of news pages, and Markdown with front matter.

Both become an :class:`~annotarium.model.ArticleText`: the title, the caption
and the body blocks, joined by blank lines, which is the text annotations
anchor to. Nothing here knows about any particular publication: the shape of
an export (masthead, headline, caption with a credit, paragraphs) is inferred,
and :class:`ExportLayout` lets the annotation file correct the inference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from markdown_it import MarkdownIt

from annotarium.model import ArticleText, Block, InlineMark, Masthead

_CREDIT = re.compile(r"\((?P<credit>[^()\n]{2,120})\)\s*$")
_GLUED = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z]{2,})")  # "PostDemocracy" -> "Post|Democracy"
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")


Piece = tuple[str, str, int, str, tuple[InlineMark, ...], str, str]
"""A block before offsets are known: kind, text, source line, tag, marks, before, after."""


@dataclass(frozen=True)
class ExportLayout:
    """What the annotation file says about a plain-text export's shape (None = infer)."""

    masthead_lines: int | None = None
    headline: bool | None = None
    caption: bool | None = None


@dataclass(frozen=True)
class RawBlock:
    text: str
    line: int  # 1-based line of its first line in the file


def split_blocks(text: str, first_line: int = 1) -> list[RawBlock]:
    """Split text into blocks separated by blank lines, remembering where each starts."""
    blocks: list[RawBlock] = []
    current: list[str] = []
    start = first_line
    for number, line in enumerate(text.split("\n"), start=first_line):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            blocks.append(RawBlock("\n".join(current).strip(), start))
            current = []
    if current:
        blocks.append(RawBlock("\n".join(current).strip(), start))
    return blocks


def split_masthead(raw: str) -> Masthead:
    """Split a masthead the export glued together: name, then tagline."""
    line = " ".join(raw.split())
    match = _GLUED.search(line)
    if match:
        return Masthead(raw, line[: match.start()].strip(), line[match.start() :].strip())
    return Masthead(raw, line, None)


def _looks_like_line(block: RawBlock) -> bool:
    """A short, single line without closing punctuation: a masthead or a headline."""
    return (
        "\n" not in block.text and len(block.text) <= 160 and not _SENTENCE_END.search(block.text)
    )


def parse_text_export(source: str, layout: ExportLayout = ExportLayout()) -> ArticleText:
    """Parse a plain-text export: masthead, headline, caption (with credit), paragraphs."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    blocks = split_blocks(source)
    masthead: Masthead | None = None
    index = 0

    masthead_lines = layout.masthead_lines
    if masthead_lines is None:
        # A masthead is a short first line followed by another short line (the headline).
        masthead_lines = (
            1
            if (
                len(blocks) >= 3
                and "\n" not in blocks[0].text
                and len(blocks[0].text) <= 80
                and _looks_like_line(blocks[1])
            )
            else 0
        )
    if masthead_lines:
        lines = source.split("\n")
        masthead = split_masthead(" ".join(lines[:masthead_lines]))
        # drop blocks that lie entirely within the masthead lines
        while index < len(blocks) and blocks[index].line <= masthead_lines:
            index += 1

    pieces: list[Piece] = []
    has_headline = layout.headline
    if has_headline is None:
        has_headline = (
            index < len(blocks) and _looks_like_line(blocks[index]) and (len(blocks) - index >= 2)
        )
    if has_headline and index < len(blocks):
        pieces.append(("title", blocks[index].text, blocks[index].line, "h1", (), "", ""))
        index += 1

    credit: str | None = None
    if index < len(blocks):
        candidate = blocks[index]
        match = _CREDIT.search(candidate.text)
        is_caption = layout.caption
        if is_caption is None:
            is_caption = (
                bool(match)
                and has_headline
                and len(candidate.text) <= 600
                and (len(match["credit"].split()) <= 8)
            )
        if is_caption:
            credit = match["credit"].strip() if match else None
            pieces.append(("caption", candidate.text, candidate.line, "p", (), "", ""))
            index += 1

    pieces.extend(("paragraph", block.text, block.line, "p", (), "", "")
                  for block in blocks[index:])
    return _assemble(pieces, masthead, credit, "text")


def _assemble(pieces: list[Piece], masthead: Masthead | None, credit: str | None,
              source_format: Literal["text", "markdown"]) -> ArticleText:
    """Lay the blocks end to end, separated by blank lines, and note each one's offsets."""
    whole = "\n\n".join(piece[1] for piece in pieces)
    blocks: list[Block] = []
    offset = 0
    for kind, text, line, tag, marks, before, after in pieces:
        blocks.append(Block(kind=kind, start=offset, end=offset + len(text), source=whole,  # type: ignore[arg-type]
                            tag=tag, marks=marks, before=before, after=after, source_line=line))
        offset += len(text) + 2
    return ArticleText(whole, tuple(blocks), masthead, credit, source_format)


# --- Markdown ---------------------------------------------------------------------

_md = MarkdownIt("commonmark", {"html": False})

_CONTAINERS = {
    "bullet_list_open": "<ul>",
    "bullet_list_close": "</ul>",
    "ordered_list_open": "<ol>",
    "ordered_list_close": "</ol>",
    "list_item_open": "<li>",
    "list_item_close": "</li>",
    "blockquote_open": "<blockquote>",
    "blockquote_close": "</blockquote>",
    "hr": "<hr>",
}
_INLINE_TAGS = {"em_open": "em", "strong_open": "strong", "link_open": "a"}
_SAFE_HREF = re.compile(r"^(?:https?://|mailto:|#|/|\.{0,2}/|[^:/?#]+(?:[/?#]|$))", re.I)


def parse_markdown(body: str, title: str, first_line: int = 1) -> ArticleText:
    """Parse a Markdown body (front matter already removed) under a given title."""
    tokens = _md.parse(body.replace("\r\n", "\n"))
    pieces: list[Piece] = []
    pieces.append(("title", title, 0, "h1", (), "", ""))
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = 2 - min(levels) if levels else 0  # body headings start at h2 under the title's h1
    pending = ""
    for position, token in enumerate(tokens):
        if token.type in _CONTAINERS and (token.type.endswith("_open") or token.type == "hr"):
            opener = _CONTAINERS[token.type]
            if token.type == "ordered_list_open" and token.attrGet("start") not in (None, 1):
                opener = f'<ol start="{int(token.attrGet("start"))}">'
            pending += opener
        elif token.type in _CONTAINERS:
            if pieces:
                kind, text, line, tag, marks, before, after = pieces[-1]
                pieces[-1] = (kind, text, line, tag, marks, before, after + _CONTAINERS[token.type])
        elif token.type == "inline":
            opener_token = tokens[position - 1]
            text, marks = _inline_text(token)
            if not text.strip():
                continue
            line = first_line + (token.map[0] if token.map else 0)
            if opener_token.type == "heading_open":
                level = min(6, int(opener_token.tag[1]) + shift)
                pieces.append(("heading", text, line, f"h{level}", marks, pending, ""))
            else:
                tag = "" if opener_token.hidden else "p"
                pieces.append(("paragraph", text, line, tag, marks, pending, ""))
            pending = ""
        elif token.type in ("fence", "code_block") and token.content.strip():
            line = first_line + (token.map[0] if token.map else 0)
            content = token.content.rstrip("\n")
            pieces.append(("paragraph", content, line, "pre", (), pending, ""))
            pending = ""
    return _assemble(pieces, None, None, "markdown")


def _inline_text(token: Any) -> tuple[str, tuple[InlineMark, ...]]:
    """The plain text of an inline token and the formatting marks over it."""
    parts: list[str] = []
    marks: list[InlineMark] = []
    open_marks: list[tuple[str, int, str | None]] = []
    length = 0
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "html_inline"):
            parts.append(child.content)
            length += len(child.content)
        elif kind == "softbreak":
            parts.append("\n")
            length += 1
        elif kind == "hardbreak":
            marks.append(InlineMark(length, length, "br"))
            parts.append("\n")
            length += 1
        elif kind == "code_inline":
            marks.append(InlineMark(length, length + len(child.content), "code"))
            parts.append(child.content)
            length += len(child.content)
        elif kind == "image":
            alt = child.content or ""
            parts.append(alt)
            length += len(alt)
        elif kind in _INLINE_TAGS:
            href = child.attrGet("href") if kind == "link_open" else None
            if href is not None and not _SAFE_HREF.match(str(href)):
                href = None  # javascript:, data: and other schemes become plain text
            open_marks.append((_INLINE_TAGS[kind], length, href))
        elif kind.endswith("_close") and open_marks:
            tag, start, href = open_marks.pop()
            if tag != "a" or href is not None:
                marks.append(InlineMark(start, length, tag, href))  # type: ignore[arg-type]
    return "".join(parts), tuple(sorted(marks, key=lambda m: (m.start, -m.end, m.tag)))
