"""Audit and monitoring: CloudTrail, AWS Config, GuardDuty and Macie.

- the buckets a CloudTrail trail writes to (`trail_buckets`); whether they are
  protected is S3 knowledge (`tfguard.aws.s3.bucket_protection`);
- which `aws_config_configuration_recorder_status` belongs to a recorder
  (`recorder_statuses`).

Where an account-level result points is the check API's answer
(`tfguard.check.Context.account_subject`).
"""

from __future__ import annotations

from typing import Any

from tfguard.graph import ResourceGraph
from tfguard.model import Resource


def managed(resources: list[Resource]) -> list[Resource]:
    return [r for r in resources if r.mode == "managed"]


def trail_buckets(graph: ResourceGraph, trail: Resource) -> list[Resource]:
    """The `aws_s3_bucket`s of this configuration that `s3_bucket_name` names
    (reference, or the same literal bucket name). A data source is not in the configuration."""
    return managed(graph.targets(trail, via="s3_bucket_name", types=("aws_s3_bucket",)))


def recorder_name(recorder: Resource) -> Any:
    """The recorder's name; unset is the provider's default name "default"."""
    name = recorder.values.get("name")
    return "default" if name is None or name == "" else name


def recorder_statuses(graph: ResourceGraph, recorder: Resource) -> list[Resource]:
    """`aws_config_configuration_recorder_status` resources whose `name` references the
    recorder or equals its (literal) name."""
    found = managed(graph.referrers(recorder, types=("aws_config_configuration_recorder_status",), via="name"))
    name = recorder_name(recorder)
    if isinstance(name, str):
        for status in graph.of_type("aws_config_configuration_recorder_status"):
            if status not in found and status.values.get("name") == name and not graph.has_reference(status, "name"):
                found.append(status)
    return found
