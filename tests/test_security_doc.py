"""docs/security.md names the tests that hold each claim: they must exist."""

from __future__ import annotations

import re

from bad_input_cases import CASES
from conftest import REPO


def test_every_test_and_case_the_security_page_names_exists() -> None:
    doc = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").glob("*.py"))
    for path in re.findall(r"`(tests/[\w/.]+\.py)", doc):
        assert (REPO / path).is_file(), path
    for name in set(re.findall(r"`(?:[\w/.]+::)?(test_\w+)`", doc)):
        assert f"def {name}(" in sources, name
    ids = {case.id for case in CASES}
    for name in re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", doc):
        if name.endswith(("-50mb", "-breakout", "-mid-build")) or name in ids:
            assert name in ids, name
    for prefix in re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)*)-\*`", doc):
        assert any(i.startswith(prefix + "-") for i in ids), prefix
    assert f"({len(CASES)} cases" in doc
