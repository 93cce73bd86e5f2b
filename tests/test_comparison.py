"""Marking findings against a base: introduced, existing, resolved (tfguard.comparison)."""

from __future__ import annotations

from dataclasses import replace

from tfguard.comparison import counts, mark
from tfguard.model import Finding, Status


def _f(check: str, address: str, status: Status = Status.FAIL, **kw: object) -> Finding:
    return Finding(check, check.lower(), "t", "high", status, address, "m", None,
                   fingerprint=f"{check}|{address}", **kw)  # type: ignore[arg-type]


def test_existing_introduced_and_resolved() -> None:
    before = [_f("TG101", "aws_s3_bucket.a"), _f("TG301", "aws_kms_key.k"), _f("TG601", "aws_s3_bucket.a", Status.PASS)]
    now = [_f("TG101", "aws_s3_bucket.a"), _f("TG601", "aws_s3_bucket.a"), _f("TG301", "aws_kms_key.k", Status.PASS)]
    marked, resolved = mark(now, before)
    assert [(f.check_id, f.address, f.status, f.change) for f in marked] == [
        ("TG101", "aws_s3_bucket.a", Status.FAIL, "existing"),
        ("TG601", "aws_s3_bucket.a", Status.FAIL, "introduced"),
        ("TG301", "aws_kms_key.k", Status.PASS, ""),
    ]
    assert [(f.check_id, f.address, f.status) for f in resolved] == [("TG301", "aws_kms_key.k", Status.FAIL)]
    assert counts(marked) == (1, 1)


def test_unknown_before_fail_now_is_introduced() -> None:
    marked, resolved = mark([_f("TG101", "aws_s3_bucket.a")], [_f("TG101", "aws_s3_bucket.a", Status.UNKNOWN)])
    assert [f.change for f in marked] == ["introduced"]
    assert [(f.check_id, f.status) for f in resolved] == [("TG101", Status.UNKNOWN)]


def test_suppressed_is_neither_marked_nor_resolved() -> None:
    before = [_f("TG101", "aws_s3_bucket.a")]
    now = [replace(_f("TG101", "aws_s3_bucket.a"), suppressed=True)]
    marked, resolved = mark(now, before)
    assert [(f.check_id, f.change, f.suppressed) for f in marked] == [("TG101", "", True)]
    assert resolved == []


def test_resolved_listed_once() -> None:
    before = [_f("TG101", "aws_s3_bucket.a"), _f("TG101", "aws_s3_bucket.a")]
    marked, resolved = mark([], before)
    assert marked == []
    assert [(f.check_id, f.address) for f in resolved] == [("TG101", "aws_s3_bucket.a")]
