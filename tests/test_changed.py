"""Named configuration files (what the pre-commit hook passes): each is checked in the
root modules of its repository that use it, and only the findings that touch a named
file are reported, each once (tfguard/changed.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.changed import once, repository, touches
from tfguard.cli import main
from tfguard.load.hcl import parse_module
from tfguard.load.module_roots import roots_reaching
from tfguard.model import Finding, Location, Related, Resource, Status

# A module whose bucket is encrypted only when the caller asks for it: scanned alone,
# its default (false) gives a TG101 FAIL that both callers fix.
MODULE = """variable "name" {
  type = string
}

variable "encrypt" {
  type    = bool
  default = false
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count  = var.encrypt ? 1 : 0
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
"""
UNENCRYPTED_MODULE = MODULE.replace("count  = var.encrypt ? 1 : 0", "count  = 0")


def caller(env: str, encrypt: bool) -> str:
    return (f'module "bucket" {{\n  source  = "../../modules/bucket"\n  name    = "records-{env}"\n'
            f'  encrypt = {str(encrypt).lower()}\n}}\n')


def _write(base: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree (pre-commit runs hooks at its top) with a module and two callers."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path, {"modules/bucket/main.tf": MODULE, "envs/dev/main.tf": caller("dev", True),
                      "envs/prod/main.tf": caller("prod", True)})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _findings(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[tuple[str, str, str, str, str]]]:
    """Exit code and (id, resource, status, file, root) of each finding, in report order."""
    code = main(["check", "--checks", "TG101", "--include-passed", "-f", "json", *argv])
    doc = json.loads(capsys.readouterr().out)
    assert doc["diagnostics"] == []
    return code, sorted((f["id"], f["resource"], f["status"], f["file"], f["root"]) for f in doc["findings"])


def test_a_module_file_is_checked_through_its_callers(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Both callers encrypt: no FAIL for the module's bucket, and the module is not
    # scanned as a configuration of its own (no `aws_s3_bucket.this` address).
    code, got = _findings(capsys, "modules/bucket/main.tf")
    assert code == 0
    assert got == [("TG101", "module.bucket.aws_s3_bucket.this", "pass", "modules/bucket/main.tf", "envs/dev"),
                   ("TG101", "module.bucket.aws_s3_bucket.this", "pass", "modules/bucket/main.tf", "envs/prod")]


def test_a_caller_regression_is_reported_once_at_the_module_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(repo, {"envs/prod/main.tf": caller("prod", False)})
    code, got = _findings(capsys, "envs/prod/main.tf")
    assert code == 1
    assert got == [("TG101", "module.bucket.aws_s3_bucket.this", "fail", "modules/bucket/main.tf", "envs/prod")]
    # The caller that was not named is not reported.
    code, got = _findings(capsys, "envs/dev/main.tf")
    assert code == 0
    assert got == [("TG101", "module.bucket.aws_s3_bucket.this", "pass", "modules/bucket/main.tf", "envs/dev")]


def test_a_module_regression_is_reported_once_and_under_one_address(repo: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # Named together, the module and a caller used to be two configurations: the
    # module's finding came twice, as aws_s3_bucket.this and module.bucket.aws_s3_bucket.this.
    _write(repo, {"modules/bucket/main.tf": UNENCRYPTED_MODULE})
    code, got = _findings(capsys, "modules/bucket/main.tf", "envs/dev/main.tf")
    assert code == 1
    assert got == [("TG101", "module.bucket.aws_s3_bucket.this", "fail", "modules/bucket/main.tf", "envs/dev"),
                   ("TG101", "module.bucket.aws_s3_bucket.this", "fail", "modules/bucket/main.tf", "envs/prod")]


def test_findings_of_unnamed_files_in_the_same_root_are_not_reported(repo: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _write(repo, {"envs/dev/legacy.tf": 'resource "aws_s3_bucket" "legacy" {\n  bucket = "legacy"\n}\n',
                  "envs/dev/versions.tf": 'terraform {\n  required_version = ">= 1.5"\n}\n'})
    code, got = _findings(capsys, "envs/dev/versions.tf")
    assert (code, got) == (0, [])
    code, got = _findings(capsys, "envs/dev/legacy.tf")
    assert (code, got) == (1, [("TG101", "aws_s3_bucket.legacy", "fail", "envs/dev/legacy.tf", "envs/dev")])


def test_a_variables_file_stands_for_its_whole_root(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(repo, {"envs/prod/main.tf": caller("prod", False).replace("encrypt = false", "encrypt = var.encrypt")
                  + 'variable "encrypt" {\n  type = bool\n}\n',
                  "envs/prod/terraform.tfvars": "encrypt = false\n"})
    code, got = _findings(capsys, "envs/prod/terraform.tfvars")
    assert code == 1
    assert got == [("TG101", "module.bucket.aws_s3_bucket.this", "fail", "modules/bucket/main.tf", "envs/prod")]


def test_problems_of_unused_folders_are_not_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(repo, {"broken/main.tf": 'resource "aws_s3_bucket" "b" {\n', "envs/dev/broken.tf": "resource {\n"})
    assert main(["check", "--checks", "TG101", "-f", "json", "modules/bucket/main.tf"]) == 2
    diagnostics = [(d["file"], d["line"]) for d in json.loads(capsys.readouterr().out)["diagnostics"]]
    assert diagnostics == [("envs/dev/broken.tf", 1)]  # dev uses the module; broken/ does not


def test_outside_a_git_work_tree_the_folder_is_scanned_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, {"modules/bucket/main.tf": MODULE, "envs/dev/main.tf": caller("dev", True)})
    monkeypatch.chdir(tmp_path)
    code, got = _findings(capsys, "modules/bucket/main.tf")
    assert (code, got) == (1, [("TG101", "aws_s3_bucket.this", "fail", "modules/bucket/main.tf", "modules/bucket")])


def test_repository_is_the_work_tree_inside_the_shown_root(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert repository(tmp_path / "a" / "b", tmp_path) == (tmp_path / "a" / "b").resolve()  # no git
    (tmp_path / ".git").mkdir()
    assert repository(tmp_path / "a" / "b", tmp_path) == tmp_path.resolve()
    # The work tree starts above the folder reports are relative to: look no higher than it.
    assert repository(tmp_path / "a" / "b", tmp_path / "a") == (tmp_path / "a").resolve()
    (tmp_path / "a" / ".git").write_text("gitdir: ../.git/worktrees/a\n", encoding="utf-8")  # a linked work tree
    assert repository(tmp_path / "a" / "b", tmp_path) == (tmp_path / "a").resolve()


def test_roots_reaching(tmp_path: Path) -> None:
    _write(tmp_path, {"modules/bucket/main.tf": MODULE, "modules/logs/main.tf": MODULE,
                      "modules/stack/main.tf": 'module "b" {\n  source = "../bucket"\n  name = "x"\n}\n',
                      "envs/dev/main.tf": 'module "s" {\n  source = "../../modules/stack"\n}\n',
                      "envs/prod/main.tf": caller("prod", True), "envs/other/main.tf": MODULE})
    modules = [parse_module(d.resolve(), tmp_path) for d in sorted(tmp_path.glob("*/*"))]
    roots, reached = roots_reaching(modules, {(tmp_path / "modules" / "bucket").resolve()})
    assert [m.rel for m in roots] == ["envs/dev", "envs/prod"]  # through modules/stack, and directly
    assert sorted(p.relative_to(tmp_path.resolve()).as_posix() for p in reached) == [
        "envs/dev", "envs/prod", "modules/bucket", "modules/stack"]
    roots, _ = roots_reaching(modules, {(tmp_path / "modules" / "logs").resolve()})
    assert [m.rel for m in roots] == ["modules/logs"]  # called by nobody: a root of its own


def _finding(location: Location | None, related: tuple[Related, ...] = ()) -> Finding:
    return Finding("TG101", "s3-encryption", "t", "high", Status.FAIL, "module.b.aws_s3_bucket.this", "m",
                   location, related=related)


def test_touches_primary_related_and_calling_locations() -> None:
    named = frozenset({"envs/prod/main.tf"})
    in_module = Location("modules/bucket/main.tf", 10, 12)
    assert touches(_finding(Location("envs/prod/main.tf", 4, 4)), named, None)
    assert touches(_finding(in_module, (Related("x", Location("envs/prod/main.tf", 4, 4)),)), named, None)
    assert not touches(_finding(in_module, (Related("x", None),)), named, None)
    called = Resource("module.b.aws_s3_bucket.this", "aws_s3_bucket", "this", calls=(Location("envs/prod/main.tf", 1, 5),))
    assert touches(_finding(in_module), named, called)
    assert not touches(_finding(None), named, Resource("a", "b", "c"))


def test_once_keeps_the_first_of_equal_findings() -> None:
    a = _finding(Location("modules/bucket/main.tf", 10, 12))
    b = _finding(Location("modules/bucket/main.tf", 14, 14))
    assert once([a, b, _finding(Location("modules/bucket/main.tf", 10, 12)), b]) == [a, b]
