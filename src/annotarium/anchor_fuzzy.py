"""Re-anchoring: find an annotation again after the article's text was edited.

Exact and normalised matching (:mod:`annotarium.textmatch`) come first and cost
nothing extra. Only an annotation they cannot place comes here, where it is
looked for approximately, in the manner of the Hypothesis client's anchoring
(``match-quote``): candidate passages within a bounded number of edits of the
annotation's words are scored on

* the words themselves (weight 50): ``1 - edits / length``,
* the ``prefix`` and ``suffix`` it was written with, if any (20 each): how
  closely the text just before and after the candidate still reads the same,
* its old position (2): how close the candidate is to where the annotation
  would be expected, from the annotations written before it in the same list,

and the best one is taken only if its score reaches :data:`MIN_SCORE` and no
other candidate comes close (:data:`MARGIN`): nothing attaches silently to a
lookalike passage. Short words (under :data:`MIN_FUZZY_LENGTH` characters) are
never matched approximately, only by their context.
"""

from __future__ import annotations

from dataclasses import dataclass

QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50.0, 20.0, 20.0, 2.0
MAX_ERROR_RATE = 0.1  # at most this share of the words' characters may differ
MIN_FUZZY_LENGTH = 12  # shorter words are only re-found exactly (with a changed context)
MIN_SCORE = 0.8  # the weighted score a candidate needs
MARGIN = 0.05  # a runner-up this close makes the match ambiguous: nothing is chosen
MIN_CONTEXT = 0.5  # unchanged words found by a changed context: how alike it must stay
CONTEXT_LENGTH = 32  # characters of prefix/suffix compared, as Hypothesis does


@dataclass(frozen=True)
class Candidate:
    """A place the words may now be, in normalised offsets, with its score."""

    start: int
    end: int
    errors: int
    score: float


def max_errors(length: int) -> int:
    """How many edits a passage of this length may have and still be the same passage."""
    if length < MIN_FUZZY_LENGTH:
        return 0
    return max(1, int(length * MAX_ERROR_RATE))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (for short context strings)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _best_end(window: str, pattern: str) -> tuple[int, int]:
    """Sellers' algorithm: the least edits of ``pattern`` against any substring of
    ``window``, and where the best such substring ends (the first, on ties)."""
    m = len(pattern)
    column = list(range(m + 1))  # column[i]: edits of pattern[:i] ending here
    best, best_end = column[m], 0
    for j, char in enumerate(window, 1):
        diagonal, column[0] = column[0], 0
        for i in range(1, m + 1):
            value = min(column[i] + 1, column[i - 1] + 1, diagonal + (pattern[i - 1] != char))
            diagonal, column[i] = column[i], value
        if column[m] < best:
            best, best_end = column[m], j
    return best, best_end


