"""A fix is safe or unsafe by what it writes, read in the replacement table (tfguard.fix.replacement)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tfguard.cli import main
from tfguard.fix.engine import fix
from tfguard.fix.replacement import lookup
from tfguard.fix.rules import RULES
from tfguard.targets import Options

BAD = sorted(p for c in RULES for p in (FIXTURES / "checks" / c).glob("bad_*"))


def _copy(tmp_path: Path, fixture: Path) -> Path:
    target = tmp_path / fixture.name
    shutil.copytree(fixture, target, ignore=shutil.ignore_patterns("plan.json", "expected.txt"))
    return target


@pytest.mark.parametrize("fixture", BAD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_argument_a_fix_writes_is_in_the_table_and_safe_rules_stay_safe(tmp_path: Path, fixture: Path) -> None:
    check = fixture.parent.name
    outcome = fix([_copy(tmp_path, fixture)], Options(), frozenset({check}), unsafe=True)
    for k, writes in outcome.writes.items():
        assert all(lookup(rtype, path) is not None for rtype, path in writes), writes
        if RULES[k[1]].safe:
            assert k not in outcome.hazards, (writes, outcome.hazards[k])


def test_a_launch_template_is_encrypted_without_unsafe_fixes_an_instance_is_not(tmp_path: Path,
                                                                                capsys: pytest.CaptureFixture[str]) -> None:
    template = _copy(tmp_path, FIXTURES / "checks/TG120/bad_launch_template_unencrypted")
    assert main(["fix", "--checks", "TG120", str(template)]) == 0
    assert "TG120 aws_launch_template.batch: fixed: " in capsys.readouterr().out
    instance = _copy(tmp_path, FIXTURES / "checks/TG120/bad_instance_no_root_block")
    before = (instance / "main.tf").read_text()
    assert main(["fix", "--checks", "TG120", str(instance)]) == 0
    assert (instance / "main.tf").read_text() == before
    assert ("TG120 aws_instance.app: needs --unsafe-fixes: aws_instance.root_block_device.encrypted: the root volume "
            "is encrypted at launch only: a new instance") in capsys.readouterr().out


def test_a_public_access_block_waits_for_unsafe_fixes_for_the_access_it_may_cut(tmp_path: Path,
                                                                                capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(tmp_path, FIXTURES / "checks/TG403/bad_no_pab")
    assert main(["fix", "--checks", "TG403", str(d)]) == 0
    assert ("TG403 aws_s3_bucket.shared: needs --unsafe-fixes: blocking public access takes offline what the bucket "
            "serves publicly (a website, public objects)") in capsys.readouterr().out
