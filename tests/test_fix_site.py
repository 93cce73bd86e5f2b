"""Where `tfguard fix` may edit, and what it adds (tfguard.fix.site, the bucket rules, the
verification): end to end through main(argv), each file's text asserted exactly. Buckets with
count and for_each and a module called twice are fixtures (fixtures/fix), fixed and validated
by tests/test_fix_fixtures.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfguard.cli import main

_VERSIONING = '''
resource "aws_s3_bucket_versioning" "{name}" {{
  {head}

  versioning_configuration {{
    status = "Enabled"
  }}
}}
'''

@pytest.fixture
def here(tmp_path: Path) -> Path:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path  # type: ignore[misc]
    os.chdir(cwd)


def test_a_taken_name_gets_the_next_free_suffix(here: Path) -> None:
    (here / "main.tf").write_text(
        'resource "aws_s3_bucket" "tmp" {\n  bucket = "acme-tmp"\n}\n\n'
        'resource "aws_s3_bucket" "other" {\n  bucket = "acme-other"\n}\n'
        + _VERSIONING.format(name="tmp", head="bucket = aws_s3_bucket.other.id")
        + _VERSIONING.format(name="tmp_2", head="bucket = aws_s3_bucket.other.id"))
    assert main(["fix", "--checks", "TG601", "."]) == 0
    text = (here / "main.tf").read_text()
    assert text.startswith('resource "aws_s3_bucket" "tmp" {\n  bucket = "acme-tmp"\n}\n'
                           + _VERSIONING.format(name="tmp_3", head="bucket = aws_s3_bucket.tmp.id"))


def test_a_module_shared_by_two_callers_keeps_its_default(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "modules" / "key").mkdir(parents=True)
    module = ('variable "rotate" {\n  type    = bool\n  default = false\n}\n\n'
              'resource "aws_kms_key" "this" {\n  description         = "k"\n  enable_key_rotation = var.rotate\n}\n')
    (here / "modules" / "key" / "main.tf").write_text(module)
    (here / "main.tf").write_text('module "a" {\n  source = "./modules/key"\n}\n\n'
                                  'module "b" {\n  source = "./modules/key"\n  rotate = false\n}\n')
    assert main(["fix", "."]) == 0
    assert (here / "modules" / "key" / "main.tf").read_text() == module
    # b's own literal is fixed; a takes the default that b shares too.
    assert (here / "main.tf").read_text() == ('module "a" {\n  source = "./modules/key"\n}\n\n'
                                              'module "b" {\n  source = "./modules/key"\n  rotate = true\n}\n')
    out = capsys.readouterr().out
    assert ("modules/key/main.tf:8: TG301 module.a.aws_kms_key.this: not fixed: enable_key_rotation comes from the "
            "default of var.rotate in module.a, which a fix never edits (other callers share it): set the value in "
            "the module call or a .tfvars file") in out


def test_a_file_outside_the_scanned_paths_is_not_edited(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "app").mkdir()
    (here / "modules" / "keys").mkdir(parents=True)
    (here / "app" / "main.tf").write_text('module "keys" {\n  source = "../modules/keys"\n}\n')
    module = 'resource "aws_kms_key" "this" {\n  description = "k"\n}\n'
    (here / "modules" / "keys" / "main.tf").write_text(module)
    assert main(["fix", "--allow-outside-root", "app"]) == 0
    assert (here / "modules" / "keys" / "main.tf").read_text() == module
    assert (f"modules/keys/main.tf:1: TG301 module.keys.aws_kms_key.this: not fixed: "
            f"{here.resolve()}/modules/keys/main.tf is outside the scanned paths") in capsys.readouterr().out


def test_json_configuration_is_not_edited(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '{"resource": {"aws_kms_key": {"app": {"description": "k"}}}}\n'
    (here / "main.tf.json").write_text(text)
    assert main(["fix", "."]) == 0
    assert (here / "main.tf.json").read_text() == text
    assert capsys.readouterr().out == (
        "main.tf.json:1: TG301 aws_kms_key.app: not fixed: main.tf.json is not an HCL file this fixer edits (JSON "
        "configuration is left as it is)\n"
        "0 findings fixed in 0 files; 0 more with --unsafe-fixes; 1 not fixable automatically\n")


_KEY = 'resource "aws_kms_key" "app" {\n  description             = "k"\n  deletion_window_in_days = 7\n}\n'


def test_checks_limits_what_is_fixed(here: Path) -> None:
    (here / "main.tf").write_text(_KEY)
    assert main(["fix", "--checks", "TG304", "."]) == 0
    assert (here / "main.tf").read_text() == _KEY.replace("= 7", "= 30")
    assert main(["fix", "--checks", "TG301", "."]) == 0
    assert (here / "main.tf").read_text() == (
        'resource "aws_kms_key" "app" {\n  description             = "k"\n  deletion_window_in_days = 30\n'
        '  enable_key_rotation     = true\n}\n')


def test_diff_exits_0_when_there_is_nothing_to_fix(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "main.tf").write_text(_KEY)
    assert main(["fix", "--diff", "--checks", "TG110", "."]) == 0
    assert capsys.readouterr().out == ""
    assert main(["fix", "--diff", "."]) == 1
    assert "+  deletion_window_in_days = 30\n" in capsys.readouterr().out
    assert (here / "main.tf").read_text() == _KEY


def test_a_plan_beside_a_directory_is_skipped_with_a_warning(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "app").mkdir()
    (here / "app" / "main.tf").write_text(_KEY)
    (here / "plan.json").write_text("{}")
    assert main(["fix", "--checks", "TG304", "app", "plan.json"]) == 0
    assert (here / "app" / "main.tf").read_text() == _KEY.replace("= 7", "= 30")
    assert "tfguard: plan.json:1: warning: a plan gets no fixes; fix the configuration it was made from" \
        in capsys.readouterr().err


def test_an_edit_that_makes_an_input_error_is_rejected(here: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A duplicate resource is no finding, but the scan leaves it unchecked: nothing is written."""
    from tfguard.fix import rules

    def duplicate(site: rules.Site) -> None:
        site.ensure("enable_key_rotation", True, rules._true)
        site.add_after(site.subject, ['resource "aws_kms_key" "app" {', '  enable_key_rotation = true', "}"], "a copy",
                       "aws_kms_key")

    monkeypatch.setitem(rules.RULES, "TG301", rules.RULES["TG301"]._replace(apply=duplicate))
    (here / "main.tf").write_text(_KEY.replace("= 7", "= 30"))
    assert main(["fix", "--unsafe-fixes", "."]) == 0  # adding an aws_kms_key is not in the replacement table
    assert (here / "main.tf").read_text() == _KEY.replace("= 7", "= 30")
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["main.tf:1: TG301 aws_kms_key.app: not fixed: its edit would make an input error; left out",
                       "rejected: main.tf:7: duplicate resource aws_kms_key.app (first declared in main.tf); this one "
                       "is not checked: the edits would make this error; the fixes that made it are left out"]
    assert out[-1] == "0 findings fixed in 0 files; 0 more with --unsafe-fixes; 1 not fixable automatically"


