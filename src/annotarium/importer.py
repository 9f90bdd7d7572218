"""``annotarium import``: W3C Web Annotations into an article's annotation file, as drafts.

Each annotation is anchored by its TextQuoteSelector, the way ``check``
anchors (quotes and whitespace loosely, see :mod:`annotarium.textmatch`); its
prefix and suffix, then its TextPositionSelector, choose between repeated
words. What it says decides what it becomes (see docs/exports.md, "Importing"):

- tagged ``quote``, ``partial-quote`` or ``term`` (as Annotarium's export tags
  them, or as a Hypothesis tag), or classifying with a speaker: a quote;
- tagged ``actor``, ``place`` or ``topic``, or identifying an actor, place or
  topic page: a mention; tagged ``date``, or describing with an ISO date: a date;
- with a comment (Hypothesis ``text``, a ``commenting`` body): a note;
- a bare highlight: a quote, its speaker guessed from the nearest actor named in
  the paragraph (reported, to be checked), or left for the analyst to fill in.

Every item is written with ``draft: true`` at the end of its list, without
touching the rest of the file (:mod:`annotarium.yamlappend`). An annotation
that cannot be read, anchored or written is reported with the reason; one that
is already in the file, or a reply, is reported and skipped.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from annotarium.anchor import anchor_article
from annotarium.diagnostics import Diagnostic, Diagnostics, Location, did_you_mean
from annotarium.edtf import from_edtf
from annotarium.load import Foundation, load_foundation
from annotarium.load_articles import load_article
from annotarium.model import Article, Mention, Quote, Span
from annotarium.textmatch import NormalizedText, normalize
from annotarium.webanno import Incoming, flatten, read_annotation
from annotarium.yamlappend import AppendError, append_to_list

QUOTE_TAGS = {"quote": "direct", "partial-quote": "partial", "term": "term"}
KIND_TAGS = {*QUOTE_TAGS, "actor", "place", "topic", "date", "note"}
SECTIONS = {
    "quote": "quotes",
    "actor": "mentions",
    "place": "places",
    "topic": "topics",
    "event": "dates",
    "note": "notes",
}
ENTITY_KEYS = {"actor": "actor", "place": "place", "topic": "topic"}
MISSING_SPEAKER = "a quote needs a 'speaker'"


class ImportUsageError(Exception):
    """The command cannot start (no such article or file); the message says why."""


@dataclass(frozen=True)
class Draft:
    label: str
    kind: str  # quote | actor | place | topic | event | note
    fields: dict[str, Any]  # the YAML item, in order
    start: int
    end: int


@dataclass
class ImportReport:
    annotation_file: Path
    added: list[Draft] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    @property
    def failed(self) -> bool:
        return self.diagnostics.has_errors()

    def summary(self) -> str:
        """One line: how many were imported, of which kinds, and how many were not."""
        kinds: dict[str, int] = {}
        for draft in self.added:
            name = {"event": "date", "actor": "mention"}.get(draft.kind, draft.kind)
            kinds[name] = kinds.get(name, 0) + 1
        counts = ", ".join(f"{n} {k}{'' if n == 1 else 's'}" for k, n in sorted(kinds.items()))
        added = len(self.added)
        return (
            f"Imported {added} annotation{'' if added == 1 else 's'} into "
            f"{self.annotation_file} as drafts"
            + (f" ({counts})" if counts else "")
            + f"; {len(self.diagnostics.errors)} could not be imported"
        )


def run_import(source: Path, slug: str, document: Path) -> int:
    """The ``annotarium import`` command: import, print the problems and a summary, and
    return the exit code (0 all imported, 1 some could not be, 2 no such article or file)."""
    try:
        report = import_annotations(source, slug, document)
    except ImportUsageError as exc:
        print(f"annotarium: error: {exc}", file=sys.stderr)
        return 2
    for problem in report.diagnostics.sorted():
        print(problem.format(), file=sys.stderr)
    print(report.summary())
    return 1 if report.failed else 0


def import_annotations(source: Path, slug: str, document: Path) -> ImportReport:
    """Append the annotations in ``document`` to article ``slug`` of the archive ``source``."""
    load_diags = Diagnostics()
    foundation = load_foundation(source, load_diags)
    path = foundation.root / "content" / "articles" / f"{slug}.yaml"
    if not path.is_file():
        folder = path.parent
        known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        hint = did_you_mean(slug, known)
        raise ImportUsageError(
            f"there is no article '{slug}' ({path} does not exist)"
            + (f"; did you mean '{hint}'?" if hint else "")
        )
    if not document.is_file():
        raise ImportUsageError(f"cannot read {document}: no such file")
    report = ImportReport(path)
    diags = report.diagnostics
    article = load_article(foundation.root, path, slug, foundation.registries, load_diags)
    if article is None or load_diags.has_errors():
        diags.extend(load_diags.errors)
        diags.error(Location(path), "fix the errors above before importing into this article")
        return report
    try:
        data = json.loads(document.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportUsageError(f"cannot read {document}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        line, col = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
        diags.error(Location(document, line, col), f"not a JSON file: {exc}", code="json")
        return report
    raws, problems = flatten(data)
    for problem in problems:
        diags.error(Location(document), problem, code="not-embedded")
    if not raws and not problems:
        diags.warning(Location(document), "the file holds no annotations")
    importer = _Importer(foundation, article, document, diags)
    elsewhere: dict[str, int] = {}
    for index, raw in enumerate(raws, 1):
        item = read_annotation(raw, index)
        if item.article is not None and item.article != slug:
            elsewhere[item.article] = elsewhere.get(item.article, 0) + 1
            continue  # on another article of an Annotarium site: not for this one
        importer.take(item)
    for other, count in sorted(elsewhere.items()):
        diags.warning(
            Location(document),
            f"{count} annotation(s) on the article '{other}' skipped",
            f"import them with --article {other}",
            code="import",
        )
    report.added = importer.drafts
    if importer.drafts:
        _write(path, importer.drafts, document, diags)
        _recheck(foundation, path, slug, diags)
    return report


class _Importer:
    """Turns incoming annotations into drafts for one article, checking each."""

    def __init__(
        self, foundation: Foundation, article: Article, document: Path, diags: Diagnostics
    ) -> None:
        self.foundation = foundation
        self.article = article
        self.document = document
        self.diags = diags
        self.text = NormalizedText(article.text.text)
        spans, _ = anchor_article(article, foundation.archive(), Diagnostics())
        self.spans: list[Span] = spans
        self.ids = {s.annotation.id for s in spans}
        self.drafts: list[Draft] = []

    def problem(
        self, item: Incoming, message: str, hint: str | None = None, severity: str = "error"
    ) -> None:
        add = self.diags.error if severity == "error" else self.diags.warning
        add(Location(self.document), f"{item.label}: {message}", hint, code="import")

    def take(self, item: Incoming) -> None:
        if item.reply:
            self.problem(item, "a reply to another annotation; not imported", severity="warning")
            return
        if item.exact is None or not item.exact.strip():
            self.problem(
                item,
                "has no TextQuoteSelector, so it cannot be anchored to words of the article",
                "only annotations on a passage can be imported (page notes cannot)",
            )
            return
        kind_fields = self.classify(item)
        if kind_fields is None:
            return
        kind, fields = kind_fields
        located = self.locate(item)
        if located is None:
            return
        start, end, selector = located
        if self.duplicate(kind, fields, start, end):
            self.problem(
                item,
                f"'{_short(item.exact)}' is already annotated as a "
                f"{_kind_name(kind)} there; skipped",
                severity="warning",
            )
            return
        crossing = self.crossing(start, end)
        if crossing is not None:
            self.problem(
                item,
                f"'{_short(item.exact)}' would cross the {crossing}",
                "marks can nest but not cross: annotate it by hand",
            )
            return
        if kind == "highlight":
            kind, fields = "quote", self.guess_speaker(item, start, end)
        item_fields: dict[str, Any] = {"text": self.article.text.text[start:end]}
        if item.ident and item.ident not in self.ids:
            item_fields["id"] = item.ident
            self.ids.add(item.ident)
        item_fields.update(selector)
        item_fields.update(fields)
        item_fields["draft"] = True
        self.drafts.append(Draft(item.label, kind, item_fields, start, end))

    # what it is

    def classify(self, item: Incoming) -> tuple[str, dict[str, Any]] | None:
        tags = [t.strip().lower() for t in item.tags]
        kind_tag = next((t for t in tags if t in KIND_TAGS), None)
        identifying = [(k, i, f) for p, k, i, f in item.links if p == "identifying"]
        texts = [v for p, v in item.texts if p == "commenting" and v.strip()]
        # one comment is kept as written (a note's Markdown may end in a newline)
        comments = texts[0] if len(texts) == 1 else "\n\n".join(v.strip() for v in texts) or None
        describing = [v for p, v in item.texts if p == "describing"]
        actors = [i for k, i, _ in identifying if k == "actor"]
        if kind_tag in QUOTE_TAGS or (
            kind_tag is None and actors and "classifying" in item.motivation
        ):
            quote_kind = QUOTE_TAGS.get(kind_tag or "quote", "direct")
            fields: dict[str, Any] = {}
            if actors and quote_kind != "term":
                if not self.known("actor", actors[0], item):
                    return None
                fields["speaker"] = actors[0]
            if quote_kind != "direct":
                fields["kind"] = quote_kind
            if describing:
                fields["context"] = describing[0]
            if comments:
                fields["note"] = comments
            cited = [(i, f) for p, k, i, f in item.links if p == "linking" and k == "article"]
            if cited:
                fields["cites"] = cited[0][0] + (f"#{cited[0][1]}" if cited[0][1] else "")
            if "speaker" not in fields and quote_kind != "term":
                return "highlight", fields
            return "quote", fields
        entity = (
            kind_tag
            if kind_tag in ENTITY_KEYS
            else next((k for k, _, _ in identifying if k in ENTITY_KEYS), None)
            if kind_tag is None
            else None
        )
        if entity:
            ids = [i for k, i, _ in identifying if k == entity]
            if not ids:
                self.problem(item, f"is tagged '{entity}' but names no {entity} page")
                return None
            if not self.known(entity, ids[0], item):
                return None
            return entity, {ENTITY_KEYS[entity]: ids[0]}
        dates = [d for d in (from_edtf(v) for v in describing) if d]
        if kind_tag == "date" or (kind_tag is None and dates):
            if not dates:
                self.problem(
                    item,
                    "is tagged 'date' but has no date (an ISO 8601 value in a describing body)",
                )
                return None
            raw, approximate = dates[0]
            fields = {"date": raw}
            if approximate:
                fields["approximate"] = True
            events = [i for k, i, _ in identifying if k == "event"]
            if events:
                if events[0] not in self.foundation.events:
                    self.problem(item, f"its event '{events[0]}' is not in content/events.yaml")
                    return None
                fields["event"] = events[0]
            if comments:
                fields["note"] = comments
            return "event", fields
        if comments:
            return "note", {"body": comments}
        return "highlight", {}

    def known(self, kind: str, ident: str, item: Incoming) -> bool:
        table = {
            "actor": self.foundation.registries.actors,
            "place": self.foundation.registries.places,
            "topic": self.foundation.registries.topics,
        }[kind]
        if ident in table:
            return True
        hint = did_you_mean(ident, table)
        self.problem(
            item,
            f"its {kind} '{ident}' is not in content/{kind}s.yaml",
            f"did you mean '{hint}'?"
            if hint
            else f"add '{ident}' to the registry first, then import again",
        )
        return False

    # where it is

    def locate(self, item: Incoming) -> tuple[int, int, dict[str, Any]] | None:
        text = self.text
        exact = normalize(item.exact or "").strip()
        hits = text.find_all(exact)
        if not hits:
            lowered = text.text.lower().find(exact.lower())
            found = text.text[lowered : lowered + len(exact)]
            hint = (
                f"the text has it with other capitals: '{found}'"
                if lowered != -1
                else "was it made on another version of the text?"
            )
            self.problem(item, f"'{_short(exact)}' is not in the article's text", hint)
            return None
        candidates = [h for h in hits if self.fits(h, exact, item.prefix, item.suffix)] or hits
        if len(candidates) > 1 and item.start is not None:
            start = item.start
            candidates = [min(candidates, key=lambda h: (abs(text.to_original(h) - start), h))]
        if len(candidates) > 1:
            self.problem(
                item,
                f"'{_short(exact)}' occurs {len(candidates)} times and neither "
                "its prefix and suffix nor a TextPositionSelector say which",
            )
            return None
        chosen = candidates[0]
        start, end = text.span_to_original(chosen, chosen + len(exact))
        first, last = self.article.text.block_at(start), self.article.text.block_at(end - 1)
        if first is None or first is not last:
            self.problem(
                item,
                f"'{_short(exact)}' runs across a paragraph break",
                "annotate each paragraph's part separately",
            )
            return None
        return start, end, self.disambiguate(hits, chosen, exact)

    def fits(self, hit: int, exact: str, prefix: str | None, suffix: str | None) -> bool:
        """The anchor stage's test: the words just before and after, compared loosely."""
        text = self.text.text
        if prefix is not None and not text[:hit].rstrip().endswith(normalize(prefix).strip()):
            return False
        return suffix is None or text[hit + len(exact) :].lstrip().startswith(
            normalize(suffix).strip()
        )

    def disambiguate(self, hits: list[int], chosen: int, exact: str) -> dict[str, Any]:
        """The fewest words of prefix or suffix that single out ``chosen``, else occurrence."""
        if len(hits) == 1:
            return {}
        text = self.text.text
        before, after = text[:chosen].rstrip().split(" "), text[chosen + len(exact) :].lstrip()
        after_words = after.split(" ")
        for count in range(1, 9):
            prefix = " ".join(before[-count:]).strip()
            if prefix and [h for h in hits if self.fits(h, exact, prefix, None)] == [chosen]:
                return {"prefix": prefix}
            suffix = " ".join(after_words[:count]).strip()
            if suffix and [h for h in hits if self.fits(h, exact, None, suffix)] == [chosen]:
                return {"suffix": suffix}
        return {"occurrence": hits.index(chosen) + 1}

    def duplicate(self, kind: str, fields: dict[str, Any], start: int, end: int) -> bool:
        wanted = "quote" if kind == "highlight" else kind
        return any(
            s.start == start and s.end == end and s.annotation.kind == wanted for s in self.spans
        ) or any(d.start == start and d.end == end and d.kind == wanted for d in self.drafts)

    def crossing(self, start: int, end: int) -> str | None:
        ranges = [
            (
                s.start,
                s.end,
                f"{_kind_name(s.annotation.kind)} "
                f"'{_short(s.annotation.selector.exact)}' (line {s.annotation.location.line})",
            )
            for s in self.spans
            if not (isinstance(s.annotation, Mention) and s.annotation.auto)
        ]
        ranges += [
            (d.start, d.end, f"{_kind_name(d.kind)} imported as {d.label}") for d in self.drafts
        ]
        for other_start, other_end, name in ranges:
            if (
                other_start < end
                and start < other_end
                and not (
                    (other_start <= start and end <= other_end)
                    or (start <= other_start and other_end <= end)
                )
            ):
                return name
        return None

    def guess_speaker(self, item: Incoming, start: int, end: int) -> dict[str, Any]:
        """A bare highlight is a quote; its speaker the nearest actor in the paragraph."""
        block = self.article.text.block_at(start)
        best: tuple[int, int, str] | None = None
        for span in self.spans:
            annotation = span.annotation
            actor = (
                annotation.ref
                if isinstance(annotation, Mention) and annotation.entity == "actor"
                else annotation.speaker
                if isinstance(annotation, Quote)
                else None
            )
            if not actor or self.article.text.block_at(span.start) is not block:
                continue
            if start <= span.start and span.end <= end:
                continue  # named inside the quoted words: not its speaker
            distance = span.start - end if span.start >= end else start - span.end
            candidate = (max(distance, 0), 0 if span.start >= end else 1, actor)
            best = candidate if best is None or candidate < best else best
        fields = {}
        if best is None:
            self.problem(
                item,
                f"imported as a quote without a speaker: add 'speaker:' to "
                f"'{_short(item.exact or '')}' (check fails until you do)",
                severity="warning",
            )
        else:
            fields["speaker"] = best[2]
            self.problem(
                item,
                f"imported as a quote by '{best[2]}', the nearest actor named in "
                "its paragraph: check the speaker",
                severity="warning",
            )
        return fields


