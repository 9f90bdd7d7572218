"""Shared helpers for the tests that look at the built site (not a test module).

:func:`build_bundled` builds the bundled archive once per test session (later calls
return the same folder, whatever ``tmp_dir`` they pass), :func:`build_bundled_paged` a
copy of it whose long lists take several pages, :func:`serve` serves a folder
with ``python -m http.server`` on a free local port, and :func:`require` skips a test
when a tool is missing, or fails it when ``ANNOTARIUM_REQUIRE_BROWSER=1`` (as in CI).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEED_ARTICLE = "articles/trump-north-korea-gamble/index.html"

_built: dict[str, Path] = {}


def build_bundled(tmp_dir: Path) -> Path:
    """Build the bundled archive into ``tmp_dir/site`` (once per session); return the site."""
    if "site" in _built:
        return _built["site"]
    from annotarium.pipeline import build_site

    result = build_site(REPO, Path(tmp_dir) / "site")
    if result.output is None:
        problems = "\n".join(d.format(REPO) for d in result.check.diagnostics.sorted())
        pytest.fail(f"the bundled archive does not build:\n{problems}", pytrace=False)
    _built["site"] = result.output
    return result.output


PAGED = 1  # the page size of the paged copy: every list of more than one entry is paged


def paged_archive(tmp_dir: Path) -> Path:
    """A copy of the bundled archive with ``page_size: 1`` in ``tmp_dir/archive`` (the
    bundled archive is small: at the default size none of its lists takes two pages)."""
    import shutil

    archive = Path(tmp_dir) / "archive"
    if not archive.exists():
        for folder in ("content", "seeds"):
            shutil.copytree(REPO / folder, archive / folder)
        config = (REPO / "annotarium.yaml").read_text(encoding="utf-8")
        (archive / "annotarium.yaml").write_text(f"{config.rstrip()}\npage_size: {PAGED}\n",
                                                 encoding="utf-8")
    return archive


def build_bundled_paged(tmp_dir: Path) -> Path:
    """Build :func:`paged_archive` into ``tmp_dir/site`` (once per session); return it."""
    if "paged" in _built:
        return _built["paged"]
    from annotarium.pipeline import build_site

    archive = paged_archive(tmp_dir)
    result = build_site(archive, Path(tmp_dir) / "site")
    assert result.output is not None, [d.format() for d in result.check.diagnostics.errors]
    _built["paged"] = result.output
    return result.output


def browser_required() -> bool:
    return os.environ.get("ANNOTARIUM_REQUIRE_BROWSER") == "1"


def require(ok: bool, reason: str) -> None:
    """Skip (or, with ANNOTARIUM_REQUIRE_BROWSER=1, fail) unless ``ok``."""
    if ok:
        return
    if browser_required():
        pytest.fail(f"{reason} (ANNOTARIUM_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def launch_chromium(playwright):  # type: ignore[no-untyped-def]
    """Debian's Chromium, headless; never a downloaded browser."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


@contextmanager
def chromium_browser(*requirements: tuple[bool, str]) -> Iterator:  # type: ignore[type-arg]
    """Headless Chromium for a test module, once Playwright, the browser and any other
    ``(ok, reason)`` requirements are there (else skipped, or failed in CI)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None  # type: ignore[assignment]
    require(sync_playwright is not None, "playwright (Python) is not installed")
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    for ok, reason in requirements:
        require(ok, reason)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def desktop_tab(browser) -> Iterator:  # type: ignore[no-untyped-def,type-arg]
    """A tab in a fresh 1280 × 900 browser context, closed afterwards."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def html_pages(site: Path) -> list[str]:
    """Every .html file of the site, as POSIX paths relative to it, sorted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` with ``python -m http.server`` on 127.0.0.1; yield its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(base, timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"http.server did not start on port {port}") from None
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
