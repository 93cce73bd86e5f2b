"""TG151 judges a Global Datastore secondary by the datastore's primary replication group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.cli import main

PRIMARY = '''
resource "aws_elasticache_replication_group" "primary" {
  replication_group_id       = "sessions-primary"
  description                = "primary"
  at_rest_encryption_enabled = true
  transit_encryption_enabled = %s
}
'''
DATASTORE = '''
resource "aws_elasticache_global_replication_group" "sessions" {
  global_replication_group_id_suffix = "sessions"
  primary_replication_group_id       = "sessions-primary"
}

resource "aws_elasticache_replication_group" "secondary" {
  replication_group_id        = "sessions-secondary"
  description                 = "secondary"
  global_replication_group_id = aws_elasticache_global_replication_group.sessions.global_replication_group_id
}
'''


def _secondary(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> tuple[str, str, int]:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    main(["check", str(tmp_path), "-f", "json", "--checks", "TG151", "--include-passed"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    found = [f for f in findings if f["resource"] == "aws_elasticache_replication_group.secondary"]
    assert len(found) == 1
    return found[0]["status"], found[0]["message"], found[0]["start_line"]


def test_primary_named_by_literal_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = _secondary(tmp_path, capsys, PRIMARY % "false" + DATASTORE)
    assert got == ("fail", "the Global Datastore aws_elasticache_global_replication_group.sessions takes its "
                   "encryption from its primary aws_elasticache_replication_group.primary: "
                   "transit_encryption_enabled is false", 6)  # the primary's flag


def test_primary_not_in_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = _secondary(tmp_path, capsys, DATASTORE)
    assert got == ("unknown", "the primary replication group of aws_elasticache_global_replication_group.sessions "
                   "is not in the configuration: the secondary's encryption is the primary's", 10)
