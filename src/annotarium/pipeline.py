"""The pipeline, stage by stage: ``load → anchor → link → render → write``.

:func:`check_archive` runs the first three stages and writes nothing;
:func:`build_site` runs all five. Each stage is a module with the same name;
this one only passes values from one to the next and times them.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotarium.anchor import anchor
from annotarium.diagnostics import Diagnostics
from annotarium.link import LinkedArchive, link
from annotarium.load import load
from annotarium.model import AnchoredArchive, Mention
from annotarium.resources import builtin_templates


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: the diagnostics, and the linked archive when it loaded."""

    diagnostics: Diagnostics
    linked: LinkedArchive | None
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors()

    def summary(self) -> dict[str, Any]:
        return summarize(self.linked.anchored) if self.linked else {"articles": 0}


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult
    output: Path | None
    pages: Counter[str] = field(default_factory=Counter)
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)


def check_archive(source: Path) -> CheckResult:
    """Load, anchor and link the archive at ``source``; write nothing."""
    started = time.perf_counter()
    diags = Diagnostics()
    archive = load(source, diags)
    anchored = anchor(archive, diags)
    linked = link(anchored)
    return CheckResult(diags, linked, time.perf_counter() - started)


def build_site(
    source: Path, output: Path, base_url: str | None = None, live_reload_script: str | None = None
) -> BuildResult:
    """Check the archive, then render and write the site; write nothing if it has errors."""
    from annotarium.render import RenderOptions, render_site
    from annotarium.write import check_output_dir, recover, write_site

    started = time.perf_counter()
    output = check_output_dir(output, source)
    checked = check_archive(source)
    if not checked.ok or checked.linked is None:
        return BuildResult(checked, None, seconds=time.perf_counter() - started)
    linked = checked.linked
    config = linked.archive.config
    template_dirs = (*linked.archive.template_dirs, builtin_templates())
    options = RenderOptions(
        template_dirs=tuple(dict.fromkeys(p.resolve() for p in template_dirs)),
        base_url=config.base_url if base_url is None else base_url,
        live_reload_script=live_reload_script,
    )
    rendering = time.perf_counter()
    pages = render_site(linked, options)
    writing = time.perf_counter()
    recover(output)
    written = write_site(((p.path, p.content) for p in pages), output)
    done = time.perf_counter()
    return BuildResult(
        check=checked,
        output=output,
        pages=Counter(p.kind for p in pages),
        files=written.files,
        bytes=written.bytes,
        seconds=done - started,
        stage_seconds={
            "check": checked.seconds,
            "render": writing - rendering,
            "write": done - writing,
        },
    )


def build_errors(source: Path, output: Path) -> list[str]:
    """Build, and return the errors as ``check`` prints them (empty on success)."""
    from annotarium.write import OutputError

    try:
        result = build_site(source, output)
    except (OutputError, OSError) as exc:
        return [f"annotarium: error: {exc}"]
    if result.output is None:
        return [d.format() for d in result.check.diagnostics.errors]
    return []


def summarize(anchored: AnchoredArchive) -> dict[str, Any]:
    """Counts of articles and of each kind of annotation, per article and in total."""
    kinds = ("quotes", "mentions", "dates", "places", "topics", "notes", "alias_mentions")
    totals: Counter[str] = Counter(dict.fromkeys(kinds, 0))
    per_article = {}
    for article in anchored.articles:
        counts: Counter[str] = Counter(dict.fromkeys(kinds, 0))
        for span in article.spans:
            counts[_summary_key(span.annotation)] += 1
        per_article[article.slug] = dict(sorted(counts.items()))
        totals.update(counts)
    archive = anchored.archive
    return {
        "articles": len(anchored.articles),
        "actors": len(archive.actors),
        "places": len(archive.places),
        "topics": len(archive.topics),
        "events": len(archive.events),
        "annotations": dict(sorted(totals.items())),
        "per_article": per_article,
    }


def _summary_key(annotation: object) -> str:
    if isinstance(annotation, Mention):
        if annotation.auto:
            return "alias_mentions"
        return {"actor": "mentions", "place": "places", "topic": "topics"}[annotation.entity]
    return {"quote": "quotes", "event": "dates", "note": "notes"}[annotation.kind]  # type: ignore[attr-defined]
