"""The resource graph as Graphviz DOT or JSON, for looking at what tfguard linked.

Edges point from the referring resource to the referenced one and are labelled
with the attribute path in the referrer; `by` is "reference" (an expression
names the target) or "value" (equal names, ids or ARNs), drawn dashed in DOT.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from tfguard.graph import ResourceGraph

FORMATS = ("dot", "json")


class Edge(NamedTuple):
    src: str
    dst: str
    via: str
    by: str


def edges(graph: ResourceGraph) -> list[Edge]:
    """Every edge, sorted."""
    return sorted({Edge(src, dst, via, data.get("by", "")) for src, dst, via, data in graph.edges()})


def dot_quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as `\\n`
    (so no id or label can end the string or the statement)."""
    s = text.replace("\\", "\\\\").replace('"', '\\"')
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{s}"'


def _dot(graph: ResourceGraph) -> str:
    out = ["digraph tfguard {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];',
           '  edge [fontname="Helvetica", fontsize=10];']
    for res in sorted(graph.resources, key=lambda r: r.address):
        attrs = [f"label={dot_quote(res.address)}"]
        if res.mode == "data":
            attrs.append("shape=ellipse")
        if res.location is not None:
            attrs.append(f"tooltip={dot_quote(f'{res.location.file}:{res.location.start_line}')}")
        out.append(f"  {dot_quote(res.address)} [{', '.join(attrs)}];")
    for e in edges(graph):
        attrs = [f"label={dot_quote(e.via)}"]
        if e.by == "value":
            attrs.append("style=dashed")
        out.append(f"  {dot_quote(e.src)} -> {dot_quote(e.dst)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _json(graph: ResourceGraph) -> str:
    nodes = [
        {"address": r.address, "type": r.type, "mode": r.mode,
         "file": r.location.file if r.location else None, "line": r.location.start_line if r.location else None}
        for r in sorted(graph.resources, key=lambda r: r.address)
    ]
    links = [{"from": e.src, "to": e.dst, "via": e.via, "by": e.by} for e in edges(graph)]
    return json.dumps({"nodes": nodes, "edges": links}, indent=2) + "\n"


def render_graph(graph: ResourceGraph, fmt: str) -> str:
    if fmt == "dot":
        return _dot(graph)
    if fmt == "json":
        return _json(graph)
    raise ValueError(f"unknown graph format {fmt!r}; choose one of {', '.join(FORMATS)}")
