"""The ``annotarium new`` command's work: draft, write, then check what was written."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from annotarium.diagnostics import Diagnostics, display_path

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def run_new(path: Path, root: Path, slug: str | None, published: str | None, force: bool) -> int:
    """Draft the article at ``path`` into the archive at ``root``; print what was done."""
    from annotarium import schema
    from annotarium.draft_new import NewError, draft_article
    from annotarium.draft_yaml import write_draft
    from annotarium.load import load_foundation
    from annotarium.resources import looks_like_archive

    def fail(message: str) -> int:
        print(f"annotarium: error: {message}", file=sys.stderr)
        return EXIT_USAGE

    if not looks_like_archive(root):
        return fail(
            f"{root} is not an archive (it has neither annotarium.yaml nor content/); "
            "run 'annotarium new' inside one, or pass --source DIR"
        )
    if not path.is_file():
        return fail(f"{path} is not a file")
    if path.suffix.lower() not in (".txt", ".md", ".markdown", ""):
        return fail(f"{path.name}: 'new' reads plain-text exports (.txt) and Markdown (.md)")
    if slug is not None and schema.slug_problem(slug):
        return fail(f"--slug {slug}: {schema.slug_problem(slug)}")
    day = None
    if published is not None:
        try:
            day = dt.date.fromisoformat(published)
        except ValueError:
            return fail(f"--published {published} is not a date (write YYYY-MM-DD)")
    diags = Diagnostics()
    foundation = load_foundation(root, diags)
    if diags.has_errors():
        for item in diags:
            print(item.format(), file=sys.stderr)
        return EXIT_CONTENT
    registries = foundation.registries
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {path}: {exc}")
    if not text.strip():
        return fail(f"{path} is empty")
    try:
        draft = draft_article(
            path, registries.actors, registries.places, registries.topics, slug=slug, published=day
        )
        written = write_draft(foundation.root, draft, force=force)
    except NewError as exc:
        return fail(str(exc))
    resolved = sum(1 for d, _ in draft.dates if d.date is not None)
    print(f"Drafted '{draft.title}' as {draft.slug}:")
    print(
        f"  {len(draft.quotes)} quotes ({len(draft.new_actors)} new speakers proposed), "
        f"{resolved} dates resolved, {len(draft.dates) - resolved} left for you to resolve"
    )
    print(
        f"  {len(draft.actors)} actors, {len(draft.places)} places, "
        f"{len(draft.topics)} topics listed"
    )
    if draft.published is None:
        print(
            "  no publication date found: pass --published YYYY-MM-DD to resolve "
            "'Tuesday' or 'last February'"
        )
    else:
        print(f"  published {draft.published.isoformat()} (from {draft.published_from})")
    for file in written:
        print(f"  wrote {display_path(file)}")
    print("Next: 'annotarium check' lists every draft; review each and remove 'draft: true'.")
    return EXIT_OK
