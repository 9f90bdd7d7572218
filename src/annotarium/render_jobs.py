"""Running the render stage's page jobs: in parallel when it pays, skipped when unchanged.

A page job is a function of no arguments that returns a
:class:`Page`. :func:`run_jobs` runs a list of them, in
forked worker processes for large sites (see :mod:`annotarium.parallel`);
:func:`view_digest` is the digest an incremental build compares to decide that
a page need not be rendered again.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotarium.parallel import fork_imap

if TYPE_CHECKING:
    from annotarium.render_context import PageMeta, Urls


@dataclass(frozen=True)
class Page:
    """One file of the site. ``content`` is None when the page is unchanged since the
    previous build (its ``digest`` matched), so the writer keeps the old file."""

    path: str  # output path relative to the site root, POSIX: "articles/<slug>/index.html"
    content: bytes | None
    kind: str  # "article" | "actor" | ... | "list" | "static" | "feed" | "sitemap"
    digest: str = ""  # what the page was made from; equal digests give equal pages


PARALLEL_MIN_PAGES = 400  # below this, starting processes costs more than it saves


def run_jobs(jobs: list[Callable[[], Page]]) -> Iterator[Page]:
    """Run page jobs, in forked workers for large sites; pages come out in order, as they
    are made, so that the writer can store each without all being held in memory."""
    return fork_imap(_call, jobs, PARALLEL_MIN_PAGES)


def _call(job: Callable[[], Page]) -> Page:
    return job()


def view_digest(salt: str, template: str, meta: PageMeta, urls: Urls | None,
                views: dict[str, Any]) -> str:
    """A digest of everything a page is rendered from. Views are frozen dataclasses of
    strings, numbers and tuples, so their pickle is the same bytes for the same values."""
    return hashlib.blake2b(salt.encode() + canonical_pickle(
        (template, meta, urls, sorted(views.items()))), digest_size=16).hexdigest()


def inputs_digest(salt: str, parts: object) -> str:
    """A digest of a page's inputs (strings, numbers and tuples of them), for pages that
    are skipped by what they are made from rather than by their view."""
    return hashlib.blake2b(b"inputs:" + salt.encode() + canonical_pickle(parts),
                           digest_size=16).hexdigest()


def bytes_digest(content: bytes) -> str:
    """The digest of a file copied as it is (a static file)."""
    return "bytes:" + hashlib.blake2b(content, digest_size=16).hexdigest()


def canonical_pickle(value: object) -> bytes:
    """The pickle of ``value`` without the memo, so that equal values give equal bytes
    however their parts are shared. An ordinary pickle writes a string or tuple met
    twice as a back-reference when it is the same object, and in full when it is an
    equal copy; which parts are shared depends on caches and on the process a view was
    built in (a forked worker or the main one), so ordinary pickles of equal views
    differ. Views are trees (no cycles), which the memo-less "fast" mode requires."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: every part written in full, by value
    pickler.dump(value)
    return buffer.getvalue()


