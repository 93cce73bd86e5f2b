"""tfguard/aws/: one module per AWS concept, each saying what it knows, none importing the pipeline or the check API."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

import tfguard.aws
from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MODULES = sorted(m.name for m in pkgutil.walk_packages(tfguard.aws.__path__, "tfguard.aws."))
PIPELINE = ("tfguard.load", "tfguard.report", "tfguard.run", "tfguard.engine", "tfguard.cli")
ABOVE = (*PIPELINE, "tfguard.check", "tfguard.declare", "checks")  # what tfguard.aws never imports


def test_the_concepts_have_their_modules() -> None:
    names = {m.split(".")[2] for m in MODULES}
    assert {"s3", "kms", "iam", "rds", "ebs", "dynamodb", "backup", "audit", "tls", "classification"} <= names


@pytest.mark.parametrize("name", MODULES)
def test_every_module_says_what_it_knows_and_is_listed(name: str) -> None:
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip(), name
    assert name.rsplit(".", 1)[1] in (tfguard.aws.__doc__ or ""), f"{name} is missing from the package's map"


@pytest.mark.parametrize("name", MODULES)
def test_no_module_imports_the_pipeline_or_the_check_api(name: str) -> None:
    tree = ast.parse(Path(importlib.import_module(name).__file__ or "").read_text(encoding="utf-8"))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert [m for m in imported if m.startswith(ABOVE)] == [], name


def test_the_import_contract_keeps_aws_below_the_pipeline_and_the_check_api() -> None:
    contracts = {c["id"]: c for c in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["importlinter"]["contracts"]}
    assert contracts["aws"]["source_modules"] == ["tfguard.aws"]
    assert set(contracts["aws"]["forbidden_modules"]) >= set(ABOVE)


def test_everything_about_s3_is_in_one_package_whose_entry_names_the_rest() -> None:
    assert [m for m in MODULES if m.startswith("tfguard.aws.s3")] == [
        "tfguard.aws.s3", "tfguard.aws.s3.log_delivery", "tfguard.aws.s3.replication", "tfguard.aws.s3.transport"]
    doc = importlib.import_module("tfguard.aws.s3").__doc__ or ""
    assert all(m in doc for m in MODULES if m.startswith("tfguard.aws.s3."))
