"""The import contract (pyproject.toml, docs/architecture.md) holds, and says what DESIGN.md draws."""

from __future__ import annotations

import contextlib
import io
import sys

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from tests.conftest import ROOT


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def test_the_import_contracts_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

    monkeypatch.chdir(ROOT)  # lint-imports finds tfguard and checks from the working directory
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert status == EXIT_STATUS_SUCCESS, out.getvalue()


def test_the_pipeline_layers_are_the_designed_order() -> None:
    layers = _contracts()["pipeline"]["layers"]
    assert isinstance(layers, list)
    assert [layer.split(" : ")[0] for layer in layers] == [
        "tfguard.cli", "tfguard.run", "tfguard.engine", "checks", "tfguard.aws", "tfguard.graph", "tfguard.arns",
        "tfguard.model"]
    assert "tfguard.check" in layers[4].split(" : ")  # the check API sits with the AWS knowledge it builds on


def test_report_and_load_may_import_only_the_model_and_named_helpers() -> None:
    contracts = _contracts()
    for name in ("load", "report"):
        assert contracts[name]["forbidden_modules"] == ["tfguard.*", "checks"]
    assert contracts["model"]["forbidden_modules"] == ["tfguard", "tfguard.*", "checks"]
