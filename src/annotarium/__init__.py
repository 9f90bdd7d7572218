"""Annotarium: a static-site generator for annotated policy-analysis archives.

The pipeline is ``load → anchor → link → render → write``; each stage is a
module of the same name. The public API is small:

- :func:`check_archive` loads, anchors and links an archive and returns its
  diagnostics, writing nothing;
- :func:`build_site` does the same, then renders and writes the site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotarium import dataclass_methods as _dataclass_methods

__version__ = "0.1.0"

# before any of Annotarium's dataclasses is defined (issue 4: start-up time)
_dataclass_methods.install()

__all__ = ["BuildResult", "CheckResult", "__version__", "build_site", "check_archive"]

if TYPE_CHECKING:
    from annotarium.pipeline import BuildResult, CheckResult, build_site, check_archive


def __getattr__(name: str) -> Any:
    # Imported on first use, so that 'annotarium --version' and a build with nothing to
    # do do not pay for loading the whole pipeline.
    if name in __all__:
        from annotarium import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'annotarium' has no attribute {name!r}")
