"""Append items to a list of a YAML file without rewriting the rest of it.

``annotarium import`` adds annotations to a file an analyst wrote by hand; its
comments, key order, quoting and blank lines must survive. So the file is not
loaded and dumped again: PyYAML's node positions say where the list ends, and
the new items are inserted there as text, in the list's own style (a block
list gets block items at its indentation; a flow list like ``[geneva]`` gets
flow mappings before its ``]``; a missing list is added at the end).
"""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Block style, with multi-line strings as literal blocks (``|``)."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


class AppendError(ValueError):
    """The list cannot be appended to as text; the message says why."""


def block_items(items: list[dict[str, Any]], indent: int) -> str:
    """Items as a block list (``- key: value``) indented by ``indent`` spaces."""
    text = yaml.dump(
        items,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=96,
        default_flow_style=False,
        indent=2,
    )
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def flow_item(item: dict[str, Any]) -> str:
    return yaml.dump(
        item,
        Dumper=yaml.SafeDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=True,
        width=10**6,
    ).strip()


def append_to_list(text: str, key: str, items: list[dict[str, Any]]) -> str:
    """``text`` with ``items`` added at the end of the top-level list ``key``."""
    if not items:
        return text
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return (
            text
            + ("" if not text or text.endswith("\n") else "\n")
            + f"{key}:\n"
            + block_items(items, 2)
        )
    if not isinstance(root, yaml.MappingNode):
        raise AppendError("the file is not a mapping of keys to values")
    for key_node, value in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return _append(text, key_node, value, items)
    ending = "" if text.endswith("\n") else "\n"
    return f"{text}{ending}{key}:\n" + block_items(items, 2)


def _append(text: str, key_node: yaml.Node, value: yaml.Node, items: list[dict[str, Any]]) -> str:
    indent = key_node.start_mark.column + 2
    if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null"):
        # "key:" with no value (or ~ / null): the items become its value
        line_end = text.find("\n", key_node.end_mark.index)
        line_end = len(text) if line_end == -1 else line_end
        head = text[: value.start_mark.index] if value.value else text[:line_end]
        rest = text[value.end_mark.index :] if value.value else text[line_end:]
        head = head.rstrip(" ")
        if not head.endswith(":"):
            head = head[: head.rindex(":") + 1]
        body = block_items(items, indent)
        return head + "\n" + body.rstrip("\n") + (rest if rest.startswith("\n") else "\n" + rest)
    if not isinstance(value, yaml.SequenceNode):
        raise AppendError(f"'{key_node.value}' is not a list")
    if value.flow_style:
        close = text.rindex("]", 0, value.end_mark.index)
        inside = text[value.start_mark.index + 1 : close].strip()
        added = ", ".join(flow_item(item) for item in items)
        return text[:close] + (", " if inside else "") + added + text[close:]
    if not value.value:
        raise AppendError(f"'{key_node.value}' is an empty list in an unexpected style")
    dash_column = value.start_mark.column
    end = _content_end(value.value[-1])
    if end.column == 0:
        at = end.index
    else:
        newline = text.find("\n", end.index)
        at = len(text) if newline == -1 else newline + 1
    before = text[:at]
    if not before.endswith("\n"):
        before += "\n"
    return before + block_items(items, dash_column) + text[at:]


def _content_end(node: yaml.Node) -> yaml.Mark:
    """Where a node's last written value ends (before any comment or blank line after it)."""
    if isinstance(node, yaml.ScalarNode):
        return node.end_mark
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            children += [k, v]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    if getattr(node, "flow_style", False) or not children:
        return node.end_mark
    return max((_content_end(child) for child in children), key=lambda mark: mark.index)
