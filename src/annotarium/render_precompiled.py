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

The file also holds that code compiled to Python bytecode (marshal, base64) for the
Python that made it (its ``importlib.util.MAGIC_NUMBER``): compiling the stored code
takes about 17 ms of a build, loading the bytecode one or two. It is used only by a
Python with the same magic number (bytecode any other Python cannot load), and only for
a template whose stored code is used; elsewhere the code is compiled as before. Its
file name is the template's, set when it is loaded.

Regenerate the file after editing a built-in template (a test fails until it is)::

    python -m annotarium.render_precompiled
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2

FILE = Path(__file__).with_name("templates_compiled.json")
FORMAT = 1
MAGIC = importlib.util.MAGIC_NUMBER.hex()  # this Python's bytecode format
LABEL = "<built-in template>"  # the stored bytecode's file name, until it is loaded

# fingerprint -> name -> (sha, code, bytecode in base64 or None)
_loaded: dict[str, dict[str, tuple[str, str, str | None]]] = {}


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


def _known(env: jinja2.Environment) -> dict[str, tuple[str, str, str | None]]:
    """The stored code of each built-in template, if it was made for this environment,
    with its bytecode if that was made by a Python of this one's bytecode format."""
    key = fingerprint(env)
    if key not in _loaded:
        try:
            stored = json.loads(FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = {}
        fresh = stored.get("format") == FORMAT and stored.get("fingerprint") == key
        compiled = stored.get("bytecode") or {}
        bytecode = compiled.get("templates", {}) if compiled.get("magic") == MAGIC else {}
        _loaded[key] = ({name: (entry["sha256"], entry["code"], bytecode.get(name))
                         for name, entry in stored["templates"].items()} if fresh else {})
    return _loaded[key]


def _with_filename(code: CodeType, filename: str) -> CodeType:
    """``code`` and the code objects in it with the file name ``filename``."""
    consts = tuple(_with_filename(c, filename) if isinstance(c, CodeType) else c
                   for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _load_bytecode(bytecode: str, filename: str) -> CodeType | None:
    try:
        code = marshal.loads(base64.b64decode(bytecode))
    except (ValueError, EOFError, TypeError):
        return None
    return _with_filename(code, filename) if isinstance(code, CodeType) else None


class PrecompiledEnvironment(jinja2.Environment):
    """A Jinja environment that takes a built-in template's code from
    ``templates_compiled.json`` when it was made from the same source, with the same
    Jinja and settings; anything else is compiled as usual."""

    def compile(self, source: Any, name: str | None = None, filename: str | None = None,
                raw: bool = False, defer_init: bool = False) -> Any:
        if isinstance(source, str) and name is not None and not raw and not defer_init:
            stored = _known(self).get(name)
            if stored is not None and stored[0] == _source_sha(source):
                loaded = _load_bytecode(stored[2], filename or "<template>") \
                    if stored[2] is not None else None
                return loaded or self._compile(stored[1], filename or "<template>")
        return super().compile(source, name, filename, raw, defer_init)


def generate(env: jinja2.Environment, template_dir: Path) -> str:
    """The contents of ``templates_compiled.json`` for the templates in ``template_dir``."""
    templates = {}
    bytecode = {}
    for path in sorted(template_dir.rglob("*.html")):
        name = path.relative_to(template_dir).as_posix()
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        code = env.compile(source, name, filename, raw=True)
        templates[name] = {"sha256": _source_sha(source), "code": code}
        # as Jinja compiles it: without this module's __future__ flags (dont_inherit)
        compiled = compile(code, LABEL, "exec", dont_inherit=True)
        bytecode[name] = base64.b64encode(marshal.dumps(compiled)).decode()
    return json.dumps({"format": FORMAT, "fingerprint": fingerprint(env),
                       "jinja2": jinja2.__version__, "templates": templates,
                       "bytecode": {"magic": MAGIC, "python": sys.version.split()[0],
                                    "templates": bytecode}},
                      indent=1, sort_keys=True) + "\n"


def stored_bytecode() -> dict[str, Any]:
    """The stored bytecode: its ``magic``, the ``python`` version that made it and each
    template's (empty if there is none)."""
    try:
        return json.loads(FILE.read_text(encoding="utf-8")).get("bytecode") or {}
    except (OSError, ValueError):
        return {}


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
