"""Annotarium's dataclasses compile their rarely called methods on first call
(dataclass_methods.py, issue 4: start-up time), and behave exactly as plain dataclasses."""

from __future__ import annotations

import dataclasses
import sys
import types

import pytest

import annotarium  # noqa: F401  (installs the lazy methods, as any use of the package does)
from annotarium import dataclass_methods

SOURCE = """
from __future__ import annotations
from dataclasses import dataclass, field

@dataclass(frozen=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default=(), compare=False)

@dataclass(frozen=True)
class Labelled(Point):
    label: str = ""

@dataclass
class Mutable:
    items: list[int] = field(default_factory=list)
"""

LAZY_ACTIVE = (3, 10) <= sys.version_info[:2] < (3, 13)


def _module(name: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """SOURCE run as the module ``name`` (dataclasses reads the module's globals)."""
    module = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, module)
    exec(compile(SOURCE, f"<{name}>", "exec"), module.__dict__)
    return module


def _is_stand_in(cls: type, name: str) -> bool:
    method = cls.__dict__[name]
    method = getattr(method, "__wrapped__", method)  # __repr__ is wrapped by dataclasses
    return method.__code__.co_name == "method"


@pytest.mark.parametrize("name", ["annotarium._probe", "elsewhere_probe"])
def test_the_classes_behave_as_plain_dataclasses(name: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _module(name, monkeypatch)
    point, labelled = ours.Point(1, 2, ("a",)), ours.Labelled(1, 2, label="x")
    assert point == ours.Point(1, 2, ("b",))  # tags are not compared
    assert point != ours.Point(2, 2) and point != (1, 2)
    assert hash(point) == hash((1, 2)) == hash(ours.Point(1, 2))
    assert repr(point) == "Point(x=1, y=2, tags=('a',))"
    assert repr(labelled) == "Labelled(x=1, y=2, tags=(), label='x')"
    assert labelled == ours.Labelled(1, 2, label="x") and labelled != ours.Labelled(1, 2)
    assert hash(labelled) == hash((1, 2, "x"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del labelled.label
    assert dataclasses.replace(point, y=5) == ours.Point(1, 5)
    assert dataclasses.astuple(point) == (1, 2, ("a",))
    mutable = ours.Mutable()
    mutable.items.append(1)
    mutable.items = [2]
    assert mutable == ours.Mutable([2]) and repr(mutable) == "Mutable(items=[2])"
    assert ours.Point.__eq__.__qualname__ == "Point.__eq__"


@pytest.mark.skipif(not LAZY_ACTIVE, reason="only Python 3.10-3.12 compile each method alone")
def test_only_annotariums_classes_get_stand_ins_replaced_on_first_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ours, theirs = _module("annotarium._probe", monkeypatch), _module("x_probe", monkeypatch)
    for name in ("__eq__", "__hash__", "__repr__", "__setattr__", "__delattr__"):
        assert _is_stand_in(ours.Point, name), name
        assert not _is_stand_in(theirs.Point, name), name
    assert not _is_stand_in(ours.Point, "__init__")  # made at once: the class's signature
    assert str(dataclasses.fields(ours.Point)[0].name) == "x"
    assert ours.Labelled(1) == ours.Labelled(1)  # the subclass's own __eq__
    assert _is_stand_in(ours.Point, "__eq__")  # the parent's, not called yet
    assert not _is_stand_in(ours.Labelled, "__eq__")  # in its place now
    assert ours.Labelled.__eq__.__qualname__ == "Labelled.__eq__"
    hash(ours.Point(1))
    assert not _is_stand_in(ours.Point, "__hash__")
    assert repr(ours.Point(1)) == repr(ours.Point(1)) == "Point(x=1, y=0, tags=())"


def test_install_is_idempotent() -> None:
    installed = dataclasses._create_fn  # type: ignore[attr-defined]
    dataclass_methods.install()
    assert dataclasses._create_fn is installed  # type: ignore[attr-defined]


def test_the_models_classes_compare_hash_and_print() -> None:
    from annotarium.model import Span

    fields = [f.name for f in dataclasses.fields(Span)]
    values = {f.name: None for f in dataclasses.fields(Span)}
    one, two = Span(**values), Span(**values)  # type: ignore[arg-type]
    assert one == two and hash(one) == hash(two)
    assert repr(one).startswith("Span(" + fields[0] + "=")
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.start = 1  # type: ignore[misc]
