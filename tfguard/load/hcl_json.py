"""Terraform JSON syntax (.tf.json, .tfvars.json) -> the same Block structure as HCL.

JSON syntax cannot tell a nested block from an object argument without the
provider schema. Where the AWS provider's schema (schema.py) says a property
of a resource or data body is a nested block type, it becomes nested blocks,
as Terraform decodes it (`"dynamic"` likewise); elsewhere objects stay values,
and the value helpers treat a single object like a one-element block list.

A `"//"` property is a comment where Terraform reads one: at the root and in
block bodies (cdktf writes its metadata there); at label levels, where
Terraform rejects it, it is skipped. In objects nested in a body with no
schema (a provider, a type the table does not know) it is dropped too: those
are nested blocks far more often than maps with a "//" key. Attribute lines
come from a scan of the text, so findings point at the attribute's own line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tfguard.load.hcl_ast import Attribute, Block
from tfguard.load.hcl_expr import Node, parse_expression
from tfguard.load.hcl_template import parse_template

_LABELS = {"resource": 2, "data": 2, "ephemeral": 2, "module": 1, "provider": 1, "variable": 1, "output": 1,
           "check": 1}
_NESTED_COMMENTS = {"resource", "data", "ephemeral", "provider"}  # bodies whose objects are nested blocks
COMMENT = "//"
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')

Path_ = tuple[Any, ...]


def json_body(text: str, file: str, tfvars: bool = False) -> Block:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the top level must be a JSON object")
    root = Block("", (), 1, text.count("\n") + 1)
    starts, ends = _positions(text)
    if tfvars:
        root.attrs = {k: Attribute(k, _expr(v), starts.get((k,), 1), ends.get((k,), starts.get((k,), 1)))
                      for k, v in data.items()}
        return root
    for kind, content in data.items():
        if kind == COMMENT:
            continue
        depth = _LABELS.get(kind, 0)
        for labels, path, body in _walk(content, depth, (), (kind,)):
            line = starts.get(path[:len(path) - (1 if path and isinstance(path[-1], int) else 0)], 1)
            end = ends.get(path, line)
            root.blocks.append(_block(kind, tuple(labels), body, path, (line, end), starts, ends))
    return root


def _walk(content: Any, depth: int, labels: tuple[str, ...], path: Path_) -> list[tuple[tuple[str, ...], Path_, Any]]:
    """(labels, path of the body in the document, body) for every block under one top-level key."""
    if isinstance(content, list):  # the array form keeps order: one element per block or label
        return [x for i, item in enumerate(content) for x in _walk(item, depth, labels, path + (i,))]
    if not isinstance(content, dict):
        return []
    if depth == 0:
        return [(labels, path, content)]
    out: list[tuple[tuple[str, ...], Path_, Any]] = []
    for key, value in content.items():
        if key != COMMENT:
            out.extend(_walk(value, depth - 1, labels + (key,), path + (key,)))
    return out


def _block(kind: str, labels: tuple[str, ...], body: dict[str, Any], path: Path_, span: tuple[int, int],
           starts: dict[Path_, int], ends: dict[Path_, int]) -> Block:
    block = Block(kind, labels, span[0], max(span))
    spec = None
    if kind in ("resource", "data") and labels:
        from tfguard.load.schema import block_schema

        spec = block_schema("data" if kind == "data" else "managed", labels[0])
    _fill(block, body, path, spec, kind in _NESTED_COMMENTS, (starts, ends))
    return block


def _fill(block: Block, body: dict[str, Any], path: Path_, spec: dict[str, Any] | None, nested: bool,
          pos: tuple[dict[Path_, int], dict[Path_, int]]) -> None:
    """A body's properties as attributes, and as nested blocks where the provider's
    schema says the property is a block type (as Terraform decodes JSON)."""
    starts, ends = pos
    for key, value in body.items():
        if key == COMMENT:
            continue
        kpath = path + (key,)
        line = starts.get(kpath, block.line)
        sub = spec.get(key) if spec else None
        if key == "dynamic" and spec is not None and isinstance(value, dict):
            _dynamic(block, value, kpath, spec, pos)
        elif isinstance(sub, dict) and sub.get("#") in ("1", "l", "s") and _bodies(value):
            for ipath, item in _items(value, kpath):
                child = Block(key, (), starts.get(ipath, line), ends.get(ipath, line))
                _fill(child, item, ipath, sub, nested, pos)
                block.blocks.append(child)
        else:
            # Without a schema an object may be a nested block: its "//" is a comment then.
            plain = _uncommented(value) if nested and spec is None else value
            block.attrs[key] = Attribute(key, _expr(plain), line, ends.get(kpath, line))


def _dynamic(block: Block, value: dict[str, Any], path: Path_, spec: dict[str, Any],
             pos: tuple[dict[Path_, int], dict[Path_, int]]) -> None:
    """`"dynamic": {"x": {"for_each": ..., "content": {...}}}`: a dynamic block per label."""
    starts, ends = pos
    for label, bodies in value.items():
        if label == COMMENT or not _bodies(bodies):
            continue
        for ipath, item in _items(bodies, path + (label,)):
            line = starts.get(ipath, block.line)
            dyn = Block("dynamic", (label,), line, ends.get(ipath, line))
            content = item.get("content")
            rest = {k: v for k, v in item.items() if k != "content"}
            _fill(dyn, rest, ipath, None, False, pos)
            if isinstance(content, dict):
                cpath = ipath + ("content",)
                inner = Block("content", (), starts.get(cpath, line), ends.get(cpath, line))
                sub = spec.get(label)
                _fill(inner, content, cpath, sub if isinstance(sub, dict) else None, True, pos)
                dyn.blocks.append(inner)
            block.blocks.append(dyn)


def _bodies(value: Any) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and all(isinstance(v, dict) for v in value))


def _items(value: Any, path: Path_) -> list[tuple[Path_, dict[str, Any]]]:
    if isinstance(value, list):
        return [(path + (i,), v) for i, v in enumerate(value)]
    return [(path, value)]


def _uncommented(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _uncommented(v) for k, v in value.items() if k != COMMENT}
    if isinstance(value, list):
        return [_uncommented(v) for v in value]
    return value


def _positions(text: str) -> tuple[dict[Path_, int], dict[Path_, int]]:
    """The line of every object key, and the line where each object or array value
    ends, by path (keys and array indices from the root). The text is valid JSON."""
    starts: dict[Path_, int] = {}
    ends: dict[Path_, int] = {}
    stack: list[list[Any]] = []  # [is_object, current key or index, expecting a key]
    line, pos = 1, 0
    for m in _TOKEN.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        tok = m.group()
        if tok[0] == '"':
            if stack and stack[-1][0] and stack[-1][2]:
                stack[-1][1], stack[-1][2] = json.loads(tok), False
                starts[tuple(e[1] for e in stack)] = line
        elif tok in "{[":
            starts.setdefault(tuple(e[1] for e in stack), line)  # an array element's own line
            stack.append([tok == "{", None if tok == "{" else 0, tok == "{"])
        elif tok in "}]":
            stack.pop()
            ends[tuple(e[1] for e in stack)] = line
        elif tok == "," and stack:
            if stack[-1][0]:
                stack[-1][2] = True
            else:
                stack[-1][1] += 1
    return starts, ends


def _expr(value: Any) -> Node:
    if isinstance(value, str):
        if "${" in value or "%{" in value:
            return parse_template(value, parse_expression)
        return ("lit", value)
    if isinstance(value, list):
        return ("tuple", tuple(_expr(v) for v in value))
    if isinstance(value, dict):
        return ("object", tuple((("lit", k), _expr(v)) for k, v in value.items()))
    return ("lit", value)
