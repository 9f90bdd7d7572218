"""The command line: exit codes, output formats, help, and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotarium.cli import main
from conftest import write_archive


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotarium", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("annotarium ")
    result = run("--help")
    assert result.returncode == 0
    for command in ("check", "build", "schema"):
        assert command in result.stdout
    assert "--format" in run("check", "--help").stdout


def test_check_clean_archive_exits_0(sample_archive: Path) -> None:
    result = run("check", "--source", str(sample_archive))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout


def test_check_with_errors_exits_1_and_prints_gcc_style(sample_archive: Path) -> None:
    (sample_archive / "content" / "topics.yaml").write_text("talks:\n  name: Talks\n",
                                                           encoding="utf-8")
    result = run("check", "--source", str(sample_archive), cwd=sample_archive)
    assert result.returncode == 1
    assert "content/topics.yaml:2:3: error: topic 'talks' is missing 'description'" \
        in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("check", "--source", str(tmp_path / "nowhere")).returncode == 2
    assert run("check", "--format", "xml").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run().returncode == 2


def test_check_json_report(sample_archive: Path) -> None:
    (sample_archive / "content" / "places.yaml").write_text(
        "geneva:\n  name: Geneva\n  description: x\nbern:\n  name: Bern\n  description: y\n",
        encoding="utf-8")
    result = run("check", "--source", str(sample_archive), "--format", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert set(report) == {"errors", "warnings", "summary"}
    assert report["errors"] == []
    assert report["warnings"][0]["message"] == "place 'bern' is not referenced anywhere"
    assert report["warnings"][0]["line"] == 4
    summary = report["summary"]
    assert summary["articles"] == 1
    assert summary["annotations"]["quotes"] == 3
    assert summary["annotations"]["dates"] == 1
    assert summary["annotations"]["notes"] == 1
    assert summary["per_article"]["planet"]["quotes"] == 3


def test_strict_turns_warnings_into_failure(sample_archive: Path) -> None:
    (sample_archive / "content" / "places.yaml").write_text(
        "geneva:\n  name: Geneva\n  description: x\nbern:\n  name: Bern\n  description: y\n",
        encoding="utf-8")
    assert run("check", "--source", str(sample_archive), "--strict").returncode == 1


def test_schema_command_prints_json() -> None:
    result = run("schema", "article")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "Annotarium article"


def test_default_source_is_the_current_archive(sample_archive: Path) -> None:
    result = run("check", cwd=sample_archive)
    assert result.returncode == 0
    assert "1 article(s)" in result.stdout


def test_unexpected_error_is_reported_without_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        sample_archive: Path) -> None:
    import annotarium.pipeline as pipeline

    def explode(source: Path) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "check_archive", explode)
    assert main(["check", "--source", str(sample_archive)]) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err


def test_bad_yaml_never_gives_a_traceback(tmp_path: Path) -> None:
    root = write_archive(tmp_path, {
        "content/actors.yaml": "a: [unclosed\n",
        "content/articles/x.yaml": b"\xff\xfe garbage",
        "content/places.yaml": "- just\n- a list\n",
    })
    result = run("check", "--source", str(root))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.count("error:") == 3


class _ClosedPipe:
    """A stdout whose reader has gone away, as with `annotarium check | head -1`."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_is_not_an_internal_error(sample_archive: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    code = main(["schema", "article"])
    assert code == 141
    assert "internal error" not in capsys.readouterr().err
