"""Every case of the bad-input corpus (tests/bad_input_cases.py), run through the real CLI.

Each case runs ``annotarium build`` in a subprocess with an address-space limit
(RLIMIT_AS) and a timeout, next to the site of a previous good build. It must
print its expected message (path and line included), exit 1 (2 for usage
errors), print no traceback, leave the previous site byte for byte as it was and
write nothing anywhere else: the whole working folder is snapshotted before and
after.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotarium.diagnostics import Diagnostics
from annotarium.load import load
from bad_input_cases import CASES, Case
from conftest import SAMPLE_FILES, write_archive

MEMORY_LIMIT = 1024 * 1024 * 1024  # RLIMIT_AS for each run: 1 GiB of address space
TIMEOUT = 60  # seconds; a case that takes longer fails (a hang)
FILE_SIZE_LIMIT = 4096  # RLIMIT_FSIZE for the 'fsize' fault: pages are larger

# Fills the disk after a few files: every write through pathlib fails with ENOSPC,
# as on a full disk, inside the real CLI process.
ENOSPC_WRAPPER = """
import errno, pathlib, sys
import annotarium.write as write
calls = 0
def filling(real):
    def full_disk(target, data):
        global calls
        calls += 1
        if calls > 5:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real(target, data)
    return full_disk
# the page files are written by write._write_new; other files through pathlib
pathlib.Path.write_bytes = filling(pathlib.Path.write_bytes)
write._write_new = filling(write._write_new)
from annotarium.cli import main
sys.exit(main(sys.argv[1:]))
"""


def snapshot(root: Path, skip: str | None = None) -> dict[str, str]:
    """Every entry below ``root``: type, and content digest for regular files.

    Never opens anything but regular files (a case may leave a named pipe)."""
    entries: dict[str, str] = {}
    for directory, folders, names in os.walk(root):
        relative_dir = Path(directory).relative_to(root)
        if skip and relative_dir.parts[:1] == (skip,):
            continue
        for name in sorted(folders + names):
            path = Path(directory, name)
            key = str(relative_dir / name)
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                if info.st_size > 8 * 1024 * 1024:
                    entries[key] = f"file {info.st_size} {info.st_mtime_ns}"
                else:
                    entries[key] = "file " + hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                entries[key] = f"link {path.readlink()}"
            else:
                entries[key] = f"mode {stat.S_IFMT(info.st_mode)}"
    return entries


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good site built from the sample archive: every case starts next to a copy of it."""
    from annotarium.pipeline import build_site

    root = write_archive(tmp_path_factory.mktemp("good") / "archive", SAMPLE_FILES)
    site = root.parent / "build"
    assert build_site(root, site).output is not None
    return site


def _limits(fsize: bool):  # type: ignore[no-untyped-def]
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        if fsize:
            resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))

    return apply


def run_case(case: Case, work: Path) -> subprocess.CompletedProcess[str]:
    argv = ["build", "--source", "archive", "--output", "build", *case.args]
    command = [sys.executable, "-m", "annotarium", *argv]
    if case.inject == "enospc":
        command = [sys.executable, "-c", ENOSPC_WRAPPER, *argv]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    return subprocess.run(
        command,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        preexec_fn=_limits(case.inject == "fsize"),
        check=False,
    )


def assert_message(case: Case, stderr: str) -> None:
    if not case.expect:
        return
    lines = stderr.splitlines()
    match = re.fullmatch(r"([^:\s][^:]*?)(?::(\d+))?: (.+)", case.expect)
    if case.expect.startswith(("annotarium: ", "unrecognized")) or match is None:
        assert case.expect in stderr, stderr
        return
    path, line, message = match.groups()
    head = f"archive/{path}:{line}:" if line else f"archive/{path}: error: "
    found = [x for x in lines if x.startswith(head) and f"error: {message}" in x]
    assert found, f"expected {head} ... error: {message}\ngot:\n{stderr}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, previous_site: Path) -> None:
    if case.needs_non_root and os.geteuid() == 0:
        pytest.skip(
            "running as root: file permissions do not stop root from reading "
            "(test_unreadable_file_in_process covers the message instead)"
        )
    work = tmp_path / "work"
    files = {**SAMPLE_FILES, **case.files}
    root = write_archive(work / "archive", {k: v for k, v in files.items() if v is not None})
    if case.setup:
        case.setup(root)
    shutil.copytree(previous_site, work / "build")
    before = snapshot(work)
    started = time.monotonic()
    try:
        result = run_case(case, work)
    finally:
        if case.needs_non_root:
            (root / "content" / "places.yaml").chmod(0o644)  # so that tmp_path can be removed
    seconds = time.monotonic() - started
    output = result.stderr + result.stdout
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert result.returncode == case.exit, output
    assert_message(case, result.stderr)
    if case.exit == 0:
        assert (work / "build" / "index.html").is_file()
        after = snapshot_without(snapshot(work), "build")
        assert after == snapshot_without(before, "build")
    else:
        assert snapshot(work) == before, "the previous site or the archive changed"
    assert seconds < TIMEOUT


def snapshot_without(entries: dict[str, str], top: str) -> dict[str, str]:
    return {k: v for k, v in entries.items() if Path(k).parts[0] != top}


def test_the_corpus_is_large_and_unique() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


def test_unreadable_file_in_process(sample_archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What chmod 000 does for a non-root user, simulated so that it runs as root too."""
    target = sample_archive / "content" / "places.yaml"
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    diags = Diagnostics()
    load(sample_archive, diags)
    messages = [(d.location.path, d.message) for d in diags.errors]
    assert (target, "cannot read the file: Permission denied") in messages
