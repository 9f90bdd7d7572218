"""One copy of each equal string among the loaded articles.

Articles are loaded and anchored in worker processes (or read back from the memo), and
each comes back as a pickle of its own: every article then holds its own copies of the
strings it shares with others (speaker and entity ids, quote kinds, alias names, the ids
of alias mentions, recurring contexts), about a third of the loaded archive's strings.
:func:`share_strings` replaces them, in an article just unpickled and not yet seen by
anything else, with one copy per value, and the equal selectors of alias mentions with
one object. Only the model is imported.

The table is the build's own, not :func:`sys.intern`'s: which of two equal strings an
article keeps then depends only on the articles loaded before it in the same build, never
on what the process did before, so that the memo files it is pickled into are the same
bytes for the same build (pickle writes a string met twice in full or as a reference,
whether it is the same object or an equal copy).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotarium.model import Annotation, Article, DateRef, Mention, Quote, Span


def share_strings(article: Article | None, spans: Iterable[Span],
                  found: set[tuple[str, str, str]], objects: dict[Any, Any]
                  ) -> set[tuple[str, str, str]]:
    """Share the strings of ``article``'s metadata and of ``spans``' annotations (set in
    place: they were unpickled a moment ago and nothing else holds them) and of
    ``found``, which is returned as a new set. ``objects`` maps each string, and each
    selector of an alias mention, to the one kept of its value; the caller keeps it for
    the build."""
    setter = object.__setattr__

    def _intern(value: str) -> str:
        return objects.setdefault(value, value)  # type: ignore[no-any-return]

    if article is not None:
        # the ids the article lists are the very strings its alias mentions refer by (the
        # anchor stage takes them from there): shared too, so that which of its strings
        # are one object, which its memo file's pickle shows, does not depend on the
        # articles before it
        meta = article.meta
        for name in ("actors", "places", "topics"):
            setter(meta, name, tuple(_intern(ident) for ident in getattr(meta, name)))
    for span in spans:
        note: Annotation = span.annotation
        setter(note, "id", _intern(note.id))
        setter(note, "kind", _intern(note.kind))
        if isinstance(note, Mention):
            setter(note, "entity", _intern(note.entity))
            setter(note, "ref", _intern(note.ref))
            if note.auto:
                selector = objects.get(note.selector)
                if selector is None:
                    setter(note.selector, "exact", _intern(note.selector.exact))
                    selector = objects[note.selector] = note.selector
                setter(note, "selector", selector)
        elif isinstance(note, Quote):
            setter(note, "quote_kind", _intern(note.quote_kind))
            if note.speaker is not None:
                setter(note, "speaker", _intern(note.speaker))
            if note.context is not None:
                setter(note, "context", _intern(note.context))
        elif isinstance(note, DateRef) and note.event is not None:
            setter(note, "event", _intern(note.event))
    return {(_intern(kind), _intern(ident), _intern(name)) for kind, ident, name in found}
