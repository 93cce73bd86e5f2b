"""TG301 kms-rotation.

Reading: symmetric encryption keys (`customer_master_key_spec` and `key_spec`
unset or SYMMETRIC_DEFAULT, `key_usage` unset or ENCRYPT_DECRYPT) must set
`enable_key_rotation = true`. Asymmetric and HMAC keys (another spec, or
`key_usage` SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT) cannot rotate
automatically and give no result. Values come through variables and locals
like any argument; a spec or usage not known statically gives UNKNOWN unless
rotation is on.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown
from tfguard.truth import setting

SPEC_ATTRS = ("customer_master_key_spec", "key_spec")
# The value of each argument that a symmetric encryption key has (unset means the same).
SYMMETRIC = {"customer_master_key_spec": "SYMMETRIC_DEFAULT", "key_spec": "SYMMETRIC_DEFAULT",
             "key_usage": "ENCRYPT_DECRYPT"}


def evaluate(ctx: Context) -> Iterator[Result]:
    for key in ctx.subjects():
        kind = {a: key.values.get(a) for a in SPEC_ATTRS + ("key_usage",)}
        if any(v not in (None, SYMMETRIC[a]) and not is_unknown(v) for a, v in kind.items()):
            continue  # asymmetric or HMAC: AWS cannot rotate it automatically
        rotation = setting(key.values.get("enable_key_rotation"))
        unknown = [a for a, v in kind.items() if is_unknown(v)]
        if unknown and rotation is not True:
            yield Result(key, UNKNOWN, f"{unknown[0]} is not known statically: the key may not be symmetric",
                         attribute=unknown[0])
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
