"""TG142 ssm-secure-string.

Reading: only parameters whose `name` or `description` matches
`(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)`
(searched anywhere in the text) get a result: PASS when `type` is
`SecureString`, FAIL otherwise. A parameter whose name and description are
known and do not match gets no result. When the text is partly unknown
(`"/app/${var.x}"`), its known parts are searched; if they do not match, the
parameter is UNKNOWN unless it is a SecureString anyway (PASS). An unknown
`type` of a matching parameter is UNKNOWN.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, is_unknown

SECRET_NAME = re.compile(r"(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)")


def _matches(res: Resource) -> tuple[bool | None, str]:
    """(True, attr) when name or description names a secret; None when it cannot be told."""
    unknown = ""
    for attr in ("name", "description"):
        value = res.values.get(attr)
        if isinstance(value, str):
            if SECRET_NAME.search(value):
                return True, attr
        elif is_unknown(value):
            partial = getattr(value, "partial", None)
            if isinstance(partial, str) and SECRET_NAME.search(partial):
                return True, attr
            unknown = unknown or attr
    return (None, unknown) if unknown else (False, "")


def evaluate(ctx: Context) -> Iterator[Result]:
    for param in ctx.subjects():
        matched, attr = _matches(param)
        if matched is False:
            continue
        kind = param.values.get("type")
        if isinstance(kind, str) and kind == "SecureString":
            yield Result(param, PASS, "the parameter is stored as a SecureString", attribute="type")
        elif matched is None:
            yield Result(param, UNKNOWN, f"the parameter's {attr} is not known statically, so whether it holds a "
                         "secret cannot be told, and it is not a SecureString", attribute=attr)
        elif is_unknown(kind):
            yield Result(param, UNKNOWN, f"the {attr} names a secret and the parameter type is not known statically",
                         attribute="type")
        else:
            shown = kind if isinstance(kind, str) else "not set"
            yield Result(param, FAIL, f"the {attr} names a secret but the type is {shown}, not SecureString",
                         attribute="type")


CHECK = Check(
    id="TG142",
    slug="ssm-secure-string",
    title="SSM parameter holding a secret is a SecureString",
    severity="high",
    resource_types=("aws_ssm_parameter",),
    rationale="String and StringList parameters are stored and shown in plain text to anyone allowed "
    "ssm:GetParameter; a SecureString is encrypted with KMS and needs kms:Decrypt to read.",
    remediation="Set type = \"SecureString\" (with key_id of a customer-managed key) for parameters that hold "
    "passwords, tokens, API keys or private keys.",
    evaluate=evaluate,
    compliance=controls("TG142"),
    references=("https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html",),
    bad_example=(
        'variable "db_password" {\n'
        '  type = string\n'
        '  sensitive = true\n'
        '}\n'
        '\n'
        'resource "aws_ssm_parameter" "db_password" {\n'
        '  name  = "/prod/db/password"\n'
        '  type  = "String"\n'
        '  value = var.db_password\n'
        '}'
    ),
    good_example=(
        'variable "db_password" {\n'
        '  type = string\n'
        '  sensitive = true\n'
        '}\n'
        '\n'
        'resource "aws_kms_key" "params" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_ssm_parameter" "db_password" {\n'
        '  name   = "/prod/db/password"\n'
        '  type   = "SecureString"\n'
        '  key_id = aws_kms_key.params.arn\n'
        '  value  = var.db_password\n'
        '}'
    ),
)
