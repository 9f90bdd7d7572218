"""Article bodies as HTML, with every annotation inline.

One general function, :func:`nest`, renders a block's text with a set of
intervals (annotations and the block's own formatting marks) into properly
nested HTML. Intervals that share a start open outermost-first (longest first,
then by :data:`RANK`); when an element closes while elements opened after it
are still open, those are closed with it and reopened just after, so partial
overlaps become two pieces. Only the first piece of an element carries its
``id``, so ids stay unique however often an element is split.

Links never nest: an element that would be a link inside another link (a
mention inside a Markdown link, a date inside a mention) becomes a ``<span>``
(or loses its inner ``<a>``), and the little things shown after an annotation
(a note's numbered marker, a quote's speaker) wait until no link is open.

Built in Python with a plain string escape, not with a template per span:
a body with a thousand spans costs a thousand string joins, nothing more.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from annotarium.markdown import ROOT, LinkTargets, NoteRenderer, resolve_href, site_path
from annotarium.model import (
    Actor,
    AnchoredArticle,
    Annotation,
    Block,
    DateRef,
    Event,
    InlineMark,
    Mention,
    Note,
    Place,
    Quote,
    Topic,
)

#: For intervals with the same start and end: which is outermost (lowest first).
RANK: dict[str, int] = {
    "note": 0,
    "quote": 1,
    "event": 2,
    "actor": 3,
    "place": 3,
    "topic": 3,
    "a": 4,
    "strong": 5,
    "em": 6,
    "code": 7,
}

ENTITY_DIRS = {"actor": "actors", "place": "places", "topic": "topics"}


def _escape(text: str) -> str:
    """HTML-escape text or an attribute value (as markupsafe does, without making Markup)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&#34;")
    if "'" in text:
        text = text.replace("'", "&#39;")
    return text


@dataclass(frozen=True)
class InlineContext:
    """What the article renderer needs to know about the rest of the archive."""

    root: str  # the path from the page to the site root: "../../" for an article
    actors: Mapping[str, Actor]
    places: Mapping[str, Place]
    topics: Mapping[str, Topic]
    events: Mapping[str, Event]
    notes: NoteRenderer


@dataclass(frozen=True)
class RenderedNote:
    """One numbered note: the span it belongs to and its body."""

    number: int
    annotation_id: str
    body: Markup

    @property
    def body_id(self) -> str:
        return note_body_id(self.annotation_id)

    @property
    def ref_id(self) -> str:
        return note_ref_id(self.annotation_id)


@dataclass(frozen=True)
class ArticleBody:
    """An article's text as HTML: the headline, the caption and the body blocks.

    ``title`` and ``caption`` are inline HTML (for ``<h1>`` and ``<figcaption>``);
    ``title_notes`` and ``caption_notes`` are the ``<aside>`` of their notes, or
    empty; ``body`` is the block HTML of everything else.
    """

    title: Markup | None
    title_notes: Markup
    caption: Markup | None
    caption_notes: Markup
    body: Markup
    notes: tuple[RenderedNote, ...]
    kinds: frozenset[str]  # "actor", "quote", "term", ... the marks present


def note_body_id(annotation_id: str) -> str:
    """The id of a note's body. Annotation ids are slugs (no ``--``), so no clash."""
    return f"{annotation_id}--note"


def note_ref_id(annotation_id: str) -> str:
    """The id of a note's numbered marker in the text."""
    return f"{annotation_id}--ref"


# --- the general nesting renderer -------------------------------------------------


class Element:
    """Something rendered around a run of text; subclasses say how."""

    rank = 9

    def open(self, first: bool, in_link: bool) -> tuple[str, str, bool]:
        """The opening and closing HTML of one piece, and whether it opens a link.

        ``first`` is true for the first piece only (it carries the ``id``);
        ``in_link`` is true when a link is already open around it.
        """
        raise NotImplementedError

    def trailer(self) -> str:
        """HTML shown once after the element's last piece, outside any link."""
        return ""