def _write(path: Path, drafts: list[Draft], document: Path, diags: Diagnostics) -> None:
    """Append the drafts to the annotation file, each list in the file's own style."""
    original = path.read_text(encoding="utf-8")
    text = original
    for kind, section in SECTIONS.items():
        items = [d.fields for d in drafts if d.kind == kind]
        try:
            text = append_to_list(text, section, items)
        except (AppendError, yaml.YAMLError) as exc:
            for draft in drafts:
                if draft.kind == kind:
                    diags.error(
                        Location(document),
                        f"{draft.label}: cannot add it to '{section}' in {path.name}: {exc}",
                        code="import",
                    )
            drafts[:] = [d for d in drafts if d.kind != kind]
    if text == original:
        return
    temporary = path.with_name(f".{path.name}.import-tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _recheck(foundation: Foundation, path: Path, slug: str, diags: Diagnostics) -> None:
    """Load the article again: every imported draft must anchor as written."""
    check = Diagnostics()
    article = load_article(foundation.root, path, slug, foundation.registries, check)
    if article is not None:
        anchor_article(article, foundation.archive(), check)
    for problem in check.errors:
        if problem.message != MISSING_SPEAKER:
            diags.add(
                Diagnostic(problem.location, "error", problem.message, problem.hint, problem.code)
            )


def _short(words: str) -> str:
    words = " ".join(words.split())
    return words if len(words) <= 60 else words[:57] + "…"


def _kind_name(kind: str) -> str:
    return {
        "event": "date",
        "actor": "mention",
        "place": "place mention",
        "topic": "topic mention",
        "highlight": "quote",
    }.get(kind, kind)
