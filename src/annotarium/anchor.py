"""Stage 2: tie every annotation to the exact range of text it refers to.

Explicit annotations are found by their words (loosely: see
:mod:`annotarium.textmatch`), narrowed by prefix, suffix or occurrence. Then
the names and aliases of the actors, places and topics an article lists are
found as whole words and become automatic mentions, except where an explicit
annotation already covers them. Ranges must stay inside one block and nest
properly; anything that cannot be anchored is reported with the places the
analyst should look at.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from annotarium.diagnostics import Diagnostics, Location
from annotarium.model import (
    AnchoredArchive,
    AnchoredArticle,
    Annotation,
    Archive,
    Article,
    Mention,
    Reanchor,
    Selector,
    Span,
)
from annotarium.textmatch import NormalizedText, normalize

# When two spans cover the same range, the outer one comes first in this order.
_NESTING = {"note": 0, "quote": 1, "event": 2, "actor": 3, "place": 4, "topic": 5}


def anchor(archive: Archive, diags: Diagnostics) -> AnchoredArchive:
    """Anchor every article's annotations; report what cannot be anchored."""
    used_names: set[tuple[str, str, str]] = set()  # (entity kind, id, name) found somewhere
    articles = []
    for article in archive.articles:
        spans, found = anchor_article(article, archive, diags)
        used_names |= found
        articles.append(AnchoredArticle(article, tuple(spans)))
    warn_unused_names(archive, used_names, diags)
    return AnchoredArchive(archive, tuple(articles))


def anchor_article(
    article: Article, archive: Archive, diags: Diagnostics
) -> tuple[list[Span], set[tuple[str, str, str]]]:
    """The spans of one article and the (kind, id, name) aliases that matched in it."""
    text = NormalizedText(article.text.text)
    explicit: list[Span] = []
    last_start: dict[type, int] = {}  # where the previous annotation of each list was
    for annotation in article.annotations:
        span = _anchor_one(annotation, article, text, diags, last_start.get(type(annotation)))
        if span is not None:
            explicit.append(span)
            last_start[type(annotation)] = span.start
    _check_nesting(explicit, article, diags)
    automatic, found = _alias_mentions(article, archive, text, explicit)
    spans = sorted(explicit + automatic, key=_span_order)
    return spans, found


def _span_order(span: Span) -> tuple[int, int, int, str]:
    return (span.start, -span.end, _NESTING[span.annotation.kind], span.annotation.id)


def source_location(article: Article, offset: int) -> Location:
    """Where an offset of the article's text is in its source file (line and column)."""
    block = article.text.block_at(offset)
    if block is None or not block.source_line:
        return Location(article.source_path, 1, 1)
    inside = article.text.text[block.start : offset]
    line = block.source_line + inside.count("\n")
    col = len(inside) - (inside.rfind("\n") + 1) + 1
    return Location(article.source_path, line, col)


def _describe_places(article: Article, offsets: list[int]) -> str:
    shown = [f"line {source_location(article, o).line}" for o in offsets[:6]]
    more = f" and {len(offsets) - 6} more" if len(offsets) > 6 else ""
    return ", ".join(shown) + more


