"""Map a function over items in forked worker processes, when that pays.

Workers are forked so that they share the parent's loaded data (registries,
compiled templates) without copying it; only the items' results travel back.
Forking is skipped for small inputs, on one core, where fork is unavailable,
and while other threads run (as under ``annotarium serve``), where a fork could
inherit a held lock. Results come back in the items' order either way, so the
output never depends on how the work was split.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_CHUNK = 16  # items sent to a worker at once

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # inherited by forked workers


def workers_for(count: int, minimum: int) -> int:
    """How many processes to use for ``count`` items (1 means: do it here)."""
    cores = min(os.cpu_count() or 1, 8)
    if count < minimum or cores < 2 or threading.active_count() > 1:
        return 1
    import multiprocessing  # only when it may fork: a small build need not load it

    return cores if "fork" in multiprocessing.get_all_start_methods() else 1


def fork_map(function: Callable[[T], R], items: Sequence[T], minimum: int) -> list[R]:
    """``[function(item) for item in items]``, in worker processes for large inputs."""
    return list(fork_imap(function, items, minimum))


def fork_imap(function: Callable[[T], R], items: Sequence[T], minimum: int) -> Iterator[R]:
    """Like :func:`fork_map`, but yields results in order as they arrive, so that a caller
    can write each one out without holding them all."""
    workers = workers_for(len(items), minimum)
    if workers == 1:
        yield from (function(item) for item in items)
        return
    global _WORK
    _WORK = (function, items)
    # Small chunks balance uneven items, and bound what waits in the parent: a chunk's
    # results travel back whole, and come out in order, so a finished chunk waits for the
    # ones before it (a chunk of rendered pages is a few megabytes).
    chunk = max(1, min(MAX_CHUNK, len(items) // (workers * 8)))
    bounds = [(start, chunk) for start in range(0, len(items), chunk)]
    import multiprocessing

    try:
        # SIGTERM held back while the workers are forked, until each has set its own
        # disposition (see _worker_signals); the parent's comes back as it was
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        try:
            pool = multiprocessing.get_context("fork").Pool(workers, _worker_signals, (held,))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        with pool:
            for part in pool.imap(_run_chunk, bounds):
                yield from part
    finally:
        _WORK = None


def _worker_signals(mask: set[signal.Signals]) -> None:
    """A worker dies of SIGTERM at once and leaves Ctrl-C to its parent.

    A worker is forked with its parent's handlers, and ``serve`` turns SIGTERM into
    KeyboardInterrupt. A Python handler runs only between bytecodes: a SIGTERM that
    lands just before a worker blocks on the pool's queue lock sets a flag nobody looks
    at, and the worker waits there for ever, while the pool, whose ``terminate()`` sent
    it, waits for the worker (serve's first build hung so twice in one benchmark round).
    The kernel's default action has no such gap; SIGTERM is blocked from the fork until
    it is set, then the parent's ``mask`` restored. SIGINT (Ctrl-C goes to the whole
    process group) is ignored: the parent stops the pool."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _WORK is not None
    function, items = _WORK
    start, size = bounds
    return [function(item) for item in items[start:start + size]]
