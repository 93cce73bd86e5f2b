"""TG154 stream-and-queue-encrypted.

Reading, per resource type:
- `aws_kinesis_stream`: PASS when `encryption_type` is `KMS`; unset (the
  provider's `NONE`) or `NONE` fails.
- `aws_sqs_queue`: PASS when `kms_master_key_id` is set (any key, the
  AWS-managed `alias/aws/sqs` included) or `sqs_managed_sse_enabled = true`;
  FAIL when neither is stated (unset means unset, although AWS now applies
  SSE-SQS to new queues by default).
- `aws_sns_topic`: PASS when `kms_master_key_id` is set (any key), else FAIL.
A key that references an object of the configuration is set even when its
value is known only after apply; a deciding value that is not known statically
is UNKNOWN. This check asks for encryption, not for a customer-managed key.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.stores import is_set
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, is_unknown
from tfguard.truth import setting


def _kinesis(res: Resource) -> Result:
    kind = res.values.get("encryption_type")
    if is_unknown(kind):
        return Result(res, UNKNOWN, "encryption_type is not known statically", attribute="encryption_type")
    if isinstance(kind, str) and kind.upper() == "KMS":
        return Result(res, PASS, "the stream is encrypted with KMS", attribute="encryption_type")
    shown = kind if isinstance(kind, str) and kind else "not set"
    return Result(res, FAIL, f"encryption_type is {shown}, not KMS: records are stored unencrypted",
                  attribute="encryption_type")


def _sqs(ctx: Context, res: Resource) -> Result:
    key = is_set(ctx.graph, res, "kms_master_key_id")
    managed = setting(res.values.get("sqs_managed_sse_enabled"))
    if key:
        return Result(res, PASS, "the queue is encrypted with KMS (kms_master_key_id)", attribute="kms_master_key_id")
    if managed is True:
        return Result(res, PASS, "the queue is encrypted with SSE-SQS", attribute="sqs_managed_sse_enabled")
    if key is None:
        return Result(res, UNKNOWN, "kms_master_key_id is not known statically", attribute="kms_master_key_id")
    if is_unknown(managed):
        return Result(res, UNKNOWN, "sqs_managed_sse_enabled is not known statically", attribute="sqs_managed_sse_enabled")
    attr = "sqs_managed_sse_enabled" if managed is False else "kms_master_key_id"
    return Result(res, FAIL, "the queue sets neither kms_master_key_id nor sqs_managed_sse_enabled = true",
                  attribute=attr)


def _sns(ctx: Context, res: Resource) -> Result:
    key = is_set(ctx.graph, res, "kms_master_key_id")
    if key:
        return Result(res, PASS, "the topic is encrypted with KMS", attribute="kms_master_key_id")
    if key is None:
        return Result(res, UNKNOWN, "kms_master_key_id is not known statically", attribute="kms_master_key_id")
    return Result(res, FAIL, "no kms_master_key_id: messages are stored unencrypted", attribute="kms_master_key_id")


def evaluate(ctx: Context) -> Iterator[Result]:
    for stream in ctx.graph.of_type("aws_kinesis_stream"):
        yield _kinesis(stream)
    for queue in ctx.graph.of_type("aws_sqs_queue"):
        yield _sqs(ctx, queue)
    for topic in ctx.graph.of_type("aws_sns_topic"):
        yield _sns(ctx, topic)


CHECK = Check(
    id="TG154",
    slug="stream-and-queue-encrypted",
    title="Kinesis streams, SQS queues and SNS topics are encrypted at rest",
    severity="medium",
    resource_types=("aws_kinesis_stream", "aws_sqs_queue", "aws_sns_topic"),
    rationale="Messages and records in flight between services carry the same data as the stores they come "
    "from, and stay on disk for hours to days; unencrypted, they are the weak copy.",
    remediation="Kinesis: encryption_type = \"KMS\" with kms_key_id. SQS: kms_master_key_id (or "
    "sqs_managed_sse_enabled = true). SNS: kms_master_key_id.",
    evaluate=evaluate,
    compliance=controls("TG154"),
    references=(
        "https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html",
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html",
        "https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html",
    ),
    bad_example='resource "aws_sqs_queue" "orders" {\n  name = "orders"\n}\n\n'
    'resource "aws_sns_topic" "alerts" {\n  name = "alerts"\n}',
    good_example=(
        'resource "aws_kms_key" "messaging" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_sqs_queue" "orders" {\n'
        '  name              = "orders"\n'
        '  kms_master_key_id = aws_kms_key.messaging.arn\n'
        '}\n'
        '\n'
        'resource "aws_sns_topic" "alerts" {\n'
        '  name              = "alerts"\n'
        '  kms_master_key_id = aws_kms_key.messaging.arn\n'
        '}'
    ),
)