@dataclass(eq=False)
class Interval:
    """An element over ``text[start:end]`` of one block; ``last`` if it ends in this block."""

    start: int
    end: int
    element: Element
    last: bool = True
    order: int = 0  # tie-breaker: the order the intervals were given in


@dataclass(eq=False)
class _Open:
    interval: Interval
    close: str
    link: bool


def nest(text: str, intervals: Iterable[Interval], started: set[int] | None = None) -> str:
    """Render ``text`` with ``intervals`` as properly nested HTML.

    ``started`` holds ``id()`` of elements whose first piece was already written
    (an element clipped to several blocks keeps its id in the first); pass the
    same set for every block of a page.
    """
    started = set() if started is None else started
    size = len(text)
    starts: dict[int, list[Interval]] = {}
    points: dict[int, list[Interval]] = {}
    boundaries = {0, size}
    for order, interval in enumerate(intervals):
        interval.order = order
        interval.start = max(0, min(interval.start, size))
        interval.end = max(interval.start, min(interval.end, size))
        if interval.start == interval.end:
            points.setdefault(interval.start, []).append(interval)
        else:
            starts.setdefault(interval.start, []).append(interval)
            boundaries.add(interval.end)
        boundaries.add(interval.start)

    out: list[str] = []
    stack: list[_Open] = []
    pending: list[str] = []  # trailers waiting for the enclosing link to close
    last = 0
    for pos in sorted(boundaries):
        if pos > last:
            out.append(_escape(text[last:pos]))
            last = pos
        closing_at = None
        for index, entry in enumerate(stack):
            if entry.interval.end <= pos:
                closing_at = index
                break
        if closing_at is not None:
            closing = stack[closing_at:]
            del stack[closing_at:]
            for depth in range(len(closing) - 1, -1, -1):
                entry = closing[depth]
                out.append(entry.close)
                interval = entry.interval
                if interval.end <= pos and interval.last:
                    trailer = interval.element.trailer()
                    if trailer and (_any_link(stack) or _any_link(closing[:depth])):
                        pending.append(trailer)
                    elif trailer:
                        out.extend(pending)
                        pending.clear()
                        out.append(trailer)
            if pending and not _any_link(stack):
                out.extend(pending)
                pending.clear()
            for entry in closing:
                if entry.interval.end > pos:
                    _push(stack, out, entry.interval, first=False)
        for interval in points.get(pos, ()):
            opening, closing_html, _ = interval.element.open(
                id(interval.element) not in started, _any_link(stack)
            )
            started.add(id(interval.element))
            out.append(opening + closing_html)
        opening_here = starts.get(pos)
        if opening_here is None:
            continue
        if len(opening_here) > 1:
            opening_here.sort(key=lambda i: (-i.end, i.element.rank, i.order))
        for interval in opening_here:
            first = id(interval.element) not in started
            started.add(id(interval.element))
            _push(stack, out, interval, first=first)
    out.extend(pending)
    return "".join(out)


def _any_link(stack: Sequence[_Open]) -> bool:
    return any(entry.link for entry in stack)


def _push(stack: list[_Open], out: list[str], interval: Interval, first: bool) -> None:
    element = interval.element
    opening, closing, link = element.open(first, _any_link(stack))
    out.append(opening)
    if first and isinstance(element, _Annotated) and element.annotation.draft:
        out.append(DRAFT_LABEL)  # a draft says so to screen readers, not only by its outline
    stack.append(_Open(interval, closing, link))


# --- elements ------------------------------------------------------------------------


class _FormatMark(Element):
    """Emphasis, strong, code, a line break or a link from a Markdown article."""

    def __init__(self, mark: InlineMark, href: str | None) -> None:
        self.tag = mark.tag
        self.href = href
        self.rank = RANK.get(mark.tag, 8)

    def open(self, first: bool, in_link: bool) -> tuple[str, str, bool]:
        if self.tag == "br":
            return "<br>", "", False
        if self.tag == "a":
            if self.href is None or in_link:
                return '<span class="link-text">', "</span>", False
            external = "" if self.href.startswith(("#", "../", "./")) else ' class="external"'
            return f'<a href="{_escape(self.href)}"{external}>', "</a>", True
        return f"<{self.tag}>", f"</{self.tag}>", False


