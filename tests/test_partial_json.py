"""Policy text with interpolations: JSON with only the interpolated leaves unknown,
a known empty policy, and principals that cannot be public."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfguard import partial_json
from tfguard.aws.iam import could_be_anyone, literal_text
from tfguard.aws.iam_documents import parse_policy_text
from tfguard.model import Unknown
from tfguard.run import run
from tfguard.targets import Options


def hole(reason: str = "var.x has no value", refs: tuple[str, ...] = (), **kw: object) -> Unknown:
    return Unknown(reason, refs, **kw)  # type: ignore[arg-type]


def template(*parts: object) -> Unknown:
    return Unknown("template", (), partial="", parts=tuple(parts))


def test_hole_inside_a_string_is_a_partly_known_leaf() -> None:
    arn = hole("aws_s3_bucket.b.arn is known only after apply", ("aws_s3_bucket.b",))
    doc = partial_json.parse(template('{"Resource": ["', arn, '/*", "x\\u0041"], "N": 1}'))
    assert isinstance(doc, dict) and doc["N"] == 1 and doc["Resource"][1] == "xA"
    leaf = doc["Resource"][0]
    assert isinstance(leaf, Unknown)
    assert leaf.parts == (arn, "/*") and leaf.partial == "{?}/*" and leaf.refs == ("aws_s3_bucket.b",)
    assert literal_text(leaf) == "/*"


def test_a_string_that_is_one_hole_is_that_value() -> None:
    account = hole("account", shape="account_id")
    doc = partial_json.parse(template('{"A": "', account, '"}'))
    assert isinstance(doc, dict) and doc["A"] is account


def test_hole_in_value_position_keeps_jsonencode_structure() -> None:
    role = hole("aws_iam_role.r.arn", ("aws_iam_role.r",), shape="principal")
    encoded = hole("encoded", partial={"AWS": [role]})
    opaque = hole("local.arns")
    doc = partial_json.parse(template('{"Principal": ', encoded, ', "Resource": ', opaque, "}"))
    assert isinstance(doc, dict) and doc["Principal"] == {"AWS": [role]}
    resource = doc["Resource"]
    assert isinstance(resource, Unknown) and resource.refs == () and resource.parts is None


def test_marker_text_in_the_literal_text_is_only_text() -> None:
    doc = partial_json.parse(template('{"A": "{?}", "B": "', hole(), '{?}"}'))
    assert isinstance(doc, dict) and doc["A"] == "{?}"
    assert literal_text(doc["B"]) == "{?}" and could_be_anyone(doc["B"]) is False


def test_nested_templates_are_spliced_in() -> None:
    inner = template("arn:aws:s3:::", hole("var.bucket"))
    doc = partial_json.parse(template('{"Resource": "', inner, '/*"}'))
    assert isinstance(doc, dict) and literal_text(doc["Resource"]) == "arn:aws:s3:::/*"


@pytest.mark.parametrize("parts", [
    ('{"A": ', hole(), ' "x"}'),  # text after a value
    ('{"A": "\\', hole(), '"}'),  # an escape cut by an interpolation
    ('{"A": NaN, "B": "', hole(), '"}'),
    ('{"A": "', hole()),  # unterminated
])
def test_text_that_is_not_json_is_unknown(parts: tuple[object, ...]) -> None:
    doc = partial_json.parse(template(*parts))
    assert isinstance(doc, Unknown) and "not JSON" in doc.reason


def test_interpolated_keys_and_members_make_the_object_unknown() -> None:
    doc = partial_json.parse(template('{"Statement": [{"Effect": "Allow", ', hole(), '}], "', hole(), '": 1}'))
    assert isinstance(doc, Unknown) and doc.reason == "an object key is not known statically"
    statements = parse_policy_text(template('{"Statement": [{"Effect": "Allow", ', hole(), "}]}"))
    assert isinstance(statements, Unknown) and statements.reason == "an interpolation adds object members"


@pytest.mark.parametrize(("ident", "expected"), [
    ("*", True),
    ("arn:aws:iam::123456789012:root", False),
    (hole(), None),  # a wholly unknown variable could be "*"
    (template(hole()), None),
    (template(hole(), "*"), None),
    (template("arn:aws:iam::", hole(), ":root"), False),
    (template("arn:aws:iam::", hole(), ":role/admin"), False),
    (hole("acct", shape="account_id"), False),
    (hole("aws_iam_role.r.arn", ("aws_iam_role.r",), shape="principal"), False),
    (Unknown("legacy", partial="arn:aws:iam::{?}:user/x"), False),
])
def test_principals_that_cannot_be_public(ident: object, expected: bool | None) -> None:
    assert could_be_anyone(ident) is expected


def findings(root: Path, files: dict[str, str], checks: str) -> set[tuple[str, str, str]]:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    report = run([root], Options(only=frozenset(checks.split(","))))
    return {(f.check_id, f.address, f.status.value.upper()) for f in report.findings}


HEREDOC_KEY = '''
data "aws_caller_identity" "current" {}
resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = "{}"
}
resource "aws_kms_key" "k" {
  policy = <<POLICY
{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": [
      "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root",
      "${data.aws_caller_identity.current.arn}",
      "${aws_iam_role.admin.arn}",
      ${jsonencode(PRINCIPAL)}
    ]},
    "Action": "kms:Decrypt",
    "Resource": "*"
  }]
}
POLICY
}
'''


@pytest.mark.parametrize(("principal", "status"), [
    ('"arn:aws:iam::${data.aws_caller_identity.current.account_id}:user/ops"', "PASS"),
    ("aws_iam_role.admin.arn", "PASS"),
    ('"*"', "FAIL"),
    ("var.anyone", "UNKNOWN"),
])
def test_heredoc_key_policy_principals(tmp_path: Path, principal: str, status: str) -> None:
    files = {"main.tf": HEREDOC_KEY.replace("PRINCIPAL", principal), "vars.tf": 'variable "anyone" {}\n'}
    assert findings(tmp_path, files, "TG302") == {("TG302", "aws_kms_key.k", status)}


def test_policy_document_principals(tmp_path: Path) -> None:
    files = {"main.tf": '''
data "aws_caller_identity" "current" {}
resource "aws_iam_user" "u" {
  name = "u"
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root", aws_iam_user.u.arn]
    }
  }
}
resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.d.json
}
'''}
    assert findings(tmp_path, files, "TG302") == {("TG302", "aws_kms_key.k", "PASS")}


def test_known_empty_policy_is_no_policy(tmp_path: Path) -> None:
    files = {"main.tf": '''
resource "aws_kms_key" "k" {
  policy = ""
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = ""
}
'''}
    assert findings(tmp_path, files, "TG302,TG303,TG404") == {
        ("TG302", "aws_kms_key.k", "PASS"), ("TG303", "aws_kms_key.k", "PASS"),
        ("TG404", "aws_s3_bucket_policy.p", "PASS")}


PUBLIC_WITH_CONDITION = '''
data "aws_caller_identity" "current" {}
variable "condition" {}
resource "aws_kms_key" "k" {
  policy = <<POLICY
{
  "Statement": [{
    "Effect": "Allow",
    "Principal": "*",
    "Action": "kms:Decrypt",
    "Resource": "*",
    "Condition": CONDITION
  }]
}
POLICY
}
'''


@pytest.mark.parametrize(("condition", "status"), [
    ('{"StringEquals": {"kms:CallerAccount": "${data.aws_caller_identity.current.account_id}"}}', "PASS"),
    ("${jsonencode(var.condition)}", "UNKNOWN"),  # it may restrict the caller
    ('{"StringEquals": ${jsonencode(var.condition)}}', "UNKNOWN"),
    ('{"StringEquals": {"aws:RequestedRegion": "${data.aws_caller_identity.current.id}"}}', "FAIL"),
])
def test_public_principal_with_interpolated_condition(tmp_path: Path, condition: str, status: str) -> None:
    files = {"main.tf": PUBLIC_WITH_CONDITION.replace("CONDITION", condition)}
    assert findings(tmp_path, files, "TG302") == {("TG302", "aws_kms_key.k", status)}


def test_kms_star_to_a_role_arn_is_not_the_root(tmp_path: Path) -> None:
    files = {"main.tf": '''
resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = "{}"
}
resource "aws_kms_key" "k" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.admin.arn }, Action = "kms:*", Resource = "*" }]
  })
}
'''}
    assert findings(tmp_path, files, "TG302,TG303") == {
        ("TG302", "aws_kms_key.k", "PASS"), ("TG303", "aws_kms_key.k", "FAIL")}


@pytest.mark.parametrize(("references", "shape"), [
    (["aws_iam_role.a.arn", "aws_iam_role.a"], "principal"),
    (["data.aws_iam_user.u[0].arn", "data.aws_iam_user.u[0]", "data.aws_iam_user.u"], "principal"),
    (["data.aws_caller_identity.c.account_id", "data.aws_caller_identity.c"], "account"),
    (["aws_iam_role.a.arn", "aws_iam_role.a", "aws_s3_bucket.b.arn", "aws_s3_bucket.b"], ""),
    (["aws_iam_role.a.name", "aws_iam_role.a"], ""),
    (["module.m.role_arn", "module.m"], ""),
])
def test_plan_values_built_from_identities(references: list[str], shape: str) -> None:
    from tfguard.load.plan_config import identity_shape

    assert identity_shape({"references": references}) == shape
    assert identity_shape({"constant_value": "*"}) == ""


def test_compact_keeps_policy_documents(tmp_path: Path) -> None:
    files = {"main.tf": '''
variable "tls" {
  default = true
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
data "aws_iam_policy_document" "public" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
data "aws_iam_policy_document" "combined" {
  source_policy_documents = compact([data.aws_iam_policy_document.public.json, var.tls ? "" : "x"])
}
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.combined.json
}
'''}
    assert findings(tmp_path, files, "TG404") == {("TG404", "aws_s3_bucket_policy.p", "FAIL")}


def test_a_grant_to_the_caller_identity_names_it(tmp_path: Path) -> None:
    """TG303 FAILs kms:* granted to the caller's ARN (one identity, not the root) and says who."""
    from tfguard.run import run
    from tfguard.targets import Options

    (tmp_path / "main.tf").write_text(
        'data "aws_caller_identity" "current" {}\n'
        'resource "aws_kms_key" "k" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n'
        '    Statement = [{ Sid = "Owners", Effect = "Allow", Action = "kms:*", Resource = "*",\n'
        '      Principal = { AWS = data.aws_caller_identity.current.arn } }]\n  })\n}\n', encoding="utf-8")
    [finding] = [f for f in run([tmp_path], Options(only=frozenset({"TG303"}))).findings]
    assert (finding.check_id, finding.address, finding.status.value) == ("TG303", "aws_kms_key.k", "fail")
    assert finding.message == ("statement 'Owners' grants kms:* to AWS principal data.aws_caller_identity.current.arn "
                               "(one IAM role, user or caller identity), not only the account root")
