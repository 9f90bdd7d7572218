"""The pipeline's stages depend one way: a stage never imports a later one."""

from __future__ import annotations

import ast

import pytest

from conftest import REPO

PACKAGE = REPO / "src" / "annotarium"
ORDER = ["load", "anchor", "link", "render", "search", "write"]
# modules that belong to a stage (helpers named after it) count as that stage
STAGE_OF = {"render_article": "render", "render_context": "render", "markdown": "render"}


def _imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("annotarium."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("annotarium."))
    return found


def _stage(module: str) -> str | None:
    prefix = module.split("_")[0]  # load_articles belongs to load, render_article to render
    return STAGE_OF.get(module, prefix if prefix in ORDER else None)


MODULES = sorted(p.stem for p in PACKAGE.glob("*.py"))


@pytest.mark.parametrize("module", [m for m in MODULES if _stage(m)])
def test_stage_imports_no_later_stage(module: str) -> None:
    stage = _stage(module)
    assert stage is not None
    later = set(ORDER[ORDER.index(stage) + 1:])
    offending = {m for m in _imports(module) if _stage(m) in later}
    assert not offending, f"{module} imports later stage(s) {offending}"


def test_cli_is_thin() -> None:
    """The CLI parses and prints; the pipeline module runs the stages."""
    imported = _imports("cli")
    assert not imported & {"load", "anchor", "link", "render", "write"} - {"write"}
    lines = (PACKAGE / "cli.py").read_text(encoding="utf-8").count("\n")
    assert lines < 400


def test_modules_stay_small() -> None:
    sizes = {m: (PACKAGE / f"{m}.py").read_text(encoding="utf-8").count("\n") for m in MODULES}
    assert max(sizes.values()) < 800, sizes
