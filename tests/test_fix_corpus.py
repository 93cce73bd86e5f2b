"""`tfguard fix` on shapes met in real repositories (scripts/fix_ecosystem.py found each):
a module's own switched-off resource for a bucket, a caller whose module is outside the
scanned folder, a block with no instance whose name a new block must not take, a rejected
fix that must not take the other roots' fixes with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfguard.cli import main


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


STORE_MODULE = """\
variable "name" {
  type = string
}

variable "versioned" {
  type    = bool
  default = false
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_s3_bucket_versioning" "this" {
  count  = var.versioned ? 1 : 0
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""


def test_no_second_resource_for_a_bucket_whose_own_is_switched_off(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # Versioning added beside the module's own (count = 0 here) would fight it for the
    # callers that switch it on: the module's input is what to set.
    _write(tmp_path, {"main.tf": 'module "store" {\n  source = "./modules/store"\n  name   = "logs"\n}\n',
                      "modules/store/main.tf": STORE_MODULE})
    assert main(["fix", str(tmp_path), "--checks", "TG601"]) == 0
    assert (tmp_path / "modules/store/main.tf").read_text() == STORE_MODULE
    assert ("TG601 module.store.aws_s3_bucket.this: not fixed: aws_s3_bucket_versioning.this is declared for this "
            "bucket in main.tf but has no instance here: set what enables it (its count, or the module's input) "
            "rather than add another") in capsys.readouterr().out


KEY_MODULE = """\
variable "rotate" {
  type = bool
}

resource "aws_kms_key" "this" {
  description         = "shared"
  enable_key_rotation = var.rotate
}
"""


def test_a_caller_literal_is_fixed_when_the_module_is_outside_the_scanned_folder(tmp_path: Path) -> None:
    _write(tmp_path, {"main.tf": KEY_MODULE,
                      "examples/x/main.tf": 'module "key" {\n  source = "../.."\n  rotate = false\n}\n'})
    example = tmp_path / "examples/x"
    assert main(["fix", str(example), "--allow-outside-root"]) == 0
    assert (example / "main.tf").read_text() == 'module "key" {\n  source = "../.."\n  rotate = true\n}\n'
    assert (tmp_path / "main.tf").read_text() == KEY_MODULE


def test_a_new_block_does_not_take_the_name_of_one_with_no_instance(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, {"main.tf": """\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

resource "aws_s3_bucket" "other" {
  bucket = "other"
}

resource "aws_s3_bucket_versioning" "logs" {
  count  = 0
  bucket = aws_s3_bucket.other.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""})
    assert main(["fix", str(tmp_path), "--checks", "TG601"]) == 0
    text = (tmp_path / "main.tf").read_text()
    assert 'resource "aws_s3_bucket_versioning" "logs_2" {\n  bucket = aws_s3_bucket.logs.id\n' in text
    assert text.count('resource "aws_s3_bucket_versioning" "logs" {') == 1
    out = capsys.readouterr().out
    assert "TG601 aws_s3_bucket.logs: fixed: added aws_s3_bucket_versioning.logs_2 (versioning enabled)" in out
    assert ("TG601 aws_s3_bucket.other: not fixed: aws_s3_bucket_versioning.logs is declared for this bucket in "
            "main.tf but has no instance here") in out


def test_a_fix_rejected_in_one_root_leaves_the_fixes_of_another(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # Encrypting the database brings out TG112 on its backup replication (no result while the
    # source is unencrypted): a new finding, so that fix is left out; the key in b/ is not its doing.
    _write(tmp_path, {"a/main.tf": """\
resource "aws_db_instance" "main" {
  engine                      = "postgres"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  backup_retention_period     = 7
}

resource "aws_db_instance_automated_backups_replication" "copy" {
  source_db_instance_arn = aws_db_instance.main.arn
}
""", "b/main.tf": 'resource "aws_kms_key" "app" {\n  description = "app"\n}\n'})
    before = (tmp_path / "a/main.tf").read_text()
    assert main(["fix", str(tmp_path / "a"), str(tmp_path / "b"), "--unsafe-fixes"]) == 0
    out = capsys.readouterr().out
    assert "rejected: TG112 aws_db_instance_automated_backups_replication.copy would be a new finding" in out
    assert ("TG110 aws_db_instance.main: not fixed: its fix would bring a new finding "
            "(TG112 aws_db_instance_automated_backups_replication.copy); left out") in out
    assert (tmp_path / "a/main.tf").read_text() == before
    assert (tmp_path / "b/main.tf").read_text() == (
        'resource "aws_kms_key" "app" {\n  description         = "app"\n  enable_key_rotation = true\n}\n')


def test_an_expression_with_no_caller_is_quoted_where_it_is_written(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, {"main.tf": """\
locals {
  days = 1
}

resource "aws_db_instance" "main" {
  engine                      = "postgres"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  backup_retention_period     = local.days
}
"""})
    assert main(["fix", str(tmp_path), "--checks", "TG607"]) == 0
    assert ("TG607 aws_db_instance.main: not fixed: backup_retention_period is set by an expression "
            "(`backup_retention_period     = local.days` at main.tf:12); change it by hand") in capsys.readouterr().out
