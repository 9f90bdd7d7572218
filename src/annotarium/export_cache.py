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
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotarium import __version__
from annotarium.export import (
    ExportFile,
    annotation_records,
    article_entry,
    collector_paused,
    head_data,
    json_members,
    registry_chunks,
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
class Stream(Piece):
    """A piece made as a sequence of chunks (``make`` joins them): written chunk by chunk
    when the file is made as it is written, so that a large piece is never whole."""

    chunks: Callable[[], Iterator[bytes]]


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
    fixed parts and of its pieces' bytes digests), and its bytes, chunk by chunk.

    An eager assembly makes the pieces the previous file does not hold at once, so that
    its key is known before its bytes (to carry the previous file over when they are the
    same). A lazy one (when there is no previous file to compare with) makes each piece
    only as its bytes are written, so that a large file is never whole in memory: its key
    is known once all its chunks have been taken."""

    def __init__(self, path: str, plan: Sequence[Part],
                 known: Mapping[str, tuple[int, int, str]], lazy: bool = False) -> None:
        self.plan = plan
        self.known = known
        self.made: dict[int, bytes] = {}  # piece (by id) -> bytes made and not yet written
        self.digests: dict[int, str] = {}
        self.count = 0  # pieces made (not copied from the previous file)
        self.hash = hashlib.blake2b(path.encode() + b"\0" + __version__.encode(),
                                    digest_size=16)
        self.key: str | None = None  # known before the chunks when eager, after when lazy
        # after the chunks: where the pieces lie, the file's size and CRC-32
        self.where: dict[str, tuple[int, int, str]] = {}
        self.size = self.crc = 0
        if lazy:
            return
        for part in plan:
            if isinstance(part, bytes):
                self._fixed(part)
                continue
            if isinstance(part, Listing):
                self._listing(part)
            for piece in (part.pieces if isinstance(part, Listing) else (part,)):
                recorded = self.known.get(piece.key) if piece.key is not None else None
                if recorded is not None:
                    self._piece(piece, recorded[2])
                else:
                    self.made[id(piece)] = self._make(piece)
        self.key = self.hash.hexdigest()

    def _fixed(self, part: bytes) -> None:
        self.hash.update(b"F%d:" % len(part) + part)

    def _listing(self, part: Listing) -> None:
        self.hash.update(b"L" + part.open + part.separator + part.close + part.empty)

    def _piece(self, piece: Piece, found: str) -> None:
        self.digests[id(piece)] = found
        self.hash.update(b"P" + found.encode())

    def _make(self, piece: Piece) -> bytes:
        data = piece.make()
        self.count += 1
        self._piece(piece, _bytes_digest(data))
        return data

    def _streamed(self, piece: Stream, placed: Callable[[bytes], bytes]) -> Iterator[bytes]:
        """A lazy assembly's :class:`Stream` piece, chunk by chunk: its place and bytes
        digest are recorded once its last chunk is out."""
        start, length = self.size, 0
        digest = hashlib.blake2b(digest_size=16)
        for chunk in piece.chunks():
            digest.update(chunk)
            length += len(chunk)
            yield placed(chunk)
        self.count += 1
        self._piece(piece, digest.hexdigest())
        if piece.key is not None:
            self.where[piece.key] = (start, length, self.digests[id(piece)])

    def needs_old(self) -> bool:
        """Whether any piece is to be copied from the previous file."""
        return self.count < len(self.digests)

    def chunks(self, old: bytes | None, layout: bool = False
               ) -> Iterator[bytes | memoryview | _Blank]:
        """The file's bytes, chunk by chunk; ``old`` is the previous file (None when it is
        missing or not the one the index describes: pieces are made again). With
        ``layout``, only where the pieces lie (for a file carried over: copied pieces are
        blanks of their size). Once exhausted, :attr:`where`, :attr:`size`, :attr:`crc`
        (and a lazy assembly's :attr:`key`) are set."""
        lazy = self.key is None
        view = memoryview(old) if old is not None else None
        where = self.where

        def content(piece: Piece) -> bytes | memoryview | _Blank:
            made = self.made.pop(id(piece), None)
            if made is not None:
                return made
            if lazy:
                return self._make(piece)
            recorded = self.known[piece.key]  # type: ignore[index]
            if layout:
                return _Blank(recorded[1])
            if view is not None:
                return view[recorded[0]:recorded[0] + recorded[1]]
            return piece.make()

        def placed(chunk: bytes | memoryview | _Blank, piece: Piece | None = None
                   ) -> bytes | memoryview | _Blank:
            if piece is not None and piece.key is not None:
                where[piece.key] = (self.size, len(chunk), self.digests[id(piece)])
            self.size += len(chunk)
            if not layout:
                self.crc = zlib.crc32(chunk, self.crc)  # type: ignore[arg-type]
            return chunk

        with collector_paused():
            for part in self.plan:
                if isinstance(part, bytes):
                    if lazy:
                        self._fixed(part)
                    yield placed(part)
                elif lazy and isinstance(part, Stream) and id(part) not in self.made:
                    yield from self._streamed(part, placed)
                elif isinstance(part, Piece):
                    data = content(part)
                    yield placed(data, part)
                else:
                    if lazy:
                        self._listing(part)
                    empty: list[Piece] = []
                    first = True
                    for piece in part.pieces:
                        data = content(piece)
                        if not len(data):
                            if piece.key is not None:
                                empty.append(piece)
                            continue
                        yield placed(part.open if first else part.separator)
                        first = False
                        yield placed(data, piece)
                        del data
                    for piece in empty:  # empty pieces: recorded, where they would be
                        where[piece.key] = (0, 0, self.digests[id(piece)])  # type: ignore[index]
                    yield placed(part.empty if first else part.close)
        if lazy:
            self.key = self.hash.hexdigest()


class ExportStream:
    """A file's content, made as the writer takes it (see :class:`_Assembly`); ``digest``
    and ``entry`` (its index) are known once it has been taken whole."""

    def __init__(self, assembly: _Assembly, old: bytes | None) -> None:
        self.assembly = assembly
        self.old = old
        self.digest = ""
        self.entry: FileIndex | None = None
        self.seconds = 0.0  # spent making the chunks (the writer's time left out)

    def __iter__(self) -> Iterator[bytes | memoryview]:
        assembly = self.assembly
        chunks = assembly.chunks(self.old)
        while True:
            began = time.perf_counter()
            chunk = next(chunks, None)
            self.seconds += time.perf_counter() - began
            if chunk is None:
                break
            yield chunk  # type: ignore[misc]
        self.old = None
        self.digest = f"export {assembly.key}"
        self.entry = FileIndex(assembly.key, assembly.size, assembly.crc,  # type: ignore[arg-type]
                               assembly.where)


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
        self._registry: dict[str, Any] | None = None
        self.shapes: dict[str, str] = {}
        self.index = ExportIndex(__version__, {})
        self.made: dict[str, int] = {}  # path -> pieces made (not copied), for tests

    # --- what the pieces are made from ---

    def registry(self) -> dict[str, Any]:
        """The archive-wide data as the files made only of it read it: they count the
        references to an entity, so these are the linked archive's passages (see
        :func:`~annotarium.export.registry_data`)."""
        if self._registry is None:
            self._registry = {**self.head, **registry_data(self.linked, counted=True)}
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

        # An article's records are made again for each file that shows them (of its
        # annotations, only those the file shows), not kept from one file to the next: for
        # the whole archive they would be several times the size of its text.
        def entry(article: AnchoredArticle) -> bytes:
            from annotarium.export import compact_json

            return compact_json(article_entry(article)).encode()

        def annotations(article: AnchoredArticle) -> bytes:
            from annotarium.export import compact_json

            return ",\n".join([compact_json(item) for item in annotation_records(article)]
                              ).encode()

        yield "data/archive.json", [
            ("{" + json_members(self.head) + ',\n"articles":').encode(),
            Listing(self.share("article", entry)),
            b',\n"annotations":',
            Listing(self.share("annotations", annotations)),
            b",\n",
            # the archive-wide part, entity by entity (on a large archive it is hundreds
            # of megabytes as data)
            Stream(self.registry_key(), lambda: b"".join(registry_chunks(self.linked)),
                   lambda: registry_chunks(self.linked)),
            b"}\n",
        ]
        yield "data/quotes.csv", [csv_rows([QUOTE_COLUMNS]), *self.share(
            "quotes", lambda a: quote_rows(annotation_records(a, Quote), self.names))]
        yield "data/mentions.csv", [csv_rows([MENTION_COLUMNS]), *self.share(
            "mentions", lambda a: mention_rows(annotation_records(a, Mention),
                                               self.entity_names))]
        yield "data/actors.csv", [self.whole(actors_csv)]
        yield "data/events.csv", [self.whole(events_csv)]
        yield "data/actors.graphml", [self.whole(actors_graphml)]
        total = sum(self.linked.written[a.slug] for a in self.articles)
        head, tail = collection_frame(self.head["site"]["title"], self.base, total)
        yield "data/annotations.jsonld", [
            head,
            Listing(self.share("jsonld", lambda a: annotation_lines(
                annotation_records(a, auto=False), a.article.text.text, self.base,
                self.language, self.wikidata)), open=b"", close=b"", empty=b""),
            tail,
        ]
        newest = self.newest()
        yield "data/events.ics", [Piece(
            f"{self.registry_key()} {newest}",
            lambda: events_ics(self.registry(), newest))]

    # --- the files ---

    def files(self) -> Iterator[ExportFile]:
        """The export files in the order of :data:`~annotarium.export.EXPORTS`: None as
        the content of a file carried over from the previous build; else an
        :class:`ExportStream`, to be taken whole before the next file is asked for (its
        digest is known then)."""
        files: dict[str, FileIndex] = {}
        for path, plan in self.plans():
            known = self.previous.files.get(path) if self.previous else None
            with collector_paused():
                assembly = _Assembly(path, plan, known.pieces if known else {},
                                     lazy=known is None)
            if known is not None and known.key == assembly.key and \
                    self.previous_digests.get(path) == f"export {assembly.key}":
                # the same bytes: recorded again under the pieces' keys of this build
                for _ in assembly.chunks(None, layout=True):
                    pass
                self.made[path] = assembly.count
                files[path] = FileIndex(known.key, known.size, known.crc, assembly.where)
                yield ExportFile(path, None, f"export {known.key}")
                continue
            old = self._old_file(path, known) if known is not None and assembly.needs_old() \
                else None
            stream = ExportStream(assembly, old)
            del old
            yield ExportFile(path, stream, f"export {assembly.key}" if assembly.key else "")
            if stream.entry is None:
                raise RuntimeError(f"the export {path} was not taken whole")
            self.made[path] = assembly.count
            files[path] = stream.entry
            del stream, assembly
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
