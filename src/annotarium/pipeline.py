"""The pipeline, stage by stage: ``load → anchor → link → render → write``.

:func:`check_archive` runs the first three stages and writes nothing;
:func:`build_site` runs all five. Each stage is a module with the same name;
this one only passes values from one to the next and times them.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotarium import __version__
from annotarium.resources import builtin_templates

# The stages are imported where they are used: a build whose inputs did not change
# is answered from the cache before any of them (or Jinja, or markdown-it) is loaded.
if TYPE_CHECKING:
    from annotarium.cache import BuildCache
    from annotarium.diagnostics import Diagnostic, Diagnostics
    from annotarium.export_cache import ExportIndex
    from annotarium.link import LinkedArchive, LinkMemo
    from annotarium.load import Foundation
    from annotarium.load_references import ReferenceMemo
    from annotarium.memo import ArticleMemo, Loaded, MemoEntry
    from annotarium.model import AnchoredArchive, Archive, Article, Span
    from annotarium.render_memo import PageMemo
    from annotarium.write import SiteFiles


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: the diagnostics, and the linked archive when it loaded."""

    diagnostics: Diagnostics
    linked: LinkedArchive | None
    seconds: float
    memo: ArticleMemo | None = None  # the current articles' load + anchor results

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors()

    def summary(self) -> dict[str, Any]:
        return summarize(self.linked.anchored) if self.linked else {"articles": 0}


@dataclass
class BuildState:
    """What ``annotarium serve`` keeps in memory between builds into one output folder."""

    memo: ArticleMemo | None = None
    links: LinkMemo | None = None  # each article's passages, for the link stage
    references: ReferenceMemo | None = None  # each article's checks across files
    pages: PageMemo | None = None  # whole-archive pages by their inputs (render_memo.py)
    # the last build's cache as written, and the (inode, size, mtime) of its file then:
    # while the file is that one, it need not be read back and checked again
    cache: tuple[BuildCache, tuple[int, int, int]] | None = None
    exports: ExportIndex | None = None  # where each article's share lies in the data exports
    pictures: dict[str, str] | None = None  # the whole-archive pictures, by their data
    # the configuration and registries as loaded, with what loading them reported, under
    # the digests of the files they were read from
    foundation: tuple[tuple[object, ...], Foundation, list[Diagnostic]] | None = None
    site: SiteFiles | None = None  # the files of the output and its spare (write.py)


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult | None  # None when nothing changed and nothing was loaded
    output: Path | None
    pages: Counter[str] = field(default_factory=Counter)
    files: int = 0
    bytes: int = 0
    written: int = 0  # files written anew; the rest were carried over from the last build
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    cache: BuildCache | None = field(default=None, repr=False)  # what this build recorded
    exports: ExportIndex | None = None  # the index of the data exports written
    pictures: dict[str, str] | None = None  # the whole-archive pictures drawn or kept

    @property
    def unchanged(self) -> bool:
        """True when the inputs were those of the last build, so nothing was done."""
        return self.check is None and self.output is not None


Progress = Callable[[str], None]


def _quiet(stage: str) -> None:
    """The default progress report: none."""


PARALLEL_MIN_ARTICLES = 200  # below this, forking workers costs more than it saves
EARLY_SEARCH_SHARDS = 2  # a build with at most this many shards to index starts Pagefind first


