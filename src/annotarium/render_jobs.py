"""Running the render stage's page jobs: in parallel when it pays, skipped when unchanged.

A page job is a function of no arguments that returns a
:class:`~annotarium.render.Page`. :func:`run_jobs` runs a list of them, in
forked worker processes for large sites; :func:`view_digest` is the digest an
incremental build compares to decide that a page need not be rendered again.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotarium.render import Page
    from annotarium.render_context import PageMeta, Urls

PARALLEL_MIN_PAGES = 400  # below this, starting processes costs more than it saves
_JOBS: list[Callable[[], Page]] = []  # what forked workers render, inherited from the parent


def run_jobs(jobs: list[Callable[[], Page]]) -> list[Page]:
    """Run page jobs, in worker processes when the site is large and the machine has
    cores to spare; the pages come back in the jobs' order either way.

    Workers are forked so that they share the parent's linked archive and compiled
    templates without copying them. Forking is skipped where it is not safe or not
    available: with other threads running (as under ``annotarium serve``) or on
    platforms without fork.
    """
    workers = min(os.cpu_count() or 1, 8)
    if (len(jobs) < PARALLEL_MIN_PAGES or workers < 2 or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        return [job() for job in jobs]
    global _JOBS
    _JOBS = jobs
    chunk = max(8, len(jobs) // (workers * 8))  # small chunks balance the load
    starts = list(range(0, len(jobs), chunk))
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(functools.partial(_run_chunk, size=chunk), starts)
    finally:
        _JOBS = []
    return [page for part in parts for page in part]


def _run_chunk(start: int, size: int) -> list[Page]:
    return [job() for job in _JOBS[start:start + size]]


def view_digest(salt: str, template: str, meta: PageMeta, urls: Urls | None,
                views: dict[str, Any]) -> str:
    """A digest of everything a page is rendered from. Views are frozen dataclasses of
    strings, numbers and tuples, so their pickle is the same bytes for the same values."""
    payload = pickle.dumps((template, meta, urls, sorted(views.items())), protocol=5)
    return hashlib.blake2b(salt.encode() + payload, digest_size=16).hexdigest()


