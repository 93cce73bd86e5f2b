"""The table of arguments that force replacement agrees with real plans, and docs/fix.md shows it.

tests/data/replacement_plans.json holds, per scenario, the actions and
replace paths of a real `terraform plan` of hashicorp/aws 5.100.0 over a
state holding the resource as deployed, with only that argument changed
(scripts/replacement_oracle.py).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tfguard.fix import replacement
from tfguard.fix.replacement import TABLE, forces_replacement, lookup, normalize, reason, takes_effect

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = json.loads((ROOT / "tests" / "data" / "replacement_plans.json").read_text(encoding="utf-8"))
ROWS: list[dict[str, Any]] = EVIDENCE["entries"]
REPLACE = (["delete", "create"], ["create", "delete"])


def _key(row: dict[str, Any]) -> tuple[str, str]:
    return row["resource_type"], row["path"]


def _id(row: dict[str, Any]) -> str:
    return f"{row['resource_type']}:{row['path'] or '(added)'}" + (f"[{row['variant']}]" if row["variant"] else "")


def test_the_evidence_comes_from_the_provider_the_table_names() -> None:
    assert EVIDENCE["terraform_version"].startswith("1.11.")
    assert EVIDENCE["provider"] == replacement.PROVIDER == "hashicorp/aws 5.100.0"


def test_every_table_entry_has_evidence_and_every_evidence_an_entry() -> None:
    keys = [(a.resource_type, a.path) for a in TABLE]
    assert len(keys) == len(set(keys))
    assert set(keys) == {_key(r) for r in ROWS}


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_the_table_agrees_with_the_real_plan(row: dict[str, Any]) -> None:
    entry = lookup(row["resource_type"], row["path"])
    assert entry is not None
    replaces = entry.replaces and not row.get("in_place_when_met", False)
    if replaces:
        assert row["actions"] in REPLACE
        # The argument is why: Terraform names it, or the block holding it, among the paths that force replacement.
        named = [".".join(str(step) for step in path if not isinstance(step, int)) for path in row["replace_paths"]]
        assert any(entry.path == p or entry.path.startswith(p + ".") for p in named), named
    elif entry.ignored_when_deployed:
        assert row["actions"] == ["no-op"]
    elif entry.path:
        assert (row["actions"], row["replace_paths"]) == (["update"], [])
    else:  # a resource added beside the existing one, which stays as it is
        assert (row["actions"], row["added"]["actions"]) == (["no-op"], ["create"])


def test_a_conditional_entry_is_proven_both_ways() -> None:
    conditional = {(a.resource_type, a.path) for a in TABLE if a.in_place_when}
    assert ("aws_elasticache_replication_group", "transit_encryption_enabled") in conditional
    for key in conditional:
        met = {bool(r.get("in_place_when_met")) for r in ROWS if _key(r) == key}
        assert met == {True, False}, key


def test_the_evidence_is_of_the_scenarios_of_today() -> None:
    """A changed scenario needs the oracle run again (python scripts/replacement_oracle.py)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from replacement_scenarios import SCENARIOS
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    planned = [(r["resource_type"], r["path"], r["variant"], r["before"], r["after"]) for r in ROWS]
    assert planned == [(s.resource_type, s.path, s.variant, s.before.strip(), s.after.strip()) for s in SCENARIOS]


def test_forces_replacement_answers() -> None:
    assert forces_replacement("aws_db_instance", "storage_encrypted") is True
    assert forces_replacement("aws_db_instance", "backup_retention_period") is False
    assert forces_replacement("aws_ebs_volume", "encrypted") is True
    assert forces_replacement("aws_kms_key", "enable_key_rotation") is False
    # Conditional entries answer the cautious way.
    assert forces_replacement("aws_elasticache_replication_group", "transit_encryption_enabled") is True
    assert forces_replacement("aws_s3_bucket_versioning", "") is False
    assert forces_replacement("aws_db_instance", "engine_version") is None
    assert forces_replacement("aws_nonexistent", "storage_encrypted") is None


def test_paths_are_looked_up_without_list_indexes() -> None:
    assert normalize("point_in_time_recovery[0].enabled") == "point_in_time_recovery.enabled"
    assert normalize("rule.0.apply_server_side_encryption_by_default.0.sse_algorithm") == (
        "rule.apply_server_side_encryption_by_default.sse_algorithm"
    )
    assert forces_replacement("aws_instance", "root_block_device[0].encrypted") is True
    assert forces_replacement("aws_dynamodb_table", "point_in_time_recovery.0.enabled") is False


