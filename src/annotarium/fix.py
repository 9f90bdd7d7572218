"""``annotarium check --fix``: write re-anchored annotations back to their files.

``check`` re-anchors annotations whose words or context changed in the article
(see :mod:`annotarium.anchor_fuzzy`) and only warns. ``--fix`` then rewrites
their ``text`` (and their ``prefix``/``suffix``, where they had one) in the
annotation files, through ruamel.yaml's round-trip mode so that the analyst's
comments, key order, quoting and line breaks stay as they were. Orphans (errors)
are never touched: nothing is known about where they went.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotarium.model import AnchoredArchive, Reanchor

# the lists of an annotation file that hold annotations with a 'text'
SECTIONS = ("quotes", "mentions", "dates", "notes", "places", "topics")


@dataclass(frozen=True)
class FixedFile:
    path: Path
    annotations: int  # how many annotations were rewritten


def round_trip_yaml() -> Any:
    """A ruamel.yaml instance that writes back what it read, byte for byte when unchanged."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line the analyst wrote
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def fix_archive(anchored: AnchoredArchive) -> list[FixedFile]:
    """Rewrite every annotation file that has re-anchored annotations; return what changed."""
    by_file: defaultdict[Path, dict[int, Reanchor]] = defaultdict(dict)
    for article in anchored.articles:
        for span in article.spans:
            if span.reanchored is not None:
                location = span.annotation.location
                by_file[location.path][location.line] = span.reanchored
    fixed = []
    for path in sorted(by_file):
        count = fix_file(path, by_file[path])
        if count:
            fixed.append(FixedFile(path, count))
    return fixed


def fix_file(path: Path, changes: dict[int, Reanchor]) -> int:
    """Apply re-anchorings (keyed by the 1-based line of their list item) to one file."""
    yaml = round_trip_yaml()
    source = path.read_text(encoding="utf-8")
    data = yaml.load(source)
    count = 0
    for key in SECTIONS:
        items = data.get(key) if hasattr(data, "get") else None
        if not items or not hasattr(items, "lc"):
            continue
        for index, item in enumerate(items):
            change = changes.get(items.lc.item(index)[0] + 1)
            if change is None or not hasattr(item, "get") or "text" not in item:
                continue
            if _apply(item, change):
                count += 1
    if count:
        out = io.StringIO()
        yaml.dump(data, out)
        temporary = path.with_name(f".{path.name}.fix")
        temporary.write_text(out.getvalue(), encoding="utf-8")
        temporary.replace(path)
    return count


def _apply(item: Any, change: Reanchor) -> bool:
    changed = False
    if " ".join(str(item["text"]).split()) != change.text:
        item["text"] = change.text
        changed = True
    for key, value in (("prefix", change.prefix), ("suffix", change.suffix)):
        if key in item and value is not None and item[key] != value:
            item[key] = value
            changed = True
    return changed
