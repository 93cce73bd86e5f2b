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
