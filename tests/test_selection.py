"""aws_backup_selection semantics (tfguard/aws/backup.py): True, False, or None when not static."""

from __future__ import annotations

from typing import Any

import pytest

from tfguard.aws.backup import selects
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Unknown


def _db(identifier: Any = "prod-records", region: Any = "us-east-1", **tags: str) -> Resource:
    values: dict[str, Any] = {"tags": dict(tags)}
    if identifier is not None:
        values["identifier"] = identifier
    return Resource("aws_db_instance.db", "aws_db_instance", "db", values=values, region=region)


def _sel(**values: Any) -> Resource:
    return Resource("aws_backup_selection.s", "aws_backup_selection", "s", values=values)


def _cond(kind: str, key: str, value: str) -> list[dict[str, Any]]:
    return [{kind: [{"key": key, "value": value}]}]


@pytest.mark.parametrize(("selection", "db", "expected"), [
    (_sel(resources=["*"]), _db(), True),
    (_sel(resources=["arn:aws:rds:*:*:db:*"]), _db(identifier=None), True),
    (_sel(resources=["arn:aws:rds:*:*:db:prod-*"]), _db(), True),
    (_sel(resources=["arn:aws:rds:*:*:db:prod-*"]), _db(identifier="staging"), False),
    (_sel(resources=["arn:aws:rds:*:*:db:prod-*"]), _db(identifier=None), None),
    (_sel(resources=["arn:aws:rds:eu-west-1:*:db:*"]), _db(), False),
    (_sel(resources=["arn:aws:rds:*:*:db:*"]), _db(region=Unknown("no provider")), None),
    (_sel(resources=["arn:aws:dynamodb:*:*:table/*"]), _db(), False),
    (_sel(resources=["arn:aws:rds:*:*:cluster:*"]), _db(identifier=None), False),
    (_sel(resources=["arn:aws:rds:us-east-1:123456789012:db:prod-records"]), _db(), True),
    (_sel(resources=["arn:aws:rds:us-east-1:123456789012:db:other"]), _db(), False),
    (_sel(resources=["arn:aws:rds:us-east-1:123456789012:db:prod-records"]), _db(identifier=None), None),
    (_sel(resources=[Unknown("var.arns has no value")]), _db(), None),
    (_sel(resources=[Unknown("known after apply", ("aws_ebs_volume.v",))]), _db(), False),
    (_sel(resources=["*"], not_resources=["*"]), _db(), False),
    (_sel(resources=["*"], not_resources=[Unknown("var.skip has no value")]), _db(), None),
    (_sel(resources=["*"], condition=_cond("string_equals", "aws:ResourceTag/Backup", "true")), _db(Backup="true"), True),
    (_sel(resources=["*"], condition=_cond("string_equals", "aws:ResourceTag/Backup", "true")), _db(), False),
    (_sel(resources=["*"], condition=_cond("string_like", "aws:ResourceTag/Env", "prod*")), _db(Env="production"), True),
    (_sel(resources=["*"], condition=_cond("string_not_like", "aws:ResourceTag/Env", "prod*")), _db(Env="prod"), False),
    # Only * and ? are wildcards in AWS; brackets are literal (fnmatch would read a class).
    (_sel(resources=["*"], condition=_cond("string_like", "aws:ResourceTag/Env", "env[1]*")), _db(Env="env[1]-a"), True),
    (_sel(resources=["*"], condition=_cond("string_not_equals", "aws:ResourceTag/Env", "dev")), _db(), True),
    (_sel(resources=["*"], condition=_cond("string_equals", "aws:ResourceTag/Env", Unknown("x"))), _db(), None),  # type: ignore[arg-type]
    (_sel(selection_tag=[{"type": "STRINGEQUALS", "key": "Backup", "value": "hourly"},
                         {"type": "STRINGEQUALS", "key": "Backup", "value": "daily"}]), _db(Backup="daily"), True),
    (_sel(selection_tag=[{"type": "STRINGEQUALS", "key": "Backup", "value": "hourly"}]), _db(Backup="daily"), False),
    (_sel(selection_tag=[{"type": "STRINGEQUALS", "key": Unknown("x"), "value": "daily"}]), _db(Backup="daily"), None),
    # Neither resources nor tags: every supported resource, narrowed by the conditions.
    (_sel(condition=_cond("string_equals", "aws:ResourceTag/Backup", "true")), _db(Backup="true"), True),
    (_sel(condition=_cond("string_equals", "aws:ResourceTag/Backup", "true")), _db(), False),
])
def test_selects(selection: Resource, db: Resource, expected: bool | None) -> None:
    assert selects(ResourceGraph([selection, db]), selection, db) is expected
