"""References to resources and data sources: instances and configured arguments as Terraform knows them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import FIXTURES
from tfguard.graph import ResourceGraph
from tfguard.load.loader import load_directory
from tfguard.model import LinkedText, Ref, Resource, Unknown


def load(tmp_path: Path, text: str) -> dict[str, Resource]:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    resources, diagnostics = load_directory(tmp_path, tmp_path)
    assert not diagnostics, diagnostics
    return {r.address: r for r in resources}


def value(res: dict[str, Resource], address: str, attr: str) -> Any:
    return res[address].values[attr]


KEYS = """
resource "aws_kms_key" "none" {
  count = 0
}
resource "aws_kms_key" "two" {
  count               = 2
  enable_key_rotation = "true"
}
resource "aws_kms_key" "each" {
  for_each    = toset(["a", "b"])
  description = "key ${each.key}"
}
"""


def test_count_zero_is_an_empty_collection(tmp_path: Path) -> None:
    res = load(tmp_path, KEYS + """
resource "aws_sqs_queue" "q" {
  name                       = length(aws_kms_key.none)
  kms_master_key_id          = try(aws_kms_key.none[0].arn, null)
  delay_seconds              = length(aws_kms_key.two)
  visibility_timeout_seconds = length(aws_kms_key.none[*].arn)
  tags                       = { for k, v in aws_kms_key.each : k => v.description }
}
""")
    q = res["aws_sqs_queue.q"].values
    assert q == {"name": "0", "kms_master_key_id": None, "delay_seconds": 2, "visibility_timeout_seconds": 0,
                 "tags": {"a": "key a", "b": "key b"}, "tags_all": {"a": "key a", "b": "key b"}}


def test_computed_attributes_are_unknown_and_keep_their_instance(tmp_path: Path) -> None:
    res = load(tmp_path, KEYS + """
resource "aws_sqs_queue" "q" {
  kms_master_key_id = aws_kms_key.two[1].arn
  policy            = aws_kms_key.each["b"].key_id
  tags              = { rotation = aws_kms_key.two[0].enable_key_rotation }
}
""")
    arn = value(res, "aws_sqs_queue.q", "kms_master_key_id")
    assert isinstance(arn, Unknown) and arn.reason == "aws_kms_key.two[1].arn is known only after apply"
    assert arn.refs == ("aws_kms_key.two[1]",)
    key_id = value(res, "aws_sqs_queue.q", "policy")
    assert isinstance(key_id, Unknown) and key_id.refs == ('aws_kms_key.each["b"]',)
    assert value(res, "aws_sqs_queue.q", "tags") == {"rotation": "true"}
    graph = ResourceGraph(res.values())
    assert [r.address for r in graph.targets(res["aws_sqs_queue.q"], via="kms_master_key_id")] == ["aws_kms_key.two[1]"]


def test_configured_arguments_are_known_and_still_link(tmp_path: Path) -> None:
    res = load(tmp_path, """
resource "aws_s3_bucket" "b" {
  bucket = "acme-logs"
}
resource "aws_s3_bucket_acl" "b" {
  bucket = aws_s3_bucket.b.id
  acl    = "private"
}
locals {
  name = aws_s3_bucket.b.bucket
}
resource "aws_s3_bucket_policy" "p" {
  bucket = local.name
  policy = aws_s3_bucket_acl.b.acl == "private" ? "private" : "shared"
}
resource "aws_sqs_queue" "q" {
  name          = aws_s3_bucket.b.bucket_prefix
  tags          = aws_s3_bucket.b.tags
  delay_seconds = aws_s3_bucket.b.force_destroy ? 1 : 0
}
""")
    policy = res["aws_s3_bucket_policy.p"]
    assert policy.values == {"bucket": "acme-logs", "policy": "private"}
    assert Ref("bucket", "aws_s3_bucket.b") in policy.refs  # read through a local
    assert Ref("policy", "aws_s3_bucket_acl.b") in policy.refs
    graph = ResourceGraph(res.values())
    assert [r.address for r in graph.targets(policy, via="bucket")] == ["aws_s3_bucket.b"]
    q = res["aws_sqs_queue.q"].values
    prefix = q["name"]  # optional and computed by the provider when not set
    assert isinstance(prefix, Unknown) and prefix.reason == "aws_s3_bucket.b.bucket_prefix is known only after apply"
    assert q["tags"] is None  # a map the provider never fills
    assert q["delay_seconds"] == 0  # force_destroy is unset: the provider's default, false


def test_unknown_count_keeps_the_old_unknown(tmp_path: Path) -> None:
    res = load(tmp_path, """
