"""Provenance: a module finding whose value the caller set points where the user edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.test_evaluation import write
from tfguard.cli import main
from tfguard.model import Finding, Location, Status
from tfguard.run import run
from tfguard.targets import Options

EVAL = FIXTURES / "eval"


def findings(root: Path, check: str, **kw: object) -> dict[str, Finding]:
    report = run([root], Options(only=frozenset({check}), **kw))  # type: ignore[arg-type]
    return {f.address: f for f in report.findings}


def places(f: Finding) -> list[tuple[str, Location | None, str, bool]]:
    return [(r.address, r.location, r.message, r.provenance) for r in f.related]


def test_caller_argument_is_the_primary_location(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EVAL / "provenance_argument")
    got = findings(Path("."), "TG110")
    bad = got["module.orders.aws_db_instance.this"]
    assert bad.status is Status.FAIL
    assert bad.location == Location("main.tf", 6, 6)  # storage_encrypted = false in module "orders"
    assert bad.message == "storage_encrypted is false (set by argument storage_encrypted of module.orders)"
    assert places(bad) == [("module.orders.aws_db_instance.this", Location("modules/db/main.tf", 18, 18),
                            "storage_encrypted", True)]
    # A passing instance of the same module points at the caller too, with the same evidence.
    good = got["module.ledger.aws_db_instance.this"]
    assert good.status is Status.PASS and good.location == Location("main.tf", 13, 13)


def test_fingerprint_does_not_follow_the_primary_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The fingerprint names check, address and attribute; moving the location keeps it."""
    monkeypatch.chdir(EVAL / "provenance_argument")
    moved = findings(Path("."), "TG110")["module.orders.aws_db_instance.this"]
    module = (EVAL / "provenance_argument" / "modules" / "db" / "main.tf").read_text(encoding="utf-8")
    write(tmp_path, {"modules/db/main.tf": module.replace("var.storage_encrypted", "false"),
                     "main.tf": 'module "orders" {\n  source     = "./modules/db"\n  identifier = "orders"\n}\n'})
    monkeypatch.chdir(tmp_path)
    inside = findings(Path("."), "TG110")["module.orders.aws_db_instance.this"]
    assert inside.location == Location("modules/db/main.tf", 18, 18) and inside.related == ()
    assert inside.fingerprint == moved.fingerprint


def test_tfvars_value_is_the_primary_location(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EVAL / "provenance_tfvars")
    [bad] = findings(Path("."), "TG601").values()
    assert (bad.address, bad.status) == ("module.logs.aws_s3_bucket.this", Status.FAIL)
    assert bad.location == Location("terraform.tfvars", 2, 2)
    assert bad.message == ("the linked versioning configuration does not enable versioning "
                           "(set by var.versioning in terraform.tfvars)")
    assert places(bad) == [
        ("module.logs.aws_s3_bucket_versioning.this", Location("modules/bucket/main.tf", 18, 18),
         "versioning_configuration.status", True),
        ("module.logs", Location("main.tf", 9, 9), "argument versioning of module.logs", True),
        ("module.logs.aws_s3_bucket.this", Location("modules/bucket/main.tf", 10, 12), "aws_s3_bucket", False),
    ]


def test_command_line_value_is_named_but_is_no_location(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EVAL / "provenance_tfvars")
    [bad] = findings(Path("."), "TG601", variables=("versioning=Disabled",)).values()
    assert bad.location == Location("main.tf", 9, 9)  # the root's argument: the flag has no line
    assert bad.message.endswith("(set by --var versioning)")
    assert [r.location for r in bad.related if r.provenance] == [Location("modules/bucket/main.tf", 18, 18)]


def test_two_modules_deep_through_a_local_and_a_condition(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EVAL / "provenance_nested")
    got = findings(Path("."), "TG110")
    bad = got["module.app.module.store.aws_db_instance.this"]
    assert bad.location == Location("main.tf", 6, 6)  # encrypted = false in module "app"
    assert bad.message == "storage_encrypted is false (set by argument encrypted of module.app)"
    assert places(bad) == [
        ("module.app.module.store.aws_db_instance.this", Location("modules/store/main.tf", 23, 23),
         "storage_encrypted", True),
        ("module.app.module.store", Location("modules/app/main.tf", 18, 18),
         "argument encrypted of module.app.module.store", True),
    ]
    # modules/app's own default passes through: nobody outside set it, the module line stays;
    # the default's line is provenance too (a commit that changes it changes the finding).
    default = got["module.reports.module.store.aws_db_instance.this"]
    assert default.location == Location("modules/store/main.tf", 23, 23)
    assert default.message == "storage_encrypted is false"
    assert places(default) == [
        ("module.reports.module.store", Location("modules/app/main.tf", 18, 18),
         "argument encrypted of module.reports.module.store", True),
        ("module.reports", Location("modules/app/main.tf", 7, 7), "the default of var.encrypted in module.reports", True)]


