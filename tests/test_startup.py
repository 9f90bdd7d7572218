"""What a command imports: only what the path it takes needs (start-up time, issue 4).

Not a timed test: it runs the command in a fresh interpreter and looks at ``sys.modules``
when it is done. The bundled archive must build in well under a second, interpreter start
included, and a module imported for nothing costs it (asyncio alone 20–30 ms); see
benchmarks/README.md, "Seed archive start-up".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the CLI in-process, then writes to argv[1] the names of the modules it loaded (not
# those the interpreter's start-up loaded: a site hook of the machine is not Annotarium's).
SCRIPT = """
import sys
started = set(sys.modules)
import json
from annotarium.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sorted(set(sys.modules) - started), out)
sys.exit(code)
"""

# only for search: the records and the client of Pagefind's service
SEARCH = ("annotarium.search", "annotarium.search_build", "annotarium.search_pagefind",
          "pagefind_bin")
# never: Pagefind's Python API, and the asyncio it runs on (search_pagefind talks to the
# service itself)
ASYNC = ("pagefind", "asyncio", "concurrent.futures", "ssl", "socket")
# only for other commands: serve, new, import, check --fix
OTHER_COMMANDS = ("annotarium.serve", "watchfiles", "http.server", "annotarium.importer",
                  "annotarium.webanno", "annotarium.yamlappend", "annotarium.fix", "ruamel",
                  "annotarium.draft_run", "annotarium.draft_new", "annotarium.draft_quotes",
                  "annotarium.draft_dates", "annotarium.draft_yaml")
# heavy and never needed by a build: xml.sax.saxutils loads urllib.request and the HTTP
# and TLS stack; multiprocessing only when a large archive forks workers
NEVER_FOR_A_SMALL_BUILD = ("xml.sax", "urllib.request", "http.client", "ssl",
                           "multiprocessing")
# only when there is something to swap or look up: ctypes for renameat2 (a build into a new
# folder swaps nothing), and the pagefind_bin package, whose program is found beside it
# without importing it (the import loads platform and logging)
NOT_FOR_A_NEW_FOLDER = ("ctypes", "pagefind_bin")
# check loads, anchors and links: nothing of render, export, write
RENDER_AND_WRITE = ("jinja2", "annotarium.render", "annotarium.render_context",
                    "annotarium.render_pictures", "annotarium.export",
                    "annotarium.export_tables", "annotarium.write")


def _modules(tmp_path: Path, *args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    listing = tmp_path / "modules.json"
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(listing), *args],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    return set(json.loads(listing.read_text(encoding="utf-8"))), result


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_build_without_search_imports_no_search_module(tmp_path: Path) -> None:
    # tmp_path is no archive: this builds the bundled one
    modules, _ = _modules(tmp_path, "build", "--clean", "-q", "--no-search",
                          "--output", str(tmp_path / "site"))
    assert (tmp_path / "site" / "index.html").is_file()
    assert "annotarium.render" in modules  # it did build
    assert _loaded(modules, SEARCH) == []
    assert _loaded(modules, ASYNC) == []
    assert _loaded(modules, OTHER_COMMANDS) == []
    assert _loaded(modules, NEVER_FOR_A_SMALL_BUILD) == []
    assert _loaded(modules, NOT_FOR_A_NEW_FOLDER) == []


def test_build_with_search_imports_only_what_search_needs(tmp_path: Path) -> None:
    modules, _ = _modules(tmp_path, "build", "--clean", "-q", "--output", str(tmp_path / "site"))
    assert (tmp_path / "site" / "pagefind" / "pagefind-entry.json").is_file()  # it indexed
    assert _loaded(modules, ASYNC) == []
    assert _loaded(modules, OTHER_COMMANDS) == []
    assert _loaded(modules, NEVER_FOR_A_SMALL_BUILD) == []
    assert _loaded(modules, NOT_FOR_A_NEW_FOLDER) == []
    # into a folder that has a site: the two trees are exchanged (renameat2, by ctypes)
    again, _ = _modules(tmp_path, "build", "--clean", "-q", "--output", str(tmp_path / "site"))
    assert sys.platform != "linux" or "ctypes" in again


def test_check_imports_neither_render_nor_search(tmp_path: Path) -> None:
    modules, result = _modules(tmp_path, "check")
    assert "0 errors" in result.stdout
    assert "annotarium.link" in modules  # it did check
    assert _loaded(modules, RENDER_AND_WRITE) == []
    assert _loaded(modules, SEARCH + ASYNC) == []
    assert _loaded(modules, OTHER_COMMANDS) == []
    assert _loaded(modules, NEVER_FOR_A_SMALL_BUILD) == []


def test_a_build_with_nothing_changed_loads_no_stage(tmp_path: Path) -> None:
    output = str(tmp_path / "site")
    _modules(tmp_path, "build", "-q", "--no-search", "--output", output)
    modules, _ = _modules(tmp_path, "build", "--no-search", "--output", output)
    assert _loaded(modules, ("annotarium.load", "annotarium.load_registries", "yaml",
                             "markdown_it", *RENDER_AND_WRITE[:-1], *SEARCH, *ASYNC)) == []


# Counts the templates Jinja parses (and so generates code for) during the command.
PARSES = """
import sys
import jinja2
parsed = []
parse = jinja2.Environment._parse
def counting(self, source, name, filename):
    parsed.append(name)
    return parse(self, source, name, filename)
jinja2.Environment._parse = counting
from annotarium.cli import main
code = main(sys.argv[1:])
print("parsed:", sorted(parsed))
sys.exit(code)
"""


def test_a_build_of_the_bundled_archive_parses_no_template(tmp_path: Path) -> None:
    """The built-in templates' code is stored (render_precompiled.py): a build of the
    bundled archive compiles it without parsing a template or generating its code."""
    import jinja2

    from annotarium.render_precompiled import stored_jinja_version

    if stored_jinja_version() != jinja2.__version__:
        pytest.skip("templates_compiled.json was made with another Jinja version")
    result = subprocess.run([sys.executable, "-c", PARSES, "build", "--clean", "-q",
                             "--output", str(tmp_path / "site")],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "about" / "index.html").is_file()
    assert "parsed: []" in result.stdout
