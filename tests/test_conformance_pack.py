"""TG505 counts the managed rules a conformance pack deploys (its template's SourceIdentifier values)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from tfguard.cli import main


@pytest.mark.parametrize(("fixture", "status", "message"), [
    ("good_conformance_pack", "pass", "the managed rules S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, ENCRYPTED_VOLUMES, "
     "RDS_STORAGE_ENCRYPTED are deployed"),
    # The S3 rule comes from the pack's JSON template, EBS from a config rule: only RDS is missing.
    ("bad_conformance_pack_missing_rds", "fail", "the AWS Config managed rule(s) RDS_STORAGE_ENCRYPTED are not deployed"),
    ("none_unknown_conformance_pack_in_s3", "unknown", "the template of aws_config_conformance_pack.encryption is in "
     "S3 's3://acme-tg505-templates/encryption.yaml', not in the configuration; "
     "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, ENCRYPTED_VOLUMES, RDS_STORAGE_ENCRYPTED may be missing"),
])
@pytest.mark.parametrize("plan", [False, True])
def test_pack_rules_count(fixture: str, status: str, message: str, plan: bool,
                          capsys: pytest.CaptureFixture[str]) -> None:
    target = FIXTURES / "checks" / "TG505" / fixture
    main(["check", str(target / "plan.json" if plan else target), "-f", "json", "--checks", "TG505",
          "--include-passed"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["id"], f["resource"], f["status"], f["message"]) for f in findings] == [
        ("TG505", "account", status, message)]