def test_reason_and_effect() -> None:
    assert reason("aws_db_instance", "storage_encrypted") == (
        "RDS encrypts storage only at creation: a new, empty instance (restore from an encrypted snapshot copy instead)"
    )
    assert reason("aws_db_instance", "port") is None
    assert takes_effect("aws_instance", "ebs_block_device.encrypted") is False
    assert forces_replacement("aws_instance", "ebs_block_device.encrypted") is False
    assert takes_effect("aws_ebs_volume", "encrypted") is True
    assert takes_effect("aws_ebs_volume", "size") is None
    entry = lookup("aws_alb_listener", "ssl_policy")
    assert entry is not None
    assert entry.reference == "https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/lb_listener"


def test_docs_fix_md_shows_the_table() -> None:
    """docs/fix.md's section is the generated table (python scripts/gen_docs.py writes it)."""
    text = (ROOT / "docs" / "fix.md").read_text(encoding="utf-8")
    section = re.search(r"^## Arguments that force replacement\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert section is not None
    assert "<!-- replacement:start -->\n" + replacement.markdown() + "<!-- replacement:end -->" in section.group(1), (
        "docs/fix.md's table of arguments that force replacement is stale: run `python scripts/gen_docs.py`"
    )


# What each fix rule of tfguard.fix.rules may set, by resource type and argument path.
_SSE = "aws_s3_bucket_server_side_encryption_configuration"
_BLOCK = "aws_s3_bucket_public_access_block"
_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
_SEARCH = ("aws_opensearch_domain", "aws_elasticsearch_domain")
_CDN = "aws_cloudfront_distribution"
FIX_SETS: dict[str, list[tuple[str, str]]] = {
    "TG101": [
        (_SSE, ""),
        (_SSE, "rule.apply_server_side_encryption_by_default.sse_algorithm"),
        ("aws_s3_bucket", "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.sse_algorithm"),
    ],
    "TG110": [(t, "storage_encrypted") for t in ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster")],
    "TG120": [
        ("aws_ebs_volume", "encrypted"),
        ("aws_instance", "root_block_device.encrypted"),
        ("aws_instance", "ebs_block_device.encrypted"),
        ("aws_launch_template", "block_device_mappings.ebs.encrypted"),
        ("aws_launch_configuration", "root_block_device.encrypted"),
        ("aws_launch_configuration", "ebs_block_device.encrypted"),
    ],
    "TG150": [("aws_efs_file_system", "encrypted")],
    "TG202": [("aws_lb_listener", "ssl_policy"), ("aws_alb_listener", "ssl_policy")],
    "TG210": [(_CDN, "default_cache_behavior.viewer_protocol_policy"), (_CDN, "ordered_cache_behavior.viewer_protocol_policy")],
    "TG211": [(_CDN, "viewer_certificate.minimum_protocol_version")],
    "TG222": [
        (d, p)
        for d in _SEARCH
        for p in ("domain_endpoint_options", "domain_endpoint_options.enforce_https", "domain_endpoint_options.tls_security_policy")
    ],
    "TG301": [("aws_kms_key", "enable_key_rotation")],
    "TG304": [("aws_kms_key", "deletion_window_in_days")],
    "TG403": [(_BLOCK, ""), *((_BLOCK, f) for f in _FLAGS)],
    "TG501": [("aws_cloudtrail", "is_multi_region_trail"), ("aws_cloudtrail", "enable_log_file_validation")],
    "TG601": [("aws_s3_bucket_versioning", ""), ("aws_s3_bucket_versioning", "versioning_configuration.status"),
              ("aws_s3_bucket", "versioning.enabled")],
    "TG607": [("aws_db_instance", "backup_retention_period"), ("aws_rds_cluster", "backup_retention_period")],
    "TG608": [("aws_dynamodb_table", "point_in_time_recovery.enabled")],
}
# Unsafe although nothing is replaced: the fix may cut off access someone relies on.
CUTS_OFF_ACCESS = {"TG403"}


def test_every_fix_rule_is_unsafe_exactly_when_the_table_or_access_says_so() -> None:
    from tfguard.fix.rules import RULES

    assert set(FIX_SETS) == set(RULES), "a fix rule changed: say here which arguments it sets"
    for check_id, rule in RULES.items():
        answers = {key: forces_replacement(*key) for key in FIX_SETS[check_id]}
        assert None not in answers.values(), f"{check_id} sets arguments the table does not know: {answers}"
        replaces = any(answers.values())
        assert rule.safe is not (replaces or check_id in CUTS_OFF_ACCESS), check_id


def _oracle():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import replacement_oracle
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return replacement_oracle


SCHEMA = {
    "attributes": {
        "id": {"type": "string"},
        "arn": {"type": "string"},
        "size": {"type": "number"},
        "encrypted": {"type": "bool"},
        "tags_all": {"type": ["map", "string"]},
        "zones": {"type": ["set", "string"]},
        "password": {"type": "string", "sensitive": True},
    },
    "block_types": {
        "endpoint": {"nesting_mode": "list", "block": {"attributes": {"address": {"type": "string"}, "port": {"type": "number"}}}},
        "timeouts": {"nesting_mode": "single", "block": {"attributes": {"create": {"type": "string"}}}},
    },
}


def test_the_oracle_fills_what_the_plan_knew_only_after_apply_by_type() -> None:
    oracle = _oracle()
    after = {"size": 8, "password": "p", "endpoint": [{"port": 443}], "id": None, "arn": None}
    unknown = {"id": True, "arn": True, "encrypted": True, "tags_all": True, "zones": True, "endpoint": [{"address": True}]}
    filled = oracle.fill_block(after, unknown, SCHEMA, "aws_thing.disk")
    assert filled == {
        "size": 8,
        "password": "p",
        "id": "disk",
        "arn": filled["arn"],
        "encrypted": False,
        "tags_all": {},
        "zones": [],
        "endpoint": [{"port": 443, "address": ""}],
    }
    assert filled["arn"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    # A state names every attribute and block of the schema, null where the plan had none.
    assert oracle.complete(filled, SCHEMA) == {
        "id": "disk",
        "arn": filled["arn"],
        "size": 8,
        "encrypted": False,
        "tags_all": {},
        "zones": [],
        "password": "p",
        "endpoint": [{"address": "", "port": 443}],
        "timeouts": None,
    }


def test_the_oracle_keeps_sensitivity_in_the_state() -> None:
    """A value whose sensitivity differs between state and plan is planned as an update."""
    oracle = _oracle()
    assert oracle.sensitive_paths({"password": True, "size": False, "endpoint": [{"address": True}]}, []) == [
        [{"type": "get_attr", "value": "password"}],
        [{"type": "get_attr", "value": "endpoint"}, {"type": "index", "value": {"value": 0, "type": "number"}},
         {"type": "get_attr", "value": "address"}],
    ]
    assert oracle.sensitive_paths(False, []) == []


def test_the_oracle_writes_a_version_4_state_with_the_deployed_values_a_scenario_names() -> None:
    oracle = _oracle()
    scenario = next(s for s in oracle.SCENARIOS if s.deployed)
    rtype, name = scenario.address.split(".")
    plan = {
        "resource_changes": [
            {
                "address": scenario.address,
                "type": rtype,
                "name": name,
                "change": {"after": {"size": 1}, "after_unknown": {"id": True}, "after_sensitive": {"password": True}},
            }
        ]
    }
    block = {**SCHEMA, "attributes": {**SCHEMA["attributes"], **{key: {"type": "string"} for key, _ in scenario.deployed}}}
    state = oracle.state(plan, {rtype: {"version": 2, "block": block}}, "1.11.4")
    assert (state["version"], state["terraform_version"]) == (4, "1.11.4")
    [resource] = state["resources"]
    assert (resource["mode"], resource["type"], resource["name"]) == ("managed", rtype, name)
    assert resource["provider"] == 'provider["registry.terraform.io/hashicorp/aws"]'
    [instance] = resource["instances"]
    assert instance["schema_version"] == 2
    assert instance["sensitive_attributes"] == [[{"type": "get_attr", "value": "password"}]]
    assert instance["attributes"]["id"] == name
    assert instance["attributes"]["size"] == 1
    for key, value in scenario.deployed:
        assert instance["attributes"][key] == value


def test_a_real_plan_gives_the_committed_evidence_again(tmp_path: Path) -> None:
    """The oracle end to end, on one scenario of each kind: replaced, updated, conditional
    (the deployed engine version decides), and a resource added beside the bucket."""
    from tests.terraform import require_terraform

    plugins = require_terraform()
    oracle = _oracle()
    wanted = [
        ("aws_db_instance", "storage_encrypted", ""),
        ("aws_kms_key", "enable_key_rotation", ""),
        ("aws_elasticache_replication_group", "transit_encryption_enabled", ""),
        ("aws_s3_bucket_versioning", "", ""),
    ]
    scenarios = [s for s in oracle.SCENARIOS if (s.resource_type, s.path, s.variant) in wanted]
    assert len(scenarios) == len(wanted)
    result = oracle.oracle(tmp_path, "terraform", plugins, scenarios)
    committed = {(r["resource_type"], r["path"], r["variant"]): r for r in ROWS}
    assert result["entries"] == [committed[key] for key in ((s.resource_type, s.path, s.variant) for s in scenarios)]
    assert result["provider"] == EVIDENCE["provider"]