def _anchor_one(
    annotation: Annotation, article: Article, text: NormalizedText, diags: Diagnostics,
    hint: int | None = None,
) -> Span | None:
    selector = annotation.selector
    exact = normalize(selector.exact).strip()
    where = annotation.location
    if not exact:
        diags.error(where, "the annotation's text is empty", code="not-found")
        return None
    hits = text.find_all(exact)
    name = _display(annotation)
    if not hits:
        # capitals are never loosened (the not-found hint names the difference instead)
        other_case = text.text.lower().find(exact.lower()) != -1
        span = None if other_case else _reanchor(annotation, article, text, exact, [], hint,
                                                 diags)
        if span is None:
            diags.error(
                where,
                f"{name} not found in {_file(article.source_path)} (an orphan: no passage "
                "is close enough to re-anchor it)",
                _not_found_hint(exact, text),
                code="not-found",
            )
        return span
    candidates = hits
    if selector.prefix is not None:
        prefix = normalize(selector.prefix).strip()
        candidates = [h for h in candidates if text.text[:h].rstrip().endswith(prefix)]
    if selector.suffix is not None:
        suffix = normalize(selector.suffix).strip()
        candidates = [
            h for h in candidates if text.text[h + len(exact) :].lstrip().startswith(suffix)
        ]
    if not candidates:
        span = _reanchor(annotation, article, text, exact, hits, hint, diags)
        if span is not None:
            return span
        context = " and ".join(
            k
            for k, v in (("prefix", selector.prefix), ("suffix", selector.suffix))
            if v is not None
        )
        diags.error(
            where,
            f"{name} occurs {len(hits)} time(s), but never with this {context}",
            f"it occurs at {_describe_places(article, [text.to_original(h) for h in hits])}"
            f" of {_file(article.source_path)}",
            code="not-found",
        )
        return None
    if selector.occurrence is not None:
        if selector.occurrence > len(candidates):
            diags.error(
                where,
                f"{name} occurs {len(candidates)} time(s); there is no "
                f"occurrence {selector.occurrence}",
                code="not-found",
            )
            return None
        chosen = candidates[selector.occurrence - 1]
    elif len(candidates) > 1:
        places = _describe_places(article, [text.to_original(h) for h in candidates])
        diags.error(
            where,
            f"{name} is ambiguous: it occurs {len(candidates)} times "
            f"({places} of {_file(article.source_path)})",
            "add 'prefix:' or 'suffix:' with a few neighbouring words, or 'occurrence: N'",
            code="ambiguous",
        )
        return None
    else:
        chosen = candidates[0]
    start, end = text.span_to_original(chosen, chosen + len(exact))
    first, last = article.text.block_at(start), article.text.block_at(end - 1)
    if first is None or first is not last:
        diags.error(
            where,
            f"{name} runs across a paragraph break",
            "annotate each paragraph's part separately",
            code="crosses-block",
        )
        return None
    return Span(annotation, start, end)


def _reanchor(
    annotation: Annotation, article: Article, text: NormalizedText, exact: str,
    exact_hits: list[int], hint: int | None, diags: Diagnostics,
) -> Span | None:
    """Find words whose text or context changed (see :mod:`annotarium.anchor_fuzzy`);
    warn with the old and new words. None when no passage is close enough."""
    from annotarium.anchor_fuzzy import choose, context_words

    selector = annotation.selector
    prefix = normalize(selector.prefix).strip() if selector.prefix is not None else None
    suffix = normalize(selector.suffix).strip() if selector.suffix is not None else None
    best, _ = choose(text.text, exact, prefix, suffix, hint, exact_hits)
    if best is None:
        return None
    start, end = text.span_to_original(best.start, best.end)
    first, last = article.text.block_at(start), article.text.block_at(end - 1)
    if first is None or first is not last:
        return None
    new_text = text.text[best.start : best.end]
    new_prefix = context_words(text.text, best.start, prefix, before=True)
    new_suffix = context_words(text.text, best.end, suffix, before=False)
    moved = Reanchor(new_text, new_prefix, new_suffix, round(best.score, 3))
    name = _display(annotation)
    line = source_location(article, start).line
    fix = "run 'annotarium check --fix' to update the annotation file"
    if new_text != exact:
        diags.warning(
            annotation.where("text"),
            f"{name} changed in {_file(article.source_path)}: it now reads '{new_text}' "
            f"(line {line})",
            f"it was '{exact}'; {fix}",
            code="reanchored",
        )
    else:
        changed = [
            f"{key} '{old}' is now '{new}'"
            for key, old, new in (("prefix", prefix, new_prefix), ("suffix", suffix, new_suffix))
            if old is not None and old != new
        ]
        diags.warning(
            annotation.where("text"),
            f"{name} moved in {_file(article.source_path)}: found at line {line}, where its "
            + "; ".join(changed),
            fix,
            code="reanchored",
        )
    return Span(annotation, start, end, moved)


