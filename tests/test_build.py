"""`build`: content errors stop it, it never harms the previous site, it escapes everything."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from annotarium import pipeline, write
from annotarium.cli import main
from annotarium.write import OutputError
from conftest import SAMPLE_FILES, write_archive
from htmltree import parse_file

PAYLOAD = "</script><script>alert(1)</script>"


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_writes_a_site_and_summary(sample_archive: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["build", "--source", str(sample_archive), "--output", str(out)]) == 0
    assert (out / "index.html").is_file()
    assert (out / "articles" / "planet" / "index.html").is_file()
    summary = capsys.readouterr().out
    assert "Built 'Test archive'" in summary and "article" in summary
    assert main(["build", "--source", str(sample_archive), "--output", str(out), "-q"]) == 0
    assert capsys.readouterr().out == ""


def test_content_errors_stop_the_build_and_write_nothing(
        sample_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (sample_archive / "content" / "topics.yaml").write_text("talks:\n  name: T\n",
                                                           encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--source", str(sample_archive), "--output", str(out)]) == 1
    assert not out.exists()
    assert "error: topic 'talks' is missing 'description'" in capsys.readouterr().err


def test_a_build_that_fails_halfway_leaves_the_previous_site(
        sample_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert pipeline.build_site(sample_archive, out).output is not None
    before = tree_digest(out)
    real_write = write.write_site

    def failing(pages, output, *args):  # type: ignore[no-untyped-def]
        def some_then_fail():  # type: ignore[no-untyped-def]
            for count, page in enumerate(pages):
                if count == 3:
                    raise OSError(28, "No space left on device")
                yield page
        return real_write(some_then_fail(), output, *args)

    monkeypatch.setattr(write, "write_site", failing)
    with pytest.raises(OSError):
        pipeline.build_site(sample_archive, out, clean=True)
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"] or \
        sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_disk_full_is_reported_without_traceback(
        sample_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "write_site", full)
    assert main(["build", "--source", str(sample_archive), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err


@pytest.mark.parametrize("where", ["same", "parent", "content", "seeds"])
def test_refuses_output_that_is_or_holds_the_source(sample_archive: Path, where: str) -> None:
    output = {"same": sample_archive, "parent": sample_archive.parent,
              "content": sample_archive / "content" / "site",
              "seeds": sample_archive / "seeds" / "x"}[where]
    digest = tree_digest(sample_archive)
    with pytest.raises(OutputError):
        pipeline.build_site(sample_archive, output)
    assert tree_digest(sample_archive) == digest


def test_refuses_a_folder_it_did_not_write(sample_archive: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_text("precious", encoding="utf-8")
    assert main(["build", "--source", str(sample_archive), "--output", str(out)]) == 2
    assert (out / "thesis.docx").read_text(encoding="utf-8") == "precious"
    assert "did not write" in capsys.readouterr().err


def test_stale_temporaries_of_a_killed_build_are_cleaned(sample_archive: Path,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert pipeline.build_site(sample_archive, out).output is not None
    (tmp_path / ".out.new-abc123").mkdir()
    assert pipeline.build_site(sample_archive, out).output is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "out"]


def test_killed_between_renames_recovers_the_old_site(sample_archive: Path,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert pipeline.build_site(sample_archive, out).output is not None
    before = tree_digest(out)
    out.rename(tmp_path / ".out.old-xyz")  # what a kill mid-fallback-swap leaves
    write.recover(out)
    assert tree_digest(out) == before


def test_payloads_stay_inert(tmp_path: Path) -> None:
    files = dict(SAMPLE_FILES)
    files["content/actors.yaml"] = str(files["content/actors.yaml"]).replace(
        "description: Foreign minister of Ruritania.",
        f"description: 'Minister {PAYLOAD} <img src=x onerror=alert(2)>'")
    files["content/articles/planet.yaml"] = str(files["content/articles/planet.yaml"]).replace(
        "body: The talks had paused for a month.",
        f"body: 'Paused. {PAYLOAD} <b onmouseover=alert(3)>x</b> [a](javascript:alert(4))'")
    root = write_archive(tmp_path / "archive", files)
    out = tmp_path / "out"
    assert pipeline.build_site(root, out).output is not None
    for page in sorted(out.rglob("*.html")):
        tree = parse_file(page)
        for script in tree.find_all("script"):
            kind = script.attrs.get("type", "")
            if kind == "application/ld+json":
                data = json.loads(script.text)  # parses: the payload did not close it
                assert "</script" not in script.text.lower()
                assert data
            else:
                assert script.attrs.get("src"), f"{page}: inline script {script.text[:80]!r}"
                assert "alert" not in script.attrs["src"]
        for element in tree.iter():
            for name, value in element.attrs.items():
                assert not name.startswith("on"), f"{page}: event handler {name}"
                if name in ("href", "src"):
                    assert not value.lower().startswith(("javascript:", "data:")), page
    actor_page = (out / "actors" / "ana-lopez" / "index.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in actor_page


def test_output_path_that_escapes_is_refused() -> None:
    with pytest.raises(OutputError):
        write.safe_relative("../outside.html")
    with pytest.raises(OutputError):
        write.safe_relative("/etc/passwd")


def test_build_then_copy_still_works(sample_archive: Path, tmp_path: Path) -> None:
    """Relative links: the site still resolves after being moved elsewhere."""
    out = tmp_path / "out"
    assert pipeline.build_site(sample_archive, out).output is not None
    moved = tmp_path / "deep" / "prefix" / "site"
    shutil.copytree(out, moved)
    index = parse_file(moved / "index.html")
    hrefs = [a.attrs["href"] for a in index.find_all("a", href=None)
             if not a.attrs["href"].startswith(("http", "#", "mailto"))]
    assert hrefs
    for href in hrefs:
        target = (moved / href.split("#")[0])
        if href.split("#")[0].endswith("/") or target.is_dir():
            target = target / "index.html"
        assert target.is_file(), href