def check_archive(source: Path, progress: Progress = _quiet, memo: ArticleMemo | None = None,
                  file_sha: Callable[[Path], str | None] | None = None,
                  state: BuildState | None = None) -> CheckResult:
    """Load, anchor and link the archive at ``source``; write nothing.

    ``progress`` is told the name of each stage as it starts (for long builds).
    Articles are loaded and anchored one by one, in worker processes for large
    archives; the checks that span files run once all are in. With a ``memo``
    (see :mod:`annotarium.memo`), an article whose inputs are those it was
    memoised with is taken from it instead; ``file_sha`` gives a file's SHA-256
    (None if unreadable) when the caller already knows it. The result's ``memo``
    holds the current articles' results either way. With a ``state`` (``serve``'s), the
    checks across files and the link stage reuse what they found for unchanged articles
    (see :class:`~annotarium.load_references.ReferenceMemo` and
    :class:`~annotarium.link.LinkMemo`)."""
    from annotarium.anchor import warn_unused_names
    from annotarium.diagnostics import Diagnostics
    from annotarium.link import LinkMemo, link
    from annotarium.load import finish
    from annotarium.load_articles import article_files
    from annotarium.load_references import ReferenceMemo
    from annotarium.memo import ArticleMemo, MemoEntry, MemoKey, key_for, registry_fingerprint
    from annotarium.model import AnchoredArchive, AnchoredArticle
    from annotarium.parallel import fork_imap

    started = time.perf_counter()
    sha = file_sha or _file_sha
    diags = Diagnostics()
    progress("loading")
    foundation = _load_foundation(source, diags, sha, state)
    files = article_files(foundation.root, diags)
    registries = foundation.registries
    fingerprint = registry_fingerprint(registries.actors, registries.places, registries.topics,
                                       registries.broken)
    current = ArticleMemo()
    results: list[Any] = [None] * len(files)
    partials: list[MemoKey | None] = [None] * len(files)
    todo = []
    shared: dict[object, object] = {}  # see sharing.py
    for index, (path, slug) in enumerate(files):
        digest = sha(path)
        if digest is not None:
            partials[index] = MemoKey(__version__, str(foundation.root), str(path), digest, "",
                                      "", fingerprint)
        entry = memo.entries.get(slug) if memo else None
        unpickled = entry is not None and entry.result is None  # read from disk, not in use
        hit = memo.lookup(slug, partials[index], sha) if memo and partials[index] else None
        if hit is not None:
            if unpickled:
                hit = entry.result = _shared(hit, shared)  # type: ignore[union-attr]
            results[index] = hit
            current.entries[slug] = memo.entries[slug]  # type: ignore[union-attr]
            current.hits += 1
        else:
            todo.append(index)
    progress(f"loading and anchoring {len(todo)} of {len(files)} articles")
    job = functools.partial(_load_and_anchor, foundation, foundation.archive())
    # each result as it comes: its duplicate strings are freed while the next are read in,
    # so that those reuse their memory
    loaded = fork_imap(job, [files[i] for i in todo], PARALLEL_MIN_ARTICLES)
    for index, result in zip(todo, loaded, strict=True):
        result = results[index] = _shared(result, shared)
        partial, article = partials[index], result[0]
        if partial is not None and article is not None:
            key = key_for(partial, article, sha)
            if key is not None:
                current.entries[files[index][1]] = MemoEntry(key, result)
    articles, anchored, used_names = [], [], set()
    for article, spans, found, problems in results:
        diags.extend(problems)
        if article is not None:
            articles.append(article)
            anchored.append(AnchoredArticle(article, spans))
            used_names |= found
    if state is not None:
        state.references = state.references or ReferenceMemo()
        state.links = state.links or LinkMemo()
    archive = finish(foundation, articles, diags, state.references if state else None)
    warn_unused_names(archive, used_names, diags)
    progress("linking")
    linked = link(AnchoredArchive(archive, tuple(anchored)), state.links if state else None)
    return CheckResult(diags, linked, time.perf_counter() - started, current)


def _shared(result: Loaded, shared: dict[object, object]) -> Loaded:
    """A load + anchor result just made or unpickled, with one copy of each equal string
    among the articles (see :mod:`annotarium.sharing`)."""
    from annotarium.sharing import share_strings

    article, spans, found, problems = result
    return article, spans, share_strings(article, spans, found, shared), problems


