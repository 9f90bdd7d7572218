"""`draft: true`: check warns about each draft; pages mark drafts, also for screen readers."""

from __future__ import annotations

from pathlib import Path

from annotarium.pipeline import build_site, check_archive
from conftest import SAMPLE_FILES, write_archive
from htmltree import parse_file

DRAFTED = (
    SAMPLE_FILES["content/articles/planet.yaml"]
    .replace(  # type: ignore[union-attr]
        "          - text: We are ready to listen.\n            speaker: ana-lopez\n",
        "          - text: We are ready to listen.\n            speaker: ana-lopez\n"
        "            draft: true\n",
    )
    .replace(
        "        places: [geneva]\n",
        "        places:\n          - text: Geneva\n"
        "            place: geneva\n            draft: true\n",
    )
)


def drafted_archive(tmp_path: Path) -> Path:
    assert "draft: true" in DRAFTED
    return write_archive(
        tmp_path / "archive", {**SAMPLE_FILES, "content/articles/planet.yaml": DRAFTED}
    )


def test_check_warns_about_each_draft(tmp_path: Path) -> None:
    result = check_archive(drafted_archive(tmp_path))
    assert result.ok
    drafts = [d for d in result.diagnostics.warnings if d.code == "draft"]
    assert sorted(d.message for d in drafts) == [
        "place mention 'Geneva' is a draft",
        "quote 'We are ready to listen.' is a draft",
    ]
    assert all(d.hint and "remove 'draft: true'" in d.hint for d in drafts)
    assert all(d.location.line > 0 for d in drafts)


def test_drafts_are_marked_on_the_page(tmp_path: Path) -> None:
    root = drafted_archive(tmp_path)
    result = build_site(root, tmp_path / "site")
    assert result.output is not None
    page = parse_file(tmp_path / "site" / "articles" / "planet" / "index.html")
    drafts = page.find_all(data_draft="true")
    assert {e.attrs["data-annotation"] for e in drafts} == {"quote", "place"}
    for element in drafts:
        assert "mark-draft" in element.classes
        label = element.find("span", **{"class": "visually-hidden"})
        assert label is not None and label.text == "(draft annotation) "
    reviewed = page.find("span", data_annotation="quote", id="quote-we-are-ready-to-talk")
    assert reviewed is not None and "data-draft" not in reviewed.attrs
