"""A synthetic `terraform show -json` plan of N resources with configuration references.

Groups of five resources (KMS key, bucket, encryption configuration, versioning,
public access block) reference each other the way real plans do: the key's ARN
is known only after apply and traced through `configuration` references.
"""

from __future__ import annotations

import json
from typing import Any


def _change(after: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    return {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown,
            "before_sensitive": False, "after_sensitive": {}}


def _group(i: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    key, bucket = f"aws_kms_key.k{i}", f"aws_s3_bucket.b{i}"
    tags = {"DataClassification": "restricted" if i % 3 == 0 else "internal", "Team": f"team-{i % 17}"}
    padding = {"description": f"key for data set {i} " + "x" * 120, "tags": tags, "tags_all": tags}
    changes = [
        ("aws_kms_key", f"k{i}", {"enable_key_rotation": i % 2 == 0, "customer_master_key_spec": "SYMMETRIC_DEFAULT",
                                  "is_enabled": True, **padding}, {"arn": True, "id": True, "key_id": True, "policy": True}),
        ("aws_s3_bucket", f"b{i}", {"bucket": f"data-{i}", "force_destroy": False, "tags": tags, "tags_all": tags},
         {"arn": True, "id": True, "server_side_encryption_configuration": True, "versioning": True}),
        ("aws_s3_bucket_server_side_encryption_configuration", f"s{i}",
         {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}], "bucket_key_enabled": True}]},
         {"bucket": True, "id": True, "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": True}]}]}),
        ("aws_s3_bucket_versioning", f"v{i}", {"versioning_configuration": [{"status": "Enabled" if i % 4 else "Suspended"}]},
         {"bucket": True, "id": True}),
        ("aws_s3_bucket_public_access_block", f"p{i}", {"block_public_acls": True, "block_public_policy": True,
                                                        "ignore_public_acls": i % 5 != 0, "restrict_public_buckets": True},
         {"bucket": True, "id": True}),
    ]
    refs = {
        f"s{i}": {"bucket": {"references": [f"{bucket}.id", bucket]},
                  "rule": [{"apply_server_side_encryption_by_default": [{
                      "sse_algorithm": {"constant_value": "aws:kms"},
                      "kms_master_key_id": {"references": [f"{key}.arn", key]}}]}]},
        f"v{i}": {"bucket": {"references": [f"{bucket}.id", bucket]}},
        f"p{i}": {"bucket": {"references": [f"{bucket}.id", bucket]}},
    }
    rcs, configs = [], []
    for rtype, name, after, unknown in changes:
        address = f"{rtype}.{name}"
        rcs.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                    "provider_name": "registry.terraform.io/hashicorp/aws", "change": _change(after, unknown)})
        configs.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                        "provider_config_key": "aws", "expressions": refs.get(name, {}), "schema_version": 0})
    return rcs, configs


def plan(resources: int) -> dict[str, Any]:
    rcs: list[dict[str, Any]] = []
    configs: list[dict[str, Any]] = []
    for i in range(max(resources // 5, 1)):
        r, c = _group(i)
        rcs += r
        configs += c
    return {"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": rcs,
            "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                                          "expressions": {"region": {"constant_value": "us-east-1"}}}},
                              "root_module": {"resources": configs}}}


def write(path: Any, resources: int) -> int:
    text = json.dumps(plan(resources), indent=2)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return len(text)


def resources_for_mb(mb: float) -> int:
    per = len(json.dumps(plan(100), indent=2)) / 100
    return int(mb * 1_000_000 / per)