def _load_foundation(source: Path, diags: Diagnostics, sha: Callable[[Path], str | None],
                     state: BuildState | None) -> Foundation:
    """The configuration and the registries: as ``state`` has them while their files are
    unchanged (re-reading actors.yaml is a fifth of serve's check after a note edit)."""
    from annotarium.diagnostics import Diagnostics
    from annotarium.load import REGISTRIES, load_foundation
    from annotarium.load_registries import CONFIG_FILE

    if state is None:
        return load_foundation(source, diags)
    root = source.resolve()
    files = [root / CONFIG_FILE, *(root / "content" / f"{name}.yaml" for name in REGISTRIES)]
    key = (str(root), *((sha(f) or f.exists()) for f in files))
    if state.foundation is None or state.foundation[0] != key:
        found = Diagnostics()
        state.foundation = (key, load_foundation(root, found), found.items)
    diags.extend(state.foundation[2])
    return state.foundation[1]


def _load_and_anchor(foundation: Foundation, registries: Archive, file: tuple[Path, str]
                     ) -> tuple[Article | None, tuple[Span, ...], set[tuple[str, str, str]],
                                list[Diagnostic]]:
    """Load one article and anchor it: the unit of work that can run in a worker."""
    from annotarium.anchor import anchor_article
    from annotarium.diagnostics import Diagnostics
    from annotarium.load_articles import load_article

    diags = Diagnostics()
    path, slug = file
    article = load_article(foundation.root, path, slug, foundation.registries, diags)
    if article is None:
        return None, (), set(), diags.items
    spans, found = anchor_article(article, registries, diags)
    return article, tuple(spans), found, diags.items


def _file_sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def build_site(
    source: Path,
    output: Path,
    base_url: str | None = None,
    live_reload_script: str | None = None,
    clean: bool = False,
    progress: Progress = _quiet,
    state: BuildState | None = None,
    search: bool | None = None,
) -> BuildResult:
    """Check the archive, then render and write the site; write nothing if it has errors.

    ``search`` turns the search index and page on or off; None leaves it to the
    archive's configuration (``search:``, on by default).

    Builds are incremental: with the cache of the previous build (inside
    ``output``), a build whose inputs did not change does nothing, and other builds
    render again only the pages whose views changed. ``clean`` ignores the cache.
    The result is byte-identical to a clean build either way. ``state`` carries
    what a long-running caller (``annotarium serve``) keeps in memory between builds
    into the same ``output``, so that a rebuild need not read it back from disk; such
    a caller owns the folder around ``output``, so the replaced site is also kept
    beside it as a spare tree for the next build to update (see :func:`write_site`).
    """
    from annotarium import cache
    from annotarium.write import check_output_dir, recover

    started = time.perf_counter()
    source = source.resolve()
    output = check_output_dir(output, source)
    recover(output)
    template_dirs = tuple(dict.fromkeys(
        p.resolve() for p in (source / "templates", builtin_templates()) if p.is_dir()))
    settings = cache.settings_digest(str(source), template_dirs, base_url, live_reload_script,
                                     search)
    previous = None if clean else _previous_cache(output, state)
    if previous is not None and previous.settings != settings:
        previous = None
    extra = tuple(previous.inputs) if previous else ()
    inputs = cache.scan_inputs(cache.input_files(source, template_dirs, extra),
                               previous.inputs if previous else None)
    if previous is not None and cache.same_inputs(previous.inputs, inputs):
        return BuildResult(None, output, seconds=time.perf_counter() - started)
    memo = None
    if not clean:
        memo = state.memo if state is not None and state.memo is not None else None
        if memo is None:
            from annotarium.memo import read_memo

            memo = read_memo(output, __version__)
    if state is not None:
        if clean:
            state.links = state.references = state.pages = None
        if state.pages is None:
            from annotarium.render_memo import PageMemo

            state.pages = PageMemo()
    result = _build(source, output, base_url, live_reload_script, settings, inputs,
                    previous.pages if previous else {}, started, progress, search, memo,
                    state=state)
    if state is not None and result.check is not None:
        state.memo = result.check.memo
        state.exports, state.pictures = result.exports, result.pictures
    if state is not None and result.cache is not None:
        state.cache = (result.cache, _file_identity(output / cache.CACHE_FILE))
    return result


