"""Quick pickling of the model's frozen dataclasses with ``__slots__``.

:mod:`dataclasses` gives such a class a ``__getstate__`` and a ``__setstate__`` that look
its fields up again for every object they pickle or unpickle. A build pickles every
loaded article twice (from the worker that loaded it, and into its memo file) and one
after an edit unpickles 2,000 of them from the memo: about 600,000 objects each time, and
that lookup was most of the time (unpickling the memo took 1.05 s, now 0.40 s; writing
it 2.6 s of a profiled cold build). :func:`quick_pickling` replaces both with functions
written for the class's own fields, the way :mod:`dataclasses` writes ``__init__``. What
is pickled (the list of the fields' values, in order) does not change. Only the standard
library is imported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
from typing import TypeVar

T = TypeVar("T", bound=type)

# The fields of every class given quick pickling, by module and name: what its pickled
# state means (see layout_digest()).
_LAYOUTS: dict[str, tuple[str, ...]] = {}
_DIGEST: list[object] = [-1, ""]  # how many layouts the digest covers, and the digest


def quick_pickling(cls: T) -> T:
    """Give ``cls`` (a frozen dataclass with slots) a ``__getstate__`` and a
    ``__setstate__`` for its fields.

    A state with fewer values than the class has fields raises (IndexError), where the
    one it replaces would leave fields unset: a memo file from another layout is then
    refused, not half read."""
    names = [field.name for field in dataclasses.fields(cls)]
    _LAYOUTS[f"{cls.__module__}.{cls.__qualname__}"] = tuple(names)
    if not all(isinstance(getattr(cls, name), types.MemberDescriptorType) for name in names):
        raise TypeError(f"{cls.__name__} is not a dataclass with slots")
    namespace = {f"_set{index}": getattr(cls, name).__set__ for index, name in enumerate(names)}
    body = "".join(f"    _set{index}(self, state[{index}])\n" for index in range(len(names)))
    exec(f"def __setstate__(self, state):\n{body or '    pass'}\n", namespace)
    values = ", ".join(f"self.{name}" for name in names)
    exec(f"def __getstate__(self):\n    return [{values}]\n", namespace)
    for name in ("__getstate__", "__setstate__"):
        namespace[name].__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, namespace[name])
    return cls


def layout_digest() -> str:
    """A digest of the fields of every class with quick pickling: a pickle made while it
    was another (a field added, removed or moved) must not be read, for its values would
    land in the wrong fields. The memo stores it in each file's header."""
    if _DIGEST[0] != len(_LAYOUTS):  # made once all the model's classes are defined
        _DIGEST[:] = [len(_LAYOUTS), hashlib.blake2b(
            repr(sorted(_LAYOUTS.items())).encode(), digest_size=8).hexdigest()]
    return str(_DIGEST[1])
