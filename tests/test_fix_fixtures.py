"""Every bad fixture of every fixable check, fixed; every good one left as it is.

Each bad fixture (copied without plan.json and expected.txt) goes through
`tfguard fix --unsafe-fixes --checks ID`; the scan of that check then has no FAIL left,
unless the fixture is one that is deliberately not fixable, whose refusal is pinned here
and whose files stay as they were. A second run changes no byte. What each run says and the
diff it made are pinned in tests/__snapshots__/test_fix_fixtures.ambr, so that a change of
formatting shows (after a deliberate one: pytest tests/test_fix_fixtures.py --snapshot-update).
All fixed fixtures are then held to `terraform fmt -check` and an offline
`terraform validate` (tests/terraform.py).
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.expected import read_expected
from tests.terraform import unformatted, validate
from tfguard.cli import main
from tfguard.fix.rules import RULES
from tfguard.model import Status
from tfguard.run import run
from tfguard.targets import Options

CHECKS = FIXTURES / "checks"
# fixtures/fix: configurations of our own for what the check fixtures do not show (count and
# for_each, a module called twice), fixed for the checks their expected.txt names.
BAD = sorted(d for c in RULES for d in (CHECKS / c).glob("bad_*") if d.is_dir()) + \
    sorted(d for d in (FIXTURES / "fix").iterdir() if d.is_dir())
GOOD = sorted(d for c in RULES for d in (CHECKS / c).glob("good_*") if d.is_dir())

# The fixtures that are deliberately not (wholly) fixed: what the run says of the finding it
# leaves, exactly. Their files stay as they are.
REFUSED: dict[str, list[str]] = {
    "TG120/bad_dynamic_block_devices": [
        "bad_dynamic_block_devices/main.tf:21: TG120 aws_instance.db: not fixed: ebs_block_device is a dynamic "
        "block: its content comes from an expression"],
    "TG211/bad_default_certificate": [
        "bad_default_certificate/main.tf:31: TG211 aws_cloudfront_distribution.site: not fixed: the distribution "
        "uses the default *.cloudfront.net certificate, which allows TLSv1: a minimum TLS version needs your own "
        "ACM certificate"],
    "TG211/bad_default_certificate_with_tls12_min": [
        "bad_default_certificate_with_tls12_min/main.tf:32: TG211 aws_cloudfront_distribution.site: not fixed: the "
        "distribution uses the default *.cloudfront.net certificate, which allows TLSv1: a minimum TLS version "
        "needs your own ACM certificate"],
    "TG304/bad_module_input": [
        "bad_module_input/main.tf:8: TG304 module.keys.aws_kms_key.this: not fixed: deletion_window_in_days is set "
        "by an expression (`deletion_window = local.key_settings.deletion_window` at bad_module_input/main.tf:8); "
        "change it by hand"],
    "TG608/bad_pitr_dynamic_block_per_instance": [
        "bad_pitr_dynamic_block_per_instance/table.tf:1: TG608 aws_dynamodb_table.this[\"sessions\"]: not fixed: "
        "point_in_time_recovery is a dynamic block: its content comes from an expression"],
}
# What stays open after a fix that is not a FAIL: an UNKNOWN no literal decides.
LEFT: dict[str, set[tuple[str, str, str]]] = {
    "TG501/bad_unknown_flag": {("TG501", "aws_cloudtrail.unknown", "unknown"),
                               ("TG501", "aws_cloudtrail.failing", "unknown")},
}


def _id(case: Path) -> str:
    return case.relative_to(CHECKS if case.is_relative_to(CHECKS) else FIXTURES).as_posix()


def _checks(case: Path) -> frozenset[str]:
    if case.is_relative_to(CHECKS):
        return frozenset({case.parent.name})
    return read_expected(case / "expected.txt").checks


@dataclass
class Fixed:
    copy: Path
    before: dict[str, str]
    after: dict[str, str]
    code: int
    out: str


def _texts(d: Path) -> dict[str, str]:
    return {p.relative_to(d).as_posix(): p.read_text(encoding="utf-8") for p in sorted(d.rglob("*")) if p.is_file()}


def _fix(d: Path, *args: str) -> tuple[int, str]:
    """`tfguard fix` on `d`, run from its parent so that what it prints names `d` by its name."""
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(d.parent)
    try:
        with contextlib.redirect_stdout(out):
            code = main(["fix", *args, d.name])
    finally:
        os.chdir(cwd)
    return code, out.getvalue()


_FIXED: dict[Path, Fixed] = {}


@pytest.fixture(scope="session")
def fixed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fixed")


def fixed(case: Path, into: Path) -> Fixed:
    """The case fixed once per session (the terraform test reads the same copies)."""
    if case not in _FIXED:
        copy = into / case.parent.name / case.name
        shutil.copytree(case, copy, ignore=shutil.ignore_patterns("plan.json", "expected.txt"))
        before = _texts(copy)
        code, out = _fix(copy, "--unsafe-fixes", "--checks", ",".join(sorted(_checks(case))))
        _FIXED[case] = Fixed(copy, before, _texts(copy), code, out)
    return _FIXED[case]


def _diff(result: Fixed) -> str:
    out: list[str] = []
    for name in sorted(result.after):
        if result.after[name] != result.before.get(name):
            out += difflib.unified_diff(result.before.get(name, "").splitlines(keepends=True),
                                        result.after[name].splitlines(keepends=True), f"a/{name}", f"b/{name}")
    return "".join(out)


@pytest.mark.parametrize("case", BAD, ids=_id)
def test_bad_fixture_is_fixed_and_a_second_run_is_a_no_op(case: Path, fixed_dir: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    result = fixed(case, fixed_dir)
    checks = _checks(case)
    assert result.code == 0, result.out
    report = run([result.copy], Options(only=checks))
    left = {(f.check_id, f.address, f.status.value) for f in report.findings if f.status is not Status.PASS}
    refused = REFUSED.get(_id(case))
    if refused is not None:
        assert [line for line in result.out.splitlines() if ": not fixed: " in line] == refused
        assert result.after == result.before
        assert {a for _, a, s in left if s == "fail"} == {line.split(": ")[1].split(" ", 1)[1] for line in refused}
    else:
        assert ": not fixed: " not in result.out
        assert result.after != result.before
        assert left == LEFT.get(_id(case), set())
    assert {"out": result.out, "diff": _diff(result)} == snapshot
    code, out = _fix(result.copy, "--unsafe-fixes", "--checks", ",".join(sorted(checks)))
    assert code == 0
    assert _texts(result.copy) == result.after
    assert "\n0 findings fixed in 0 files; 0 more with --unsafe-fixes; " in "\n" + out


@pytest.mark.parametrize("case", GOOD, ids=_id)
def test_good_fixture_is_left_as_it_is(case: Path, tmp_path: Path) -> None:
    copy = tmp_path / case.name
    shutil.copytree(case, copy, ignore=shutil.ignore_patterns("plan.json", "expected.txt"))
    before = _texts(copy)
    code, out = _fix(copy, "--unsafe-fixes", "--checks", case.parent.name)
    assert (code, out) == (0, "0 findings fixed in 0 files; 0 more with --unsafe-fixes; 0 not fixable automatically\n")
    assert _texts(copy) == before


def test_fixed_fixtures_pass_terraform_fmt_and_validate(fixed_dir: Path, tmp_path: Path) -> None:
    """One generated root holds every fixed fixture as a module: one init, one validate."""
    from tests.terraform import require_terraform

    require_terraform()
    copies = {_id(case): fixed(case, fixed_dir).copy for case in BAD}
    assert unformatted([fixed_dir]) == []
    assert validate(copies, tmp_path / "root") == {}
