"""AWS Backup: which resources a backup selection assigns to its plan, and retention values.

AWS Backup's rules (BackupSelection in the AWS Backup API reference):
- a resource is a candidate when `resources` names it (a reference, its ARN,
  `"*"` for every supported resource, or an ARN pattern with `*`), or when
  it matches ANY `selection_tag` (ListOfTags: OR, StringEquals only); with
  neither, every supported resource is;
- every `condition` must then hold (Conditions: AND; string_equals,
  string_like, string_not_equals, string_not_like on `aws:ResourceTag/KEY`);
- `not_resources` removes what it names.

`selects` answers True, False, or None when the configuration does not decide
it statically (a value that is unknown, or an ARN pattern that may or may not
name the resource): checks turn None into UNKNOWN, never into a verdict.

`selection_verdicts` asks it of every selection for one resource (those that
name it by reference first); `backup_selections` keeps those that assign it.
The vaults a plan's rules and copy actions write to are data flows
(`tfguard.aws.flows`); `number` reads a retention period.
"""

from __future__ import annotations

import re
from typing import Any

from tfguard.arns import ARN_SHAPES, arn_names, partition_of
from tfguard.aws.iam import wildcard_match
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Unknown, is_unknown, nested

Match = bool | None  # does a selection match: None when not known statically

# The types whose ARN a selection's `resources` is compared with (how each ARN is built:
# arns.ARN_SHAPES); any other type may or may not be named by an ARN pattern.
BY_ARN = ("aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_ebs_volume", "aws_efs_file_system")

_TAG_KEY = re.compile(r"^aws:ResourceTag/(.+)$")

_CONDITIONS = ("string_equals", "string_like", "string_not_equals", "string_not_like")


def selects(graph: ResourceGraph, sel: Resource, res: Resource) -> Match:
    return _all([_candidate(graph, sel, res), _conditions(sel, res), _not_excluded(graph, sel, res)])


def _all(verdicts: list[Match]) -> Match:
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _any(verdicts: list[Match]) -> Match:
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _names(graph: ResourceGraph, sel: Resource, res: Resource, attr: str) -> Match:
    """Whether the list argument `attr` (resources / not_resources) names `res`."""
    if res in graph.targets(sel, via=attr):
        return True
    value = sel.values.get(attr)
    items: list[Any] = value if isinstance(value, list) else [] if value is None else [value]
    return _any([_item_names(item, res) for item in items])


def _item_names(item: Any, res: Resource) -> Match:
    if isinstance(item, Unknown):
        # A reference to another resource was linked above (or names another one);
        # a value with nothing to trace may name anything.
        return False if item.refs else None
    if not isinstance(item, str):
        return False
    if item == "*":
        return True
    return _pattern(item, res) if "*" in item else _literal(item, res)


def _literal(arn: str, res: Resource) -> Match:
    """A literal ARN. A selection only assigns resources of its plan's own account
    and region, so an ARN of the resource's kind whose name is the resource's own
    names it (arns.arn_names, any partition); another name does not; a name known
    only after apply may."""
    return arn_names(arn, res, res.region) if res.type in BY_ARN else False


def _pattern(pattern: str, res: Resource) -> Match:
    """An ARN pattern (`*` wildcards) against the resource's ARN, parts of which
    (its account, an id assigned on create) are known only after apply."""
    parts = pattern.split(":", 5)
    if res.type not in BY_ARN or len(parts) < 6 or parts[0] != "arn":
        return None
    service, prefix, name_attr = ARN_SHAPES[res.type]
    if not wildcard_match(parts[2], service):
        return False
    region = res.region if isinstance(res.region, str) else None
    name = res.values.get(name_attr) if name_attr else None
    return _all([_part(parts[1], partition_of(region)), _part(parts[3], region), _part(parts[4], None),
                 _resource_part(parts[5], prefix, name)])


def _part(pattern: str, actual: str | None) -> Match:
    if pattern == "*":
        return True
    return None if actual is None else wildcard_match(pattern, actual)


