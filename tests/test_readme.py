"""The README's set-up commands are the ones CI runs, and the commands it shows exist."""

from __future__ import annotations

import re

from annotarium.cli import _parser
from conftest import REPO


def _shell_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_ci_runs_the_readme_test_command_exactly() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = _shell_blocks(readme)
    assert len(blocks) >= 2, "the README shows an install command and a test command"
    test_command = blocks[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    last_line = [line for line in ci.splitlines() if line.strip()][-1]
    assert last_line == test_command


def test_readme_commands_exist() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"`annotarium ([a-z]+)", readme))
    parser = _parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    available = set(subparsers.choices)  # type: ignore[arg-type]
    assert commands, "the README names its commands"
    assert commands <= available
