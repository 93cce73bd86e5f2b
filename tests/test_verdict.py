"""One verdict type: the AWS knowledge answers in Result's terms, and Result.of makes the Result."""

from __future__ import annotations

import pytest

from tfguard.check import ACCOUNT, Context, Result
from tfguard.graph import ResourceGraph
from tfguard.model import Location, Resource, Status, Unknown, Verdict
from tfguard.truth import status_on


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


@pytest.mark.parametrize(("value", "status"), [
    (True, Status.PASS), ("true", Status.PASS), (False, Status.FAIL), (None, Status.FAIL), ("yes", Status.FAIL),
    (Unknown("var.on has no value"), Status.UNKNOWN),
])
def test_a_setting_that_must_be_on(value: object, status: Status) -> None:
    assert status_on(value) is status


def test_the_account_subject_points_at_the_deciding_resource_and_its_arguments() -> None:
    here, there = Location("main.tf", 1, 3), Location("main.tf", 2, 2)
    trail = Resource(address="aws_cloudtrail.t", type="aws_cloudtrail", name="t", location=here,
                     attr_locations={"is_multi_region_trail": there})
    ctx = Context(ResourceGraph([trail]), root_location=Location("main.tf", 1, 1))
    given = ctx.account_subject(trail)
    assert (given.address, given.type, given.location, given.attr_locations) == (
        ACCOUNT, ACCOUNT, here, {"is_multi_region_trail": there})
    assert vars(ctx.account(trail)) == vars(given)  # the earlier name, the same subject
    default = ctx.account_subject()  # the first anchor, without its argument locations
    assert (default.address, default.location, default.attr_locations) == (ACCOUNT, here, {})
    alone = Context(ResourceGraph([]), root_location=Location("main.tf", 1, 1)).account_subject()
    assert (alone.address, alone.location) == (ACCOUNT, Location("main.tf", 1, 1))


def test_the_aws_knowledge_has_no_verdict_type_of_its_own() -> None:
    """A type of tfguard.aws with a status or a message is a second verdict type: it carries
    a model.Verdict instead (s3.Encryption, kms.KeyVerdict)."""
    import dataclasses
    import importlib
    import pkgutil

    import tfguard.aws

    own: list[str] = []
    for info in pkgutil.iter_modules(tfguard.aws.__path__):
        module = importlib.import_module(f"tfguard.aws.{info.name}")
        for name, value in vars(module).items():
            if not isinstance(value, type) or value.__module__ != module.__name__:
                continue
            fields = set(getattr(value, "_fields", ())) | (
                {f.name for f in dataclasses.fields(value)} if dataclasses.is_dataclass(value) else set())
            if fields & {"status", "message", "reason", "cmk"}:
                own.append(f"{module.__name__}.{name}")
    assert own == []
