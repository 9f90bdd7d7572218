"""Re-anchoring after the article's text changes, and `check --fix`.

A corpus of edits applied to the seed article: where each annotation lands, what is
reported, and that nothing attaches to a lookalike passage.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotarium.anchor_fuzzy import approximate_matches, choose, edit_distance, max_errors
from annotarium.pipeline import CheckResult, check_archive
from conftest import REPO

SEED = "seeds/wapo-2020-trump-north-korea-gamble.txt"
ANNOTATIONS = "content/articles/trump-north-korea-gamble.yaml"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    root.mkdir()
    for name in ("content", "seeds"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "annotarium.yaml", root / "annotarium.yaml")
    return root


def edit(root: Path, old: str, new: str, path: str = SEED) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    file.write_text(text.replace(old, new), encoding="utf-8")


def spans(result: CheckResult) -> dict[str, tuple[str, str | None]]:
    """annotation id -> (the words it now covers, the re-anchored text or None)."""
    assert result.linked is not None
    article = next(
        a for a in result.linked.anchored.articles if a.slug == "trump-north-korea-gamble"
    )
    text = article.article.text.text
    return {
        s.annotation.id: (text[s.start : s.end], s.reanchored.text if s.reanchored else None)
        for s in article.spans
    }


def codes(result: CheckResult, severity: str) -> list[str]:
    items = result.diagnostics.errors if severity == "error" else result.diagnostics.warnings
    return [d.code for d in items if d.code != "unused-alias"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotarium", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the matcher --------------------------------------------------------------------------


def test_edit_distance() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3


def test_approximate_matches_snap_to_whole_words() -> None:
    text = "He said it was a wasted effort and left. Later a wasted afternoon."
    [(start, end, errors)] = approximate_matches(text, "a wasted efort and", 2)
    assert text[start:end] == "a wasted effort and" and errors == 1


def test_short_words_are_never_matched_approximately() -> None:
    assert max_errors(len("Tuesday")) == 0
    best, _ = choose("It happened on Thursday.", "Tuesday", None, None, None)
    assert best is None


def test_two_equally_good_passages_are_ambiguous() -> None:
    text = "The talks failed in Hanoi again. Later: the talks failed in Hanoi again!"
    best, candidates = choose(text, "the talks failed in Hanol again", None, None, None)
    assert best is None and len(candidates) == 2


def test_context_decides_between_lookalikes() -> None:
    text = "First, the talks failed in Hanoi again. Second, the talks failed in Hanoi again."
    best, _ = choose(text, "the talks failed in Hanol again", "Second,", None, None)
    assert best is not None and text[best.start - 8 : best.start] == "Second, "


# --- a corpus of edits to the seed ----------------------------------------------------------


def test_unchanged_archive_has_no_reanchoring(archive: Path) -> None:
    result = check_archive(archive)
    assert codes(result, "error") == [] and "reanchored" not in codes(result, "warning")


def test_typo_fixed_inside_a_quote(archive: Path) -> None:
    # the annotation copied a typo that the publisher has since corrected
    edit(
        archive,
        "probably viewed as a wasted effort",
        "probably viewed as a wasted effrot",
        ANNOTATIONS,
    )
    result = check_archive(archive)
    assert codes(result, "error") == []
    [warning] = [d for d in result.diagnostics.warnings if d.code == "reanchored"]
    assert "now reads '" in warning.message and "wasted effort'" in warning.message
    assert warning.hint is not None and "wasted effrot" in warning.hint
    words, new = spans(result)["quote-i-think-there-are-a"]
    assert words.endswith("probably viewed as a wasted effort") and new == words


def test_word_changed_in_the_article(archive: Path) -> None:
    edit(archive, "it has produced virtually nothing", "it has achieved virtually nothing")
    result = check_archive(archive)
    assert codes(result, "error") == [] and codes(result, "warning") == ["reanchored"]
    words, _ = spans(result)["quote-regardless-of-your-views-about"]
    assert words.endswith("it has achieved virtually nothing")


def test_reflowed_paragraph_needs_no_reanchoring(archive: Path) -> None:
    paragraph = (
        "But the president “misread entirely what it was they got out of Singapore,” "
        "a Democratic Senate foreign policy aide,"
    )
    edit(
        archive,
        paragraph,
        paragraph.replace(" “misread", "\n“misread").replace("Singapore,” a", "Singapore,”\na"),
    )
    result = check_archive(archive)
    assert codes(result, "error") == [] and codes(result, "warning") == []
    assert spans(result)["quote-misread-entirely-what-it-was"][0].startswith("misread\n") is False


def test_changed_quotation_marks_need_no_reanchoring(archive: Path) -> None:
    seed = archive / SEED
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("“", '"').replace("”", '"').replace("’", "'"), encoding="utf-8")
    result = check_archive(archive)
    assert codes(result, "error") == [] and codes(result, "warning") == []


def test_sentence_inserted_before(archive: Path) -> None:
    before = spans(check_archive(archive))
    edit(
        archive,
        "A White House spokesman declined to comment.",
        "A White House spokesman declined to comment. The State Department did not respond "
        "to a request for comment on Wednesday.",
    )
    result = check_archive(archive)
    assert codes(result, "error") == [] and codes(result, "warning") == []
    after = spans(result)
    assert {k: v[0] for k, v in after.items() if not k.startswith(("actor-", "place-"))} == {
        k: v[0] for k, v in before.items() if not k.startswith(("actor-", "place-"))
    }


def test_context_changed_moves_the_annotation_and_fix_updates_the_prefix(archive: Path) -> None:
    # the term 'denuclearization' (one of four in the text) is chosen by its prefix
    edit(
        archive, "a clear definition of “denuclearization”", "a clear meaning of “denuclearization”"
    )
    result = check_archive(archive)
    assert codes(result, "error") == []
    [warning] = [d for d in result.diagnostics.warnings if d.code == "reanchored"]
    assert "moved" in warning.message
    assert """prefix 'a clear definition of "' is now 'a clear meaning of "'""" in warning.message
    fixed = run("check", "--fix", cwd=archive)
    assert "fixed 1 annotation in" in fixed.stdout
    assert '    prefix: a clear meaning of "\n' in (archive / ANNOTATIONS).read_text(
        encoding="utf-8"
    )
    again = run("check", "--format", "json", cwd=archive)
    assert again.returncode == 0 and "reanchored" not in again.stdout


def test_unrelated_context_is_an_orphan(archive: Path) -> None:
    # 'in 2018' chosen by 'economic development': that context is gone, and 'in 2018' also
    # occurs elsewhere, so nothing is guessed
    edit(
        archive,
        "a strategic shift toward economic development in 2018",
        "a strategic shift toward growth in 2018",
    )
    result = check_archive(archive)
    [error] = result.diagnostics.errors
    assert "'in 2018'" in error.message and "never with this prefix" in error.message


def test_lookalike_passage_is_not_matched(archive: Path) -> None:
    # Hill's quote is cut, and a similar sentence by someone else appears elsewhere
    edit(
        archive,
        "“The North Koreans were convinced the only person they could really deal "
        "with was Trump,” said Christopher R. Hill",
        "Christopher R. Hill",
    )
    edit(
        archive,
        "A White House spokesman declined to comment.",
        "A White House spokesman declined to comment. “The South Koreans were convinced "
        "the only people they could never deal with were in Congress,” one aide said.",
    )
    result = check_archive(archive)
    [error] = result.diagnostics.errors
    assert error.code == "not-found" and "orphan" in error.message
    assert "The North Koreans were convinced" in error.message


def test_deleted_passage_is_an_orphan_and_fix_leaves_it(archive: Path) -> None:
    edit(
        archive,
        "“I think there are a number of reasons why engaging Trump at this point is "
        "probably viewed as a wasted effort,” said",
        "Said",
    )
    yaml_before = (archive / ANNOTATIONS).read_text(encoding="utf-8")
    result = run("check", "--fix", cwd=archive)
    assert result.returncode == 1
    assert (
        "error: quote 'I think there are a number of reasons why engaging Trump" in result.stdout
        and "orphan" in result.stdout
    )
    assert "fixed" not in result.stdout
    assert (archive / ANNOTATIONS).read_text(encoding="utf-8") == yaml_before


def test_fix_preserves_comments_order_and_formatting(archive: Path) -> None:
    edit(
        archive,
        "text: seeds/wapo-2020-trump-north-korea-gamble.txt",
        "# the Post's article of Jan. 2, 2020\ntext: seeds/wapo-2020-trump-north-korea-gamble.txt",
        ANNOTATIONS,
    )
    edit(
        archive,
        "    speaker: suzanne-dimaggio\n",
        "    speaker: suzanne-dimaggio  # interviewed\n",
        ANNOTATIONS,
    )
    original = (archive / ANNOTATIONS).read_text(encoding="utf-8")
    edit(archive, "probably viewed as a wasted effort", "probably seen as a wasted effort")
    edit(
        archive,
        "former national security adviser John Bolton",
        "former national security advisor John Bolton",
    )
    result = run("check", "--fix", cwd=archive)
    assert result.returncode == 0, result.stdout
    assert "fixed 2 annotations in" in result.stdout
    fixed = (archive / ANNOTATIONS).read_text(encoding="utf-8")
    expected = original.replace(
        "probably viewed as a wasted effort", "probably seen as a wasted effort"
    ).replace(
        "- text: former national security adviser John Bolton",
        "- text: former national security advisor John Bolton",
    )
    assert fixed == expected  # only the two values changed: comments and layout kept
    again = run("check", cwd=archive)
    assert again.returncode == 0 and "reanchored" not in again.stdout
    assert "changed in" not in again.stdout
