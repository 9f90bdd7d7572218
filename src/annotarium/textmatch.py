"""Loose matching of typed words against an article's text.

Analysts type straight quotes where articles have curly ones, and copy text
with different line breaks. :class:`NormalizedText` holds a version of the
text with quotes straightened and whitespace runs collapsed to one space, and
maps every position back to the original, so a match in the normalised text
is a precise range in the real one.
"""

from __future__ import annotations

import bisect
import re

_QUOTE_PAIRS = (
    ("‘", "'"), ("’", "'"), ("‚", "'"), ("‛", "'"), ("′", "'"), ("`", "'"),
    ("“", '"'), ("”", '"'), ("„", '"'), ("‟", '"'), ("″", '"'), ("«", '"'), ("»", '"'),
)
_SPACE_RUN = re.compile(r"\s+")
_NEEDS_NORMALIZING = re.compile(r"\s{2,}|[^\S ]")  # a single plain space is already normal


def straighten_quotes(text: str) -> str:
    """Curly and other quotation marks as straight ones, one character for one, so that
    offsets do not move. (A few str.replace calls beat str.translate with a table.)"""
    for curly, straight in _QUOTE_PAIRS:
        if curly in text:
            text = text.replace(curly, straight)
    return text


def normalize(text: str) -> str:
    """Straighten quotes and collapse whitespace, as both sides of a match are."""
    return _SPACE_RUN.sub(" ", straighten_quotes(text))


class NormalizedText:
    """An article's text, normalised, with a map back to original offsets."""

    def __init__(self, original: str) -> None:
        self.original = original
        translated = straighten_quotes(original)
        pieces: list[str] = []
        # breakpoints: at normalised offset norm_starts[i], the original offset is orig_starts[i]
        self._norm_starts: list[int] = [0]
        self._orig_starts: list[int] = [0]
        last = 0
        norm_length = 0
        for match in _NEEDS_NORMALIZING.finditer(translated):
            pieces.append(translated[last : match.start()])
            norm_length += match.start() - last
            pieces.append(" ")
            norm_length += 1
            last = match.end()
            # after the run, normalised norm_length corresponds to original match.end()
            self._norm_starts.append(norm_length)
            self._orig_starts.append(match.end())
        pieces.append(translated[last:])
        self.text = "".join(pieces)

    def to_original(self, offset: int) -> int:
        """The original offset of a normalised offset (a run of spaces maps to its start)."""
        i = bisect.bisect_right(self._norm_starts, offset) - 1
        return self._orig_starts[i] + (offset - self._norm_starts[i])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of a normalised match (trailing whitespace excluded)."""
        original_start = self.to_original(start)
        original_end = self.to_original(end - 1) + 1 if end > start else original_start
        return original_start, original_end

    def find_all(self, needle: str) -> list[int]:
        """Every normalised offset where ``needle`` (already normalised) starts."""
        hits: list[int] = []
        if not needle:
            return hits
        position = self.text.find(needle)
        while position != -1:
            hits.append(position)
            position = self.text.find(needle, position + 1)
        return hits
