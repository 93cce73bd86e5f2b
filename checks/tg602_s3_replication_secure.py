"""TG602 s3-replication-secure.

Reading: the subject is each `aws_s3_bucket_replication_configuration`, and
each `aws_s3_bucket` with an inline `replication_configuration` (the finding
points at the owning bucket). Every rule is judged, whatever its status:

- its destination bucket (`destination.bucket` by reference, bucket name or
  its ARN in any partition) must pass TG101 (default encryption) and TG601
  (versioning); a destination that is not a bucket of the configuration
  cannot be judged (UNKNOWN; an S3 ARN has no region or settings to read);
- a rule that replicates KMS-encrypted objects
  (`source_selection_criteria.sse_kms_encrypted_objects` status `Enabled`,
  inline `enabled = true`) must set `replica_kms_key_id`
  (`destination.encryption_configuration`, inline `destination`);
- when the source bucket's default encryption is a customer-managed key
  (`aws:kms`/`aws:kms:dsse` with a CMK, as TG102 judges it), the rule must replicate KMS-encrypted objects; a source
  bucket that is not in the configuration makes this part UNKNOWN.

A definite failure of any rule fails the subject; otherwise anything not known
statically makes it UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.s3 import encryption, uses_cmk, versioning
from tfguard.aws.s3.replication import Rule, rules_of
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.examples import CMK_ENCRYPTED_BUCKET
from tfguard.model import Resource, Verdict, is_unknown


def _judge(ctx: Context, rule: Rule, fails: list[Verdict], unknown: list[Verdict], related: list[Resource]) -> None:
    holder = rule.holder
    if not rule.destinations:
        shown = rule.dest_value if isinstance(rule.dest_value, str) else "the destination bucket"
        why = "is not a bucket of this configuration" if not is_unknown(rule.dest_value) or rule.dest_value.refs \
            else "is not known statically"
        unknown.append(Verdict(UNKNOWN, f"{shown} {why}: its encryption and versioning cannot be checked", rule.dest_attr, holder))
    for dst in rule.destinations:
        related.append(dst)
        enc, ver = encryption(ctx.graph, dst).verdict, versioning(ctx.graph, dst)
        if enc.status is FAIL:
            fails.append(Verdict(FAIL, f"destination {dst.address} has no default encryption", rule.dest_attr, holder))
        elif enc.status is UNKNOWN:
            unknown.append(Verdict(UNKNOWN, f"the encryption of destination {dst.address} is not known statically", rule.dest_attr, holder))
        if ver.status is FAIL:
            fails.append(Verdict(FAIL, f"destination {dst.address} does not have versioning enabled", rule.dest_attr, holder))
        elif ver.status is UNKNOWN:
            unknown.append(Verdict(UNKNOWN, f"the versioning of destination {dst.address} is not known statically", rule.dest_attr, holder))
    kms = rule.replicates_kms()
    if is_unknown(kms):
        unknown.append(Verdict(UNKNOWN, "whether the rule replicates KMS-encrypted objects is not known statically", rule.kms_attr, holder))
    elif kms:
        key = rule.replica_key()
        if key is None or key == "":
            fails.append(Verdict(FAIL, "the rule replicates KMS-encrypted objects but sets no replica_kms_key_id "
                                 "for the destination", rule.kms_attr, holder))
    elif rule.source is None:
        unknown.append(Verdict(UNKNOWN, "the source bucket is not in the configuration: whether it uses a "
                               "customer-managed key is not known", "bucket", holder))
    else:
        verdict = uses_cmk(ctx.graph, rule.source).verdict
        if verdict.status is PASS:
            related.append(rule.source)
            fails.append(Verdict(FAIL, f"the source bucket {rule.source.address} uses a customer-managed key but "
                                 "the rule does not replicate KMS-encrypted objects (source_selection_criteria)", rule.path, holder))
        elif verdict.status is UNKNOWN:
            unknown.append(Verdict(UNKNOWN, f"whether the source bucket uses a customer-managed key is not known: "
                                   f"{verdict.message}", rule.path, holder))


def _result(ctx: Context, subject: Resource, holder: Resource) -> Result:
    fails: list[Verdict] = []
    unknown: list[Verdict] = []
    related: list[Resource] = []
    for rule in rules_of(ctx.graph, holder):
        if isinstance(rule, Rule):
            _judge(ctx, rule, fails, unknown, related)
        else:
            path = "rule" if holder is not subject else "replication_configuration.rules"
            unknown.append(Verdict(UNKNOWN, f"a replication rule is not known statically: {rule.reason}", path, holder))
    if holder is not subject:
        related.insert(0, holder)
    related_t = tuple(dict.fromkeys(r for r in related if r is not subject))
    chosen = fails or unknown
    if not chosen:
        return Result(subject, PASS, "every replication rule writes to an encrypted, versioned bucket with the KMS "
                      "settings its source needs", attribute="", at=None, related=related_t)
    message = "; ".join(dict.fromkeys(v.message for v in chosen))
    return Result.of(subject, chosen[0]._replace(message=message, related=related_t))


def evaluate(ctx: Context) -> Iterator[Result]:
    for cfg in ctx.graph.of_type("aws_s3_bucket_replication_configuration"):
        yield _result(ctx, cfg, cfg)
    for bucket in ctx.graph.of_type("aws_s3_bucket"):
        if bucket.blocks("replication_configuration"):
            yield _result(ctx, bucket, bucket)


CHECK = Check(
    id="TG602",
    slug="s3-replication-secure",
    title="S3 replication writes to an encrypted, versioned bucket and keeps KMS encryption",
    severity="high",
    resource_types=("aws_s3_bucket_replication_configuration", "aws_s3_bucket"),
    rationale="A replica is a second copy of the data: a destination without default encryption or "
    "versioning, or replicated objects that lose their KMS protection, weaken the protection the source has.",
    remediation="Encrypt and version the destination bucket, set destination.encryption_configuration.replica_kms_key_id "
    "and, when the source uses a customer-managed key, enable source_selection_criteria.sse_kms_encrypted_objects.",
    evaluate=evaluate,
    compliance=controls("TG602"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html",
                "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html"),
    bad_example=(
        'variable "replication_role_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_versioning" "data" {\n'
        '  bucket = aws_s3_bucket.data.id\n'
        '  versioning_configuration {\n'
        '    status = "Enabled"\n'
        '  }\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket" "replica" {\n'
        '  bucket = "patient-records-replica" # no default encryption, no versioning\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_replication_configuration" "data" {\n'
        '  depends_on = [aws_s3_bucket_versioning.data]\n'
        '  bucket     = aws_s3_bucket.data.id\n'
        '  role       = var.replication_role_arn\n'
        '  rule {\n'
        '    status = "Enabled"\n'
        '    destination {\n'
        '      bucket = aws_s3_bucket.replica.arn\n'
        '    }\n'
        '  }\n'
        '}'
    ),
    good_example=(
        'variable "replication_role_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        + CMK_ENCRYPTED_BUCKET + '\n'
        '\n'
        'resource "aws_s3_bucket_versioning" "data" {\n'
        '  bucket = aws_s3_bucket.data.id\n'
        '  versioning_configuration {\n'
        '    status = "Enabled"\n'
        '  }\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket" "replica" {\n'
        '  bucket = "patient-records-replica"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_server_side_encryption_configuration" "replica" {\n'
        '  bucket = aws_s3_bucket.replica.id\n'
        '  rule {\n'
        '    apply_server_side_encryption_by_default {\n'
        '      sse_algorithm     = "aws:kms"\n'
        '      kms_master_key_id = aws_kms_key.data.arn\n'
        '    }\n'
        '  }\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_versioning" "replica" {\n'
        '  bucket = aws_s3_bucket.replica.id\n'
        '  versioning_configuration {\n'
        '    status = "Enabled"\n'
        '  }\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_replication_configuration" "data" {\n'
        '  depends_on = [aws_s3_bucket_versioning.data]\n'
        '  bucket     = aws_s3_bucket.data.id\n'
        '  role       = var.replication_role_arn\n'
        '  rule {\n'
        '    status = "Enabled"\n'
        '    source_selection_criteria {\n'
        '      sse_kms_encrypted_objects {\n'
        '        status = "Enabled"\n'
        '      }\n'
        '    }\n'
        '    destination {\n'
        '      bucket = aws_s3_bucket.replica.arn\n'
        '      encryption_configuration {\n'
        '        replica_kms_key_id = aws_kms_key.data.arn\n'
        '      }\n'
        '    }\n'
        '  }\n'
        '}'
    ),
)
