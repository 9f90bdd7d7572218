"""Problems found in an archive, reported as ``path:line:col: severity: message``.

Every stage adds what it finds to a :class:`Diagnostics` collection instead of
raising, so one run reports every problem (MkDocs-style validation that stops at
the first error is what we avoid).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from annotarium.slotted import quick_pickling

Severity = Literal["error", "warning"]


@quick_pickling
@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a source file; ``line`` and ``col`` count from 1 (0 = unknown)."""

    path: Path
    line: int = 0
    col: int = 0


@quick_pickling
@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: where it is, how bad it is, what is wrong and how to fix it."""

    location: Location
    severity: Severity
    message: str
    hint: str | None = None
    code: str = "invalid"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.location.path), self.location.line, self.location.col, self.message)

    def format(self, relative_to: Path | None = None) -> str:
        """The GCC-style line editors understand, plus an indented hint."""
        head = f"{display_path(self.location.path, relative_to)}"
        if self.location.line:
            head += f":{self.location.line}:{max(self.location.col, 1)}"
        text = f"{head}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_json(self, relative_to: Path | None = None) -> dict[str, object]:
        return {
            "path": display_path(self.location.path, relative_to),
            "line": self.location.line,
            "col": self.location.col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """Show a path relative to the working directory when it lies below it."""
    base = relative_to or Path.cwd()
    try:
        return os.path.relpath(path, base) if path.is_absolute() else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass
class Diagnostics:
    """An ordered, de-duplicated collection of diagnostics."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(
        self, where: Location, message: str, hint: str | None = None, code: str = "invalid"
    ) -> None:
        self.add(Diagnostic(where, "error", message, hint, code))

    def warning(
        self, where: Location, message: str, hint: str | None = None, code: str = "warning"
    ) -> None:
        self.add(Diagnostic(where, "warning", message, hint, code))

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, others: Iterable[Diagnostic]) -> None:
        self.items.extend(others)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == "warning"]

    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self.items)  # keeps first occurrence, drops exact repeats
        return sorted(unique, key=Diagnostic.sort_key)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A ``did you mean 'x'?`` hint for a misspelt id or key, or None."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None
