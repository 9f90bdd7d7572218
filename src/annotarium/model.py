"""The small typed values that flow between the pipeline's stages.

``load`` produces an :class:`Archive` (texts, registries and unanchored
annotations); ``anchor`` turns it into an :class:`AnchoredArchive` (every
annotation tied to a character range); ``link`` builds the cross-link graph
(:mod:`annotarium.link`); ``render`` and ``write`` make and store the pages.
All values are frozen: a stage never changes what an earlier stage produced.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from annotarium.dates import DateValue
from annotarium.diagnostics import Location
from annotarium.slotted import quick_pickling

ActorKind = Literal["person", "organisation", "government", "anonymous", "document"]
ACTOR_KINDS: tuple[ActorKind, ...] = (
    "person",
    "organisation",
    "government",
    "anonymous",
    "document",
)
QuoteKind = Literal["direct", "partial", "term"]
QUOTE_KINDS: tuple[QuoteKind, ...] = ("direct", "partial", "term")
EntityKind = Literal["actor", "place", "topic"]
AnnotationKind = Literal["quote", "actor", "place", "topic", "event", "note"]
Completeness = Literal["complete", "excerpt", "truncated", "assembled"]
COMPLETENESS: tuple[Completeness, ...] = ("complete", "excerpt", "truncated", "assembled")


# --- site configuration -------------------------------------------------------------


@dataclass(frozen=True)
class SiteConfig:
    """Settings from ``annotarium.yaml``; every field has a working default."""

    title: str = "Annotarium archive"
    description: str = ""
    base_url: str = ""  # absolute URL ending in '/', or '' when unknown
    language: str = "en"
    search: bool = True  # build the search index and page
    path: Path | None = None
    allow_html: bool = False  # markdown.allow_html: raw HTML in notes passes through
    page_size: int = 50  # entries per page of a long list (actor, place, topic, quotes pages)


# --- registries ------------------------------------------------------------------


@quick_pickling
@dataclass(frozen=True, slots=True)
class Affiliation:
    actor: str
    role: str | None
    location: Location


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: ActorKind
    description: str
    aliases: tuple[str, ...]
    affiliations: tuple[Affiliation, ...]
    location: Location
    source: str | None = None
    wikidata: str | None = None
    alias_locations: tuple[Location, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name and the aliases: every string searched for in the text."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    description: str
    aliases: tuple[str, ...]
    location: Location
    kind: str | None = None
    wikidata: str | None = None
    alias_locations: tuple[Location, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    description: str
    aliases: tuple[str, ...]
    location: Location
    alias_locations: tuple[Location, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: DateValue | None
    actors: tuple[str, ...]
    place: str | None
    topics: tuple[str, ...]
    description: str
    location: Location


# --- article texts -----------------------------------------------------------------


@quick_pickling
@dataclass(frozen=True, slots=True)
class InlineMark:
    """Formatting inside a block (from Markdown): emphasis, code, a link, a line break."""

    start: int  # offsets within the block's text
    end: int
    tag: Literal["em", "strong", "code", "a", "br"]
    href: str | None = None


@quick_pickling
@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article's text: the title, the caption, a heading, a paragraph.

    ``start``/``end`` are offsets in :attr:`ArticleText.text`, which ``source`` is (the
    very string, shared by the article's blocks: a block's words are not a second copy of
    the text). ``before`` and ``after`` hold the structural tags that wrap it (list and
    quote containers), produced by the loader from a fixed set of tags, never from input
    text.
    """

    kind: Literal["title", "caption", "heading", "paragraph"]
    start: int
    end: int
    source: str = field(repr=False)  # the whole text of the article
    tag: str = "p"  # 'p', 'h2'..'h6', or '' for a paragraph in a tight list item
    marks: tuple[InlineMark, ...] = ()
    before: str = ""
    after: str = ""
    source_line: int = 0  # line in the source file where the block starts (1-based)

    @property
    def text(self) -> str:
        """The block's words: ``source[start:end]``."""
        return self.source[self.start:self.end]


@quick_pickling
@dataclass(frozen=True, slots=True)
class Masthead:
    raw: str
    name: str
    tagline: str | None


@dataclass(frozen=True)
class ArticleText:
    """An article's text as annotations see it: title, caption and body, joined by blank lines."""

    text: str
    blocks: tuple[Block, ...]
    masthead: Masthead | None = None
    caption_credit: str | None = None
    source_format: Literal["text", "markdown"] = "text"

    @property
    def title_block(self) -> Block | None:
        return next((b for b in self.blocks if b.kind == "title"), None)

    @property
    def caption_block(self) -> Block | None:
        return next((b for b in self.blocks if b.kind == "caption"), None)

    @property
    def body_blocks(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind in ("heading", "paragraph"))

    @functools.cached_property
    def _block_starts(self) -> list[int]:
        return [block.start for block in self.blocks]

    def block_at(self, offset: int) -> Block | None:
        """The block that holds ``offset`` (None between blocks)."""
        index = bisect.bisect_right(self._block_starts, offset) - 1
        if index < 0:
            return None
        block = self.blocks[index]
        if block.start <= offset < block.end or block.start == offset == block.end:
            return block
        return None


@quick_pickling
@dataclass(frozen=True, slots=True)
class PublishedDate:
    date: dt.date
    inferred: bool = False
    reasoning: str | None = None