variable "n" {
  type = number
}
resource "aws_kms_key" "k" {
  count = var.n
}
resource "aws_sqs_queue" "q" {
  kms_master_key_id = aws_kms_key.k[0].arn
  name              = length(aws_kms_key.k)
}
""")
    arn = value(res, "aws_sqs_queue.q", "kms_master_key_id")
    assert isinstance(arn, Unknown) and arn.refs == ("aws_kms_key.k[0]",)
    assert isinstance(value(res, "aws_sqs_queue.q", "name"), Unknown)


def test_data_source_shapes_and_policy_documents(tmp_path: Path) -> None:
    res = load(tmp_path, """
data "aws_caller_identity" "current" {}
data "aws_iam_policy_document" "none" {
  count = 0
}
data "aws_iam_policy_document" "one" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
  }
}
resource "aws_sqs_queue" "q" {
  name   = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"
  tags   = { n = length(data.aws_iam_policy_document.none[*].json) }
  policy = data.aws_iam_policy_document.one.json
}
""")
    q = res["aws_sqs_queue.q"].values
    assert isinstance(q["name"], Unknown) and q["name"].partial == "arn:aws:iam::{account_id}:root"
    assert q["tags"] == {"n": "0"}
    # A wholly known document is its JSON text, as the provider renders it while
    # planning, still naming the document it came from (the graph links the queue to it).
    policy = q["policy"]
    assert isinstance(policy, LinkedText) and policy.refs == ("data.aws_iam_policy_document.one",)
    assert policy == '{"Statement":[{"Action":"kms:*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}'
    assert ("policy", "data.aws_iam_policy_document.one") in {(r.attr, r.target) for r in res["aws_sqs_queue.q"].refs}


def test_value_cycles_and_long_chains(tmp_path: Path) -> None:
    chain = "".join(f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "${{aws_s3_bucket.b{i - 1}.bucket}}-x"\n}}\n'
                    for i in range(80, 0, -1))
    res = load(tmp_path, chain + """
resource "aws_s3_bucket" "b0" {
  bucket = "b"
}
resource "aws_s3_bucket" "c1" {
  bucket = aws_s3_bucket.c2.bucket
}
resource "aws_s3_bucket" "c2" {
  bucket     = aws_s3_bucket.c1.bucket
  depends_on = [aws_s3_bucket.c1]
}
""")
    assert value(res, "aws_s3_bucket.b80", "bucket") == "b" + "-x" * 80
    cyclic = value(res, "aws_s3_bucket.c2", "bucket")
    assert isinstance(cyclic, Unknown) and cyclic.reason == "aws_s3_bucket.c2 depends on itself"


def test_fixture_values_agree_with_the_plan() -> None:
    case = FIXTURES / "eval" / "count_zero_key"
    resources, _ = load_directory(case, case)
    plan = json.loads((case / "plan.json").read_text(encoding="utf-8"))
    after = {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}
    hcl = {r.address: r.values for r in resources}
    assert set(hcl) == set(after)
    for queue in ("aws_sqs_queue.no_key", "aws_sqs_queue.by_length", "aws_sqs_queue.by_one"):
        assert hcl[queue]["kms_master_key_id"] is None and after[queue]["kms_master_key_id"] is None
