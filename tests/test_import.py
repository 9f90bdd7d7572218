"""annotarium import: exported annotations come back as the same annotations, as drafts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from annotarium.diagnostics import Diagnostics
from annotarium.importer import import_annotations
from annotarium.load import load
from annotarium.model import DateRef, Mention, Note, Quote
from annotarium.pipeline import build_site, check_archive
from annotarium.yamlappend import append_to_list
from conftest import REPO, SAMPLE_FILES, write_archive

ARTICLE = "trump-north-korea-gamble"


def copy_bundled(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    root.mkdir()
    shutil.copy(REPO / "annotarium.yaml", root)
    for folder in ("content", "seeds"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def exported(root: Path, out: Path, slug: str) -> list[dict[str, Any]]:
    assert build_site(root, out).output is not None
    collection = json.loads((out / "data" / "annotations.jsonld").read_text(encoding="utf-8"))
    return [a for a in collection["first"]["items"]
            if a["target"]["source"].rstrip("/").endswith(f"/articles/{slug}")]


def signature(annotation: Any) -> tuple:
    """What an annotation says, without where it was written or whether it is a draft."""
    common = (annotation.kind, annotation.id)
    if isinstance(annotation, Quote):
        return (*common, annotation.speaker, annotation.quote_kind, annotation.context,
                annotation.note, annotation.cites)
    if isinstance(annotation, Mention):
        return (*common, annotation.entity, annotation.ref)
    if isinstance(annotation, DateRef):
        date = annotation.date
        assert date is not None
        return (*common, date.start, date.end, date.precision, date.approximate,
                annotation.event, annotation.note)
    assert isinstance(annotation, Note)
    return (*common, annotation.body)


def spans_of(root: Path, slug: str) -> dict[tuple, tuple[int, int]]:
    checked = check_archive(root)
    assert checked.ok, [d.format() for d in checked.diagnostics.errors]
    assert checked.linked is not None
    article = next(a for a in checked.linked.anchored.articles if a.slug == slug)
    return {signature(s.annotation): (s.start, s.end) for s in article.spans
            if not (isinstance(s.annotation, Mention) and s.annotation.auto)}


def test_export_then_import_gives_the_same_annotations(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path)
    before = spans_of(root, ARTICLE)
    items = exported(root, tmp_path / "out", ARTICLE)
    document = tmp_path / "wapo.jsonld"
    document.write_text(json.dumps(items), encoding="utf-8")
    # keep the metadata and the lists of ids; drop every explicit annotation
    path = root / "content" / "articles" / f"{ARTICLE}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("quotes", "mentions", "dates", "notes"):
        data.pop(key, None)
    for key in ("places", "topics"):
        data[key] = [item for item in data.get(key, []) if isinstance(item, str)]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    report = import_annotations(root, ARTICLE, document)
    assert not report.failed, [d.format() for d in report.diagnostics]
    assert len(report.added) == len(items) == len(before)
    after = spans_of(root, ARTICLE)
    assert after == before  # the same annotations, each on the same words
    diags = Diagnostics()
    article = next(a for a in load(root, diags).articles if a.slug == ARTICLE)
    assert all(a.draft for a in article.annotations)


def test_importing_twice_adds_nothing(tmp_path: Path) -> None:
    """The whole collection: the article's own annotations are all there already, and
    those on other articles are skipped with one warning per article."""
    root = copy_bundled(tmp_path)
    items = exported(root, tmp_path / "out", ARTICLE)
    document = tmp_path / "out" / "data" / "annotations.jsonld"
    path = root / "content" / "articles" / f"{ARTICLE}.yaml"
    original = path.read_bytes()
    report = import_annotations(root, ARTICLE, document)
    assert report.added == [] and not report.failed
    warnings = [d.message for d in report.diagnostics.warnings]
    assert sum("already annotated" in w for w in warnings) == len(items)
    others = [w for w in warnings if "on the article" in w]
    assert len(others) == 2 and all(w.endswith("skipped") for w in others)
    assert path.read_bytes() == original


HYPOTHESIS_EXPORT = {
    "export_date": "2024-03-08T10:00:00.000Z",
    "export_userid": "acct:analyst@hypothes.is",
    "client_version": "1.1500.0",
    "annotations": [
        {   # a comment: becomes a note
            "id": "h1", "uri": "https://planet.example/geneva", "text": "Which *officials*?",
            "tags": [], "target": [{"source": "https://planet.example/geneva", "selector": [
                {"type": "RangeSelector", "startContainer": "/main[1]/p[2]", "startOffset": 60,
                 "endContainer": "/main[1]/p[2]", "endOffset": 74},
                {"type": "TextPositionSelector", "start": 190, "end": 204},
                {"type": "TextQuoteSelector", "exact": "officials said", "prefix": "on Tuesday, ",
                 "suffix": "."}]}]},
        {   # a bare highlight of a quotation: a quote, its speaker the actor named nearby
            "id": "h2", "uri": "https://planet.example/geneva", "text": "", "tags": [],
            "target": [{"source": "https://planet.example/geneva", "selector": [
                {"type": "TextQuoteSelector", "exact": "We are ready to talk,",
                 "prefix": "\u201c", "suffix": "\u201d said Ana"}]}]},
        {   # tagged as a term by the analyst
            "id": "h3", "uri": "https://planet.example/geneva", "text": "", "tags": ["term"],
            "target": [{"source": "https://planet.example/geneva", "selector": [
                {"type": "TextQuoteSelector", "exact": "will take time,"}]}]},
        {   # a reply: reported and skipped
            "id": "h4", "references": ["h1"], "text": "The ministry's.", "tags": [],
            "target": [{"source": "https://planet.example/geneva"}]},
    ],
}

BARE_ARTICLE = """\
text: seeds/planet.txt   # the Planet's export
published: 2024-03-07
actors: [ana-lopez, ruritania]
places: [geneva]
topics: [talks]

