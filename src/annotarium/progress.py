"""The one-line progress report of a long build on a terminal (``annotarium build``)."""

from __future__ import annotations

import sys
import time


class TerminalProgress:
    """Shows the stage a build is in, once it has taken more than a second, on one
    terminal line that the summary then replaces. Silent when output is piped."""

    DELAY = 1.0

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, stage: str) -> None:
        if self.enabled and time.monotonic() - self.started >= self.DELAY:
            elapsed = time.monotonic() - self.started
            sys.stderr.write(f"\r\033[K  {stage}… ({elapsed:.1f} s)")
            sys.stderr.flush()
            self.shown = True

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
