"""Making the data exports, reusing what the previous build made from the same inputs.

Every export file is laid out as a sequence of *fixed* parts (cheap to make: the
header row of a table, the first members of ``archive.json``) and *pieces*,
each with a key that digests everything it is made from:

* an article's share of a file (its entry and annotations in ``archive.json``, its
  rows of ``quotes.csv`` and ``mentions.csv``, its Web Annotations) is keyed by the
  article's inputs (the digest of its memo key: annotation file, text, the registry
  names it was anchored with, the tool version; see :mod:`annotarium.memo`) and by
  what the share shows of the rest of the archive (actor, place and topic names and
  Wikidata ids, the base URL, the language);
* the archive-wide part (actors, places, topics and events with what refers to
  them, and the files made only of those: ``actors.csv``, ``events.csv``, the
  GraphML network, the calendar) is keyed by the registries, the site settings and,
  of every article, only what the link stage reads to cross-reference it (which
  entities, speakers and events its annotations name, under which ids, what it
  lists, when it was published): an edit to a note's words leaves it as it was.

A piece whose key the previous build's file holds is not made: the index recorded
its place in that file and a digest of its bytes. The others are made. A file's
own key digests its fixed parts and its pieces' bytes digests; when it is the key
the previous build recorded, the file is carried over as it is (a note edit gives
the same ``quotes.csv``). Otherwise the file is assembled, copying the recorded
pieces from the previous file. So after a one-note edit one article's pieces are
made, two files are assembled from the previous ones and the rest is kept.

The index (``.annotarium-exports.json`` inside the output, swapped in with the files
it describes; ``annotarium serve`` also keeps it in memory) records each file's key,
size, CRC-32 and the offset and length of every piece, under a BLAKE2 digest of the
whole. An index that does not parse, is from another version or does not match its
digest is ignored, and so is a previous file whose size or
CRC-32 is not the recorded one: its pieces are then made again. The result is
byte-identical to a clean build either way.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotarium import __version__
from annotarium.export import (
    ARCHIVE_LISTS,
    ExportFile,
    article_records,
    collector_paused,
    head_data,
    json_members,
    registry_data,
    site_base,
)
from annotarium.link import LinkedArchive
from annotarium.model import AnchoredArticle, DateRef, Mention, Quote

INDEX_FILE = ".annotarium-exports.json"
FORMAT = 1
MAX_INDEX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class FileIndex:
    """Where each piece of one export file lies in it, and how to know the file again."""

    key: str
    size: int
    crc: int  # zlib.crc32 of the whole file
    pieces: dict[str, tuple[int, int, str]]  # piece key -> (offset, length, bytes digest)


@dataclass(frozen=True)
class ExportIndex:
    version: str
    files: dict[str, FileIndex]
    shapes: dict[str, str] = field(default_factory=dict)  # article key -> link shape digest

    def to_json(self) -> bytes:
        """A JSON header line (format, version, a BLAKE2 digest of the rest), then the
        files and shapes as JSON: the digest tells a damaged or edited index."""
        body = json.dumps({
            "files": {path: {"key": entry.key, "size": entry.size, "crc": entry.crc,
                             "pieces": [[key, *where] for key, where in entry.pieces.items()]}
                      for path, entry in sorted(self.files.items())},
            "shapes": dict(sorted(self.shapes.items())),
        }, separators=(",", ":")).encode("utf-8")
        head = {"format": FORMAT, "version": self.version,
                "digest": hashlib.blake2b(body, digest_size=32).hexdigest()}
        return json.dumps(head, separators=(",", ":")).encode("utf-8") + b"\n" + body


def read_index(output: Path, version: str = __version__) -> ExportIndex | None:
    """The previous build's export index, or None when it is missing, damaged or stale."""
    path = output / INDEX_FILE
    try:
        info = path.stat(follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_INDEX_BYTES:
            return None
        head, _, body = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        if header["format"] != FORMAT or header["version"] != version or \
                header["digest"] != hashlib.blake2b(body, digest_size=32).hexdigest():
            return None
        data = json.loads(body)
        files = {}
        for name, entry in data["files"].items():
            size = entry["size"]
            pieces = {}
            for key, offset, length, digest in entry["pieces"]:
                if not (isinstance(key, str) and isinstance(offset, int)
                        and isinstance(length, int) and offset >= 0
                        and length >= 0 and offset + length <= size
                        and isinstance(digest, str)):
                    return None
                pieces[key] = (offset, length, digest)
            if not (isinstance(name, str) and isinstance(entry["key"], str)
                    and isinstance(size, int) and isinstance(entry["crc"], int)):
                return None
            files[name] = FileIndex(entry["key"], size, entry["crc"], pieces)
        shapes = data["shapes"]
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in shapes.items()):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return ExportIndex(version, files, shapes)


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


