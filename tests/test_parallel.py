"""Forked workers: results in order, and signal dispositions that cannot hang a pool."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from annotarium.parallel import fork_map, workers_for


def _dispositions(_item: int) -> tuple[bool, bool, bool, int]:
    """In the worker: SIGTERM default, SIGINT ignored, SIGTERM not blocked; its pid."""
    return (signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
            signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
            signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, set()),
            os.getpid())


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@pytest.fixture
def serve_like_handlers():
    """SIGTERM raising KeyboardInterrupt in the parent, as ``annotarium serve`` sets it."""
    if threading.current_thread() is not threading.main_thread() or workers_for(8, 1) == 1:
        pytest.skip("forking needs the main thread, no other thread and two cores")
    before = signal.signal(signal.SIGTERM, _interrupt)
    yield
    signal.signal(signal.SIGTERM, before)


@pytest.mark.usefixtures("serve_like_handlers")
def test_workers_die_of_sigterm_at_once_whatever_the_parent_handles() -> None:
    """A worker that kept the parent's Python SIGTERM handler could miss a SIGTERM sent
    just before it blocked on the pool's queue, and the pool's terminate() then waited
    for it for ever (serve's first build hung so)."""
    results = fork_map(_dispositions, list(range(64)), 1)
    assert {pid for *_, pid in results} - {os.getpid()}  # made in forked workers
    assert all(default and ignored and unblocked
               for default, ignored, unblocked, _pid in results)
    # the parent's own handler and mask are as they were
    assert signal.getsignal(signal.SIGTERM) is _interrupt
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, set())


def test_results_come_back_in_order() -> None:
    assert fork_map(abs, list(range(-300, 300)), 1) == [abs(n) for n in range(-300, 300)]
