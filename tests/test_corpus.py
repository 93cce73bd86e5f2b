"""Every real plan of the corpus (Terraform 0.12 - 1.11) loads and scans without a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA
from tfguard.load.plan import load_plan
from tfguard.run import run
from tfguard.targets import Options

PLANS = sorted((DATA / "plans").glob("*.json"))


def test_corpus_is_complete() -> None:
    manifest = (DATA / "plans" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    listed = {line.split("\t")[0] for line in manifest if line.strip()}
    assert listed == {p.name for p in PLANS}
    assert len(PLANS) == 42


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.name)
def test_plan_loads_and_scans(plan: Path, sarif_validator) -> None:  # type: ignore[no-untyped-def]
    from tfguard.report.sarif import render

    resources, diagnostics = load_plan(plan, plan.name)
    assert diagnostics == []
    report = run([plan])
    assert report.diagnostics == []
    assert report.resources == len(resources)
    sarif_validator.validate(json.loads(render(report)))


def _triples(plan: str, checks: set[str]) -> set[tuple[str, str, str]]:
    report = run([DATA / "plans" / plan], Options(only=frozenset(checks)))
    return {(f.check_id, f.address, f.status.value) for f in report.findings}


def test_sse_kms_plan_traces_key_created_in_same_plan() -> None:
    # kms_master_key_id is known only after apply; the configuration references aws_kms_key.key.
    assert _triples("regula__s3-bucket-sse-kms.json", {"TG101", "TG102"}) == {
        ("TG101", "aws_s3_bucket.aes_encrypted", "pass"),
        ("TG101", "aws_s3_bucket.kms_encrypted", "pass"),
        ("TG101", "aws_s3_bucket.unencrypted", "fail"),
        ("TG102", "aws_s3_bucket.aes_encrypted", "fail"),
        ("TG102", "aws_s3_bucket.kms_encrypted", "pass"),
    }


def test_kms_rotation_plan() -> None:
    assert _triples("regula__kms-key-rotation.json", {"TG301"}) == {
        ("TG301", "aws_kms_key.blank-invalid", "fail"),
        ("TG301", "aws_kms_key.invalid", "fail"),
        ("TG301", "aws_kms_key.valid", "pass"),
    }


def test_utf16_plan_loads() -> None:
    resources, _ = load_plan(DATA / "plans" / "checkov__s3-windows-utf16le-bom.json", "x")
    assert [r.type for r in resources] == ["aws_s3_bucket"]


def test_no_change_plan_has_no_resources() -> None:
    resources, _ = load_plan(DATA / "plans" / "checkov__empty-plan-provider-aliases.json", "x")
    assert resources == []


def test_delete_actions_are_dropped() -> None:
    doc = json.loads((DATA / "plans" / "checkov__secretsmanager-create-delete-actions.json").read_text())
    deleted = {rc["address"] for rc in doc["resource_changes"] if rc["change"]["actions"] == ["delete"]}
    resources, _ = load_plan(DATA / "plans" / "checkov__secretsmanager-create-delete-actions.json", "x")
    assert not deleted & {r.address for r in resources}


def _edges(plan: str) -> set[tuple[str, str, str]]:
    from tfguard.graph import ResourceGraph

    resources, _ = load_plan(DATA / "plans" / plan, "x")
    return {(a, b, k) for a, b, k in ResourceGraph(resources).g.edges(keys=True)}


def test_nested_module_references_link_instances() -> None:
    assert _edges("checkov__nested-modules-s3-edges.json") == {
        ("module.test.module.s3-bucket-1.aws_s3_bucket_public_access_block.this[0]",
         "module.test.module.s3-bucket-1.aws_s3_bucket.this[0]", "bucket"),
        ("module.test.module.s3-bucket-2.aws_s3_bucket_public_access_block.this[0]",
         "module.test.module.s3-bucket-2.aws_s3_bucket.this[0]", "bucket"),
    }


def test_references_through_module_outputs() -> None:
    # module.child1.vpc_id -> module.grandchild1 output -> aws_vpc.grandchild, across three levels.
    vpc = "module.child1.module.grandchild1.aws_vpc.grandchild"
    assert _edges("regula__nested-modules-vpc-sg-outputs.json") == {
        ("aws_security_group.parent", vpc, "vpc_id"),
        ("module.child1.module.grandchild1.aws_security_group.grandchild", vpc, "vpc_id"),
        ("module.child2.aws_security_group.child", vpc, "vpc_id"),
    }
