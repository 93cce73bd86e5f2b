"""TG301 kms-rotation.

Reading: symmetric keys (`customer_master_key_spec` and `key_spec` unset or
SYMMETRIC_DEFAULT) must set `enable_key_rotation = true`. Asymmetric and HMAC
keys cannot rotate automatically and give no result.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown


def evaluate(ctx: Context) -> Iterator[Result]:
    for key in ctx.graph.of_type("aws_kms_key"):
        specs = [key.values.get("customer_master_key_spec"), key.values.get("key_spec")]
        if any(s not in (None, "SYMMETRIC_DEFAULT") and not is_unknown(s) for s in specs):
            continue
        rotation = key.values.get("enable_key_rotation")
        if any(is_unknown(s) for s in specs) and rotation is not True:
            yield Result(key, UNKNOWN, "the key spec is not known statically", attribute="key_spec")
        elif rotation is True:
            yield Result(key, PASS, "automatic key rotation is enabled", attribute="enable_key_rotation")
        elif is_unknown(rotation):
            yield Result(key, UNKNOWN, f"enable_key_rotation is not known statically: {rotation.reason}",
                         attribute="enable_key_rotation")
        else:
            yield Result(key, FAIL, "automatic rotation is not enabled for this symmetric key",
                         attribute="enable_key_rotation")


CHECK = Check(
    id="TG301",
    slug="kms-rotation",
    title="Symmetric KMS key rotates automatically",
    severity="medium",
    resource_types=("aws_kms_key",),
    rationale="Rotation limits how much data one key version protects and is required by PCI DSS key management.",
    remediation="Set enable_key_rotation = true on the key.",
    evaluate=evaluate,
    compliance=controls("TG301"),
    references=("https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",),
    bad_example='resource "aws_kms_key" "data" {\n  description = "data key"\n}',
    good_example='resource "aws_kms_key" "data" {\n  description         = "data key"\n  enable_key_rotation = true\n}',
)
