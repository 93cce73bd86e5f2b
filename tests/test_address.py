"""The one parser of Terraform addresses (tfguard.model.parse_address)."""

from __future__ import annotations

import pytest

from tfguard.model import parse_address


@pytest.mark.parametrize(("text", "base", "key", "config"), [
    ("aws_s3_bucket.b", "aws_s3_bucket.b", None, "aws_s3_bucket.b"),
    ("aws_s3_bucket.b[0]", "aws_s3_bucket.b", "0", "aws_s3_bucket.b"),
    ('aws_s3_bucket.b["k"]', "aws_s3_bucket.b", '"k"', "aws_s3_bucket.b"),
    ('module.a["x"].aws_s3_bucket.b[0]', 'module.a["x"].aws_s3_bucket.b', "0", "module.a.aws_s3_bucket.b"),
    ('module.a["x"].module.b[1].data.aws_iam_policy_document.d',
     'module.a["x"].module.b[1].data.aws_iam_policy_document.d', None, "module.a.module.b.data.aws_iam_policy_document.d"),
    ('module.a["x"].module.b[0]', 'module.a["x"].module.b', "0", "module.a.module.b"),
    ('module.a["k]."].t.n', 'module.a["k]."].t.n', None, "module.a.t.n"),  # a key may hold ] and .
    ('t.n["a\\"b"]', "t.n", '"a\\"b"', "t.n"),  # an escaped quote inside a key
    ("", "", None, ""),
    ("t.n[each.key]", "t.n[each.key]", None, "t.n[each.key]"),  # not an instance key: kept
])
def test_parse_address(text: str, base: str, key: str | None, config: str) -> None:
    parsed = parse_address(text)
    assert (parsed.base, parsed.key, parsed.config) == (base, key, config)
    assert tuple(parsed) == (base, key)
