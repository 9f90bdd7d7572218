"""Where the files that ship with Annotarium are: the bundled archive and built-in templates.

In a wheel they live in ``annotarium/_bundled/``; in a source checkout (an
editable install, or the tests) they are the repository's own top-level
``content/``, ``seeds/`` and ``templates/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_archive() -> Path:
    """The archive ``annotarium build`` builds when given no source."""
    packaged = _PACKAGE / "_bundled"
    if (packaged / "content").is_dir():
        return packaged
    return _PACKAGE.parents[1]


def builtin_templates() -> Path:
    """The built-in theme, which an archive's own ``templates/`` overrides file by file."""
    return bundled_archive() / "templates"


def looks_like_archive(path: Path) -> bool:
    return (path / "annotarium.yaml").is_file() or (path / "content").is_dir()
