"""Provider configurations: region and default_tags per configuration key (`aws`, `aws.west`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tfguard.load.eval_core import Scope, evaluate
from tfguard.load.hcl_ast import Block
from tfguard.load.hcl_expr import Node
from tfguard.model import Unknown, region_partition


@dataclass(frozen=True)
class ProviderConfig:
    key: str
    region: Any
    default_tags: Any = None  # dict, Unknown or None


def _key(node: Node) -> str | None:
    if node[0] == "lit" and isinstance(node[1], str):
        return node[1]
    if node[0] == "trav":
        return ".".join([node[1], *(s[1] for s in node[2] if s[0] == "attr")])
    return None


def passed_providers(call: Block) -> dict[str, str] | None:
    """`providers = { aws = aws.west, aws.east = aws.east }` -> {child key: parent key}."""
    attr = call.attrs.get("providers")
    if attr is None or attr.expr[0] != "object":
        return None
    out: dict[str, str] = {}
    for key_node, value_node in attr.expr[1]:
        child, parent = _key(key_node), _key(value_node)
        if child and parent:
            out[child] = parent
    return out


def module_providers(
    blocks: list[tuple[str, Block]], scope: Scope,
    inherited: dict[str, ProviderConfig], passed: dict[str, str] | None,
) -> dict[str, ProviderConfig]:
    """A module's provider configurations: inherited or passed in, then its own blocks."""
    if passed is None:
        # Terraform passes only default configurations implicitly; aliases are kept
        # too so a legacy module that names one still resolves its region.
        configs = dict(inherited)
    else:
        configs = {k: v for k, v in inherited.items() if "." not in k}
        for child, parent in passed.items():
            if parent in inherited:
                configs[child] = inherited[parent]
    for _, block in blocks:
        if block.type != "provider" or not block.labels:
            continue
        config = _config(block, scope)
        configs[config.key] = config
    return configs


def _config(block: Block, scope: Scope) -> ProviderConfig:
    name = block.labels[0]
    alias_attr = block.attrs.get("alias")
    alias = evaluate(alias_attr.expr, scope) if alias_attr else None
    key = f"{name}.{alias}" if isinstance(alias, str) else name
    region_attr = block.attrs.get("region")
    region = evaluate(region_attr.expr, scope) if region_attr else Unknown(f"provider {key} sets no region")
    tags: Any = None
    for sub in block.blocks:
        if sub.type == "default_tags" and "tags" in sub.attrs:
            tags = evaluate(sub.attrs["tags"].expr, scope)
    return ProviderConfig(key, region, tags)


# Types whose `region` argument meant something else before AWS provider 6.x
# (where it was renamed): the target of a stack instance, an authorized region, ...
_OTHER_MEANING = frozenset({"aws_cloudformation_stack_set_instance", "aws_config_aggregate_authorization",
                            "aws_dx_hosted_connection", "aws_servicequotas_template"})


def own_region(rtype: str, values: dict[str, Any], provider_region: Any) -> Any:
    """AWS provider 6.x: a resource's own `region` argument overrides its provider
    configuration's region (null means the provider's). `data "aws_region"` selects
    a region with `region` (6.x) or `name` (5.x)."""
    for name in ("region", "name") if rtype == "aws_region" else ("region",):
        value = values.get(name)
        if value is not None and rtype not in _OTHER_MEANING:
            return value
    return provider_region


def data_region(blocks: list[tuple[str, Block]], name: str, scope: Scope,
                configs: dict[str, ProviderConfig], rtype: str = "aws_region") -> Any:
    """The region of `data "aws_region" name` (or of another data source of type
    `rtype`): its own argument, else its provider's (None when there is no such
    single data source)."""
    for _, block in blocks:
        if block.type == "data" and block.labels == (rtype, name) and not {"count", "for_each"} & set(block.attrs):
            own = {k: evaluate(a.expr, scope) for k, a in block.attrs.items() if k in ("region", "name")}
            config = configs.get(provider_key(block, rtype))
            return own_region(rtype, own, config.region if config else None)
    return None


def partition_values(region: str) -> dict[str, str]:
    """`data "aws_partition"` attributes for a provider region (checked against real plans)."""
    partition, suffix = region_partition(region)
    reverse = ".".join(reversed(suffix.split(".")))
    return {"partition": partition, "id": partition, "dns_suffix": suffix, "reverse_dns_prefix": reverse}


def provider_key(block: Block, rtype: str) -> str:
    attr = block.attrs.get("provider")
    if attr is not None:
        key = _key(attr.expr)
        if key:
            return key
    return rtype.split("_", 1)[0]


def merged_tags(tags: Any, default_tags: Any) -> Any:
    """tags_all as the provider computes it: default_tags overlaid by the resource's tags.

    Without default_tags it is the resource's tags; with neither, None (the plan
    itself leaves it "known after apply" then)."""
    if isinstance(default_tags, dict) and default_tags:
        if tags is None:
            return dict(default_tags)
        if isinstance(tags, dict):
            return {**default_tags, **tags}
        return tags  # Unknown: not known statically
    if default_tags is not None and not isinstance(default_tags, dict):
        return default_tags  # default_tags not known statically
    if isinstance(tags, dict):
        return dict(tags)
    return tags if isinstance(tags, Unknown) else None
