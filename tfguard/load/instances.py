"""Other resources' instances as values: what `aws_kms_key.k`, `aws_kms_key.k[0].arn` or
`data.x.y[*].json` evaluate to, as Terraform knows them at plan time.

The collection is known where count / for_each are: a list of instance
objects (count), a map (for_each) or one object; with `count = 0` it is
empty, so `try(aws_kms_key.k[0].arn, null)` is null. An instance object
holds the arguments its block configures (with their types) and the
provider's defaults for those it leaves unset (tfguard/load/defaults.py); any
other attribute is unknown when the provider computes it (the schema table
says which), null when it is a collection the provider never fills, and
unknown otherwise (a default the table does not know). Unknowns keep the
reference, so that graph edges survive.
"""

from __future__ import annotations

import re
from typing import Any

from tfguard.load.defaults import planned
from tfguard.load.hcl_ast import Block as Block_
from tfguard.load.schema import Block, block_schema
from tfguard.load.values import has_unknown, json_value
from tfguard.model import LinkedText, Resource, Unknown

_MODULE_PATH = re.compile(r'^(?:module\.[A-Za-z0-9_-]+(?:\[(?:"[^"]*"|\d+)\])?\.)*')

# Data sources whose values are unknown before apply but of a known kind.
SHAPES = {
    ("aws_caller_identity", "account_id"): "account_id",
    ("aws_partition", "partition"): "partition",
    ("aws_region", "name"): "region",
    ("aws_region", "region"): "region",
}
# ARNs of one IAM identity: as a policy principal they are never "*".
_PRINCIPAL_TYPES = frozenset({"aws_iam_role", "aws_iam_user", "aws_caller_identity"})


def shape_of(rtype: str, mode: str, attr: str) -> str:
    """The known kind of an unknown attribute (`{account_id}` in a template's text)."""
    if rtype in _PRINCIPAL_TYPES and attr == "arn":
        return "principal"
    return SHAPES.get((rtype, attr), "") if mode == "data" else ""


class InstanceObject(dict[str, Any]):
    """One instance's attributes: the configured ones, and the rest on access.

    Every attribute name is "in" the object (Terraform rejects a configuration
    that names a missing one), so that indexing never treats a computed
    attribute as an evaluation error.
    """

    __slots__ = ("ref", "text", "schema", "rtype", "mode")

    def __init__(self, values: dict[str, Any], ref: str, text: str, schema: Block | None,
                 rtype: str = "", mode: str = "") -> None:
        super().__init__(values)
        self.ref, self.text, self.schema, self.rtype, self.mode = ref, text, schema, rtype, mode

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> Any:
        spec = self.schema.get(key) if self.schema is not None else None
        if isinstance(spec, str) and not spec.endswith("?") and spec[0] in "LSM":
            return None  # an unset list, set or map argument: the provider never fills it
        shape = shape_of(self.rtype, self.mode, key)
        what = "known only after apply" if spec is None or isinstance(spec, dict) or spec.endswith("?") else \
            "the provider's default when not set"
        return Unknown(f"{self.text}.{key} is {what}", (self.ref,), shape=shape)


def _nested(value: Any, spec: Block, ref: str, text: str) -> Any:
    """Configured nested blocks: unset arguments inside them resolve like top-level ones."""
    if isinstance(value, list):
        return [InstanceObject(_wrap(v, spec, ref, text), ref, text, spec) if isinstance(v, dict) else v for v in value]
    if isinstance(value, dict) and spec.get("#") != "m":
        return InstanceObject(_wrap(value, spec, ref, text), ref, text, spec)
    return value


def _wrap(values: dict[str, Any], schema: Block | None, ref: str, text: str) -> dict[str, Any]:
    if schema is None:
        return values
    return {k: _nested(v, schema[k], ref, f"{text}.{k}") if isinstance(schema.get(k), dict) else v
            for k, v in values.items()}


def instance_object(res: Resource, ref: str, rendered: Any = None) -> InstanceObject:
    schema = block_schema(res.mode, res.type)
    text = _MODULE_PATH.sub("", ref)  # reasons name the block as its module writes it
    # Terraform plans the provider's default for an argument the block leaves unset.
    own = planned(res.type, res.values) if res.mode == "managed" and res.origin == "hcl" else res.values
    if schema is not None and res.origin == "hcl":
        # An argument set to null that the provider computes is planned unknown, not null.
        own = {k: v for k, v in own.items() if v is not None or not str(schema.get(k, "")).endswith("?")}
    values = _wrap(own, schema, ref, text)
    if rendered is not None:
        # A policy document's JSON is rendered locally, as the provider renders it while
        # planning; where a part is not known it stays Unknown with the document as
        # `partial` (tfguard.aws.iam_documents reads it from there). Either way it links to the document.
        values["json"] = (Unknown(f"{text}.json is known only after apply", (ref,), partial=rendered)
                          if has_unknown(rendered) else LinkedText(str(json_value(rendered)), (ref,)))
    return InstanceObject(values, ref, text, schema, res.type, res.mode)


