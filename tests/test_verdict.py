"""One verdict type: the AWS knowledge answers in Result's terms, and Result.of makes the Result."""

from __future__ import annotations

import pytest

from tfguard.check import Result
from tfguard.model import Resource, Status, Verdict


def _res(address: str) -> Resource:
    rtype, name = address.split(".")
    return Resource(address=address, type=rtype, name=name)


@pytest.mark.parametrize(("holds", "status"), [(True, Status.PASS), (False, Status.FAIL), (None, Status.UNKNOWN)])
def test_status_of_a_yes_no_answer(holds: bool | None, status: Status) -> None:
    assert Status.of(holds) is status


def test_result_of_a_verdict_keeps_every_field() -> None:
    bucket, config, key = _res("aws_s3_bucket.b"), _res("aws_s3_bucket_versioning.v"), _res("aws_kms_key.k")
    verdict = Verdict(Status.FAIL, "versioning is off", "versioning_configuration.status", config, (key,))
    assert Result.of(bucket, verdict) == Result(bucket, Status.FAIL, "versioning is off",
                                                attribute="versioning_configuration.status", at=config, related=(key,))


def test_a_verdict_at_its_own_subject_points_at_the_subject() -> None:
    bucket = _res("aws_s3_bucket.b")
    result = Result.of(bucket, Verdict(Status.PASS, "versioning is enabled", "versioning.enabled", bucket))
    assert result == Result(bucket, Status.PASS, "versioning is enabled", attribute="versioning.enabled")
    assert result.at is None