# quotes are added by hand below
dates:
  - text: Tuesday
    date: 2024-03-05
    relative: true
    event: talks-resume
"""


def test_hypothesis_export(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive",
                         {**SAMPLE_FILES, "content/articles/planet.yaml": BARE_ARTICLE})
    document = tmp_path / "hypothesis.json"
    document.write_text(json.dumps(HYPOTHESIS_EXPORT), encoding="utf-8")
    report = import_annotations(root, "planet", document)
    assert not report.failed, [d.format() for d in report.diagnostics]
    warnings = [d.message for d in report.diagnostics.warnings]
    assert any("reply" in w for w in warnings)
    assert any("'ana-lopez', the nearest actor" in w for w in warnings)
    text = (root / "content" / "articles" / "planet.yaml").read_text(encoding="utf-8")
    assert text.startswith(BARE_ARTICLE)  # nothing the analyst wrote was touched
    data = yaml.safe_load(text)
    assert data["notes"] == [{"text": "officials said", "body": "Which *officials*?",
                              "draft": True}]
    assert data["quotes"] == [
        {"text": "We are ready to talk,", "speaker": "ana-lopez", "draft": True},
        {"text": "will take time,", "kind": "term", "draft": True}]
    assert check_archive(root).ok


def test_unanchorable_annotations_are_reported_and_exit_1(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    annotations = [
        {"type": "Annotation", "body": {"type": "TextualBody", "value": "x",
                                        "purpose": "commenting"},
         "target": {"source": "s", "selector": {"type": "TextQuoteSelector",
                                                "exact": "words that are not there"}}},
        {"type": "Annotation", "bodyValue": "A page note", "target": "https://planet.example/"},
        {"type": "Annotation", "bodyValue": "which one?", "target": {"source": "s", "selector": {
            "type": "TextQuoteSelector", "exact": "ready to"}}},
        {"type": "Annotation", "bodyValue": "spans two paragraphs", "target": {
            "source": "s", "selector": {"type": "TextQuoteSelector",
                                        "exact": "officials said. “We are ready"}}},
        {"type": "Annotation", "body": [{"type": "TextualBody", "purpose": "tagging",
                                         "value": "actor"},
                                        {"type": "SpecificResource", "purpose": "identifying",
                                         "source": "https://x.example/actors/nobody/"}],
         "target": {"source": "s", "selector": {"type": "TextQuoteSelector",
                                                "exact": "Freedonia"}}},
        {"type": "Annotation", "bodyValue": "fine", "target": {"source": "s", "selector": {
            "type": "TextQuoteSelector", "exact": "Palais des Nations"}}},
    ]
    document = tmp_path / "in.jsonld"
    document.write_text(json.dumps(annotations), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "annotarium", "import", str(document),
                          "--article", "planet", "--source", str(root)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 5, run.stderr
    assert "annotation 1: 'words that are not there' is not in the article" in run.stderr
    assert "annotation 2: has no TextQuoteSelector" in run.stderr
    assert "annotation 3: 'ready to' occurs 2 times" in run.stderr
    assert "annotation 4: " in run.stderr and "paragraph break" in run.stderr
    assert "annotation 5: its actor 'nobody' is not in content/actors.yaml" in run.stderr
    assert "Imported 1 annotation" in run.stdout
    data = yaml.safe_load((root / "content" / "articles" / "planet.yaml").read_text("utf-8"))
    assert data["notes"][-1] == {"text": "Palais des Nations", "body": "fine", "draft": True}


def test_usage_errors(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    document = tmp_path / "in.json"
    document.write_text("{not json", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "annotarium", "import", *args,
                               "--source", str(root)], capture_output=True, text=True,
                              check=False)

    missing = run(str(document), "--article", "planets")
    assert missing.returncode == 2 and "did you mean 'planet'" in missing.stderr
    broken = run(str(document), "--article", "planet")
    assert broken.returncode == 1 and "in.json:1:2: error: not a JSON file" in broken.stderr
    assert "Traceback" not in broken.stderr + missing.stderr


@pytest.mark.parametrize(("original", "expected"), [
    ("text: a\nquotes:\n  - text: x  # mine\n    speaker: y\n\n# end\n",
     "text: a\nquotes:\n  - text: x  # mine\n    speaker: y\n  - text: z\n    draft: true\n"
     "\n# end\n"),
    ("text: a\nquotes: []\n", "text: a\nquotes: [{text: z, draft: true}]\n"),
    ("text: a\nquotes:\n", "text: a\nquotes:\n  - text: z\n    draft: true\n"),
    ("text: a", "text: a\nquotes:\n  - text: z\n    draft: true\n"),
    ("text: a\nquotes:\n- text: x\n  note: |\n    two\n    lines\nnotes: []\n",
     "text: a\nquotes:\n- text: x\n  note: |\n    two\n    lines\n- text: z\n  draft: true\n"
     "notes: []\n"),
])
def test_append_keeps_the_file_as_written(original: str, expected: str) -> None:
    assert append_to_list(original, "quotes", [{"text": "z", "draft": True}]) == expected


def test_every_accepted_shape_is_read() -> None:
    from annotarium.webanno import flatten, read_annotation, site_link

    one = {"type": "Annotation", "target": {"source": "s", "selector": {
        "type": "TextQuoteSelector", "exact": "x"}}}
    page = {"type": "AnnotationPage", "items": [one, one], "next": {
        "type": "AnnotationPage", "items": [one]}}
    assert len(flatten(one)[0]) == 1
    assert len(flatten([one, one])[0]) == 2
    assert len(flatten(page)[0]) == 3
    assert len(flatten({"type": "AnnotationCollection", "first": page})[0]) == 3
    assert len(flatten({"rows": [one], "total": 1})[0]) == 1
    assert len(flatten({"annotations": [one, one]})[0]) == 2
    remote = flatten({"type": "AnnotationCollection", "first": "https://x.example/page1"})
    assert remote[0] == [] and "not embedded" in remote[1][0]
    assert flatten("text")[1]
    assert site_link("https://x.example/nk/actors/kim-jong-un/") == ("actor", "kim-jong-un", "")
    assert site_link("../articles/a-b/index.html#quote-x") == ("article", "a-b", "quote-x")
    assert site_link("../timeline/#event-hanoi-summit") == ("event", "hanoi-summit", "")
    assert site_link("https://www.wikidata.org/entity/Q1") is None
    item = read_annotation({"id": "h", "text": "c", "tags": ["quote"], "target": [
        {"source": "u", "selector": [{"type": "TextPositionSelector", "start": 3, "end": 5},
                                     {"type": "TextQuoteSelector", "exact": "ab",
                                      "prefix": "x", "suffix": "y"}]}]}, 1)
    assert (item.exact, item.prefix, item.suffix, item.start, item.end) == ("ab", "x", "y", 3, 5)
    assert item.tags == ["quote"] and item.texts == [("commenting", "c")]