# A file's plan: fixed bytes, single pieces, and lists of pieces joined like JSON array
# items (``[\n`` a ``,\n`` b ``\n]``, empty ones left out).
Maker = Callable[[], bytes]


@dataclass(frozen=True)
class Piece:
    key: str | None  # None: unknown inputs, always made
    make: Maker


@dataclass(frozen=True)
class Listing:
    pieces: tuple[Piece, ...]
    open: bytes = b"[\n"
    separator: bytes = b",\n"
    close: bytes = b"\n]"
    empty: bytes = b"[]"


Part = bytes | Piece | Listing


def _bytes_digest(data: bytes | memoryview) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class _Blank:
    """Stands for ``size`` bytes of the previous file when only the layout is wanted."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size


class _Assembly:
    """One file from its plan: each piece's bytes digest (recorded for a piece whose key the
    previous file holds, else from the piece made now), the file's key (a digest of its
    fixed parts and of its pieces' bytes digests), and, when asked, its bytes."""

    def __init__(self, path: str, plan: Sequence[Part],
                 known: Mapping[str, tuple[int, int, str]]) -> None:
        self.plan = plan
        self.known = known
        self.made: dict[int, bytes] = {}  # piece (by id) -> bytes made now
        self.digests: dict[int, str] = {}
        digest = hashlib.blake2b(path.encode() + b"\0" + __version__.encode(), digest_size=16)
        for part in plan:
            if isinstance(part, bytes):
                digest.update(b"F%d:" % len(part) + part)
                continue
            if isinstance(part, Listing):
                digest.update(b"L" + part.open + part.separator + part.close + part.empty)
            for piece in (part.pieces if isinstance(part, Listing) else (part,)):
                recorded = self.known.get(piece.key) if piece.key is not None else None
                if recorded is not None:
                    found = recorded[2]
                else:
                    data = self.made[id(piece)] = piece.make()
                    found = _bytes_digest(data)
                self.digests[id(piece)] = found
                digest.update(b"P" + found.encode())
        self.key = digest.hexdigest()

    def needs_old(self) -> bool:
        """Whether any piece is to be copied from the previous file."""
        return len(self.made) < len(self.digests)

    def assemble(self, old: bytes | None, layout: bool = False
                 ) -> tuple[bytes, dict[str, tuple[int, int, str]]]:
        """The file's bytes and where its pieces lie; ``old`` is the previous file (None
        when it is missing or not the one the index describes: pieces are made again).
        With ``layout``, only where the pieces lie (for a file carried over)."""
        view = memoryview(old) if old is not None else None
        chunks: list[bytes | memoryview] = []
        size = 0
        where: dict[str, tuple[int, int, str]] = {}

        def content(piece: Piece) -> bytes | memoryview:
            made = self.made.get(id(piece))
            if made is not None:
                return made
            recorded = self.known[piece.key]  # type: ignore[index]
            if layout:
                return _Blank(recorded[1])  # type: ignore[return-value]
            if view is not None:
                return view[recorded[0]:recorded[0] + recorded[1]]
            return piece.make()

        def add(chunk: bytes | memoryview, piece: Piece | None = None) -> None:
            nonlocal size
            if piece is not None and piece.key is not None:
                where[piece.key] = (size, len(chunk), self.digests[id(piece)])
            chunks.append(chunk)
            size += len(chunk)

        for part in self.plan:
            if isinstance(part, bytes):
                add(part)
            elif isinstance(part, Piece):
                add(content(part), part)
            else:
                items = [(piece, content(piece)) for piece in part.pieces]
                nonempty = [item for item in items if len(item[1])]
                add(part.open if nonempty else part.empty)
                for index, (piece, data) in enumerate(nonempty):
                    if index:
                        add(part.separator)
                    add(data, piece)
                for piece, data in items:  # empty pieces: recorded, where they would be
                    if not len(data) and piece.key is not None:
                        where[piece.key] = (0, 0, self.digests[id(piece)])
                if nonempty:
                    add(part.close)
        return b"" if layout else b"".join(chunks), where


