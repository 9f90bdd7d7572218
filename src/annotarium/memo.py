"""Per-article memo of load + anchor, so that an edit reloads only what it touched.

Loading and anchoring one article reads its annotation file and its text, and of
the registries only the ids, names and aliases of actors, places and topics (to
check the ids it lists and to find alias mentions) plus which entries are broken.
Its result (the article, its spans, the alias names it matched and its
diagnostics) is therefore a function of:

* the SHA-256 of its annotation file and of its text file (and their paths),
* the archive root,
* a fingerprint of those parts of the registries (:func:`registry_fingerprint`),
* the tool version.

:class:`ArticleMemo` keeps such results keyed by exactly that. ``annotarium
build`` stores it inside the output, one file per article in
``.annotarium-memo/<slug>.pickle`` (so that an edit rewrites one file), and
``annotarium serve`` keeps it in memory between rebuilds. A memo file starts
with a JSON header line (format, the model's layout, the key, a BLAKE2 digest of the
rest); one whose header does not parse, whose format, layout (see
:func:`~annotarium.slotted.layout_digest`) or key is not the current one, or whose
payload does not match its digest or does not unpickle to the expected types is
ignored, and the article is loaded again: the memo is an optimisation, never
trusted over the inputs. This module imports only the standard library and the
model, so it can sit in any stage's path.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotarium.diagnostics import Diagnostic
from annotarium.model import Article, Span
from annotarium.slotted import layout_digest

MEMO_DIR = ".annotarium-memo"
# The pickled layout of the model: 2 since its classes have __slots__, which pickle their
# fields as a tuple where format 1 had a dict (that a slotted class would mis-read: a
# format-1 file is ignored, never unpickled).
FORMAT = 2

# (article or None, spans, alias names matched, problems): what loading and anchoring gave
Loaded = tuple[Article | None, tuple[Span, ...], set[tuple[str, str, str]], list[Diagnostic]]


@dataclass(frozen=True)
class MemoKey:
    """Everything one article's load + anchor result depends on."""

    version: str
    root: str
    annotation_path: str
    annotation_sha: str
    text_path: str
    text_sha: str
    registries: str  # registry_fingerprint()

    def as_list(self) -> list[str]:
        return [self.version, self.root, self.annotation_path, self.annotation_sha,
                self.text_path, self.text_sha, self.registries]

    def digest(self) -> str:
        """A short digest of the key: what pages made from this article depend on."""
        return hashlib.blake2b("\0".join(self.as_list()).encode(), digest_size=16).hexdigest()


@dataclass
class MemoEntry:
    key: MemoKey
    result: Loaded | None  # None until loaded from ``blob``
    blob: bytes | None = None  # the file's bytes, when read from disk and not yet used
    stored: bool = False  # True when the file in the output already holds this entry

    def loaded(self) -> Loaded | None:
        if self.result is None and self.blob is not None:
            self.result = _unpickle(self.blob, self.key)
            self.blob = None
        return self.result


def registry_fingerprint(actors: Mapping[str, Any], places: Mapping[str, Any],
                         topics: Mapping[str, Any], broken: object) -> str:
    """A digest of what loading and anchoring an article read of the registries: the
    ids and names (with aliases) of actors, places and topics, and the broken entries.
    Descriptions, kinds and affiliations do not change an article's load or anchors."""
    parts = [sorted((ident, tuple(entry.names)) for ident, entry in table.items())
             for table in (actors, places, topics)]
    parts.append(sorted(getattr(broken, "ids", ())))
    parts.append(sorted(getattr(broken, "registries", ())))
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


