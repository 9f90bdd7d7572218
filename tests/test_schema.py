"""The published JSON Schemas match the checker's own field declarations."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from annotarium.schema import SCHEMAS, json_schema
from conftest import REPO

SCHEMA_DIR = REPO / "src" / "annotarium" / "schemas"


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_published_schema_is_current(kind: str) -> None:
    record, top = SCHEMAS[kind]
    published = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema(record, f"Annotarium {kind}", top), (
        f"regenerate with: annotarium schema {kind} > src/annotarium/schemas/{kind}.schema.json"
    )


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_schema_is_valid_json_schema(kind: str) -> None:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


def _bundled_files() -> list[tuple[str, str]]:
    pairs = [(f"content/{k}.yaml", k) for k in ("actors", "places", "topics", "events")]
    pairs += [(str(p.relative_to(REPO)), "article")
              for p in sorted((REPO / "content" / "articles").glob("*.yaml"))]
    pairs.append(("annotarium.yaml", "config"))
    return [(path, kind) for path, kind in pairs if (REPO / path).exists()]


@pytest.mark.parametrize(("path", "kind"), _bundled_files())
def test_bundled_files_validate_against_their_schema(path: str, kind: str) -> None:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    # dates stay strings, as annotarium reads them (not datetime objects)
    text = (REPO / path).read_text(encoding="utf-8")
    document = yaml.load(text, Loader=_StringDates)
    jsonschema.validate(document, schema)


class _StringDates(yaml.SafeLoader):
    pass


_StringDates.add_constructor("tag:yaml.org,2002:timestamp",
                             lambda loader, node: loader.construct_scalar(node))


def test_rejects_unknown_keys() -> None:
    schema = json.loads((SCHEMA_DIR / "article.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"text": "seeds/a.txt", "quotse": []}, schema)