class ExportRun:
    """The export files of one build, made from its linked archive; with the previous
    build's index (and its files, through ``previous_file``), reusing what it can.

    ``article_inputs`` maps slugs to the digests of their articles' inputs (as for
    the pages; an article without one has its pieces made every time), and
    ``previous_digests`` the digests the previous build's cache recorded (a file is
    carried over only when both it and the index say the file is the same). After
    :meth:`files` is exhausted, :attr:`index` describes the files made."""

    def __init__(self, linked: LinkedArchive, base_url: str = "",
                 article_inputs: Mapping[str, str] | None = None,
                 previous: ExportIndex | None = None,
                 previous_file: Callable[[str], bytes | None] | None = None,
                 previous_digests: Mapping[str, str] | None = None,
                 registry_files: str = "") -> None:
        self.linked = linked
        self.base = site_base(base_url)
        archive = linked.archive
        self.inputs = article_inputs or {}
        self.previous = previous if previous is not None and previous.version == __version__ \
            else None
        self.previous_file = previous_file
        self.previous_digests = previous_digests or {}
        self.registry_files = registry_files
        self.articles: list[AnchoredArticle] = sorted(linked.anchored.articles,
                                                      key=lambda a: a.slug)
        self.names = {ident: actor.name for ident, actor in archive.actors.items()}
        self.entity_names = {
            (kind, ident): entry.name
            for kind, table in (("actor", archive.actors), ("place", archive.places),
                                ("topic", archive.topics))
            for ident, entry in table.items()}
        self.wikidata: dict[tuple[str, str], str | None] = {
            **{("actor", i): a.wikidata for i, a in archive.actors.items()},
            **{("place", i): p.wikidata for i, p in archive.places.items()},
            **{("topic", i): None for i in archive.topics}}
        self.language = archive.config.language
        salt = _digest("article share", __version__, self.base, self.language,
                       sorted(self.entity_names.items()), sorted(self.wikidata.items()))
        self.share_keys: dict[str, str | None] = {
            a.slug: _digest(salt, a.slug, self.inputs[a.slug]) if a.slug in self.inputs
            else None for a in self.articles}
        self.head = head_data(linked, self.base)
        self._registry_key: str | None = None
        self._records: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        self._registry: dict[str, Any] | None = None
        self.shapes: dict[str, str] = {}
        self.index = ExportIndex(__version__, {})
        self.made: dict[str, int] = {}  # path -> pieces made (not copied), for tests

    # --- what the pieces are made from ---

    def records(self, article: AnchoredArticle) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        found = self._records.get(article.slug)
        if found is None:
            found = self._records[article.slug] = article_records(article)
        return found

    def registry(self) -> dict[str, Any]:
        if self._registry is None:
            self._registry = {**self.head, **registry_data(self.linked)}
        return self._registry

    def registry_key(self) -> str:
        """What the archive-wide part is made from (see the module's description)."""
        if self._registry_key is None:
            archive = self.linked.archive
            registries = self.registry_files or (
                sorted(archive.actors.items()), sorted(archive.places.items()),
                sorted(archive.topics.items()), sorted(archive.events.items()))
            digest = hashlib.blake2b(repr((__version__, self.head, registries)).encode(),
                                     digest_size=16)
            known = self.previous.shapes if self.previous is not None else {}
            for article in self.articles:
                key = self.share_keys[article.slug]
                shape = known.get(key) if key else None
                if shape is None:
                    shape = _digest(link_shape(article))
                if key:
                    self.shapes[key] = shape
                digest.update(shape.encode())
            self._registry_key = digest.hexdigest()
        return self._registry_key

    def newest(self) -> str | None:
        dates = [a.article.meta.published.date for a in self.articles
                 if a.article.meta.published]
        return max(dates).isoformat() if dates else None

    # --- the plans ---

    def share(self, part: str, make: Callable[[AnchoredArticle], bytes]) -> tuple[Piece, ...]:
        pieces = []
        for article in self.articles:
            key = self.share_keys[article.slug]
            pieces.append(Piece(f"{part} {article.slug} {key}" if key else None,
                                lambda article=article: make(article)))
        return tuple(pieces)

    def whole(self, make: Callable[[dict[str, Any]], bytes]) -> Piece:
        return Piece(self.registry_key(), lambda: make(self.registry()))

    def plans(self) -> Iterator[tuple[str, list[Part]]]:
        from annotarium.export_annotations import annotation_lines, collection_frame
        from annotarium.export_tables import (
            MENTION_COLUMNS,
            QUOTE_COLUMNS,
            actors_csv,
            actors_graphml,
            csv_rows,
            events_csv,
            events_ics,
            mention_rows,
            quote_rows,
        )

        def entry(article: AnchoredArticle) -> bytes:
            from annotarium.export import compact_json

            return compact_json(self.records(article)[0]).encode()

        def annotations(article: AnchoredArticle) -> bytes:
            from annotarium.export import compact_json

            return ",\n".join([compact_json(item) for item in self.records(article)[1]]
                              ).encode()

        def registries(data: dict[str, Any]) -> bytes:
            tail = {key: data[key] for key in ARCHIVE_LISTS if key in data}
            return json_members(tail, ARCHIVE_LISTS).encode()

        yield "data/archive.json", [
            ("{" + json_members(self.head) + ',\n"articles":').encode(),
            Listing(self.share("article", entry)),
            b',\n"annotations":',
            Listing(self.share("annotations", annotations)),
            b",\n",
            self.whole(registries),
            b"}\n",
        ]
        yield "data/quotes.csv", [csv_rows([QUOTE_COLUMNS]), *self.share(
            "quotes", lambda a: quote_rows(self.records(a)[1], self.names))]
        yield "data/mentions.csv", [csv_rows([MENTION_COLUMNS]), *self.share(
            "mentions", lambda a: mention_rows(self.records(a)[1], self.entity_names))]
        yield "data/actors.csv", [self.whole(actors_csv)]
        yield "data/events.csv", [self.whole(events_csv)]
        yield "data/actors.graphml", [self.whole(actors_graphml)]
        total = sum(self.linked.written[a.slug] for a in self.articles)
        head, tail = collection_frame(self.head["site"]["title"], self.base, total)
        yield "data/annotations.jsonld", [
            head,
            Listing(self.share("jsonld", lambda a: annotation_lines(
                self.records(a)[1], a.article.text.text, self.base, self.language,
                self.wikidata)), open=b"", close=b"", empty=b""),
            tail,
        ]
        newest = self.newest()
        yield "data/events.ics", [Piece(
            f"{self.registry_key()} {newest}",
            lambda: events_ics(self.registry(), newest))]

    # --- the files ---

    def files(self) -> Iterator[ExportFile]:
        """The export files in the order of :data:`~annotarium.export.EXPORTS`: None as
        the content of a file carried over from the previous build."""
        files: dict[str, FileIndex] = {}
        for path, plan in self.plans():
            with collector_paused():
                known = self.previous.files.get(path) if self.previous else None
                assembly = _Assembly(path, plan, known.pieces if known else {})
                self.made[path] = len(assembly.made)
                digest = f"export {assembly.key}"
                if known is not None and known.key == assembly.key and \
                        self.previous_digests.get(path) == digest:
                    # the same bytes: recorded again under the pieces' keys of this build
                    files[path] = FileIndex(known.key, known.size, known.crc,
                                            assembly.assemble(None, layout=True)[1])
                    exported = ExportFile(path, None, digest)
                else:
                    old = self._old_file(path, known) if assembly.needs_old() else None
                    content, where = assembly.assemble(old)
                    files[path] = FileIndex(assembly.key, len(content), zlib.crc32(content),
                                            where)
                    exported = ExportFile(path, content, digest)
                    del old, content
                del assembly
            yield exported
            del exported
        self._records.clear()
        self.registry_key()
        self.index = ExportIndex(__version__, files, self.shapes)

    def _old_file(self, path: str, known: FileIndex | None) -> bytes | None:
        """The previous build's file, if it is the one the index describes."""
        if known is None or self.previous_file is None:
            return None
        data = self.previous_file(path)
        if data is None or len(data) != known.size or zlib.crc32(data) != known.crc:
            return None
        return data


def link_shape(article: AnchoredArticle) -> tuple[object, ...]:
    """What the link stage reads of an article to cross-reference it with the registries:
    the actors, places and topics it lists, its publication date, and of each quote,
    mention and date its id and what it names. Not the words of the text or of notes."""
    meta = article.article.meta
    spans = []
    for span in article.spans:
        note = span.annotation
        if isinstance(note, Quote):
            spans.append(("q", note.id, note.speaker, note.cites))
        elif isinstance(note, Mention):
            spans.append(("m", note.id, note.entity, note.ref, note.auto))
        elif isinstance(note, DateRef):
            spans.append(("d", note.id, note.event))
    return (article.slug, meta.actors, meta.places, meta.topics,
            meta.published.date if meta.published else None, tuple(spans))


def file_reader(output: Path) -> Callable[[str], bytes | None]:
    """Reads a file of the previous build in ``output`` (None if it is not a plain file)."""
    def read(path: str) -> bytes | None:
        target = output / path
        try:
            if not stat.S_ISREG(target.lstat().st_mode):
                return None
            return target.read_bytes()
        except OSError:
            return None
    return read