class ArticleMemo:
    """Load + anchor results by article slug, each valid only for its own key."""

    def __init__(self, entries: dict[str, MemoEntry] | None = None) -> None:
        self.entries: dict[str, MemoEntry] = entries or {}
        self.hits = 0  # of a build's memo: how many articles came from the previous one

    def lookup(self, slug: str, partial: MemoKey, file_sha: Callable[[Path], str | None]
               ) -> Loaded | None:
        """The memoised result for ``slug`` if its key equals ``partial`` with the current
        text digest filled in; None (load it again) otherwise."""
        entry = self.entries.get(slug)
        if entry is None:
            return None
        key = entry.key
        if (key.version, key.root, key.annotation_path, key.annotation_sha, key.registries) != (
                partial.version, partial.root, partial.annotation_path, partial.annotation_sha,
                partial.registries):
            return None
        text = Path(key.text_path)  # resolved when memoised: a symlink now is a change
        if text.is_symlink() or file_sha(text) != key.text_sha:
            return None
        return entry.loaded()

    def key_of(self, slug: str) -> MemoKey | None:
        entry = self.entries.get(slug)
        return entry.key if entry else None


def key_for(partial: MemoKey, article: Article, file_sha: Callable[[Path], str | None]
            ) -> MemoKey | None:
    """The full key of a freshly loaded article (None: its text cannot be hashed)."""
    text_sha = file_sha(article.source_path)
    if text_sha is None:
        return None
    return MemoKey(partial.version, partial.root, partial.annotation_path,
                   partial.annotation_sha, str(article.source_path), text_sha,
                   partial.registries)


# --- on disk -----------------------------------------------------------------------------


def memo_path(slug: str) -> str:
    """The memo file of an article, relative to the output directory."""
    return f"{MEMO_DIR}/{slug}.pickle"


def dump_entry(key: MemoKey, result: Loaded) -> bytes:
    article, spans, found, problems = result
    # the set as a sorted list: the same result always gives the same bytes
    payload = pickle.dumps((article, spans, sorted(found), problems),
                           protocol=pickle.HIGHEST_PROTOCOL)
    header = {"format": FORMAT, "layout": layout_digest(), "key": key.as_list(),
              "digest": hashlib.blake2b(payload, digest_size=32).hexdigest()}
    return json.dumps(header, separators=(",", ":")).encode() + b"\n" + payload


def read_memo(output: Path, version: str) -> ArticleMemo:
    """The memo stored in ``output`` by the last build; damaged files are left out."""
    folder = output / MEMO_DIR
    entries: dict[str, MemoEntry] = {}
    layout = layout_digest()
    try:
        files = sorted(folder.iterdir())
    except OSError:
        return ArticleMemo()
    for file in files:
        if file.suffix != ".pickle":
            continue
        try:
            blob = file.read_bytes()
            head, _, _ = blob.partition(b"\n")
            header = json.loads(head)
            if header["format"] != FORMAT or header.get("layout") != layout:
                continue
            fields = header["key"]
            if not (isinstance(fields, list) and len(fields) == 7
                    and all(isinstance(f, str) for f in fields)):
                continue
            key = MemoKey(*fields)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if key.version != version:
            continue
        entries[file.stem] = MemoEntry(key, None, blob, stored=True)
    return ArticleMemo(entries)


def _unpickle(blob: bytes, key: MemoKey) -> Loaded | None:
    """The result stored in a memo file, or None when it is damaged or not what it claims."""
    head, _, payload = blob.partition(b"\n")
    try:
        header = json.loads(head)
        if header["digest"] != hashlib.blake2b(payload, digest_size=32).hexdigest():
            return None
        result = pickle.loads(payload)
    except Exception:  # a damaged memo is ignored, whatever the damage
        return None
    if not (isinstance(result, tuple) and len(result) == 4):
        return None
    article, spans, found, problems = result
    if not (isinstance(article, Article) and isinstance(spans, tuple)
            and all(isinstance(s, Span) for s in spans) and isinstance(found, list)
            and isinstance(problems, list)
            and all(isinstance(p, Diagnostic) for p in problems)):
        return None
    if str(article.annotation_path) != key.annotation_path or \
            str(article.source_path) != key.text_path:
        return None
    return article, spans, {tuple(name) for name in found}, problems