DRAFT_LABEL = '<span class="visually-hidden">(draft annotation) </span>'


class _Annotated(Element):
    """The parts every annotation element shares: id, data-annotation, classes, notes.

    Subclasses set their own fields, then call ``super().__init__``, which asks
    :meth:`css` and :meth:`extra` once: the attributes are built once per element.
    """

    def __init__(self, annotation: Annotation, state: _ArticleState) -> None:
        self.annotation = annotation
        self.state = state
        self.rank = RANK[annotation.kind]
        css = f"mark mark-{annotation.kind}{' mark-draft' if annotation.draft else ''}{self.css()}"
        draft = ' data-draft="true"' if annotation.draft else ""
        common = f'data-annotation="{annotation.kind}"{draft}{self.extra()}'
        self._first = f' id="{_escape(annotation.id)}" class="{css}" {common}'
        self._later = f' class="{css} mark-continued" {common}'

    def css(self) -> str:
        """Classes beyond ``mark mark-<kind>``, each with a leading space."""
        return ""

    def extra(self) -> str:
        """Attributes beyond id, class and data-annotation, each with a leading space."""
        return ""

    def attrs(self, first: bool) -> str:
        return self._first if first else self._later

    def note_marker(self, body: str | None) -> str:
        """The numbered link to a note body, registering the note in the current block."""
        if not body:
            return ""
        number = self.state.add_note(self.annotation.id, body)
        ident = _escape(self.annotation.id)
        return (
            f'<sup class="note-ref"><a href="#{note_body_id(ident)}" '
            f'id="{note_ref_id(ident)}" role="doc-noteref" '
            f'aria-label="Note {number}">{number}</a></sup>'
        )


class _MentionElement(_Annotated):
    def __init__(self, mention: Mention, state: _ArticleState, name: str | None) -> None:
        self.mention = mention
        self.name = name
        super().__init__(mention, state)
        self.href = _escape(
            f"{state.ctx.root}{ENTITY_DIRS[mention.entity]}/{mention.ref}/index.html")

    def css(self) -> str:
        return " mark-auto" if self.mention.auto else ""

    def extra(self) -> str:
        title = f' title="{_escape(self.name)}"' if self.name is not None else ""
        return f' data-ref="{_escape(self.mention.ref)}"{title}'

    def open(self, first: bool, in_link: bool) -> tuple[str, str, bool]:
        if self.name is None or in_link:
            return f"<span{self.attrs(first)}>", "</span>", False
        return f'<a href="{self.href}"{self.attrs(first)}>', "</a>", True


class _QuoteElement(_Annotated):
    def __init__(self, quote: Quote, state: _ArticleState) -> None:
        self.quote = quote
        super().__init__(quote, state)

    def css(self) -> str:
        return f" quote-{self.quote.quote_kind}"

    def extra(self) -> str:
        speaker = self.quote.speaker if self.quote.quote_kind != "term" else None
        return f' data-speaker="{_escape(speaker)}"' if speaker else ""

    def open(self, first: bool, in_link: bool) -> tuple[str, str, bool]:
        return f"<span{self.attrs(first)}>", "</span>", False

    def trailer(self) -> str:
        quote, ctx = self.quote, self.state.ctx
        parts: list[str] = []
        actor = ctx.actors.get(quote.speaker) if quote.speaker else None
        if actor is not None and quote.quote_kind != "term":
            href = f"{ctx.root}actors/{actor.id}/index.html"
            parts.append(
                f'<sup class="speaker"><a href="{_escape(href)}" '
                f'aria-describedby="{_escape(quote.id)}">'
                f'<span class="visually-hidden">quoted: </span>'
                f"{_escape(actor.name)}</a></sup>"
            )
        if quote.cites:
            target = site_path(f"article:{quote.cites}", self.state.targets)
            if target is not None:
                path, fragment = target
                href = ctx.root + path + (f"#{fragment}" if fragment else "")
                parts.append(
                    f'<sup class="cites"><a href="{_escape(href)}">'
                    f'<span class="visually-hidden">quoted </span>source</a></sup>'
                )
        parts.append(self.note_marker(quote.note))
        return "".join(parts)


