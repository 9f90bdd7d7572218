"""Running the render stage's page jobs: in parallel when it pays, skipped when unchanged.

A page job is a function of no arguments that returns a
:class:`Page`. :func:`run_jobs` runs a list of them, in
forked worker processes for large sites (see :mod:`annotarium.parallel`);
:func:`view_digest` is the digest an incremental build compares to decide that
a page need not be rendered again.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotarium.parallel import fork_imap, workers_for

if TYPE_CHECKING:
    from annotarium.render_context import PageMeta, Urls


@dataclass(frozen=True)
class Page:
    """One file of the site. ``content`` is None when the page is unchanged since the
    previous build (its ``digest`` matched), so the writer keeps the old file; an iterable
    of chunks for a page made as it is written (see :func:`run_jobs`)."""

    path: str  # output path relative to the site root, POSIX: "articles/<slug>/index.html"
    content: bytes | Iterable[bytes] | None
    kind: str  # "article" | "actor" | ... | "list" | "static" | "feed" | "sitemap"
    digest: str = ""  # what the page was made from; equal digests give equal pages


PARALLEL_MIN_PAGES = 400  # below this, starting processes costs more than it saves


def run_jobs(jobs: list[Callable[[], Page]],
             streamed: Mapping[int, Callable[[], Page]] | None = None) -> Iterator[Page]:
    """Run page jobs, in forked workers for large sites; pages come out in order, as they
    are made, so that the writer can store each without all being held in memory.

    ``streamed`` gives, for some jobs (by their index), another job that makes the same
    page as chunks to be written as they are made. When the others run in workers, those
    pages are made here instead, after the others: a page that grows with the archive
    (the timeline is 50 MB at 20,000 articles) would otherwise be made whole in a worker
    (that holds its markup, its text and its bytes on top of the whole archive it shares
    with this process), pickled and sent, and held again here until written."""
    if not streamed or workers_for(len(jobs) - len(streamed), PARALLEL_MIN_PAGES) == 1:
        return fork_imap(_call, jobs, PARALLEL_MIN_PAGES)
    return _streamed_last(jobs, streamed)


def _streamed_last(jobs: list[Callable[[], Page]],
                   streamed: Mapping[int, Callable[[], Page]]) -> Iterator[Page]:
    yield from fork_imap(_call, [job for i, job in enumerate(jobs) if i not in streamed],
                         PARALLEL_MIN_PAGES)
    for index in sorted(streamed):
        yield streamed[index]()


def encoded(pieces: Iterable[str], size: int = 1 << 18) -> Iterator[bytes]:
    """Markup pieces (a template's ``generate``) as UTF-8 chunks of about ``size``
    characters: the same bytes as the whole text encoded."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch).encode("utf-8")
            batch, length = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")


def _call(job: Callable[[], Page]) -> Page:
    return job()


def view_digest(salt: str, template: str, meta: PageMeta, urls: Urls | None,
                views: dict[str, Any]) -> str:
    """A digest of everything a page is rendered from. Views are frozen dataclasses of
    strings, numbers and tuples, so their pickle is the same bytes for the same values."""
    return canonical_digest(salt.encode(), (template, meta, urls, sorted(views.items())))


def inputs_digest(salt: str, parts: object) -> str:
    """A digest of a page's inputs (strings, numbers and tuples of them), for pages that
    are skipped by what they are made from rather than by their view."""
    return canonical_digest(b"inputs:" + salt.encode(), parts)


class _Digesting:
    """A file that a pickler writes to: it keeps only a digest of the bytes."""

    def __init__(self, prefix: bytes) -> None:
        self.hash = hashlib.blake2b(prefix, digest_size=16)

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return len(data)


def canonical_digest(prefix: bytes, value: object) -> str:
    """The BLAKE2 digest of ``prefix`` and the pickle of ``value`` without the memo, so
    that equal values give equal digests however their parts are shared. An ordinary
    pickle writes a string or tuple met twice as a back-reference when it is the same
    object, and in full when it is an equal copy; which parts are shared depends on
    caches and on the process a view was built in (a forked worker or the main one), so
    ordinary pickles of equal views differ. Views are trees (no cycles), which the
    memo-less "fast" mode requires. The pickle is digested as it is written (frame by
    frame), never whole: a large page's view (the timeline's, at 20,000 articles)
    pickles to over a hundred megabytes."""
    sink = _Digesting(prefix)
    pickler = pickle.Pickler(sink, protocol=5)
    pickler.fast = True  # no memo: every part written in full, by value
    pickler.dump(value)
    return sink.hash.hexdigest()


