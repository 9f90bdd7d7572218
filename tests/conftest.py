"""Shared fixtures: small archives written to a temporary folder, and the bundled one."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotarium.diagnostics import Diagnostics
from annotarium.load import load

REPO = Path(__file__).resolve().parents[1]


def write_archive(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (path → text, dedented; or bytes) below ``root``; return ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


SAMPLE_TEXT = """\
The Daily PlanetTruth Since 1938

Leaders meet in Geneva as talks resume

Negotiators arrive at the Palais des Nations on Monday. (Jane Doe Planet Wire)

Talks between Ruritania and Freedonia resumed on Tuesday, officials said.

“We are ready to talk,” said Ana Lopez, Ruritania’s foreign minister. “We are
ready to listen.”

The talks “will take time,” Lopez added.
"""

SAMPLE_FILES: dict[str, str | bytes] = {
    "annotarium.yaml": "title: Test archive\n",
    "seeds/planet.txt": SAMPLE_TEXT,
    "content/actors.yaml": """
        ana-lopez:
          name: Ana Lopez
          kind: person
          description: Foreign minister of Ruritania.
          aliases: [Lopez]
          affiliations:
            - actor: ruritania
              role: foreign minister
        ruritania:
          name: Ruritania
          kind: government
          description: A country.
    """,
    "content/places.yaml": """
        geneva:
          name: Geneva
          description: A city in Switzerland.
    """,
    "content/topics.yaml": """
        talks:
          name: Talks
          description: Negotiations.
          aliases: [talks]
    """,
    "content/events.yaml": """
        talks-resume:
          title: Talks resume
          date: 2024-03-05
          actors: [ana-lopez, ruritania]
          place: geneva
          topics: [talks]
    """,
    "content/articles/planet.yaml": """
        text: seeds/planet.txt
        published: 2024-03-07
        actors: [ana-lopez, ruritania]
        places: [geneva]
        topics: [talks]
        quotes:
          - text: We are ready to talk,
            speaker: ana-lopez
          - text: We are ready to listen.
            speaker: ana-lopez
          - text: will take time,
            speaker: ana-lopez
            kind: partial
        dates:
          - text: Tuesday
            date: 2024-03-05
            relative: true
            event: talks-resume
        notes:
          - text: resumed
            body: The talks had paused for a month.
    """,
}


@pytest.fixture
def sample_archive(tmp_path: Path) -> Path:
    return write_archive(tmp_path / "archive", SAMPLE_FILES)


def check_files(tmp_path: Path, overrides: dict[str, str | bytes | None]) -> Diagnostics:
    """Load the sample archive with some files replaced (None removes one); return diagnostics."""
    from annotarium.anchor import anchor

    files = {**SAMPLE_FILES, **overrides}
    root = write_archive(tmp_path / "archive", {k: v for k, v in files.items() if v is not None})
    diags = Diagnostics()
    anchor(load(root, diags), diags)
    return diags


# --- the browser, for the modules that drive Chromium (each may override these) ----------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright (skipped, or failed in CI, without)."""
    from sitebuild import chromium_browser

    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A tab in a fresh 1280 × 900 context."""
    from sitebuild import desktop_tab

    with desktop_tab(browser) as tab:
        yield tab