class _EventElement(_Annotated):
    def __init__(self, ref: DateRef, state: _ArticleState) -> None:
        self.ref = ref
        event = state.ctx.events.get(ref.event) if ref.event else None
        self.event = event
        self.date = ref.date or (event.date if event else None)
        super().__init__(ref, state)

    def extra(self) -> str:
        if self.event is None:
            return ""
        return (f' data-event="{_escape(self.event.id)}"'
                f' title="{_escape(self.event.title)}"')

    def open(self, first: bool, in_link: bool) -> tuple[str, str, bool]:
        opening, closing = f"<span{self.attrs(first)}>", "</span>"
        link = self.event is not None and not in_link
        if link:
            assert self.event is not None
            href = f"{self.state.ctx.root}timeline/index.html#event-{self.event.id}"
            opening += f'<a href="{_escape(href)}">'
            closing = "</a>" + closing
        if self.date is not None:
            opening += f'<time datetime="{_escape(self.date.machine)}">'
            closing = "</time>" + closing
        return opening, closing, link

    def trailer(self) -> str:
        return self.note_marker(self.ref.note)


class _NoteElement(_Annotated):
    def __init__(self, note: Note, state: _ArticleState) -> None:
        self.note = note
        super().__init__(note, state)

    def open(self, first: bool, in_link: bool) -> tuple[str, str, bool]:
        return f"<span{self.attrs(first)}>", "</span>", False

    def trailer(self) -> str:
        return self.note_marker(self.note.body or " ")


# --- whole articles -----------------------------------------------------------------


@dataclass(eq=False)
class _ArticleState:
    ctx: InlineContext
    targets: LinkTargets  # for quotes' ``cites`` and links in Markdown texts
    notes: list[RenderedNote] = field(default_factory=list)
    block_notes: list[RenderedNote] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)

    def add_note(self, annotation_id: str, body: str) -> int:
        number = len(self.notes) + 1
        note = RenderedNote(number, annotation_id, self.ctx.notes.render(body, self.ctx.root))
        self.notes.append(note)
        self.block_notes.append(note)
        return number


def _element(annotation: Annotation, state: _ArticleState) -> Element | None:
    ctx = state.ctx
    if isinstance(annotation, Mention):
        registry: Mapping[str, Actor | Place | Topic] = {
            "actor": ctx.actors,
            "place": ctx.places,
            "topic": ctx.topics,
        }[annotation.entity]
        entity = registry.get(annotation.ref)
        state.kinds.add(annotation.entity)
        return _MentionElement(annotation, state, entity.name if entity else None)
    if isinstance(annotation, Quote):
        state.kinds.add("term" if annotation.quote_kind == "term" else "quote")
        if annotation.note:
            state.kinds.add("note")
        return _QuoteElement(annotation, state)
    if isinstance(annotation, DateRef):
        state.kinds.add("event")
        if annotation.note:
            state.kinds.add("note")
        return _EventElement(annotation, state)
    if isinstance(annotation, Note):
        state.kinds.add("note")
        return _NoteElement(annotation, state)
    return None


def render_article_body(
    article: AnchoredArticle, ctx: InlineContext, targets: LinkTargets
) -> ArticleBody:
    """Render an anchored article's headline, caption and body with every span inline.

    ``targets`` is the :class:`~annotarium.markdown.LinkTargets` of the archive,
    used for links in Markdown texts and quotes' ``cites``.
    """
    state = _ArticleState(ctx, targets)
    blocks = article.article.text.blocks
    per_block = _spans_per_block(article, blocks, state)
    started: set[int] = set()
    title: Markup | None = None
    title_notes = caption_notes = Markup("")
    caption: Markup | None = None
    body: list[tuple[Block, Markup, Markup]] = []
    for block, intervals in zip(blocks, per_block, strict=True):
        for mark in block.marks:
            href = resolve_href(mark.href, targets) if mark.href else None
            if href is not None:
                href = href.replace(ROOT, ctx.root)
            intervals.append(Interval(mark.start, mark.end, _FormatMark(mark, href)))
        state.block_notes = []
        inner = Markup(nest(block.text, intervals, started))
        notes = _aside(state.block_notes)
        if block.kind == "title":
            title, title_notes = inner, notes
        elif block.kind == "caption":
            caption, caption_notes = inner, notes
        else:
            body.append((block, inner, notes))
    return ArticleBody(
        title,
        title_notes,
        caption,
        caption_notes,
        Markup(_assemble(body)),
        tuple(state.notes),
        frozenset(state.kinds),
    )


