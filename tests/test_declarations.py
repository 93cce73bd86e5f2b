"""A check's resource_types are the truth about its subjects.

Every fixture is scanned with every check: no check gives a result for a type it does not
declare, and every declared type is the subject of some result of its check in some fixture.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tfguard.check import ACCOUNT, ANY_RESOURCE, Check, Context, Result, subject_type
from tfguard.cli import main
from tfguard.engine import load_checks, run_checks
from tfguard.graph import ResourceGraph
from tfguard.model import Diagnostic, Resource, Status
from tfguard.run import run
from tfguard.targets import Options

CASES = sorted(p.parent for p in FIXTURES.rglob("expected.txt"))


@functools.cache
def _scan_everything() -> tuple[frozenset[tuple[str, str]], tuple[str, ...]]:
    """(check id, subject type) of every result of every check on every fixture, HCL and plan,
    and the internal diagnostics met on the way."""
    seen: set[tuple[str, str]] = set()
    internal: list[str] = []
    original = Check.run

    def recording(self: Check, ctx: Context) -> Iterator[Result]:
        for result in original(self, ctx):
            seen.add((self.id, subject_type(result.resource)))
            yield result

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Check, "run", recording)
        for case in CASES:
            for target in [case] + ([case / "plan.json"] if (case / "plan.json").exists() else []):
                report = run([target], Options())
                internal += [f"{target}: {d.message}" for d in report.diagnostics if d.internal]
    return frozenset(seen), tuple(internal)


def test_no_check_gives_a_result_for_an_undeclared_type() -> None:
    # Check.run raises UndeclaredSubject, which the scan reports as an internal error.
    assert _scan_everything()[1] == ()


@pytest.mark.parametrize("check", load_checks(), ids=lambda c: c.id)
def test_every_declared_type_is_a_subject_in_some_fixture(check: Check) -> None:
    seen, _ = _scan_everything()
    types = {t for cid, t in seen if cid == check.id}
    if check.resource_types == (ANY_RESOURCE,):
        assert types and ACCOUNT not in types and not any(t.startswith("data.") for t in types)
    else:
        assert set(check.resource_types) == types


def _check(types: tuple[str, ...], subject: str = "") -> Check:
    def evaluate(ctx: Context) -> Iterator[Result]:
        for res in ctx.subjects():
            yield Result(res, Status.PASS, "seen")
        if subject:
            yield Result(ctx.graph.by_address[subject], Status.FAIL, "not declared")

    return Check(id="TG999", slug="probe", title="t", severity="low", resource_types=types, rationale="r",
                 remediation="f", evaluate=evaluate)


GRAPH = [
    Resource("aws_s3_bucket.a", "aws_s3_bucket", "a"),
    Resource("data.aws_s3_bucket.b", "aws_s3_bucket", "b", mode="data"),
    Resource("aws_kms_key.k", "aws_kms_key", "k"),
    Resource("data.aws_iam_policy_document.p", "aws_iam_policy_document", "p", mode="data"),
]


@pytest.mark.parametrize(("types", "subjects"), [
    (("aws_s3_bucket",), ["aws_s3_bucket.a"]),
    (("data.aws_s3_bucket",), ["data.aws_s3_bucket.b"]),
    (("aws_kms_key", "data.aws_iam_policy_document"), ["aws_kms_key.k", "data.aws_iam_policy_document.p"]),
    ((ANY_RESOURCE,), ["aws_s3_bucket.a", "aws_kms_key.k"]),  # managed resources only
    ((ACCOUNT,), []),
    ((), []),
])
def test_subjects_are_the_declared_types(types: tuple[str, ...], subjects: list[str]) -> None:
    findings = run_checks([_check(types)], Context(ResourceGraph(GRAPH)))
    assert [(f.address, f.status) for f in findings] == [(a, Status.PASS) for a in sorted(subjects)]


def test_a_result_for_an_undeclared_type_is_an_internal_error() -> None:
    diagnostics: list[Diagnostic] = []
    findings = run_checks([_check(("aws_s3_bucket",), subject="aws_kms_key.k")], Context(ResourceGraph(GRAPH)),
                          diagnostics)
    assert [(f.address, f.status) for f in findings] == [("aws_s3_bucket.a", Status.PASS)]
    [diag] = diagnostics
    assert diag.message.startswith("internal error while running check TG999 (probe): UndeclaredSubject: "
                                   "TG999 gave a result for aws_kms_key.k, but aws_kms_key is not among its "
                                   "resource_types")
    assert diag.internal


def test_a_user_check_on_any_resource_is_documented_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "any.py").write_text(
        '"""TG900 probe.\n\nReading: every managed resource passes."""\n'
        "from tfguard.check import ANY_RESOURCE, PASS, Check, Result\n"
        "def evaluate(ctx):\n"
        "    for res in ctx.subjects():\n"
        "        yield Result(res, PASS, 'seen')\n"
        "CHECK = Check(id='TG900', slug='probe', title='Probe', severity='low', resource_types=(ANY_RESOURCE,),\n"
        "              rationale='r', remediation='f', evaluate=evaluate)\n", encoding="utf-8")
    assert main(["explain", "TG900", "--checks-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Resources: any managed resource." in out
    assert "Every managed resource passes." in out


def test_a_user_check_that_gives_an_undeclared_result_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checks, tf = tmp_path / "checks", tmp_path / "tf"
    checks.mkdir()
    tf.mkdir()
    (tf / "main.tf").write_text('resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n', encoding="utf-8")
    (checks / "keys.py").write_text(
        "from tfguard.check import PASS, Check, Result\n"
        "def evaluate(ctx):\n"
        "    for key in ctx.graph.of_type('aws_kms_key'):\n"
        "        yield Result(key, PASS, 'seen')\n"
        "CHECK = Check(id='TG901', slug='keys', title='Keys', severity='low', resource_types=('aws_s3_bucket',),\n"
        "              rationale='r', remediation='f', evaluate=evaluate)\n", encoding="utf-8")
    assert main(["check", str(tf), "--checks-dir", str(checks), "--checks", "TG901", "--format", "json"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert doc["findings"] == []
    [diag] = doc["diagnostics"]
    assert diag["message"].startswith("internal error while running check TG901 (keys): UndeclaredSubject: TG901 gave "
                                      "a result for aws_kms_key.k, but aws_kms_key is not among its resource_types")