def approximate_matches(text: str, pattern: str, limit: int) -> list[tuple[int, int, int]]:
    """Passages of ``text`` within ``limit`` edits of ``pattern``: (start, end, edits).

    Candidates come from the pigeonhole principle: split the pattern into
    ``limit + 1`` pieces; a passage within ``limit`` edits contains at least one
    piece unchanged, so only windows around exact hits of a piece are examined.
    """
    m = len(pattern)
    if m == 0 or limit <= 0:
        return []
    pieces = limit + 1
    size = max(1, m // pieces)
    starts: set[int] = set()
    for index in range(pieces):
        offset = index * size
        piece = pattern[offset : offset + size] if index < pieces - 1 else pattern[offset:]
        if len(piece.strip()) < 3:
            continue
        hit = text.find(piece)
        while hit != -1:
            starts.add(hit - offset)
            hit = text.find(piece, hit + 1)
    results: list[tuple[int, int, int]] = []
    covered = -1
    for guess in sorted(starts):
        if guess <= covered:
            continue
        low = max(0, guess - limit)
        high = min(len(text), guess + m + limit)
        errors, end = _best_end(text[low:high], pattern)
        if errors > limit:
            continue
        end += low
        _, length = _best_end(text[low:end][::-1], pattern[::-1])
        start, end = _whole_words(text, end - length, end)
        errors = edit_distance(pattern, text[start:end])  # again, over whole words
        covered = guess + limit
        if errors <= limit:
            results.append((start, end, errors))
    unique = {(s, e): err for s, e, err in results}
    return sorted((s, e, err) for (s, e), err in unique.items())


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match that starts or ends inside a word to the whole word: words
    are what analysts annotate, and half a word is never the same passage."""
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def _similarity(expected: str, actual: str) -> float:
    if not expected:
        return 1.0
    return max(0.0, 1.0 - edit_distance(expected, actual) / len(expected))


def prefix_similarity(text: str, start: int, prefix: str) -> float:
    """How closely the text before ``start`` still reads as the prefix (0 to 1)."""
    want = prefix[-CONTEXT_LENGTH:]
    before = text[max(0, start - len(want) - 8) : start].rstrip()
    return _similarity(want, before[-len(want) :])


def suffix_similarity(text: str, end: int, suffix: str) -> float:
    """How closely the text after ``end`` still reads as the suffix (0 to 1)."""
    want = suffix[:CONTEXT_LENGTH]
    return _similarity(want, text[end : end + len(want) + 8].lstrip()[: len(want)])


def score(
    text: str,
    start: int,
    end: int,
    errors: int,
    length: int,
    prefix: str | None,
    suffix: str | None,
    hint: int | None,
) -> float:
    """The weighted score of a candidate, from 0 to 1 (Hypothesis's weights)."""
    total = QUOTE_WEIGHT * (1.0 - errors / max(length, 1))
    weight = QUOTE_WEIGHT
    if prefix:
        total += PREFIX_WEIGHT * prefix_similarity(text, start, prefix)
        weight += PREFIX_WEIGHT
    if suffix:
        total += SUFFIX_WEIGHT * suffix_similarity(text, end, suffix)
        weight += SUFFIX_WEIGHT
    if hint is not None and text:
        # a candidate after the annotation written before this one is where it belongs
        distance = max(0, hint - start)
        total += POSITION_WEIGHT * (1.0 - distance / len(text))
        weight += POSITION_WEIGHT
    return total / weight


def choose(
    text: str,
    exact: str,
    prefix: str | None,
    suffix: str | None,
    hint: int | None,
    exact_hits: list[int] | None = None,
) -> tuple[Candidate | None, list[Candidate]]:
    """The passage the words are now at, or None; and every candidate considered.

    ``exact_hits`` are places where the words occur unchanged but their context
    (prefix/suffix) no longer matches: they are scored alongside approximate ones.
    All offsets are in the normalised text, and ``exact``, ``prefix`` and
    ``suffix`` are normalised too.
    """
    found: dict[tuple[int, int], int] = {}
    for hit in exact_hits or ():
        found[(hit, hit + len(exact))] = 0
    if not exact_hits:
        for start, end, errors in approximate_matches(text, exact, max_errors(len(exact))):
            found.setdefault((start, end), errors)
    candidates = sorted(
        (
            Candidate(s, e, err, score(text, s, e, err, len(exact), prefix, suffix, hint))
            for (s, e), err in found.items()
        ),
        key=lambda c: (-c.score, c.start),
    )
    if not candidates or candidates[0].score < MIN_SCORE:
        return None, candidates
    best = candidates[0]
    if exact_hits and (prefix or suffix):
        # the words are unchanged and only the context tells the places apart: it must
        # still resemble the old one, or the words are now somewhere else entirely
        sims = ([prefix_similarity(text, best.start, prefix)] if prefix else []) + (
            [suffix_similarity(text, best.end, suffix)] if suffix else []
        )
        if sum(sims) / len(sims) < MIN_CONTEXT:
            return None, candidates
    for other in candidates[1:]:
        overlaps = other.start < best.end and best.start < other.end
        if not overlaps and other.score >= best.score - MARGIN:
            return None, candidates  # two passages fit about equally: refuse to guess
    return best, candidates


def context_words(text: str, offset: int, old: str | None, before: bool) -> str | None:
    """The new prefix (``before``) or suffix at ``offset``: as many space-separated
    pieces as the old one had, so that ``--fix`` keeps the analyst's choice of length."""
    if old is None:
        return None
    count = max(1, len(old.split()))
    if before:
        pieces = text[:offset].rstrip().split(" ")
        return " ".join(pieces[-count:]).strip()
    pieces = text[offset:].lstrip().split(" ")
    return " ".join(pieces[:count]).strip()
