"""The resource graph as Graphviz DOT or JSON, for looking at what tfguard linked.

Edges point from the referring resource to the referenced one and are labelled
with the attribute path in the referrer; `by` is "reference" (an expression
names the target) or "value" (equal names, ids or ARNs), drawn dashed in DOT.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from tfguard.graph import ResourceGraph

FORMATS = ("dot", "json")


class Edge(NamedTuple):
    src: str
    dst: str
    via: str
    by: str


def _name(node: Any) -> str:
    """A node as its address (edges may carry addresses or resources)."""
    return str(getattr(node, "address", node))


def _edge(item: Any) -> Edge:
    """One edge from what the graph yields: (src, dst, key, data) as networkx gives it,
    (src, dst, data), (src, dst, via[, by]), a mapping, or an object with src/dst
    (or source/target) and via/by attributes."""
    if isinstance(item, tuple):
        src, dst, *rest = item
        if rest and isinstance(rest[-1], Mapping):
            data, key = rest[-1], (rest[0] if len(rest) > 1 else "")
            return Edge(_name(src), _name(dst), str(data.get("via") or key or ""), str(data.get("by") or ""))
        via, by = (list(rest) + ["", ""])[:2]
        return Edge(_name(src), _name(dst), str(via or ""), str(by or ""))
    get = item.get if isinstance(item, Mapping) else (lambda k, d=None: getattr(item, k, d))
    src = get("src") or get("source") or get("from")
    dst = get("dst") or get("target") or get("to")
    return Edge(_name(src), _name(dst), str(get("via") or get("key") or ""), str(get("by") or ""))


def edges(graph: ResourceGraph) -> list[Edge]:
    """Every edge, sorted: through `graph.edges()` when the graph has it, else its networkx graph."""
    internals: Any = graph  # the fallback reaches into the networkx graph, which may go away
    method = getattr(graph, "edges", None)
    raw: Iterable[Any] = method() if callable(method) else internals.g.edges(keys=True, data=True)
    return sorted({_edge(item) for item in raw})


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
