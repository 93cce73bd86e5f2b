"""A label that is not known statically: checks for sensitive resources give UNKNOWN
naming the label's cause, as TG507 does, not "no result"."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from tfguard.cli import main


@pytest.mark.parametrize(("check", "fixture", "address", "message"), [
    ("TG507", "TG507/none_unknown_classification", "account",
     "the classification of aws_s3_bucket.exports is not known statically (var.classification has no value), "
     "and Macie is not enabled"),
    ("TG603", "TG603/none_unknown_classification", "aws_s3_bucket.exports",
     "the classification of the bucket is not known statically (var.classification has no value); "
     "if it is sensitive: the sensitive bucket is not replicated to another region"),
    ("TG606", "TG606/none_unknown_classification", "aws_ebs_volume.records",
     "the classification is not known statically (var.classification has no value); if it is sensitive: "
     "its data is not selected by any aws_backup_selection and it has no native backup setting"),
])
def test_unknown_label_is_named(check: str, fixture: str, address: str, message: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(FIXTURES / "checks" / fixture), "-f", "json", "--checks", check])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["id"], f["resource"], f["message"]) for f in findings] == [(check, address, message)]