@quick_pickling
@dataclass(frozen=True, slots=True)
class ArticleMeta:
    title: str
    publication: str | None
    published: PublishedDate | None
    authors: tuple[str, ...]
    url: str | None
    summary: str | None
    topics: tuple[str, ...]
    actors: tuple[str, ...]
    places: tuple[str, ...]
    provenance: str | None = None
    rights: str | None = None
    completeness: Completeness = "complete"
    language: str | None = None


# --- annotations -------------------------------------------------------------------


@quick_pickling
@dataclass(frozen=True, slots=True)
class Selector:
    """Which words an annotation is about, like a W3C TextQuoteSelector plus an occurrence."""

    exact: str
    prefix: str | None = None
    suffix: str | None = None
    occurrence: int | None = None


# The keys of an annotation's YAML item, which :func:`positions` writes as their index
# here (small ints are shared objects; a key string would be a copy in every annotation).
FIELD_KEYS: tuple[str, ...] = (
    "id", "text", "prefix", "suffix", "occurrence", "draft", "speaker", "kind", "context",
    "note", "cites", "actor", "place", "topic", "date", "approximate", "event", "relative",
    "body",
)
_FIELD_INDEX = {key: index for index, key in enumerate(FIELD_KEYS)}


def positions(found: Iterable[tuple[str, int, int]]) -> tuple[int | str, ...]:
    """(key, line, col) of each value of an annotation's item, flattened into one tuple,
    each key that :data:`FIELD_KEYS` lists as its index there: what
    :attr:`Annotation.field_positions` holds."""
    return tuple(part for key, line, col in found
                 for part in (_FIELD_INDEX.get(key, str(key)), line, col))


@quick_pickling
@dataclass(frozen=True, slots=True)
class Annotation:
    """Fields every annotation has. ``kind`` is the markup contract's ``data-annotation``."""

    id: str
    selector: Selector
    location: Location  # the YAML item (or alias) it came from
    draft: bool = False
    # key, line, col of each value, one after the other (see positions())
    field_positions: tuple[int | str, ...] = ()

    def where(self, key: str) -> Location:
        """Where the value of ``key`` was written, else where the annotation starts."""
        wanted = _FIELD_INDEX.get(key, key)
        found = self.field_positions
        for index in range(0, len(found), 3):
            if found[index] == wanted:
                return Location(self.location.path, found[index + 1], found[index + 2])  # type: ignore[arg-type]
        return self.location

    kind: AnnotationKind = field(init=False, default="note")


@quick_pickling
@dataclass(frozen=True, slots=True)
class Quote(Annotation):
    speaker: str | None = None  # actor id; None for a term
    quote_kind: QuoteKind = "direct"
    context: str | None = None
    note: str | None = None  # Markdown
    cites: str | None = None  # "article-slug" or "article-slug#annotation-id"

    kind: AnnotationKind = field(init=False, default="quote")


@quick_pickling
@dataclass(frozen=True, slots=True)
class Mention(Annotation):
    """A span that names an actor, place or topic; ``auto`` when found by an alias."""

    entity: EntityKind = "actor"
    ref: str = ""
    auto: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", self.entity)


@quick_pickling
@dataclass(frozen=True, slots=True)
class DateRef(Annotation):
    date: DateValue | None = None
    event: str | None = None
    relative: bool = False
    note: str | None = None

    kind: AnnotationKind = field(init=False, default="event")


@quick_pickling
@dataclass(frozen=True, slots=True)
class Note(Annotation):
    body: str = ""  # Markdown

    kind: AnnotationKind = field(init=False, default="note")


@quick_pickling
@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    meta: ArticleMeta
    text: ArticleText
    annotations: tuple[Annotation, ...]
    source_path: Path  # the article text
    annotation_path: Path  # its annotation file


@dataclass(frozen=True)
class Archive:
    """Everything ``load`` read, before anchoring."""

    root: Path
    config: SiteConfig
    actors: dict[str, Actor]
    places: dict[str, Place]
    topics: dict[str, Topic]
    events: dict[str, Event]
    articles: tuple[Article, ...]
    template_dirs: tuple[Path, ...] = ()


# --- after anchoring ---------------------------------------------------------------


@quick_pickling
@dataclass(frozen=True, slots=True)
class Reanchor:
    """How an annotation was found again after its article's text changed.

    ``text``, ``prefix`` and ``suffix`` are what the annotation file should now
    say (``annotarium check --fix`` writes them); ``score`` is the match's score.
    """

    text: str
    prefix: str | None
    suffix: str | None
    score: float


@quick_pickling
@dataclass(frozen=True, slots=True)
class Span:
    """An annotation tied to ``text[start:end]`` of its article."""

    annotation: Annotation
    start: int
    end: int
    reanchored: Reanchor | None = None  # set when the words were found only by re-anchoring

    @property
    def length(self) -> int:
        return self.end - self.start


@quick_pickling
@dataclass(frozen=True, slots=True)
class AnchoredArticle:
    article: Article
    spans: tuple[Span, ...]  # sorted by (start, -end)

    @property
    def slug(self) -> str:
        return self.article.slug


@dataclass(frozen=True)
class AnchoredArchive:
    archive: Archive
    articles: tuple[AnchoredArticle, ...]
