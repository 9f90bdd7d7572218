"""Reading YAML with locations, and refusing what is unsafe."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotarium.yamlsource import YamlError, YList, YMap, parse_yaml

P = Path("x.yaml")


def test_locations_of_keys_values_and_items() -> None:
    doc = parse_yaml("a:\n  b: 1\n  c:\n    - x\n    - y\n", P)
    value = doc.value
    assert isinstance(value, YMap)
    inner = value["a"]
    assert inner.key_where("c").line == 3
    assert isinstance(inner["c"], YList)
    assert inner["c"].where(1).line == 5
    assert inner.where("b").line == 2 and inner.where("b").col == 6


def test_dates_stay_as_typed() -> None:
    assert parse_yaml("d: 2019-06-30\n", P).value["d"] == "2019-06-30"


def test_duplicate_key_is_an_error_with_both_lines() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("a: 1\nb: 2\na: 3\n", P)
    assert caught.value.location.line == 3
    assert "duplicate key 'a'" in caught.value.message
    assert caught.value.hint is not None and "line 1" in caught.value.hint


def test_python_tags_are_refused() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("a: !!python/object/apply:os.system ['true']\n", P)
    assert "not allowed" in caught.value.message


def test_alias_bomb_is_stopped() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += (
            f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, "
            f"*{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
        )
    with pytest.raises(YamlError) as caught:
        parse_yaml(bomb, P)
    assert "expands to more than" in caught.value.message


def test_tab_indentation_gets_a_hint() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("a:\n\tb: 1\n", P)
    assert caught.value.location.line == 2
    assert caught.value.hint is not None and "tabs" in caught.value.hint


def test_bom_and_empty_documents() -> None:
    assert parse_yaml("\ufeffa: 1\n", P).value == {"a": 1}
    assert parse_yaml("", P).value is None
    assert parse_yaml("\ufeff", P).value is None
