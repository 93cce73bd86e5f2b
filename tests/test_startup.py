"""Start-up stays light: commands import only what they use (checked in fresh interpreters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("networkx", "lark", "hcl2", "jinja2", "pydantic")

_PROBE = """
import contextlib, io, json, sys
from tfguard.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "heavy": sorted(m for m in HEAVY if m in sys.modules)}))
""".replace("HEAVY", repr(HEAVY))


def _probe(args: list[str], cache: Path) -> dict[str, object]:
    env = {**os.environ, "TFGUARD_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["list-checks"]])
def test_informational_commands_import_no_parser_graph_or_templates(args: list[str], tmp_path: Path) -> None:
    assert _probe(args, tmp_path / "cache") == {"rc": 0, "heavy": []}


def test_a_warm_scan_imports_neither_the_parser_nor_networkx(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n', encoding="utf-8")
    args = ["check", str(tmp_path), "--format", "json", "--output", str(tmp_path / "out.json")]
    cold = _probe(args, tmp_path / "cache")
    assert cold["heavy"] == ["lark"]  # the first run parses, without python-hcl2's own API
    assert _probe(args, tmp_path / "cache") == {"rc": cold["rc"], "heavy": []}  # the second reads the cache
