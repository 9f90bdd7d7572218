"""Writing what ``annotarium new`` drafted, in the house style of hand-written files.

Keys in the order analysts write them (``text``, then the reference, then
details), plain scalars wherever YAML reads them back unchanged, a blank line
between sections, and ``draft: true`` last in every drafted annotation.
Unresolvable dates are written as comments, for the analyst to complete.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from annotarium.draft_new import Draft, NewActor, NewError, Selection
from annotarium.textmatch import normalize

HEADER = (
    "# Drafted by 'annotarium new' from {source}.\n"
    "# Every annotation marked 'draft: true' is a guess: check it against the article, correct\n"
    "# it, then remove its draft mark ('annotarium check' lists the drafts left).\n"
)


def scalar(value: str) -> str:
    """A string as YAML: plain when YAML reads it back as the same string, else quoted."""
    value = " ".join(value.split())
    if value and value[0] not in "!&*%@`'\"{[|>#?:-,]}" and ": " not in value and " #" not in value:
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _words(text: str) -> str:
    return scalar(normalize(text).strip())


def _selection_lines(selection: Selection) -> list[str]:
    if selection.prefix is not None:
        return [f"    prefix: {scalar(selection.prefix)}"]
    if selection.occurrence is not None:
        return [f"    occurrence: {selection.occurrence}"]
    return []


def annotation_file(draft: Draft) -> str:
    """The annotation file's text."""
    out = [HEADER.format(source=draft.source.name), f"text: {draft.text_path}"]
    if draft.write_title:
        out.append("# the text has no headline or title: 'new' took the first words; replace them")
        out.append(f"title: {scalar(draft.title)}")
    if draft.publication:
        out.append(f"publication: {scalar(draft.publication)}")
    if draft.published is not None:
        if draft.published_from in ("--published", "the front matter"):
            out.append(f"published: {draft.published.isoformat()}")
        else:
            out += [
                "published:",
                f"  date: {draft.published.isoformat()}",
                "  inferred: true",
                f"  reasoning: Read from {draft.published_from} by 'annotarium new'; check it.",
            ]
    else:
        out.append(
            "# published: YYYY-MM-DD  (not found in the text: relative dates are unresolved)"
        )
    out.append("authors: []")
    if draft.masthead_lines or draft.caption:
        out.append("export:")
        out.append(f"  masthead_lines: {draft.masthead_lines}")
        out.append(f"  caption: {'true' if draft.caption else 'false'}")
    for key, ids in (("actors", draft.actors), ("places", draft.places), ("topics", draft.topics)):
        if ids:
            out += ["", f"{key}:"] + [f"  - {i}" for i in ids]
    if draft.quotes:
        out += ["", "quotes:"]
        for quote, speaker, selection in draft.quotes:
            out.append(f"  - text: {_words(quote.text)}")
            out += _selection_lines(selection)
            if speaker is not None:
                out.append(f"    speaker: {speaker}")
            if quote.kind != "direct":
                out.append(f"    kind: {quote.kind}")
            out.append("    draft: true")
    resolved = [(d, s) for d, s in draft.dates if d.date is not None]
    unresolved = [d for d, _ in draft.dates if d.date is None]
    if resolved or unresolved:
        out += ["", "dates:" if resolved else "dates: []"]
        for date, selection in resolved:
            out.append(f"  - text: {_words(date.text)}")
            out += _selection_lines(selection)
            out.append(f"    date: {date.date}")
            if date.approximate:
                out.append("    approximate: true")
            if date.relative:
                out.append("    relative: true")
            out.append("    draft: true")
        if unresolved:
            out.append("  # not resolved by 'annotarium new': add 'date:', then uncomment")
            out += [f"  # - text: {_words(d.text)}" for d in unresolved]
    return "\n".join(out) + "\n"


def actors_block(draft: Draft, new_actors: list[NewActor]) -> str:
    """Registry entries for the proposed actors, to append to content/actors.yaml."""
    out = [
        "",
        f"# Proposed by 'annotarium new' for the article '{draft.slug}': check each entry,",
        "# merge it with an existing actor if it is one, then remove this comment.",
    ]
    for actor in new_actors:
        out += [
            f"{actor.id}:",
            f"  name: {scalar(actor.name)}",
            f"  kind: {actor.kind}",
            f"  description: {scalar(actor.description)}",
            "  source: the article",
        ]
    return "\n".join(out) + "\n"


def write_draft(root: Path, draft: Draft, *, force: bool = False) -> list[Path]:
    """Copy the text into seeds/, write the annotation file and the proposed actors.

    Refuses (NewError) to overwrite an annotation file or a different seed of the same
    name unless ``force``. Returns the files written."""
    target = root / draft.text_path
    annotation = root / "content" / "articles" / f"{draft.slug}.yaml"
    if annotation.exists() and not force:
        raise NewError(f"{annotation} already exists (use --slug NAME, or --force to replace it)")
    if (
        target.exists()
        and target.resolve() != draft.source.resolve()
        and not force
        and (target.read_bytes() != draft.source.read_bytes())
    ):
        raise NewError(f"{target} already exists with other text (use --slug NAME or --force)")
    written = []
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.resolve() != draft.source.resolve():
        shutil.copyfile(draft.source, target)
        written.append(target)
    annotation.parent.mkdir(parents=True, exist_ok=True)
    annotation.write_text(annotation_file(draft), encoding="utf-8")
    written.append(annotation)
    if draft.new_actors:
        registry = root / "content" / "actors.yaml"
        existing = registry.read_text(encoding="utf-8") if registry.exists() else ""
        if existing.strip() in ("{}", ""):
            existing = ""
        separator = "" if not existing or existing.endswith("\n") else "\n"
        registry.write_text(
            existing + separator + actors_block(draft, draft.new_actors), encoding="utf-8"
        )
        written.append(registry)
    return written
