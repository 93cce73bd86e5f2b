"""One `resource`/`data` block -> its instances (count / for_each), values and locations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.hcl_ast import Block
from tfguard.load.hcl_expr import Node
from tfguard.load.provenance import plain_var
from tfguard.load.providers import ProviderConfig, merged_tags, own_region, provider_key
from tfguard.load.schema import block_schema, conform
from tfguard.load.values import iter_unknowns
from tfguard.model import Diagnostic, LinkedText, Location, Ref, Resource, Unknown, is_unknown, parse_address

MAX_INSTANCES = 10_000
_META = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}


def instances_of(
    block: Block, file: str, scope: Scope, providers: dict[str, ProviderConfig],
    limit: int = MAX_INSTANCES,
) -> tuple[list[Resource], list[Diagnostic]]:
    rtype, name = block.labels
    mode = "data" if block.type == "data" else "managed"
    keys, diag = instance_keys(block, file, scope, limit)
    provider = provider_key(block, rtype)
    config = providers.get(provider)
    region = config.region if config else Unknown(f"provider {provider} is not configured")
    out: list[Resource] = []
    prefix = f"{scope.module}." if scope.module else ""
    base = f"{prefix}{'data.' if mode == 'data' else ''}{rtype}.{name}"
    schema = block_schema(mode, rtype)
    for key, iteration in keys:
        address = base if key is None else f"{base}[{_key_text(key)}]"
        inner = scope.child(**iteration)
        res = Resource(address=address, type=rtype, name=name, mode=mode, module=scope.module,
                       location=Location(file, block.line, block.end_line), provider=provider,
                       region=region, index=key, origin="hcl")
        res.values = _body(block, file, inner, "", res, top=True)
        if schema is not None:  # "true" in a bool argument is true, as Terraform converts it
            res.values = conform(res.values, schema)
        res.region = own_region(rtype, res.values, region)
        if mode == "managed" and "tags_all" not in res.values:
            tags_all = merged_tags(res.values.get("tags"), config.default_tags if config else None)
            if tags_all is not None:
                res.values["tags_all"] = tags_all
        out.append(res)
    return out, [diag] if diag else []


def _key_text(key: Any) -> str:
    return f'"{key}"' if isinstance(key, str) else str(key)


def instance_keys(
    block: Block, file: str, scope: Scope, limit: int = MAX_INSTANCES
) -> tuple[list[tuple[Any, dict[str, Any]]], Diagnostic | None]:
    """(instance key, iteration names) for count / for_each, bounded by `limit`."""
    count_attr = block.attrs.get("count")
    each_attr = block.attrs.get("for_each")
    if count_attr is None and each_attr is None:
        return [(None, {})], None
    attr = count_attr or each_attr
    assert attr is not None
    value = evaluate(attr.expr, scope.located((file, attr.line)))
    if isinstance(value, Unknown) and "limit" in value.reason:
        # Refused for its size (e.g. range() over millions): say so, check one instance.
        return [(None, {})], Diagnostic(file, attr.line, f"{value.reason}; checked as one instance")
    if is_unknown(value) or (each_attr is not None and not isinstance(value, (list, dict))):
        # One instance stands for all of them, so that nothing goes unchecked.
        marker = Unknown("instance key not known statically")
        names = {"count": {"index": marker}} if count_attr else {"each": {"key": marker, "value": marker}}
        return [(None, names)], None
    if count_attr is not None:
        try:
            n = int(value)
        except (TypeError, ValueError):
            return [(None, {})], Diagnostic(file, attr.line, "count is not a number")
        total = max(n, 0)
        # Bounded before anything is built: a huge count must not exhaust memory.
        pairs: list[tuple[Any, dict[str, Any]]] = [
            (i, {"count": {"index": i}}) for i in range(min(total, limit))
        ]
    else:
        total = len(value)
        items = list(value.items()) if isinstance(value, dict) else [(v, v) for v in value[:limit]]
        pairs = [(str(k), {"each": {"key": str(k), "value": v}}) for k, v in items[:limit]]
    if total > limit:
        diag = Diagnostic(file, attr.line, f"{total} instances exceed the limit of {limit}; "
                          f"only the first {limit} are checked")
        return pairs, diag
    return pairs, None


def _body(block: Block, file: str, scope: Scope, path: str, res: Resource, top: bool = False) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, attr in block.attrs.items():
        if top and name in _META:
            continue
        apath = f"{path}{name}"
        value, reads = _evaluate_reading(attr.expr, scope, (attr.file or file, attr.line))
        values[name] = value
        res.attr_locations[apath] = Location(attr.file or file, attr.line, attr.end_line)
        _add_refs(res, apath, value, reads)
        if scope.origins is not None and (var := plain_var(attr.expr, scope)) is not None:
            origins = scope.origins(var)
            if origins:
                res.origins[apath] = origins
    for child in block.blocks:
        if top and child.type in _META:
            continue
        cfile = child.file or file  # an override file's block
        if child.type == "dynamic" and child.labels:
            _dynamic(child, cfile, scope, path, res, values)
            continue
        cpath = f"{path}{child.type}"
        res.attr_locations.setdefault(cpath, Location(cfile, child.line, child.end_line))
        _block_list(values, child.type).append(_body(child, cfile, scope, cpath + ".", res))
    for name in {c.labels[0] for c in block.blocks if c.type == "dynamic" and c.labels}:
        blocks = values.get(name)
        # Blocks of a type that only an unknown `dynamic` makes stay one Unknown,
        # as before; beside known blocks the Unknown is an element of the list
        # (nested() and Resource.blocks() hand it on), so a check sees the known
        # blocks and that more may exist, instead of a verdict on part of them.
        if isinstance(blocks, list) and len(blocks) == 1 and is_unknown(blocks[0]):
            values[name] = blocks[0]
    return values


def _dynamic(block: Block, file: str, scope: Scope, path: str, res: Resource, values: dict[str, Any]) -> None:
    label = block.labels[0]
    cpath = f"{path}{label}"
    res.attr_locations.setdefault(cpath, Location(file, block.line, block.end_line))
    each = block.attrs.get("for_each")
    it_attr = block.attrs.get("iterator")
    iterator = it_attr.expr[1] if it_attr is not None and it_attr.expr[0] == "trav" else label
    content = next((b for b in block.blocks if b.type == "content"), None)
    if each is None or content is None:
        return
    coll = evaluate(each.expr, scope.located((file, each.line)))
    _add_refs(res, cpath, coll)
    blocks = _block_list(values, label)
    if is_unknown(coll) or not isinstance(coll, (dict, list, type(None))):
        # Which blocks it makes is not known statically; literal siblings stay.
        blocks.append(coll if is_unknown(coll) else Unknown("dynamic for_each is not a collection"))
        return
    # Terraform visits a map in lexical key order (a set in its own order, a list in order).
    items = sorted(coll.items()) if isinstance(coll, dict) else list(enumerate(coll or []))
    for k, v in items[:MAX_INSTANCES]:
        inner = scope.child(**{iterator: {"key": k, "value": v}})
        blocks.append(_body(content, file, inner, cpath + ".", res))


def _block_list(values: dict[str, Any], name: str) -> list[Any]:
    current = values.get(name)
    if not isinstance(current, list):  # first block, or an argument of the same name
        current = values[name] = [] if current is None else [current]
    return current


def _evaluate_reading(expr: Node, scope: Scope, at: tuple[str, int]) -> tuple[Any, list[str]]:
    """The value, and the resources read to compute it (known values keep their edges too)."""
    before, before_at = scope.reads, scope.at
    reads: list[str] = []
    scope.reads, scope.at = reads, at
    try:
        return evaluate(expr, scope), reads
    finally:
        scope.reads, scope.at = before, before_at


def _add_refs(res: Resource, apath: str, value: Any, reads: Sequence[str] = ()) -> None:
    targets = list(reads)
    if isinstance(value, (Unknown, dict, list)):  # most values are plain literals: nothing to walk
        targets += [t for unknown in iter_unknowns(value) for t in unknown.refs]
        targets += _linked(value)
    elif isinstance(value, LinkedText):
        targets += value.refs
    for target in targets:
        base, index = parse_address(target)
        ref = Ref(apath, base, index)
        if ref not in res.refs:
            res.refs.append(ref)


def _linked(value: Any, depth: int = 0) -> list[str]:
    """The objects that known texts inside a collection were read from (LinkedText)."""
    if isinstance(value, LinkedText):
        return list(value.refs)
    if depth > 32:
        return []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return [t for item in items for t in _linked(item, depth + 1)]
