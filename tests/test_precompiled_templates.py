"""The built-in templates' code stored ahead of time (render_precompiled.py, issue 4's
start-up time): it is the code Jinja makes, and it is used only when it was made from the
same source, with the same Jinja and settings."""

from __future__ import annotations

import base64
import json
import marshal
import types

import jinja2
import pytest

from annotarium import render_precompiled
from annotarium.render_templates import builtin_template_dir, make_environment

# The stored code is made with one Jinja version (the one the developers have); with
# another, it is not used (builds parse every template, as before) and these tests skip.
same_jinja = pytest.mark.skipif(
    render_precompiled.stored_jinja_version() != jinja2.__version__,
    reason="templates_compiled.json was made with another Jinja version")

NAMES = sorted(p.relative_to(builtin_template_dir()).as_posix()
               for p in builtin_template_dir().rglob("*.html"))


STALE = ("a built-in template changed: run `python -m annotarium.render_precompiled` "
         "and commit src/annotarium/templates_compiled.json")


@same_jinja
def test_the_stored_code_is_up_to_date() -> None:
    folder = builtin_template_dir()
    expected = json.loads(render_precompiled.generate(make_environment([folder]), folder))
    stored = json.loads(render_precompiled.FILE.read_text(encoding="utf-8"))
    bytecode = stored.pop("bytecode")
    expected.pop("bytecode")  # this Python's, which may be another than the one that made it
    assert stored == expected, STALE
    assert sorted(bytecode["templates"]) == sorted(stored["templates"]), STALE
    if bytecode["magic"] != render_precompiled.MAGIC:
        pytest.skip("the stored bytecode was made by a Python of another bytecode format")
    for name, entry in stored["templates"].items():  # the same code, compiled
        code = marshal.loads(base64.b64decode(bytecode["templates"][name]))
        assert code == compile(entry["code"], "x", "exec", dont_inherit=True), STALE


@same_jinja
def test_a_template_loaded_from_bytecode_bears_its_file_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    if render_precompiled.stored_bytecode().get("magic") != render_precompiled.MAGIC:
        pytest.skip("the stored bytecode was made by a Python of another bytecode format")
    loaded: list[object] = []
    load = render_precompiled._load_bytecode
    monkeypatch.setattr(render_precompiled, "_load_bytecode",
                        lambda *args: loaded.append(load(*args)) or loaded[-1])
    env = make_environment([builtin_template_dir()])
    template = env.get_template("base.html")
    assert len(loaded) == 1 and loaded[0] is not None  # from the stored bytecode
    codes = [template.root_render_func.__code__]
    while codes:
        code = codes.pop()
        assert code.co_filename == template.filename
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    assert render_precompiled._load_bytecode("bm90IGJ5dGVjb2Rl", "x") is None  # falls back


@same_jinja
def test_another_pythons_bytecode_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_precompiled, "MAGIC", "00000000")
    monkeypatch.setattr(render_precompiled, "_loaded", {})
    loaded: list[str] = []
    load = render_precompiled._load_bytecode
    monkeypatch.setattr(render_precompiled, "_load_bytecode",
                        lambda *args: loaded.append("x") or load(*args))
    env = make_environment([builtin_template_dir()])
    source, filename, _ = env.loader.get_source(env, "about.html")  # type: ignore[union-attr]
    code = env.compile(source, "about.html", filename)
    assert code == env._compile(env.compile(source, "about.html", filename, raw=True), filename)
    assert loaded == []


@same_jinja
@pytest.mark.parametrize("name", NAMES)
def test_a_builtin_template_is_not_parsed_and_compiles_to_jinjas_code(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = make_environment([builtin_template_dir()])
    source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    made_by_jinja = env._compile(env.compile(source, name, filename, raw=True), filename)

    def refuse(*args: object) -> None:
        raise AssertionError("parsed a template whose code is stored")

    monkeypatch.setattr(jinja2.Environment, "_parse", refuse)
    assert env.compile(source, name, filename) == made_by_jinja


def test_an_edited_template_is_compiled_from_its_own_source() -> None:
    env = make_environment([builtin_template_dir()])
    source, filename, _ = env.loader.get_source(env, "about.html")  # type: ignore[union-attr]
    edited = source.replace("About this archive", "About this edited archive", 1)
    assert edited != source
    code = env.compile(edited, "about.html", filename)
    assert code == env._compile(env.compile(edited, "about.html", filename, raw=True), filename)
    assert code != env.compile(source, "about.html", filename)


def test_other_settings_do_not_use_the_stored_code(monkeypatch: pytest.MonkeyPatch) -> None:
    env = make_environment([builtin_template_dir()])
    env.filters["shout"] = str.upper  # another filter set: another fingerprint
    parsed: list[str] = []
    parse = jinja2.Environment._parse

    def counting(self, source, name, filename):  # type: ignore[no-untyped-def]
        parsed.append(name)
        return parse(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", counting)
    env.get_template("about.html")
    assert "about.html" in parsed
