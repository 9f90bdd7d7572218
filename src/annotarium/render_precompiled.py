"""The built-in templates compiled ahead of time: the Python code Jinja generates for each.

Jinja turns a template into Python source (parsing it, then generating the code) and
compiles that; for the built-in templates the first two steps take about 60 ms, a
tenth of a build of the bundled archive, and they give the same code every time.
``templates_compiled.json`` (beside this module) holds that code for each built-in
template, with the SHA-256 of the source it was made from, the Jinja version and a
fingerprint of the environment's settings. :class:`PrecompiledEnvironment` uses a
template's stored code only when all of them match, so the compiled template is the
very one Jinja would make (an archive's own template, an edited built-in one or
another Jinja version is compiled from its source as before).

Regenerate the file after editing a built-in template (a test fails until it is)::

    python -m annotarium.render_precompiled
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import jinja2

FILE = Path(__file__).with_name("templates_compiled.json")
FORMAT = 1

_loaded: dict[str, dict[str, tuple[str, str]]] = {}  # fingerprint -> name -> (sha, code)


def fingerprint(env: jinja2.Environment) -> str:
    """What besides a template's source shapes the code Jinja generates for it."""
    parts: list[Any] = [
        jinja2.__version__, env.block_start_string, env.block_end_string,
        env.variable_start_string, env.variable_end_string, env.comment_start_string,
        env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        repr(env.autoescape), env.optimized, env.is_async, sorted(env.extensions),
        sorted((name, str(getattr(f, "jinja_pass_arg", None))) for name, f in env.filters.items()),
        sorted((name, str(getattr(f, "jinja_pass_arg", None))) for name, f in env.tests.items()),
    ]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _source_sha(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _known(env: jinja2.Environment) -> dict[str, tuple[str, str]]:
    """The stored code of each built-in template, if it was made for this environment."""
    key = fingerprint(env)
    if key not in _loaded:
        try:
            stored = json.loads(FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = {}
        fresh = stored.get("format") == FORMAT and stored.get("fingerprint") == key
        _loaded[key] = ({name: (entry["sha256"], entry["code"])
                         for name, entry in stored["templates"].items()} if fresh else {})
    return _loaded[key]


class PrecompiledEnvironment(jinja2.Environment):
    """A Jinja environment that takes a built-in template's code from
    ``templates_compiled.json`` when it was made from the same source, with the same
    Jinja and settings; anything else is compiled as usual."""

    def compile(self, source: Any, name: str | None = None, filename: str | None = None,
                raw: bool = False, defer_init: bool = False) -> Any:
        if isinstance(source, str) and name is not None and not raw and not defer_init:
            stored = _known(self).get(name)
            if stored is not None and stored[0] == _source_sha(source):
                return self._compile(stored[1], filename or "<template>")
        return super().compile(source, name, filename, raw, defer_init)


def generate(env: jinja2.Environment, template_dir: Path) -> str:
    """The contents of ``templates_compiled.json`` for the templates in ``template_dir``."""
    templates = {}
    for path in sorted(template_dir.rglob("*.html")):
        name = path.relative_to(template_dir).as_posix()
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        templates[name] = {"sha256": _source_sha(source),
                           "code": env.compile(source, name, filename, raw=True)}
    return json.dumps({"format": FORMAT, "fingerprint": fingerprint(env),
                       "jinja2": jinja2.__version__, "templates": templates},
                      indent=1, sort_keys=True) + "\n"


def stored_jinja_version() -> str | None:
    """The Jinja version the stored code was made with (None if there is none)."""
    try:
        return json.loads(FILE.read_text(encoding="utf-8")).get("jinja2")
    except (OSError, ValueError):
        return None


def main() -> int:
    from annotarium.render_templates import builtin_template_dir, make_environment

    folder = builtin_template_dir()
    text = generate(make_environment([folder]), folder)
    FILE.write_text(text, encoding="utf-8")
    print(f"wrote {FILE} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