def _display(annotation: Annotation) -> str:
    words = " ".join(annotation.selector.exact.split())
    if len(words) > 60:
        words = words[:57] + "…"
    kind = {
        "event": "date",
        "actor": "mention",
        "place": "place mention",
        "topic": "topic mention",
    }.get(annotation.kind, annotation.kind)
    return f"{kind} '{words}'"


def _file(path: Path) -> str:
    return path.name


def _not_found_hint(exact: str, text: NormalizedText) -> str | None:
    lowered = text.text.lower().find(exact.lower())
    if lowered != -1:
        found = text.text[lowered : lowered + len(exact)]
        return f"the text has it with other capitals: '{found}'"
    # how far does the typed text match? Point at the first word that differs.
    words = exact.split(" ")
    for count in range(len(words) - 1, 0, -1):
        head = " ".join(words[:count])
        if len(head) >= 12 and text.text.find(head) != -1:
            return (
                f"the text has '{head}' but then differs at '{words[count]}' "
                "(check spelling, dashes and punctuation)"
            )
    return "check the spelling against the article; quotes and spacing need not match"


def _check_nesting(spans: list[Span], article: Article, diags: Diagnostics) -> None:
    """Explicit spans may nest but not cross: the page could not show crossing marks."""
    ordered = sorted(spans, key=_span_order)
    stack: list[Span] = []
    for span in ordered:
        while stack and stack[-1].end <= span.start:
            stack.pop()
        if stack and span.end > stack[-1].end:
            other = stack[-1]
            diags.error(
                span.annotation.location,
                f"{_display(span.annotation)} overlaps {_display(other.annotation)} "
                f"(line {other.annotation.location.line}) without containing it",
                "marks can nest but not cross: shorten one so that one lies inside the other",
                code="overlap",
            )
            continue
        stack.append(span)


def _alias_mentions(
    article: Article, archive: Archive, text: NormalizedText, explicit: list[Span]
) -> tuple[list[Span], set[tuple[str, str, str]]]:
    """Mentions found by name and alias, for the entities the article lists."""
    names: dict[str, tuple[str, str]] = {}  # normalised name -> (entity kind, id)
    tables = (
        ("actor", article.meta.actors, archive.actors),
        ("place", article.meta.places, archive.places),
        ("topic", article.meta.topics, archive.topics),
    )
    for kind, ids, table in tables:
        for entity_id in ids:
            entity = table.get(entity_id)
            if entity is None:
                continue
            for name in entity.names:
                key = normalize(name).strip()
                if key and key not in names:  # first listed wins a shared name
                    names[key] = (kind, entity_id)
    if not names:
        return [], set()
    # An automatic mention is dropped inside an explicit entity mention (which covers its
    # words) and where it would cross any explicit span (marks nest but do not cross).
    covering = sorted((s.start, s.end) for s in explicit if isinstance(s.annotation, Mention))
    bounds = sorted((s.start, s.end) for s in explicit)
    bound_starts = [s for s, _ in bounds]
    longest = max((e - s for s, e in bounds), default=0)
    covering_starts = [s for s, _ in covering]
    longest_cover = max((e - s for s, e in covering), default=0)
    spans: list[Span] = []
    found: set[tuple[str, str, str]] = set()
    counters: defaultdict[str, int] = defaultdict(int)
    # one location and one selector per name for all of them: an article has dozens
    where = Location(article.annotation_path)
    selectors: dict[str, Selector] = {}
    for match_start, match_end in find_names(text.text, names):
        name = text.text[match_start:match_end]
        selector = selectors.get(name)
        if selector is None:
            selector = selectors[name] = Selector(name)
        name = selector.exact
        kind, entity_id = names[name]
        start, end = text.span_to_original(match_start, match_end)
        found.add((kind, entity_id, name))
        # only spans starting within `longest` characters before the match can touch it
        lo = bisect.bisect_left(covering_starts, start - longest_cover)
        hi = bisect.bisect_right(covering_starts, start)
        if any(covering[i][1] >= end for i in range(lo, hi)):
            continue
        lo = bisect.bisect_left(bound_starts, start - longest)
        hi = bisect.bisect_left(bound_starts, end)
        if any(_crosses(start, end, *bounds[i]) for i in range(lo, hi)):
            continue
        first, last = article.text.block_at(start), article.text.block_at(end - 1)
        if first is None or first is not last:
            continue
        counters[entity_id] += 1
        mention = Mention(
            f"{kind}-{entity_id}-{counters[entity_id]}"[:80],
            selector,
            where,
            entity=kind,
            ref=entity_id,
            auto=True,
        )  # type: ignore[arg-type]
        spans.append(Span(mention, start, end))
    return spans, found


