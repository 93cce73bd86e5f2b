"""tfguard's functions against `terraform console`, from recorded results (no terraform needed).

tests/data/function_cases.json is written by scripts/function_oracle.py.
Every case agrees exactly, or is listed in function_limits.json with the
reason (docs/functions.md); a listed case that agrees again must be unlisted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.function_oracle_compare import compare

DATA = Path(__file__).parent / "data"
CASES: dict[str, dict[str, str]] = json.loads((DATA / "function_cases.json").read_text(encoding="utf-8"))
LIMITS: dict[str, str] = json.loads((DATA / "function_limits.json").read_text(encoding="utf-8"))
FILES = {
    "hello.txt": "hello\n",
    "tpl/greet.tftpl": "Hello, ${name}!\n",
    "tpl/list.tftpl": "%{ for x in items ~}\n- ${x}\n%{ endfor ~}\n",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("oracle-files").resolve()
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_files_are_the_ones_terraform_read() -> None:
    from scripts.function_oracle import FILES as RECORDED_WITH

    assert FILES == RECORDED_WITH


@pytest.mark.parametrize("expr", list(CASES), ids=list(CASES))
def test_tfguard_agrees_with_terraform(expr: str, files: Path) -> None:
    verdict, detail = compare(expr, CASES[expr], files)
    if expr in LIMITS:
        assert verdict != "agree", "agrees now: remove it from tests/data/function_limits.json"
    else:
        assert verdict == "agree", detail


def test_every_limit_is_a_recorded_case() -> None:
    assert set(LIMITS) <= set(CASES)
