"""TG130 dynamodb-cmk.

Reading: the table passes when `server_side_encryption { enabled = true }`
names a customer-managed key in `kms_key_arn` (see tfguard.aws.kms) and every
replica of it does too: each inline `replica` block's own `kms_key_arn`, and
each linked `aws_dynamodb_table_replica` (its `global_table_arn` references the
table), because a replica without a key is encrypted with the AWS-managed
`aws/dynamodb` key in its region. No `server_side_encryption` block (AWS-owned
key), `enabled` unset or false, or an unset key (AWS-managed key) fails. A
replica without a customer-managed key fails whatever the table's own key is.
A key or flag that is not known statically makes the result UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.dynamodb import item_key_verdict
from tfguard.aws.kms import cmk_verdict
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import each
from tfguard.model import Resource, is_unknown
from tfguard.truth import setting

REPLICA_TYPE = "aws_dynamodb_table_replica"


def _replicas(ctx: Context, table: Resource) -> Iterator[Result]:
    """One result per replica that is not (or not known to be) on a customer-managed key."""
    for i, block in enumerate(table.blocks("replica")):
        if is_unknown(block):
            yield Result(table, UNKNOWN, "the table's replica blocks are not known statically", attribute="replica")
            continue
        if not isinstance(block, dict):
            continue
        region = block.get("region_name")
        name = f"replica {region}" if isinstance(region, str) else f"replica #{i + 1}"
        key = block.get("kms_key_arn")
        verdict = item_key_verdict(ctx.graph, table, "replica.kms_key_arn", key).verdict
        if verdict.status is not PASS:
            # Locations are recorded per path, not per block instance: a replica
            # without a key points at a replica block, not at another replica's key.
            attr = "replica" if key is None or key == "" else "replica.kms_key_arn"
            yield Result.of(table, verdict._replace(message=f"{name}: {verdict.message}", attribute=attr))
    for replica in ctx.graph.referrers(table, types=(REPLICA_TYPE,), via="global_table_arn"):
        verdict = cmk_verdict(ctx.graph, replica, "kms_key_arn", replica.values.get("kms_key_arn")).verdict
        if verdict.status is not PASS:
            yield Result.of(table, verdict._replace(message=f"{replica.address}: {verdict.message}"))


def _table_key(ctx: Context, table: Resource) -> Result:
    blocks = table.blocks("server_side_encryption")
    sse = next((b for b in blocks if isinstance(b, dict)), None)
    if sse is None:
        if any(is_unknown(b) for b in blocks):
            return Result(table, UNKNOWN, "the server_side_encryption block is not known statically",
                          attribute="server_side_encryption")
        return Result(table, FAIL, "no server_side_encryption block: the table is encrypted with an AWS-owned key",
                      attribute="server_side_encryption")
    enabled = setting(sse.get("enabled"))
    if is_unknown(enabled):
        return Result(table, UNKNOWN, "server_side_encryption.enabled is not known statically",
                      attribute="server_side_encryption.enabled")
    if enabled is not True:
        return Result(table, FAIL, "server_side_encryption is not enabled: the table is encrypted with an AWS-owned key",
                      attribute="server_side_encryption.enabled")
    key = sse.get("kms_key_arn")
    verdict = cmk_verdict(ctx.graph, table, "server_side_encryption.kms_key_arn", key).verdict
    attr = "server_side_encryption.kms_key_arn" if key is not None else "server_side_encryption"
    message = verdict.message
    if verdict.status is FAIL:
        message = f"server-side encryption: {message} (AWS-managed aws/dynamodb key)"
    elif verdict.status is UNKNOWN:
        message = f"server-side encryption: {message}"
    return Result.of(table, verdict._replace(message=message, attribute=attr))


def judge(ctx: Context, table: Resource) -> Result:
    own = _table_key(ctx, table)
    replicas = list(_replicas(ctx, table))
    for status in (FAIL, UNKNOWN):
        for result in (own, *replicas):
            if result.status is status:
                return result
    others = tuple(ctx.graph.referrers(table, types=(REPLICA_TYPE,), via="global_table_arn"))
    suffix = "; every replica names a customer-managed key" if table.blocks("replica") or others else ""
    return Result(table, PASS, f"server-side encryption {own.message}{suffix}", attribute=own.attribute,
                  related=own.related + others)


CHECK = Check(
    id="TG130",
    slug="dynamodb-cmk",
    title="DynamoDB table and its replicas are encrypted with a customer-managed KMS key",
    severity="low",
    escalates=True,
    resource_types=("aws_dynamodb_table",),
    rationale="By default DynamoDB encrypts with an AWS-owned or AWS-managed key that cannot be restricted, "
    "audited per table or revoked; a customer-managed key puts every read of the table and of its "
    "replicas under your key policy.",
    remediation="Set server_side_encryption { enabled = true, kms_key_arn = aws_kms_key.x.arn } and give every "
    "replica block (and aws_dynamodb_table_replica) a kms_key_arn of a customer-managed key in its region.",
    evaluate=each(judge),
    compliance=controls("TG130"),
    references=(
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html",
    ),
    bad_example=(
        'resource "aws_dynamodb_table" "orders" {\n'
        '  name         = "orders"\n'
        '  billing_mode = "PAY_PER_REQUEST"\n'
        '  hash_key     = "id"\n'
        '  attribute {\n'
        '    name = "id"\n'
        '    type = "S"\n'
        '  }\n'
        '  server_side_encryption {\n'
        '    enabled = true\n'
        '  }\n'
        '}'
    ),
    good_example=(
        'resource "aws_kms_key" "dynamodb" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_dynamodb_table" "orders" {\n'
        '  name         = "orders"\n'
        '  billing_mode = "PAY_PER_REQUEST"\n'
        '  hash_key     = "id"\n'
        '  attribute {\n'
        '    name = "id"\n'
        '    type = "S"\n'
        '  }\n'
        '  server_side_encryption {\n'
        '    enabled     = true\n'
        '    kms_key_arn = aws_kms_key.dynamodb.arn\n'
        '  }\n'
        '}'
    ),
)