INSTALLED = {
    ".terraform/modules/modules.json": json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "db", "Source": "registry.example/db/aws", "Dir": ".terraform/modules/db"},
        {"Key": "db.inner", "Source": "./inner", "Dir": ".terraform/modules/db/inner"}]}),
    ".terraform/modules/db/main.tf": 'variable "encrypted" {\n  default = true\n}\nvariable "retention" {\n  default = 1\n}\n'
    'module "inner" {\n  source    = "./inner"\n  encrypted = var.encrypted\n  retention = var.retention\n}\n',
    ".terraform/modules/db/inner/main.tf": 'variable "encrypted" {}\nvariable "retention" {}\n'
    'resource "aws_db_instance" "this" {\n  instance_class          = "db.t3.micro"\n'
    '  storage_encrypted       = var.encrypted\n  backup_retention_period = var.retention\n}\n',
}


def test_installed_module_is_never_the_primary_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {**INSTALLED, "main.tf": 'module "db" {\n  source    = "registry.example/db/aws"\n'
                     '  encrypted = false\n}\n'})
    monkeypatch.chdir(tmp_path)
    address = "module.db.module.inner.aws_db_instance.this"
    bad = findings(Path("."), "TG110")[address]
    assert bad.location == Location("main.tf", 3, 3)  # the caller's argument
    assert [r.location for r in bad.related] == [
        Location(".terraform/modules/db/inner/main.tf", 5, 5), Location(".terraform/modules/db/main.tf", 9, 9)]
    # Not set by the caller (the installed module's default): the root's module call.
    short = findings(Path("."), "TG607")[address]
    assert short.status is Status.FAIL and short.location == Location("main.tf", 1, 4)
    assert places(short) == [
        (address, Location(".terraform/modules/db/inner/main.tf", 6, 6), "backup_retention_period", True),
        ("module.db.module.inner", Location(".terraform/modules/db/main.tf", 10, 10),
         "argument retention of module.db.module.inner", True),
        ("module.db", Location(".terraform/modules/db/main.tf", 5, 5), "the default of var.retention in module.db", True),
        (address, Location(".terraform/modules/db/main.tf", 7, 11), "module call", True),
    ]


def test_caller_line_in_text_and_sarif(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                       sarif_validator: object) -> None:
    """Done when: a module finding whose fix is in the caller points at the caller's line."""
    monkeypatch.chdir(EVAL / "provenance_argument")
    assert main(["check", ".", "--checks", "TG110"]) == 1
    text = capsys.readouterr().out
    assert text.startswith(
        "main.tf\n"
        "      :6  HIGH     TG110 module.orders.aws_db_instance.this: storage_encrypted is false "
        "(set by argument storage_encrypted of module.orders)\n")
    assert "modules/db/main.tf" not in text
    assert main(["check", ".", "--checks", "TG110", "-f", "sarif"]) == 1
    doc = json.loads(capsys.readouterr().out)
    sarif_validator.validate(doc)  # type: ignore[attr-defined]
    [result] = doc["runs"][0]["results"]
    physical = result["locations"][0]["physicalLocation"]
    assert (physical["artifactLocation"]["uri"], physical["region"]["startLine"]) == ("main.tf", 6)
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "module.orders.aws_db_instance.this"
    [related] = result["relatedLocations"]
    assert (related["physicalLocation"]["artifactLocation"]["uri"],
            related["physicalLocation"]["region"]["startLine"]) == ("modules/db/main.tf", 18)