def _resource_part(pattern: str, prefix: str, name: Any) -> Match:
    """`db:*`, `db:prod-*`, `table/*`, `*` against this kind of resource and its name."""
    if isinstance(name, str):
        return wildcard_match(pattern, prefix + name)
    if pattern in ("*", prefix + "*"):
        return True  # every name of this kind
    if not pattern.startswith(prefix) and not pattern.startswith("*"):
        return False  # another kind of resource
    return None


def _candidate(graph: ResourceGraph, sel: Resource, res: Resource) -> Match:
    if sel.values.get("resources") in (None, []) and not sel.blocks("selection_tag"):
        # "Otherwise, Backup attempts to select all supported and opted-in storage
        # resources" (API reference): only the conditions and exclusions narrow it.
        return True
    by_tag = [_tag_equals(res, cond.get("key"), cond.get("value")) if isinstance(cond, dict) else None
              for cond in sel.blocks("selection_tag")
              if not (isinstance(cond, dict) and str(cond.get("type", "STRINGEQUALS")).upper() != "STRINGEQUALS")]
    return _any([_names(graph, sel, res, "resources"), *by_tag])


def _not_excluded(graph: ResourceGraph, sel: Resource, res: Resource) -> Match:
    named = _names(graph, sel, res, "not_resources")
    return None if named is None else not named


def _conditions(sel: Resource, res: Resource) -> Match:
    verdicts: list[Match] = []
    for block in sel.blocks("condition"):
        if not isinstance(block, dict):
            verdicts.append(None)
            continue
        for kind in _CONDITIONS:
            for cond in nested(block, kind):
                verdicts.append(_condition(kind, cond, res))
    return _all(verdicts)


def _condition(kind: str, cond: Any, res: Resource) -> Match:
    if not isinstance(cond, dict):
        return None
    key, value = cond.get("key"), cond.get("value")
    match = _TAG_KEY.match(key) if isinstance(key, str) else None
    if match is None or not isinstance(value, str):
        return None
    tags = _tags(res)
    if tags is None:
        return None
    actual = tags.get(match.group(1))
    if is_unknown(actual):
        return None
    if kind in ("string_equals", "string_not_equals"):
        hit = actual == value
    else:
        hit = isinstance(actual, str) and wildcard_match(value, actual)
    return hit if kind in ("string_equals", "string_like") else not hit


def _tag_equals(res: Resource, key: Any, value: Any) -> Match:
    if not isinstance(key, str) or not isinstance(value, str):
        return None
    tags = _tags(res)
    if tags is None:
        return None
    actual = tags.get(key)
    return None if is_unknown(actual) else actual == value


def _tags(res: Resource) -> dict[str, Any] | None:
    """The resource's tags (provider default tags included); None when not known."""
    tags = res.values.get("tags_all") or res.values.get("tags")
    if tags is None:
        return {}
    return tags if isinstance(tags, dict) else None


BACKUP_TYPES = ("aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_ebs_volume", "aws_efs_file_system",
                "aws_s3_bucket", "aws_instance", "aws_fsx_lustre_file_system", "aws_docdb_cluster", "aws_neptune_cluster")


def _candidate_selections(graph: ResourceGraph, res: Resource) -> list[Resource]:
    referring = graph.referrers(res, types=("aws_backup_selection",), via="resources")
    return referring + [s for s in graph.of_type("aws_backup_selection") if s not in referring]


def selection_verdicts(graph: ResourceGraph, res: Resource) -> list[tuple[Resource, bool | None]]:
    """Every aws_backup_selection with whether it assigns `res` to its plan
    (True, False, or None when not known statically); those that
    name it by reference first."""
    return [(s, selects(graph, s, res)) for s in _candidate_selections(graph, res)]


def backup_selections(graph: ResourceGraph, res: Resource) -> list[Resource]:
    return [s for s, verdict in selection_verdicts(graph, res) if verdict is True]


def number(value: Any) -> Any:
    """An int from a number or numeric string; None when unset; an Unknown as it is."""
    if value is None or is_unknown(value):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return Unknown(f"{value!r} is not a number")
