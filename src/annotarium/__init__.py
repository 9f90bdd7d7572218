"""Annotarium: a static-site generator for annotated policy-analysis archives.

The pipeline is ``load → anchor → link → render → write``; each stage is a
module of the same name. The public API is small:

- :func:`check_archive` loads, anchors and links an archive and returns its
  diagnostics, writing nothing;
- :func:`build_site` does the same, then renders and writes the site.
"""

from __future__ import annotations

__version__ = "0.1.0"

from annotarium.pipeline import BuildResult, CheckResult, build_site, check_archive

__all__ = ["BuildResult", "CheckResult", "__version__", "build_site", "check_archive"]
