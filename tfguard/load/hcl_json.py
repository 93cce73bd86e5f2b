"""Terraform JSON syntax (.tf.json, .tfvars.json) -> the same Block structure as HCL.

JSON syntax cannot tell a nested block from an object argument without the
provider schema; we keep objects as values, and the value helpers treat a
single object like a one-element block list, so checks see the same shape.
"""

from __future__ import annotations

import json
from typing import Any

from tfguard.load.hcl_ast import Attribute, Block
from tfguard.load.hcl_expr import Node, _split_template, _template

_LABELS = {"resource": 2, "data": 2, "module": 1, "provider": 1, "variable": 1, "output": 1}


def json_body(text: str, file: str, tfvars: bool = False) -> Block:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the top level must be a JSON object")
    root = Block("", (), 1, text.count("\n") + 1)
    lines = text.split("\n")
    if tfvars:
        root.attrs = {k: Attribute(k, _expr(v), 1, 1) for k, v in data.items()}
        return root
    for kind, content in data.items():
        depth = _LABELS.get(kind, 0)
        for labels, body in _walk(content, depth):
            line = _find_line(lines, labels[-1] if labels else kind)
            root.blocks.append(_block(kind, tuple(labels), body, line))
    return root


def _walk(content: Any, depth: int, labels: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if depth == 0:
        items = content if isinstance(content, list) else [content]
        return [(labels, item) for item in items if isinstance(item, dict)]
    if not isinstance(content, dict):
        return []
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in content.items():
        out.extend(_walk(value, depth - 1, labels + (key,)))
    return out


def _find_line(lines: list[str], label: str) -> int:
    needle = json.dumps(label)
    for i, line in enumerate(lines, 1):
        if needle in line:
            return i
    return 1


def _block(kind: str, labels: tuple[str, ...], body: dict[str, Any], line: int) -> Block:
    block = Block(kind, labels, line, line)
    for key, value in body.items():
        block.attrs[key] = Attribute(key, _expr(value), line, line)
    return block


def _expr(value: Any) -> Node:
    if isinstance(value, str):
        if "${" in value or "%{" in value:
            return _template(_split_template(value))
        return ("lit", value)
    if isinstance(value, list):
        return ("tuple", tuple(_expr(v) for v in value))
    if isinstance(value, dict):
        return ("object", tuple((("lit", k), _expr(v)) for k, v in value.items()))
    return ("lit", value)