def _previous_cache(output: Path, state: BuildState | None) -> BuildCache | None:
    """The last build's cache: from memory when ``state`` has the very file still in
    ``output``, else read back (and checked) from it."""
    from annotarium.cache import CACHE_FILE, read_cache

    if state is not None and state.cache is not None:
        kept, identity = state.cache
        if identity == _file_identity(output / CACHE_FILE):
            return kept
    return read_cache(output, __version__)


def _file_identity(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat(follow_symlinks=False)
    except OSError:
        return (-1, -1, -1)
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _build(source: Path, output: Path, base_url: str | None, live_reload_script: str | None,
           settings: str, inputs: dict, previous_pages: dict[str, str],
           started: float, progress: Progress, search: bool | None = None,
           memo: ArticleMemo | None = None, state: BuildState | None = None) -> BuildResult:
    def file_sha(path: Path) -> str | None:
        known = inputs.get(str(path))
        return known.sha256 if known is not None else _file_sha(path)

    # Loading makes millions of small objects that all live until the end of the build,
    # and no garbage cycles: the cyclic collector would only traverse them again and
    # again (about half of the time of reading the memo). It is off while loading; then
    # the loaded archive is frozen out of its sight for rendering, and thawed at the end
    # so that a long-running ``serve`` can free it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        checked = check_archive(source, progress, memo, file_sha, state)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    try:
        return _render_and_write(source, output, base_url, live_reload_script, settings, inputs,
                                 previous_pages, started, progress, checked, file_sha, search,
                                 state)
    finally:
        gc.unfreeze()


def _render_and_write(source: Path, output: Path, base_url: str | None,
                      live_reload_script: str | None, settings: str, inputs: dict,
                      previous_pages: dict[str, str], started: float, progress: Progress,
                      checked: CheckResult, file_sha: Callable[[Path], str | None],
                      search: bool | None = None, state: BuildState | None = None
                      ) -> BuildResult:
    """Render, export and write. The export index and the pictures of the previous build
    come from ``state`` (``serve``'s memory) when it has them, else from ``output``; not
    at all when the previous build's cache was not valid (``previous_pages`` empty)."""
    from annotarium import cache
    from annotarium.export_cache import INDEX_FILE, ExportRun, file_reader, read_index
    from annotarium.memo import memo_path
    from annotarium.parallel import fork_imap
    from annotarium.render import RenderOptions, iter_pages
    from annotarium.render_picture_cache import PICTURES_FILE, PictureCache, read_pictures
    from annotarium.write import Content, write_site

    if not checked.ok or checked.linked is None:
        return BuildResult(checked, None, seconds=time.perf_counter() - started)
    kept = state if previous_pages else None
    linked = checked.linked
    archive = linked.archive
    config = archive.config
    # article texts may live anywhere in the archive: record them as inputs too
    texts = [str(a.source_path) for a in archive.articles if str(a.source_path) not in inputs]
    inputs = {**inputs, **cache.scan_inputs(texts)}
    template_dirs = tuple(dict.fromkeys(
        p.resolve() for p in (*archive.template_dirs, builtin_templates())))
    # Anything besides a page's views that can change it: the tool, the settings, the
    # templates and the configuration (which every page shows).
    config_file = str(source / "annotarium.yaml")
    # the input names are normalised absolute paths, as the folders are: a prefix test is
    # Path.is_relative_to without making a Path per input
    folders = tuple(f"{d}{os.sep}" for d in template_dirs)
    shown_everywhere = sorted(
        (name, entry.sha256) for name, entry in inputs.items()
        if name == config_file or name.startswith(folders))
    salt = cache.settings_digest(__version__, settings, shown_everywhere)
    options = RenderOptions(
        template_dirs=template_dirs,
        base_url=config.base_url if base_url is None else base_url,
        live_reload_script=live_reload_script,
        previous_digests=previous_pages,
        salt=salt,
        article_inputs=({slug: entry.key.digest() for slug, entry in checked.memo.entries.items()}
                        if checked.memo is not None else None),
        registry_files=cache.settings_digest(*(
            file_sha(source / "content" / f"{name}.yaml")
            for name in ("actors", "places", "topics", "events"))),
        search=config.search if search is None else search,
        page_memo=state.pages if state is not None else None,
        pictures=PictureCache(kept.pictures if kept is not None and kept.pictures is not None
                              else read_pictures(output, __version__) if previous_pages
                              else None),
    )
    # The search records are made first. Pagefind indexes them while the pages are
    # rendered (its processes on another core, their pipes moved along between pages) in
    # a small build, and in an edit's build, which re-indexes a shard or two; a large full
    # build, whose pages are rendered on every core, has them indexed after its pages.
    rendering = time.perf_counter()
    search_run = None
    if options.search:
        from annotarium.search_build import SearchRun

        search_run = SearchRun(linked, previous_pages, inputs, output)
    progress("rendering and writing")
    kinds: Counter[str] = Counter()
    digests: dict[str, str] = {}
    exporting = [0.0]
    export_index: list[ExportIndex | None] = [None]

    def files() -> Iterator[tuple[str, Content | None]]:
        # Pages are written as they are rendered, so a large site is never all in memory;
        # then the data exports and the search index; the cache, which lists every file's
        # digest, comes last.
        for page in iter_pages(linked, options):
            if search_run is not None:
                search_run.pump()
            kinds[page.kind] += 1
            if page.digest:
                digests[page.path] = page.digest
            yield page.path, page.content
        progress("exporting data")
        # each export is carried over when its inputs are those of the last build, else
        # assembled from each article's share, copied from the last build's file where
        # the article did not change (see export_cache.py)
        making = time.perf_counter()
        index = kept.exports if kept is not None and kept.exports is not None \
            else read_index(output) if previous_pages else None
        run = ExportRun(linked, options.base_url, options.article_inputs, index,
                        file_reader(output), previous_pages, options.registry_files)
        exporting[0] += time.perf_counter() - making
        made = run.files()
        while True:
            making = time.perf_counter()
            export = next(made, None)
            exporting[0] += time.perf_counter() - making
            if export is None:
                break
            if search_run is not None:
                search_run.pump()
            kinds["data"] += 1
            # a large export is made as it is written (a stream of chunks): its digest is
            # known, and its making time counted, once it has been written
            yield export.path, export.content
            exporting[0] += getattr(export.content, "seconds", 0.0)
            if export.written_digest():
                digests[export.path] = export.written_digest()
        export_index[0] = run.index
        del run, made  # and what the exports were made from (the registries' data)
        yield INDEX_FILE, export_index[0].to_json()
        yield PICTURES_FILE, options.pictures.to_json(__version__)  # type: ignore[union-attr]
        if search_run is not None:
            progress("indexing for search")
            for path, content, digest in search_run.files():
                kinds["search index"] += 1
                if digest:
                    digests[path] = digest
                yield path, content
        # the per-article load + anchor memo: files of unchanged articles are carried over,
        # new ones pickled in worker processes when there are many
        progress("storing the article memo")
        fresh = []
        for slug, entry in sorted(memo_entries.items()):
            if entry.stored and (output / memo_path(slug)).is_file():
                yield memo_path(slug), None
            elif entry.loaded() is not None:
                fresh.append((slug, entry))
        yield from fork_imap(_dump_memo, fresh, PARALLEL_MIN_ARTICLES)
        records.append(cache.BuildCache(__version__, settings, inputs, digests))
        yield cache.CACHE_FILE, records[0].json_chunks()

    memo_entries = checked.memo.entries if checked.memo is not None else {}
    records: list[cache.BuildCache] = []

    try:
        if search_run is not None and (len(archive.articles) < PARALLEL_MIN_ARTICLES
                                       or len(search_run.stale) <= EARLY_SEARCH_SHARDS):
            search_run.start()
        written = write_site(files(), output, state is not None,
                             state.site if state is not None else None)
    finally:
        if search_run is not None:
            search_run.close()  # Pagefind's processes stopped and reaped, however it ends
    if state is not None:
        state.site = written.tree
    searching = search_run.seconds if search_run is not None else 0.0
    for entry in memo_entries.values():
        entry.stored = True
    done = time.perf_counter()
    return BuildResult(
        cache=records[0],
        check=checked,
        output=output,
        pages=kinds,
        files=written.files,
        bytes=written.bytes,
        written=written.written,
        seconds=done - started,
        stage_seconds={
            "check": checked.seconds,
            # one stream: each page written when made, then the exports and the search index
            "render and write": done - rendering - exporting[0] - searching,
            "export": exporting[0],  # making the data/ files
            "search index": searching,
        },
        exports=export_index[0],
        pictures=options.pictures.current if options.pictures is not None else None,
    )


def _dump_memo(item: tuple[str, MemoEntry]) -> tuple[str, bytes]:
    """One article's memo file (path and bytes): the unit of work of a worker."""
    from annotarium.memo import dump_entry, memo_path

    slug, entry = item
    result = entry.loaded()
    assert result is not None
    return memo_path(slug), dump_entry(entry.key, result)


def is_search_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a :class:`~annotarium.search_pagefind.SearchIndexError`. Only a
    build that indexed can raise one, and that build has loaded the module: asking needs
    no import, so a build without search never loads the search modules (nor asyncio)."""
    module = sys.modules.get("annotarium.search_pagefind")
    return module is not None and isinstance(exc, module.SearchIndexError)


def build_errors(source: Path, output: Path, state: BuildState | None = None) -> list[str]:
    """Build, and return the errors as ``check`` prints them (empty on success)."""
    from annotarium.write import OutputError

    try:
        result = build_site(source, output, state=state)
    except (OutputError, OSError) as exc:
        return [f"annotarium: error: {exc}"]
    except Exception as exc:
        if not is_search_error(exc):
            raise
        return [f"annotarium: error: {exc}"]
    if result.output is None:
        return [d.format() for d in result.check.diagnostics.errors]
    return []


def summarize(anchored: AnchoredArchive) -> dict[str, Any]:
    """Counts of articles and of each kind of annotation, per article and in total."""
    kinds = ("quotes", "mentions", "dates", "places", "topics", "notes", "alias_mentions")
    totals: Counter[str] = Counter(dict.fromkeys(kinds, 0))
    per_article = {}
    for article in anchored.articles:
        counts: Counter[str] = Counter(dict.fromkeys(kinds, 0))
        for span in article.spans:
            counts[_summary_key(span.annotation)] += 1
        per_article[article.slug] = dict(sorted(counts.items()))
        totals.update(counts)
    archive = anchored.archive
    return {
        "articles": len(anchored.articles),
        "actors": len(archive.actors),
        "places": len(archive.places),
        "topics": len(archive.topics),
        "events": len(archive.events),
        "annotations": dict(sorted(totals.items())),
        "per_article": per_article,
    }


def _summary_key(annotation: object) -> str:
    from annotarium.model import Mention

    if isinstance(annotation, Mention):
        if annotation.auto:
            return "alias_mentions"
        return {"actor": "mentions", "place": "places", "topic": "topics"}[annotation.entity]
    return {"quote": "quotes", "event": "dates", "note": "notes"}[annotation.kind]  # type: ignore[attr-defined]
