"""Static evaluation: variables, modules, providers, data-source shapes, file functions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.load.loader import load_directory
from tfguard.load.modules import LoadOptions
from tfguard.load.variables import VarInputs
from tfguard.model import Location, Resource, Unknown
from tfguard.run import run
from tfguard.targets import Options


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def load(root: Path, **kw: object) -> tuple[dict[str, Resource], list[tuple[str, int, str]]]:
    resources, diagnostics = load_directory(root, root, LoadOptions(**kw))  # type: ignore[arg-type]
    return {r.address: r for r in resources}, [(d.file, d.line, d.severity) for d in diagnostics]


VAR_KEY = 'variable "desc" {\n  default = "default"\n}\nresource "aws_kms_key" "k" {\n  description = var.desc\n}\n'


def test_variable_precedence(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": VAR_KEY})
    env = {"TF_VAR_desc": "env"}

    def desc(**inputs: object) -> object:
        res, _ = load(tmp_path, inputs=VarInputs(environ=env, **inputs))  # type: ignore[arg-type]
        return res["aws_kms_key.k"].values["description"]

    assert desc() == "env"
    write(tmp_path, {"terraform.tfvars": 'desc = "tfvars"\n'})
    assert desc() == "tfvars"
    write(tmp_path, {"b.auto.tfvars": 'desc = "auto-b"\n', "a.auto.tfvars.json": '{"desc": "auto-a"}'})
    assert desc() == "auto-b"
    extra = write(tmp_path / "vars", {"x.tfvars": 'desc = "file"\n'}) / "x.tfvars"
    assert desc(var_files=(extra,)) == "file"
    assert desc(var_files=(extra,), assignments=("desc=cli",)) == "cli"


def test_command_line_text_of_an_untyped_variable_is_a_string(tmp_path: Path) -> None:
    # terraform plan -var x=true: with no type the value is the string "true"; with
    # type = any (or a collection type) the text is an expression.
    write(tmp_path, {"main.tf": 'variable "plain" {}\nvariable "any" {\n  type = any\n}\n'
                     'resource "aws_sqs_queue" "q" {\n  name = var.plain == true ? "bool" : var.plain\n'
                     '  tags = { any = var.any == true ? "bool" : "other" }\n}\n'})
    res, _ = load(tmp_path, inputs=VarInputs(environ={"TF_VAR_any": "true"}, assignments=("plain=true",)))
    assert res["aws_sqs_queue.q"].values["name"] == "true"
    assert res["aws_sqs_queue.q"].values["tags"] == {"any": "bool"}
    res, _ = load(tmp_path, inputs=VarInputs(environ={"TF_VAR_plain": '["a"]'}, assignments=("any=true",)))
    assert res["aws_sqs_queue.q"].values["name"] == '["a"]'


def test_type_conversion_and_missing_value(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'variable "rotate" {\n  type = bool\n}\nvariable "n" {\n  type = number\n}\n'
                     'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotate\n  deletion_window_in_days = var.n\n}\n'})
    res, _ = load(tmp_path, inputs=VarInputs(environ={"TF_VAR_rotate": "true"}, assignments=("n=7",)))
    assert res["aws_kms_key.k"].values == {"enable_key_rotation": True, "deletion_window_in_days": 7}
    res, _ = load(tmp_path, inputs=VarInputs(environ={}))
    value = res["aws_kms_key.k"].values["enable_key_rotation"]
    assert isinstance(value, Unknown) and value.reason == "var.rotate has no value"


def test_sensitive_values_never_reach_a_report(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'variable "algo" {\n  default   = "SECRET-ALGO"\n  sensitive = true\n}\n'
                     'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
                     'resource "aws_s3_bucket_server_side_encryption_configuration" "s" {\n  bucket = aws_s3_bucket.b.id\n'
                     '  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = var.algo\n    }\n  }\n}\n'})
    report = run([tmp_path], Options(only=frozenset({"TG101", "TG102"})))
    messages = [f.message for f in report.findings]
    assert any("(sensitive)" in m for m in messages)
    assert not any("SECRET-ALGO" in m for m in messages)


MODULE = {
    "modules/bucket/main.tf": 'variable "status" {}\nresource "aws_s3_bucket" "this" {\n  bucket = "b-${var.status}"\n}\n'
    'resource "aws_s3_bucket_versioning" "this" {\n  bucket = aws_s3_bucket.this.id\n'
    '  versioning_configuration {\n    status = var.status\n  }\n}\noutput "id" {\n  value = aws_s3_bucket.this.id\n}\n',
}


def test_module_called_twice_is_checked_per_instance(tmp_path: Path) -> None:
    write(tmp_path, {**MODULE, "main.tf": 'module "good" {\n  source = "./modules/bucket"\n  status = "Enabled"\n}\n'
                     'module "bad" {\n  source = "./modules/bucket"\n  status = "Suspended"\n}\n'})
    report = run([tmp_path], Options(only=frozenset({"TG601"})))
    got = {(f.address, f.status.value, f.location.file if f.location else "") for f in report.findings}
    assert got == {
        ("module.good.aws_s3_bucket.this", "pass", "modules/bucket/main.tf"),
        ("module.bad.aws_s3_bucket.this", "fail", "main.tf"),  # the caller's argument decides
    }
    [bad] = [f for f in report.findings if f.status.value == "fail"]
    assert bad.location is not None and bad.location.start_line == 7  # status = "Suspended" in the caller
    # The status line inside the module stays a related location, beside the bucket.
    assert [(r.address, r.location, r.provenance) for r in bad.related] == [
        ("module.bad.aws_s3_bucket_versioning.this", Location("modules/bucket/main.tf", 8, 8), True),
        ("module.bad.aws_s3_bucket.this", Location("modules/bucket/main.tf", 2, 4), False)]
    assert bad.message.endswith("(set by argument status of module.bad)")


def test_module_count_for_each_and_outputs(tmp_path: Path) -> None:
    write(tmp_path, {**MODULE, "main.tf": 'module "m" {\n  source   = "./modules/bucket"\n  for_each = toset(["Enabled"])\n'
                     '  status   = each.key\n}\nmodule "c" {\n  source = "./modules/bucket"\n  count  = 2\n  status = "Enabled"\n}\n'
                     'resource "aws_s3_bucket_public_access_block" "p" {\n  bucket = module.m["Enabled"].id\n}\n'})
    res, diags = load(tmp_path)
    assert diags == []
    assert sorted(a for a in res if a.endswith("aws_s3_bucket.this")) == [
        "module.c[0].aws_s3_bucket.this", "module.c[1].aws_s3_bucket.this", 'module.m["Enabled"].aws_s3_bucket.this']
    from tfguard.graph import ResourceGraph

    graph = ResourceGraph(res.values())
    assert [t.address for t in graph.targets(res["aws_s3_bucket_public_access_block.p"], via="bucket")] == [
        'module.m["Enabled"].aws_s3_bucket.this']


def test_module_sources_outside_root_remote_and_loops(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", {"main.tf": 'resource "aws_kms_key" "x" {}\n'})
    root = write(tmp_path / "root", {
        "main.tf": 'module "out" {\n  source = "../outside"\n}\nmodule "reg" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n}\n'
                   'module "loop" {\n  source = "./loop"\n}\n',
        "loop/main.tf": 'module "again" {\n  source = "../loop"\n}\nresource "aws_kms_key" "l" {}\n',
    })
    res, diags = load(root)
    assert sorted(res) == ["module.loop.aws_kms_key.l"]
    assert diags == [("main.tf", 2, "error"), ("main.tf", 5, "warning"), ("loop/main.tf", 1, "error")]
    res, _ = load(root, allow_outside_root=True)
    assert "module.out.aws_kms_key.x" in res
    assert outside.is_dir()


def test_installed_remote_module_is_scanned(tmp_path: Path) -> None:
    write(tmp_path, {
        "main.tf": 'module "s3" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n}\n',
        ".terraform/modules/s3/main.tf": 'resource "aws_s3_bucket" "this" {\n  bucket = "x"\n}\n',
        ".terraform/modules/modules.json": json.dumps({"Modules": [
            {"Key": "", "Source": "", "Dir": "."}, {"Key": "s3", "Source": "registry", "Dir": ".terraform/modules/s3"}]}),
    })
    res, diags = load(tmp_path)
    assert sorted(res) == ["module.s3.aws_s3_bucket.this"] and diags == []


def test_providers_regions_aliases_and_default_tags(tmp_path: Path) -> None:
    write(tmp_path, {
        "main.tf": 'provider "aws" {\n  region = "us-east-1"\n  default_tags {\n    tags = { DataClassification = "restricted" }\n  }\n}\n'
                   'provider "aws" {\n  alias  = "west"\n  region = "us-west-2"\n}\n'
                   'resource "aws_kms_key" "w" {\n  provider = aws.west\n}\n'
                   'resource "aws_s3_bucket" "b" {\n  tags = { Team = "x" }\n}\n'
                   'module "m" {\n  source    = "./m"\n  providers = { aws = aws.west }\n}\n',
        "m/main.tf": 'resource "aws_s3_bucket" "in" {}\n',
    })
    res, _ = load(tmp_path)
    assert res["aws_kms_key.w"].region == "us-west-2"
    assert res["aws_s3_bucket.b"].region == "us-east-1"
    assert res["aws_s3_bucket.b"].values["tags_all"] == {"DataClassification": "restricted", "Team": "x"}
    assert res["module.m.aws_s3_bucket.in"].region == "us-west-2"
    assert "tags_all" not in res["module.m.aws_s3_bucket.in"].values


def test_unknown_count_gives_one_instance(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'variable "n" {}\nresource "aws_kms_key" "k" {\n  count = var.n\n}\n'})
    res, _ = load(tmp_path)
    assert list(res) == ["aws_kms_key.k"]


def test_caller_identity_account_root(tmp_path: Path) -> None:
    from tfguard.aws.iam import is_account_root
    from tfguard.load.evaluate import Scope, evaluate
    from tfguard.load.hcl_expr import parse_expression

    value = evaluate(parse_expression('"arn:aws:iam::${data.aws_caller_identity.c.account_id}:root"'), Scope())
    assert isinstance(value, Unknown) and is_account_root(value)
    assert is_account_root("arn:aws:iam::123456789012:root") and is_account_root("123456789012")
    assert not is_account_root("arn:aws:iam::123456789012:role/admin")
    other = evaluate(parse_expression('"arn:aws:iam::${var.x}:root"'), Scope())
    assert not is_account_root(other)


def test_file_functions_stay_inside_the_scan_root(tmp_path: Path) -> None:
    write(tmp_path, {"policy.json": '{"a": 1}', "t.tpl": "hello ${name}",
                     "main.tf": 'resource "aws_kms_key" "k" {\n  policy = file("${path.module}/policy.json")\n'
                     '  description = templatefile("t.tpl", { name = "x" })\n  tags = { p = file("/etc/hostname") }\n}\n'})
    res, _ = load(tmp_path)
    values = res["aws_kms_key.k"].values
    assert values["policy"] == '{"a": 1}' and values["description"] == "hello x"
    assert isinstance(values["tags"]["p"], Unknown)


@pytest.mark.parametrize("sources", ["source_policy_documents", "override_policy_documents"])
def test_policy_document_sources_and_overrides(tmp_path: Path, sources: str) -> None:
    write(tmp_path, {"main.tf": 'data "aws_iam_policy_document" "base" {\n  statement {\n    sid = "S"\n'
                     '    principals {\n      type = "AWS"\n      identifiers = ["*"]\n    }\n    actions = ["kms:*"]\n'
                     '    resources = ["*"]\n  }\n}\n'
                     f'data "aws_iam_policy_document" "p" {{\n  {sources} = [data.aws_iam_policy_document.base.json]\n'
                     '  statement {\n    sid = "S"\n    principals {\n      type = "AWS"\n'
                     '      identifiers = ["arn:aws:iam::123456789012:root"]\n    }\n'
                     '    actions = ["kms:*"]\n    resources = ["*"]\n  }\n}\n'
                     'resource "aws_kms_key" "k" {}\nresource "aws_kms_key_policy" "p" {\n  key_id = aws_kms_key.k.id\n'
                     '  policy = data.aws_iam_policy_document.p.json\n}\n'})
    report = run([tmp_path], Options(only=frozenset({"TG302"})))
    status = {f.address: f.status.value for f in report.findings}
    # A source statement with the same Sid is replaced by the document's own; an override replaces it.
    assert status == {"aws_kms_key_policy.p": "pass" if sources == "source_policy_documents" else "fail"}


def test_optional_object_attribute_defaults(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'variable "cfg" {\n  type = object({\n    rotate = optional(bool, true)\n'
                     '    window = optional(number)\n    name   = string\n  })\n  default = { name = "k", window = "7" }\n}\n'
                     'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.cfg.rotate\n'
                     '  deletion_window_in_days = var.cfg.window\n  description = var.cfg.name\n}\n'})
    res, _ = load(tmp_path)
    assert res["aws_kms_key.k"].values == {"enable_key_rotation": True, "deletion_window_in_days": 7, "description": "k"}


def test_nested_dynamic_blocks_with_iterator(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'locals {\n  rules = [{ algo = "aws:kms", keys = ["a", "b"] }]\n}\n'
                     'resource "aws_s3_bucket_server_side_encryption_configuration" "s" {\n  bucket = "b"\n'
                     '  dynamic "rule" {\n    for_each = local.rules\n    iterator = r\n    content {\n'
                     '      dynamic "apply_server_side_encryption_by_default" {\n        for_each = r.value.keys\n'
                     '        content {\n          sse_algorithm     = r.value.algo\n'
                     '          kms_master_key_id = apply_server_side_encryption_by_default.value\n        }\n      }\n    }\n  }\n}\n'})
    res, _ = load(tmp_path)
    rules = res["aws_s3_bucket_server_side_encryption_configuration.s"].values["rule"]
    assert rules == [{"apply_server_side_encryption_by_default": [
        {"sse_algorithm": "aws:kms", "kms_master_key_id": "a"}, {"sse_algorithm": "aws:kms", "kms_master_key_id": "b"}]}]


def test_policy_document_is_rendered_and_flows_into_modules(tmp_path: Path) -> None:
    write(tmp_path, {
        "main.tf": 'data "aws_iam_policy_document" "p" {\n  statement {\n    sid = "Open"\n    principals {\n'
                   '      type        = "AWS"\n      identifiers = ["*"]\n    }\n    actions   = ["kms:Decrypt"]\n'
                   '    resources = ["*"]\n  }\n}\nmodule "key" {\n  source = "./key"\n'
                   '  policy = data.aws_iam_policy_document.p.json\n}\n',
        "key/main.tf": 'variable "policy" {}\nresource "aws_kms_key" "this" {\n  policy = var.policy\n}\n',
    })
    res, _ = load(tmp_path)
    assert json.loads(res["data.aws_iam_policy_document.p"].values["json"]) == {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Open", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
                       "Principal": {"AWS": "*"}}],
    }
    report = run([tmp_path], Options(only=frozenset({"TG302"})))
    [finding] = report.findings
    assert (finding.address, finding.status.value) == ("module.key.aws_kms_key.this", "fail")
    # The statement to edit lives in the document: the finding points there, the key is related.
    assert finding.location is not None and (finding.location.file, finding.location.start_line) == ("main.tf", 2)
    assert [r.address for r in finding.related] == ["module.key.aws_kms_key.this"]


@pytest.mark.parametrize(("region", "expected"), [
    ("us-east-1", ("aws", "amazonaws.com", "com.amazonaws")),
    ("cn-north-1", ("aws-cn", "amazonaws.com.cn", "cn.com.amazonaws")),
    ("us-gov-west-1", ("aws-us-gov", "amazonaws.com", "com.amazonaws")),
    ("us-isob-east-1", ("aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s")),
])
def test_partition_data_source_is_known_from_the_provider_region(tmp_path: Path, region: str,
                                                                   expected: tuple[str, str, str]) -> None:
    # The values the AWS provider planned for each region (terraform plan, provider 5.100).
    write(tmp_path, {"main.tf": f'provider "aws" {{\n  region = "{region}"\n}}\ndata "aws_partition" "p" {{}}\n'
                     'resource "aws_kms_key" "k" {\n  tags = {\n    p = data.aws_partition.p.partition\n'
                     '    s = data.aws_partition.p.dns_suffix\n    r = data.aws_partition.p.reverse_dns_prefix\n  }\n}\n'})
    res, _ = load(tmp_path)
    tags = res["aws_kms_key.k"].values["tags"]
    assert (tags["p"], tags["s"], tags["r"]) == expected


def test_a_null_argument_that_the_provider_computes_is_unknown_when_read(tmp_path: Path) -> None:
    # terraform plan: default_version (optional, computed) set to null is planned unknown,
    # description (optional only) stays null; so coalesce() over it does not fail.
    (tmp_path / "main.tf").write_text(
        'variable "v" {\n  type    = number\n  default = null\n}\n'
        'resource "aws_launch_template" "t" {\n  default_version = var.v\n  description     = null\n}\n'
        'resource "aws_sns_topic" "t" {\n  tags = {\n'
        '    computed = aws_launch_template.t.default_version == null ? "null" : "not null"\n'
        '    plain    = aws_launch_template.t.description == null ? "null" : "not null"\n'
        '    version  = coalesce(var.v, aws_launch_template.t.default_version)\n  }\n}\n')
    res, diagnostics = load(tmp_path)
    tags = res["aws_sns_topic.t"].values["tags"]
    assert tags["plain"] == "null"
    assert type(tags["computed"]) is Unknown and type(tags["version"]) is Unknown
    assert diagnostics == []
