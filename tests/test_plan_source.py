"""Plan mode with and without the configuration beside it."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES
from tfguard.run import run
from tfguard.targets import Options


def _results(target: Path, **kw: object) -> set[tuple[str, str, str]]:
    report = run([target], Options(only=frozenset({"TG102"}), **kw))  # type: ignore[arg-type]
    return {(f.check_id, f.address, f.status.value) for f in report.findings}


def test_dynamic_block_value_is_traced_through_the_source(tmp_path: Path) -> None:
    case = FIXTURES / "eval" / "dynamic_sse"
    alone = tmp_path / "plan.json"
    shutil.copy(case / "plan.json", alone)
    # The plan alone omits the dynamic block's expression: per the catalog it is not set.
    assert _results(alone) == {("TG102", "aws_s3_bucket.x", "fail")}
    # Given the configuration, the dynamic block's key reference is read from the HCL.
    assert _results(alone, source=case) == {("TG102", "aws_s3_bucket.x", "pass")}
    assert _results(case / "plan.json") == {("TG102", "aws_s3_bucket.x", "pass")}


def test_plan_without_source_points_at_the_plan(tmp_path: Path) -> None:
    alone = tmp_path / "plan.json"
    shutil.copy(FIXTURES / "eval" / "module_twice" / "plan.json", alone)
    report = run([alone], Options(only=frozenset({"TG601"})))
    assert {(f.address, f.location.file if f.location else None, f.location.start_line if f.location else None)
            for f in report.findings} == {
        ("module.secure.aws_s3_bucket.this", "plan.json", 1),
        ("module.insecure.aws_s3_bucket.this", "plan.json", 1),
    }


def test_plan_module_findings_point_into_module_files() -> None:
    report = run([FIXTURES / "eval" / "module_twice" / "plan.json"], Options(only=frozenset({"TG601"})))
    files = {f.address: f.location.file for f in report.findings if f.location}
    assert files == {
        "module.secure.aws_s3_bucket.this": "fixtures/eval/module_twice/modules/bucket/main.tf",
        "module.insecure.aws_s3_bucket.this": "fixtures/eval/module_twice/modules/bucket/main.tf",
    }
