"""Read YAML into plain values that remember where each came from.

PyYAML's constructors lose line numbers and accept tags that build Python
objects. We compose the node tree instead (with the C parser when it is
installed) and convert it ourselves, so that:

- every mapping and sequence knows the line and column of itself and of each
  key and item, which every later error message points at;
- duplicate keys are errors, not silent overwrites;
- only the standard scalar tags are accepted (``!!python/object`` is refused);
- anchors and aliases are expanded under a node budget, so an alias bomb
  ("billion laughs") is reported instead of exhausting memory;
- dates and times stay as the strings the analyst typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from annotarium.diagnostics import Location

try:  # the C parser is many times faster; fall back to pure Python where it is missing
    from yaml import CBaseLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]

MAX_NODES = 200_000
MAX_DEPTH = 64

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class YamlError(Exception):
    """A YAML file that cannot be read; carries the place and a readable message."""

    def __init__(self, location: Location, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.location = location
        self.message = message
        self.hint = hint


class YMap(dict[str, Any]):
    """A mapping read from YAML, with the location of itself, its keys and values.

    Positions are kept as (line, column) pairs and turned into
    :class:`Location` values only when asked for: most are never needed.
    """

    path: Path
    position: tuple[int, int]
    key_positions: dict[str, tuple[int, int]]
    value_positions: dict[str, tuple[int, int]]

    @property
    def location(self) -> Location:
        return Location(self.path, *self.position)

    def where(self, key: str) -> Location:
        """Where the value of ``key`` is, else where the key is, else the mapping."""
        position = self.value_positions.get(key) or self.key_positions.get(key) or self.position
        return Location(self.path, *position)

    def key_where(self, key: str) -> Location:
        return Location(self.path, *self.key_positions.get(key, self.position))


class YList(list[Any]):
    """A sequence read from YAML, with the location of itself and of each item."""

    path: Path
    position: tuple[int, int]
    item_positions: list[tuple[int, int]]

    @property
    def location(self) -> Location:
        return Location(self.path, *self.position)

    def where(self, index: int) -> Location:
        if 0 <= index < len(self.item_positions):
            return Location(self.path, *self.item_positions[index])
        return self.location


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    value: Any  # YMap, YList, a scalar, or None for an empty document
    location: Location


def _loc(path: Path, node: yaml.Node) -> Location:
    mark = node.start_mark
    return Location(path, mark.line + 1, mark.column + 1)


def _pos(node: yaml.Node) -> tuple[int, int]:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


def parse_yaml(text: str, path: Path) -> YamlDocument:
    """Parse one YAML document; raise :class:`YamlError` with a location on any problem."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.composer.ComposerError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1, 1)
        if "expected a single document" in str(exc):
            raise YamlError(
                where, "the file holds more than one YAML document", "remove the extra '---' line"
            ) from None
        raise YamlError(where, f"YAML: {exc.problem or exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1, 1)
        problem = exc.problem or str(exc)
        hint = None
        lines = text.split("\n")
        line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
        if "\t" in line_text[: len(line_text) - len(line_text.lstrip())] or "tab" in problem:
            hint = "YAML indentation uses spaces, not tabs"
        elif (
            "could not find expected ':'" in problem or "mapping values are not allowed" in problem
        ):
            hint = "check the indentation and that text containing ': ' is quoted"
        context = exc.context_mark
        if exc.context and context and mark and context.line != mark.line:
            problem += f" ({exc.context} that starts on line {context.line + 1})"
        raise YamlError(where, f"invalid YAML: {problem}", hint) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        position = exc.position if isinstance(exc.position, int) else 0
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        character = exc.character
        code = ord(character) if isinstance(character, str) else int(character or 0)
        raise YamlError(
            Location(path, line, col),
            f"the file contains the character U+{code:04X}, which YAML does not allow",
            "remove it; control characters often come from text pasted out of a PDF "
            "or a word processor",
        ) from None
    except yaml.YAMLError as exc:  # anything else the parser refuses
        mark = getattr(exc, "problem_mark", None)
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1, 1)
        raise YamlError(where, f"invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise YamlError(Location(path, 1, 1), "YAML nesting is too deep") from None
    if node is None:
        return YamlDocument(path, None, Location(path, 1, 1))
    converter = _Converter(path)
    value = converter.convert(node, 0)
    return YamlDocument(path, value, _loc(path, node))


class _Converter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.budget = MAX_NODES

    def convert(self, node: yaml.Node, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlError(
                _loc(self.path, node),
                f"the document expands to more than {MAX_NODES:,} values",
                "anchors and aliases (&name, *name) that refer to each other "
                "multiply the document; write the values out",
            )
        if depth > MAX_DEPTH:
            raise YamlError(
                _loc(self.path, node), f"YAML is nested more than {MAX_DEPTH} levels deep"
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, depth)
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> YMap:
        if node.tag != _MAP:
            raise YamlError(_loc(self.path, node), f"YAML tag {node.tag!r} is not allowed")
        result = YMap()
        result.path = self.path
        result.position = _pos(node)
        key_positions: dict[str, tuple[int, int]] = {}
        value_positions: dict[str, tuple[int, int]] = {}
        result.key_positions = key_positions
        result.value_positions = value_positions
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or (
                    key_node.value == "<<" and not key_node.style):
                raise YamlError(_loc(self.path, key_node), "YAML merge keys ('<<') are not "
                                "supported", "write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(_loc(self.path, key_node), "a mapping key must be plain text")
            key = self._scalar(key_node)
            key = key if isinstance(key, str) else key_node.value
            if key in result:
                first = key_positions[key]
                raise YamlError(_loc(self.path, key_node), f"duplicate key '{key}'",
                                f"'{key}' is already defined on line {first[0]}")
            key_positions[key] = _pos(key_node)
            value_positions[key] = _pos(value_node)
            result[key] = self.convert(value_node, depth + 1)
        return result

    def _sequence(self, node: yaml.SequenceNode, depth: int) -> YList:
        if node.tag != _SEQ:
            raise YamlError(_loc(self.path, node), f"YAML tag {node.tag!r} is not allowed")
        result = YList()
        result.path = self.path
        result.position = _pos(node)
        positions: list[tuple[int, int]] = []
        result.item_positions = positions
        for item in node.value:
            positions.append(_pos(item))
            result.append(self.convert(item, depth + 1))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        tag = node.tag
        raw = node.value
        if tag == _STR:
            # The base loader resolves nothing implicitly; plain (unquoted) scalars get
            # YAML 1.1's types here, with PyYAML's own patterns.
            return _implicit(raw) if not node.style else raw  # plain style is None or ""
        if tag not in _SCALAR_TAGS:
            raise YamlError(_loc(self.path, node), f"YAML tag {tag!r} is not allowed",
                            "annotation files hold plain text, numbers, lists and mappings")
        return _typed(tag, raw)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_RESOLVERS: dict[str, list[tuple[str, Any]]] = {
    first: [(tag, regexp) for tag, regexp in resolvers]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    if first is not None
}


def _implicit(raw: str) -> Any:
    """What an unquoted scalar means: null, a bool, a number, or (dates too) text."""
    if not raw:
        return None
    for tag, regexp in _RESOLVERS.get(raw[0], ()):
        if regexp.match(raw):
            return _typed(tag, raw)
    return raw


def _typed(tag: str, raw: str) -> Any:
    if tag in (_STR, "tag:yaml.org,2002:timestamp"):
        return raw  # dates stay as typed; the date parser gives better messages
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return raw.lower() in ("true", "yes", "on", "y")
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(raw.replace("_", ""), 0)
        except ValueError:
            return raw
    if tag == "tag:yaml.org,2002:float":
        try:
            return float(raw.replace("_", ""))
        except ValueError:
            return raw
    return raw
