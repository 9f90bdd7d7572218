"""Faults: builds killed at random moments, and damaged caches.

The SIGKILL trials run in tests/fault_driver.py (see its docstring for what each
trial checks), two drivers side by side on their own copies of a generated
archive of 30 articles, 100 trials each. ANNOTARIUM_FAULT_TRIALS changes the
number of trials per driver.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotarium import __version__, cache
from annotarium.pipeline import build_site

REPO = Path(__file__).resolve().parents[1]
DRIVERS = 2
TRIALS = int(os.environ.get("ANNOTARIUM_FAULT_TRIALS", "100"))  # per driver
ARTICLES = 30


@pytest.mark.slow
def test_killed_builds_leave_the_old_or_the_new_site(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "generate.py"),
            "--articles",
            str(ARTICLES),
            "--out",
            str(archive),
        ],
        check=True,
        capture_output=True,
    )
    drivers = []
    for n in range(DRIVERS):
        copy = tmp_path / f"archive-{n}"
        shutil.copytree(archive, copy)
        work = tmp_path / f"work-{n}"
        work.mkdir()
        report = tmp_path / f"report-{n}.json"
        process = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "tests" / "fault_driver.py"),
                str(copy),
                str(work),
                "--trials",
                str(TRIALS),
                "--seed",
                str(n + 1),
                "--report",
                str(report),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        drivers.append((process, report))
    reports = []
    for process, report in drivers:
        output, _ = process.communicate(timeout=900)
        assert process.returncode == 0, output
        reports.append(json.loads(report.read_text(encoding="utf-8")))
    total = {
        key: sum(r[key] for r in reports)
        for key in (
            "trials",
            "killed",
            "finished_before_kill",
            "left_old",
            "left_new",
            "fallback_swaps",
            "clean_builds",
            "next_builds_checked",
            "recovered_by_next_build",
        )
    }
    print(f"\nSIGKILL trials: {total}, driver seconds: {[r['seconds'] for r in reports]}")
    assert total["trials"] == DRIVERS * TRIALS
    assert total["left_old"] + total["left_new"] == total["trials"]
    assert total["next_builds_checked"] == total["trials"]
    assert all(not r["failures"] for r in reports), [r["failures"] for r in reports]
    if TRIALS >= 100:  # the kills land on both sides of the swap
        assert total["left_old"] >= 3 and total["left_new"] >= 3


def _damages(valid: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    data = json.loads(valid)
    foreign = dict(data, settings="0" * 32)
    other_version = dict(data, version="0.0.0-other")
    missing_page = dict(data, pages={**data["pages"], "ghost/index.html": "0" * 32})
    bad_types = dict(data, inputs={"x": "not a triple"})
    return [
        ("empty", b""),
        ("truncated-1", valid[:1]),
        ("truncated-half", valid[: len(valid) // 2]),
        ("truncated-last-byte", valid[:-1]),
        ("random-bytes", rng.randbytes(4096)),
        ("nul-bytes", b"\x00" * 1024),
        ("not-utf8", b"\xff\xfe" + valid),
        ("json-list", b"[1, 2, 3]"),
        ("json-string", b'"cache"'),
        ("json-null", b"null"),
        ("deep-json", b"[" * 100_000 + b"]" * 100_000),
        ("foreign-settings", json.dumps(foreign).encode()),
        ("other-version", json.dumps(other_version).encode()),
        ("names-a-missing-page", json.dumps(missing_page).encode()),
        ("wrong-types", json.dumps(bad_types).encode()),
        ("bit-flip", bytes(b ^ 0x20 if i == len(valid) // 3 else b for i, b in enumerate(valid))),
    ]


def test_corrupt_truncated_or_foreign_caches_mean_a_full_build(
    sample_archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert build_site(sample_archive, out).output is not None
    clean = {
        p.relative_to(out): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != cache.CACHE_FILE
    }
    valid = (out / cache.CACHE_FILE).read_bytes()
    rng = random.Random(7)
    for name, damage in _damages(valid, rng):
        (out / cache.CACHE_FILE).write_bytes(damage)
        if name not in ("bit-flip", "foreign-settings"):  # the settings are checked by build
            assert cache.read_cache(out, __version__) is None, name
        result = build_site(sample_archive, out)
        if name != "bit-flip":  # a flipped byte may land in a digest: still a valid cache
            assert result.check is not None, f"{name}: a damaged cache was trusted"
        now = {
            p.relative_to(out): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != cache.CACHE_FILE
        }
        assert now == clean, name
        assert cache.read_cache(out, __version__) is not None, f"{name}: not rebuilt"


def test_a_cache_that_is_a_pipe_or_a_link_is_not_read(sample_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build_site(sample_archive, out).output is not None
    (out / cache.CACHE_FILE).unlink()
    os.mkfifo(out / cache.CACHE_FILE)  # reading it would block forever
    assert cache.read_cache(out, __version__) is None
    assert build_site(sample_archive, out).check is not None
    target = tmp_path / "elsewhere.json"
    shutil.copyfile(out / cache.CACHE_FILE, target)
    (out / cache.CACHE_FILE).unlink()
    (out / cache.CACHE_FILE).symlink_to(target)
    assert cache.read_cache(out, __version__) is None
