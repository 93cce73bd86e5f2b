"""Provider-defined functions of hashicorp/aws (`provider::aws::arn_parse(...)`).

Other providers' functions are not evaluated: their result is Unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tfguard.load.functions.types import string


def arn_parse(arn: Any) -> dict[str, str]:
    parts = string(arn).split(":", 5)
    if parts[0] != "arn":
        raise ValueError("arn: invalid prefix")
    if len(parts) < 6:
        raise ValueError("arn: not enough sections")
    _, partition, service, region, account, resource = parts
    return {"partition": partition, "service": service, "region": region, "account_id": account,
            "resource": resource}


def arn_build(partition: Any, service: Any, region: Any, account_id: Any, resource: Any) -> str:
    return ":".join(["arn", *(string(x) for x in (partition, service, region, account_id, resource))])


def trim_iam_role_path(arn: Any) -> str:
    """An IAM role ARN without its path: `role/path/to/x` becomes `role/x`."""
    parsed = arn_parse(arn)
    resource = parsed["resource"]
    if parsed["service"] != "iam" or not resource.startswith("role/"):
        raise ValueError(f"{arn!r} is not an IAM role ARN")
    parsed["resource"] = "role/" + resource.rsplit("/", 1)[-1]
    return arn_build(*(parsed[k] for k in ("partition", "service", "region", "account_id", "resource")))


PROVIDER_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "provider::aws::arn_parse": arn_parse,
    "provider::aws::arn_build": arn_build,
    "provider::aws::trim_iam_role_path": trim_iam_role_path,
}