_WORD = re.compile(r"\w+")


def find_names(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where the names occur as whole words: leftmost first, the longest name at each
    place, never overlapping (what one regex of the names, longest first, would find).

    Names are looked up by their first word at each word of the text, which costs a
    dictionary lookup per word instead of compiling a regex for every set of names.
    """
    by_first_word: dict[str, list[str]] = defaultdict(list)
    other: list[str] = []  # names that do not start with a word character
    for name in names:
        first = _WORD.match(name)
        if first:
            by_first_word[first.group()].append(name)
        else:
            other.append(name)
    for candidates in by_first_word.values():
        candidates.sort(key=lambda n: (-len(n), n))
    found: list[tuple[int, int]] = []
    length = len(text)
    for word in _WORD.finditer(text):
        candidates = by_first_word.get(word.group())
        if not candidates:
            continue
        position = word.start()
        for name in candidates:
            end = position + len(name)
            if text.startswith(name, position) and (
                    end == length or not (text[end].isalnum() or text[end] == "_")):
                found.append((position, end))
                break
    if other:
        pattern = _names_pattern(tuple(sorted(other, key=lambda n: (-len(n), n))))
        found.extend(m.span() for m in pattern.finditer(text))
        found.sort(key=lambda item: (item[0], -item[1]))
    result: list[tuple[int, int]] = []
    last_end = -1
    for start, end in found:
        if start >= last_end:
            result.append((start, end))
            last_end = end
    return result


@functools.lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for names, longest first, as whole words."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


def _crosses(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether two ranges overlap without one containing the other."""
    return (other_start < end and start < other_end
            and not (other_start <= start and end <= other_end)
            and not (start <= other_start and other_end <= end))


def warn_unused_names(
    archive: Archive, found: set[tuple[str, str, str]], diags: Diagnostics
) -> None:
    """An alias that matches nothing in any article listing its entity is probably a typo."""
    listed: defaultdict[tuple[str, str], int] = defaultdict(int)
    for article in archive.articles:
        for kind, ids in (
            ("actor", article.meta.actors),
            ("place", article.meta.places),
            ("topic", article.meta.topics),
        ):
            for entity_id in ids:
                listed[(kind, entity_id)] += 1
    matched = {(kind, entity_id, name) for kind, entity_id, name in found}
    for kind, table in (
        ("actor", archive.actors),
        ("place", archive.places),
        ("topic", archive.topics),
    ):
        for entity in table.values():
            if not listed.get((kind, entity.id)):
                continue
            for index, alias in enumerate(entity.aliases):
                if (kind, entity.id, normalize(alias).strip()) not in matched:
                    where = (
                        entity.alias_locations[index]
                        if index < len(entity.alias_locations)
                        else entity.location
                    )
                    diags.warning(
                        where,
                        f"the alias '{alias}' of {kind} "
                        f"'{entity.id}' matches nothing in the articles that list it",
                        "remove it, or check its spelling and capitals",
                        code="unused-alias",
                    )
