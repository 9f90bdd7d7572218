"""docs/editors.md: every modeline it shows points, from where it is written, at a shipped
schema that the bundled files of that kind validate against."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import REPO

DOC = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)
# where each documented modeline is meant to be written, by the schema it names
WRITTEN_IN = {"article": REPO / "content" / "articles", "actors": REPO / "content",
              "config": REPO}


class _StringDates(yaml.SafeLoader):
    pass


_StringDates.add_constructor("tag:yaml.org,2002:timestamp",
                             lambda loader, node: loader.construct_scalar(node))


def test_the_doc_shows_modelines_for_each_kind_of_file() -> None:
    kinds = {Path(p).name.removesuffix(".schema.json") for p in MODELINE.findall(DOC)}
    assert kinds == set(WRITTEN_IN)


@pytest.mark.parametrize("target", MODELINE.findall(DOC))
def test_modeline_resolves_to_a_schema_the_files_there_meet(target: str) -> None:
    kind = Path(target).name.removesuffix(".schema.json")
    folder = WRITTEN_IN[kind]
    schema_path = (folder / target).resolve()
    assert schema_path.is_file(), f"{target} from {folder} does not exist"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    files = {"article": sorted(folder.glob("*.yaml")), "actors": [folder / "actors.yaml"],
             "config": [folder / "annotarium.yaml"]}[kind]
    for file in files:
        # the modeline is a comment: with it on top, the file reads the same
        text = f"# yaml-language-server: $schema={target}\n" + file.read_text(encoding="utf-8")
        jsonschema.validate(yaml.load(text, Loader=_StringDates), schema)


def test_schema_command_prints_the_shipped_archive_schema() -> None:
    printed = subprocess.run([sys.executable, "-m", "annotarium", "schema", "archive"],
                             capture_output=True, text=True, check=True).stdout
    shipped = REPO / "src" / "annotarium" / "schemas" / "archive.schema.json"
    assert json.loads(printed) == json.loads(shipped.read_text(encoding="utf-8"))
