"""ruff keeps the code clean: the suite fails when it finds something (ruff: the test extra)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_ruff_check_is_clean() -> None:
    completed = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                               cwd=REPO, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
