"""Annotarium's dataclasses get their rarely called methods when first called.

Python 3.10 to 3.12 build each generated method of a dataclass (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, and a frozen class's ``__setattr__`` and
``__delattr__``) by compiling its source on its own when the class is defined: six
compilations for each of the ~125 classes a build defines, about 60 ms of the 0.5 s a
build of the bundled archive takes (issue 4: start-up time), most of them for methods
that a build never calls (a frozen class's ``__setattr__`` is called only by a bug).

:func:`install` makes the dataclasses of Annotarium's own modules (and only those) get
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__`` as a small
stand-in that, on its first call, compiles the method from the very source, globals and
locals that :mod:`dataclasses` gives, puts it in its own place on the class, and calls
it: the classes behave exactly as before, and a method never called is never compiled.
``__init__`` is made at once (every class is instantiated, and its signature is the
class's). On other Pythons (3.13 builds a class's methods in one go, differently) and
when :mod:`dataclasses` does not look as expected, nothing is changed.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from collections.abc import Callable
from typing import Any

LAZY = frozenset({"__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"})
PACKAGE = "annotarium"
_EXPECTED = ["name", "args", "body", "globals", "locals", "return_type"]


def install() -> None:
    """Make Annotarium's dataclasses compile their rarely called methods on first call
    (idempotent; does nothing where :mod:`dataclasses` is not the one expected)."""
    original = getattr(dataclasses, "_create_fn", None)
    if original is None or getattr(original, "_annotarium_lazy", False) \
            or not (3, 10) <= sys.version_info[:2] < (3, 13):
        return
    try:
        if list(inspect.signature(original).parameters) != _EXPECTED:
            return
    except (TypeError, ValueError):
        return

    def create_fn(name: str, args: Any, body: Any, *, globals: Any = None,
                  locals: Any = None, return_type: Any = dataclasses.MISSING) -> Any:
        module = (globals or {}).get("__name__") or ""
        if name not in LAZY or not (module == PACKAGE or module.startswith(PACKAGE + ".")):
            return original(name, args, body, globals=globals, locals=locals,
                            return_type=return_type)
        return _stand_in(name, lambda: original(name, args, body, globals=globals,
                                                locals=locals, return_type=return_type))

    create_fn._annotarium_lazy = True  # type: ignore[attr-defined]
    dataclasses._create_fn = create_fn  # type: ignore[attr-defined]


def _stand_in(name: str, make: Callable[[], Callable[..., Any]]) -> Callable[..., Any]:
    """A method ``name`` that makes the real one on its first call, puts it on the class
    in its own place (where it is not wrapped, as ``__repr__`` is) and calls it."""
    made: list[Callable[..., Any]] = []

    def method(self: Any, *args: Any) -> Any:
        if not made:
            real = make()
            real.__qualname__ = method.__qualname__  # the class's, as dataclasses sets it
            made.append(real)
            for klass in type(self).__mro__:
                if klass.__dict__.get(name) is method:
                    type.__setattr__(klass, name, real)
                    break
        return made[0](self, *args)

    method.__name__ = name
    return method
