"""The Jinja environment of the render stage: where templates are found, the filters
they may use, and one compiled set of templates per version of the template files."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import jinja2

from annotarium.render_context import SiteContext
from annotarium.render_precompiled import PrecompiledEnvironment


def builtin_template_dir() -> Path:
    """The built-in templates: bundled in a wheel, or the repository's ``templates/``."""
    bundled = Path(__file__).parent / "_bundled" / "templates"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parents[2] / "templates"


def make_environment(template_dirs: Iterable[Path]) -> jinja2.Environment:
    """The Jinja2 environment: autoescaped, strict, with the ``url`` filter. The built-in
    templates' code is taken from ``templates_compiled.json`` where it was made from the
    same source (see :mod:`annotarium.render_precompiled`)."""
    env = PrecompiledEnvironment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # no stat of a template's file each time it is used: an environment is kept only
        # while every template file is the same (see site_environment)
        auto_reload=False,
    )
    env.filters["url"] = _url_filter
    env.filters["plural"] = _plural
    return env


@functools.lru_cache(maxsize=2)
def site_environment(template_dirs: tuple[Path, ...], salt: str) -> jinja2.Environment:
    """One environment, with its compiled templates, for as long as the salt (which digests
    every template file) is the same: ``serve`` compiles a template once, not per rebuild."""
    return make_environment(template_dirs)


@jinja2.pass_context
def _url_filter(context: jinja2.runtime.Context, path: str, fragment: str = "") -> str:
    """``{{ ref.path | url }}``: the link from the page being rendered to ``path``."""
    site: SiteContext = context["site"]
    return site.url(path, fragment)


def _plural(number: int, singular: str, plural: str | None = None) -> str:
    """``{{ n | plural("quote") }}`` → "1 quote", "3 quotes"."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"