def test_json_marks_provenance(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(EVAL / "provenance_argument")
    main(["check", ".", "--checks", "TG110", "-f", "json"])
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert finding["related"] == [{"resource": "module.orders.aws_db_instance.this", "type": "storage_encrypted",
                                   "file": "modules/db/main.tf", "start_line": 18, "end_line": 18,
                                   "provenance": True}]


def test_suppression_on_the_module_resource_still_applies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = (EVAL / "provenance_argument" / "modules" / "db" / "main.tf").read_text(encoding="utf-8")
    write(tmp_path, {"modules/db/main.tf": module.replace(
        'resource "aws_db_instance"', '# tfguard:ignore:TG110 -- a test database\nresource "aws_db_instance"'),
        "main.tf": (EVAL / "provenance_argument" / "main.tf").read_text(encoding="utf-8")})
    monkeypatch.chdir(tmp_path)
    bad = findings(Path("."), "TG110")["module.orders.aws_db_instance.this"]
    assert bad.location == Location("main.tf", 6, 6) and bad.suppressed


UNSET = ('variable "algo" {}\nvariable "enc" {}\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
         'resource "aws_s3_bucket_server_side_encryption_configuration" "s" {\n  bucket = aws_s3_bucket.b.id\n'
         '  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = var.algo\n    }\n  }\n}\n'
         'resource "aws_ebs_volume" "v" {\n  availability_zone = "us-east-1a"\n  size      = 1\n'
         '  encrypted = var.enc\n}\n')


def test_unknown_messages_name_the_missing_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"main.tf": UNSET})
    monkeypatch.chdir(tmp_path)
    report = run([Path(".")], Options(only=frozenset({"TG101", "TG102", "TG120"})))
    assert {(f.check_id, f.address, f.status, f.message) for f in report.findings} == {
        ("TG101", "aws_s3_bucket.b", Status.UNKNOWN,
         "the bucket's encryption algorithm is not known statically: var.algo has no value"),
        ("TG102", "aws_s3_bucket.b", Status.UNKNOWN, "the bucket's encryption is not known statically: var.algo has no value"),
        ("TG120", "aws_ebs_volume.v", Status.UNKNOWN, "encrypted is not known statically: var.enc has no value"),
    }


def test_unknown_inside_a_module_names_the_root_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module argument from a root variable without a value: the message names the root
    variable; nobody set it, so the finding stays on the module's line."""
    write(tmp_path, {"main.tf": 'variable "log_key" {}\nmodule "logs" {\n  source = "./logs"\n  key    = var.log_key\n}\n',
                     "logs/main.tf": 'variable "key" {}\nresource "aws_cloudwatch_log_group" "this" {\n'
                     '  name       = "app"\n  kms_key_id = var.key\n}\n'})
    monkeypatch.chdir(tmp_path)
    [f] = run([Path(".")], Options(only=frozenset({"TG155"}))).findings
    assert (f.status, f.location) == (Status.UNKNOWN, Location("logs/main.tf", 4, 4))
    assert f.message == "kms_key_id is not known statically: var.log_key has no value"
    assert places(f) == [("module.logs", Location("main.tf", 4, 4), "argument key of module.logs", True)]
    write(tmp_path, {"terraform.tfvars": 'log_key = "alias/aws/logs"\n'})
    [f] = run([Path(".")], Options(only=frozenset({"TG155"}))).findings
    assert (f.status, f.location) == (Status.FAIL, Location("terraform.tfvars", 1, 1))
    assert f.message.endswith("(set by var.log_key in terraform.tfvars)")


def test_cause_of_an_unknown() -> None:
    from tfguard.model import Unknown
    from tfguard.unknowns import cause

    assert cause(1) == ""
    assert cause([Unknown("condition not known statically"), {"a": Unknown("var.x has no value")}]) == "var.x has no value"
    assert cause(Unknown("not known statically", ("aws_kms_key.k",))) == \
        "it depends on aws_kms_key.k, known only after apply"
    assert cause(Unknown("", partial={"Statement": [Unknown("var.p has no value")]})) == "var.p has no value"
    assert cause(Unknown("a template directive is not evaluated")) == "a template directive is not evaluated"


def test_a_default_that_decides_is_provenance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module's own default and a root variable's default explain the value: related
    locations (so a commit that edits them touches the finding), never the primary one."""
    module = (EVAL / "provenance_argument" / "modules" / "db" / "main.tf").read_text(encoding="utf-8")
    write(tmp_path, {"modules/db/main.tf": module.replace("default = true", "default = false"),
                     "main.tf": 'module "orders" {\n  source     = "./modules/db"\n  identifier = "orders"\n}\n'
                     'variable "enc" {\n  default = false\n}\nmodule "ledger" {\n  source            = "./modules/db"\n'
                     '  identifier        = "ledger"\n  storage_encrypted = var.enc\n}\n'})
    monkeypatch.chdir(tmp_path)
    got = findings(Path("."), "TG110")
    orders = got["module.orders.aws_db_instance.this"]
    assert (orders.status, orders.location, orders.message) == (
        Status.FAIL, Location("modules/db/main.tf", 18, 18), "storage_encrypted is false")
    assert places(orders) == [("module.orders", Location("modules/db/main.tf", 7, 7),
                               "the default of var.storage_encrypted in module.orders", True)]
    ledger = got["module.ledger.aws_db_instance.this"]
    assert (ledger.location, ledger.message) == (Location("modules/db/main.tf", 18, 18), "storage_encrypted is false")
    assert places(ledger) == [
        ("module.ledger", Location("main.tf", 11, 11), "argument storage_encrypted of module.ledger", True),
        ("module.ledger.aws_db_instance.this", Location("main.tf", 6, 6), "the default of var.enc", True)]