def _spans_per_block(
    article: AnchoredArticle, blocks: Sequence[Block], state: _ArticleState
) -> list[list[Interval]]:
    """Each block's intervals, in block-relative offsets; spans crossing blocks are clipped."""
    result: list[list[Interval]] = [[] for _ in blocks]
    block_starts = [block.start for block in blocks]
    for span in article.spans:
        element = _element(span.annotation, state)
        if element is None or span.end <= span.start:
            continue
        index = max(0, bisect.bisect_right(block_starts, span.start) - 1)
        while index < len(blocks) and blocks[index].start < span.end:
            block = blocks[index]
            start, end = max(span.start, block.start), min(span.end, block.end)
            if start < end:
                last = (
                    span.end <= block.end
                    or index + 1 == len(blocks)
                    or blocks[index + 1].start >= span.end
                )
                result[index].append(
                    Interval(start - block.start, end - block.start, element, last=last)
                )
            index += 1
    return result


def _aside(notes: Sequence[RenderedNote]) -> Markup:
    """The notes whose markers are in one block, as a numbered list in an aside."""
    if not notes:
        return Markup("")
    first, last = notes[0].number, notes[-1].number
    label = f"Note {first}" if first == last else f"Notes {first}–{last}"
    items = "".join(
        f'<li id="{note.body_id}"><div class="note-body">{note.body}</div>'
        f'<a class="note-back" href="#{note.ref_id}" '
        f'aria-label="Back to the text of note {note.number}">↩</a></li>'
        for note in notes
    )
    return Markup(
        f'<aside class="notes" aria-label="{label}"><ol start="{first}">{items}</ol></aside>'
    )


def _assemble(blocks: Sequence[tuple[Block, Markup, Markup]]) -> str:
    """The body's HTML: each block in its containers; a block with notes starts a run.

    A run is the block with notes and the note-less blocks after it in the same
    container, wrapped in ``<div class="block has-notes" style="--rows: N">``
    with the notes' ``<aside>`` right after the first block. On wide screens the
    run is a grid whose margin column lets the notes run down beside all N
    blocks instead of pushing the next paragraph down; on narrow screens and in
    print the notes simply follow their paragraph, like footnotes.
    """
    out: list[str] = []
    index = 0
    while index < len(blocks):
        block, inner, notes = blocks[index]
        if not notes:
            out.extend((block.before, _block_html(block, inner), block.after))
            index += 1
            continue
        run = [(block, inner)]
        index += 1
        while (index < len(blocks) and not blocks[index][2] and not run[-1][0].after
               and not blocks[index][0].before):
            run.append(blocks[index][:2])
            index += 1
        out.append(block.before)
        out.append(f'<div class="block has-notes" style="--rows: {len(run)}">')
        out.append(_block_html(block, inner, wrap=True))
        out.append(notes)
        out.extend(_block_html(b, i, wrap=True) for b, i in run[1:])
        out.append("</div>")
        out.append(run[-1][0].after)
    return "".join(out)


def _block_html(block: Block, inner: Markup, wrap: bool = False) -> str:
    """One block's element; ``wrap`` gives a tight list item's bare text an element too."""
    tag = block.tag if block.tag in ("p", "pre", "h2", "h3", "h4", "h5", "h6") else ""
    if block.kind == "heading" and not tag:
        tag = "h2"
    if tag:
        return f"<{tag}>{inner}</{tag}>"
    return f'<div class="block-text">{inner}</div>' if wrap else str(inner)