def collection(resources: list[Resource], has_count: bool, has_each: bool, complete: bool,
               base: str, render: Any = None) -> Any:
    """The value of a block's reference: one object, a list (count) or a map (for_each)."""
    keyed = [r for r in resources if r.index is not None]
    if (has_count or has_each) and (not complete or len(keyed) != len(resources)):
        # count / for_each not known statically (one instance stood for all).
        return Unknown(f"the instances of {base} are not known statically", (base,))

    def obj(res: Resource) -> InstanceObject:
        key = res.index
        ref = base if key is None else f'{base}["{key}"]' if isinstance(key, str) else f"{base}[{key}]"
        return instance_object(res, ref, render(res.values) if render is not None else None)

    if has_count:
        return [obj(r) for r in sorted(keyed, key=lambda r: int(r.index))]
    if has_each:
        return {str(r.index): obj(r) for r in keyed}
    return obj(resources[0]) if resources else Unknown(f"{base} has no instance", (base,))


_NOT_RESOURCES = {"var", "count", "each", "path", "terraform", "self", "module"}
BlockKey = tuple[str, str, str]  # ("resource" | "data", type, name)


def _names(node: Any, found: set[BlockKey], local_names: set[str]) -> None:
    """The blocks and locals an expression names, without evaluating it."""
    stack = [node]
    while stack:
        item = stack.pop()
        if not isinstance(item, tuple):
            continue
        if item and item[0] == "trav" and isinstance(item[1], str) and item[1] not in _NOT_RESOURCES:
            names = [s[1] for s in item[2] if isinstance(s, tuple) and s and s[0] == "attr"]
            if item[1] == "local" and names:
                local_names.add(names[0])
            elif item[1] == "data" and len(names) >= 2:
                found.add(("data", names[0], names[1]))
            elif item[1] not in ("data", "local") and names:
                found.add(("resource", item[1], names[0]))
        stack.extend(x for x in item if isinstance(x, tuple))


def _block_names(block: Block_, found: set[BlockKey], local_names: set[str]) -> None:
    for attr in block.attrs.values():
        _names(attr.expr, found, local_names)
    for child in block.blocks:
        _block_names(child, found, local_names)


def evaluation_order(blocks: list[tuple[str, Block_]], local_exprs: dict[str, Any]) -> list[tuple[str, Block_]]:
    """Resource and data blocks, each after the blocks it references (cycles broken anywhere).

    Evaluating in this order finds every reference already evaluated, so that
    a long chain of references never recurses deeply."""
    by_key: dict[BlockKey, tuple[str, Block_]] = {}
    for file, block in blocks:
        if block.type in ("resource", "data") and len(block.labels) == 2:
            by_key.setdefault((block.type, block.labels[0], block.labels[1]), (file, block))
    local_deps: dict[str, set[BlockKey]] = {}

    def through_local(name: str) -> set[BlockKey]:
        if name not in local_deps:
            local_deps[name] = set()  # a local cycle adds nothing
            found: set[BlockKey] = set()
            pending: set[str] = set()
            if name in local_exprs:
                _names(local_exprs[name], found, pending)
            for other in pending:
                found |= through_local(other)
            local_deps[name] = found
        return local_deps[name]

    deps: dict[BlockKey, list[BlockKey]] = {}
    for key, (_, block) in by_key.items():
        found: set[BlockKey] = set()
        local_names: set[str] = set()
        _block_names(block, found, local_names)
        for name in local_names:
            found |= through_local(name)
        deps[key] = sorted(k for k in found if k in by_key and k != key)
    order: list[BlockKey] = []
    state: set[BlockKey] = set()
    for start in by_key:
        if start in state:
            continue
        state.add(start)
        stack = [(start, iter(deps[start]))]
        while stack:
            node, pending_deps = stack[-1]
            nxt = next(pending_deps, None)
            if nxt is None:
                stack.pop()
                order.append(node)
            elif nxt not in state:
                state.add(nxt)
                stack.append((nxt, iter(deps[nxt])))
    return [by_key[k] for k in order]
