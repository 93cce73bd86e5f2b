"""Checks declared by shape (tfguard.declare): what each shape says about one resource."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfguard.check import Check, Context, Evaluate
from tfguard.cli import main
from tfguard.declare import customer_managed_key, each, flags_on, judged_by
from tfguard.engine import load_checks, run_checks
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, Unknown, Verdict

KEY = Resource("aws_kms_key.k", "aws_kms_key", "k", values={"arn": Unknown("aws_kms_key.k.arn")})


def _results(evaluate: Evaluate, values: dict[str, Any], rtype: str = "aws_backup_vault") -> list[tuple[str, str, str]]:
    subject = Resource(f"{rtype}.s", rtype, "s", values=values)
    check = Check(id="TG999", slug="probe", title="t", severity="low", resource_types=(rtype,), rationale="r",
                  remediation="f", evaluate=evaluate)
    findings = run_checks([check], Context(ResourceGraph([subject, KEY])))
    return [(f.status.name, f.attribute, f.message) for f in findings]


VAULT = customer_managed_key("kms_key_arn", unset="the vault uses the AWS-managed aws/backup key")
TRAIL = customer_managed_key("kms_key_id", protects="trail log files")


@pytest.mark.parametrize(("evaluate", "value", "expected"), [
    (VAULT, None, ("FAIL", "kms_key_arn", "no kms_key_arn: the vault uses the AWS-managed aws/backup key")),
    (VAULT, "", ("FAIL", "kms_key_arn", "no kms_key_arn: the vault uses the AWS-managed aws/backup key")),
    (VAULT, "alias/aws/backup", ("FAIL", "kms_key_arn", "alias/aws/backup is an AWS-managed key")),
    (VAULT, "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
     ("PASS", "kms_key_arn", "uses customer-managed key "
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")),
    (VAULT, Unknown("var.key"), ("UNKNOWN", "kms_key_arn", "kms_key_arn is not known statically: var.key")),
    (TRAIL, None, ("FAIL", "kms_key_id", "trail log files: no customer-managed key is set")),
    (TRAIL, "alias/aws/cloudtrail", ("FAIL", "kms_key_id", "trail log files: alias/aws/cloudtrail is an AWS-managed key")),
], ids=["vault-null", "vault-empty", "vault-aws-alias", "vault-arn", "vault-unknown", "trail-null", "trail-aws-alias"])
def test_customer_managed_key(evaluate: Evaluate, value: Any, expected: tuple[str, str, str]) -> None:
    attr = expected[1]
    values = {} if value is None else {attr: value}
    rtype = "aws_backup_vault" if attr == "kms_key_arn" else "aws_cloudtrail"
    assert _results(evaluate, values, rtype) == [expected]


ON = flags_on("encrypt_at_rest.enabled", "node_to_node_encryption.enabled")


@pytest.mark.parametrize(("evaluate", "values", "expected"), [
    (flags_on("encrypted"), {"encrypted": True}, ("PASS", "encrypted", "encrypted is true")),
    (flags_on("encrypted"), {"encrypted": "false"}, ("FAIL", "encrypted", "encrypted is false")),
    (flags_on("encrypted"), {}, ("FAIL", "encrypted", "encrypted is not set")),
    (ON, {"encrypt_at_rest": [{"enabled": True}], "node_to_node_encryption": [{"enabled": True}]},
     ("PASS", "", "encrypt_at_rest.enabled is true and node_to_node_encryption.enabled is true")),
    (ON, {"encrypt_at_rest": [{"enabled": Unknown("var.on")}]},
     ("FAIL", "node_to_node_encryption.enabled", "node_to_node_encryption.enabled is not set")),
], ids=["one-on", "one-string-false", "one-unset", "two-on", "fail-before-unknown"])
def test_flags_on(evaluate: Evaluate, values: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert _results(evaluate, values, "aws_efs_file_system") == [expected]


def test_flags_on_needs_a_flag() -> None:
    with pytest.raises(ValueError, match="at least one"):
        flags_on()


def test_each_judges_every_subject_once() -> None:
    from tfguard.check import Result

    def judge(ctx: Context, res: Resource) -> Result:
        return Result(res, Status.PASS, f"judged {res.name} among {len(ctx.graph.resources)}")

    assert _results(each(judge), {}) == [("PASS", "", "judged s among 2")]


def test_judged_by_gives_each_subject_its_verdict() -> None:
    def verdict(graph: ResourceGraph, res: Resource) -> Verdict:
        return Verdict(Status.FAIL, f"{res.name} of {len(graph.resources)}", "kms_key_id", at=KEY, related=(KEY,))

    assert _results(judged_by(verdict), {}) == [("FAIL", "kms_key_id", "s of 2")]


@pytest.mark.parametrize("cid", ["TG110", "TG112", "TG130", "TG140", "TG141", "TG150", "TG152", "TG153", "TG155", "TG211",
                                 "TG212", "TG220", "TG222", "TG230", "TG240", "TG241", "TG403", "TG502", "TG601", "TG604",
                                 "TG605", "TG701"])
def test_declared_checks_document_themselves(cid: str) -> None:
    """The documentation of a declared check is its module's reading, not tfguard.declare's docstring."""
    import ast

    from tfguard.docs import what_it_does
    from tfguard.engine import builtin_checks_dir

    [check] = [c for c in load_checks() if c.id == cid]
    assert check.evaluate.__module__ == "tfguard.declare"
    [path] = builtin_checks_dir().glob(f"{cid.lower()}_*.py")
    reading = (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").split("Reading:", 1)[1].strip()
    assert what_it_does(check) == reading[:1].upper() + reading[1:]


def test_a_user_check_is_a_declaration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checks, tf = tmp_path / "checks", tmp_path / "tf"
    checks.mkdir()
    tf.mkdir()
    (tf / "main.tf").write_text('resource "aws_efs_file_system" "on" {\n  encrypted = true\n}\n\n'
                                'resource "aws_efs_file_system" "off" {\n  creation_token = "off"\n}\n', encoding="utf-8")
    (checks / "efs.py").write_text(
        '"""TG950 efs-flag.\n\nReading: the file system states encrypted = true."""\n'
        "from tfguard.check import Check\n"
        "from tfguard.declare import flags_on\n"
        "CHECK = Check(id='TG950', slug='efs-flag', title='EFS flag', severity='low',\n"
        "              resource_types=('aws_efs_file_system',), rationale='r', remediation='f',\n"
        "              evaluate=flags_on('encrypted'))\n", encoding="utf-8")
    argv = ["--checks-dir", str(checks)]
    assert main(["check", str(tf), *argv, "--checks", "TG950", "--format", "json", "--include-passed"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert sorted((f["id"], f["resource"], f["status"], f["message"]) for f in doc["findings"]) == [
        ("TG950", "aws_efs_file_system.off", "fail", "encrypted is not set"),
        ("TG950", "aws_efs_file_system.on", "pass", "encrypted is true"),
    ]
    assert main(["explain", "TG950", *argv]) == 0
    assert "The file system states encrypted = true." in capsys.readouterr().out
