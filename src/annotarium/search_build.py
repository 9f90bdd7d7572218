"""The search stage of one build: which shards to index, indexing them, and their files.

:class:`SearchRun` plans the shards from the linked archive (see
:func:`~annotarium.search.plan_shards`), makes the records of those whose inputs changed
since the previous build, and indexes them with Pagefind
(:class:`~annotarium.search_pagefind.Indexing`). A build may :meth:`~SearchRun.start` it
before rendering and :meth:`~SearchRun.pump` it between pages, so that Pagefind's
processes index on another core while Python renders; :meth:`~SearchRun.files` then
waits for what is left. Started or not, the files are the same bytes.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterator
from pathlib import Path

from annotarium.cache import content_digest
from annotarium.link import LinkedArchive
from annotarium.search import SearchRecord, SearchShard, article_map, plan_shards, shard_records
from annotarium.search_pagefind import PAGEFIND_VERSION, Indexing, Job

SearchFile = tuple[str, bytes | None, str]  # site path, bytes (None: kept), digest


class SearchRun:
    """The search index of one build: shards whose inputs are those of the previous build
    are carried over, the others indexed. Close it (or use it as a context manager) so
    that Pagefind's processes are stopped however the build ends."""

    def __init__(self, linked: LinkedArchive, previous: dict[str, str], inputs: dict,
                 output: Path) -> None:
        began = time.perf_counter()
        self.previous, self.output = previous, output
        self.language = (linked.archive.config.language or "en").split("-")[0].lower()
        # what an article's records are made from: its annotation file and its text
        keys: dict[str, str] = {}
        for article in linked.archive.articles:
            names = (str(article.annotation_path), str(article.source_path))
            if all(name in inputs for name in names):
                keys[article.slug] = "/".join(inputs[name].sha256 for name in names)
        made: dict[str, list[SearchRecord]] = {}  # records made for a digest: not made twice
        self.shards = plan_shards(linked, f"pagefind {PAGEFIND_VERSION} {self.language}", keys,
                                  made)
        self.tags = {shard.folder: f"search {shard.folder} {shard.digest}"
                     for shard in self.shards}
        self.kept: dict[str, list[str]] = {}
        for path, digest in previous.items():
            if digest.startswith("search ") and digest == self.tags.get(digest.split(" ")[1]):
                self.kept.setdefault(digest.split(" ")[1], []).append(path)
        # a shard's records are made when it is indexed (all at once if started early)
        articles = article_map(linked)
        self.stale: list[Job] = [
            (shard, made.get(shard.folder)
             or functools.partial(shard_records, shard, linked, articles))
            for shard in self.shards if shard.folder not in self.kept]
        del made
        self.indexing: Indexing | None = None
        self.seconds = time.perf_counter() - began  # time spent here, for the build's report

    def __enter__(self) -> SearchRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start Pagefind on the stale shards, if any and not yet started."""
        if self.stale and self.indexing is None:
            began = time.perf_counter()
            self.indexing = Indexing(self.stale, self.language)
            self.stale = []  # the requests hold the records now
            self.seconds += time.perf_counter() - began

    def pump(self) -> None:
        """Move Pagefind's pipes along without waiting (between pages)."""
        if self.indexing is not None:
            began = time.perf_counter()
            self.indexing.pump()
            self.seconds += time.perf_counter() - began

    def files(self) -> Iterator[SearchFile]:
        """The index's files, in a fixed order, shard by shard as Pagefind is done with
        them (if it was not started, it starts now, and each shard's records and bundle
        are made and handed over in turn: a large index is never all in memory). A
        re-indexed shard's files whose bytes are those already in the output are carried
        over too: an edit to one article changes a few of its shard's hundreds of files."""
        self.start()
        made = self.indexing.bundles() if self.indexing is not None else iter(())
        for shard in self.shards:
            tag = self.tags[shard.folder]
            if shard.folder in self.kept:
                yield from ((path, None, tag) for path in sorted(self.kept[shard.folder]))
                continue
            began = time.perf_counter()
            folder, bundle = next(made)
            self.seconds += time.perf_counter() - began  # waiting for Pagefind: its time
            assert folder == shard.folder
            for path, content in bundle:
                yield path, None if path in self.previous and _same_bytes(
                    self.output / path, content) else content, tag
            del bundle
        listing = _shard_list(self.shards)
        digest = content_digest(listing)
        same = self.previous.get("pagefind/shards.json") == digest
        yield "pagefind/shards.json", None if same else listing, digest

    def close(self) -> None:
        if self.indexing is not None:
            self.indexing.close()


def _shard_list(shards: tuple[SearchShard, ...]) -> bytes:
    folders = sorted(shard.folder.removeprefix("pagefind/") for shard in shards[1:])
    return json.dumps({"shards": folders}).encode("utf-8")


def _same_bytes(path: Path, content: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``content`` (False if it cannot be read)."""
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False
