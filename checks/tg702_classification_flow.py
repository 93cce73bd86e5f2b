"""TG702 classification-flow.

Reading: the subjects are the destinations of data flows in the configuration
(S3 replication, read replicas, snapshots and snapshot copies,
backups through selection and plan into a vault, DynamoDB table replicas,
CloudTrail into its bucket), one result each. A flow whose destination is not
in the configuration has no subject and gives no result. A destination fails
when:

- its effective classification (the highest over every upstream path) is
  higher than its own label, or classified data flows into it while it has
  no label (no classification tag, or a value that is not a level);
  destinations that cannot carry tags (automated backup replication) are only
  judged on their key;
- it is sensitive (effective confidential or higher) and not encrypted with a
  customer-managed key: buckets by their default encryption (as TG102
  judges it), vaults by `kms_key_arn`, snapshot copies, table replicas and
  replicated backups by their key argument; a DB or EBS snapshot, and a read
  replica without `kms_key_id`, by the key of the source they inherit it from.

The message names the flow path with the resources that make each hop
(replication configuration, backup selection and plan); the source and the
other resources on the path are related locations. Tags or a key that are
not known statically make an otherwise passing result UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.classification import LEVELS, describe, flow_path, origin_path
from tfguard.aws.copies import destination_key
from tfguard.aws.flows import UNTAGGABLE, flow_edges, upstream
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, Verdict, is_unknown


def _destinations(ctx: Context) -> list[Resource]:
    seen: dict[str, Resource] = {}
    for flow in flow_edges(ctx.graph):
        if flow.destination.mode == "managed":
            seen.setdefault(flow.destination.address, flow.destination)
    return list(seen.values())


def _judge(ctx: Context, dst: Resource) -> Result:
    cls = ctx.classification(dst)
    flows = upstream(ctx.graph, dst)
    path = flow_path(ctx.graph, origin_path(ctx.graph, dst, cls.path, ctx.classification_tag))
    shown = describe(path)
    related: list[Resource] = [r for r in path if r is not dst] + [f.source for f in flows]
    fails: list[Verdict] = []
    unknown: list[Verdict] = []
    if dst.type not in UNTAGGABLE and cls.level is not None and (cls.own is None or cls.level > cls.own):
        if cls.own is None and (is_unknown(dst.values.get("tags")) or is_unknown(dst.values.get("tags_all"))):
            unknown.append(Verdict(UNKNOWN, "the destination's tags are not known statically", "tags"))
        else:
            label = f"is labelled only {LEVELS[cls.own]}" if cls.own is not None else "has no classification label"
            fails.append(Verdict(FAIL, f"the destination {label}", "tags" if isinstance(dst.values.get("tags"), dict) else ""))
    if cls.sensitive:
        key = destination_key(ctx.graph, dst)
        v = key.verdict
        related += [r for r in (key.key, v.at) if r is not None and r is not dst]
        if v.status is FAIL:
            fails.append(v._replace(message=f"it is not encrypted with a customer-managed key ({v.message})"))
        elif v.status is UNKNOWN:
            unknown.append(v._replace(message=f"whether it is encrypted with a customer-managed key is not known "
                                      f"({v.message})"))
    related_t = tuple(dict.fromkeys(r for r in related if r is not dst))
    chosen = fails or unknown
    if chosen:
        message = f"{cls.name} data flows in through {shown}: " + "; ".join(v.message for v in chosen)
        return Result.of(dst, chosen[0]._replace(message=message, related=related_t))
    if cls.level is None:
        return Result(dst, PASS, f"no classified data flows in ({shown})", related=related_t)
    encrypted = " and is encrypted with a customer-managed key" if cls.sensitive else ""
    return Result(dst, PASS, f"{cls.name} data flows in through {shown}; the destination is labelled "
                  f"{LEVELS[cls.own] if cls.own is not None else 'accordingly'}{encrypted}", related=related_t)


def evaluate(ctx: Context) -> Iterator[Result]:
    for dst in _destinations(ctx):
        yield _judge(ctx, dst)


CHECK = Check(
    id="TG702",
    slug="classification-flow",
    title="Data-flow destination is classified and protected like its source",
    severity="high",
    resource_types=("aws_s3_bucket", "aws_db_instance", "aws_db_snapshot", "aws_db_cluster_snapshot",
                    "aws_db_snapshot_copy", "aws_ebs_snapshot", "aws_ebs_snapshot_copy", "aws_backup_vault",
                    "aws_dynamodb_table_replica", "aws_db_instance_automated_backups_replication"),
    rationale="A replica, snapshot or backup holds the same records as its source: labelled lower, or "
    "encrypted with a key you do not control, it becomes the weakest copy of sensitive data.",
    remediation="Tag the destination with at least the classification of its sources and encrypt it with "
    "a customer-managed KMS key.",
    evaluate=evaluate,
    compliance=controls("TG702"),
    references=("https://docs.aws.amazon.com/whitepapers/latest/data-classification/data-classification.html",
                "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#customer-cmk"),
    bad_example=(
        'resource "aws_db_instance" "records" {\n'
        '  identifier        = "records"\n'
        '  engine            = "postgres"\n'
        '  instance_class    = "db.t3.micro"\n'
        '  storage_encrypted = true\n'
        '  tags              = { DataClassification = "restricted" }\n'
        '}\n'
        '\n'
        'resource "aws_db_snapshot" "records" {\n'
        '  db_instance_identifier = aws_db_instance.records.identifier\n'
        '  db_snapshot_identifier = "records"\n'
        '}\n'
        '\n'
        'resource "aws_db_snapshot_copy" "dr" {\n'
        '  source_db_snapshot_identifier = aws_db_snapshot.records.db_snapshot_arn\n'
        '  target_db_snapshot_identifier = "records-dr"\n'
        '}'
    ),
    good_example=(
        'resource "aws_kms_key" "records" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_db_instance" "records" {\n'
        '  identifier        = "records"\n'
        '  engine            = "postgres"\n'
        '  instance_class    = "db.t3.micro"\n'
        '  storage_encrypted = true\n'
        '  kms_key_id        = aws_kms_key.records.arn\n'
        '  tags              = { DataClassification = "restricted" }\n'
        '}\n'
        '\n'
        'resource "aws_db_snapshot" "records" {\n'
        '  db_instance_identifier = aws_db_instance.records.identifier\n'
        '  db_snapshot_identifier = "records"\n'
        '  tags                   = { DataClassification = "restricted" }\n'
        '}\n'
        '\n'
        'resource "aws_db_snapshot_copy" "dr" {\n'
        '  source_db_snapshot_identifier = aws_db_snapshot.records.db_snapshot_arn\n'
        '  target_db_snapshot_identifier = "records-dr"\n'
        '  kms_key_id                    = aws_kms_key.records.arn\n'
        '  tags                          = { DataClassification = "restricted" }\n'
        '}'
    ),
)