def test_null_is_replaced_like_a_literal(here: Path) -> None:
    key = 'resource "aws_kms_key" "app" {\n  description         = "k"\n  enable_key_rotation = null\n}\n'
    (here / "main.tf").write_text(key)
    assert main(["fix", "--checks", "TG301", "."]) == 0
    assert (here / "main.tf").read_text() == key.replace("null", "true")


def test_a_block_an_override_file_overrides_is_not_edited(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main_tf = 'resource "aws_kms_key" "app" {\n  description         = "k"\n  enable_key_rotation = true\n}\n'
    override = 'resource "aws_kms_key" "app" {\n  enable_key_rotation = false\n}\n'
    (here / "main.tf").write_text(main_tf)
    (here / "main_override.tf").write_text(override)
    assert main(["fix", "--checks", "TG301", "."]) == 0
    assert [(here / f).read_text() for f in ("main.tf", "main_override.tf")] == [main_tf, override]
    assert capsys.readouterr().out == (
        "main_override.tf:2: TG301 aws_kms_key.app: not fixed: main_override.tf overrides the block of "
        "aws_kms_key.app; edit it by hand\n"
        "0 findings fixed in 0 files; 0 more with --unsafe-fixes; 1 not fixable automatically\n")


def test_a_fix_that_changes_nothing_says_so(here: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from tfguard.fix import rules

    monkeypatch.setitem(rules.RULES, "TG304", rules.RULES["TG304"]._replace(apply=lambda site: None))
    (here / "main.tf").write_text(_KEY)
    assert main(["fix", "--checks", "TG304", "."]) == 0
    assert (here / "main.tf").read_text() == _KEY
    assert capsys.readouterr().out.splitlines()[0] == (
        "main.tf:3: TG304 aws_kms_key.app: not fixed: its fix found nothing to change where the resource is "
        "declared; change it by hand")


def test_the_diff_applies_with_git_apply_to_what_fix_writes(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CRLF kept in the diff, a file without a final newline marked so: `git apply` makes the fix's files."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    files = {"main.tf": b'resource "aws_kms_key" "app" {\n  description = "k"\n}',
             "crlf.tf": b'resource "aws_kms_key" "b" {\r\n  description = "k"\r\n  deletion_window_in_days = 7\r\n}\r\n'}
    for side in ("applied", "fixed"):
        (here / side).mkdir()
        for name, data in files.items():
            (here / side / name).write_bytes(data)
    assert main(["fix", "--diff", "applied"]) == 1
    patch = capsys.readouterr().out
    assert main(["fix", "fixed"]) == 0
    done = subprocess.run(["git", "apply", "-p2", "--unsafe-paths", "--directory=applied", "-"], input=patch.encode(),
                          cwd=here, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert {n: (here / "applied" / n).read_bytes() for n in files} == {n: (here / "fixed" / n).read_bytes() for n in files}
    assert (here / "fixed" / "main.tf").read_bytes().endswith(b"= true\n}")


def _fixture(here: Path, name: str) -> str:
    import shutil

    from tests.conftest import FIXTURES

    shutil.copytree(FIXTURES / name, here / Path(name).name, ignore=shutil.ignore_patterns("plan.json", "expected.txt"))
    return Path(name).name


def test_a_fix_turned_down_by_the_verification_says_so(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """rotated = !primary's rotation: fixing primary would make rotated fail, so it is left out, and said."""
    d = _fixture(here, "eval/provider_defaults")
    before = (here / d / "main.tf").read_text()
    assert main(["fix", "--checks", "TG301", d]) == 0
    assert (here / d / "main.tf").read_text() == before
    assert capsys.readouterr().out == (
        "provider_defaults/main.tf:24: TG301 aws_kms_key.copy: not fixed: its fix would bring a new finding (TG301 "
        "aws_kms_key.rotated); left out\n"
        "provider_defaults/main.tf:18: TG301 aws_kms_key.from_variable: not fixed: enable_key_rotation comes from "
        "the default of var.rotation, which a fix never edits (other callers share it): set the value in the module "
        "call or a .tfvars file\n"
        "provider_defaults/main.tf:12: TG301 aws_kms_key.primary: not fixed: its fix would bring a new finding (TG301 "
        "aws_kms_key.rotated); left out\n"
        "rejected: TG301 aws_kms_key.rotated would be a new finding; the fixes that made it are left out\n"
        "0 findings fixed in 0 files; 0 more with --unsafe-fixes; 3 not fixable automatically\n")
